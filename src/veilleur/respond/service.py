"""The Python API the CLI and the web layer call: a case's legal picture, playbook, steps, documents."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veilleur.law.deadlines import Deadline, case_deadlines
from veilleur.law.qualify import Qualification, interruptions_from_events, parse_interruption, qualify
from veilleur.respond.casefile import CaseFile, casefile_to_dict, event_from_any
from veilleur.respond.documents import Parties, render_checked
from veilleur.respond.playbook import PlaybookView, build_view, check_transition
from veilleur.store import CaseEvent, Store

QUALIFY_EVENT = "law.qualified"
DOCUMENT_EVENT = "document.generated"


@dataclass(frozen=True, slots=True)
class CaseSummary:
    qualification: Qualification
    deadlines: list[Deadline]
    playbook: PlaybookView

    def to_dict(self, now: datetime, lang: str = "fr") -> dict[str, Any]:
        return {
            "qualification": self.qualification.to_dict(lang),
            "deadlines": [d.to_dict(now) for d in self.deadlines],
            "playbook": self.playbook.to_dict(),
        }


def manual_offences(cf: CaseFile) -> list[str]:
    """Offences a human added with ``case qualify --add`` (kept in "law.qualified" events)."""
    out: list[str] = []
    for e in cf.events:
        if e.kind == QUALIFY_EVENT:
            out = list(e.data.get("added", out))
    return out


def summarize(cf: CaseFile, now: datetime | None = None, add: list[str] | None = None) -> CaseSummary:
    now = now or datetime.now(UTC)
    q = qualify(
        cf.case, cf.messages, cf.findings, add=add if add is not None else manual_offences(cf), now=now,
        interruptions=interruptions_from_events(cf.events),
    )  # fmt: skip
    deadlines = case_deadlines(q)
    view = build_view(cf.case, cf.findings, q, deadlines, cf.events, now=now)
    return CaseSummary(q, deadlines, view)


def interruption_event(data: dict[str, Any]) -> dict[str, Any]:
    """The data of a valid "law.interruption" event (raises InputError for a plainte simple, an
    unsigned PCPC, an unknown act or a bad date)."""
    return parse_interruption(data).to_dict()


def step_event(cf: CaseFile, step: str, status: str, note: str = "", force: bool = False) -> dict[str, Any]:
    """The data of a valid "playbook.step" event (raises InputError on a forbidden move)."""
    data = check_transition(step, cf.events, status, force=force)
    if note:
        data["note"] = note
    return data


def record(
    cf: CaseFile, store: Store | None, file: Path | None, kind: str, data: dict[str, Any], actor: str
) -> CaseEvent:
    """Appends an event to the case history: in the store, or in the case file (JSON mode)."""
    if store is not None:
        ev = event_from_any(store.add_case_event(cf.case.id, kind, data, actor))
    else:
        ev = CaseEvent(id=0, case_id=cf.case.id, at=datetime.now(UTC), actor=actor, kind=kind, data=data)
    cf.events.append(ev)
    if store is None and file is not None:
        tmp = file.with_suffix(file.suffix + ".tmp")
        tmp.write_text(json.dumps(casefile_to_dict(cf), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(file)  # atomic: a crash never leaves a half-written case file
    return ev


def generate_document(
    cf: CaseFile, kind: str, parties: Parties, fmt: str, now: datetime | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The document bytes and the event data to record ("document.generated")."""
    data, warnings = render_checked(kind, cf, parties, fmt, now=now)
    meta = {
        "warnings": warnings,
        "document": kind,
        "format": fmt,
        "sha256": hashlib.sha256(data).hexdigest(),
        "evidence": [e.sha256 for e in cf.evidence],
    }
    return data, meta
