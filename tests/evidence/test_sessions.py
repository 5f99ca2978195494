"""Authenticated capture: a login on a local fictional forum, the session encrypted at rest, comments that
appear only after login (lazy-loaded and behind "load more"/"expand" buttons) in the DOM, the WARC and a
taller screenshot; without the session they are absent."""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from PIL import Image
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tests.evidence.forum_site import PASSWORD, PROFILE_YAML, USER, Forum, serve_forum
from veilleur.errors import NotFoundError
from veilleur.evidence import api
from veilleur.evidence.cli import register
from veilleur.evidence.sessions import SessionStore, import_storage_state, login_form, login_interactive
from veilleur.evidence.vault import EvidenceError, Vault
from veilleur.store import Store

CHROMIUM = "/usr/bin/chromium"
browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def forum() -> Iterator[tuple[str, Forum]]:
    with serve_forum() as f:
        yield f


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, typer.Typer())

    @app.callback()
    def _root() -> None:
        pass

    return app


def _warc(data: bytes) -> list[tuple[str, str, dict[str, str], bytes]]:
    out = []
    for r in ArchiveIterator(io.BytesIO(data)):
        headers = dict(r.http_headers.headers) if r.http_headers else {}
        out.append(
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI") or "",
                headers,
                r.content_stream().read(),
            )
        )
    return out


# -- encrypted session storage (no browser) ---------------------------------------------------------
def test_session_is_encrypted_at_rest_with_a_private_key(tmp_path: Path) -> None:
    st = SessionStore(tmp_path)
    state = {
        "cookies": [{"name": "sid", "value": "VALEUR-SECRETE-42", "domain": ".forum.example", "path": "/"}],
        "origins": [],
    }
    info = st.save(
        "forum", state, account="compte.fictif", login_url="https://forum.example/login", method="form"
    )
    assert info.domains == ("forum.example",) and info.cookies == 1
    files = list((tmp_path / "evidence-sessions").iterdir())
    for f in files:
        assert b"VALEUR-SECRETE-42" not in f.read_bytes(), f.name
    assert stat.S_IMODE(st.key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "evidence-sessions").stat().st_mode) == 0o700
    assert st.load("forum")[1]["cookies"][0]["value"] == "VALEUR-SECRETE-42"
    # a changed key cannot decrypt it: one clear error
    os.chmod(st.key_file, 0o600)
    from cryptography.fernet import Fernet

    st.key_file.write_bytes(Fernet.generate_key())
    with pytest.raises(EvidenceError, match="cannot be decrypted"):
        st.load("forum")


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    st = SessionStore(tmp_path)
    st.save("forum", {"cookies": [], "origins": []}, account=None, login_url=None, method="form")
    os.chmod(st.key_file, 0o644)
    with pytest.raises(EvidenceError, match="chmod 600"):
        st.load("forum")


