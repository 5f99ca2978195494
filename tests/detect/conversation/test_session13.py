"""Session 13 (issue 12): loud civil chats raided on blind sets — the "defend" stance read as whole words (a fan's
"notre gardien va tout arrêter" is no defence: ``defence_words``), an apology right after one over-the-line message
closes that incident (``apology_window``); the pile-ons these checks must keep stay raids."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation import cues
from veilleur.detect.conversation.analyse import Settings, Turn, _closed, _episode, analyse


def _st(**kw: Any) -> Settings:
    """The learned-model path with a stand-in model, every author kept as a raider (no attacker probabilities)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


OFF = {"defence_words": False, "apology_window": None}


def _hit(t: Turn, who: str, how: str = "name+tu") -> None:
    t.hostile, t.score, t.targets = "finding", 0.9, [uid(who)]
    if how in ("name+tu", "vocative", "mention"):
        t.to = [uid(who)]
    t.how[uid(who)] = how


def test_defence_is_read_as_whole_words() -> None:
    for text in ("notre gardien va tout arrêter, c un mur", "il faut stopper le 9", "un joueur courageux"):
        assert not cues.DEFENCE_WORD.search(cues.fold(text)), text
        assert cues.DEFENCE.search(cues.fold(text)), text  # the learned model's feature is unchanged
    for text in (
        "arrête",
        "arrêtez svp",
        "vous êtes méchants",
        "laissez-la tranquille",
        "je te soutiens",
        "stop",
    ):
        assert cues.DEFENCE_WORD.search(cues.fold(text)), text


def test_a_fans_boast_is_no_defence_stance() -> None:
    ctx, msgs = chat([("yanis", "ce soir on gagne"), ("ines", "notre gardien va tout arrêter 🧱")])
    on = analyse(ctx, [], Settings(addressee_model=None)).turns[msgs[1].uid]
    off = analyse(ctx, [], Settings(addressee_model=None, defence_words=False)).turns[msgs[1].uid]
    assert on.stance == "" and off.stance == "defend"


def test_apology_cue() -> None:
    for text in (
        "dsl frr c le seum qui parle",
        "désolé tom c'était de trop",
        "sorry mate that was out of line",
    ):
        assert cues.APOLOGY.search(cues.fold(text)) and not cues.NOT_APOLOGY.search(cues.fold(text)), text
    for text in ("désolée pour toi", "dsl du retard", "pas désolé", "pardon ? t'as dit quoi"):
        assert not (cues.APOLOGY.search(cues.fold(text)) and not cues.NOT_APOLOGY.search(cues.fold(text))), (
            text
        )


def _roast(seventh: str, again: bool = False) -> tuple[list[Turn], list[Turn]]:
    """Yanis and Sarah tease Tom, who laughs; Sarah's third remark goes over the line (his father), Tom is hurt,
    Kenza objects; the seventh turn is Sarah's (``seventh``: an apology or not); Yanis teases on; ``again``: Sarah hits
    Tom once more afterwards."""
    rows: list[tuple[str, str]] = [
        ("yanis", "tom t'as dansé comme un frigo 😂"),
        ("tom", "mdr n'importe quoi"),
        ("sarah", "tom t'es un poisson mort"),
        ("tom", "ptdr"),
        ("sarah", "tom au moins mon père il est pas parti lui"),
        ("tom", "wow ok ça me blesse là"),
        ("kenza", "sarah t'abuses laisse-le tranquille"),
        ("sarah", seventh),
        ("tom", "c bon t'inquiète 😂"),
        ("yanis", "tom le frigo 😂"),
    ]
    if again:
        rows.append(("sarah", "tom t'es vraiment nul"))
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    for k in (0, 2, 4, 9):
        _hit(ts[k], "tom")
    ts[5].distress = True
    ts[6].stance, ts[6].about = "defend", [uid("tom")]
    ts[7].to = [uid("tom")]
    hostile = [ts[0], ts[2], ts[4], ts[9]]
    if again:
        _hit(ts[10], "tom")
        hostile.append(ts[10])
    return ts, hostile


def test_an_apology_right_after_the_over_the_line_remark_closes_it() -> None:
    ts, hostile = _roast("dsl tom c'était de trop, j'aurais pas dû")
    closed_h, closed_t = _closed(uid("tom"), hostile, ts, timedelta(minutes=15))
    assert {ts[2].uid, ts[4].uid} <= closed_h and {ts[5].uid, ts[6].uid} <= closed_t
    assert _episode("c", uid("tom"), hostile, ts, _st()) is None
    # the session-start rules raided him
    assert _episode("c", uid("tom"), hostile, ts, _st(**OFF)) is not None


def test_no_apology_or_hitting_again_keeps_the_raid() -> None:
    ts, hostile = _roast("bon on passe à autre chose")
    ep = _episode("c", uid("tom"), hostile, ts, _st())
    assert ep is not None and ep.target == uid("tom")
    ts, hostile = _roast("dsl tom c'était de trop", again=True)
    assert _closed(uid("tom"), hostile, ts, timedelta(minutes=15)) == (set(), set())
    ep = _episode("c", uid("tom"), hostile, ts, _st())
    assert ep is not None and ep.target == uid("tom")
    ts, hostile = _roast("dsl tom c'était de trop")
    # a third hit by Sarah before her "sorry" (row 1 made hers): a string of attacks, not one incident (APOLOGY_HITS)
    _hit(ts[1], "tom")
    ts[1].author = ts[2].author
    assert _closed(uid("tom"), [ts[0], ts[1], *hostile[1:]], ts, timedelta(minutes=15)) == (set(), set())
    ts, hostile = _roast("dsl mais t'es vraiment un poisson mort")
    _hit(ts[7], "tom")  # "sorry, but…" with an insult: no apology
    ep = _episode("c", uid("tom"), [*hostile[:3], ts[7], hostile[3]], ts, _st())
    assert ep is not None and ep.target == uid("tom")


def test_the_rules_alone_are_unchanged_by_the_apology() -> None:
    ts, hostile = _roast("dsl tom c'était de trop, j'aurais pas dû")
    rules = Settings(addressee_model=None)
    assert _episode("c", uid("tom"), hostile, ts, rules) is not None
