"""Session 5b, text_harm révision 8: friends shouting over a football match are no raid (chatw5_14, chatw6_10);
a finding on a bare "😂😂" is an approval, not an attack (chatw3_13)."""

from __future__ import annotations

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _banter, _match_talk, analyse
from veilleur.records import Finding

ST = Settings(addressee_model=None)
# the match-talk check runs with the learned model only (the banter check reads no model output: any model will do)
MODEL = Settings(addressee_model=None, model=object())


def _match_night(lea_last: str) -> tuple[list[Turn], list[Turn]]:
    _, msgs = chat(
        [
            ("kenza", "PUTAIN CET ARBITRE"),
            ("lea", "le var a validé donc y'a penalty point"),
            ("kenza", "le var c'est des marseillais déguisés"),
            ("sarah", "t'es aveugle ou quoi lea, regarde le ralenti"),
            ("lea", "2 cm c'est hors jeu quand même"),
            ("tom", "moi j'ai pas regardé c'était quoi le score"),
            ("kenza", "NON il mérite 2 pour le reste du match"),
            ("lea", lea_last),
            ("yanis", "bon qui a le devoir de maths pour lundi"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    hostile = [ts[2], ts[3], ts[6]]
    for h in hostile:
        h.hostile, h.score, h.targets = "finding", 0.8, [uid("lea")]
    return ts, hostile


def test_shouting_over_a_match_is_not_a_pile_on() -> None:
    ts, hostile = _match_night("courage")
    ts[7].stance = "defend"  # "courage" to a friend: a stance, not the target being hurt
    assert _match_talk(ts) >= ST.match_talk
    assert _banter(uid("lea"), hostile, ts, MODEL)
    assert not _banter(
        uid("lea"), hostile, ts, Settings(addressee_model=None, model=object(), match_talk=0)
    )  # before
    assert not _banter(uid("lea"), hostile, ts, ST)  # rules only: unchanged


def test_a_hurt_target_in_a_match_chat_is_still_attacked() -> None:
    ts, hostile = _match_night("pourquoi vous me parlez comme ça")
    ts[7].distress = True
    assert not _banter(uid("lea"), hostile, ts, MODEL)


def test_a_defended_target_in_a_match_chat_is_still_attacked() -> None:
    ts, hostile = _match_night("2-1 c'est tout")
    ts[8].stance, ts[8].to = "defend", [uid("lea")]
    assert not _banter(uid("lea"), hostile, ts, MODEL)


def test_no_match_no_shouting_excuse() -> None:
    _, msgs = chat(
        [
            ("kenza", "t'es qu'une grosse"),
            ("lea", "ok"),
            ("sarah", "personne t'aime"),
            ("lea", "courage à ceux qui ont physique"),
            ("yanis", "dégage du groupe"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    hostile = [ts[0], ts[2], ts[4]]
    for h in hostile:
        h.hostile, h.score = "finding", 0.8
    assert _match_talk(ts) == 0
    assert not _banter(uid("lea"), hostile, ts, MODEL)


def test_a_detector_finding_on_bare_emojis_is_an_approval_not_an_attack() -> None:
    """chatw3_13 with text_harm révision 8: "😂😂" scored patient_mockery 0.6 made a 3-turn "raid" of one remark."""
    ctx, msgs = chat(
        [
            ("kenza", "lea elle va pleurer"),
            ("sarah", "😂😂"),
            ("kenza", "mdrr"),
        ]
    )
    found = [
        Finding(msgs[0].uid, "text_harm", "1", "harassment", "medium", 0.89),
        Finding(msgs[1].uid, "text_harm", "1", "patient_mockery", "medium", 0.6),
    ]
    res = analyse(ctx, found, ST)
    assert res.turns[msgs[1].uid].hostile != "finding"
    assert not res.episodes
    old = analyse(ctx, found, Settings(addressee_model=None, emoji_only_approval=False))
    assert old.turns[msgs[1].uid].hostile == "finding"
