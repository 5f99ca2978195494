"""Moderation actions on a finding, shared by the pages and the REST API (one implementation).

dismiss (false positive, kept as feedback), hide, remove, warn, suspend, ban, escalate to a case.
Each writes the audit log with who, what and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from veilleur.errors import InputError
from veilleur.moderate import queries
from veilleur.records import Case, CaseContext, FindingStatus
from veilleur.store import Store, StoredFinding
from veilleur.store.models import now_utc

ACTIONS = ("dismiss", "hide", "remove", "warn", "suspend", "ban", "escalate")


@dataclass
class ActionResult:
    action: str
    finding_id: str
    case_id: str | None = None
    decision_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _close_message_findings(
    store: Store, message_uid: str, status: FindingStatus, actor: str, note: str
) -> None:
    """A message-level action settles every open finding on that message."""
    for sf in store.list_findings(message_uid=message_uid, status="open"):
        store.set_finding_status(sf.finding.id, status, actor, note)


def _decide(
    store: Store, kind: str, sf: StoredFinding, actor: str, text: str, until: datetime | None = None
) -> queries.Decision:
    """The moderation decision ``kind`` on the finding's message and member (in the caller's transaction)."""
    f = sf.finding
    return queries.add_decision(
        store,
        kind=kind,
        member_uid=sf.member_uid,
        community_uid=sf.community_uid,
        actor=actor,
        message_uid=f.message_uid,
        finding_id=f.id,
        text=text,
        until=until,
    )


def apply(
    store: Store,
    finding_id: str,
    action: str,
    actor: str,
    *,
    note: str = "",
    text: str = "",
    days: int | None = None,
    target_user: str | None = None,
) -> ActionResult:
    """Apply one moderation action to the finding (and, for message/member actions, its message), in one
    transaction: the visibility change, the decision, the audit rows, the case and the finding statuses
    are all written, or none of them."""
    with store.transaction():
        return _apply(
            store, finding_id, action, actor, note=note, text=text, days=days, target_user=target_user
        )


def _apply(
    store: Store,
    finding_id: str,
    action: str,
    actor: str,
    *,
    note: str,
    text: str,
    days: int | None,
    target_user: str | None,
) -> ActionResult:
    if action not in ACTIONS:
        raise InputError("action", f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    sf = store.get_finding(finding_id)
    f = sf.finding
    result = ActionResult(action, finding_id)
    if action == "dismiss":
        # Kept with its status: dismissed findings are the false positives detector evaluation reads back.
        store.set_finding_status(finding_id, "dismissed", actor, note or "false positive")
        return result
    if action in ("hide", "remove"):
        store.set_visibility(f.message_uid, "hidden" if action == "hide" else "removed", actor)
        d = _decide(store, action, sf, actor, note)
        result.decision_id = d.id
        _close_message_findings(store, f.message_uid, "actioned", actor, action)
        return result
    if action in ("warn", "suspend", "ban"):
        if days is not None and (days < 1 or days > 3650):
            raise InputError("days", "a suspension lasts 1 to 3650 days")
        until = now_utc() + timedelta(days=days or 7) if action == "suspend" else None
        d = _decide(store, action, sf, actor, text or note, until)
        result.decision_id = d.id
        store.audit(
            actor,
            f"member.{action}",
            sf.member_uid,
            {
                "finding": finding_id,
                "message": f.message_uid,
                "decision": d.id,
                "until": until.isoformat() if until else None,
                "text": (text or note)[:2000],
            },
        )
        _close_message_findings(store, f.message_uid, "actioned", actor, action)
        return result
    # escalate: one case for the message, carrying all its findings
    all_on_msg = store.list_findings(message_uid=f.message_uid)
    public = False
    size = None
    for c in store.list_communities():
        if c.uid == sf.community_uid:
            public, size = c.public, c.size
    kind = "secrecy" if any(x.finding.category in _secrecy() for x in all_on_msg) else "message"
    case = store.create_case(
        Case(
            id="",
            title=note or f"{f.category} — {f.excerpt[:80] or f.message_uid}",
            kind=kind,  # type: ignore[arg-type]
            community_uid=sf.community_uid,
            message_uids=(f.message_uid,),
            finding_ids=tuple(x.finding.id for x in all_on_msg),
            member_uids=(sf.member_uid,),
            context=CaseContext(public=public, community_size=size),
            target_user=target_user or None,
        ),
        actor,
    )
    result.case_id = case.id
    for x in all_on_msg:
        if x.status == "open":
            store.set_finding_status(x.finding.id, "escalated", actor, case.id)
    return result


def _secrecy() -> set[str]:
    from veilleur.taxonomy import SECRECY_CATEGORIES

    return set(SECRECY_CATEGORIES)
