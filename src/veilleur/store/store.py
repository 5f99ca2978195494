"""The storage API every area uses: messages, members, findings, cases, case events, audit log.

SQLite by default (one file in ``VEILLEUR_HOME``), PostgreSQL by URL. The schema is managed by
Alembic migrations shipped in the package and applied on open. Other layers (CLI, web, law) call
these methods; they never write SQL of their own against the core tables.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import uuid
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from veilleur.config import Settings, load_settings
from veilleur.errors import ConfigError, DatabaseBusyError, NotFoundError
from veilleur.records import (
    Attachment,
    Case,
    CaseContext,
    Finding,
    FindingStatus,
    Message,
    Region,
    Span,
    check_status,
)
from veilleur.serialize import as_dict
from veilleur.store.blobs import BlobStore
from veilleur.store.models import (
    AttachmentRow,
    AuditRow,
    CaseEventRow,
    CaseRow,
    CommunityRow,
    FindingRow,
    MemberRow,
    MessageRow,
    ScanRow,
    now_utc,
)
from veilleur.store.settings import StoreSettings
from veilleur.taxonomy import Severity

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class StoredFinding:
    finding: Finding
    status: FindingStatus
    created_at: datetime
    updated_at: datetime
    message_created_at: datetime
    member_uid: str
    community_uid: str
    status_by: str | None = None
    status_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), **as_dict(self, skip=("finding", "updated_at"))}


@dataclass(frozen=True)
class MemberInfo:
    uid: str
    community_uid: str
    platform_id: str
    display_name: str
    message_count: int
    finding_count: int

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass(frozen=True)
class CommunityInfo:
    uid: str
    source: str
    platform_id: str
    name: str
    public: bool
    size: int | None
    message_count: int
    member_count: int

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass(frozen=True)
class CaseEvent:
    id: int
    case_id: str
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, data=self.data)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, data=self.data)


DEFAULT_BUSY_TIMEOUT_S = StoreSettings().busy_timeout_s
# Per engine: how long a SQLite connection waits for another process's write lock (``Store.set_busy_timeout``).
_BUSY_MS: weakref.WeakKeyDictionary[Engine, list[int]] = weakref.WeakKeyDictionary()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(DEFAULT_BUSY_TIMEOUT_S * 1000)}")
    cur.close()


def _is_busy(exc: BaseException | None) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and any(
        w in str(exc) for w in ("database is locked", "database is busy")
    )


def _private_sqlite_file(path: Path) -> None:
    """The database holds health data, password hashes and secrets: create it (and its folder) private."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    try:
        os.close(
            os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        )  # SQLite's -wal/-shm copy this mode
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            logging.getLogger(__name__).warning(
                "%s is readable by other users (mode %o): chmod 600 it", path, mode
            )


