"""Session 11 (issue 12): the right target — the victim's own reactions (leaving, giving up, a plea about themself),
comfort said to them, and a defence naming them in the third person weigh in the session re-aiming
(``Settings.victim_cues``, with the learned model); agreeing with a defender ("inès a raison") does not credit her."""

from __future__ import annotations

from pathlib import Path

from veilleur.detect.conversation import cues
from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.evaluate import load_chat

TRAIN = Path(__file__).resolve().parents[2] / "data" / "conversations" / "train"


def _f(text: str) -> str:
    return cues.fold(text)


def test_hurt_reads_leaving_giving_up_and_pleas_about_oneself() -> None:
    for text in (
        "ok je vais plus rien poster ici",
        "vous gagnez",
        "Je vais quitter le groupe quand même, je n'ai plus envie",
        "Je vous demande d'arrêter de parler de moi et de mon origine. C'est la dernière fois que je réponds.",
        "t'as donné mon numéro ???",
        "LAISSE MA MÈRE TRANQUILLE",
        "jsuis au bord des larmes là",
        "pourquoi tu dis ça",
    ):
        assert cues.HURT.search(_f(text)), text
    for text in (
        "j'ai pleuré 3 fois",  # at a film
        "kenza sérieux t'es sérieuse là",  # a defender's indignation at the bully
        "je vais au cinéma samedi",
        "je quitte le boulot à 18h",
    ):
        assert not cues.HURT.search(_f(text)), text


def test_giving_up_with_a_laugh_is_a_joke() -> None:
    """chatws11_03: "bon vous gagnez j'abandonne le débat 😂" reads as HURT, but the re-aiming skips HURT with a laugh."""
    text = _f("bon vous gagnez j'abandonne le débat 😂")
    assert cues.HURT.search(text) and cues.LAUGH.search(text)
    assert not cues.LAUGH.search(_f("ok je vais plus rien poster ici"))


def test_comfort_more_and_agreement() -> None:
    assert cues.COMFORT_MORE.search(_f("jade jsuis désolée pour toi"))
    assert cues.COMFORT_MORE.search(_f("Aurélie, ne réponds plus, ils ne méritent pas ton énergie"))
    assert not cues.COMFORT_MORE.search(_f("désolé je suis en retard"))
    assert cues.AGREE.search(_f("inès a raison la ça va trop loin, stop"))
    assert not cues.AGREE.search(_f("laissez nour tranquille"))


def _targets(path: Path, on: bool) -> list[str]:
    from veilleur.detect.conversation.model import load_model

    c = load_chat(path)
    # off: the session-start rules, without the learned raid check (session 14) and its lower raider floor (14b)
    st = (
        Settings(model=load_model(), victim_cues=on)
        if on
        else Settings(model=load_model(), victim_cues=False, raid_model=None)
    )
    eps = analyse(c.ctx, [], st).episodes
    return [c.member_of_uid[e.target] for e in eps]


def test_chatw1_08_the_victim_who_gives_up_is_the_target() -> None:
    """Emma ("pourquoi tu dis ça", "ok je vais plus rien poster ici", "vous gagnez") is the target, not the bully
    whose ironic praise the supporters laugh at (training chat, shipped model, no text_harm findings: the wiring)."""
    path = TRAIN / "chatw1" / "chatw1_08.json"
    assert _targets(path, True)[:1] == ["emma"]
    assert _targets(path, False)[:1] == ["romane"]  # the session-start rules


def test_chatw3_08_the_doxxed_victim_is_the_target() -> None:
    """Jade ("t'as donné mon numéro ???", "au bord des larmes", "jade jsuis désolée pour toi") is the target."""
    path = TRAIN / "chatw3" / "chatw3_08.json"
    assert _targets(path, True)[:1] == ["jade"]
    assert _targets(path, False)[:1] == ["timeo"]


def test_agreeing_with_a_defender_does_not_make_her_the_target() -> None:
    """chatw6_01: "inès a raison la ça va trop loin" names the defender Inès in a defence; Nour stays the target."""
    assert _targets(TRAIN / "chatw6" / "chatw6_01.json", True)[:1] == ["nour"]


def test_the_rules_alone_are_unchanged() -> None:
    c = load_chat(TRAIN / "chatw1" / "chatw1_08.json")
    on = analyse(c.ctx, [], Settings(addressee_model=None))
    off = analyse(c.ctx, [], Settings(addressee_model=None, victim_cues=False))
    assert [(e.target, len(e.messages)) for e in on.episodes] == [
        (e.target, len(e.messages)) for e in off.episodes
    ]
