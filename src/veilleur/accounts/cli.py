"""``veilleur user ...``: workspace accounts and API tokens."""

from __future__ import annotations

import json
import os
import sys

import typer


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
    user_app = typer.Typer(
        help="Workspace accounts: add, list, set-role, disable, API tokens.", no_args_is_help=True
    )
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
        from veilleur.accounts import auth

        u = auth.add_user(
            _store(), login, _password("-" if password_stdin else None), role, display_name=name, email=email
        )
        typer.echo(f"user {u.login} ({u.role}) created")

    @user_app.command("list")
    def user_list(as_json: bool = typer.Option(False, "--json")) -> None:
        """List accounts."""
        from veilleur.accounts import auth

        users = auth.list_users(_store())
        if as_json:
            typer.echo(json.dumps([u.to_dict() for u in users], ensure_ascii=False, indent=2))
            return
        for u in users:
            typer.echo(f"{u.login}\t{u.role}\t{'disabled' if u.disabled else 'active'}\t{u.display_name}")

    @user_app.command("set-role")
    def user_set_role(login: str, role: str) -> None:
        """Change an account's role."""
        from veilleur.accounts import auth

        u = auth.set_role(_store(), login, role)
        typer.echo(f"user {u.login} is now {u.role}")

    @user_app.command("disable")
    def user_disable(
        login: str, enable: bool = typer.Option(False, "--enable", help="Re-enable instead.")
    ) -> None:
        """Disable an account (its sessions end at once) or re-enable it."""
        from veilleur.accounts import auth

        u = auth.set_disabled(_store(), login, not enable)
        typer.echo(f"user {u.login} {'disabled' if u.disabled else 'enabled'}")

    @user_app.command("password")
    def user_password(login: str, password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
        """Set a new password (ends the account's open web sessions)."""
        from veilleur.accounts import auth

        ended = auth.set_password(_store(), login, _password("-" if password_stdin else None))
        typer.echo(f"password of {login} changed; {ended} open session(s) ended")

    @user_app.command("token-create")
    def token_create(login: str, name: str = typer.Option("", help="What the token is for.")) -> None:
        """Create an API token for /v1 (printed once; only its hash is stored)."""
        from veilleur.accounts import auth

        token_id, token = auth.create_token(_store(), login, name)
        typer.echo(f"token id: {token_id}", err=True)
        typer.echo(token)

    @user_app.command("token-revoke")
    def token_revoke(token_id: str) -> None:
        """Revoke an API token by its id."""
        from veilleur.accounts import auth

        auth.revoke_token(_store(), token_id)
        typer.echo(f"token {token_id} revoked")

    @user_app.command("tokens")
    def token_list(login: str = typer.Argument(None)) -> None:
        """List API tokens (ids and names, never the secrets)."""
        from veilleur.accounts import auth

        for t in auth.list_tokens(_store(), login):
            typer.echo(f"{t['id']}\t{t['login']}\t{'revoked' if t['revoked'] else 'active'}\t{t['name']}")
