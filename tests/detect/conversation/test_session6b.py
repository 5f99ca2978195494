"""Session 6b (issue 12): loud civil chats — a "defence" written by one of the attackers is no defence."""

from __future__ import annotations

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _banter


def _match_night() -> tuple[list[Turn], list[Turn]]:
    """chatw8_04 (shape): friends watching a match tease the rival club's supporter, who laughs along; after the
    goal one of the teasers shouts "ON EST LÀÀÀ", which the defence cues read as protecting someone."""
    _, msgs = chat(
        [
            ("samy", "ferme la t'es même pas supporter"),
            ("ryan", "mdrrr c faux jsuis là depuis 2019"),
            ("samy", "t'es aussi aveugle que l'arbitre toi"),
            ("ryan", "mdr la mauvaise foi"),
            ("idriss", "alors ryan on fait moins le malin"),
            ("ryan", "c'était hors jeu"),
            ("samy", "ON EST LÀÀÀ"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    hostile = [ts[0], ts[2], ts[4]]
    for h in hostile:
        h.hostile, h.score, h.targets = "finding", 0.8, [uid("ryan")]
    ts[6].strong_defence = True
    return ts, hostile


def test_an_attackers_defence_does_not_rule_out_banter() -> None:
    st = Settings(addressee_model=None)
    ts, hostile = _match_night()
    assert _banter(uid("ryan"), hostile, ts, st)
    assert not _banter(
        uid("ryan"), hostile, ts, Settings(addressee_model=None, banter_attacker_defence=False)
    )


def test_a_bystanders_defence_still_rules_out_banter() -> None:
    ts, hostile = _match_night()
    ts[6].author = uid("lina")  # the same words by someone who attacked nobody: a defence
    assert not _banter(uid("ryan"), hostile, ts, Settings(addressee_model=None))


def _loose_courage(after_target: bool) -> tuple[list[Turn], list[Turn]]:
    """chatw5_14 (shape): "courage", addressed to no one, answers a classmate's "nooo" (the teacher has arrived),
    not the teased friend: the defence cues read it as protecting someone."""
    rows = [
        ("samy", "ferme la t'es même pas supporter"),
        ("ryan", "mdrrr c faux jsuis là depuis 2019"),
        ("samy", "t'es aussi aveugle que l'arbitre toi"),
        ("ryan", "mdr la mauvaise foi"),
        ("idriss", "alors ryan on fait moins le malin"),
        ("ryan", "😂😂"),
        *([] if after_target else [("kenza", "nooo le prof arrive")]),
        ("lina", "courage"),
    ]
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    hostile = [ts[0], ts[2], ts[4]]
    for h in hostile:
        h.hostile, h.score, h.targets = "finding", 0.8, [uid("ryan")]
    ts[-1].strong_defence = True
    return ts, hostile


def test_an_unaddressed_defence_after_someone_else_does_not_rule_out_banter() -> None:
    ts, hostile = _loose_courage(after_target=False)
    assert _banter(uid("ryan"), hostile, ts, Settings(addressee_model=None))
    assert not _banter(uid("ryan"), hostile, ts, Settings(addressee_model=None, banter_loose_defence=False))


def test_an_unaddressed_defence_right_after_the_target_still_counts() -> None:
    ts, hostile = _loose_courage(after_target=True)
    assert not _banter(uid("ryan"), hostile, ts, Settings(addressee_model=None))
