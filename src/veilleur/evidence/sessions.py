"""Logged-in sessions for URL captures, kept encrypted at rest.

``veilleur evidence login SITE --url LOGIN_URL`` opens a visible Chromium window on a *dedicated* profile
under ``$VEILLEUR_HOME/evidence-sessions/profiles/SITE`` (never the user's everyday browser profile); the
user signs in, then closes the window. veilleur keeps the session's Playwright *storage state* (cookies and
local storage) encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key file created 0600 in
``$VEILLEUR_HOME/evidence-sessions/sessions.key``, and wipes the Chromium profile (whose cookie database is
not encrypted at rest on Linux). Non-interactive paths (tests, servers): a login form filled from
``--username`` / ``--password-env``, or an existing storage-state file.

The storage state is decrypted only into the capture's private temporary folder (0600), read by the
capture worker when it opens its fresh browser context, and deleted at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veilleur.config import has_display
from veilleur.errors import InputError, NotFoundError
from veilleur.evidence.vault import EvidenceError
from veilleur.serialize import as_dict

SITE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DIR_NAME = "evidence-sessions"
LOGIN_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USERNAME_SELECTORS = (
    'input[autocomplete="username"]',
    'input[type="email"]',
    'input[name="username"]',
    'input[name="email"]',
    'input[name="login"]',
    'input[name="user"]',
    'input[type="text"]',
)
PASSWORD_SELECTOR = 'input[type="password"]'
SUBMIT_SELECTORS = ('button[type="submit"]', 'input[type="submit"]', "button")


@dataclass(frozen=True)
class SessionInfo:
    site: str
    account: str | None
    login_url: str | None
    created_at: str
    method: str  # interactive | form | storage-state
    cookies: int
    domains: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


def check_site(site: str) -> str:
    s = (site or "").strip().lower()
    if not SITE_RE.match(s):
        raise InputError(
            "SITE", f"session name {site!r}: use letters, digits, '.', '_' or '-' (e.g. facebook)"
        )
    return s


class SessionStore:
    """Encrypted storage states, one per site name, under ``home/evidence-sessions``."""

    def __init__(self, home: str | Path) -> None:
        self.dir = Path(home) / DIR_NAME
        self.key_file = self.dir / "sessions.key"

    # -- key ---------------------------------------------------------------------------------------
    def _fernet(self, create: bool) -> Any:
        from cryptography.fernet import Fernet

        if not self.key_file.exists():
            if not create:
                raise EvidenceError(f"no session key in {self.dir}: no session was ever saved here")
            self.dir.mkdir(parents=True, exist_ok=True)
            os.chmod(self.dir, 0o700)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        mode = self.key_file.stat().st_mode & 0o777
        if mode & 0o077:
            raise EvidenceError(
                f"{self.key_file}: permissions {oct(mode)} let others read the session key; run chmod 600"
            )
        return Fernet(self.key_file.read_bytes().strip())

    # -- files -------------------------------------------------------------------------------------
    def _paths(self, site: str) -> tuple[Path, Path]:
        s = check_site(site)
        return self.dir / f"{s}.state.enc", self.dir / f"{s}.json"

    def profile_dir(self, site: str) -> Path:
        return self.dir / "profiles" / check_site(site)

    def save(
        self, site: str, state: dict[str, Any], *, account: str | None, login_url: str | None, method: str
    ) -> SessionInfo:
        if (
            not isinstance(state, dict)
            or not isinstance(state.get("cookies", []), list)
            or not isinstance(state.get("origins", []), list)
        ):
            raise InputError(
                "storage state",
                "not a Playwright storage state (expected {'cookies': [...], 'origins': [...]})",
            )
        state = {"cookies": state.get("cookies", []), "origins": state.get("origins", [])}
        enc, meta = self._paths(site)
        token = self._fernet(create=True).encrypt(json.dumps(state).encode("utf-8"))
        domains = sorted(
            {str(c.get("domain", "")).lstrip(".") for c in state["cookies"] if isinstance(c, dict)} - {""}
        )
        info = SessionInfo(
            check_site(site),
            account or None,
            login_url,
            datetime.now(UTC).isoformat(),
            method,
            len(state["cookies"]),
            tuple(domains),
        )
        for path, data in (
            (enc, token),
            (meta, json.dumps(info.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")),
        ):
            tmp = path.with_suffix(path.suffix + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        return info

    def info(self, site: str) -> SessionInfo:
        enc, meta = self._paths(site)
        if not enc.exists() or not meta.exists():
            raise NotFoundError(f"no saved session {site!r} (veilleur evidence login {site} --url …)")
        d = json.loads(meta.read_text(encoding="utf-8"))
        return SessionInfo(
            d["site"],
            d.get("account"),
            d.get("login_url"),
            d["created_at"],
            d["method"],
            int(d["cookies"]),
            tuple(d["domains"]),
        )

    def load(self, site: str) -> tuple[SessionInfo, dict[str, Any]]:
        from cryptography.fernet import InvalidToken

        info = self.info(site)
        enc, _ = self._paths(site)
        try:
            state = json.loads(self._fernet(create=False).decrypt(enc.read_bytes()))
        except InvalidToken:
            raise EvidenceError(
                f"session {site!r} cannot be decrypted (key file changed or file altered); log in again"
            ) from None
        return info, state

    def list(self) -> list[SessionInfo]:
        if not self.dir.is_dir():
            return []
        out = []
        for p in sorted(self.dir.glob("*.state.enc")):
            with contextlib.suppress(NotFoundError, ValueError, KeyError, OSError):
                out.append(self.info(p.name[: -len(".state.enc")]))
        return out

    def delete(self, site: str) -> None:
        enc, meta = self._paths(site)
        if not enc.exists() and not meta.exists() and not self.profile_dir(site).exists():
            raise NotFoundError(f"no saved session {site!r}")
        for p in (enc, meta):
            if p.exists():
                _shred(p)
        shutil.rmtree(self.profile_dir(site), ignore_errors=True)

    def write_plain(self, site: str, dest: Path) -> SessionInfo:
        """Decrypt into ``dest`` (0600) for one capture; the caller deletes it."""
        info, state = self.load(site)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        return info


def _shred(p: Path) -> None:
    """Overwrite then remove (best effort on journaling/SSD disks; the content was encrypted anyway)."""
    with contextlib.suppress(OSError):
        size = p.stat().st_size
        with p.open("r+b") as f:
            f.write(os.urandom(size))
            f.flush()
            os.fsync(f.fileno())
    p.unlink(missing_ok=True)


def _url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise InputError(url, "login URL must start with http:// or https://")
    return url


# -- logins ----------------------------------------------------------------------------------------
def login_interactive(
    store: SessionStore,
    site: str,
    url: str,
    *,
    chromium: str,
    account: str | None,
    timeout_s: float = 900,
    headless: bool = False,
) -> SessionInfo:
    """Headed Chromium on a dedicated profile; returns when the user closes the window (``headless``: tests only)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    _url(url)
    if not headless and not has_display():
        raise EvidenceError(
            "no graphical display for the login window: use --storage-state FILE or --username/--password-env"
        )
    profile = store.profile_dir(site)
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir(parents=True, exist_ok=True)
    os.chmod(profile, 0o700)
    last: dict[str, Any] | None = None
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(profile),
                executable_path=chromium,
                headless=headless,
                args=LOGIN_FLAGS,
                locale="fr-FR",
                viewport=None,
            )
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            page.goto(url)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                try:
                    if not ctx.pages:
                        break
                    last = dict(ctx.storage_state())
                    ctx.pages[0].wait_for_timeout(700)
                except PlaywrightError:
                    break  # the user closed the window
            with contextlib.suppress(PlaywrightError):
                ctx.close()
    finally:
        shutil.rmtree(
            profile, ignore_errors=True
        )  # its cookie database is not encrypted: only the sealed state stays
    if not last or not last.get("cookies"):
        raise EvidenceError(f"no cookies after the login window closed: session {site!r} not saved")
    return store.save(site, last, account=account, login_url=url, method="interactive")


