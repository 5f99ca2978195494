"""Read-only queries the workspace needs and ``Store`` lacks (weekly counts, reach, decisions, alerts).

Each is small and named for what it answers; candidates to move into ``Store`` later.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from veilleur.store import Store, StoredFinding
from veilleur.store.models import FindingRow, MemberRow, MessageRow, now_utc
from veilleur.web.models import DecisionRow, NotificationRow

SEVERITY_WEIGHT = {0: 1.0, 1: 2.0, 2: 4.0, 3: 8.0, 4: 16.0}


def reply_counts(store: Store, uids: list[str]) -> dict[str, int]:
    """Number of direct replies to each message."""
    out: dict[str, int] = {}
    with store.session() as s:
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            q = select(MessageRow.parent_uid, func.count()).where(MessageRow.parent_uid.in_(chunk)).group_by(MessageRow.parent_uid)
            for parent, n in s.execute(q).all():
                if parent is not None:
                    out[parent] = int(n)
    return out


def reactions_counts(store: Store, uids: list[str]) -> dict[str, int]:
    """Total reactions per message, read from the normalised record."""
    out: dict[str, int] = {}
    with store.session() as s:
        for i in range(0, len(uids), 500):
            q = select(MessageRow.uid, MessageRow.normalized).where(MessageRow.uid.in_(uids[i : i + 500]))
            for uid, norm in s.execute(q).all():
                r = (norm or {}).get("reactions") or {}
                out[uid] = sum(int(v) for v in r.values() if isinstance(v, int | float))
    return out


@dataclass(frozen=True)
class QueueItem:
    stored: StoredFinding
    reach: int
    age_days: float
    priority: float


def priority(severity: int, reach: int, age_days: float) -> float:
    """Severity × reach × age. Severity doubles per level and dominates: reach (reactions + replies,
    logarithmic, up to ×1.5 at 1000) and waiting time (up to ×1.3 after 30 days, so nothing starves)
    together stay below ×2 and only order items within a severity level."""
    reach_factor = 1.0 + 0.5 * min(math.log1p(max(reach, 0)) / math.log1p(1000), 1.0)
    age_factor = 1.0 + 0.3 * min(max(age_days, 0.0), 30.0) / 30.0
    return SEVERITY_WEIGHT.get(int(severity), 1.0) * reach_factor * age_factor


def review_queue(store: Store, *, now: datetime | None = None, **filters: Any) -> list[QueueItem]:
    """Open findings ordered by priority (highest first); ``filters`` as in ``Store.list_findings``."""
    now = now or now_utc()
    filters.setdefault("status", "open")
    found = store.list_findings(**filters)
    uids = list({sf.finding.message_uid for sf in found})
    replies = reply_counts(store, uids)
    reactions = reactions_counts(store, uids)
    items = []
    for sf in found:
        u = sf.finding.message_uid
        reach = replies.get(u, 0) + reactions.get(u, 0)
        age = (now - sf.message_created_at).total_seconds() / 86400.0
        items.append(QueueItem(sf, reach, age, priority(int(sf.finding.severity), reach, age)))
    items.sort(key=lambda it: (-it.priority, -it.stored.finding.score, it.stored.finding.id))
    return items


def findings_per_week(store: Store, community_uid: str | None, weeks: int = 8, now: datetime | None = None) -> tuple[list[datetime], dict[str, list[int]]]:
    """(week starts, category → counts per week) for ``weeks`` weeks (Mondays, UTC), dismissed excluded.

    The window ends at ``now``; by default at the community's latest finding when that is older than
    today, so an export analysed months later (the usual case after the fact) still shows its weeks."""
    base = select(FindingRow.category, FindingRow.message_created_at).where(FindingRow.status != "dismissed")
    if community_uid:
        base = base.where(FindingRow.community_uid == community_uid)
    with store.session() as s:
        if now is None:
            now = now_utc()
            last = s.scalar(select(func.max(base.subquery().c.message_created_at)))
            if last is not None:
                last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
                now = min(now, last)
        monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        starts = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
        end = starts[-1] + timedelta(weeks=1)
        q = base.where(FindingRow.message_created_at >= starts[0], FindingRow.message_created_at < end)
        series: dict[str, list[int]] = {}
        for cat, at in s.execute(q).all():
            idx = int((at - starts[0]).total_seconds() // (7 * 86400))
            series.setdefault(cat, [0] * weeks)[idx] += 1
    return starts, series


def open_by_severity(store: Store, community_uid: str | None) -> dict[int, int]:
    q = select(FindingRow.severity, func.count()).where(FindingRow.status == "open").group_by(FindingRow.severity)
    if community_uid:
        q = q.where(FindingRow.community_uid == community_uid)
    with store.session() as s:
        return {int(k): int(v) for k, v in s.execute(q).all()}


@dataclass(frozen=True)
class Concentration:
    top_n: int
    members_with_findings: int
    total_findings: int
    top_share: float  # share of findings from the top N members, 0..1
    top: list[tuple[str, int]]  # (member uid, findings)


def concentration(store: Store, community_uid: str | None, top_n: int = 10) -> Concentration:
    """How concentrated the problems are: share of (non-dismissed) findings written by the top N members."""
    q = select(FindingRow.member_uid, func.count()).where(FindingRow.status != "dismissed").group_by(FindingRow.member_uid)
    if community_uid:
        q = q.where(FindingRow.community_uid == community_uid)
    with store.session() as s:
        counts = Counter({m: int(n) for m, n in s.execute(q).all()})
    total = sum(counts.values())
    top = counts.most_common(top_n)
    share = (sum(n for _, n in top) / total) if total else 0.0
    return Concentration(top_n, len(counts), total, share, top)


@dataclass(frozen=True)
class Decision:
    id: int
    kind: str
    member_uid: str
    community_uid: str
    message_uid: str | None
    finding_id: str | None
    text: str
    until: datetime | None
    actor: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["at"] = self.at.isoformat()
        d["until"] = self.until.isoformat() if self.until else None
        return d


def add_decision(store: Store, *, kind: str, member_uid: str, community_uid: str, actor: str, message_uid: str | None = None,
                 finding_id: str | None = None, text: str = "", until: datetime | None = None) -> Decision:
    with store.session() as s:
        row = DecisionRow(kind=kind, member_uid=member_uid, community_uid=community_uid, message_uid=message_uid,
                          finding_id=finding_id, text=text, until=until, actor=actor, at=now_utc())
        s.add(row)
        s.flush()
        return _decision(row)


def _decision(r: DecisionRow) -> Decision:
    return Decision(r.id, r.kind, r.member_uid, r.community_uid, r.message_uid, r.finding_id, r.text, r.until, r.actor, r.at)


def decisions(store: Store, *, member_uid: str | None = None, community_uid: str | None = None, limit: int = 200) -> list[Decision]:
    q = select(DecisionRow).order_by(DecisionRow.at.desc(), DecisionRow.id.desc()).limit(limit)
    if member_uid:
        q = q.where(DecisionRow.member_uid == member_uid)
    if community_uid:
        q = q.where(DecisionRow.community_uid == community_uid)
    with store.session() as s:
        return [_decision(r) for r in s.scalars(q)]


def member_status(store: Store, member_uid: str, now: datetime | None = None) -> str:
    """'banned', 'suspended' (until a future date) or 'active', from the latest decisions."""
    now = now or now_utc()
    for d in decisions(store, member_uid=member_uid):
        if d.kind == "ban":
            return "banned"
        if d.kind == "suspend" and (d.until is None or d.until > now):
            return "suspended"
        if d.kind == "reinstate":
            return "active"
    return "active"


def is_repeat_offender(store: Store, member_uid: str, threshold: int = 3) -> bool:
    """At least ``threshold`` messages with confirmed (non-dismissed) findings, or any prior sanction."""
    q = select(func.count(func.distinct(FindingRow.message_uid))).where(
        FindingRow.member_uid == member_uid, FindingRow.status.in_(["open", "actioned", "escalated"])
    )
    with store.session() as s:
        flagged = int(s.scalar(q) or 0)
    sanctions = [d for d in decisions(store, member_uid=member_uid) if d.kind in ("warn", "suspend", "ban")]
    return flagged >= threshold or len(sanctions) >= 2


def recent_notifications(store: Store, community_uid: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    q = select(NotificationRow).order_by(NotificationRow.at.desc(), NotificationRow.id.desc()).limit(limit)
    if community_uid:
        q = q.where((NotificationRow.community_uid == community_uid) | (NotificationRow.community_uid.is_(None)))
    with store.session() as s:
        return [
            {"at": r.at, "channel": r.channel, "recipient": r.recipient, "status": r.status, "summary": r.summary,
             "attempts": r.attempts, "finding_ids": list(r.finding_ids or [])}
            for r in s.scalars(q)
        ]


def member_names(store: Store, community_uid: str) -> list[tuple[str, str]]:
    """(uid, display name) of a community's members: one light query (for the look-alike name check)."""
    with store.session() as s:
        q = select(MemberRow.uid, MemberRow.display_name).where(MemberRow.community_uid == community_uid)
        return [(uid, name) for uid, name in s.execute(q).all()]
