"""CLI: ``veilleur case list|show|create|qualify|playbook|step`` and ``veilleur document``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from veilleur.errors import InputError
from veilleur.law.calendar import format_date_fr, paris_date
from veilleur.law.qualify import INTERRUPTION_EVENT
from veilleur.records import Case, CaseContext, stable_id
from veilleur.respond.casefile import CaseFile, load_casefile, load_casefile_json, open_store
from veilleur.respond.documents import FORMATS, Parties, kinds
from veilleur.respond.service import (
    DOCUMENT_EVENT,
    QUALIFY_EVENT,
    generate_document,
    interruption_event,
    record,
    step_event,
    summarize,
)
from veilleur.store import Store

FILE_OPT = typer.Option(
    None, "--file", "-f", help="Case bundle JSON/YAML instead of the store / dossier en fichier."
)


def _load(case_id: str | None, file: Path | None) -> tuple[CaseFile, Store | None]:
    if file is not None:
        cf = load_casefile_json(file)
        if case_id and cf.case.id != case_id:
            raise InputError(file, f"holds case {cf.case.id!r}, not {case_id!r}")
        return cf, None
    if not case_id:
        raise InputError("--case", "a case id or --file is required")
    store = open_store()
    return load_casefile(store, case_id), store


def _echo_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _print_summary(cf: CaseFile, now: datetime) -> None:
    s = summarize(cf, now)
    q = s.qualification
    typer.echo(f"Dossier {cf.case.id} : {cf.case.title}")
    typer.echo(f"  {q.label_fr}")
    typer.echo("Infractions candidates / candidate offences:")
    for c in q.candidates:
        day = f" — prescription : {format_date_fr(c.last_day)}" if c.last_day else ""
        typer.echo(f"  [{c.strength}] {c.offence.name_fr} ({c.offence.legal_reference(False)}){day}")
        for r in c.reasons:
            typer.echo(f"      + {r}")
        for t in c.to_establish[:4]:
            typer.echo(f"      ? {t}")
    for w in q.warnings:
        typer.echo(f"  ! {w}")
    typer.echo("Échéances / deadlines:")
    for d in s.deadlines:
        left = "expiré" if d.expired(now) else f"{d.days_left(now)} j"
        typer.echo(f"  {format_date_fr(d.last_day):>20}  ({left:>7})  {d.label_fr}")
    _print_playbook(s.playbook, now)


def _print_playbook(view: Any, now: datetime) -> None:
    typer.echo("Réponse graduée / playbook:")
    marks = {"todo": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
    for st in view.checklist():
        due = f" — avant le {format_date_fr(st.due)}" if st.due else ""
        after = (
            f" — pas avant le {format_date_fr(st.earliest)}"
            if st.earliest and st.earliest > paris_date(now)
            else ""
        )
        docs = f" — documents : {', '.join(st.step.documents)}" if st.step.documents else ""
        typer.echo(f"  {marks[st.status]} {st.step.id}: {st.step.title_fr}{due}{after}{docs}")
    if view.next_step:
        typer.echo(
            f"Étape recommandée / next step: {view.next_step.step.id} — {view.next_step.step.title_fr}"
        )
        for r in view.next_reasons:
            typer.echo(f"  · {r}")
    else:
        typer.echo("Aucune étape ouverte / no open step.")


def _parse_sets(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise InputError("--set", f"expected key=value, got {v!r}")
        k, val = v.split("=", 1)
        out[k.strip()] = val.replace("\\n", "\n")
    return out


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    case_app = typer.Typer(
        help="Dossiers : qualification, réponse graduée, historique / cases.", no_args_is_help=True
    )
    app.add_typer(case_app, name="case")

    @case_app.command("list")
    def case_list(as_json: bool = typer.Option(False, "--json")) -> None:
        """Lists the cases in the store / liste des dossiers."""
        cases = open_store().list_cases()
        if as_json:
            _echo_json([c.to_dict() for c in cases])
            return
        for c in cases:
            typer.echo(f"{c.id}\t{c.kind}\t{c.state}\t{c.title}")

    @case_app.command("show")
    def case_show(
        case_id: str = typer.Argument(None),
        file: Path = FILE_OPT,
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Qualification, deadlines and playbook of a case / synthèse d'un dossier."""
        cf, now = _load(case_id, file)[0], datetime.now(UTC)
        if as_json:
            _echo_json({"case": cf.case.to_dict(), **summarize(cf, now).to_dict(now)})
        else:
            _print_summary(cf, now)

    @case_app.command("create")
    def case_create(
        title: str = typer.Option(..., "--title"),
        kind: str = typer.Option("message", "--kind", help="message|member|raid|secrecy|harassment"),
        message: list[str] = typer.Option([], "--message", "-m", help="Message uid (repeatable)."),
        finding: list[str] = typer.Option([], "--finding", help="Finding id (repeatable)."),
        public: bool = typer.Option(
            False, "--public/--private", help="Readable by anyone, or a closed group."
        ),
        size: int = typer.Option(None, "--size", help="Community size (members)."),
        author_known: bool = typer.Option(True, "--author-known/--author-anonymous"),
        author_doctor: bool = typer.Option(None, "--author-doctor/--author-not-doctor"),
        target_patient: bool = typer.Option(None, "--target-patient/--target-not-patient"),
        target_hp: bool = typer.Option(None, "--target-health-pro/--target-not-health-pro"),
        minor: bool = typer.Option(False, "--minor"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Creates a case in the store / crée un dossier."""
        if kind not in ("message", "member", "raid", "secrecy", "harassment"):
            raise InputError("--kind", f"unknown case kind {kind!r}")
        now = datetime.now(UTC)
        case = Case(
            id=stable_id(title, *message, now.isoformat(), prefix="case_", length=12),
            title=title,
            kind=kind,  # type: ignore[arg-type]
            community_uid=None,
            message_uids=tuple(message),
            finding_ids=tuple(finding),
            context=CaseContext(
                public=public, community_size=size, author_known=author_known, author_is_doctor=author_doctor,
                target_is_patient=target_patient, target_is_health_professional=target_hp, minor_involved=minor,
            ),
            created_at=now,
        )  # fmt: skip
        try:
            created = open_store().create_case(case)
        except ValueError as exc:
            raise InputError(case.id, str(exc)) from None
        _echo_json(created.to_dict()) if as_json else typer.echo(created.id)

    @case_app.command("demo")
    def case_demo(path: Path = typer.Option(Path("demo/cases.yaml"), "--path")) -> None:
        """Creates the demo cases (demo/cases.yaml) in the store / crée les dossiers de démonstration."""
        from veilleur.respond.demo_cases import create_demo_cases

        for cid in create_demo_cases(open_store(), path):
            typer.echo(cid)

    @case_app.command("qualify")
    def case_qualify(
        case_id: str = typer.Argument(None),
        file: Path = FILE_OPT,
        add: list[str] = typer.Option(
            [], "--add", help="Offence id retained by hand (e.g. usurpation_identite)."
        ),
        lang: str = typer.Option("fr", "--lang"),
        actor: str = typer.Option("cli", "--actor"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Candidate offences with reasons and what remains to establish (indicatif)."""
        cf, store = _load(case_id, file)
        now = datetime.now(UTC)
        if add:
            record(cf, store, file, QUALIFY_EVENT, {"added": sorted(set(add))}, actor)
        s = summarize(cf, now)
        if as_json:
            _echo_json({**s.qualification.to_dict(lang), "deadlines": [d.to_dict(now) for d in s.deadlines]})
            return
        _print_summary(cf, now)

    @case_app.command("playbook")
    def case_playbook(
        case_id: str = typer.Argument(None),
        file: Path = FILE_OPT,
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """The graduated-response checklist and the recommended next step."""
        cf, now = _load(case_id, file)[0], datetime.now(UTC)
        view = summarize(cf, now).playbook
        _echo_json(view.to_dict()) if as_json else _print_playbook(view, now)

    @case_app.command("step")
    def case_step(
        case_id: str = typer.Argument(...),
        step: str = typer.Argument(..., help="Step id (see `case playbook`)."),
        status: str = typer.Argument(..., help="todo|in_progress|done|skipped"),
        note: str = typer.Option("", "--note"),
        actor: str = typer.Option("cli", "--actor"),
        force: bool = typer.Option(False, "--force", help="Ignore prerequisite steps."),
        file: Path = FILE_OPT,
    ) -> None:
        """Moves a playbook step (recorded as a "playbook.step" case event)."""
        cf, store = _load(case_id if file is None else None, file)
        data = step_event(cf, step, status, note, force)
        record(cf, store, file, "playbook.step", data, actor)
        typer.echo(f"{cf.case.id}: {step} {data['from']} → {status}")

    @case_app.command("interrupt")
    def case_interrupt(
        case_id: str = typer.Argument(None),
        day: str = typer.Option(..., "--date", help="Date of the act, YYYY-MM-DD."),
        act: str = typer.Option(
            ..., "--act", help="pcpc | citation | requisitions | instruction (not a plainte simple)."
        ),
        offence: list[str] = typer.Option(
            [], "--offence", help="Offence id it covers (repeatable; default: all press offences)."
        ),
        unsigned: bool = typer.Option(
            False, "--unsigned", help="The PCPC is not signed (it then does not interrupt)."
        ),
        actor: str = typer.Option("cli", "--actor"),
        file: Path = FILE_OPT,
    ) -> None:
        """Records an act interrupting the press-law prescription: its 3-month (or 1-year) clock restarts."""
        cf, store = _load(case_id, file)
        data = interruption_event({"date": day, "act": act, "offences": offence, "signed": not unsigned})
        record(cf, store, file, INTERRUPTION_EVENT, data, actor)
        typer.echo(f"{cf.case.id}: {act} du {day} enregistré ; les délais de presse repartent de cette date.")

    @app.command("document")
    def document(
        kind: str = typer.Argument(..., help=f"One of: {', '.join(kinds())}"),
        case_id: str = typer.Option(None, "--case"),
        out: Path = typer.Option(
            ..., "--output", "-o", help="Output file ('-' for stdout, text formats only)."
        ),
        fmt: str = typer.Option(None, "--format", help="pdf|md|txt (default from the file suffix)."),
        file: Path = FILE_OPT,
        sets: list[str] = typer.Option(
            [], "--set", help="name=, email=, address=, city=, court_city=, reply_text=…"
        ),
        actor: str = typer.Option("cli", "--actor"),
    ) -> None:
        """Drafts a document for a case (PDF or editable text) / rédige un document."""
        fmt = fmt or (out.suffix.lstrip(".").lower() if out.suffix else "pdf")
        if fmt not in FORMATS:
            raise InputError(out, f"unknown format {fmt!r}; expected {', '.join(FORMATS)}")
        cf, store = _load(case_id, file)
        from veilleur.config import load_settings
        from veilleur.respond.documents import use_settings
        from veilleur.respond.settings import DocumentsSettings

        doc_settings = load_settings().section(DocumentsSettings)  # a bad veilleur.toml is one clear error
        use_settings(doc_settings)
        parties = Parties.from_settings(doc_settings, _parse_sets(sets))
        data, meta = generate_document(cf, kind, parties, fmt)
        for w in meta.pop("warnings", []):
            typer.echo(f"Attention / warning: {w}", err=True)
        if str(out) == "-":
            if fmt == "pdf":
                raise InputError(out, "PDF cannot go to stdout; give a file name")
            sys.stdout.write(data.decode("utf-8"))
        else:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
            except OSError as exc:
                raise InputError(out, f"cannot write ({exc.strerror})") from None
            typer.echo(f"{out} ({fmt}, sha256 {meta['sha256'][:16]}…)")
        meta["output"] = str(out)
        record(cf, store, file, DOCUMENT_EVENT, meta, actor)
