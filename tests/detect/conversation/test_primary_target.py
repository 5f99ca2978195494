"""Session 5, weakness (a): the harassment's target is the person attacked the most, not the loudest exchange;
thanks are not laughing along (banter)."""

from __future__ import annotations

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Episode, Settings, Turn, _banter, _primacy


def _turns(rows: list[tuple]) -> list[Turn]:
    _, msgs = chat(rows)
    return [Turn(m) for m in msgs]


def _episode(target: str, hostile: list[Turn], messages: list[Turn], scores: list[float]) -> Episode:
    for t, s in zip(hostile, scores, strict=True):
        t.hostile, t.score = "lexicon", s
    return Episode(
        id=f"ep_{target}",
        community_uid=hostile[0].m.community_uid,
        target=uid(target),
        hostile=hostile,
        raiders=list(dict.fromkeys(h.author for h in hostile)),
        initiator=hostile[0].author,
        messages=messages,
    )


def test_the_main_raid_is_the_most_attacked_person_not_the_longest_exchange() -> None:
    ts = _turns(
        [
            ("kenza", "toi on t'a pas demandé ton avis tom"),  # the defender, answered at length
            ("sarah", "le chevalier blanc"),
            *[("kenza", f"blabla {i}") for i in range(12)],  # the raiders' chit-chat in the long span
            ("kenza", "elle se prend pour l'ARS la fayotte"),  # the victim, attacked more, by more
            ("sarah", "elle va comprendre"),
            ("yanis", "la fayotte du service"),
            ("kenza", "bon débarras"),
        ]
    )
    defender = _episode("tom", ts[:2], ts[:14], [0.8, 0.8])
    victim = _episode("lea", ts[14:], ts[14:], [0.8, 0.8, 0.8, 0.8])
    order = sorted([defender, victim], key=lambda e: _primacy(e, Settings(addressee_model=None)))
    assert order[0] is victim
    old = sorted(
        [defender, victim],
        key=lambda e: _primacy(e, Settings(addressee_model=None, primary_by_attacks=False)),
    )
    assert old[0] is defender  # the previous choice: most messages


def test_primacy_ties_go_to_more_attackers_then_the_earliest() -> None:
    ts = _turns([("kenza", "a"), ("kenza", "b"), ("sarah", "c"), ("yanis", "d")])
    one = _episode("lea", ts[:2], ts[:2], [0.8, 0.8])
    two = _episode("ines", ts[2:], ts[2:], [0.8, 0.8])
    st = Settings(addressee_model=None)
    assert sorted([one, two], key=lambda e: _primacy(e, st))[0] is two
    early = _episode("lea", ts[:1], ts[:1], [0.8])
    late = _episode("ines", ts[3:], ts[3:], [0.8])
    assert sorted([late, early], key=lambda e: _primacy(e, st))[0] is early


def test_thanks_from_the_target_are_not_laughing_along() -> None:
    """chatw6_06: the victim thanks the colleague who offers to walk her to the car park; that made her raid banter."""
    ts = _turns(
        [
            ("kenza", "la fayotte elle note tout dans son carnet"),
            ("sarah", "elle se prend pour l'ARS"),
            ("lea", "merci tom, oui je veux bien"),
            ("yanis", "elle va comprendre"),
            ("lea", "merci à ceux qui m'ont soutenue"),
        ]
    )
    hostile = [ts[0], ts[1], ts[3]]
    for h in hostile:
        h.hostile = "lexicon"
    assert not _banter(uid("lea"), hostile, ts, Settings(addressee_model=None))
    assert _banter(uid("lea"), hostile, ts, Settings(addressee_model=None, thanks_not_banter=False))


def test_laughing_along_is_still_banter() -> None:
    ts = _turns(
        [
            ("kenza", "t'es nul au foot lea"),
            ("lea", "mdr je sais"),
            ("sarah", "t'es éclatée"),
            ("lea", "ptdr merci les gars ❤️"),
            ("yanis", "nulle"),
        ]
    )
    hostile = [ts[0], ts[2], ts[4]]
    for h in hostile:
        h.hostile = "lexicon"
    assert _banter(uid("lea"), hostile, ts, Settings(addressee_model=None))


def _persistent_chat(how: str) -> tuple[list[Turn], list[Turn]]:
    """kenza attacks Léa twice; sarah attacks her three times between chit-chat (mean attacker probability 0.43)."""
    ts = _turns(
        [
            ("kenza", "lea t'es grosse"),
            ("sarah", "mdr lea t'es une baleine"),
            ("sarah", "on mange où ce soir"),
            ("kenza", "sale baleine"),
            ("sarah", "lea t'es vraiment moche"),
            ("sarah", "qqn a les devoirs de maths"),
            ("sarah", "lea personne t'aime"),
            ("sarah", "je ramène des chips"),
        ]
    )
    hostile = [ts[i] for i in (0, 1, 3, 4, 6)]
    for t in ts:
        t.p_r = 0.9 if t.author == uid("kenza") else (0.6 if t in hostile else 0.3)
    for h in hostile:
        h.hostile, h.score, h.targets = "lexicon", 0.8, [uid("lea")]
        h.how[uid("lea")] = how
    return ts, hostile