def login_form(
    store: SessionStore,
    site: str,
    url: str,
    *,
    chromium: str,
    username: str,
    password: str,
    account: str | None,
    username_selector: str | None = None,
    password_selector: str | None = None,
    submit_selector: str | None = None,
    timeout_s: float = 60,
) -> SessionInfo:
    """Headless login through the site's form (for tests and unattended servers)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    _url(url)
    ms = int(timeout_s * 1000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=LOGIN_FLAGS, timeout=ms)
        try:
            ctx = browser.new_context(locale="fr-FR", service_workers="block")
            page = ctx.new_page()
            try:
                page.goto(url, wait_until="load", timeout=ms)
                pw = page.locator(password_selector or PASSWORD_SELECTOR).first
                pw.wait_for(state="visible", timeout=ms // 2)
                user_loc = None
                for sel in [username_selector] if username_selector else USERNAME_SELECTORS:
                    loc = page.locator(sel).first
                    if loc.count() and loc.is_visible():
                        user_loc = loc
                        break
                if user_loc is None:
                    raise EvidenceError(f"{url}: no user name field found (give --username-selector)")
                user_loc.fill(username)
                pw.fill(password)
                before = page.url
                sub = None
                for sel in [submit_selector] if submit_selector else SUBMIT_SELECTORS:
                    loc = page.locator(sel).first
                    if loc.count() and loc.is_visible():
                        sub = loc
                        break
                with (
                    contextlib.suppress(PlaywrightError),
                    page.expect_navigation(timeout=ms // 2, wait_until="load"),
                ):
                    if sub is not None:
                        sub.click()
                    else:
                        pw.press("Enter")
                page.wait_for_timeout(300)
                still_form = (
                    page.locator(password_selector or PASSWORD_SELECTOR).count() > 0 and page.url == before
                )
            except PlaywrightError as exc:
                raise EvidenceError(f"{url}: login failed: {str(exc).splitlines()[0]}") from None
            if still_form:
                raise EvidenceError(
                    f"{url}: login failed (the password form is still shown): session {site!r} not saved"
                )
            state = ctx.storage_state()
        finally:
            with contextlib.suppress(PlaywrightError):
                browser.close()
    return store.save(site, state, account=account, login_url=url, method="form")  # type: ignore[arg-type]


def import_storage_state(
    store: SessionStore, site: str, path: str | Path, *, account: str | None
) -> SessionInfo:
    p = Path(path)
    try:
        state = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, "file not found") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(p, f"not a JSON storage state ({exc.__class__.__name__})") from None
    return store.save(site, state, account=account, login_url=None, method="storage-state")


__all__ = [
    "SessionInfo",
    "SessionStore",
    "check_site",
    "import_storage_state",
    "login_form",
    "login_interactive",
]
