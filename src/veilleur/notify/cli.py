"""``veilleur alerts ...``: e-mail alerts, signed webhooks, the weekly digest."""

from __future__ import annotations

import json
import sys

import typer

from veilleur.errors import InputError
from veilleur.notify import alerts


def _store():  # type: ignore[no-untyped-def]
    from veilleur.store import Store

    return Store.open()


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    alerts_app = typer.Typer(help="Alerts by e-mail and signed webhook; weekly digest.", no_args_is_help=True)
    app.add_typer(alerts_app, name="alerts")

    @alerts_app.command("subscribe")
    def subscribe(
        email: str,
        community: str = typer.Option(None, help="Community uid (default: all)."),
        min_severity: str = typer.Option("high", help="info | low | medium | high | critical."),
        digest: bool = typer.Option(True, help="Also receive the weekly digest."),
        lang: str = typer.Option("fr", help="fr | en."),
    ) -> None:
        """Send alerts (and the weekly digest) to an e-mail address."""
        try:
            sub = alerts.add_subscription(
                _store(), email, community_uid=community, min_severity=min_severity, digest=digest, lang=lang
            )
        except ValueError as exc:
            raise InputError("--min-severity", str(exc)) from None
        typer.echo(f"subscription {sub} added")

    @alerts_app.command("unsubscribe")
    def unsubscribe(sub_id: int) -> None:
        """Remove a subscription by id."""
        alerts.remove_subscription(_store(), sub_id)
        typer.echo(f"subscription {sub_id} removed")

    @alerts_app.command("webhook-add")
    def webhook_add(
        url: str,
        community: str = typer.Option(None, help="Community uid (default: all)."),
        min_severity: str = typer.Option("high"),
        secret_stdin: bool = typer.Option(False, "--secret-stdin", help="Read the HMAC secret from stdin."),
    ) -> None:
        """Add a webhook; bodies are signed with HMAC-SHA256 (secret from stdin or $VEILLEUR_WEBHOOK_SECRET)."""
        from veilleur.config import secret_from_env

        env_secret = secret_from_env("VEILLEUR_WEBHOOK_SECRET")
        secret = (
            sys.stdin.readline().strip()
            if secret_stdin
            else (env_secret.get_secret_value() if env_secret else "")
        )
        if not secret:
            raise InputError(
                "secret", "give the webhook secret with --secret-stdin or $VEILLEUR_WEBHOOK_SECRET"
            )
        try:
            hook = alerts.add_webhook(
                _store(), url, secret, community_uid=community, min_severity=min_severity
            )
        except ValueError as exc:
            raise InputError("--min-severity", str(exc)) from None
        typer.echo(f"webhook {hook} added")

    @alerts_app.command("webhook-remove")
    def webhook_remove(hook_id: int) -> None:
        """Deactivate a webhook."""
        alerts.remove_webhook(_store(), hook_id)
        typer.echo(f"webhook {hook_id} removed")

    @alerts_app.command("list")
    def alerts_list(as_json: bool = typer.Option(False, "--json")) -> None:
        """List subscriptions and webhooks (secrets are never shown)."""
        store = _store()
        data = {"subscriptions": alerts.list_subscriptions(store), "webhooks": alerts.list_webhooks(store)}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))

    @alerts_app.command("digest")
    def digest(
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the e-mails instead of sending them."),
    ) -> None:
        """Send the weekly digest "votre communauté cette semaine" to subscribers."""
        out = alerts.send_digest(_store(), dry_run=dry_run)
        for d in out:
            typer.echo(f"{d['status']}\t{d['to']}\t{d['subject']}")
            if dry_run:
                typer.echo(d["body"] + "\n")
        if not out:
            typer.echo("no digest subscriber (veilleur alerts subscribe EMAIL)")
