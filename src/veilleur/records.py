"""Core records that flow from ingestion to action: Message, Attachment, Finding, Case.

They are plain frozen dataclasses, serialisable to JSON with ``to_dict`` / ``from_dict``.
Detectors and adapters only ever see and produce these; storage maps them to tables.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from veilleur.serialize import as_dict
from veilleur.taxonomy import Severity, check_category

JSONValue = Any

MessageKind = Literal["post", "comment", "reply", "message"]


def stable_id(*parts: str, prefix: str = "", length: int = 24) -> str:
    """A deterministic identifier from its parts (re-importing the same export gives the same ids)."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]
    return f"{prefix}{h}"


def utc(dt: datetime) -> datetime:
    """Normalise to an aware UTC datetime; naive datetimes are rejected (ambiguous for evidence)."""
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(f"naive datetime {dt.isoformat()} (a timezone is required)")
    return dt.astimezone(UTC)


def _dt_to_json(dt: datetime | None) -> str | None:
    return None if dt is None else utc(dt).isoformat()


def _dt_from_json(value: str | None) -> datetime | None:
    if value is None:
        return None
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def no_nul(value: Any) -> Any:
    """``value`` without NUL characters if it is a string (PostgreSQL refuses them in text; SQLite would keep
    them): every text field of a record goes through this, so both databases store the same thing."""
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _strip_nuls(obj: Any, names: tuple[str, ...]) -> None:
    for n in names:
        v = getattr(obj, n)
        if isinstance(v, str) and "\x00" in v:
            object.__setattr__(obj, n, v.replace("\x00", ""))


class PlainRecord:
    """Base of the flat records: their dict form is their fields (``veilleur.serialize.as_dict``)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str

    def __post_init__(self) -> None:
        _strip_nuls(self, ("id", "name"))


@dataclass(frozen=True, slots=True)
class Attachment(PlainRecord):
    """A file attached to a message. ``sha256`` addresses it in the content store.

    ``path`` is where the bytes are on disk when known (the content store once imported);
    ``name`` is the file name as the platform gave it.
    """

    name: str
    media_type: str
    sha256: str | None = None
    size: int | None = None
    path: str | None = None
    missing: bool = False  # listed by the export but its file was absent

    def __post_init__(self) -> None:
        _strip_nuls(self, ("name", "media_type", "path"))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Attachment:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True, slots=True)
class Message:
    """One normalised post, comment, reply or chat message."""

    source: str  # adapter name: facebook, telegram, whatsapp, discord, slack, twitter, csv, jsonl...
    community_id: str  # platform-side id (or stable derived id) of the group/channel
    community_name: str
    message_id: str  # platform-side id (or stable derived id), unique within the community
    author: Author
    created_at: datetime
    text: str
    kind: MessageKind = "message"
    parent_id: str | None = None  # platform message id this one replies to
    url: str | None = None
    attachments: tuple[Attachment, ...] = ()
    reactions: dict[str, int] = field(default_factory=dict)
    raw: JSONValue = None  # the original record, verbatim as parsed from the export
    uid: str = ""  # stable global id; computed when empty

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", utc(self.created_at))
        _strip_nuls(
            self,
            ("source", "community_id", "community_name", "message_id", "text", "kind", "parent_id", "url"),
        )
        if any("\x00" in k for k in self.reactions):
            object.__setattr__(self, "reactions", {no_nul(k): v for k, v in self.reactions.items()})
        if not self.uid:
            object.__setattr__(
                self, "uid", stable_id(self.source, self.community_id, self.message_id, prefix="m_")
            )

    @property
    def community_uid(self) -> str:
        return community_uid(self.source, self.community_id)

    @property
    def author_uid(self) -> str:
        return member_uid(self.source, self.community_id, self.author.id)

    @property
    def parent_uid(self) -> str | None:
        if self.parent_id is None:
            return None
        return stable_id(self.source, self.community_id, self.parent_id, prefix="m_")

    def with_attachments(self, attachments: tuple[Attachment, ...]) -> Message:
        return replace(self, attachments=attachments)

    def to_dict(self, include_raw: bool = True) -> dict[str, Any]:
        # Written out rather than generated (serialize.as_dict): the importer calls it for every record,
        # and this is about 7 times faster.
        d: dict[str, Any] = {
            "uid": self.uid,
            "source": self.source,
            "community_id": self.community_id,
            "community_name": self.community_name,
            "message_id": self.message_id,
            "author": {"id": self.author.id, "name": self.author.name},
            "created_at": _dt_to_json(self.created_at),
            "text": self.text,
            "kind": self.kind,
            "parent_id": self.parent_id,
            "url": self.url,
            "attachments": [a.to_dict() for a in self.attachments],
            "reactions": dict(self.reactions),
        }
        if include_raw:
            d["raw"] = self.raw
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Message:
        created = _dt_from_json(d["created_at"])
        assert created is not None
        return cls(
            uid=d.get("uid", ""),
            source=d["source"],
            community_id=d["community_id"],
            community_name=d.get("community_name", d["community_id"]),
            message_id=d["message_id"],
            author=Author(id=d["author"]["id"], name=d["author"]["name"]),
            created_at=created,
            text=d.get("text", ""),
            kind=d.get("kind", "message"),
            parent_id=d.get("parent_id"),
            url=d.get("url"),
            attachments=tuple(Attachment.from_dict(a) for a in d.get("attachments", [])),
            reactions=dict(d.get("reactions", {})),
            raw=d.get("raw"),
        )


def community_uid(source: str, community_id: str) -> str:
    return stable_id(source, community_id, prefix="c_", length=16)


def member_uid(source: str, community_id: str, author_id: str) -> str:
    return stable_id(source, community_id, author_id, prefix="u_", length=16)


@dataclass(frozen=True, slots=True)
class Span(PlainRecord):
    """A character range of ``Message.text`` (or of an attachment's OCR text) that carries a finding."""

    start: int
    end: int
    label: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Region(PlainRecord):
    """A box in an image attachment (pixels), e.g. a face or a line of text."""

    attachment_sha256: str
    x: int
    y: int
    width: int
    height: int
    label: str
    frame: int | None = None  # video frame index or DICOM frame, when relevant


@dataclass(frozen=True, slots=True)
class Finding:
    """What one detector found in one message."""

    message_uid: str
    detector: str
    detector_version: str
    category: str
    severity: Severity
    score: float
    explanation: str = ""
    spans: tuple[Span, ...] = ()
    regions: tuple[Region, ...] = ()
    excerpt: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        check_category(self.category)
        if not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")
        object.__setattr__(self, "severity", Severity.parse(self.severity))
        object.__setattr__(self, "score", float(self.score))
        if not self.id:
            # One finding per (message, detector, category): re-scanning updates, never duplicates.
            object.__setattr__(
                self, "id", stable_id(self.message_uid, self.detector, self.category, prefix="f_")
            )

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, first=("id",), score=round(self.score, 4), details=self.details)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            id=d.get("id", ""),
            message_uid=d["message_uid"],
            detector=d["detector"],
            detector_version=d["detector_version"],
            category=d["category"],
            severity=Severity.parse(d["severity"]),
            score=d["score"],
            explanation=d.get("explanation", ""),
            spans=tuple(Span(**s) for s in d.get("spans", [])),
            regions=tuple(Region(**r) for r in d.get("regions", [])),
            excerpt=d.get("excerpt", ""),
            details=dict(d.get("details", {})),
        )


