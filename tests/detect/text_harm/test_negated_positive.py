"""Révision 16d (s13-neg, issue 11): hate said without insult words, in measured wording.

A positive quality, identity or capacity denied to a group (« pas un seul capable de … », « on ne peut pas dire qu'ils
aient la moindre idée … », "never be real citizens") and a dehumanising metaphor aimed at a group (a swarm, breeding, a
flood) are hostile cues: with a group named they make a hint for the semantic tier, never a finding alone. The
writer's own disclaimer (« je ne dis pas que les X …, mais … », « je ne suis pas raciste, mais … ») is no
counter-speech. Sentences are the team's own, written for these tests.
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import HINT, Lexicon
from veilleur.detect.text_harm.normalize import normalize


def _scores(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


HINTED = [
    ("Les Roumains du quartier, pas un seul capable de tenir un emploi.", "fr"),
    ("The migrants arrive in swarms and breed faster than we build schools.", "en"),
]


@pytest.mark.parametrize(("text", "lang"), HINTED)
def test_negated_positive_and_metaphor_are_hints(lex: Lexicon, text: str, lang: str) -> None:
    sc = _scores(lex, text, lang)
    assert sc.get(HINT, 0.0) > 0.1, text
    assert all(v < 0.5 for c, v in sc.items() if c != HINT), (text, sc)


NO_HINT = [
    ("Comparing migrants to a swarm of insects is dehumanising.", "en"),  # reported to be condemned
    ("Les étrangers ne sont pas éligibles au RSA la première année.", "fr"),  # a factual negation
    ("Les migrants sont arrivés en nombre cette semaine au centre d'accueil.", "fr"),
]


@pytest.mark.parametrize(("text", "lang"), NO_HINT)
def test_no_hint(lex: Lexicon, text: str, lang: str) -> None:
    assert _scores(lex, text, lang).get(HINT, 0.0) == 0.0, text


@pytest.mark.parametrize(
    "text",
    [
        "Je ne dis pas que les Roms volent, mais ils ne rendent jamais rien.",
        "Je ne suis pas raciste, mais les Roms ne travaillent pas.",
    ],
)
def test_a_disclaimer_is_no_counter_speech(lex: Lexicon, text: str) -> None:
    assert not lex._counter(normalize(text).text), text


@pytest.mark.parametrize("text", ["Ne dis pas que les Roms volent.", "Je ne suis pas raciste."])
def test_counter_speech_cues_still_read(lex: Lexicon, text: str) -> None:
    assert lex._counter(normalize(text).text), text
