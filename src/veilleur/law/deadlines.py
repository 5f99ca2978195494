"""Prescription and procedural deadlines: months counted date to date ("de quantième à quantième").

Convention (documented in docs/law.md): the start instant (UTC) is converted to its Europe/Paris
calendar date; the period ends at the end (24:00, Paris) of the day bearing the same number N months
later; when that day does not exist the period ends on the last day of that month (30 Nov + 3 months
→ 28/29 Feb; 29 Feb 2024 + 12 months → 28 Feb 2025). Clamping backwards gives the earlier, safer
date. No extension for week-ends or public holidays (art. 801 CPP is not relied on: safer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from veilleur.law.calendar import (  # noqa: F401  (re-exported: the calendar helpers' former home)
    LAST_COMPUTABLE_DAY,
    MONTHS_FR,
    PARIS,
    add_months,
    end_of_day_utc,
    format_date_fr,
    format_datetime_fr,
    last_day,
    last_day_or_none,
    paris_date,
)

if TYPE_CHECKING:
    from veilleur.law.qualify import Qualification

DEFAULT_REMINDER_DAYS: tuple[int, ...] = (30, 7, 1)


def reminders(deadline_day: date, days_before: tuple[int, ...] = DEFAULT_REMINDER_DAYS) -> list[date]:
    """Reminder dates before the deadline, earliest first."""
    return sorted({deadline_day - timedelta(days=n) for n in days_before if n >= 0})


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated limit for a case: a prescription, or a procedural window (droit de réponse...)."""

    case_id: str
    kind: str  # prescription | droit_de_reponse | identification_data
    key: str  # offence id or procedure id
    label_fr: str
    label_en: str
    start: datetime  # UTC
    start_basis: str
    months: int
    last_day: date  # Europe/Paris
    rule: str
    reminder_days: tuple[date, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def expires_at(self) -> datetime:
        return end_of_day_utc(self.last_day)

    def days_left(self, now: datetime) -> int:
        """Whole days left counting today (0 = expires tonight, negative = expired)."""
        return (self.last_day - paris_date(now)).days

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def due_reminders(self, now: datetime) -> list[date]:
        today = paris_date(now)
        return [r for r in self.reminder_days if r <= today] if not self.expired(now) else []

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        d: dict[str, Any] = {
            "case_id": self.case_id,
            "kind": self.kind,
            "key": self.key,
            "label_fr": self.label_fr,
            "label_en": self.label_en,
            "start": self.start.isoformat(),
            "start_basis": self.start_basis,
            "months": self.months,
            "last_day": self.last_day.isoformat(),
            "last_day_fr": format_date_fr(self.last_day),
            "expires_at": self.expires_at.isoformat(),
            "rule": self.rule,
            "reminders": [r.isoformat() for r in self.reminder_days],
            "notes": list(self.notes),
        }
        if now is not None:
            d["days_left"] = self.days_left(now)
            d["expired"] = self.expired(now)
        return d


def make_deadline(
    case_id: str,
    kind: str,
    key: str,
    labels: tuple[str, str],
    start: datetime,
    start_basis: str,
    months: int,
    rule: str,
    notes: tuple[str, ...] = (),
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS,
) -> Deadline:
    day = last_day_or_none(start, months)
    if day is None:
        raise ValueError(
            f"deadline of {months} months from {start.date().isoformat()} is out of the calendar's range"
        )
    return Deadline(
        case_id=case_id,
        kind=kind,
        key=key,
        label_fr=labels[0],
        label_en=labels[1],
        start=start.astimezone(UTC),
        start_basis=start_basis,
        months=months,
        last_day=day,
        rule=rule,
        reminder_days=tuple(reminders(day, reminder_days)),
        notes=notes,
    )


def case_deadlines(
    q: Qualification, reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
) -> list[Deadline]:
    """Every deadline of a qualified case, soonest first: prescriptions plus procedural windows."""
    out: list[Deadline] = []
    for c in q.candidates:
        o = c.offence
        if o.prescription_months is None or c.start is None:
            continue
        notes: list[str] = []
        if o.prescription_start == "first_publication" and o.kind == "contravention":
            notes.append(
                "Une plainte simple n'interrompt pas ce délai : pour une contravention, seules une citation "
                "directe devant le tribunal de police ou des réquisitions d'enquête l'interrompent (la plainte avec "
                "constitution de partie civile n'est ouverte que pour un crime ou un délit, CPP art. 85)."
            )
        elif o.prescription_start == "first_publication":
            notes.append(
                "Une plainte simple n'interrompt pas ce délai : seuls une plainte avec constitution de "
                "partie civile signée, une citation directe ou des réquisitions d'enquête l'interrompent."
            )
        if c.start_basis.startswith("acte interruptif"):
            notes.append(
                "Délai reparti de l'acte interruptif : l'interrompre de nouveau avant cette date, puis à chaque "
                "échéance, jusqu'au jugement."
            )
        if o.prescription_start == "last_act":
            notes.append("Le délai court à partir du dernier acte : tout nouvel acte le fait repartir.")
        if o.prescription_start == "knowledge":
            notes.append(
                "Point de départ réel : connaissance des faits ; la date de publication est retenue par prudence."
            )
        _add(
            out,
            q.case_id,
            "prescription",
            o.id,
            (f"Prescription : {o.name_fr}", f"Limitation: {o.name_en}"),
            c.start,
            c.start_basis,
            o.prescription_months,
            o.prescription_rule,
            tuple(notes),
            reminder_days,
        )
    if q.first_publication is not None and (q.public or q.publicity_doubtful):
        _add(
            out,
            q.case_id,
            "droit_de_reponse",
            "droit_de_reponse_en_ligne",
            ("Demande de droit de réponse en ligne", "Online right-of-reply request"),
            q.first_publication,
            q.first_publication_basis,
            3,
            "LCEN art. 6 IV (loi n° 2004-575) ; décret n° 2007-1527",
            (
                "Seulement si le service ne permet pas de répondre directement.",
                "Compté depuis le premier message du dossier (date la plus prudente) ; chaque message a sa propre fenêtre.",
            ),
            reminder_days,
        )
    if q.first_publication is not None and not q.author_known:
        _add(
            out,
            q.case_id,
            "identification_data",
            "donnees_identification",
            (
                "Conservation des données de connexion de l'auteur anonyme",
                "Retention of the anonymous author's connection data",
            ),
            q.first_publication,
            q.first_publication_basis,
            12,
            "Décret n° 2021-1362 du 20 octobre 2021 (1 an pour les données techniques)",
            ("Au-delà, l'identification de l'auteur par son adresse IP devient improbable.",),
            reminder_days,
        )
    return sorted(out, key=lambda d: (d.last_day, d.key))


def _add(out: list[Deadline], *args: Any) -> None:
    """Append ``make_deadline(*args)`` unless its dates fall outside the calendar (an absurd message date:
    the qualification says so in its warnings)."""
    try:
        out.append(make_deadline(*args))
    except (ValueError, OverflowError):
        return
