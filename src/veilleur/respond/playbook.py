"""Graduated-response playbook: steps as data (``playbook.yaml``), a per-case state machine whose
state is replayed from case events ("playbook.step"), and the recommended next step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from veilleur.errors import InputError
from veilleur.law.calendar import add_months, format_date_fr, paris_date
from veilleur.law.deadlines import Deadline
from veilleur.law.qualify import Qualification
from veilleur.records import Case, Finding
from veilleur.taxonomy import CATEGORIES, Severity

STEP_EVENT = "playbook.step"
STATUSES = ("todo", "in_progress", "done", "skipped")
# Allowed moves; reopening a done or skipped step is allowed and leaves a trace in the history.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "todo": ("in_progress", "done", "skipped"),
    "in_progress": ("done", "skipped", "todo"),
    "done": ("todo",),
    "skipped": ("todo",),
}
LEVELS = ("preventive", "neutral", "peaceful", "defensive", "offensive")
WHEN_KEYS = (
    "any_category", "min_severity", "max_severity", "public", "author_is_doctor", "minor_involved", "author_known",
    "target_is_health_professional", "target_is_patient", "has_short_prescription", "has_candidates",
)  # fmt: skip
LARGE_REACH = 1000


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title_fr: str
    title_en: str
    level: str
    priority: int
    when: dict[str, Any]
    deadline: dict[str, Any]
    after: tuple[str, ...]
    documents: tuple[str, ...]
    detail_fr: str
    detail_en: str


@dataclass(frozen=True, slots=True)
class StepState:
    step: Step
    applicable: bool
    status: str
    due: date | None  # Europe/Paris day by which to act (None: no date)
    earliest: date | None  # not before (e.g. CNIL: 1 month after the platform report)
    blocked_by: tuple[str, ...]
    history: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.step.id,
            "title_fr": self.step.title_fr,
            "title_en": self.step.title_en,
            "level": self.step.level,
            "applicable": self.applicable,
            "status": self.status,
            "due": self.due.isoformat() if self.due else None,
            "due_fr": format_date_fr(self.due) if self.due else None,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "blocked_by": list(self.blocked_by),
            "documents": list(self.step.documents),
            "detail_fr": self.step.detail_fr,
            "history": list(self.history),
        }


@dataclass(frozen=True, slots=True)
class PlaybookView:
    case_id: str
    steps: tuple[StepState, ...]
    next_step: StepState | None
    next_reasons: tuple[str, ...]
    severity: Severity
    reach: str

    def checklist(self) -> list[StepState]:
        return [s for s in self.steps if s.applicable]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "severity": self.severity.name.lower(),
            "reach": self.reach,
            "next_step": self.next_step.step.id if self.next_step else None,
            "next_reasons": list(self.next_reasons),
            "steps": [s.to_dict() for s in self.steps],
        }


def _parse(text: str, path: str) -> tuple[Step, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise InputError(path, "expected a mapping with a 'steps' list")
    steps: list[Step] = []
    for d in data["steps"]:
        sid = d.get("id") if isinstance(d, dict) else None
        if not sid:
            raise InputError(path, f"step without an id: {d!r:.80}")
        try:
            when = dict(d.get("when") or {})
            for k in when:
                if k not in WHEN_KEYS:
                    raise InputError(path, f"step {sid!r}: unknown condition {k!r}")
            for c in when.get("any_category", []):
                if c not in CATEGORIES:
                    raise InputError(path, f"step {sid!r}: unknown category {c!r}")
            for key in ("min_severity", "max_severity"):
                if key in when:
                    Severity.parse(when[key])
            if d["level"] not in LEVELS:
                raise InputError(path, f"step {sid!r}: level {d['level']!r} not in {LEVELS}")
            deadline = dict(d.get("deadline") or {"type": "none"})
            if deadline["type"] not in (
                "none",
                "immediate",
                "days",
                "shortest_prescription",
                "deadline_kind",
                "after_step",
            ):
                raise InputError(path, f"step {sid!r}: unknown deadline type {deadline['type']!r}")
            steps.append(
                Step(
                    id=str(sid),
                    title_fr=d["title"]["fr"],
                    title_en=d["title"]["en"],
                    level=d["level"],
                    priority=int(d.get("priority", 50)),
                    when=when,
                    deadline=deadline,
                    after=tuple(d.get("after") or ()),
                    documents=tuple(d.get("documents") or ()),
                    detail_fr=d.get("detail", {}).get("fr", ""),
                    detail_en=d.get("detail", {}).get("en", ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(path, f"step {sid!r}: {type(exc).__name__}: {exc}") from None
    ids = {s.id for s in steps}
    for s in steps:
        for a in s.after + ((s.deadline["step"],) if s.deadline["type"] == "after_step" else ()):
            if a not in ids:
                raise InputError(path, f"step {s.id!r}: refers to unknown step {a!r}")
    return tuple(steps)


@lru_cache(maxsize=2)
def load_playbook() -> tuple[Step, ...]:
    text = resources.files("veilleur.respond").joinpath("playbook.yaml").read_text(encoding="utf-8")
    return _parse(text, "veilleur/respond/playbook.yaml")


def get_step(step_id: str) -> Step:
    for s in load_playbook():
        if s.id == step_id:
            return s
    raise InputError(
        "playbook.yaml", f"unknown step {step_id!r}; steps: {', '.join(s.id for s in load_playbook())}"
    )


def _applies(step: Step, case: Case, findings: list[Finding], q: Qualification) -> bool:
    w, ctx = step.when, case.context
    cats = {f.category for f in findings}
    if "any_category" in w and not cats & set(w["any_category"]):
        return False
    if "min_severity" in w:
        top = max((f.severity for f in findings), default=Severity.INFO)
        if top < Severity.parse(w["min_severity"]):
            return False
    if "max_severity" in w:
        top = max((f.severity for f in findings), default=Severity.INFO)
        if top > Severity.parse(w["max_severity"]):
            return False
    for flag in (
        "public",
        "author_is_doctor",
        "minor_involved",
        "author_known",
        "target_is_health_professional",
        "target_is_patient",
    ):
        if flag in w and bool(getattr(ctx, flag)) != bool(w[flag]):
            return False
    if "has_candidates" in w and bool(q.candidates) != bool(w["has_candidates"]):
        return False
    return not (
        w.get("has_short_prescription") and not any(c.offence.prescription_months == 3 for c in q.candidates)
    )


def replay(events: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """Per-step history from the case's events, in time order."""
    out: dict[str, list[dict[str, Any]]] = {}

    def aware(at: datetime) -> datetime:
        return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite may hand back naive UTC

    for e in sorted(events, key=lambda e: aware(e.at)):
        if e.kind != STEP_EVENT:
            continue
        out.setdefault(str(e.data.get("step")), []).append(
            {
                "at": aware(e.at).isoformat(),
                "actor": e.actor,
                "status": e.data.get("status"),
                "note": e.data.get("note", ""),
            }
        )
    return out