def test_a_supporter_hostile_again_and_again_stays_a_raider_despite_chit_chat() -> None:
    """Session 5 (weakness b): her chit-chat brought her mean attacker probability to 0.43 < raider_min."""
    from veilleur.detect.conversation.analyse import _episode

    ts, hostile = _persistent_chat("name+tu")
    st = Settings(addressee_model=None, model=object())
    ep = _episode(ts[0].m.community_uid, uid("lea"), hostile, ts, st)
    assert ep is not None and set(ep.raiders) == {uid("kenza"), uid("sarah")}
    assert (
        _episode(
            ts[0].m.community_uid,
            uid("lea"),
            hostile,
            ts,
            Settings(addressee_model=None, model=object(), persistent_min=0),
        )
        is None
    )
    # guessed targets ("tu" after the last turn) do not count: a friend answering is not attacking again and again
    ts, hostile = _persistent_chat("tu-after-turn")
    assert _episode(ts[0].m.community_uid, uid("lea"), hostile, ts, st) is None


def test_a_person_attacked_on_more_days_comes_first() -> None:
    """chatw3_08: the victim attacked on two days before a louder one-evening exchange with a bystander."""
    ts = _turns(
        [
            ("kenza", "a"),
            ("sarah", "b", {"minutes": 60 * 24}),
            ("kenza", "c", {"minutes": 60 * 24 + 1}),
            ("sarah", "d", {"minutes": 60 * 24 + 2}),
            ("yanis", "e", {"minutes": 60 * 24 + 3}),
        ]
    )
    victim = _episode("lea", ts[:2], ts[:2], [0.7, 0.7])
    loud = _episode("tom", ts[2:], ts[2:], [0.9, 0.9, 0.9])
    st = Settings(addressee_model=None)
    assert sorted([loud, victim], key=lambda e: _primacy(e, st))[0] is victim
    assert (
        sorted([loud, victim], key=lambda e: _primacy(e, Settings(addressee_model=None, primary_days=False)))[
            0
        ]
        is loud
    )


def test_doxxing_no_address_in_near_me_or_a_ward_floor() -> None:
    """Session 5, weakness (d), chatw8: "il habite à côté de chez moi" and "l'assassin du 5e étage" (a hospital
    ward) disclose no address; a floor with a home around it, or a street, still does."""
    from veilleur.detect.conversation import cues

    def kinds(text: str) -> list[str]:
        return cues.dox_kinds(cues.fold(text))

    assert kinds("en vrai vous savez qu'il habite à côté de chez moi le boulet") == []
    assert kinds("l'assassin du 5e étage 🔪") == []
    assert kinds("elle habite au 3e étage porte gauche") == ["address"]
    assert kinds("résidence les Acacias bâtiment C, 4e étage") == ["address"]
    assert kinds("il habite au 12 rue des Lilas") == ["address"]


def test_the_models_dox_feature_stays_as_trained() -> None:
    """The trained model's "dox" input keeps the session-4 address patterns: a finding fix must not move what the
    model reads (3 changed training rows flipped a civil chat held out, session 5); retrain before moving it."""
    from veilleur.detect.conversation import cues
    from veilleur.detect.conversation.model import MESSAGE_FEATURES, message_features

    text = "l'assassin du 5e étage 🔪"
    assert cues.dox_kinds(cues.fold(text)) == []  # no finding
    assert message_features(text, 0.0)[MESSAGE_FEATURES.index("dox")] == 1.0  # the model's input as trained


def test_a_message_in_two_raids_keeps_the_main_raids_finding() -> None:
    from veilleur.detect.conversation import findings_from
    from veilleur.detect.conversation.analyse import ConversationResult

    ts = _turns(
        [("kenza", "lea t'es grosse"), ("sarah", "mdr"), ("kenza", "toi tom tais-toi"), ("yanis", "grave")]
    )
    main = _episode("lea", ts[:2], ts[:3], [0.8, 0.8])
    main.primary = True
    other = _episode("tom", ts[2:], ts[1:], [0.8, 0.8])
    res = ConversationResult(
        turns={t.uid: t for t in ts},
        episodes=[main, other],
        campaigns=[],
        doxxing=[],
        names={uid(n): n.title() for n in ("lea", "kenza", "sarah", "tom", "yanis")},
    )
    raid = {f.message_uid: f for f in findings_from(res) if f.category == "raid"}
    shared = ts[1].uid, ts[2].uid
    assert all(raid[u].details["episode_id"] == "ep_lea" and raid[u].details["primary"] for u in shared)
    assert raid[ts[3].uid].details["episode_id"] == "ep_tom" and not raid[ts[3].uid].details["primary"]


def test_days_attacked_count_the_raids_continuation() -> None:
    """chatw1_10: the victim's second day of attacks joins her raid by continuation (as messages, not in its first
    cluster); those days count, so a stronger one-evening raid at a bystander does not come first."""
    ts = _turns(
        [
            ("kenza", "a"),
            ("sarah", "b"),
            ("kenza", "c", {"minutes": 3 * 24 * 60}),  # three days later, joined by continuation
            ("yanis", "d", {"minutes": 10}),
            ("sarah", "e", {"minutes": 11}),
        ]
    )
    victim = _episode("lea", ts[:2], ts[:3], [0.7, 0.7])
    ts[2].hostile, ts[2].targets = "model", [uid("lea")]
    loud = _episode("tom", ts[3:], ts[3:], [0.95, 0.95])
    st = Settings(addressee_model=None)
    assert sorted([loud, victim], key=lambda e: _primacy(e, st))[0] is victim
