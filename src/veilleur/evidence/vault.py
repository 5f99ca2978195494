"""The vault: content-addressed evidence files and an append-only, hash-chained ledger (chain of custody).

Each ledger entry has a canonical JSON *header* (seq, prev_hash, at, actor, action, item_id and the
SHA-256 of its canonical JSON *data*); the entry hash is the SHA-256 of the header. Committing to the
data by its digest lets a bundle carry every header of the chain while leaving out the data of other
cases' entries: the chain still verifies end to end. Nothing is ever updated in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from veilleur.errors import NotFoundError, VeilleurError
from veilleur.evidence.models import EvidenceItemRow, LedgerEntryRow
from veilleur.records import dumps
from veilleur.serialize import as_dict
from veilleur.store import BlobStore, Store
from veilleur.store.models import now_utc

GENESIS_HASH = "0" * 64
ACTIONS = ("item.added", "item.viewed", "item.exported", "note", "item.deleted", "legal_hold")
HEADER_VERSION = 1
T = TypeVar("T")


class EvidenceError(VeilleurError):
    """An evidence operation that cannot be done (deleting an item under legal hold, a failed capture...)."""


class LegalHoldError(EvidenceError):
    pass


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_at(at: datetime) -> str:
    """The one textual form of a ledger time: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_header(
    seq: int, prev_hash: str, at: str, actor: str, action: str, item_id: str | None, data_sha256: str
) -> str:
    return dumps(
        {
            "v": HEADER_VERSION,
            "seq": seq,
            "prev_hash": prev_hash,
            "at": at,
            "actor": actor,
            "action": action,
            "item_id": item_id,
            "data_sha256": data_sha256,
        }
    )


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    prev_hash: str
    hash: str
    at: datetime
    actor: str
    action: str
    item_id: str | None
    header: str
    data_json: str

    @property
    def data(self) -> dict[str, Any]:
        value = json.loads(self.data_json)
        return value if isinstance(value, dict) else {"value": value}

    def to_line(self, *, redact: bool = False) -> dict[str, Any]:
        """One line of a ledger extract: the header verbatim, its hash, and the data unless redacted."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "header": self.header,
            "data": None if redact else self.data_json,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "at": format_at(self.at),
            "actor": self.actor,
            "action": self.action,
            "item_id": self.item_id,
            "data": self.data,
        }


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        row.seq, row.prev_hash, row.hash, row.at, row.actor, row.action, row.item_id, row.header, row.data
    )


@dataclass(frozen=True)
class EvidenceFile:
    name: str  # file name inside the item (safe: letters, digits, ._-)
    role: str  # screenshot, pdf, html, warc, raw, normalised, view, view_pdf, attachment, original, metadata
    sha256: str
    size: int
    media_type: str

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvidenceFile:
        return cls(d["name"], d["role"], d["sha256"], int(d["size"]), d["media_type"])


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence. ``sha256`` is its primary file (screenshot, raw record or user file)."""

    id: str
    kind: str  # message | url | file
    sha256: str
    description: str
    captured_at: datetime
    case_id: str | None
    source: str
    actor: str
    status: str  # complete | partial
    partial_reason: str | None
    files: tuple[EvidenceFile, ...]
    observed: dict[str, Any]
    declared: dict[str, Any]
    added_seq: int
    record: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    legal_hold: bool = False

    def file(self, role: str) -> EvidenceFile | None:
        return next((f for f in self.files if f.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, skip=("record",), observed=self.observed, declared=self.declared)


def _item(row: EvidenceItemRow, deleted: bool = False, hold: bool = False) -> EvidenceItem:
    r = row.record
    return EvidenceItem(
        id=row.id,
        kind=row.kind,
        sha256=row.sha256,
        description=row.description,
        captured_at=row.captured_at,
        case_id=row.case_id,
        source=row.source,
        actor=row.actor,
        status=row.status,
        partial_reason=r.get("partial_reason"),
        files=tuple(EvidenceFile.from_dict(f) for f in r.get("files", [])),
        observed=dict(r.get("observed", {})),
        declared=dict(r.get("declared", {})),
        added_seq=row.added_seq,
        record=dict(r),
        deleted=deleted,
        legal_hold=hold,
    )


def safe_name(name: str, fallback: str = "file") -> str:
    """A file name safe inside a zip and on any disk (no path, no control or odd characters)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    out = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in base).lstrip(".")
    return out[:120] or fallback


def guess_media_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class Vault:
    """Evidence files and ledger of one store. Files live in ``settings.vault_dir/files``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.blobs = BlobStore(Path(store.settings.vault_dir) / "files")

    # -- files -------------------------------------------------------------------------------------
    def put_bytes(self, data: bytes, name: str, role: str, media_type: str | None = None) -> EvidenceFile:
        sha = self.blobs.put_bytes(data)
        return EvidenceFile(safe_name(name), role, sha, len(data), media_type or guess_media_type(name))

    def put_file(self, path: str | Path, name: str, role: str, media_type: str | None = None) -> EvidenceFile:
        with open(path, "rb") as f:
            sha, size = self.blobs.put_stream(f)
        return EvidenceFile(safe_name(name), role, sha, size, media_type or guess_media_type(name))

    def read(self, f: EvidenceFile) -> bytes:
        return self.blobs.read(f.sha256)

    # -- ledger ------------------------------------------------------------------------------------
    def _retry(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one transaction, again if another writer took the same seq (never forks the chain)."""
        for attempt in range(8):
            try:
                with self.store.session() as s:
                    return fn(s)
            except (IntegrityError, OperationalError):
                if attempt == 7:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _append(
        self,
        s: Session,
        action: str,
        actor: str,
        item_id: str | None,
        data: dict[str, Any],
        guard: Callable[[Session], None] | None = None,
    ) -> LedgerEntry:
        if action not in ACTIONS:
            raise ValueError(f"unknown ledger action {action!r}")
        last = s.scalars(
            select(LedgerEntryRow).order_by(LedgerEntryRow.seq.desc()).limit(1).with_for_update()
        ).first()
        if guard is not None:
            guard(s)  # checked while holding the head: no entry can slip in between
        seq = 1 if last is None else last.seq + 1
        prev = GENESIS_HASH if last is None else last.hash
        at = now_utc()
        data_json = dumps(data)
        header = make_header(
            seq, prev, format_at(at), actor, action, item_id, sha256_bytes(data_json.encode("utf-8"))
        )
        row = LedgerEntryRow(
            seq=seq,
            prev_hash=prev,
            hash=sha256_bytes(header.encode("utf-8")),
            at=at,
            actor=actor,
            action=action,
            item_id=item_id,
            header=header,
            data=data_json,
        )
        s.add(row)
        s.flush()
        return _entry(row)

    def append(
        self, action: str, actor: str, item_id: str | None = None, data: dict[str, Any] | None = None
    ) -> LedgerEntry:
        return self._retry(lambda s: self._append(s, action, actor, item_id, data or {}))

    def head(self) -> LedgerEntry | None:
        with self.store.session() as s:
            row = s.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.seq.desc()).limit(1)).first()
            return None if row is None else _entry(row)

    def entries(
        self, first: int = 1, last: int | None = None, item_ids: Sequence[str] | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries in seq order, read in pages (bounded memory)."""
        seq = first - 1
        while True:
            q = (
                select(LedgerEntryRow)
                .where(LedgerEntryRow.seq > seq)
                .order_by(LedgerEntryRow.seq)
                .limit(1000)
            )
            if last is not None:
                q = q.where(LedgerEntryRow.seq <= last)
            if item_ids is not None:
                q = q.where(LedgerEntryRow.item_id.in_(list(item_ids)))
            with self.store.session() as s:
                rows = [_entry(r) for r in s.scalars(q)]
            if not rows:
                return
            yield from rows
            seq = rows[-1].seq

    def entry(self, seq: int) -> LedgerEntry:
        with self.store.session() as s:
            row = s.get(LedgerEntryRow, seq)
            if row is None:
                raise NotFoundError(f"no ledger entry {seq}")
            return _entry(row)

    def check(self) -> list[str]:
        """Re-verify the stored chain and every file; an empty list means intact."""
        problems = self.check_ledger()
        for item in self.items(include_deleted=True):
            for f in item.files:
                if not self.blobs.has(f.sha256):
                    problems.append(f"item {item.id}: file {f.name} missing from the vault")
                elif not self.blobs.verify(f.sha256):
                    problems.append(f"item {item.id}: file {f.name} altered in the vault")
        return problems

    def check_ledger(self) -> list[str]:
        """Re-verify the stored chain only (seq, prev_hash, header hash, data hash)."""
        problems: list[str] = []
        prev, expected = GENESIS_HASH, 1
        for e in self.entries():
            if e.seq != expected:
                problems.append(f"ledger: entry {expected} missing before {e.seq}")
            try:
                header = json.loads(e.header)
            except ValueError:
                header = None
            if not isinstance(header, dict):
                problems.append(f"ledger entry {e.seq}: header is not valid JSON")
                header = {}
            if e.prev_hash != prev or header.get("prev_hash") != prev:
                problems.append(f"ledger entry {e.seq}: prev_hash does not match entry {e.seq - 1}")
            if sha256_bytes(e.header.encode("utf-8")) != e.hash:
                problems.append(f"ledger entry {e.seq}: header altered (hash mismatch)")
            if header.get("data_sha256") != sha256_bytes(e.data_json.encode("utf-8")):
                problems.append(f"ledger entry {e.seq}: data altered (data_sha256 mismatch)")
            prev, expected = e.hash, e.seq + 1
        return problems

    # -- items -------------------------------------------------------------------------------------
    def add_item(
        self,
        *,
        kind: str,
        description: str,
        source: str,
        files: Sequence[EvidenceFile],
        primary_role: str,
        captured_at: datetime,
        actor: str,
        case_id: str | None = None,
        status: str = "complete",
        partial_reason: str | None = None,
        observed: dict[str, Any] | None = None,
        declared: dict[str, Any] | None = None,
    ) -> EvidenceItem:
        if case_id is not None:
            self.store.get_case(case_id)  # NotFoundError names the case
        primary = next((f for f in files if f.role == primary_role), None)
        if primary is None:
            raise ValueError(f"no file with role {primary_role!r}")
        item_id = "ev_" + uuid.uuid4().hex[:20]
        names = [f.name for f in files]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate file names in item: {names}")
        record: dict[str, Any] = json.loads(
            dumps(
                {
                    "id": item_id,
                    "kind": kind,
                    "description": description,
                    "source": source,
                    "case_id": case_id,
                    "captured_at": format_at(captured_at),
                    "actor": actor,
                    "status": status,
                    "partial_reason": partial_reason,
                    "sha256": primary.sha256,
                    "files": [f.to_dict() for f in files],
                    "observed": observed or {},
                    "declared": declared or {},
                }
            )
        )

        def write(s: Session) -> EvidenceItemRow:
            entry = self._append(s, "item.added", actor, item_id, record)
            row = EvidenceItemRow(
                id=item_id,
                kind=kind,
                case_id=case_id,
                description=description,
                source=source,
                sha256=primary.sha256,
                captured_at=captured_at,
                actor=actor,
                status=status,
                record=record,
                added_seq=entry.seq,
            )
            s.add(row)
            s.flush()
            if case_id is not None:  # joins this transaction: the item and its case event, or neither
                self.store.add_case_event(
                    case_id,
                    "evidence.added",
                    {"item_id": item_id, "kind": kind, "sha256": primary.sha256},
                    actor=actor,
                )
            return row

        row = self._retry(write)
        return _item(row)

    def _states(
        self, item_ids: Sequence[str], session: Session | None = None
    ) -> dict[str, tuple[bool, bool]]:
        out: dict[str, tuple[bool, bool]] = {i: (False, False) for i in item_ids}
        if not item_ids:
            return out
        with contextlib.nullcontext(session) if session is not None else self.store.session() as s:
            q = (
                select(LedgerEntryRow.item_id, LedgerEntryRow.action, LedgerEntryRow.data)
                .where(LedgerEntryRow.item_id.in_(list(item_ids)))
                .where(LedgerEntryRow.action.in_(["item.deleted", "legal_hold"]))
                .order_by(LedgerEntryRow.seq)
            )
            for item_id, action, data in s.execute(q):
                if item_id is None:
                    continue
                deleted, hold = out[item_id]
                if action == "item.deleted":
                    deleted = True
                else:
                    hold = bool(json.loads(data).get("hold"))
                out[item_id] = (deleted, hold)
        return out

    def items(self, case_id: str | None = None, include_deleted: bool = False) -> list[EvidenceItem]:
        q = select(EvidenceItemRow).order_by(EvidenceItemRow.added_seq)
        if case_id is not None:
            q = q.where(EvidenceItemRow.case_id == case_id)
        with self.store.session() as s:
            rows = list(s.scalars(q))
        states = self._states([r.id for r in rows])
        items = [_item(r, *states[r.id]) for r in rows]
        return [i for i in items if include_deleted or not i.deleted]

    def item(self, item_id: str) -> EvidenceItem:
        with self.store.session() as s:
            row = s.get(EvidenceItemRow, item_id)
        if row is None:
            raise NotFoundError(f"no evidence item {item_id!r}")
        return _item(row, *self._states([item_id])[item_id])

    def view(self, item_id: str, actor: str) -> EvidenceItem:
        item = self.item(item_id)
        self.append("item.viewed", actor, item_id, {})
        return item

    def note(self, item_id: str | None, actor: str, text: str) -> LedgerEntry:
        if item_id is not None:
            self.item(item_id)
        return self.append("note", actor, item_id, {"text": text})

    def set_legal_hold(self, item_id: str, hold: bool, actor: str, reason: str = "") -> LedgerEntry:
        self.item(item_id)
        return self.append("legal_hold", actor, item_id, {"hold": hold, "reason": reason})

    def delete(self, item_id: str, actor: str, reason: str = "") -> LedgerEntry:
        """Record a deletion (the item leaves lists and bundles; its files and entries stay)."""
        self.item(item_id)

        def guard(s: Session) -> None:
            deleted, hold = self._states([item_id], s)[item_id]
            if deleted:
                raise EvidenceError(f"evidence item {item_id} is already deleted")
            if hold:
                raise LegalHoldError(f"evidence item {item_id} is under legal hold and cannot be deleted")

        return self._retry(
            lambda s: self._append(s, "item.deleted", actor, item_id, {"reason": reason}, guard)
        )
