"""``veilleur evidence …`` commands: capture, list, show, export, verify, timestamp, note, hold, delete, check."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

import typer

from veilleur.config import load_settings
from veilleur.errors import InputError
from veilleur.evidence.render import paris

ev_app = typer.Typer(help="Evidence vault: captures, chain of custody, timestamps, verifiable bundles.", no_args_is_help=True)


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return os.environ.get("VEILLEUR_ACTOR") or f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _store() -> Any:
    from veilleur.store import Store

    return Store.open(load_settings())


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _summary(item: Any) -> str:
    flags = " [PARTIELLE]" if item.status == "partial" else ""
    flags += " [CONSERVATION LÉGALE]" if item.legal_hold else ""
    flags += " [SUPPRIMÉE]" if item.deleted else ""
    return f"{item.id}  {item.kind:<7}  {paris(item.captured_at)}  {item.sha256[:16]}…  {item.description}{flags}"


@ev_app.command("capture")
def capture_cmd(
    target: str = typer.Argument(None, help="URL (http/https) or path of a file you already have."),
    message: str = typer.Option(None, "--message", help="Capture a stored message by its uid instead."),
    case: str = typer.Option(None, "--case", help="Attach the item to this case id."),
    declared_author: str = typer.Option(None, "--declared-author", help="Author as you state it (file only)."),
    declared_date: str = typer.Option(None, "--declared-date", help="Date as you state it, e.g. '14/03/2026 14:05' (Paris)."),
    declared_url: str = typer.Option(None, "--declared-url", help="Where the file was published, as you state it."),
    description: str = typer.Option(None, "--description", help="Description of a file."),
    timeout: float = typer.Option(60.0, "--timeout", help="URL capture time limit in seconds."),
    actor: str = typer.Option(None, "--actor", help="Who captures (default: cli:<user>)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Capture a URL, a file or a stored message into the vault."""
    from veilleur.evidence import api

    if bool(target) == bool(message):
        raise InputError("capture", "give exactly one of URL, FILE or --message ID")
    with _store() as store:
        who = _actor(actor)
        if message:
            item = api.capture_message(store, message, actor=who, case_id=case)
        elif target.startswith(("http://", "https://")):
            item = api.capture_url(store, target, actor=who, case_id=case, timeout_s=timeout)
        else:
            declared = {"author": declared_author, "date": declared_date, "url": declared_url}
            item = api.capture_file(store, target, actor=who, declared=declared, case_id=case, description=description)
    if as_json:
        _print_json(item.to_dict())
        return
    typer.echo(_summary(item))
    if item.partial_reason:
        typer.secho(f"capture partielle / partial capture: {item.partial_reason}", fg="yellow", err=True)


