"""Session 16b (issue 12): the initiator (the bully) is the raider who writes most in the raid — orders, jokes the
others laugh at and follow-ups included — not the supporter with one more insult."""

from __future__ import annotations

from typing import Any

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _episode


def _st(**kw: Any) -> Settings:
    """The learned-model path with a stand-in model, every author kept as a raider (no attacker probabilities)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


def _raid() -> tuple[list[Turn], list[Turn]]:
    """Inès leads (an insult, then orders and mockery read as not hostile); Sarah insults Léa twice."""
    rows = [
        ("ines", "lea t'es vraiment une boloss"),
        ("sarah", "lea la honte sérieux"),
        ("ines", "allez tout le monde on la met en vu"),
        ("sarah", "t'es trop nulle lea"),
        ("ines", "regardez sa photo de profil mdr"),
        ("ines", "elle croit qu'elle va venir samedi"),
    ]
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for t in ts:
        t.to = [uid("lea")]
        t.how[uid("lea")] = "name+tu"
    for k in (0, 1, 3):
        ts[k].hostile, ts[k].score, ts[k].targets = "finding", 0.9, [uid("lea")]
    return ts, [ts[0], ts[1], ts[3]]


def test_the_raider_who_writes_most_leads() -> None:
    ts, hostile = _raid()
    ep = _episode("c", uid("lea"), hostile, ts, _st())
    assert ep is not None and ep.target == uid("lea")
    assert ep.initiator == uid("ines") and ep.raiders == [uid("ines"), uid("sarah")]
    # before (session 9, "all_hostile"): Sarah's two insults against Inès's one made her the initiator
    old = _episode("c", uid("lea"), hostile, ts, _st(initiator_by="all_hostile"))
    assert old is not None and old.initiator == uid("sarah")


def test_a_raider_without_a_hostile_turn_never_leads() -> None:
    ts, hostile = _raid()
    ts[0].hostile, ts[0].score, ts[0].targets = "", 0.0, []
    ep = _episode("c", uid("lea"), [ts[1], ts[3]], ts, _st(min_authors=1, min_messages=2, min_strength=0.0))
    assert ep is not None and ep.initiator == uid("sarah")
