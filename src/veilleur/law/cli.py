"""CLI: ``veilleur deadlines`` (what expires soon) and ``veilleur offences`` (the catalogue)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import typer

from veilleur.errors import InputError
from veilleur.law.calendar import PARIS, format_date_fr
from veilleur.law.catalogue import LABEL_FR, load_catalogue
from veilleur.law.deadlines import Deadline
from veilleur.records import CLOSED_CASE_STATES


def parse_within(text: str) -> int:
    """'30d', '2w', '3m' (30 days a month), or a bare number of days."""
    m = re.fullmatch(r"\s*(\d+)\s*([dwjm]?)\s*", text.lower())
    if not m:
        raise InputError("--within", f"expected e.g. 30d, 2w or 3m, got {text!r}")
    n, unit = int(m.group(1)), m.group(2) or "d"
    return n * {"d": 1, "j": 1, "w": 7, "m": 30}[unit]


def upcoming(
    deadlines: list[Deadline], now: datetime, within_days: int, include_expired: bool = False
) -> list[Deadline]:
    out = [
        d for d in deadlines if d.days_left(now) <= within_days and (include_expired or not d.expired(now))
    ]
    return sorted(out, key=lambda d: (d.last_day, d.case_id, d.key))


def _all_deadlines(files: list[Path]) -> list[Deadline]:
    from veilleur.respond.casefile import load_casefile, load_casefile_json, open_store
    from veilleur.respond.service import summarize

    out: list[Deadline] = []
    if files:
        for f in files:
            out += summarize(load_casefile_json(f)).deadlines
        return out
    store = open_store()
    for case in store.list_cases():
        if case.state in CLOSED_CASE_STATES:
            continue
        out += summarize(load_casefile(store, case.id)).deadlines
    return out


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("deadlines")
    def deadlines(
        within: str = typer.Option("30d", "--within", help="Window: 30d, 2w, 3m."),
        files: list[Path] = typer.Option([], "--file", "-f", help="Case bundle(s) instead of the store."),
        today: str = typer.Option(None, "--today", help="Pretend today is YYYY-MM-DD (planning)."),
        expired: bool = typer.Option(False, "--expired", help="Also list expired deadlines."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Deadlines (prescription, droit de réponse...) expiring soon / échéances proches."""
        days = parse_within(within)
        if today:
            try:
                now = datetime.combine(date.fromisoformat(today), time(12, 0), tzinfo=PARIS).astimezone(UTC)
            except ValueError:
                raise InputError("--today", f"expected YYYY-MM-DD, got {today!r}") from None
        else:
            now = datetime.now(UTC)
        rows = upcoming(_all_deadlines(files), now, days, expired)
        if as_json:
            typer.echo(
                json.dumps(
                    {"label": LABEL_FR, "deadlines": [d.to_dict(now) for d in rows]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        typer.echo(LABEL_FR)
        if not rows:
            typer.echo(f"Aucune échéance dans les {days} jours / no deadline within {days} days.")
        for d in rows:
            left = d.days_left(now)
            state = "EXPIRÉ" if d.expired(now) else f"{left} j"
            typer.echo(f"{format_date_fr(d.last_day):>20}  {state:>8}  {d.case_id}  {d.label_fr}")

    @app.command("offences")
    def offences(
        as_json: bool = typer.Option(False, "--json"),
        catalogue: Path = typer.Option(None, "--catalogue", help="A reviewed copy of offences.yaml."),
    ) -> None:
        """The offence catalogue (law as data) / le catalogue des infractions."""
        cat = load_catalogue(str(catalogue) if catalogue else None)
        if as_json:
            payload: dict[str, Any] = {
                "version": cat.version,
                "offences": [o.to_dict() for o in cat.offences],
            }
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for o in cat.offences:
            months = f"{o.prescription_months} mois" if o.prescription_months else "—"
            flag = "" if o.confidence == "verified" else "  [à vérifier]"
            typer.echo(f"{o.id:42} {months:>9}  {o.name_fr} ({o.legal_reference(False)}){flag}")