@ev_app.command("list")
def list_cmd(
    case: str = typer.Option(None, "--case", help="Only this case's items."),
    all_items: bool = typer.Option(False, "--all", help="Include deleted items."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List evidence items."""
    from veilleur.evidence import api

    with _store() as store:
        items = api.list_items(store, case, include_deleted=all_items)
    if as_json:
        _print_json([i.to_dict() for i in items])
        return
    for i in items:
        typer.echo(_summary(i))
    if not items:
        typer.echo("aucune pièce / no evidence items")


@ev_app.command("show")
def show_cmd(
    item_id: str = typer.Argument(..., help="Evidence item id (ev_…)."),
    actor: str = typer.Option(None, "--actor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show an item, its files and its ledger entries (the consultation is logged)."""
    from veilleur.evidence import api

    with _store() as store:
        item = api.get_item(store, item_id, actor=_actor(actor))
        entries = api.ledger(store, item_id)
    if as_json:
        _print_json({**item.to_dict(), "ledger": [e.to_dict() for e in entries]})
        return
    typer.echo(_summary(item))
    typer.echo(f"  source: {item.source}")
    typer.echo(f"  capturée par: {item.actor}  affaire: {item.case_id or '-'}")
    for f in item.files:
        typer.echo(f"  {f.sha256}  {f.name}  ({f.role}, {f.size} o)")
    if item.declared:
        typer.echo(f"  déclaré: {json.dumps(item.declared, ensure_ascii=False)}")
    for e in entries:
        typer.echo(f"  #{e.seq} {paris(e.at)} {e.action} {e.actor}")


@ev_app.command("export")
def export_cmd(
    case: str = typer.Argument(..., help="Case id."),
    output: Path = typer.Option(..., "-o", "--output", help="bundle.zip to write."),
    actor: str = typer.Option(None, "--actor"),
    allow_broken_ledger: bool = typer.Option(
        False, "--allow-broken-ledger", help="Export even if the ledger fails its check (the report says so in red)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Export a case's evidence as a verifiable bundle.zip (manifest, ledger, tokens, SHA256SUMS, PDF).

    The ledger's export entry seals the report and every evidence file. Refused if the ledger fails its check."""
    from veilleur.evidence import api

    with _store() as store:
        manifest = api.export_bundle(store, case, output, actor=_actor(actor), allow_broken_ledger=allow_broken_ledger)
    if as_json:
        _print_json({"bundle": str(output), "items": len(manifest["items"]), "timestamps": manifest["timestamps"]})
        return
    typer.echo(f"{output}: {len(manifest['items'])} pièce(s), {len(manifest['timestamps'])} jeton(s) d'horodatage")
    if manifest.get("timestamp_note"):
        typer.secho(manifest["timestamp_note"], fg="yellow", err=True)
    if manifest.get("ledger_problems"):
        typer.secho(
            f"ATTENTION: ledger check failed ({len(manifest['ledger_problems'])} problem(s)); exported anyway, as the report says",
            fg="red",
            err=True,
        )


@ev_app.command("verify")
def verify_cmd(bundle: Path = typer.Argument(..., help="bundle.zip"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Verify a bundle: every hash, the ledger chain, every token. Exit 1 if anything was altered."""
    from veilleur.evidence import api

    report = api.verify_bundle(bundle)
    if as_json:
        _print_json(report.to_dict())
    else:
        for p in report.problems:
            typer.secho(f"ÉCHEC / FAILED  {p}", fg="red")
        for w in report.warnings:
            typer.secho(f"attention / warning: {w}", fg="yellow")
        for t in report.timestamps:
            typer.echo(f"jeton entrée {t['seq']}: {t['gen_time']} ({t['tsa']})")
        if not report.ok:
            status = f"{len(report.problems)} problème(s)"
        elif report.assurance == "timestamped":
            status = "OK"
        else:
            status = f"OK ({'cohérence interne seulement / self-consistency only' if report.assurance == 'self-consistency only' else 'horodatage partiel / partly timestamped'})"
        typer.echo(
            f"{bundle}: {status} — {report.files_checked} fichiers, {report.entries_checked} entrées, "
            f"{report.items_checked} pièces, {report.tokens_checked} jetons vérifiés"
        )
    if not report.ok:
        raise typer.Exit(1)


@ev_app.command("timestamp")
def timestamp_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Timestamp the ledger head and retry pending heads with the configured TSAs."""
    from veilleur.evidence import api

    with _store() as store:
        report = api.timestamp_pending(store)
    if as_json:
        _print_json(report.to_dict())
        return
    typer.echo(f"horodatées / stamped: {report.stamped or '-'}; en attente / pending: {report.pending or '-'}")
    for e in report.errors:
        typer.secho(e, fg="yellow", err=True)


@ev_app.command("note")
def note_cmd(item_id: str, text: str, actor: str = typer.Option(None, "--actor")) -> None:
    """Add a note to an item's chain of custody."""
    from veilleur.evidence import api

    with _store() as store:
        e = api.add_note(store, item_id, text, actor=_actor(actor))
    typer.echo(f"#{e.seq} {e.hash}")


@ev_app.command("hold")
def hold_cmd(
    item_id: str,
    release: bool = typer.Option(False, "--release", help="Lift the legal hold."),
    reason: str = typer.Option("", "--reason"),
    actor: str = typer.Option(None, "--actor"),
) -> None:
    """Put an item under legal hold (it can no longer be deleted), or lift it."""
    from veilleur.evidence import api

    with _store() as store:
        e = api.set_legal_hold(store, item_id, not release, actor=_actor(actor), reason=reason)
    typer.echo(f"#{e.seq} legal_hold={'off' if release else 'on'}")


@ev_app.command("delete")
def delete_cmd(item_id: str, reason: str = typer.Option(..., "--reason"), actor: str = typer.Option(None, "--actor")) -> None:
    """Record the deletion of an item (refused under legal hold; files and ledger are kept)."""
    from veilleur.evidence import api

    with _store() as store:
        e = api.delete_item(store, item_id, actor=_actor(actor), reason=reason)
    typer.echo(f"#{e.seq} item.deleted")


@ev_app.command("check")
def check_cmd() -> None:
    """Re-verify the stored ledger chain and every vault file."""
    from veilleur.evidence import api

    with _store() as store:
        problems = api.verify_vault(store)
    for p in problems:
        typer.secho(p, fg="red")
    typer.echo("coffre intact / vault intact" if not problems else f"{len(problems)} problème(s)")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.add_typer(ev_app, name="evidence")
