"""Révision 13a: an insult that also judges an act (``group_frames: judged``), after an impersonal « c'est » with no
article, judges what was done ("10 contre une, c'est lâche"), not a person ("c'est un lâche" still insults)."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.normalize import normalize


@pytest.fixture(scope="module")
def fast() -> TextHarmAnalyzer:
    return TextHarmAnalyzer(semantic=False)


def _insult(an: TextHarmAnalyzer, text: str) -> float:
    return an.analyze([text])[0].tiers["tier1_lexicon"].get("insult", 0.0)


@pytest.mark.parametrize(
    "text",
    [
        "Cinq contre un dans la cour, c'est lâche.",
        "se moquer de quelqu'un en fauteuil c'est vraiment lâche",
        "Filmer une fille qui pleure, c'est lâche et c'est tout.",
    ],
)
def test_an_act_judged_is_no_insult(fast: TextHarmAnalyzer, text: str) -> None:
    assert _insult(fast, text) < 0.5, text


@pytest.mark.parametrize(
    "text",
    ["T'es qu'un lâche.", "C'est un lâche, ce mec.", "Il est lâche et menteur.", "bande de lâches"],
)
def test_a_person_called_so_is_still_insulted(fast: TextHarmAnalyzer, text: str) -> None:
    assert _insult(fast, text) >= 0.5, text


def test_foolishness_still_mocks(fast: TextHarmAnalyzer) -> None:
    """A judgement of foolishness can mock the victim's act ("il a renversé son plateau, c'est trop con")."""
    assert _insult(fast, "Le patient du 4 a encore renversé son plateau, c'est trop con.") >= 0.5


def test_disgust_is_not_read_as_the_act(fast: TextHarmAnalyzer) -> None:
    """Disgust can be the hate itself ("ils mangent des chiens, c'est dégueulasse"); a moral judgement is the act's."""
    for text, word, expected in (
        ("ils mangent des chiens, c'est dégueulasse", "degueulase", False),
        ("5 contre 1, c'est lâche", "lache", True),
    ):
        t = normalize(text).text
        s = t.index(word)
        assert fast.lexicon._act_judged(t, s, s + len(word)) is expected, text
