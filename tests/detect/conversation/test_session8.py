"""Session 8 (issue 12): loud civil chats are not pile-ons — attacks that never pile up, and chats where everybody is
under fire and the "target" is neither hurt nor defended (chatw11's roast and party row, shapes only)."""

from __future__ import annotations

from typing import Any

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _diffuse, _episode, _piles_up

DAY = 24 * 60


def _st(**kw: Any) -> Settings:
    """The checks run with the learned model: a stand-in model, every author kept as a raider (no attacker
    probabilities on these hand-built turns)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


def _attacks(minutes: list[int]) -> tuple[list[Turn], list[Turn]]:
    """Three members insult Léa, one message each, at these minutes."""
    rows = [
        ("yanis", "lea t'es vraiment une boloss", {"minutes": minutes[0]}),
        ("tom", "t'es trop nulle lea", {"minutes": minutes[1]}),
        ("sarah", "lea la honte sérieux", {"minutes": minutes[2]}),
    ]
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for t in ts:
        t.hostile, t.score, t.targets, t.to = "finding", 0.9, [uid("lea")], [uid("lea")]
        t.how[uid("lea")] = "name+tu"
    return ts, list(ts)


def test_attacks_on_three_different_days_by_three_people_are_no_pile_on() -> None:
    ts, hostile = _attacks([0, DAY, 2 * DAY])
    assert not _piles_up(hostile, 2, Settings().pile_window)
    assert _episode("c", uid("lea"), hostile, ts, _st()) is None
    # the session-7 behaviour: one raid over 48 h gaps; and the rules alone (no learned model) as before
    assert _episode("c", uid("lea"), hostile, ts, _st(pile_window=None)) is not None
    assert _episode("c", uid("lea"), hostile, ts, Settings(addressee_model=None)) is not None


def test_the_same_attacks_within_the_hour_are_a_pile_on() -> None:
    ts, hostile = _attacks([0, 20, DAY])
    assert _piles_up(hostile, 2, Settings().pile_window)
    ep = _episode("c", uid("lea"), hostile, ts, _st())
    assert ep is not None and ep.target == uid("lea")


def test_a_larger_min_authors_still_needs_only_two_within_the_hour() -> None:
    ts, hostile = _attacks([0, 20, DAY])
    assert _episode("c", uid("lea"), hostile, ts, _st(min_authors=3)) is not None


def _roast(extra: list[tuple] | None = None, others: int = 4) -> tuple[list[Turn], list[Turn]]:
    """Friends roasting each other (chatw11_03's shape): Léa is roasted by Yanis and Tom, and ``others`` more members
    are each roasted by two people; nobody is hurt, nobody defends anyone."""
    who = ["ines", "sarah", "kenza", "tom"][:others]
    rows: list[tuple] = [
        ("yanis", "lea t'as la coupe d'un playmobil 😂"),
        ("tom", "lea tu chantes comme une casserole"),
        ("yanis", "et t'es nulle au foot lea"),
    ]
    roasters = {
        "ines": ("lea", "tom"),
        "sarah": ("yanis", "kenza"),
        "kenza": ("ines", "sarah"),
        "tom": ("lea", "ines"),
    }
    for victim in who:
        for a in roasters[victim]:
            rows.append((a, f"{victim} t'es trop bête"))
    rows += extra or []
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for t, row in zip(ts, rows, strict=True):
        text = row[1]
        if "t'es" in text or "tu " in text or "t'as" in text:
            victim = "lea" if "lea" in text else text.split()[0]
            t.hostile, t.score, t.to, t.targets = "finding", 0.9, [uid(victim)], [uid(victim)]
            t.how[uid(victim)] = "name+tu"
    return ts, ts[:3]


def test_a_roast_where_everybody_is_under_fire_is_no_pile_on() -> None:
    ts, hostile = _roast()
    st = _st()
    assert _diffuse(uid("lea"), hostile, ts, st)
    assert _episode("c", uid("lea"), hostile, ts, st) is None
    # session 10's row checks (the roasters insult each other too) off, to see this check alone
    assert (
        _episode("c", uid("lea"), hostile, ts, _st(diffuse_min=0, row_mutual=False, warm_target=False))
        is not None
    )
    assert _episode("c", uid("lea"), hostile, ts, Settings(addressee_model=None)) is not None  # rules alone


def test_three_others_under_fire_are_not_enough() -> None:
    ts, hostile = _roast(others=3)
    assert not _diffuse(uid("lea"), hostile, ts, Settings(addressee_model=None))


def test_a_hurt_target_is_attacked_even_when_others_are() -> None:
    ts, hostile = _roast(extra=[("lea", "arrêtez je vous ai rien fait")])
    ts[-1].distress = True
    assert not _diffuse(uid("lea"), hostile, ts, Settings(addressee_model=None))
    assert _episode("c", uid("lea"), hostile, ts, _st()) is not None


def test_a_target_defending_themself_in_the_first_person_is_hurt() -> None:
    ts, hostile = _roast(extra=[("lea", "laissez-moi tranquille")])
    ts[-1].stance = "defend"
    assert not _diffuse(uid("lea"), hostile, ts, Settings(addressee_model=None))


def test_a_conciliator_calling_others_to_stop_is_not_hurt() -> None:
    ts, hostile = _roast(extra=[("lea", "stop stop, yanis t'abuses")])
    ts[-1].stance = "defend"
    assert _diffuse(uid("lea"), hostile, ts, Settings(addressee_model=None))


def test_a_target_singled_out_who_does_not_give_as_much_is_attacked() -> None:
    """chatw5_13 (shape): the victim is mocked six times while the defenders and the bullies trade a few insults (two
    authors each at four members): he is singled out and gives little back, so this is a pile-on."""
    more = [("kenza", "lea t'es ridicule"), ("sarah", "lea t'as pas honte"), ("kenza", "lea tu sers à rien")]
    ts, hostile = _roast(extra=more)
    for t in ts:  # Léa does not roast back here: Yanis does
        if t.author == uid("lea") and t.hostile:
            t.author = uid("yanis")
    st = _st()
    assert not _diffuse(uid("lea"), hostile, ts, st)
    assert _diffuse(uid("lea"), hostile, ts, _st(diffuse_single=0.0))


def test_a_target_defended_by_someone_else_is_attacked() -> None:
    ts, hostile = _roast(extra=[("kenza", "laissez lea tranquille")])
    ts[-1].stance, ts[-1].strong_defence, ts[-1].about = "defend", True, [uid("lea")]
    assert not _diffuse(uid("lea"), hostile, ts, Settings(addressee_model=None))


def test_chatw11_03_the_roast_with_the_shipped_model() -> None:
    """Ten friends roast each other on Discord for three days, everyone fires back; the session re-aiming made the most
    named one (jules) the target of a six-author "raid". A training chat of the eleventh writer (not trained on by the
    shipped model), run without text_harm: this checks the wiring."""
    from pathlib import Path

    from veilleur.detect.conversation.analyse import analyse
    from veilleur.detect.conversation.evaluate import load_chat
    from veilleur.detect.conversation.model import load_model

    root = Path(__file__).resolve().parents[2] / "data" / "conversations" / "train" / "chatw11"
    c = load_chat(root / "chatw11_03.json")
    assert analyse(c.ctx, [], Settings(model=load_model())).episodes == []
    old = analyse(
        c.ctx, [], Settings(model=load_model(), pile_window=None, diffuse_min=0, raid_model=None)
    ).episodes
    assert [c.member_of_uid[e.target] for e in old][:1] == ["jules"]
    # a pile-on of the same writer keeps its target
    p = load_chat(root / "chatw11_06.json")
    assert [p.member_of_uid[e.target] for e in analyse(p.ctx, [], Settings(model=load_model())).episodes][
        :1
    ] == ["nour"]
