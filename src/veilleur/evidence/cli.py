"""``veilleur evidence …`` commands: capture, list, show, export, verify, timestamp, note, hold, delete, check."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer

from veilleur.config import has_display, load_settings, secret_from_env
from veilleur.errors import InputError
from veilleur.evidence.render import paris
from veilleur.evidence.settings import EvidenceSettings

ev_app = typer.Typer(
    help="Evidence vault: captures, chain of custody, timestamps, verifiable bundles.", no_args_is_help=True
)


def _actor(actor: str | None) -> str:
    """``--actor`` (or ``VEILLEUR_ACTOR``, read by the option), else ``cli:<user>``."""
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
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
    declared_author: str = typer.Option(
        None, "--declared-author", help="Author as you state it (file only)."
    ),
    declared_date: str = typer.Option(
        None, "--declared-date", help="Date as you state it, e.g. '14/03/2026 14:05' (Paris)."
    ),
    declared_url: str = typer.Option(
        None, "--declared-url", help="Where the file was published, as you state it."
    ),
    description: str = typer.Option(None, "--description", help="Description of a file."),
    timeout: float = typer.Option(60.0, "--timeout", help="URL capture time limit in seconds."),
    session: str = typer.Option(
        None, "--session", help="URL: capture with the session saved by `evidence login SITE`."
    ),
    account: str = typer.Option(
        None, "--account", help="URL: the account the session signs in as (as you declare it)."
    ),
    operator: str = typer.Option(
        None, "--operator", help="URL: who makes the capture, as declared (name, quality) for the report."
    ),
    site_profile: str = typer.Option(
        None, "--site-profile", help="URL: site profile to expand comments (default: by host)."
    ),
    actor: str = typer.Option(
        None, "--actor", envvar="VEILLEUR_ACTOR", help="Who captures (default: cli:<user>)."
    ),
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
            item = api.capture_url(
                store,
                target,
                actor=who,
                case_id=case,
                timeout_s=timeout,
                session=session,
                account=account,
                operator=operator,
                site_profile=site_profile,
            )
        else:
            declared = {"author": declared_author, "date": declared_date, "url": declared_url}
            item = api.capture_file(
                store, target, actor=who, declared=declared, case_id=case, description=description
            )
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
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
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
    output: Path = typer.Option(None, "-o", "--output", help="bundle.zip to write."),
    wacz: Path = typer.Option(
        None, "--wacz", help="Also (or only) write the case's URL captures as a signed WACZ file."
    ),
    recipient: str = typer.Option(
        None,
        "--recipient",
        help="procureur|ordre: sealed originals and views; platform|cnil (and by default): pseudonymised views only.",
    ),
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
    allow_broken_ledger: bool = typer.Option(
        False,
        "--allow-broken-ledger",
        help="Export even if the ledger fails its check (the report says so in red).",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Export a case's evidence as a verifiable bundle.zip (manifest, ledger, tokens, SHA256SUMS, PDF), and/or its
    URL captures as a signed WACZ (--wacz). Bundles carry pseudonymised views unless --recipient procureur|ordre.

    The ledger's export entry seals the report and every evidence file. Refused if the ledger fails its check."""
    from veilleur.evidence import api

    if output is None and wacz is None:
        raise typer.BadParameter("give -o bundle.zip and/or --wacz out.wacz")  # a usage error: exit 2
    if wacz is not None:
        from veilleur.evidence.views import carries_originals, check_recipient

        if not carries_originals(check_recipient(recipient)):
            typer.secho(
                "attention: a WACZ carries the ORIGINAL WARCs (not pseudonymised): give it only to a recipient allowed "
                "originals (--recipient procureur|ordre)",
                fg="yellow",
                err=True,
            )
        with _store() as store:
            summary = api.export_wacz(store, case, wacz, actor=_actor(actor))
        if as_json and output is None:
            _print_json(summary)
        else:
            typer.echo(
                f"{wacz}: {len(summary['items'])} capture(s) de page, {summary['size']} octets, signé ({summary['datapackage_hash'][:23]}…)"
            )
        if output is None:
            return
    with _store() as store:
        manifest = api.export_bundle(
            store,
            case,
            output,
            actor=_actor(actor),
            allow_broken_ledger=allow_broken_ledger,
            recipient=recipient,
        )
    if as_json:
        _print_json(
            {"bundle": str(output), "items": len(manifest["items"]), "timestamps": manifest["timestamps"]}
        )
        return
    typer.echo(
        f"{output}: {len(manifest['items'])} pièce(s), {len(manifest['timestamps'])} jeton(s) d'horodatage"
    )
    if manifest.get("timestamp_note"):
        typer.secho(manifest["timestamp_note"], fg="yellow", err=True)
    if manifest.get("ledger_problems"):
        typer.secho(
            f"ATTENTION: ledger check failed ({len(manifest['ledger_problems'])} problem(s)); exported anyway, as the report says",
            fg="red",
            err=True,
        )


