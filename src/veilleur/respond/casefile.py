"""A case with everything needed to act on it (messages, findings, events, evidence), loaded from the
``Store`` or from a JSON/YAML case file (``--file CASE.json``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import InputError, NotFoundError, VeilleurError
from veilleur.records import Case, Finding, Message, dumps
from veilleur.serialize import as_dict
from veilleur.store import CaseEvent, Store

Event = CaseEvent  # one type for a case's history, from the store or from a case file


def event_from_any(e: CaseEvent | dict[str, Any], case_id: str = "") -> CaseEvent:
    """A history entry from the store (SQLite may hand back naive UTC) or from a case file's mapping
    (``at``, ``actor``, ``kind``, ``data``; ``id`` and ``case_id`` optional)."""
    if isinstance(e, dict):
        at = datetime.fromisoformat(str(e["at"]))
        return CaseEvent(
            id=int(e.get("id") or 0), case_id=str(e.get("case_id") or case_id),
            at=at if at.tzinfo else at.replace(tzinfo=UTC), actor=str(e.get("actor", "")), kind=str(e["kind"]),
            data=dict(e.get("data") or {}),
        )  # fmt: skip
    return e if e.at.tzinfo else replace(e, at=e.at.replace(tzinfo=UTC))


def event_to_dict(e: CaseEvent) -> dict[str, Any]:
    """A case file's entry: ``at``, ``actor``, ``kind``, ``data`` (the file holds no store identity)."""
    return {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "data": e.data}


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A pièce jointe as a document lists it: a vault ``EvidenceItem`` (``sealed``) or, when the case has
    none yet, a message's canonical JSON hash (not sealed)."""

    id: str
    kind: str
    sha256: str
    description: str
    captured_at: datetime | None
    sealed: bool
    source: str = ""  # the message uid for a captured message (vault ``source``), else URL or file name

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class CaseFile:
    case: Case
    messages: list[Message]
    findings: list[Finding]
    events: list[CaseEvent] = field(default_factory=list)
    evidence: list[EvidenceRef] = field(default_factory=list)

    def messages_sorted(self) -> list[Message]:
        return sorted(self.messages, key=lambda m: m.created_at)


def message_sha256(message: Message) -> str:
    """SHA-256 of a message's canonical JSON: the fallback pièce while the vault is not there."""
    return hashlib.sha256(dumps(message.to_dict()).encode("utf-8")).hexdigest()


def fallback_evidence(messages: list[Message]) -> list[EvidenceRef]:
    items = []
    for i, m in enumerate(sorted(messages, key=lambda m: m.created_at), start=1):
        where = m.url or f"{m.source} / {m.community_name} / message {m.message_id}"
        items.append(
            EvidenceRef(
                id=f"P{i}",
                kind="message_json",
                sha256=message_sha256(m),
                description=f"Message de {m.author.name} ({where}), export JSON canonique (non encore scellé dans le coffre)",
                captured_at=None,
                sealed=False,
                source=m.uid,
            )
        )
    return items


def evidence_for(case: Case, messages: list[Message], store: Store | None = None) -> list[EvidenceRef]:
    """Sealed items from the evidence vault (``evidence_for_case(store, case_id)``) when the case has
    some, else the messages' canonical JSON hashes, labelled as not yet sealed."""
    if store is None:
        return fallback_evidence(messages)
    from veilleur.evidence.api import evidence_for_case  # lazy: the vault is only needed with a store

    try:
        items = evidence_for_case(store, case.id)
    except VeilleurError:
        return fallback_evidence(messages)
    if not items:
        return fallback_evidence(messages)
    return [
        EvidenceRef(
            id=item.id, kind=item.kind, sha256=item.sha256, description=item.description,
            captured_at=item.captured_at, sealed=True, source=item.source or "",
        )
        for item in items
    ]  # fmt: skip


def load_casefile_json(path: str | Path) -> CaseFile:
    """A case bundle from a JSON or YAML file: {case, messages, findings, events?}."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror})") from None
    try:
        data = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(p, f"invalid {'JSON' if p.suffix == '.json' else 'YAML'} ({exc})") from None
    if not isinstance(data, dict) or "case" not in data:
        raise InputError(p, "expected a mapping with 'case', 'messages' and 'findings'")
    try:
        case = Case.from_dict(data["case"])
        messages = [Message.from_dict(m) for m in data.get("messages") or []]
        findings = [Finding.from_dict(f) for f in data.get("findings") or []]
        events = [event_from_any(e, case.id) for e in data.get("events") or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(p, f"invalid case bundle ({type(exc).__name__}: {exc})") from None
    return CaseFile(case, messages, findings, events, evidence_for(case, messages))


def casefile_to_dict(cf: CaseFile) -> dict[str, Any]:
    return {
        "case": cf.case.to_dict(),
        "messages": [m.to_dict() for m in cf.messages],
        "findings": [f.to_dict() for f in cf.findings],
        "events": [event_to_dict(e) for e in cf.events],
    }


def open_store() -> Store:
    """The configured store (``VEILLEUR_DB`` / ``--db``)."""
    from veilleur.config import load_settings

    return Store.open(load_settings())


def load_casefile(store: Store, case_id: str) -> CaseFile:
    try:
        case = store.get_case(case_id)
    except (KeyError, LookupError):
        raise NotFoundError(f"case {case_id} not found / dossier introuvable") from None
    if case is None:
        raise NotFoundError(f"case {case_id} not found / dossier introuvable")
    messages = list(store.get_messages(list(case.message_uids)))
    findings = list(store.get_findings(list(case.finding_ids)))
    events = [event_from_any(e) for e in store.case_events(case_id)]
    return CaseFile(case, messages, findings, events, evidence_for(case, messages, store))
