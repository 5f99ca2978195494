"""Session 4b: a raider's turns a few hours after the raid that read as an attacker's are raid messages."""

from __future__ import annotations

from datetime import timedelta

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Episode, Settings, Turn, _extend


def _raid() -> tuple[Episode, list[Turn]]:
    rows = [
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
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for t, p in zip(ts, (0.9, 0.8, 0.9, 0.85, 0.2, 0.9, 0.9), strict=True):
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
