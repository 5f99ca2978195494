"""Core commands: import, scan, messages, findings, communities, members, db."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from veilleur.config import load_settings
from veilleur.display import excerpt, paris, parse_when, print_json
from veilleur.errors import VeilleurError
from veilleur.ingest.base import ImportOptions, adapter_names
from veilleur.store import Store
from veilleur.taxonomy import CATEGORIES, Severity, label

console = Console(stderr=True)
out = Console()


WEB_APP_FACTORY = "veilleur.web:create_app"  # `veilleur serve`: uvicorn imports the adapter by this name


def open_store() -> Store:
    return Store.open(load_settings())


def _options(community_name: str | None, column: list[str] | None, timezone: str) -> ImportOptions:
    cmap: dict[str, str] = {}
    for item in column or []:
        if "=" not in item:
            raise VeilleurError(f"--column expects FIELD=COLUMN, got {item!r}")
        k, v = item.split("=", 1)
        cmap[k.strip()] = v.strip()
    return ImportOptions(community_name=community_name, column_map=cmap, timezone=timezone)


def _do_import(store: Store, path: Path, fmt: str | None, options: ImportOptions, quiet: bool):  # type: ignore[no-untyped-def]
    from veilleur.ingest.importer import import_path

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]import[/] {task.description}"),
        TextColumn("{task.completed} messages"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as prog:
        task = prog.add_task(path.name, total=None)
        return import_path(store, path, format=fmt, options=options, progress=lambda n: prog.advance(task, n))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    register_eval(eval_app)
    fmt_help = f"Force the format ({', '.join(adapter_names())}); detected from the content otherwise."

    @app.command("import")
    def import_cmd(
        path: Path = typer.Argument(..., help="Export file, directory or zip."),
        format: str = typer.Option(None, "--format", "-f", help=fmt_help),
        community_name: str = typer.Option(None, help="Name of the community when the export has none."),
        column: list[str] = typer.Option(
            None, "--column", help="CSV/JSONL mapping FIELD=COLUMN (repeatable)."
        ),
        timezone: str = typer.Option("Europe/Paris", help="Zone of timestamps that carry none (WhatsApp)."),
        json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Import an export into the database (atomic; re-importing adds no duplicates)."""
        with open_store() as store:
            rep = _do_import(store, path, format, _options(community_name, column, timezone), json_out)
        if json_out:
            print_json(rep.to_dict())
            return
        out.print(
            f"[green]✓[/] {rep.path}: format [bold]{rep.format}[/], {rep.messages_seen} messages "
            f"({rep.messages_new} new, {rep.duplicates} already stored"
            + (
                f", {rep.conflicting_duplicates} of them with different content"
                if rep.conflicting_duplicates
                else ""
            )
            + f"), {len(rep.members)} members, "
            f"{rep.attachments_stored} attachments stored, {rep.attachments_missing} missing, {rep.seconds:.1f}s"
        )
        for w in rep.warnings[:20]:
            console.print(f"[yellow]warning:[/] {w}")

    @app.command("scan")
    def scan_cmd(
        path: Path = typer.Argument(
            None, help="Export to import then scan. Without it, scan everything stored."
        ),
        format: str = typer.Option(None, "--format", "-f", help=fmt_help),
        detector: list[str] = typer.Option(
            None, "--detector", "-d", help="Run only these detectors (repeatable)."
        ),
        community_name: str = typer.Option(None, help="Name of the community when the export has none."),
        column: list[str] = typer.Option(
            None, "--column", help="CSV/JSONL mapping FIELD=COLUMN (repeatable)."
        ),
        timezone: str = typer.Option("Europe/Paris", help="Zone of timestamps that carry none (WhatsApp)."),
        batch_size: int = typer.Option(256, help="Messages per detector batch."),
        json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Import (optional), run every registered detector in batches, store findings, print a summary."""
        from veilleur.pipeline import scan

        with open_store() as store:
            uids: list[str] | None = None
            rep_import = None
            if path is not None:
                rep_import = _do_import(
                    store, path, format, _options(community_name, column, timezone), json_out
                )
                uids = [
                    u for c in sorted(rep_import.communities) for u in store.message_uids(community_uid=c)
                ]
                if not json_out:
                    out.print(
                        f"[green]✓[/] imported {rep_import.messages_seen} messages ({rep_import.messages_new} new) from {path}"
                    )
            total = len(uids) if uids is not None else store.count_messages()
            with Progress(
                TextColumn("[bold]scan[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=json_out,
                transient=True,
            ) as prog:
                task = prog.add_task("scan", total=total)
                report = scan(
                    store,
                    message_uids=uids,
                    detectors=detector or None,
                    batch_size=batch_size,
                    progress=lambda n: prog.advance(task, n),
                )
        if json_out:
            d = report.to_dict()
            if rep_import:
                d["import"] = rep_import.to_dict()
            print_json(d)
            return
        _print_summary(report)

    @app.command("messages")
    def messages_cmd(
        text: str = typer.Option(None, "--text", help="Only messages containing this text."),
        community: str = typer.Option(None, help="Community uid."),
        member: str = typer.Option(None, help="Member uid."),
        since: str = typer.Option(None, help="From this date (AAAA-MM-JJ)."),
        until: str = typer.Option(None, help="Before this date."),
        limit: int = typer.Option(50, help="At most this many."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """List stored messages, newest first."""
        with open_store() as store:
            msgs = store.search_messages(
                text=text,
                community_uid=community,
                member_uid=member,
                since=parse_when(since),
                until=parse_when(until),
                limit=limit,
            )
        if json_out:
            print_json([m.to_dict(include_raw=False) for m in msgs])
            return
        t = Table("uid", "date (Paris)", "author", "kind", "text", title=f"{len(msgs)} messages")
        for m in msgs:
            t.add_row(m.uid, paris(m.created_at), m.author.name, m.kind, excerpt(m.text, 80))
        out.print(t)

    @app.command("findings")
    def findings_cmd(
        category: str = typer.Option(None, help=f"One of: {', '.join(CATEGORIES)}."),
        min_severity: str = typer.Option(None, help="info, low, medium, high or critical."),
        status: str = typer.Option(None, help="open, dismissed, actioned or escalated."),
        member: str = typer.Option(None, help="Member uid."),
        detector: str = typer.Option(None, help="Detector name."),
        limit: int = typer.Option(50, help="At most this many."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """List findings, most severe first."""
        if category and category not in CATEGORIES:
            raise VeilleurError(f"unknown category {category!r}")
        sev = Severity.parse(min_severity) if min_severity else None
        with open_store() as store:
            items = store.list_findings(
                category=category,
                min_severity=sev,
                status=status,
                member_uid=member,
                detector=detector,
                limit=limit,
            )
            if json_out:
                print_json([sf.to_dict() for sf in items])
                return
            names = {m.uid: m.display_name for m in store.list_members()}
        t = Table(
            "id",
            "severity",
            "category",
            "score",
            "member",
            "date (Paris)",
            "excerpt",
            title=f"{len(items)} findings",
        )
        for sf in items:
            f = sf.finding
            t.add_row(
                f.id,
                f.severity.name.lower(),
                f.category,
                f"{f.score:.2f}",
                names.get(sf.member_uid, sf.member_uid),
                paris(sf.message_created_at),
                excerpt(f.excerpt, 60),
            )
        out.print(t)

    @app.command("communities")
    def communities_cmd(json_out: bool = typer.Option(False, "--json")) -> None:
        """List communities with their message and member counts."""
        with open_store() as store:
            items = store.list_communities()
        if json_out:
            print_json([c.to_dict() for c in items])
            return
        t = Table("uid", "source", "name", "messages", "members")
        for c in items:
            t.add_row(c.uid, c.source, c.name, str(c.message_count), str(c.member_count))
        out.print(t)

    @app.command("members")
    def members_cmd(
        community: str = typer.Option(None, help="Community uid."),
        flagged: bool = typer.Option(False, help="Only members with findings."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """List members with their message and flagged-message counts."""
        with open_store() as store:
            items = store.list_members(community)
        if flagged:
            items = [m for m in items if m.finding_count]
        items.sort(key=lambda m: (-m.finding_count, m.display_name))
        if json_out:
            print_json([m.to_dict() for m in items])
            return
        t = Table("uid", "name", "messages", "flagged")
        for m in items:
            t.add_row(m.uid, m.display_name, str(m.message_count), str(m.finding_count))
        out.print(t)

    @app.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply database migrations (done automatically on every command; useful for PostgreSQL setups)."""
        settings = load_settings()
        Store.open(settings).close()
        out.print(f"[green]✓[/] schema up to date: {settings.redacted()['db_url']}")

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port."),
    ) -> None:
        """Start the moderator workspace and the /v1 API (uvicorn)."""
        import uvicorn

        # The HTTP adapter is named, not imported: uvicorn builds it (``create_app()`` reads the settings).
        uvicorn.run(
            WEB_APP_FACTORY, factory=True, host=host, port=port, log_level="info", proxy_headers=False
        )


