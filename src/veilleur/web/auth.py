"""Accounts, roles, API tokens, server-side sessions and login rate limiting for the workspace.

Passwords are argon2 hashes; tokens and session ids are random and stored as SHA-256 digests, so a
copy of the database gives no usable credential. Every change is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select

from veilleur.errors import InputError, NotFoundError
from veilleur.store import Store
from veilleur.store.models import now_utc
from veilleur.web.models import ROLES, ApiTokenRow, SessionRow, UserRow

_hasher = PasswordHasher()
# Verified against when the login is unknown, so a wrong login costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("veilleur-dummy-password")
MIN_PASSWORD = 10
TOKEN_PREFIX = "vt_"

# Roles that may see the moderation workspace, from most to least powerful. "target" is apart.
STAFF_ROLES = ("admin", "moderator", "viewer")
RANK = {"admin": 3, "moderator": 2, "viewer": 1, "target": 0}


@dataclass(frozen=True)
class User:
    login: str
    role: str
    display_name: str
    email: str | None
    disabled: bool
    created_at: datetime
    last_login: datetime | None

    def can(self, minimum: str) -> bool:
        """Staff roles are ordered admin > moderator > viewer; a target is never staff."""
        if self.role == "target":
            return minimum == "target"
        return RANK[self.role] >= RANK[minimum]

    def to_dict(self) -> dict[str, object]:
        return {
            "login": self.login,
            "role": self.role,
            "display_name": self.display_name,
            "email": self.email,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
            "last_login": self.last_login.isoformat() if self.last_login else None,
        }


def _user(r: UserRow) -> User:
    return User(r.login, r.role, r.display_name, r.email, r.disabled, r.created_at, r.last_login)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    return role


def add_user(store: Store, login: str, password: str, role: str, *, display_name: str = "", email: str | None = None, actor: str = "cli") -> User:
    login = login.strip()
    if not login or len(login) > 255 or any(c.isspace() for c in login):
        raise InputError("login", "a login is 1 to 255 characters without spaces")
    check_role(role)
    if len(password) < MIN_PASSWORD:
        raise InputError("password", f"too short: at least {MIN_PASSWORD} characters")
    with store.session() as s:
        if s.get(UserRow, login) is not None:
            raise InputError("login", f"user {login!r} already exists")
        s.add(UserRow(login=login, password_hash=_hasher.hash(password), role=role, display_name=display_name or login, email=email, disabled=False, created_at=now_utc()))
    store.audit(actor, "user.added", login, {"role": role})
    return get_user(store, login)


def get_user(store: Store, login: str) -> User:
    with store.session() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        return _user(r)


def list_users(store: Store) -> list[User]:
    with store.session() as s:
        return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.login))]


def set_role(store: Store, login: str, role: str, actor: str = "cli") -> User:
    check_role(role)
    with store.session() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        before, r.role = r.role, role
    store.audit(actor, "user.role", login, {"before": before, "role": role})
    return get_user(store, login)


def set_disabled(store: Store, login: str, disabled: bool = True, actor: str = "cli") -> User:
    with store.session() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        r.disabled = disabled
        if disabled:  # a disabled account loses its open sessions at once
            s.execute(delete(SessionRow).where(SessionRow.login == login))
    store.audit(actor, "user.disabled" if disabled else "user.enabled", login, {})
    return get_user(store, login)


def set_password(store: Store, login: str, password: str, actor: str = "cli") -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError("password", f"too short: at least {MIN_PASSWORD} characters")
    with store.session() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        r.password_hash = _hasher.hash(password)
    store.audit(actor, "user.password", login, {})


def authenticate(store: Store, login: str, password: str) -> User | None:
    """The user when the password matches and the account is enabled, else None (same cost either way)."""
    with store.session() as s:
        r = s.get(UserRow, login)
        stored = r.password_hash if r is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
            ok = r is not None and not r.disabled
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or r is None:
            return None
        if _hasher.check_needs_rehash(r.password_hash):
            r.password_hash = _hasher.hash(password)
        r.last_login = now_utc()
        return _user(r)


# -- API tokens ------------------------------------------------------------------------------------
def create_token(store: Store, login: str, name: str = "", actor: str = "cli") -> tuple[str, str]:
    """A new token for ``login``: returns (token id, the secret token, shown once and never stored)."""
    get_user(store, login)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = "tok_" + uuid.uuid4().hex[:12]
    with store.session() as s:
        s.add(ApiTokenRow(id=token_id, login=login, token_sha256=sha256_hex(token), name=name, created_at=now_utc(), revoked=False))
    store.audit(actor, "token.created", login, {"token_id": token_id, "name": name})
    return token_id, token


def revoke_token(store: Store, token_id: str, actor: str = "cli") -> None:
    with store.session() as s:
        r = s.get(ApiTokenRow, token_id)
        if r is None:
            raise NotFoundError(f"no token {token_id!r}")
        r.revoked = True
        login = r.login
    store.audit(actor, "token.revoked", login, {"token_id": token_id})


def list_tokens(store: Store, login: str | None = None) -> list[dict[str, object]]:
    q = select(ApiTokenRow).order_by(ApiTokenRow.created_at)
    if login:
        q = q.where(ApiTokenRow.login == login)
    with store.session() as s:
        return [
            {"id": r.id, "login": r.login, "name": r.name, "created_at": r.created_at.isoformat(), "revoked": r.revoked}
            for r in s.scalars(q)
        ]


def user_for_token(store: Store, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.session() as s:
        t = s.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == sha256_hex(token)))
        if t is None or t.revoked:
            return None
        u = s.get(UserRow, t.login)
        if u is None or u.disabled:
            return None
        t.last_used = now_utc()
        return _user(u)


# -- sessions ----------------------------------------------------------------------------------------
def create_session(store: Store, login: str, hours: float = 12.0) -> tuple[str, str]:
    """A new session: returns (session id for the cookie, CSRF token). Only the id's digest is stored."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = now_utc()
    with store.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        s.add(SessionRow(id_sha256=sha256_hex(sid), login=login, csrf=csrf, created_at=now, expires_at=now + timedelta(hours=hours)))
    return sid, csrf


def session_user(store: Store, sid: str) -> tuple[User, str] | None:
    """(user, CSRF token) for a live session id, or None."""
    with store.session() as s:
        row = s.get(SessionRow, sha256_hex(sid))
        if row is None or row.expires_at < now_utc():
            return None
        u = s.get(UserRow, row.login)
        if u is None or u.disabled:
            return None
        return _user(u), row.csrf


def end_session(store: Store, sid: str) -> None:
    with store.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.id_sha256 == sha256_hex(sid)))


class LoginLimiter:
    """Refuses logins after too many failures for one login or one address within a window (in memory)."""

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, max_per_ip: int = 20) -> None:
        self.max_failures = max_failures
        self.max_per_ip = max_per_ip
        self.window_s = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] < now - self.window_s:
            q.popleft()
        return q

    def blocked(self, login: str, ip: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return len(self._recent("u:" + login, now)) >= self.max_failures or len(self._recent("ip:" + ip, now)) >= self.max_per_ip

    def failed(self, login: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent("u:" + login, now).append(now)
            self._recent("ip:" + ip, now).append(now)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._fails.pop("u:" + login, None)
