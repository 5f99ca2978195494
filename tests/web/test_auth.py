"""Accounts, sessions, CSRF, rate limiting, tokens and the `veilleur user` commands."""

from __future__ import annotations

import re

from sqlalchemy import select
from typer.testing import CliRunner

from veilleur.accounts import auth
from veilleur.accounts.models import ApiTokenRow, SessionRow, UserRow

from .conftest import PASSWORD, csrf_of, login


def test_passwords_and_tokens_are_stored_hashed(world):
    with world.store.session() as s:
        users = list(s.scalars(select(UserRow)))
        tokens = list(s.scalars(select(ApiTokenRow)))
    assert users and all(
        u.password_hash.startswith("$argon2") and PASSWORD not in u.password_hash for u in users
    )
    raw = set(world.tokens.values())
    assert tokens and all(t.token_sha256 not in raw and len(t.token_sha256) == 64 for t in tokens)
    assert auth.user_for_token(world.store, world.tokens["mod"]).login == "mod"
    assert auth.user_for_token(world.store, "vt_not-a-token") is None


def test_login_sets_strict_httponly_cookie_and_session_is_server_side(client, world):
    r = login(client, "mod")
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # default off for http://127.0.0.1; web.secure_cookies turns it on
    sid = re.search(r"veilleur_session=([^;]+)", cookie).group(1)
    with world.store.session() as s:
        stored = [row.id_sha256 for row in s.scalars(select(SessionRow))]
    assert sid not in stored and auth.sha256_hex(sid) in stored
    assert client.get("/dashboard").status_code == 200
    assert world.store.audit_log(actor="mod", action="login")


def test_secure_cookie_option(tmp_path):
    from fastapi.testclient import TestClient

    from veilleur.web import create_app

    from .conftest import build_world

    w = build_world(tmp_path / "h", "[web]\nsecure_cookies = true\n")
    with TestClient(create_app(w.store.settings, w.store), base_url="https://testserver") as c:
        assert "Secure" in login(c, "mod").headers["set-cookie"]


def test_wrong_password_then_rate_limit(client, world):
    for _ in range(5):
        assert login(client, "mod", "wrong password!!").status_code == 401
    r = login(client, "mod")  # right password, but too many failures
    assert r.status_code == 429
    assert world.store.audit_log(action="login.failed")
    assert world.store.audit_log(action="login.throttled")
    assert login(client, "admin").status_code == 303  # another account is not locked out


def test_unknown_user_and_disabled_user_are_refused(client, world):
    assert login(client, "nobody").status_code == 401
    assert login(client, "viewer").status_code == 303
    assert client.get("/queue").status_code == 200
    auth.set_disabled(world.store, "viewer", True, actor="test")
    assert client.get("/queue", follow_redirects=False).status_code == 303  # session ended
    client.cookies.clear()
    assert login(client, "viewer").status_code == 401


def test_csrf_required_on_login_and_actions(client, world):
    r = client.post(
        "/login", data={"login": "mod", "password": PASSWORD, "csrf": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403
    login(client, "mod")
    fid = next(iter(world.findings))
    r = client.post(
        f"/item/{fid}/action", data={"action": "dismiss", "csrf": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403
    assert world.store.get_finding(fid).status == "open"
    page = client.get(f"/item/{fid}")
    r = client.post(
        f"/item/{fid}/action", data={"action": "dismiss", "csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert r.status_code == 303 and world.store.get_finding(fid).status == "dismissed"


def test_logout_ends_session(client):
    login(client, "mod")
    page = client.get("/dashboard")
    r = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_open_redirect_refused(client):
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"login": "mod", "password": PASSWORD, "csrf": csrf_of(page.text), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"


def test_user_cli(tmp_path, monkeypatch):
    from veilleur.cli import app

    monkeypatch.setenv("VEILLEUR_HOME", str(tmp_path))
    monkeypatch.delenv("VEILLEUR_DB", raising=False)
    monkeypatch.setenv("VEILLEUR_PASSWORD", "une phrase secrète longue")
    run = CliRunner().invoke
    r = run(app, ["user", "add", "claire", "--role", "target", "--name", "Dr Claire"])
    assert r.exit_code == 0, r.output
    r = run(app, ["user", "add", "claire", "--role", "target"])
    assert r.exit_code != 0  # duplicate login
    r = run(app, ["user", "set-role", "claire", "viewer"])
    assert r.exit_code == 0 and "viewer" in r.output
    r = run(app, ["user", "token-create", "claire", "--name", "ci"])
    assert r.exit_code == 0
    token = [line for line in r.output.splitlines() if line.startswith("vt_")][0]
    r = run(app, ["user", "list", "--json"])
    assert '"claire"' in r.output and token not in r.output and "phrase" not in r.output
    r = run(app, ["user", "tokens"])
    tok_id = r.output.split()[0]
    assert run(app, ["user", "token-revoke", tok_id]).exit_code == 0
    r = run(app, ["user", "disable", "claire"])
    assert "disabled" in r.output
    from veilleur.store import Store

    with Store.open() as store:
        assert auth.user_for_token(store, token) is None
        assert auth.get_user(store, "claire").disabled
        assert auth.authenticate(store, "claire", "une phrase secrète longue") is None
        assert [e.action for e in store.audit_log(target="claire")][-1] == "user.added"
    r = run(app, ["user", "set-role", "claire", "superuser"])
    assert r.exit_code != 0