CaseKind = Literal["message", "member", "raid", "secrecy", "harassment"]

# A finding's review status: ``open`` until a moderator (or the system) decides.
FindingStatus = Literal["open", "dismissed", "actioned", "escalated"]
FINDING_STATUSES: tuple[FindingStatus, ...] = get_args(FindingStatus)


def check_status(value: str) -> FindingStatus:
    """``value`` as a finding status, or ``ValueError`` naming the known ones."""
    for known in FINDING_STATUSES:
        if value == known:
            return known
    raise ValueError(f"unknown status {value!r} (expected one of {', '.join(FINDING_STATUSES)})")


# A case's state is free text chosen by its handlers (``open``, ``waiting_platform``…); these end it.
CLOSED_CASE_STATES: tuple[str, ...] = ("closed", "archived")


@dataclass(frozen=True, slots=True)
class CaseContext(PlainRecord):
    """Facts about a case that legal qualification needs and detectors cannot see."""

    public: bool = False  # readable by anyone (vs a closed group)
    community_size: int | None = None
    author_known: bool = True
    author_is_doctor: bool | None = None
    target_is_patient: bool | None = None
    target_is_health_professional: bool | None = None
    minor_involved: bool = False

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> CaseContext:
        if not d:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True, slots=True)
class Case:
    """One matter to handle: a message, a member, a raid. Stored in the ``cases`` table."""

    id: str
    title: str
    kind: CaseKind
    community_uid: str | None
    message_uids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()
    member_uids: tuple[str, ...] = ()
    context: CaseContext = field(default_factory=CaseContext)
    state: str = "open"
    created_at: datetime | None = None
    target_user: str | None = None  # login of the "personne visée" who may see this case

    def __post_init__(self) -> None:
        _strip_nuls(self, ("id", "title", "state", "target_user"))

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, created_at=_dt_to_json(self.created_at))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Case:
        return cls(
            id=d["id"],
            title=d["title"],
            kind=d["kind"],
            community_uid=d.get("community_uid"),
            message_uids=tuple(d.get("message_uids", [])),
            finding_ids=tuple(d.get("finding_ids", [])),
            member_uids=tuple(d.get("member_uids", [])),
            context=CaseContext.from_dict(d.get("context")),
            state=d.get("state", "open"),
            created_at=_dt_from_json(d.get("created_at")),
            target_user=d.get("target_user"),
        )


def dumps(obj: Any) -> str:
    """Canonical JSON (sorted keys, UTF-8, no whitespace) used for hashing and storage."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
