"""Révision 13a: hand-written patterns meet normalised text, whose doubled letters are squeezed.

``normalize`` turns "elles" into "eles", "cette" into "cete", "allowed" into "alowed": a pattern written with a
doubled letter ("ils|elles", "cette race", "no better than", "immigr") could never match. Lexicon entries were already
normalised (``normalize_term``); the regular expressions written in the code and in ``contexts.yaml`` now are too
(``compile_normalised``), so the writer may use ordinary spelling."""

from __future__ import annotations

import re

import pytest

from veilleur.detect.text_harm import frames as frames_mod
from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.normalize import compile_normalised, normalize, squeeze_pattern

_DOUBLE = re.compile(r"(?<!\\)([a-z])\1")


@pytest.fixture(scope="module")
def fast() -> TextHarmAnalyzer:
    return TextHarmAnalyzer(semantic=False)


def test_squeeze_pattern_keeps_escapes_and_is_idempotent() -> None:
    assert squeeze_pattern(r"\bno better than\b") == r"\bno beter than\b"  # "\b" then "b" kept
    assert squeeze_pattern(r"(?:ils|elles|they)") == r"(?:ils|eles|they)"
    assert squeeze_pattern(r"\ss+") == r"\ss+"
    assert squeeze_pattern("cette race") == "cete race" == squeeze_pattern("cete race")
    assert compile_normalised(r"(?<![\w*])cette race").search(normalize("Cette race !").text)


def test_no_pattern_of_the_group_frames_holds_a_doubled_letter(fast: TextHarmAnalyzer) -> None:
    """An audit, not a list: every compiled pattern of ``frames.py`` (module and instance) and the patient patterns
    of ``contexts.yaml`` could match normalised text."""
    gf = fast.lexicon.frames
    assert gf is not None
    found = [v for v in vars(frames_mod).values() if isinstance(v, re.Pattern)]
    found += [v for v in vars(gf).values() if isinstance(v, re.Pattern)]
    found += [p for p, _ in frames_mod._RESTRICT]
    found += list(fast.lexicon.patient_patterns)
    assert len(found) > 40
    dead = [p.pattern[:80] for p in found if _DOUBLE.search(p.pattern)]
    assert dead == []
    looks = frames_mod._DEFEND_LOOK + frames_mod._PROHIBIT_LOOK
    assert all(normalize(w).text == w for w in looks if w.strip())


@pytest.mark.parametrize(
    "text",
    [
        "Les femmes ? Elles sont toutes des hystériques.",  # "elles" carries the group
        "Les réfugiés ? Elles sont toutes des profiteuses.",
        "I'm allowed to say that immigrants are parasites.",  # the "forbidden truth" trope is the writer's claim
        "Muslims are no better than animals.",  # restrictive, not a negation
        "We should have shipped them all back, the migrants.",
    ],
)
def test_hate_lost_to_a_doubled_letter_is_found(fast: TextHarmAnalyzer, text: str) -> None:
    frames, _ = fast.lexicon.frames_of(text, normalize(text), None)
    assert any(f.polarity == "hate" and not mentioned for f, mentioned in frames), text


def test_cette_race_names_a_group(fast: TextHarmAnalyzer) -> None:
    text = "Cette race est une plaie."
    frames, _ = fast.lexicon.frames_of(text, normalize(text), "fr")
    assert any(f.kind == "dehumanising" for f, _ in frames)


def test_a_defence_after_fille_d_immigres_is_read() -> None:
    gf = TextHarmAnalyzer(semantic=False).lexicon.frames
    assert gf is not None
    t = normalize("Fille d'immigrés, je connais la chanson.").text
    assert any(f.kind == "defend" for f in gf.analyse(t, "fr"))


@pytest.mark.parametrize(
    "text",
    [
        "Les femmes ? Elles sont toutes compétentes et ce ne sont pas des hystériques.",
        "Why are immigrants called parasites? Stop calling immigrants parasites.",
        "Muslims are no better or worse than anyone else.",
    ],
)
def test_guards(fast: TextHarmAnalyzer, text: str) -> None:
    frames, _ = fast.lexicon.frames_of(text, normalize(text), None)
    assert not any(f.polarity == "hate" and not mentioned for f, mentioned in frames), text


def test_no_module_pattern_of_the_lexicon_holds_a_doubled_letter() -> None:
    """The same audit for ``lexicon.py``'s own patterns ("nullement", "carrément", "really" never matched)."""
    from veilleur.detect.text_harm import lexicon as lexicon_mod

    found = [v for v in vars(lexicon_mod).values() if isinstance(v, re.Pattern)]
    assert len(found) > 5
    assert [p.pattern[:80] for p in found if _DOUBLE.search(p.pattern)] == []
