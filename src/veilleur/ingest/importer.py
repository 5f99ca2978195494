"""Imports an export into the store: one transaction per import (all or nothing, even on kill -9),
stable ids (re-importing creates no duplicates), attachments copied into the content store,
the raw source record kept verbatim next to the normalised one. Streams in chunks: memory stays bounded.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, Limits, SourceTree, detect_format, get_adapter
from veilleur.records import Attachment, Message
from veilleur.serialize import as_dict
from veilleur.store import Store
from veilleur.store.models import (
    AttachmentRow,
    AuditRow,
    CommunityRow,
    ImportRow,
    MemberRow,
    MessageRow,
    now_utc,
)

CHUNK = 1000
MAX_ATTACHMENT_BYTES = 2 * 1024**3
MAX_DUPLICATE_WARNINGS = 100  # per import and kind; every conflicting duplicate is in the audit log
EARLIEST_DATE = datetime(1980, 1, 1, tzinfo=UTC)  # earlier message dates are absurd (epoch 0, -1...)
LATEST_AHEAD = timedelta(days=366)  # later ones too (year 3000, 9999)
FUTURE_TOLERANCE = timedelta(days=1)  # between the two: imported, with a warning


@dataclass
class ImportReport:
    import_id: str
    path: str
    format: str
    messages_seen: int = 0
    messages_new: int = 0
    attachments_stored: int = 0
    attachments_missing: int = 0
    communities: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # same id as a record already kept (in this import or before) but other content: not imported, its raw
    # record kept in the audit log (action ``import.duplicate``, target = message uid)
    conflicting_duplicates: int = 0
    future_dates: int = (
        0  # messages dated more than FUTURE_TOLERANCE ahead of the import (imported, with a warning)
    )

    @property
    def duplicates(self) -> int:
        return self.messages_seen - self.messages_new

    def to_dict(self) -> dict[str, Any]:
        return as_dict(
            self,
            communities=len(self.communities),
            members=len(self.members),
            seconds=round(self.seconds, 3),
            warnings=self.warnings,
            duplicates=self.duplicates,
        )


def _insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _chunks(items: Iterable[Message], n: int) -> Iterator[list[Message]]:
    buf: list[Message] = []
    for m in items:
        buf.append(m)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


class _Importer:
    def __init__(self, store: Store, conn: Connection, tree: SourceTree, report: ImportReport) -> None:
        self.store, self.conn, self.tree, self.report = store, conn, tree, report
        self.seen_communities: set[str] = set()
        self.seen_members: set[str] = set()
        self.blob_cache: dict[str, tuple[str, int]] = {}  # entry name -> (sha256, size)

    def _store_attachment(self, a: Attachment, message: Message) -> Attachment:
        if a.missing or not a.path:
            self.report.attachments_missing += 1
            return replace(a, missing=True, path=None)
        entry = a.path
        if entry in self.blob_cache:
            sha, size = self.blob_cache[entry]
            return replace(a, sha256=sha, size=size, path=None)
        if not self.tree.exists(entry):
            self.report.attachments_missing += 1
            self.report.warnings.append(
                f"{self.tree.display(entry)}: attachment of message {message.message_id} is missing"
            )
            return replace(a, missing=True, path=None)
        try:
            with self.tree.open_binary(entry) as f:
                sha, size = self.store.blobs.put_stream(f, max_bytes=MAX_ATTACHMENT_BYTES)
        except ValueError as exc:
            raise InputError(self.tree.display(entry), str(exc)) from None
        self.blob_cache[entry] = (sha, size)
        self.report.attachments_stored += 1
        return replace(a, sha256=sha, size=size, path=None)

    def _check_dates(self, chunk: list[Message]) -> None:
        """Refuse absurd dates (before 1980, or more than a year ahead: they break every date computation
        downstream); warn about dates ahead of now beyond a day's tolerance (clock or time zone errors)."""
        now = now_utc()
        for m in chunk:
            if m.created_at < EARLIEST_DATE or m.created_at > now + LATEST_AHEAD:
                raise InputError(
                    self.report.path,
                    f"message {m.message_id!r}: implausible date {m.created_at.isoformat()} "
                    f"(before {EARLIEST_DATE.year} or more than {LATEST_AHEAD.days} days ahead); import refused",
                )
            if m.created_at > now + FUTURE_TOLERANCE:
                self.report.future_dates += 1
                if self.report.future_dates <= MAX_DUPLICATE_WARNINGS:
                    self.report.warnings.append(
                        f"message id {m.message_id!r} ({m.uid}) is dated in the future ({m.created_at.isoformat()}): "
                        "check the export's time zone or clock"
                    )

    def write_chunk(self, chunk: list[Message]) -> None:
        conn, report = self.conn, self.report
        self._check_dates(chunk)
        by_uid: dict[str, Message] = {}
        repeated: list[Message] = []
        for m in chunk:
            if m.uid in by_uid:
                repeated.append(m)
            else:
                by_uid[m.uid] = m
        existing: dict[str, str] = {
            uid: sha
            for uid, sha in conn.execute(
                select(MessageRow.uid, MessageRow.raw_sha256).where(MessageRow.uid.in_(list(by_uid)))
            ).tuples()
        }
        new = [m for u, m in by_uid.items() if u not in existing]
        repeated.extend(m for u, m in by_uid.items() if u in existing)
        if repeated:
            self._check_duplicates(repeated, by_uid, existing)
        report.messages_seen += len(chunk)
        report.messages_new += len(new)

        communities = [m for m in new if m.community_uid not in self.seen_communities]
        if communities:
            rows = {}
            for m in communities:
                rows[m.community_uid] = {
                    "uid": m.community_uid,
                    "source": m.source,
                    "platform_id": m.community_id,
                    "name": m.community_name,
                    "public": False,
                    "first_seen": now_utc(),
                }
            conn.execute(_insert(conn, CommunityRow.__table__).on_conflict_do_nothing(), list(rows.values()))
            self.seen_communities.update(rows)
        for m in chunk:
            report.communities.add(m.community_uid)
            report.members.add(m.author_uid)
        members = {m.author_uid: m for m in new if m.author_uid not in self.seen_members}
        if members:
            conn.execute(
                _insert(conn, MemberRow.__table__).on_conflict_do_nothing(),
                [
                    {
                        "uid": u,
                        "community_uid": m.community_uid,
                        "platform_id": m.author.id,
                        "display_name": m.author.name,
                        "first_seen": now_utc(),
                    }
                    for u, m in members.items()
                ],
            )
            self.seen_members.update(members)
        if not new:
            return
        now = now_utc()
        msg_rows: list[dict[str, Any]] = []
        att_rows: list[dict[str, Any]] = []
        for m in new:
            atts = tuple(self._store_attachment(a, m) for a in m.attachments)
            m2 = m.with_attachments(atts)
            raw_text = _raw_text(m)
            msg_rows.append(
                {
                    "uid": m.uid,
                    "source": m.source,
                    "community_uid": m.community_uid,
                    "member_uid": m.author_uid,
                    "platform_id": m.message_id,
                    "parent_uid": m.parent_uid,
                    "kind": m.kind,
                    "created_at": m.created_at,
                    "text": m.text,
                    "url": m.url,
                    "normalized": m2.to_dict(include_raw=False),
                    "raw": raw_text,
                    "raw_sha256": _raw_sha(raw_text),
                    "import_id": report.import_id,
                    "imported_at": now,
                    "visibility": "visible",
                }
            )
            seen_names: set[str] = set()
            for a in atts:
                if a.name in seen_names:
                    continue
                seen_names.add(a.name)
                att_rows.append(
                    {
                        "message_uid": m.uid,
                        "name": a.name,
                        "media_type": a.media_type,
                        "sha256": a.sha256,
                        "size": a.size,
                        "missing": a.missing,
                    }
                )
        conn.execute(_insert(conn, MessageRow.__table__).on_conflict_do_nothing(), msg_rows)
        if att_rows:
            conn.execute(_insert(conn, AttachmentRow.__table__).on_conflict_do_nothing(), att_rows)

    def _check_duplicates(
        self, repeated: list[Message], first: dict[str, Message], existing: dict[str, str]
    ) -> None:
        """A record whose id is already kept but whose content differs is not silently dropped: a warning names
        it, and its raw record goes to the audit log in this import's transaction (evidence of an edit or of
        an export that reuses ids)."""
        kept_sha: dict[str, str] = dict(existing)
        rows: list[dict[str, Any]] = []
        for m in repeated:
            if m.uid not in kept_sha:
                kept_sha[m.uid] = _raw_sha(_raw_text(first[m.uid]))
            raw_text = _raw_text(m)
            sha = _raw_sha(raw_text)
            if sha == kept_sha[m.uid]:
                continue  # the same record again (re-import): nothing to say
            self.report.conflicting_duplicates += 1
            if self.report.conflicting_duplicates <= MAX_DUPLICATE_WARNINGS:
                self.report.warnings.append(
                    f"message id {m.message_id!r} ({m.uid}) appears again with different content: the first record "
                    f"is kept, this one is not imported; its raw record (sha256 {sha[:16]}…) is kept in the audit "
                    f"log (import.duplicate)"
                )
            elif self.report.conflicting_duplicates == MAX_DUPLICATE_WARNINGS + 1:
                self.report.warnings.append(
                    "more records reuse an id with different content: see the audit log (import.duplicate)"
                )
            rows.append(
                {
                    "at": now_utc(),
                    "actor": f"import:{self.report.import_id}",
                    "action": "import.duplicate",
                    "target": m.uid,
                    "data": {
                        "import_id": self.report.import_id,
                        "message_id": m.message_id,
                        "kept_raw_sha256": kept_sha[m.uid],
                        "raw_sha256": sha,
                        "raw": raw_text,
                    },
                }
            )
        if rows:
            self.conn.execute(insert(AuditRow), rows)


