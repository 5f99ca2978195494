"""Commands of the workspace: ``veilleur serve``, ``veilleur user ...`` and ``veilleur alerts ...``."""

from __future__ import annotations

import json
import os
import sys

import typer

from veilleur.errors import InputError


def _store():  # type: ignore[no-untyped-def]
    from veilleur.store import Store

    return Store.open()


def _password(value: str | None) -> str:
    """The password from --password-stdin, $VEILLEUR_PASSWORD or an interactive prompt (never from argv)."""
    if value == "-":
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("VEILLEUR_PASSWORD")
    if env:
        return env
    pw: str = typer.prompt("Mot de passe / password", hide_input=True, confirmation_prompt=True)
    return pw


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    from veilleur.web.alerts import install_listener

    install_listener()  # so that `veilleur scan` raises alerts too (no-op until alerts are configured)

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port."),
    ) -> None:
        """Start the moderator workspace and the /v1 API (uvicorn)."""
        import uvicorn

        from veilleur.web.app import create_app

        uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)

    user_app = typer.Typer(help="Workspace accounts: add, list, set-role, disable, API tokens.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def user_add(
        login: str,
        role: str = typer.Option("moderator", help="admin | moderator | viewer | target (personne visée)."),
        name: str = typer.Option("", help="Display name."),
        email: str = typer.Option(None, help="E-mail address."),
        password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    ) -> None:
        """Create an account (password prompted, from stdin, or from $VEILLEUR_PASSWORD)."""
        from veilleur.web import auth

        u = auth.add_user(_store(), login, _password("-" if password_stdin else None), role, display_name=name, email=email)
        typer.echo(f"user {u.login} ({u.role}) created")

    @user_app.command("list")
    def user_list(as_json: bool = typer.Option(False, "--json")) -> None:
        """List accounts."""
        from veilleur.web import auth

        users = auth.list_users(_store())
        if as_json:
            typer.echo(json.dumps([u.to_dict() for u in users], ensure_ascii=False, indent=2))
            return
        for u in users:
            typer.echo(f"{u.login}\t{u.role}\t{'disabled' if u.disabled else 'active'}\t{u.display_name}")

    @user_app.command("set-role")
    def user_set_role(login: str, role: str) -> None:
        """Change an account's role."""
        from veilleur.web import auth

        u = auth.set_role(_store(), login, role)
        typer.echo(f"user {u.login} is now {u.role}")

    @user_app.command("disable")
    def user_disable(login: str, enable: bool = typer.Option(False, "--enable", help="Re-enable instead.")) -> None:
        """Disable an account (its sessions end at once) or re-enable it."""
        from veilleur.web import auth

        u = auth.set_disabled(_store(), login, not enable)
        typer.echo(f"user {u.login} {'disabled' if u.disabled else 'enabled'}")

    @user_app.command("password")
    def user_password(login: str, password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
        """Set a new password (ends the account's open web sessions)."""
        from veilleur.web import auth

        ended = auth.set_password(_store(), login, _password("-" if password_stdin else None))
        typer.echo(f"password of {login} changed; {ended} open session(s) ended")

    @user_app.command("token-create")
    def token_create(login: str, name: str = typer.Option("", help="What the token is for.")) -> None:
        """Create an API token for /v1 (printed once; only its hash is stored)."""
        from veilleur.web import auth

        token_id, token = auth.create_token(_store(), login, name)
        typer.echo(f"token id: {token_id}", err=True)
        typer.echo(token)

    @user_app.command("token-revoke")
    def token_revoke(token_id: str) -> None:
        """Revoke an API token by its id."""
        from veilleur.web import auth

        auth.revoke_token(_store(), token_id)
        typer.echo(f"token {token_id} revoked")

    @user_app.command("tokens")
    def token_list(login: str = typer.Argument(None)) -> None:
        """List API tokens (ids and names, never the secrets)."""
        from veilleur.web import auth

        for t in auth.list_tokens(_store(), login):
            typer.echo(f"{t['id']}\t{t['login']}\t{'revoked' if t['revoked'] else 'active'}\t{t['name']}")

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
        from veilleur.web import alerts

        try:
            sub = alerts.add_subscription(_store(), email, community_uid=community, min_severity=min_severity, digest=digest, lang=lang)
        except ValueError as exc:
            raise InputError("--min-severity", str(exc)) from None
        typer.echo(f"subscription {sub} added")

    @alerts_app.command("unsubscribe")
    def unsubscribe(sub_id: int) -> None:
        """Remove a subscription by id."""
        from veilleur.web import alerts

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
        from veilleur.web import alerts

        secret = sys.stdin.readline().strip() if secret_stdin else os.environ.get("VEILLEUR_WEBHOOK_SECRET", "")
        if not secret:
            raise InputError("secret", "give the webhook secret with --secret-stdin or $VEILLEUR_WEBHOOK_SECRET")
        try:
            hook = alerts.add_webhook(_store(), url, secret, community_uid=community, min_severity=min_severity)
        except ValueError as exc:
            raise InputError("--min-severity", str(exc)) from None
        typer.echo(f"webhook {hook} added")

    @alerts_app.command("webhook-remove")
    def webhook_remove(hook_id: int) -> None:
        """Deactivate a webhook."""
        from veilleur.web import alerts

        alerts.remove_webhook(_store(), hook_id)
        typer.echo(f"webhook {hook_id} removed")

    @alerts_app.command("list")
    def alerts_list(as_json: bool = typer.Option(False, "--json")) -> None:
        """List subscriptions and webhooks (secrets are never shown)."""
        from veilleur.web import alerts

        store = _store()
        data = {"subscriptions": alerts.list_subscriptions(store), "webhooks": alerts.list_webhooks(store)}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))

    @alerts_app.command("digest")
    def digest(dry_run: bool = typer.Option(False, "--dry-run", help="Print the e-mails instead of sending them.")) -> None:
        """Send the weekly digest "votre communauté cette semaine" to subscribers."""
        from veilleur.web import alerts

        out = alerts.send_digest(_store(), dry_run=dry_run)
        for d in out:
            typer.echo(f"{d['status']}\t{d['to']}\t{d['subject']}")
            if dry_run:
                typer.echo(d["body"] + "\n")
        if not out:
            typer.echo("no digest subscriber (veilleur alerts subscribe EMAIL)")
