"""Raid detection on synthetic threads: many authors, one target, a short window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from veilleur.detect.raid import detect_raids
from veilleur.records import Author, Finding, Message
from veilleur.taxonomy import Severity

T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


def m(
    i: int, author: str, text: str, minutes: float, parent: str | None = None, community: str = "g1"
) -> Message:
    return Message(
        source="test",
        community_id=community,
        community_name="Groupe",
        message_id=f"m{i}",
        author=Author(id=author.lower().replace(" ", "_"), name=author),
        created_at=T0 + timedelta(minutes=minutes),
        text=text,
        parent_id=parent,
    )


def harm(msg: Message, category: str = "insult", score: float = 0.9) -> Finding:
    return Finding(
        message_uid=msg.uid,
        detector="text_harm",
        detector_version="1",
        category=category,
        severity=Severity.MEDIUM,
        score=score,
    )


def thread(
    n_authors: int, spacing_min: float, category: str = "insult"
) -> tuple[list[Message], list[Finding]]:
    root = m(0, "Dr Claire Martin", "Voici mon retour sur la garde d'hier", 0)
    replies = [
        m(i, f"Troll {i}", f"t'es une incapable {i}", 10 + i * spacing_min, parent="m0")
        for i in range(1, n_authors + 1)
    ]
    return [root, *replies], [harm(r, category) for r in replies]


def test_raid_in_a_thread() -> None:
    msgs, finds = thread(5, 20)
    raids = detect_raids(msgs, finds)
    assert len(raids) == 5
    assert {f.message_uid for f in raids} == {x.uid for x in msgs[1:]}
    f = raids[0]
    assert f.category == "raid" and f.detector == "raid"
    assert f.details["target"] == "Dr Claire Martin"
    assert f.details["n_authors"] == 5 and len(f.details["message_uids"]) == 5
    assert "Raid probable" in f.explanation and "Dr Claire Martin" in f.explanation
    assert f.severity >= Severity.HIGH


def test_too_few_authors_or_too_slow_is_no_raid() -> None:
    msgs, finds = thread(3, 20)
    assert detect_raids(msgs, finds) == []
    msgs, finds = thread(5, 150)  # one every 2.5 h: never 4 authors within 6 h
    assert detect_raids(msgs, finds) == []
    assert len(detect_raids(msgs, finds, window=timedelta(hours=12))) == 5


def test_same_author_many_times_is_not_a_raid() -> None:
    root = m(0, "Dr Claire Martin", "post", 0)
    replies = [m(i, "Troll 1", "nulle", i, parent="m0") for i in range(1, 8)]
    assert detect_raids([root, *replies], [harm(r) for r in replies]) == []


def test_benign_replies_do_not_count() -> None:
    msgs, finds = thread(5, 10)
    assert detect_raids(msgs, finds[:3]) == []  # only 3 harmful
    sexual_only = [harm(x, "sexual") for x in msgs[1:]]
    assert detect_raids(msgs, sexual_only) == []  # not a raid category


def test_raid_by_naming_the_same_person_across_posts() -> None:
    msgs = [
        m(i, f"Anonyme {i}", f"Le Dr Girard est un boucher, allez lui mettre 1 étoile ({i})", i * 30)
        for i in range(1, 6)
    ]
    msgs.append(m(9, "Passant", "Le Dr Girard m'a bien soigné", 40))
    finds = [harm(x, "harassment") for x in msgs[:5]]
    raids = detect_raids(msgs, finds)
    assert len(raids) == 5
    assert raids[0].details["target_kind"] == "person"
    assert raids[0].details["target"].lower() == "girard"


def test_nested_replies_belong_to_the_root_thread() -> None:
    root = m(0, "Dre Nguyen", "post", 0)
    r1 = m(1, "A", "nulle", 5, parent="m0")
    r2 = m(2, "B", "oui nulle", 6, parent="m1")
    r3 = m(3, "C", "quelle nulle", 7, parent="m2")
    r4 = m(4, "D", "dégage", 8, parent="m0")
    raids = detect_raids([root, r1, r2, r3, r4], [harm(x) for x in (r1, r2, r3, r4)])
    assert len(raids) == 4 and raids[0].details["target"] == "Dre Nguyen"


def test_target_posting_in_own_thread_is_not_counted() -> None:
    msgs, finds = thread(3, 10)
    own = m(50, "Dr Claire Martin", "arrêtez, connards", 60, parent="m0")
    assert detect_raids([*msgs, own], [*finds, harm(own)]) == []


def test_stable_ids_and_pure() -> None:
    msgs, finds = thread(4, 5)
    a = detect_raids(msgs, finds)
    b = detect_raids(list(reversed(msgs)), list(reversed(finds)))
    assert [f.id for f in a] == [f.id for f in b]
    assert detect_raids([], []) == []
