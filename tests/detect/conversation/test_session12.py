"""Session 12 (issue 12): loud civil chats — hostility whose link to the "target" is only guessed (venting about
someone outside the chat), with the target neither hurt nor defended, makes no pile-on (``aimed_min``, off by default since the integration: tested switched on); a
"target" who hits two of the "attackers" back as written and laughs while under fire, neither hurt nor defended, is
roasting with friends (``reciprocal_min``, on); a stronger raid on a hurt member is not folded into an earlier raid on
its "defender" (``defender_weaker``, on); the pile-ons these checks must keep stay raids."""

from __future__ import annotations

from typing import Any

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _episode, _reciprocal, _unaimed


def _st(**kw: Any) -> Settings:
    """The learned-model path with a stand-in model, every author kept as a raider (no attacker probabilities)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


OFF = {"aimed_min": 0, "reciprocal_min": 0}
AIMED = {"aimed_min": 1}


def _hit(t: Turn, who: str, how: str = "name+tu") -> None:
    t.hostile, t.score, t.targets = "finding", 0.9, [uid(who)]
    if how in ("name+tu", "vocative", "mention"):
        t.to = [uid(who)]
    t.how[uid(who)] = how


def _venting(tom_says: str | None = "bon je vais dormir") -> tuple[list[Turn], list[Turn]]:
    """Yanis, Sarah and Léa insult "him" (someone outside the chat); the pass guessed Tom ("3rd-person")."""
    rows: list[tuple[str, str]] = [
        ("yanis", "quel connard ce type"),
        ("sarah", "un vrai abruti"),
        ("lea", "il a zéro respect ce bouffon"),
        ("yanis", "sale type franchement"),
    ]
    if tom_says:
        rows.append(("tom", tom_says))
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for k in range(4):
        _hit(ts[k], "tom", "3rd-person")
    return ts, ts[:4]


def test_guessed_hostility_at_a_member_who_is_not_hurt_is_no_pile_on() -> None:
    ts, hostile = _venting()
    assert _unaimed(uid("tom"), hostile, ts, _st(**AIMED))
    assert _episode("c", uid("tom"), hostile, ts, _st(**AIMED)) is None
    # the session-start rules raided him
    assert _episode("c", uid("tom"), hostile, ts, _st(**OFF)) is not None


def test_a_target_who_pleads_or_never_writes_is_still_raided() -> None:
    for plea in ("arrêtez svp", "pourquoi vous dites ça", "ok je quitte le groupe"):
        ts, hostile = _venting(plea)
        if plea == "arrêtez svp":
            ts[4].stance, ts[4].to = "defend", [uid("yanis"), uid("sarah")]
        ep = _episode("c", uid("tom"), hostile, ts, _st(**AIMED))
        assert ep is not None and ep.target == uid("tom"), plea
    ts, hostile = _venting(None)  # the member who never writes, talked about
    ep = _episode("c", uid("tom"), hostile, ts, _st(**AIMED))
    assert ep is not None and ep.target == uid("tom")


def test_one_hit_as_written_keeps_the_raid() -> None:
    ts, hostile = _venting()
    _hit(ts[1], "tom", "name+tu")
    assert not _unaimed(uid("tom"), hostile, ts, _st(**AIMED))
    assert _episode("c", uid("tom"), hostile, ts, _st(**AIMED)) is not None


def _roast(laugh: bool, defence: str | None = None) -> tuple[list[Turn], list[Turn]]:
    """Yanis and Sarah roast Tom; Tom roasts both back (laughing or not) and Léa too, who then tells him "c bon
    t'inquiète" (forgiving him: a "defence" of Tom, which keeps the session-start banter check from clearing him, as
    in chatw13_06); Kenza may write ``defence``."""
    rows: list[tuple[str, str]] = [
        ("yanis", "tom t'as dansé comme un frigo"),
        ("tom", "mdr et toi yanis t'as vu ta coupe 😂" if laugh else "et toi yanis t'as vu ta coupe"),
        ("sarah", "tom t'es un poisson mort"),
        ("tom", "sarah t'as 3 poils au menton"),
        ("tom", "et lea elle danse pire"),
        ("lea", "c bon t'inquiète tom"),
        ("yanis", "tom le frigo"),
        ("sarah", "tom t'es nul"),
    ]
    if defence:
        rows.append(("kenza", defence))
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for k in (0, 2, 6, 7):
        _hit(ts[k], "tom")
    _hit(ts[1], "yanis")
    _hit(ts[3], "sarah")
    _hit(ts[4], "lea", "name+3rd")
    ts[5].stance, ts[5].to = "defend", [uid("tom")]
    if defence:
        ts[8].stance, ts[8].to = "defend", [uid("tom")]
    return ts, [ts[0], ts[2], ts[6], ts[7]]


def test_a_target_who_roasts_back_laughing_is_no_pile_on() -> None:
    ts, hostile = _roast(laugh=True)
    assert _reciprocal(uid("tom"), hostile, ts, _st())
    assert _episode("c", uid("tom"), hostile, ts, _st()) is None
    # the session-start rules raided him
    assert _episode("c", uid("tom"), hostile, ts, _st(**OFF)) is not None


def test_a_victim_who_hits_back_without_laughing_or_is_defended_is_still_raided() -> None:
    ts, hostile = _roast(laugh=False)
    assert not _reciprocal(uid("tom"), hostile, ts, _st())
    ep = _episode("c", uid("tom"), hostile, ts, _st())
    assert ep is not None and ep.target == uid("tom")
    ts, hostile = _roast(laugh=True, defence="laissez tom tranquille")
    assert not _reciprocal(uid("tom"), hostile, ts, _st())
    assert _episode("c", uid("tom"), hostile, ts, _st()) is not None


def test_the_rules_alone_are_unchanged() -> None:
    ts, hostile = _venting()
    rules = Settings(addressee_model=None)
    assert _episode("c", uid("tom"), hostile, ts, rules) is not None
    ts, hostile = _roast(laugh=True)
    assert _episode("c", uid("tom"), hostile, ts, rules) is not None


def test_chatw12_06_the_moderator_guessed_once_is_not_the_target() -> None:
    """chatw12_06: Julien (the moderator) is guessed as "il" once before the villagers attack Thierry, who is hurt;
    Thierry's raid no longer joins Julien's as "the same raiders turning on a defender" (``defender_weaker``; training
    chat, shipped model, no text_harm findings: the wiring)."""
    from pathlib import Path

    from veilleur.detect.conversation.analyse import analyse
    from veilleur.detect.conversation.evaluate import load_chat
    from veilleur.detect.conversation.model import load_model

    c = load_chat(
        Path(__file__).resolve().parents[2]
        / "data"
        / "conversations"
        / "train"
        / "chatw12"
        / "chatw12_06.json"
    )
    model = load_model()
    on = analyse(c.ctx, [], Settings(model=model)).episodes
    off = analyse(c.ctx, [], Settings(model=model, defender_weaker=False)).episodes
    assert [c.member_of_uid[e.target] for e in on][:1] == ["thierry"]
    assert [c.member_of_uid[e.target] for e in off][:1] == ["julien"]  # the session-start code


def test_aimed_min_is_off_by_default() -> None:
    """Integration, session 12: a blind set's pile-on was lost with it on, no blind civil chat cleared."""
    assert Settings().aimed_min == 0