def status_of(history: list[dict[str, Any]]) -> str:
    return str(history[-1]["status"]) if history else "todo"


def check_transition(
    step_id: str, events: Iterable[Any], new_status: str, force: bool = False
) -> dict[str, Any]:
    """Validates a move and returns the event data to store (kind "playbook.step")."""
    step = get_step(step_id)
    if new_status not in STATUSES:
        raise InputError(step_id, f"status {new_status!r} not in {', '.join(STATUSES)}")
    hist = replay(list(events))
    current = status_of(hist.get(step_id, []))
    if new_status not in TRANSITIONS[current]:
        raise InputError(
            step_id,
            f"cannot go from {current!r} to {new_status!r} (allowed: {', '.join(TRANSITIONS[current])})",
        )
    if new_status in ("in_progress", "done") and not force:
        missing = [a for a in step.after if status_of(hist.get(a, [])) not in ("done", "skipped")]
        if missing:
            raise InputError(
                step_id, f"do these steps first / étapes préalables : {', '.join(missing)} (or --force)"
            )
    return {"step": step_id, "status": new_status, "from": current}


def build_view(
    case: Case,
    findings: list[Finding],
    q: Qualification,
    deadlines: list[Deadline],
    events: Iterable[Any],
    now: datetime | None = None,
) -> PlaybookView:
    """The checklist with each step's status and due date, and the recommended next step."""
    now = now or datetime.now(UTC)
    today = paris_date(now)
    opened = paris_date(case.created_at) if case.created_at else today
    hist = replay(list(events))
    prescriptions = [d for d in deadlines if d.kind == "prescription" and not d.expired(now)]
    shortest = min((d.last_day for d in prescriptions), default=None)
    states: list[StepState] = []
    for step in load_playbook():
        h = hist.get(step.id, [])
        status = status_of(h)
        due: date | None = None
        earliest: date | None = None
        dl = step.deadline
        if dl["type"] == "immediate":
            due = opened
        elif dl["type"] == "days":
            due = opened + timedelta(days=int(dl["days"]))
        elif dl["type"] == "shortest_prescription":
            due = shortest
        elif dl["type"] == "deadline_kind":
            due = min((d.last_day for d in deadlines if d.kind == dl["kind"]), default=None)
        elif dl["type"] == "after_step":
            done_at = [x for x in hist.get(dl["step"], []) if x["status"] == "done"]
            if done_at:
                earliest = add_months(
                    paris_date(datetime.fromisoformat(done_at[-1]["at"])), int(dl["months"])
                )
        blocked = tuple(a for a in step.after if status_of(hist.get(a, [])) not in ("done", "skipped"))
        states.append(
            StepState(
                step, _applies(step, case, findings, q) or bool(h), status, due, earliest, blocked, tuple(h)
            )
        )

    severity = max((f.severity for f in findings), default=Severity.INFO)
    size = case.context.community_size
    if case.context.public:
        reach = "large" if size is None or size >= LARGE_REACH else "public"
    else:
        reach = "closed"
    open_steps = [
        s for s in states
        if s.applicable and s.status in ("todo", "in_progress") and not s.blocked_by
        and (s.earliest is None or s.earliest <= today)
    ]  # fmt: skip

    def urgency(s: StepState) -> tuple[int, int, int]:
        days = (s.due - today).days if s.due else 10**6
        # Anything due within a week outranks the rest; a large public reach moves removal steps up.
        bucket = 0 if days <= 7 else 1
        boost = -1 if reach == "large" and s.step.id in ("signalement_plateforme", "pharos") else 0
        return (bucket, s.step.priority + boost, days)

    open_steps.sort(key=urgency)
    nxt = open_steps[0] if open_steps else None
    reasons: list[str] = []
    if nxt is not None:
        reasons.append(f"Gravité maximale des constats : {severity.name.lower()}")
        reasons.append(
            {
                "large": "Audience publique large",
                "public": f"Diffusion publique ({size} membres)",
                "closed": "Espace fermé",
            }[reach]
        )
        if nxt.due:
            left = (nxt.due - today).days
            reasons.append(
                f"À faire avant le {format_date_fr(nxt.due)} ({left} jour(s))"
                if left >= 0
                else f"Échéance dépassée ({format_date_fr(nxt.due)})"
            )
        if shortest:
            reasons.append(f"Prescription la plus courte : {format_date_fr(shortest)}")
    return PlaybookView(case.id, tuple(states), nxt, tuple(reasons), severity, reach)
