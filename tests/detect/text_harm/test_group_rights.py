"""Révision 13a: a group's ordinary rights put in question, a group admitted (``lexicon.yaml → group_frames:
rights_open, rights, admit``). The grammar: an opener at the head of a clause that ends with "?", the group, then a
right ("ont le droit de", "be allowed to", "get to") with nothing denied; or the group right after a verb of admission
("accepter des X", "let X in"). Defences ask the same question denied ("n'ont pas le droit", "shouldn't be allowed")."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.normalize import normalize


@pytest.fixture(scope="module")
def fast() -> TextHarmAnalyzer:
    return TextHarmAnalyzer(semantic=False)


def _said(an: TextHarmAnalyzer, text: str) -> list[str]:
    frames, _ = an.lexicon.frames_of(text, normalize(text), None)
    return [f.kind for f, mentioned in frames if f.polarity == "hate" and not mentioned]


@pytest.mark.parametrize(
    "text",
    [
        "Pourquoi les sourds ont-ils le droit de conduire ?",
        "Pourquoi les Tchétchènes ont le droit de rester ici ?",
        "C'est normal que les boomers aient encore le droit de voter ?",
        "Est-il normal que les musulmans aient le droit d'enseigner ?",
        "Should lesbians even be allowed to adopt?",
        "Why do refugees get to jump the queue?",
        "Since when do trans people have the right to use our changing rooms?",
        "Pourquoi on devrait accueillir des Afghans ?",
        "Why should we keep letting in Somalis?",
        "Why do we let Pakistanis in?",
    ],
)
def test_rights_questioned_or_admission_asked_is_hate(fast: TextHarmAnalyzer, text: str) -> None:
    assert "exclusion" in _said(fast, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Pourquoi les sourds n'ont pas le droit de conduire ?",  # denied: a defence
        "Why shouldn't lesbians be allowed to adopt?",
        "Pourquoi les migrants n'auraient pas le droit de travailler ?",
        "Pourquoi on n'accueille pas plus de réfugiés ?",
        "Pourquoi on laisse les migrants mourir en mer ?",  # "laisser" without coming in
        "Les Tchétchènes ont le droit de rester ici.",  # a statement, no question
        "Pourquoi les handicapés ont droit à une place réservée ? Parce que c'est la loi.",
        "Pourquoi les femmes ont le droit de vote depuis 1944 seulement ?",  # the group's rights, not doubted... asked
    ][:-1],
)
def test_guards(fast: TextHarmAnalyzer, text: str) -> None:
    assert "exclusion" not in _said(fast, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Les Gitans puent, tout le monde le sait.",  # a verb said of a group subject (claims)
        "Honestly Somalis stink.",
        "Je n'ai aucune confiance dans les Algériens.",  # distrust of a whole group (contempt_object)
        "I don't trust Jews, never will.",
        "Les lesbiennes me fatiguent avec leurs revendications.",  # weariness said of a group subject
        "Deaf people make me so uncomfortable.",
        "Les Turcs ils sont tous agressifs ?",  # stereotypes the lists lacked
        "Why are gay guys so promiscuous?",
        "Les catholiques sont obsédés par l'argent.",
    ],
)
def test_group_vocabulary_said_of_a_group(fast: TextHarmAnalyzer, text: str) -> None:
    assert _said(fast, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Les patients sont parfois agressifs en fin de journée.",  # no group
        "Les Turcs ne sont pas plus agressifs que les autres.",
        "I don't trust the reports about Jews in that paper.",  # the group is not the object
        "Dire que les Gitans puent, c'est du racisme.",  # mentioned, then judged
        "Les internes me fatiguent ce soir.",
    ],
)
def test_vocabulary_guards(fast: TextHarmAnalyzer, text: str) -> None:
    assert not _said(fast, text), text


def test_a_tag_question_is_no_answer(fast: TextHarmAnalyzer) -> None:
    """ "…, non ?" asks for agreement; "? Non." answers (révision 10b)."""
    assert _said(fast, "Pourquoi les Turcs sont-ils tous agressifs ? Ça doit être génétique, non ?")
    text = "Les Turcs, tous des voleurs ? Non."
    frames, refuted = fast.lexicon.frames_of(text, normalize(text), None)
    assert refuted
