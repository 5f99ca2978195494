"""The transaction is the use case (§4.2): each action commits once or not at all. A failure injected
into the action's last step leaves nothing of it written, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn

import pytest
from sqlalchemy import func, select

from tests.factories import msg
from veilleur.accounts import auth
from veilleur.accounts.models import SessionRow
from veilleur.evidence.models import EvidenceItemRow, LedgerEntryRow
from veilleur.evidence.vault import Vault
from veilleur.ingest.importer import import_messages
from veilleur.moderate import actions, queries
from veilleur.records import Case, Finding
from veilleur.store import Store
from veilleur.taxonomy import Severity


class Injected(RuntimeError):
    pass


def _boom(*_a: Any, **_k: Any) -> NoReturn:
    raise Injected("injected failure in the last step")


def _finding(store: Store) -> Finding:
    m = msg(1, "tu es une honte, dégage")
    import_messages(store, [m])
    f = Finding(m.uid, "t", "1", "discrimination:body_weight", Severity.HIGH, 0.9)
    store.save_findings([f])
    return f


def _count(store: Store, row: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(row)) or 0)


def test_nested_calls_join_the_transaction_and_commit_once(store: Store) -> None:
    f = _finding(store)
    with pytest.raises(Injected), store.transaction():
        store.set_visibility(f.message_uid, "hidden", "modo")
        store.audit("modo", "test.step", None, {})
        assert store.in_transaction()
        raise Injected
    assert not store.in_transaction()
    assert store.message_visibility(f.message_uid) == "visible"
    assert store.audit_log(action="test.step") == []
    with store.transaction():
        store.audit("modo", "test.step", None, {})
        with store.transaction():  # nested: joins, commits nothing by itself
            store.audit("modo", "test.step", None, {})
    assert len(store.audit_log(action="test.step")) == 2


@pytest.mark.parametrize("action", ["hide", "remove", "warn"])
def test_moderation_action_writes_nothing_when_its_last_step_fails(
    store: Store, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    f = _finding(store)
    audit_before = len(store.audit_log())
    monkeypatch.setattr(store, "set_finding_status", _boom)  # the last step: closing the message's findings
    with pytest.raises(Injected):
        actions.apply(store, f.id, action, "modo", note="n")
    monkeypatch.undo()
    assert store.message_visibility(f.message_uid) == "visible"
    assert queries.decisions(store) == []
    assert len(store.audit_log()) == audit_before
    assert store.get_finding(f.id).status == "open"
    # and the same action without the failure writes all of it
    actions.apply(store, f.id, action, "modo", note="n")
    assert len(queries.decisions(store)) == 1 and store.get_finding(f.id).status == "actioned"


def test_escalation_writes_no_case_when_its_last_step_fails(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _finding(store)
    monkeypatch.setattr(store, "set_finding_status", _boom)  # the last step: marking the findings escalated
    with pytest.raises(Injected):
        actions.apply(store, f.id, "escalate", "modo")
    monkeypatch.undo()
    assert store.list_cases() == []
    assert store.get_finding(f.id).status == "open"
    result = actions.apply(store, f.id, "escalate", "modo")
    assert [c.id for c in store.list_cases()] == [result.case_id]
    assert store.get_finding(f.id).status == "escalated"


def test_sealed_item_and_its_case_event_commit_together(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _finding(store)
    case = store.create_case(
        Case(id="", title="t", kind="message", community_uid=None, message_uids=(f.message_uid,)), "modo"
    )
    events_before = len(store.case_events(case.id))
    vault = Vault(store)
    doc = vault.put_bytes(b"capture", "capture.txt", "original")
    monkeypatch.setattr(store, "add_case_event", _boom)  # the last step: the case history entry
    with pytest.raises(Injected):
        vault.add_item(
            kind="file",
            description="d",
            source="s",
            files=[doc],
            primary_role="original",
            captured_at=datetime.now(UTC),
            actor="modo",
            case_id=case.id,
        )
    monkeypatch.undo()
    assert _count(store, EvidenceItemRow) == 0 and _count(store, LedgerEntryRow) == 0
    assert len(store.case_events(case.id)) == events_before
    item = vault.add_item(
        kind="file",
        description="d",
        source="s",
        files=[doc],
        primary_role="original",
        captured_at=datetime.now(UTC),
        actor="modo",
        case_id=case.id,
    )
    assert [e.data.get("item_id") for e in store.case_events(case.id)[events_before:]] == [item.id]


def test_login_session_and_its_audit_row_commit_together(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.add_user(store, "alice", "a long enough password 1", "moderator")
    monkeypatch.setattr(store, "audit", _boom)  # the last step: the "login" audit row
    with pytest.raises(Injected):
        auth.log_in(store, "alice", ip="127.0.0.1")
    monkeypatch.undo()
    assert _count(store, SessionRow) == 0
    sid, _csrf = auth.log_in(store, "alice", ip="127.0.0.1")
    assert sid and _count(store, SessionRow) == 1 and store.audit_log(action="login")[0].actor == "alice"


def test_password_change_its_ended_sessions_and_audit_row_commit_together(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.add_user(store, "bob", "the first long password", "moderator")
    auth.log_in(store, "bob", ip="127.0.0.1")
    auth.log_in(store, "bob", ip="127.0.0.2")
    monkeypatch.setattr(store, "audit", _boom)  # the last step: the "user.password" audit row
    with pytest.raises(Injected):
        auth.set_password(store, "bob", "the second long password", actor="admin")
    monkeypatch.undo()
    assert auth.authenticate(store, "bob", "the first long password") is not None  # old password kept
    assert auth.authenticate(store, "bob", "the second long password") is None
    assert _count(store, SessionRow) == 2 and store.audit_log(action="user.password") == []
    assert auth.set_password(store, "bob", "the second long password", actor="admin") == 2
    assert _count(store, SessionRow) == 0 and len(store.audit_log(action="user.password")) == 1
    assert auth.authenticate(store, "bob", "the second long password") is not None


@pytest.mark.parametrize("change", ["add_user", "set_role", "set_disabled", "create_token", "revoke_token"])
def test_account_changes_and_their_audit_rows_commit_together(
    store: Store, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    from veilleur.accounts.models import ApiTokenRow, UserRow

    auth.add_user(store, "carol", "a long enough password 2", "moderator")
    token_id, _token = auth.create_token(store, "carol", "ci")
    auth.log_in(store, "carol", ip="127.0.0.1")
    steps = {
        "add_user": lambda: auth.add_user(store, "dave", "a long enough password 3", "viewer"),
        "set_role": lambda: auth.set_role(store, "carol", "viewer"),
        "set_disabled": lambda: auth.set_disabled(store, "carol"),
        "create_token": lambda: auth.create_token(store, "carol", "second"),
        "revoke_token": lambda: auth.revoke_token(store, token_id),
    }

    def state() -> tuple[Any, ...]:
        with store.session() as s:
            users = sorted((u.login, u.role, u.disabled) for u in s.scalars(select(UserRow)))
            tokens = sorted((t.id, t.revoked) for t in s.scalars(select(ApiTokenRow)))
        return users, tokens, _count(store, SessionRow), len(store.audit_log())

    before = state()
    monkeypatch.setattr(store, "audit", _boom)  # the last step: the audit row
    with pytest.raises(Injected):
        steps[change]()
    monkeypatch.undo()
    assert state() == before  # nothing of the change was written
    steps[change]()
    assert state() != before and len(store.audit_log()) == before[3] + 1
