"""Read models over the core tables (messages, findings, members) that ``Store`` methods do not cover:
aggregates for the moderation workspace, the evidence capture of a stored record, label evaluation.

Only ``veilleur.store`` writes SQL against the core tables; other packages call these functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from veilleur.errors import NotFoundError
from veilleur.store.models import FindingRow, MemberRow, MessageRow, now_utc
from veilleur.store.store import Store


def reply_counts(store: Store, uids: list[str]) -> dict[str, int]:
    """Number of direct replies to each message."""
    out: dict[str, int] = {}
    with store.session() as s:
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            q = (
                select(MessageRow.parent_uid, func.count())
                .where(MessageRow.parent_uid.in_(chunk))
                .group_by(MessageRow.parent_uid)
            )
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


def findings_per_week(
    store: Store, community_uid: str | None, weeks: int = 8, now: datetime | None = None
) -> tuple[list[datetime], dict[str, list[int]]]:
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
    q = (
        select(FindingRow.severity, func.count())
        .where(FindingRow.status == "open")
        .group_by(FindingRow.severity)
    )
    if community_uid:
        q = q.where(FindingRow.community_uid == community_uid)
    with store.session() as s:
        return {int(k): int(v) for k, v in s.execute(q).all()}


def findings_per_member(store: Store, community_uid: str | None) -> Counter[str]:
    """Non-dismissed findings per member uid."""
    q = (
        select(FindingRow.member_uid, func.count())
        .where(FindingRow.status != "dismissed")
        .group_by(FindingRow.member_uid)
    )
    if community_uid:
        q = q.where(FindingRow.community_uid == community_uid)
    with store.session() as s:
        return Counter({m: int(n) for m, n in s.execute(q).all()})


def flagged_message_count(store: Store, member_uid: str) -> int:
    """Messages of the member with a confirmed or pending (non-dismissed) finding."""
    q = select(func.count(func.distinct(FindingRow.message_uid))).where(
        FindingRow.member_uid == member_uid, FindingRow.status.in_(["open", "actioned", "escalated"])
    )
    with store.session() as s:
        return int(s.scalar(q) or 0)


def member_names(store: Store, community_uid: str) -> list[tuple[str, str]]:
    """(uid, display name) of a community's members: one light query (for the look-alike name check)."""
    with store.session() as s:
        q = select(MemberRow.uid, MemberRow.display_name).where(MemberRow.community_uid == community_uid)
        return [(uid, name) for uid, name in s.execute(q).all()]


@dataclass(frozen=True)
class StoredRecord:
    """A message's record as imported: the raw text verbatim, its SHA-256, import time, visibility."""

    raw: str
    raw_sha256: str
    imported_at: datetime
    visibility: str


def stored_record(store: Store, message_uid: str) -> StoredRecord:
    with store.session() as s:
        row = s.scalar(select(MessageRow).where(MessageRow.uid == message_uid))
        if row is None:
            raise NotFoundError(f"no message {message_uid!r}")
        return StoredRecord(row.raw, row.raw_sha256, row.imported_at, row.visibility)


def uids_by_platform_id(store: Store, community_uid: str | None = None) -> dict[str, str]:
    """Platform message id → message uid (one community, or all)."""
    q = select(MessageRow.uid, MessageRow.platform_id)
    if community_uid:
        q = q.where(MessageRow.community_uid == community_uid)
    with store.session() as s:
        return {pid: uid for uid, pid in s.execute(q).all()}


def categories_by_message(store: Store) -> dict[str, set[str]]:
    """Message uid → categories of its non-dismissed findings."""
    out: dict[str, set[str]] = {}
    with store.session() as s:
        q = select(FindingRow.message_uid, FindingRow.category).where(FindingRow.status != "dismissed")
        for muid, cat in s.execute(q).all():
            out.setdefault(muid, set()).add(cat)
    return out
