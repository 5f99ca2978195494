"""Storage on SQLite and PostgreSQL: dedup, findings lifecycle, cases, audit, threads, atomic imports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.factories import T0, msg
from veilleur.errors import InputError, NotFoundError
from veilleur.ingest.importer import import_messages
from veilleur.records import Attachment, Case, CaseContext, Finding, Span
from veilleur.store import Store
from veilleur.taxonomy import Severity


def test_migrations_are_idempotent(store: Store) -> None:
    store.migrate()
    store.migrate()
    assert store.count_messages() == 0


def test_import_twice_creates_no_duplicates(store: Store) -> None:
    msgs = [msg(i, f"message {i}", author=f"a{i % 3}") for i in range(25)]
    r1 = import_messages(store, msgs)
    r2 = import_messages(store, msgs)
    assert (r1.messages_new, r2.messages_new) == (25, 0)
    assert store.count_messages() == 25
    assert len(store.list_members()) == 3
    [c] = store.list_communities()
    assert c.message_count == 25 and c.member_count == 3


def test_raw_record_kept_verbatim_and_times_utc(store: Store) -> None:
    m = msg(1, "Texte accentué éà", minutes=0)
    import_messages(store, [m])
    back = store.get_message(m.uid)
    assert back.raw == m.raw
    assert back.created_at == T0 and back.created_at.utcoffset() == timedelta(0)
    assert back.text == "Texte accentué éà"


def test_thread_reconstruction(store: Store) -> None:
    msgs = [
        msg(1, "post"),
        msg(2, "reply", parent=1),
        msg(3, "reply to reply", parent=2),
        msg(4, "other post"),
    ]
    import_messages(store, msgs)
    thread = store.thread(msgs[2].uid)
    assert [m.message_id for m in thread] == ["m1", "m2", "m3"]


def test_findings_upsert_keeps_human_decision(store: Store) -> None:
    m = msg(1, "la grosse de la 12")
    import_messages(store, [m])
    f = Finding(
        m.uid,
        "t",
        "1",
        "discrimination:body_weight",
        Severity.HIGH,
        0.8,
        spans=(Span(3, 9, "body", "grosse"),),
    )
    store.save_findings([f])
    store.set_finding_status(f.id, "dismissed", actor="modo", note="faux positif")
    store.save_findings([Finding(m.uid, "t", "2", "discrimination:body_weight", Severity.MEDIUM, 0.6)])
    [sf] = store.list_findings()
    assert (
        sf.status == "dismissed"
        and sf.finding.detector_version == "2"
        and sf.finding.score == pytest.approx(0.6)
    )
    assert store.list_findings(status="open") == []
    assert store.list_findings(min_severity=Severity.HIGH) == []
    [entry] = store.audit_log(action="finding.dismissed")
    assert entry.actor == "modo" and entry.target == f.id
    with pytest.raises(ValueError):
        store.set_finding_status(f.id, "whatever", actor="x")
    with pytest.raises(NotFoundError):
        store.save_findings([Finding("m_unknown", "t", "1", "insult", 2, 0.5)])


def test_member_counts_and_filters(store: Store) -> None:
    msgs = [msg(i, "x", author="bad" if i < 3 else "good") for i in range(6)]
    import_messages(store, msgs)
    store.save_findings([Finding(m.uid, "t", "1", "insult", 3, 0.9) for m in msgs[:3]])
    counts = {m.platform_id: m.finding_count for m in store.list_members()}
    assert counts == {"bad": 3, "good": 0}
    bad = next(m for m in store.list_members() if m.platform_id == "bad")
    assert len(store.list_findings(member_uid=bad.uid)) == 3
    assert len(store.search_messages(member_uid=bad.uid)) == 3
    assert len(store.list_findings(since=T0 + timedelta(minutes=1))) == 2


def test_cases_events_and_audit(store: Store) -> None:
    m = msg(1, "menace")
    import_messages(store, [m])
    c = store.create_case(
        Case(
            "",
            "Harcèlement du Dr X",
            "harassment",
            m.community_uid,
            (m.uid,),
            context=CaseContext(public=False, community_size=80),
        ),
        actor="admin",
    )
    assert c.id.startswith("case_") and c.context.community_size == 80 and c.created_at is not None
    store.add_case_event(c.id, "playbook.step", {"step": "preserve_evidence"}, actor="admin")
    kinds = [e.kind for e in store.case_events(c.id)]
    assert kinds == ["case.created", "playbook.step"]
    from dataclasses import replace

    store.update_case(replace(c, state="closed", target_user="dr.x"), actor="admin")
    assert store.list_cases(target_user="dr.x")[0].state == "closed"
    assert store.list_cases(target_user="other") == []
    with pytest.raises(NotFoundError):
        store.get_case("nope")
    with pytest.raises(NotFoundError):
        store.add_case_event("nope", "x")


def test_visibility_is_audited(store: Store) -> None:
    m = msg(1, "à masquer")
    import_messages(store, [m])
    store.set_visibility(m.uid, "hidden", actor="modo")
    assert store.message_visibility(m.uid) == "hidden"
    assert store.audit_log(target=m.uid)[0].action == "message.hidden"


def test_failed_import_keeps_nothing_and_loses_nothing(store: Store) -> None:
    import_messages(store, [msg(1, "déjà là")])

    def broken() -> Iterator:
        for i in range(2, 2500):
            yield msg(i, "nouveau")
        raise InputError("export.json", "truncated JSON")

    with pytest.raises(InputError):
        import_messages(store, broken())
    assert store.count_messages() == 1


def test_attachments_are_linked_to_blobs(store: Store) -> None:
    sha = store.blobs.put_bytes(b"\x89PNG fake")
    from dataclasses import replace

    m = replace(msg(1, "photo"), attachments=(Attachment("p.png", "image/png", sha256=sha, size=9),))
    import_messages(store, [m])
    back = store.get_message(m.uid)
    assert back.attachments[0].sha256 == sha
    assert back.attachments[0].path
    with open(back.attachments[0].path, "rb") as f:
        assert f.read() == b"\x89PNG fake"
    assert store.blobs.verify(sha)