def _print_summary(report) -> None:  # type: ignore[no-untyped-def]
    out.print(
        f"\n[bold]Résumé de l'analyse / scan summary[/]  ({report.seconds:.1f}s, détecteurs : "
        f"{', '.join(f'{k} {v}' for k, v in report.detectors.items()) or 'aucun'})"
    )
    out.print(
        f"  messages: [bold]{report.messages}[/]   members: [bold]{report.members}[/]   "
        f"flagged messages: [bold]{report.flagged_messages}[/]   findings: [bold]{report.findings}[/] ({report.new_findings} new)"
    )
    if report.errors:
        for k, v in report.errors.items():
            console.print(f"[yellow]warning:[/] detector {k}: {v}")
    if report.by_category:
        t = Table("catégorie / category", "findings", title="Findings by category")
        for cat, n in report.by_category.most_common():
            t.add_row(f"{label(cat)} ({cat})", str(n))
        out.print(t)
        t = Table("severity", "findings", title="Findings by severity")
        for sev in reversed(Severity):
            n = report.by_severity.get(sev.name.lower(), 0)
            if n:
                t.add_row(sev.name.lower(), str(n))
        out.print(t)
    if report.top_members:
        t = Table("member", "flagged messages", title="Members with most findings")
        for _uid, name, n in report.top_members:
            t.add_row(name, str(n))
        out.print(t)
    if report.top_items:
        t = Table(
            "severity",
            "categories",
            "author",
            "date (Paris)",
            "excerpt",
            title="Most severe items",
            show_lines=True,
        )
        from datetime import datetime

        for it in report.top_items:
            t.add_row(
                it.severity.name.lower(),
                ", ".join(it.categories),
                it.author,
                paris(datetime.fromisoformat(it.created_at)),
                excerpt(it.excerpt, 90),
            )
        out.print(t)


