"""Session 14b (issue 12): with the learned raid check on, a candidate pile-on's raider filter keeps an author from a
mean attacker probability of ``Settings.raider_min_checked`` (0.5), not ``raider_min`` (0.6): read out of writer, the
attacker head under-reads a new writer's supporters; the check (veto 0.35) decides."""

from __future__ import annotations

from typing import Any

from tests.detect.conversation.helpers import uid
from tests.detect.conversation.test_session14 import _model, _pile_on
from veilleur.detect.conversation.analyse import Settings, _episode, _raider_floor


def _st(**kw: Any) -> Settings:
    return Settings(addressee_model=None, model=object(), join_min=0.0, **kw)


def test_the_floor_is_lower_only_with_the_check() -> None:
    assert _raider_floor(_st(raid_model=_model(0.0))) == 0.5
    assert _raider_floor(_st(raid_model=None)) == 0.6
    assert _raider_floor(_st()) == 0.6  # the shipped check needs a real context model: none with a stand-in
    assert _raider_floor(_st(raid_model=_model(0.0), raider_min_checked=None)) == 0.6
    assert Settings().raider_min_checked == 0.5 and Settings().raid_veto == 0.35


def test_a_supporter_under_read_stays_a_raider_with_the_check() -> None:
    ts, hostile = _pile_on()
    hostile[1].p_r = 0.55  # Sarah's one jab reads as an attacker's at 0.55 (a new writer's supporter)
    on = _episode("c", uid("lea"), hostile, ts, _st(raid_model=_model(0.0)))
    off = _episode("c", uid("lea"), hostile, ts, _st(raid_model=None))
    assert on is not None and uid("sarah") in on.raiders
    assert off is not None and uid("sarah") not in off.raiders