def test_storage_state_import_list_delete_via_cli(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "state.json"
    src.write_text(
        json.dumps(
            {"cookies": [{"name": "sid", "value": "x", "domain": "127.0.0.1", "path": "/"}], "origins": []}
        )
    )
    runner = CliRunner()
    app = _app()
    r = runner.invoke(
        app,
        ["evidence", "login", "forum", "--storage-state", str(src), "--account", "Dr Fictif (compte perso)"],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["evidence", "sessions", "list", "--json"])
    listed = json.loads(r.output)
    assert [(s["site"], s["account"], s["method"]) for s in listed] == [
        ("forum", "Dr Fictif (compte perso)", "storage-state")
    ]
    r = runner.invoke(app, ["evidence", "sessions", "delete", "forum"])
    assert r.exit_code == 0
    assert json.loads(runner.invoke(app, ["evidence", "sessions", "list", "--json"]).output) == []
    assert not list((Path(store.settings.home) / "evidence-sessions").glob("forum*"))
    with pytest.raises(NotFoundError):
        SessionStore(store.settings.home).delete("forum")


def test_bad_storage_state_and_bad_site_name_are_one_line_errors(tmp_path: Path) -> None:
    from veilleur.errors import InputError

    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    with pytest.raises(InputError, match="storage state"):
        import_storage_state(SessionStore(tmp_path), "forum", bad, account=None)
    with pytest.raises(InputError, match="session name"):
        SessionStore(tmp_path).info("../etc")


def test_headed_login_without_display_is_a_one_line_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    r = CliRunner().invoke(_app(), ["evidence", "login", "forum", "--url", "https://forum.example/login"])
    assert r.exit_code != 0 and "no graphical display" in str(r.exception)
    assert SessionStore(store.settings.home).list() == []


# -- with Chromium -----------------------------------------------------------------------------------
@browser
def test_wrong_password_saves_nothing(tmp_path: Path, forum: tuple[str, Forum]) -> None:
    site, _ = forum
    st = SessionStore(tmp_path)
    with pytest.raises(EvidenceError, match="login failed"):
        login_form(
            st,
            "forum",
            f"{site}/login",
            chromium=CHROMIUM,
            username=USER,
            password="faux",
            account=None,
            timeout_s=30,
        )
    assert st.list() == []


@browser
@pytest.mark.browser
def test_interactive_login_keeps_the_session_when_the_window_is_closed(
    tmp_path: Path, forum: tuple[str, Forum]
) -> None:
    """The user signs in, then closes the window: simulated by a thread that fills the form through the
    server-side session check and then ends the dedicated Chromium (found by its profile folder)."""
    import contextlib
    import signal
    import threading
    import time

    site, srv = forum
    st = SessionStore(tmp_path)
    profile = st.profile_dir("forum")
    n_sessions = len(srv.sessions)

    def browser_pids() -> list[int]:
        pids = []
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(str(profile).encode() in c for c in cmd) and not any(
                c.startswith(b"--type=") for c in cmd
            ):
                pids.append(int(d.name))
        return pids

    def user() -> None:
        deadline = time.monotonic() + 40
        # "signing in": the login page submits its form by itself (autosubmit=1); then the user closes the window
        while time.monotonic() < deadline and len(srv.sessions) == n_sessions:
            time.sleep(0.2)
        time.sleep(1.5)  # the poller reads the storage state at least once after login
        for pid in browser_pids():  # the dedicated Chromium this test's login started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    t = threading.Thread(target=user, daemon=True)
    t.start()
    login_url = f"{site}/login?autosubmit=1"
    t0 = time.monotonic()
    info = login_interactive(
        st, "forum", login_url, chromium=CHROMIUM, account="alice.fictive", timeout_s=45, headless=True
    )
    assert time.monotonic() - t0 < 35  # ended by the closed window, not by the time limit
    t.join(5)
    assert info.method == "interactive" and info.account == "alice.fictive" and info.cookies == 1
    assert next(c["value"] for c in st.load("forum")[1]["cookies"] if c["name"] == "sid") in srv.sessions
    assert not profile.exists()  # the unencrypted Chromium profile is wiped


@browser
@pytest.mark.browser
def test_authenticated_capture_shows_members_only_comments(store: Store, forum: tuple[str, Forum]) -> None:
    site, srv = forum
    home = Path(store.settings.home)
    (home / "site_profiles.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    os.environ["FORUM_PW"] = PASSWORD
    try:
        r = CliRunner().invoke(
            _app(),
            [
                "evidence",
                "login",
                "forum",
                "--url",
                f"{site}/login",
                "--username",
                USER,
                "--password-env",
                "FORUM_PW",
                "--account",
                "alice.fictive (compte de la victime)",
            ],
        )
    finally:
        del os.environ["FORUM_PW"]
    assert r.exit_code == 0, r.output
    sid = next(c["value"] for c in SessionStore(home).load("forum")[1]["cookies"] if c["name"] == "sid")

    anon = api.capture_url(store, f"{site}/thread", actor="moderatrice", timeout_s=40)
    item = api.capture_url(
        store,
        f"{site}/thread",
        actor="moderatrice",
        timeout_s=60,
        session="forum",
        operator="Mme Témoin, modératrice",
    )
    vault = Vault(store)

    html = vault.read(item.file("html")).decode()  # type: ignore[arg-type]
    for needle in (
        "n°1-1",
        "n°2-4",
        "n°3-4",
        "SUITE_REVELEE",
    ):  # on load, lazy-loaded, behind "load more", behind "expand"
        assert needle in html, needle
    assert "data-veilleur-clicked" not in html
    anon_html = vault.read(anon.file("html")).decode()  # type: ignore[arg-type]
    assert "Commentaire réservé" not in anon_html and "Connectez-vous" in anon_html

    records = _warc(vault.read(item.file("warc")))  # type: ignore[arg-type]
    bodies = {uri: body for kind, uri, _, body in records if kind == "response"}
    assert any("n°3-2" in c for c in json.loads(bodies[f"{site}/comments?page=3"])["comments"])
    assert any("n°2-1" in c for c in json.loads(bodies[f"{site}/comments?page=2"])["comments"])
    for _kind, _, headers, body in records:  # the session cookie never reaches the WARC
        assert sid.encode() not in body
        assert all(sid not in v for v in headers.values()), headers
    cookie_headers = [h.get("Cookie") for kind, uri, h, _ in records if kind == "request" and "Cookie" in h]
    assert cookie_headers and all(v == "[masked by veilleur: session secret]" for v in cookie_headers)
    assert any(sid in c for c in srv.cookies_seen)  # the server did receive the session

    shot = Image.open(io.BytesIO(vault.read(item.file("screenshot"))))  # type: ignore[arg-type]
    anon_shot = Image.open(io.BytesIO(vault.read(anon.file("screenshot"))))  # type: ignore[arg-type]
    assert shot.height >= 13 * 160 and shot.height > anon_shot.height + 1000  # 13 comments of 160 px

    obs = item.observed
    assert (
        obs["session"]["authenticated"] is True
        and obs["session"]["account_declared"] == "alice.fictive (compte de la victime)"
    )
    assert obs["session"]["domain_match"] is True
    assert anon.observed["session"] == {"authenticated": False}
    assert obs["profile"]["cookies_at_start"] == 1 and anon.observed["profile"]["cookies_at_start"] == 0
    actions = [s["action"] for s in obs["navigation"]]
    assert actions[0] == "open" and actions.count("click") == 2 and "scroll" in actions
    nav_files = [f for f in item.files if f.role == "navigation"]
    assert len(nav_files) == len(obs["navigation"]) and all(s["sha256"] for s in obs["navigation"])
    assert "session authentifiée" in item.description
    assert obs["constat"]["operator"]["declared"] == "Mme Témoin, modératrice"
    assert not list(Path("/tmp").glob("veilleur-capture-*/session-state.json"))