@ev_app.command("verify")
def verify_cmd(
    bundle: Path = typer.Argument(..., help="bundle.zip (or a .wacz written by export --wacz)"),
    as_json: bool = typer.Option(False, "--json"),
    receipt: list[Path] = typer.Option(
        [],
        "--receipt",
        help="Also write a one-page receipt for non-technicians (receipt.html or receipt.pdf; repeatable).",
    ),
) -> None:
    """Verify a bundle: every hash, the ledger chain, every token. Exit 1 if anything was altered."""
    from veilleur.evidence import api

    if bundle.suffix.lower() == ".wacz":
        problems = api.verify_wacz(bundle)
        for line in problems:
            typer.secho(f"ÉCHEC / FAILED  {line}", fg="red")
        typer.echo(f"{bundle}: {'OK' if not problems else f'{len(problems)} problème(s)'} (WACZ)")
        if problems:
            raise typer.Exit(1)
        return
    report = api.verify_bundle(bundle)
    if receipt:
        from veilleur.evidence.receipt import write_receipt

        for r in receipt:
            write_receipt(report, bundle, r)
            typer.echo(f"reçu / receipt: {r}", err=True)
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


@ev_app.command("open")
def open_cmd(
    item_id: str = typer.Argument(..., help="Evidence item id (ev_…)."),
    reason: str = typer.Option(..., "--reason", help="Why you open the original (written to the ledger)."),
    role: str = typer.Option(
        ..., "--role", help="Your role, e.g. avocat, procureur, dpo ([evidence] original_roles)."
    ),
    output: Path = typer.Option(Path("."), "-o", "--output", help="Folder to copy the original files into."),
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
) -> None:
    """Open an item's sealed original (not its pseudonymised view): needs a role and a reason, logged in the ledger."""
    from veilleur.evidence import api

    with _store() as store:
        paths = api.open_original(
            store, item_id, actor=_actor(actor), role=role, reason=reason, out_dir=output
        )
    for p in paths:
        typer.echo(str(p))


@ev_app.command("view")
def view_cmd(
    item_id: str = typer.Argument(..., help="Evidence item id (ev_…)."),
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
) -> None:
    """Make (and seal) the pseudonymised view of an item: identifiers masked, faces blurred."""
    from veilleur.evidence import api

    with _store() as store:
        item = api.make_view(store, item_id, actor=_actor(actor))
    typer.echo(_summary(item))
    for c in item.observed.get("changes", []):
        typer.echo(f"  {c}")


