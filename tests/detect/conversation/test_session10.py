"""Session 10 (issue 12): loud civil chats are not pile-ons — "attackers" who insult each other at least as often as
they hit the target (``row_mutual``, on), friends insulting someone outside the chat with the "target", who shows them
affection (``warm_target``, on); a "target" who gives back at least half of what they get, not hurt, not defended
(``row_ratio``, measured and off); a pile-on whose victim hits back stays one."""

from __future__ import annotations

from typing import Any

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _episode, _row, _with_them


def _st(**kw: Any) -> Settings:
    """The learned-model path with a stand-in model, every author kept as a raider (no attacker probabilities)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


OFF = {"row_ratio": None, "row_mutual": False, "warm_target": False}
RATIO = {"row_ratio": 0.5}  # measured, off by default


def _hit(t: Turn, who: str, how: str = "name+tu") -> None:
    t.hostile, t.score, t.targets, t.to = "finding", 0.9, [uid(who)], [uid(who)]
    t.how[uid(who)] = how


def _fight(back: int, defence: str | None = None) -> tuple[list[Turn], list[Turn]]:
    """Yanis and Sarah hit Tom four times; Tom hits them back ``back`` times; Léa may write ``defence``."""
    rows: list[tuple[str, str]] = [
        ("yanis", "tom t'es nul"),
        ("tom", "toi t'es nul yanis"),
        ("sarah", "tom ferme-la"),
        ("tom", "sarah t'es qu'une clown"),
        ("yanis", "tom t'es un boloss"),
        ("tom", "yanis t'es pire"),
        ("sarah", "tom t'es trop nul"),
    ]
    if defence:
        rows.append(("lea", defence))
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for k in (0, 2, 4, 6):
        _hit(ts[k], "tom")
    for k, who in list(((1, "yanis"), (3, "sarah"), (5, "yanis")))[:back]:
        _hit(ts[k], who)
    if defence:
        ts[7].stance, ts[7].to = "defend", [uid("tom")]
    return ts, [ts[0], ts[2], ts[4], ts[6]]


def test_a_target_who_gives_back_half_is_a_row_not_a_raid() -> None:
    ts, hostile = _fight(back=2)
    assert _row(uid("tom"), hostile, ts, _st(**RATIO))
    assert _episode("c", uid("tom"), hostile, ts, _st(**RATIO)) is None
    # the session-start rules raided him
    assert _episode("c", uid("tom"), hostile, ts, _st(**OFF)) is not None
    assert _episode("c", uid("tom"), hostile, ts, _st()) is not None  # off by default


def test_a_target_who_gives_back_less_than_half_is_still_raided() -> None:
    ts, hostile = _fight(back=1)
    assert not _row(uid("tom"), hostile, ts, _st(**RATIO))
    ep = _episode("c", uid("tom"), hostile, ts, _st(**RATIO))
    assert ep is not None and ep.target == uid("tom")


def test_a_victim_who_hits_back_but_is_defended_is_still_raided() -> None:
    ts, hostile = _fight(back=3, defence="laissez tom tranquille")
    ep = _episode("c", uid("tom"), hostile, ts, _st(**RATIO))
    assert ep is not None and ep.target == uid("tom")
    # without the exemption it would be a row
    assert _row(uid("tom"), hostile, ts, _st(row_hurt=False, **RATIO))


def test_attackers_who_fight_each_other_more_than_the_target_are_camps() -> None:
    """Two "attackers" of Tom (guessed links) insult each other both ways, as written: a row between camps."""
    _, msgs = chat(
        [
            ("yanis", "vous êtes des clowns"),
            ("sarah", "yanis t'es un bouffon"),
            ("yanis", "sarah ferme-la"),
            ("sarah", "et en plus ils ont perdu mdr"),
            ("yanis", "nuls nuls nuls"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    for k in (0, 3, 4):
        _hit(ts[k], "tom", "session-victim")
    _hit(ts[1], "yanis")
    _hit(ts[2], "sarah")
    hostile = [ts[0], ts[3], ts[4]]
    assert _row(uid("tom"), hostile, ts, _st(row_ratio=None))
    assert not _row(uid("tom"), hostile, ts, _st(row_ratio=None, row_mutual=False))
    # three hits at Tom as written outweigh the two between the attackers: a pile-on's crew bickering
    for k in (0, 3, 4):
        _hit(ts[k], "tom")
    assert not _row(uid("tom"), hostile, ts, _st(row_ratio=None))


def _ex(last: str) -> tuple[list[Turn], list[Turn]]:
    """Sofia and Léa insult Clara's ex (not in the chat: links to Clara are guesses); Clara then writes ``last``."""
    _, msgs = chat(
        [
            ("kenza", "théo m'a quittée par snap"),
            ("sofia", "ce mec est un lâche"),
            ("lea", "un déchet oui"),
            ("kenza", "j'arrive pas à arrêter de pleurer"),
            ("sofia", "il ressemble à un furet ce minable"),
            ("kenza", last),
        ]
    )
    ts = [Turn(m) for m in msgs]
    for k in (1, 2, 4):
        _hit(ts[k], "kenza", "session-victim")
    ts[3].distress = True
    return ts, [ts[1], ts[2], ts[4]]


def test_friends_insulting_an_ex_with_the_target_are_on_her_side() -> None:
    ts, hostile = _ex("je vous aime trop ❤️❤️")
    assert _with_them(uid("kenza"), hostile, ts, _st())
    assert _episode("c", uid("kenza"), hostile, ts, _st()) is None
    assert _episode("c", uid("kenza"), hostile, ts, _st(**OFF)) is not None


def test_thanks_alone_or_a_plea_to_them_is_not_being_on_her_side() -> None:
    ts, hostile = _ex("Merci.")
    assert not _with_them(uid("kenza"), hostile, ts, _st())  # a victim's dry thanks (chatw6_05)
    ts, hostile = _ex("je vous aime ❤️")
    ts[5].stance = "defend"  # a plea said to them ("vous") is hurt by them
    assert not _with_them(uid("kenza"), hostile, ts, _st())
    ts, hostile = _ex("je vous aime ❤️")
    _hit(ts[4], "kenza", "name+tu")  # an attack that names her: not about someone else
    assert not _with_them(uid("kenza"), hostile, ts, _st())


def test_the_rules_alone_are_unchanged() -> None:
    ts, hostile = _fight(back=2)
    rules = Settings(addressee_model=None, raider_min=0.0, join_min=0.0, **RATIO)
    assert _episode("c", uid("tom"), hostile, ts, rules) is not None


def test_chatws10_the_engineer_s_chats_with_the_shipped_model() -> None:
    """chatws10 (engineer-written, in-sample for these rules): the row about an ex is no raid, the pile-on whose victim
    hits back five times keeps its target (without text_harm findings: the wiring)."""
    from pathlib import Path

    from veilleur.detect.conversation.analyse import analyse
    from veilleur.detect.conversation.evaluate import load_chat
    from veilleur.detect.conversation.model import load_model

    root = Path(__file__).resolve().parents[2] / "data" / "conversations" / "train" / "chatws10"
    model = load_model()
    pile = load_chat(root / "chatws10_04.json")
    eps = analyse(pile.ctx, [], Settings(model=model)).episodes
    assert [pile.member_of_uid[e.target] for e in eps][:1] == ["nathan"]
