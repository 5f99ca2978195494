"""Révision 15a (s12-q, issue 11): hostile frames over a group designated indirectly, and hints for the semantic tier.

A question over a group (a group word without a determiner, or an indirect designation: « certains quartiers », « les
nouveaux arrivants », "a man in a dress"), or a group named and a hostile cue in its sentence or a later one (a trait
said of all, an exclusion, the writer's disgust, an opinion announced), is a hint: it scores no category (never a
finding alone) and takes the message out of the semantic tier's low band. Counter-speech questions stay without one.
Sentences are the team's own, written for these tests.
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import HINT, Lexicon


def _scores(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


HINTED = [
    ("Certains quartiers, pourquoi on y envoie encore des ambulances ?", "fr"),
    ("Les nouveaux arrivants, pourquoi ils passent avant nous ?", "fr"),
    ("Et les musulmans, on en parle ?", "fr"),
    ("Why do we have to call a man in a dress 'madam'?", "en"),
    (
        "J'ai vu le reportage sur les Roumains du camp. Franchement ils ne valent pas mieux que leurs voisins.",
        "fr",
    ),
    ("Two men holding hands at the bakery this morning. Makes me sick.", "en"),
]


@pytest.mark.parametrize(("text", "lang"), HINTED)
def test_hint_found_and_scores_no_category(lex: Lexicon, text: str, lang: str) -> None:
    sc = _scores(lex, text, lang)
    assert sc.get(HINT, 0.0) > 0.1, text
    # a hint alone is never a finding
    assert all(v < 0.5 for c, v in sc.items() if c != HINT), (text, sc)


NO_HINT = [
    ("Pourquoi tant de haine envers les musulmans ?", "fr"),
    ("Why do so many immigrants face discrimination at work?", "en"),
    ("Les migrants sont arrivés hier au centre d'accueil.", "fr"),
    ("Our new neighbours are from Poland, lovely family.", "en"),
]


@pytest.mark.parametrize(("text", "lang"), NO_HINT)
def test_no_hint(lex: Lexicon, text: str, lang: str) -> None:
    assert _scores(lex, text, lang).get(HINT, 0.0) == 0.0, text


def test_hint_lifts_low_band() -> None:
    """The analyzer reads a hint into ``tiers["hint"]`` and never into a category score."""
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    an = TextHarmAnalyzer(semantic=False)
    a = an.analyze(["Et les musulmans, on en parle ?"], ["fr"])[0]
    assert "hint" in a.tiers
    assert HINT not in a.scores and HINT not in a.tiers["tier1_lexicon"]
    # the fast tier's scores are the n-gram model's alone here: the hint adds to none
    assert all(abs(v - a.tiers["tier1_model"].get(c, 0.0)) < 1e-3 for c, v in a.scores.items())