@ev_app.command("timestamp")
def timestamp_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Timestamp the ledger head and retry pending heads with the configured TSAs."""
    from veilleur.evidence import api

    with _store() as store:
        report = api.timestamp_pending(store)
    if as_json:
        _print_json(report.to_dict())
        return
    typer.echo(
        f"horodatées / stamped: {report.stamped or '-'}; en attente / pending: {report.pending or '-'}"
    )
    for e in report.errors:
        typer.secho(e, fg="yellow", err=True)


@ev_app.command("note")
def note_cmd(
    item_id: str, text: str, actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR")
) -> None:
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
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
) -> None:
    """Put an item under legal hold (it can no longer be deleted), or lift it."""
    from veilleur.evidence import api

    with _store() as store:
        e = api.set_legal_hold(store, item_id, not release, actor=_actor(actor), reason=reason)
    typer.echo(f"#{e.seq} legal_hold={'off' if release else 'on'}")


@ev_app.command("delete")
def delete_cmd(
    item_id: str,
    reason: str = typer.Option(..., "--reason"),
    actor: str = typer.Option(None, "--actor", envvar="VEILLEUR_ACTOR"),
) -> None:
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


sessions_app = typer.Typer(help="Saved logins for URL captures (encrypted at rest).", no_args_is_help=True)
ev_app.add_typer(sessions_app, name="sessions")


@ev_app.command("login")
def login_cmd(
    site: str = typer.Argument(..., help="A name for this login, e.g. facebook."),
    url: str = typer.Option(None, "--url", help="The site's login page."),
    account: str = typer.Option(
        None, "--account", help="The account you sign in with, as you declare it (goes in capture reports)."
    ),
    username: str = typer.Option(
        None, "--username", help="Non-interactive: fill the login form with this user name…"
    ),
    password_env: str = typer.Option(
        None, "--password-env", help="…and the password in this environment variable."
    ),
    storage_state: Path = typer.Option(
        None, "--storage-state", help="Non-interactive: import a Playwright storage-state JSON file."
    ),
    username_selector: str = typer.Option(
        None, "--username-selector", help="CSS selector of the user name field."
    ),
    password_selector: str = typer.Option(
        None, "--password-selector", help="CSS selector of the password field."
    ),
    submit_selector: str = typer.Option(None, "--submit-selector", help="CSS selector of the submit button."),
    timeout: float = typer.Option(
        900.0, "--timeout", help="Seconds to wait for you to sign in and close the window."
    ),
) -> None:
    """Sign in once on a dedicated Chromium profile (a visible window: sign in, then close it); the session is
    kept encrypted under VEILLEUR_HOME for `evidence capture URL --session SITE`."""
    from veilleur.evidence import sessions as ss

    settings = load_settings()
    st = ss.SessionStore(settings.home)
    ss.check_site(site)
    chromium = settings.section(EvidenceSettings).chromium
    if storage_state is not None:
        info = ss.import_storage_state(st, site, storage_state, account=account)
        typer.secho(
            f"{storage_state}: imported; delete this plain-text file now (the saved copy is encrypted)",
            fg="yellow",
            err=True,
        )
    elif username is not None:
        if not url or not password_env:
            raise InputError(
                "login",
                "--username needs --url and --password-env VAR (the password is never given on the command line)",
            )
        secret = secret_from_env(password_env)
        if secret is None:
            raise InputError("--password-env", f"environment variable {password_env} is empty or not set")
        info = ss.login_form(
            st,
            site,
            url,
            chromium=chromium,
            username=username,
            password=secret.get_secret_value(),
            account=account,
            username_selector=username_selector,
            password_selector=password_selector,
            submit_selector=submit_selector,
        )
    else:
        if not url:
            raise InputError("login", "give --url LOGIN_URL (or --storage-state FILE)")
        if not has_display():
            raise InputError(
                "login",
                "no graphical display for the login window: use --storage-state FILE or --username/--password-env",
            )
        typer.echo(
            "Une fenêtre Chromium s'ouvre : connectez-vous, puis fermez la fenêtre. / Sign in, then close the window."
        )
        info = ss.login_interactive(st, site, url, chromium=chromium, account=account, timeout_s=timeout)
    typer.echo(
        f"session {info.site} enregistrée (chiffrée) : {info.cookies} cookie(s) pour {', '.join(info.domains) or '-'}"
    )


@sessions_app.command("list")
def sessions_list_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """List saved sessions (never their cookies)."""
    from veilleur.evidence.sessions import SessionStore

    infos = SessionStore(load_settings().home).list()
    if as_json:
        _print_json([i.to_dict() for i in infos])
        return
    for i in infos:
        typer.echo(
            f"{i.site:<16} {i.account or '(compte non déclaré)':<28} {i.method:<13} {i.created_at[:19]}  {i.cookies} cookie(s)  {', '.join(i.domains)}"
        )
    if not infos:
        typer.echo("aucune session / no saved session")


@sessions_app.command("delete")
def sessions_delete_cmd(site: str = typer.Argument(..., help="Session name.")) -> None:
    """Delete a saved session (its encrypted file is overwritten, then removed)."""
    from veilleur.evidence.sessions import SessionStore

    SessionStore(load_settings().home).delete(site)
    typer.echo(f"session {site} supprimée")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.add_typer(ev_app, name="evidence")
