"""Session 4b: a raider's turns a few hours after the raid that read as an attacker's are raid messages."""

from __future__ import annotations

from datetime import timedelta

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Episode, Settings, Turn, _extend


def _raid(extra: tuple = ()) -> tuple[Episode, list[Turn]]:
    rows: list[tuple] = [
        ("kenza", "lea t'es grosse", {"minutes": 0}),
        ("tom", "mdr grave", {"minutes": 1}),
        ("kenza", "sale baleine", {"minutes": 2}),
        (
            "kenza",
            "elle a encore mis son jogging rose ptdr",
            {"minutes": 5 * 60},
        ),  # later, reads as an attack
        ("tom", "on se voit au foot ce soir ?", {"minutes": 5 * 60 + 5}),  # later, ordinary
        ("tom", "laissez-la tranquille en vrai", {"minutes": 5 * 60 + 10}),  # later, a defence
        ("kenza", "toujours la meme lea mdr", {"minutes": 9 * 60}),  # beyond 6 hours
    ]
    _, msgs = chat(rows + list(extra))
    ts = [Turn(m) for m in msgs]
    for t, p in zip(ts, (0.9, 0.8, 0.9, 0.85, 0.2, 0.9, 0.9), strict=False):
        t.p_r = p
    ts[5].stance = "defend"
    ep = Episode(
        id="ep",
        community_uid=msgs[0].community_uid,
        target=uid("lea"),
        hostile=ts[:3],
        raiders=[uid("kenza"), uid("tom")],
        initiator=uid("kenza"),
        messages=list(ts[:3]),
    )
    return ep, ts


def test_a_raiders_attacker_like_turn_hours_after_the_raid_is_a_raid_message() -> None:
    ep, ts = _raid()
    _extend([ep], ts, Settings(addressee_model=None))
    marked = {t.uid for t in ep.messages}
    assert ts[3].uid in marked  # the bully mocking again 5 hours later
    assert ts[4].uid not in marked  # an ordinary turn (low attacker probability)
    assert ts[5].uid not in marked  # a defence is never a raid message
    assert ts[6].uid not in marked  # beyond late_marks (6 h)
    assert [t.uid for t in ep.messages] == sorted(
        (t.uid for t in ep.messages), key=lambda u: next(x.m.created_at for x in ts if x.uid == u)
    )


def test_late_marks_off_or_wider() -> None:
    ep, ts = _raid()
    _extend([ep], ts, Settings(addressee_model=None, late_marks=None))
    assert len(ep.messages) == 3
    ep, ts = _raid()
    _extend([ep], ts, Settings(addressee_model=None, late_marks=timedelta(hours=12)))
    assert {ts[3].uid, ts[6].uid} <= {t.uid for t in ep.messages}


def test_a_turn_already_in_another_raid_is_not_taken_twice() -> None:
    ep, ts = _raid()
    other = Episode(
        id="ep2",
        community_uid=ep.community_uid,
        target=uid("ines"),
        hostile=[ts[3]],
        raiders=[uid("kenza")],
        initiator=uid("kenza"),
        messages=[ts[3]],
    )
    _extend([other, ep], ts, Settings(addressee_model=None))
    assert ts[3].uid not in {t.uid for t in ep.messages}


def test_a_raiders_turn_at_the_target_days_later_is_a_raid_message() -> None:
    """The same bully speaking to (or about) the target again three days later, even in a mild turn."""
    rows = (
        ("kenza", "alors lea toujours pas de copains ?", {"minutes": 3 * 24 * 60}),
        ("tom", "lea tu viens au foot ?", {"minutes": 3 * 24 * 60 + 1}),
        ("ines", "lea on se voit demain", {"minutes": 3 * 24 * 60 + 2}),
        ("kenza", "lea franchement", {"minutes": 9 * 24 * 60}),
    )
    ep, ts = _raid(rows)
    later = ts[7:]
    for t in later:
        t.p_r, t.to = 0.3, [uid("lea")]
    later[1].stance = "conciliate"
    _extend([ep], ts, Settings(addressee_model=None))
    marked = {t.uid for t in ep.messages}
    assert later[0].uid in marked
    assert later[1].uid not in marked  # a conciliation
    assert later[2].uid not in marked  # not a raider
    assert later[3].uid not in marked  # beyond late_about (7 days)
    ep, ts = _raid(rows)
    for t in ts[7:]:
        t.p_r, t.to = 0.3, [uid("lea")]
    _extend([ep], ts, Settings(addressee_model=None, late_about=None))
    assert ts[7].uid not in {t.uid for t in ep.messages}  # old behaviour