def _raw_text(m: Message) -> str:
    return json.dumps(m.raw, ensure_ascii=False)


def _raw_sha(raw_text: str) -> str:
    return hashlib.sha256(raw_text.encode("utf-8")).hexdigest()


class _LiveImporter(_Importer):
    """Live records carry attachments already in the blob store (sha256 set): nothing to copy."""

    def _store_attachment(self, a: Attachment, message: Message) -> Attachment:
        return replace(a, path=None)


def import_path(
    store: Store,
    path: str | Path,
    *,
    format: str | None = None,
    options: ImportOptions | None = None,
    actor: str = "cli",
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one export (file, directory or zip). Raises ``InputError``; on any error nothing is kept."""
    options = options or ImportOptions()
    tree = SourceTree.open(path, limits)
    try:
        adapter = get_adapter(format) if format else detect_format(tree)
        report = ImportReport(import_id="i_" + uuid.uuid4().hex[:20], path=str(path), format=adapter.name)
        t0 = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(
                insert(ImportRow).values(
                    id=report.import_id,
                    source_path=str(path),
                    format=adapter.name,
                    started_at=now_utc(),
                    actor=actor,
                )
            )
            imp = _Importer(store, conn, tree, report)
            try:
                for chunk in _chunks(adapter.read(tree, options), CHUNK):
                    imp.write_chunk(chunk)
                    if progress:
                        progress(len(chunk))
            except UnicodeDecodeError as exc:
                raise InputError(path, f"wrong text encoding ({exc.reason} at byte {exc.start})") from None
            except (json.JSONDecodeError, ValueError) as exc:
                if isinstance(exc, InputError):
                    raise
                raise InputError(path, f"malformed {adapter.name} export: {exc}") from None
            if report.messages_seen == 0:
                raise InputError(path, f"no messages found in this {adapter.name} export")
            conn.execute(
                update(ImportRow)
                .where(ImportRow.id == report.import_id)
                .values(
                    finished_at=now_utc(),
                    messages_seen=report.messages_seen,
                    messages_new=report.messages_new,
                )
            )
        report.seconds = time.perf_counter() - t0
        return report
    finally:
        tree.close()


def import_messages(
    store: Store, messages: Iterable[Message], *, actor: str = "api", source_label: str = "live"
) -> ImportReport:
    """Import records that arrive without an export file (live feed, API). Attachments must be in the store already."""
    report = ImportReport(import_id="i_" + uuid.uuid4().hex[:20], path=source_label, format="live")
    t0 = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(
            insert(ImportRow).values(
                id=report.import_id,
                source_path=source_label,
                format="live",
                started_at=now_utc(),
                actor=actor,
            )
        )
        imp = _LiveImporter(store, conn, SourceTree(Path(".")), report)
        for chunk in _chunks(messages, CHUNK):
            imp.write_chunk(chunk)
        conn.execute(
            update(ImportRow)
            .where(ImportRow.id == report.import_id)
            .values(
                finished_at=now_utc(), messages_seen=report.messages_seen, messages_new=report.messages_new
            )
        )
    report.seconds = time.perf_counter() - t0
    return report
