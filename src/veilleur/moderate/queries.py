"""Moderation read models and decisions: the review queue and its priority, concentration, member
status and decisions (``add_decision`` writes one).

Aggregates over the core tables come from ``veilleur.store.queries``: only ``store/`` writes SQL on them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from veilleur.moderate.models import DecisionRow
from veilleur.store import Store, StoredFinding
from veilleur.store.models import now_utc
from veilleur.store.queries import (  # noqa: F401  (read models over core tables, re-exported for callers)
    findings_per_member,
    findings_per_week,
    flagged_message_count,
    member_names,
    open_by_severity,
    reactions_counts,
    reply_counts,
)

SEVERITY_WEIGHT = {0: 1.0, 1: 2.0, 2: 4.0, 3: 8.0, 4: 16.0}


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


@dataclass(frozen=True)
class Concentration:
    top_n: int
    members_with_findings: int
    total_findings: int
    top_share: float  # share of findings from the top N members, 0..1
    top: list[tuple[str, int]]  # (member uid, findings)


def concentration(store: Store, community_uid: str | None, top_n: int = 10) -> Concentration:
    """How concentrated the problems are: share of (non-dismissed) findings written by the top N members."""
    counts = findings_per_member(store, community_uid)
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


def add_decision(
    store: Store,
    *,
    kind: str,
    member_uid: str,
    community_uid: str,
    actor: str,
    message_uid: str | None = None,
    finding_id: str | None = None,
    text: str = "",
    until: datetime | None = None,
) -> Decision:
    with store.session() as s:
        row = DecisionRow(
            kind=kind,
            member_uid=member_uid,
            community_uid=community_uid,
            message_uid=message_uid,
            finding_id=finding_id,
            text=text,
            until=until,
            actor=actor,
            at=now_utc(),
        )
        s.add(row)
        s.flush()
        return _decision(row)


def _decision(r: DecisionRow) -> Decision:
    return Decision(
        r.id,
        r.kind,
        r.member_uid,
        r.community_uid,
        r.message_uid,
        r.finding_id,
        r.text,
        r.until,
        r.actor,
        r.at,
    )


def decisions(
    store: Store, *, member_uid: str | None = None, community_uid: str | None = None, limit: int = 200
) -> list[Decision]:
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
    flagged = flagged_message_count(store, member_uid)
    sanctions = [d for d in decisions(store, member_uid=member_uid) if d.kind in ("warn", "suspend", "ban")]
    return flagged >= threshold or len(sanctions) >= 2
