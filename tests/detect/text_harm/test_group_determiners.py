"""Révision 12c (issue 11): group entries that begin with a determiner or an article.

"les gros" was one entry of ``lexicon.yaml → group_frames: groups`` and swallowed its own determiner: in "Aucun
respect pour les gros …" the group word had no determiner before it (only "pour"), and the French frames skip a
group word without one. The English entries "the elderly", "the irish", "the obese", "the mentally ill" had the
same cause: "these elderly" or "those obese" named no group. The general fix drops a leading determiner when the
entries are compiled (the word kept then needs a determiner, like "gros" or "disabled"). Every such entry of the
shipped lexicon is checked here in carrier sentences that already work for a single-word group; sentences are the
team's own.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from veilleur.detect.text_harm.frames import GroupFrames
from veilleur.detect.text_harm.lexicon import Lexicon
from veilleur.detect.text_harm.normalize import normalize

LEXICON = Path(__file__).parents[3] / "src" / "veilleur" / "detect" / "text_harm" / "data" / "lexicon.yaml"
# determiners and articles a group entry may begin with (the brief's lists, independent of frames.py)
FR_DET = ("le", "la", "les", "l'", "des", "du", "un", "une", "ces")
EN_DET = ("the", "a", "an", "these", "those")
_LEAD = re.compile(
    r"^(?:(" + "|".join(d for d in FR_DET + EN_DET if not d.endswith("'")) + r")\s+|(l)')(.+)$", re.I
)

# carriers from the existing tests (test_frames.py, test_identity_tweets.py), with the group and its determiner
# as slots; each is first checked with a single-word group (REFERENCE), so a carrier that does not work for any
# group cannot pass or fail this test
CARRIERS = {
    "en": [
        "{D} {G} are parasites.",
        "{D} {G} are nothing but vermin.",
        "{D} {G} should all be deported.",
        "{D} {G} shouldn't be allowed near kids.",
        "Death to {D} {G}!",
        "Kill all {D} {G}.",
        "I hate {D} {G}.",
        "No respect for {D} {G}, they are parasites.",
    ],
    "fr": [
        "Aucun respect pour {D} {G} qui râlent dans le bus, ce sont des parasites.",
        "{D} {G} ne sont pas des êtres humains.",
        "{D} {G} sont une plaie pour ce pays.",
        "Il faut exterminer {D} {G}.",
        "Je n'ai que du mépris pour {D} {G}.",
    ],
}
CARRIER_DET = {"en": ["the", "these", "those", "all the"], "fr": ["les", "ces", "tous les"]}
REFERENCE = {
    "en": ("immigrants", "discrimination:origin_race"),
    "fr": ("migrants", "discrimination:origin_race"),
}


def _spec() -> dict:
    return yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["group_frames"]


def _det_entries(spec: dict) -> list[tuple[str, str, str, str]]:
    """(entry, its group word without the determiner, language of the determiner, category)."""
    out = []
    for cat, terms in (spec.get("groups") or {}).items():
        for t in terms:
            m = _LEAD.match(str(t).strip())
            if m:
                det = (m.group(1) or m.group(2) + "'").lower()
                out.append((str(t), m.group(3), "en" if det in EN_DET else "fr", str(cat)))
    return out


ENTRIES = _det_entries(_spec())


def _hate_categories(frames: GroupFrames, text: str, lang: str) -> set[str | None]:
    return {f.category for f in frames.analyse(normalize(text).text, lang) if f.polarity == "hate"}


def _sentence(carrier: str, det: str, group: str) -> str:
    s = carrier.format(D=det, G=group)
    return s[0].upper() + s[1:]


def test_the_shipped_lexicon_has_determiner_entries_to_check() -> None:
    # the audit of révision 12c: the English entries that begin with "the" ("les gros" was removed in 12b)
    assert {e[0] for e in ENTRIES} >= {
        "the irish",
        "the disabled",
        "the mentally ill",
        "the obese",
        "the elderly",
    }


@pytest.mark.parametrize(
    ("lang", "carrier", "det"), [(g, c, d) for g in CARRIERS for c in CARRIERS[g] for d in CARRIER_DET[g]]
)
def test_carriers_work_for_a_single_word_group(lex: Lexicon, lang: str, carrier: str, det: str) -> None:
    assert lex.frames is not None
    word, cat = REFERENCE[lang]
    assert cat in _hate_categories(lex.frames, _sentence(carrier, det, word), lang)


@pytest.mark.parametrize(("entry", "group", "lang", "category"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_determiner_entries_are_found_after_any_determiner(
    lex: Lexicon, entry: str, group: str, lang: str, category: str
) -> None:
    assert lex.frames is not None
    missed = [
        s
        for carrier in CARRIERS[lang]
        for det in CARRIER_DET[lang]
        for s in (_sentence(carrier, det, group),)
        if category not in _hate_categories(lex.frames, s, lang)
    ]
    assert not missed, f"{entry!r}: no {category} frame in {missed}"


def test_a_french_entry_with_its_article_is_compiled_without_it() -> None:
    # the case of révision 12b, for any entry: a list that holds "les gros" / "les vieux" only (no bare word)
    spec = copy.deepcopy(_spec())
    spec["groups"]["discrimination:body_weight"] = ["les gros"]
    spec["groups"]["discrimination:age"] = ["les vieux", "des retraités"]
    frames = GroupFrames(spec)
    assert "discrimination:body_weight" in _hate_categories(
        frames, "Aucun respect pour les gros qui râlent dans le bus, ce sont des parasites.", "fr"
    )
    assert "discrimination:age" in _hate_categories(frames, "Ces vieux ne sont pas des êtres humains.", "fr")
    assert "discrimination:age" in _hate_categories(frames, "Il faut exterminer les retraités.", "fr")


def test_an_english_entry_with_its_article_is_compiled_without_it() -> None:
    spec = copy.deepcopy(_spec())
    spec["groups"]["discrimination:age"] = ["the elderly"]
    frames = GroupFrames(spec)
    assert "discrimination:age" in _hate_categories(frames, "Those elderly are parasites.", "en")
    assert "discrimination:age" in _hate_categories(frames, "Kill all these elderly.", "en")


@pytest.mark.parametrize(
    "text",
    [
        # the word kept needs a determiner and a verb or a clause after it, like "gros" or "disabled"
        "The Irish pubs are a plague on this street.",
        "Elderly people are welcome here, the elderly care unit is on floor 2.",
        "An obese patient is not a parasite, she is a patient.",
        "The obese cats of the ward are a plague.",
    ],
)
def test_a_word_freed_from_its_article_still_needs_one(lex: Lexicon, text: str) -> None:
    assert lex.frames is not None
    assert not _hate_categories(lex.frames, text, "en")