def make_engine(url: str, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> Engine:
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:" and "?" not in path:
                _private_sqlite_file(Path(path))
            elif path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, mode=0o700, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": busy_timeout_s})
            event.listen(engine, "connect", _sqlite_pragmas)
            _BUSY_MS[engine] = [int(busy_timeout_s * 1000)]

            def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
                want = _BUSY_MS[engine][0]
                if record.info.get("busy_ms") != want:
                    dbapi_conn.execute(f"PRAGMA busy_timeout={want}")
                    record.info["busy_ms"] = want

            def _busy(ctx: Any) -> None:
                if _is_busy(ctx.original_exception):
                    waited = _BUSY_MS[engine][0] / 1000
                    raise DatabaseBusyError(
                        f"the database is busy: another process (an import?) has held its write lock for more than "
                        f"{waited:g} s. Nothing was lost; try again when it has finished "
                        f"(store.busy_timeout_s in veilleur.toml waits longer)"
                    ) from None

            event.listen(engine, "checkout", _checkout)
            event.listen(engine, "handle_error", _busy)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:
        raise ConfigError(f"invalid database URL: {exc}") from None
    return engine


def _finding_from_row(r: FindingRow) -> Finding:
    return Finding(
        id=r.id,
        message_uid=r.message_uid,
        detector=r.detector,
        detector_version=r.detector_version,
        category=r.category,
        severity=Severity(r.severity),
        score=r.score,
        explanation=r.explanation,
        spans=tuple(Span(**s) for s in r.spans or []),
        regions=tuple(Region(**g) for g in r.regions or []),
        excerpt=r.excerpt,
        details=dict(r.details or {}),
    )


def _stored(r: FindingRow) -> StoredFinding:
    return StoredFinding(
        finding=_finding_from_row(r),
        status=check_status(r.status),
        created_at=r.created_at,
        updated_at=r.updated_at,
        message_created_at=r.message_created_at,
        member_uid=r.member_uid,
        community_uid=r.community_uid,
        status_by=r.status_by,
        status_note=r.status_note,
    )


def _case_from_row(r: CaseRow) -> Case:
    return Case(
        id=r.id,
        title=r.title,
        kind=r.kind,  # type: ignore[arg-type]
        community_uid=r.community_uid,
        message_uids=tuple(r.message_uids or []),
        finding_ids=tuple(r.finding_ids or []),
        member_uids=tuple(r.member_uids or []),
        context=CaseContext.from_dict(r.context),
        state=r.state,
        created_at=r.created_at,
        target_user=r.target_user,
    )


class Store:
    """Handle on one veilleur database and its content store."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.blobs = BlobStore(settings.blob_dir)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # the open unit of work of this thread/task, joined by nested ``session()`` calls
        self._current: ContextVar[Session | None] = ContextVar(f"veilleur_store_tx_{id(self)}", default=None)

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings | None = None, *, url: str | None = None, migrate: bool = True) -> Store:
        settings = settings or load_settings(db_url=url)
        if url:
            settings = dataclasses.replace(settings, db_url=url)
        store = cls(make_engine(settings.db_url, settings.section(StoreSettings).busy_timeout_s), settings)
        if migrate:
            store.migrate()
        return store

    def alembic_config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("sqlalchemy.url", self.engine.url.render_as_string(hide_password=False))
        return cfg

    def migrate(self) -> None:
        """Bring the schema to the latest revision (idempotent)."""
        try:
            with self.engine.begin() as conn:
                cfg = self.alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
        except Exception as exc:
            from sqlalchemy.exc import OperationalError

            if isinstance(exc, OperationalError):
                raise ConfigError(
                    f"cannot open database {self.engine.url.render_as_string()}: {exc.orig}"
                ) from None
            raise

    def close(self) -> None:
        self.engine.dispose()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long this handle waits for another process's write lock (SQLite; no-op elsewhere) before
        ``DatabaseBusyError``. The web uses a short wait so that no request hangs behind a long import."""
        if self.engine in _BUSY_MS:
            _BUSY_MS[self.engine][0] = int(seconds * 1000)

    def busy_timeout(self) -> float | None:
        return _BUSY_MS[self.engine][0] / 1000 if self.engine in _BUSY_MS else None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        Inside ``store.transaction()`` (or another ``session()``) of the same thread or task, it joins
        that transaction instead of opening its own: every ``Store`` method, and every module writing
        through ``store.session()``, then commits with the use case or not at all."""
        current = self._current.get()
        if current is not None:
            yield current
            current.flush()  # what the caller wrote gets its ids, as a commit would give them
            return
        with self._sessions.begin() as s:
            token = self._current.set(s)
            try:
                yield s
            finally:
                self._current.reset(token)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The unit of work of one use case (hide a message and record the decision, seal an item with
        its case event…): the ``Store`` calls made inside it commit once at the end, or not at all.
        Nested ``transaction()`` blocks join the outermost one."""
        with self.session() as s:
            yield s

    def in_transaction(self) -> bool:
        return self._current.get() is not None

    # -- messages ----------------------------------------------------------------------------
    def _message_from_row(self, row: MessageRow, attachments: Sequence[AttachmentRow]) -> Message:
        d = dict(row.normalized)
        d["raw"] = json.loads(row.raw) if row.raw else None
        atts = []
        for a in attachments:
            path = str(self.blobs.path(a.sha256)) if a.sha256 and self.blobs.has(a.sha256) else None
            atts.append(
                Attachment(
                    name=a.name,
                    media_type=a.media_type,
                    sha256=a.sha256,
                    size=a.size,
                    path=path,
                    missing=a.missing,
                )
            )
        d["attachments"] = [x.to_dict() for x in atts]
        return Message.from_dict(d)

    def _attachments_for(self, s: Session, uids: Sequence[str]) -> dict[str, list[AttachmentRow]]:
        out: dict[str, list[AttachmentRow]] = {}
        if not uids:
            return out
        for i in range(0, len(uids), 500):
            chunk = list(uids[i : i + 500])
            for a in s.scalars(
                select(AttachmentRow).where(AttachmentRow.message_uid.in_(chunk)).order_by(AttachmentRow.id)
            ):
                out.setdefault(a.message_uid, []).append(a)
        return out

    def get_message(self, uid: str) -> Message:
        msgs = self.get_messages([uid])
        if not msgs:
            raise NotFoundError(f"no message {uid!r}")
        return msgs[0]

    def get_messages(self, uids: Sequence[str]) -> list[Message]:
        """Messages by uid, in the order asked (unknown uids are skipped)."""
        with self.session() as s:
            rows: dict[str, MessageRow] = {}
            for i in range(0, len(uids), 500):
                for r in s.scalars(select(MessageRow).where(MessageRow.uid.in_(list(uids[i : i + 500])))):
                    rows[r.uid] = r
            atts = self._attachments_for(s, list(rows))
            return [self._message_from_row(rows[u], atts.get(u, [])) for u in uids if u in rows]

    def message_uids(
        self,
        *,
        community_uid: str | None = None,
        member_uid: str | None = None,
        import_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[str]:
        q = select(MessageRow.uid).order_by(MessageRow.created_at, MessageRow.uid)
        if community_uid:
            q = q.where(MessageRow.community_uid == community_uid)
        if member_uid:
            q = q.where(MessageRow.member_uid == member_uid)
        if import_id:
            q = q.where(MessageRow.import_id == import_id)
        if since:
            q = q.where(MessageRow.created_at >= since)
        if until:
            q = q.where(MessageRow.created_at < until)
        with self.session() as s:
            return list(s.scalars(q))

    def iter_messages(
        self, uids: Sequence[str] | None = None, batch_size: int = 500, **filters: Any
    ) -> Iterator[list[Message]]:
        """Messages in batches (bounded memory), ordered by creation time."""
        all_uids = list(uids) if uids is not None else self.message_uids(**filters)
        for i in range(0, len(all_uids), batch_size):
            yield self.get_messages(all_uids[i : i + batch_size])

    def search_messages(
        self,
        *,
        text: str | None = None,
        community_uid: str | None = None,
        member_uid: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Message]:
        q = select(MessageRow.uid).order_by(MessageRow.created_at.desc(), MessageRow.uid)
        if text:
            q = q.where(MessageRow.text.ilike(f"%{text}%"))
        if community_uid:
            q = q.where(MessageRow.community_uid == community_uid)
        if member_uid:
            q = q.where(MessageRow.member_uid == member_uid)
        if since:
            q = q.where(MessageRow.created_at >= since)
        if until:
            q = q.where(MessageRow.created_at < until)
        with self.session() as s:
            uids = list(s.scalars(q.limit(limit).offset(offset)))
        return self.get_messages(uids)

    def thread(self, uid: str) -> list[Message]:
        """The message's whole thread (root and all descendants), in time order."""
        with self.session() as s:
            root = uid
            seen = {root}
            while True:
                parent = s.scalar(select(MessageRow.parent_uid).where(MessageRow.uid == root))
                if not parent or parent in seen or s.get(MessageRow, parent) is None:
                    break
                seen.add(parent)
                root = parent
            members = [root]
            frontier = [root]
            while frontier:
                children = list(s.scalars(select(MessageRow.uid).where(MessageRow.parent_uid.in_(frontier))))
                children = [c for c in children if c not in members]
                members.extend(children)
                frontier = children
            ordered = list(
                s.scalars(
                    select(MessageRow.uid).where(MessageRow.uid.in_(members)).order_by(MessageRow.created_at)
                )
            )
        return self.get_messages(ordered)

    def set_visibility(self, uid: str, visibility: str, actor: str) -> None:
        if visibility not in ("visible", "hidden", "removed"):
            raise ValueError(f"unknown visibility {visibility!r}")
        with self.session() as s:
            row = s.get(MessageRow, uid)
            if row is None:
                raise NotFoundError(f"no message {uid!r}")
            row.visibility = visibility
            s.add(AuditRow(at=now_utc(), actor=actor, action=f"message.{visibility}", target=uid, data={}))

    def message_visibility(self, uid: str) -> str:
        with self.session() as s:
            v = s.scalar(select(MessageRow.visibility).where(MessageRow.uid == uid))
        if v is None:
            raise NotFoundError(f"no message {uid!r}")
        return v

    def message_author(self, uid: str) -> str:
        with self.session() as s:
            v = s.scalar(select(MessageRow.member_uid).where(MessageRow.uid == uid))
        if v is None:
            raise NotFoundError(f"no message {uid!r}")
        return v

    def count_messages(self, community_uid: str | None = None) -> int:
        q = select(func.count()).select_from(MessageRow)
        if community_uid:
            q = q.where(MessageRow.community_uid == community_uid)
        with self.session() as s:
            return int(s.scalar(q) or 0)

    # -- communities and members ---------------------------------------------------------------
    def list_communities(self) -> list[CommunityInfo]:
        with self.session() as s:
            counts = dict(
                s.execute(
                    select(MessageRow.community_uid, func.count()).group_by(MessageRow.community_uid)
                ).all()
            )
            mcounts = dict(
                s.execute(
                    select(MemberRow.community_uid, func.count()).group_by(MemberRow.community_uid)
                ).all()
            )
            return [
                CommunityInfo(
                    c.uid,
                    c.source,
                    c.platform_id,
                    c.name,
                    c.public,
                    c.size,
                    int(counts.get(c.uid, 0)),
                    int(mcounts.get(c.uid, 0)),
                )
                for c in s.scalars(select(CommunityRow).order_by(CommunityRow.name))
            ]

    def set_community_context(self, uid: str, *, public: bool | None = None, size: int | None = None) -> None:
        with self.session() as s:
            row = s.get(CommunityRow, uid)
            if row is None:
                raise NotFoundError(f"no community {uid!r}")
            if public is not None:
                row.public = public
            if size is not None:
                row.size = size

    def list_members(self, community_uid: str | None = None) -> list[MemberInfo]:
        with self.session() as s:
            mc = dict(
                s.execute(select(MessageRow.member_uid, func.count()).group_by(MessageRow.member_uid)).all()
            )
            fc = dict(
                s.execute(
                    select(FindingRow.member_uid, func.count(func.distinct(FindingRow.message_uid)))
                    .where(FindingRow.status != "dismissed")
                    .group_by(FindingRow.member_uid)
                ).all()
            )
            q = select(MemberRow).order_by(MemberRow.display_name)
            if community_uid:
                q = q.where(MemberRow.community_uid == community_uid)
            return [
                MemberInfo(
                    m.uid,
                    m.community_uid,
                    m.platform_id,
                    m.display_name,
                    int(mc.get(m.uid, 0)),
                    int(fc.get(m.uid, 0)),
                )
                for m in s.scalars(q)
            ]

    def get_member(self, uid: str) -> MemberInfo:
        for m in self.list_members():
            if m.uid == uid:
                return m
        raise NotFoundError(f"no member {uid!r}")

    # -- findings ----------------------------------------------------------------------------------
    def save_findings(self, findings: Sequence[Finding], scan_id: str | None = None) -> int:
        """Insert or update findings (by stable id). A human decision (status) survives a re-scan."""
        if not findings:
            return 0
        now = now_utc()
        with self.session() as s:
            uids = list({f.message_uid for f in findings})
            meta = {
                r.uid: r
                for i in range(0, len(uids), 500)
                for r in s.execute(
                    select(
                        MessageRow.uid, MessageRow.member_uid, MessageRow.community_uid, MessageRow.created_at
                    ).where(MessageRow.uid.in_(uids[i : i + 500]))
                ).all()
            }
            for f in findings:
                m = meta.get(f.message_uid)
                if m is None:
                    raise NotFoundError(f"finding {f.id} refers to unknown message {f.message_uid}")
                row = s.get(FindingRow, f.id)
                values = dict(
                    detector=f.detector,
                    detector_version=f.detector_version,
                    category=f.category,
                    severity=int(f.severity),
                    score=f.score,
                    explanation=f.explanation,
                    spans=[x.to_dict() for x in f.spans],
                    regions=[x.to_dict() for x in f.regions],
                    excerpt=f.excerpt,
                    details=f.details,
                    scan_id=scan_id,
                    updated_at=now,
                )
                if row is None:
                    s.add(
                        FindingRow(
                            id=f.id,
                            message_uid=f.message_uid,
                            member_uid=m.member_uid,
                            community_uid=m.community_uid,
                            message_created_at=m.created_at,
                            created_at=now,
                            status="open",
                            **values,
                        )
                    )
                else:
                    for k, v in values.items():
                        setattr(row, k, v)
        return len(findings)

    def get_finding(self, finding_id: str) -> StoredFinding:
        with self.session() as s:
            row = s.get(FindingRow, finding_id)
            if row is None:
                raise NotFoundError(f"no finding {finding_id!r}")
            return _stored(row)

    def get_findings(self, ids: Sequence[str]) -> list[Finding]:
        with self.session() as s:
            rows = {r.id: r for r in s.scalars(select(FindingRow).where(FindingRow.id.in_(list(ids))))}
        return [_finding_from_row(rows[i]) for i in ids if i in rows]

    def list_findings(
        self,
        *,
        category: str | None = None,
        categories: Sequence[str] | None = None,
        min_severity: Severity | int | None = None,
        status: str | Sequence[str] | None = None,
        detector: str | None = None,
        message_uid: str | None = None,
        member_uid: str | None = None,
        community_uid: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        order: str = "severity",
    ) -> list[StoredFinding]:
        q = select(FindingRow)
        if category:
            q = q.where(FindingRow.category == category)
        if categories:
            q = q.where(FindingRow.category.in_(list(categories)))
        if min_severity is not None:
            q = q.where(FindingRow.severity >= int(min_severity))
        if status:
            q = q.where(FindingRow.status.in_([status] if isinstance(status, str) else list(status)))
        if detector:
            q = q.where(FindingRow.detector == detector)
        if message_uid:
            q = q.where(FindingRow.message_uid == message_uid)
        if member_uid:
            q = q.where(FindingRow.member_uid == member_uid)
        if community_uid:
            q = q.where(FindingRow.community_uid == community_uid)
        if since:
            q = q.where(FindingRow.message_created_at >= since)
        if until:
            q = q.where(FindingRow.message_created_at < until)
        if order == "severity":
            q = q.order_by(
                FindingRow.severity.desc(),
                FindingRow.score.desc(),
                FindingRow.message_created_at.desc(),
                FindingRow.id,
            )
        else:
            q = q.order_by(FindingRow.message_created_at.desc(), FindingRow.id)
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.session() as s:
            return [_stored(r) for r in s.scalars(q)]

    def count_findings(self, **filters: Any) -> int:
        return len(self.list_findings(**filters))

    def set_finding_status(
        self, finding_id: str, status: FindingStatus, actor: str, note: str | None = None
    ) -> StoredFinding:
        status = check_status(status)
        with self.session() as s:
            row = s.get(FindingRow, finding_id)
            if row is None:
                raise NotFoundError(f"no finding {finding_id!r}")
            before = row.status
            row.status, row.status_by, row.status_at, row.status_note = status, actor, now_utc(), note
            s.add(
                AuditRow(
                    at=now_utc(),
                    actor=actor,
                    action=f"finding.{status}",
                    target=finding_id,
                    data={"before": before, "note": note},
                )
            )
            s.flush()
            return _stored(row)

    # -- scans -------------------------------------------------------------------------------------
    def start_scan(self, detectors: dict[str, str]) -> str:
        scan_id = "s_" + uuid.uuid4().hex[:20]
        with self.session() as s:
            s.add(ScanRow(id=scan_id, started_at=now_utc(), detectors=detectors))
        return scan_id

    def finish_scan(self, scan_id: str, message_count: int, finding_count: int) -> None:
        with self.session() as s:
            s.execute(
                update(ScanRow)
                .where(ScanRow.id == scan_id)
                .values(finished_at=now_utc(), message_count=message_count, finding_count=finding_count)
            )

    # -- cases -------------------------------------------------------------------------------------
    def create_case(self, case: Case, actor: str = "system") -> Case:
        now = now_utc()
        case_id = case.id or "case_" + uuid.uuid4().hex[:12]
        with self.session() as s:
            if s.get(CaseRow, case_id) is not None:
                raise ValueError(f"case {case_id!r} already exists")
            s.add(
                CaseRow(
                    id=case_id,
                    title=case.title,
                    kind=case.kind,
                    community_uid=case.community_uid,
                    message_uids=list(case.message_uids),
                    finding_ids=list(case.finding_ids),
                    member_uids=list(case.member_uids),
                    context=case.context.to_dict(),
                    state=case.state,
                    target_user=case.target_user,
                    created_at=case.created_at or now,
                    updated_at=now,
                )
            )
            s.flush()  # the case row must exist before its first event (foreign key)
            s.add(
                CaseEventRow(
                    case_id=case_id, at=now, actor=actor, kind="case.created", data={"title": case.title}
                )
            )
            s.add(
                AuditRow(
                    at=now, actor=actor, action="case.created", target=case_id, data={"title": case.title}
                )
            )
        return self.get_case(case_id)

    def get_case(self, case_id: str) -> Case:
        with self.session() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFoundError(f"no case {case_id!r}")
            return _case_from_row(row)

    def list_cases(self, *, target_user: str | None = None, state: str | None = None) -> list[Case]:
        q = select(CaseRow).order_by(CaseRow.created_at.desc())
        if target_user:
            q = q.where(CaseRow.target_user == target_user)
        if state:
            q = q.where(CaseRow.state == state)
        with self.session() as s:
            return [_case_from_row(r) for r in s.scalars(q)]

    def update_case(self, case: Case, actor: str = "system") -> Case:
        with self.session() as s:
            row = s.get(CaseRow, case.id)
            if row is None:
                raise NotFoundError(f"no case {case.id!r}")
            row.title, row.kind, row.community_uid = case.title, case.kind, case.community_uid
            row.message_uids, row.finding_ids, row.member_uids = (
                list(case.message_uids),
                list(case.finding_ids),
                list(case.member_uids),
            )
            row.context, row.state, row.target_user = case.context.to_dict(), case.state, case.target_user
            row.updated_at = now_utc()
            s.add(
                AuditRow(
                    at=now_utc(),
                    actor=actor,
                    action="case.updated",
                    target=case.id,
                    data={"state": case.state},
                )
            )
        return self.get_case(case.id)

    def add_case_event(
        self, case_id: str, kind: str, data: dict[str, Any] | None = None, actor: str = "system"
    ) -> CaseEvent:
        with self.session() as s:
            if s.get(CaseRow, case_id) is None:
                raise NotFoundError(f"no case {case_id!r}")
            row = CaseEventRow(case_id=case_id, at=now_utc(), actor=actor, kind=kind, data=data or {})
            s.add(row)
            s.add(AuditRow(at=row.at, actor=actor, action=kind, target=case_id, data=data or {}))
            s.flush()
            return CaseEvent(row.id, row.case_id, row.at, row.actor, row.kind, dict(row.data))

    def case_events(self, case_id: str) -> list[CaseEvent]:
        with self.session() as s:
            rows = s.scalars(
                select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
            )
            return [CaseEvent(r.id, r.case_id, r.at, r.actor, r.kind, dict(r.data)) for r in rows]

    # -- audit -------------------------------------------------------------------------------------
    def audit(
        self, actor: str, action: str, target: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        with self.session() as s:
            s.add(AuditRow(at=now_utc(), actor=actor, action=action, target=target, data=data or {}))

    def audit_log(
        self,
        *,
        actor: str | None = None,
        target: str | None = None,
        action: str | None = None,
        limit: int = 200,
    ) -> list[AuditEntry]:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if actor:
            q = q.where(AuditRow.actor == actor)
        if target:
            q = q.where(AuditRow.target == target)
        if action:
            q = q.where(AuditRow.action == action)
        with self.session() as s:
            return [AuditEntry(r.id, r.at, r.actor, r.action, r.target, dict(r.data)) for r in s.scalars(q)]