def register_eval(eval_app: typer.Typer) -> None:
    @eval_app.command("findings")
    def eval_findings(
        labels: Path = typer.Argument(..., help="JSONL ground truth: {message_id, categories} per message."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Precision/recall of the stored findings against a labels file (e.g. demo/labels.jsonl)."""
        from veilleur.labels_eval import evaluate_labels, read_labels

        with open_store() as store:
            rep = evaluate_labels(store, read_labels(labels))
        if json_out:
            print_json(rep.to_dict())
            return
        t = Table(
            "category",
            "support",
            "TP",
            "FP",
            "FN",
            "precision",
            "recall",
            "F1",
            title=f"Stored findings vs {labels.name} ({rep.messages} labelled messages)",
        )
        for cat, sc in sorted(rep.scores.items(), key=lambda kv: (not kv[0].startswith("any_"), kv[0])):
            t.add_row(
                cat,
                str(sc.tp + sc.fn),
                str(sc.tp),
                str(sc.fp),
                str(sc.fn),
                f"{sc.precision:.2f}",
                f"{sc.recall:.2f}",
                f"{sc.f1:.2f}",
            )
        out.print(t)
        if rep.missing_ids:
            console.print(f"[yellow]warning:[/] {rep.missing_ids} labelled ids are not in the database")
