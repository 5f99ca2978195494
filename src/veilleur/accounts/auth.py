"""Accounts, roles, API tokens, server-side sessions and login rate limiting for the workspace.

Passwords are argon2 hashes; tokens and session ids are random and stored as SHA-256 digests, so a
copy of the database gives no usable credential. Every change is written to the audit log.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select, update

from veilleur.accounts.models import ROLES, ApiTokenRow, Role, SessionRow, UserRow
from veilleur.errors import DatabaseBusyError, InputError, NotFoundError
from veilleur.serialize import as_dict
from veilleur.store import Store
from veilleur.store.models import now_utc

log = logging.getLogger(__name__)
T = TypeVar("T")
_hasher = PasswordHasher()
# Verified against when the login is unknown, so a wrong login costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("veilleur-dummy-password")
MIN_PASSWORD = 10
TOKEN_PREFIX = "vt_"

# Roles that may see the moderation workspace, from most to least powerful. "target" is apart.
STAFF_ROLES: tuple[Role, ...] = ("admin", "moderator", "viewer")
RANK: dict[Role, int] = {"admin": 3, "moderator": 2, "viewer": 1, "target": 0}


@dataclass(frozen=True)
class User:
    login: str
    role: Role
    display_name: str
    email: str | None
    disabled: bool
    created_at: datetime
    last_login: datetime | None

    def can(self, minimum: Role) -> bool:
        """Staff roles are ordered admin > moderator > viewer; a target is never staff."""
        if self.role == "target":
            return minimum == "target"
        return RANK[self.role] >= RANK[minimum]

    def to_dict(self) -> dict[str, object]:
        return as_dict(self)


def _user(r: UserRow) -> User:
    return User(r.login, check_role(r.role), r.display_name, r.email, r.disabled, r.created_at, r.last_login)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise InputError("role", f"unknown role {role!r} (expected one of {', '.join(ROLES)})")


def add_user(
    store: Store,
    login: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    email: str | None = None,
    actor: str = "cli",
) -> User:
    login = login.strip()
    if not login or len(login) > 255 or any(c.isspace() for c in login):
        raise InputError("login", "a login is 1 to 255 characters without spaces")
    check_role(role)
    if len(password) < MIN_PASSWORD:
        raise InputError("password", f"too short: at least {MIN_PASSWORD} characters")
    password_hash = _hasher.hash(password)
    with store.transaction() as s:  # the account and its audit row: both or neither
        if s.get(UserRow, login) is not None:
            raise InputError("login", f"user {login!r} already exists")
        s.add(
            UserRow(
                login=login,
                password_hash=password_hash,
                role=role,
                display_name=display_name or login,
                email=email,
                disabled=False,
                created_at=now_utc(),
            )
        )
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
    with store.transaction() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        before, r.role = r.role, role
        store.audit(actor, "user.role", login, {"before": before, "role": role})
    return get_user(store, login)


def set_disabled(store: Store, login: str, disabled: bool = True, actor: str = "cli") -> User:
    with store.transaction() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        r.disabled = disabled
        if disabled:  # a disabled account loses its open sessions at once
            s.execute(delete(SessionRow).where(SessionRow.login == login))
        store.audit(actor, "user.disabled" if disabled else "user.enabled", login, {})
    return get_user(store, login)


def set_password(
    store: Store, login: str, password: str, actor: str = "cli", *, keep_session: str | None = None
) -> int:
    """Set a new password and end the account's sessions (all of them, or all but ``keep_session``, the
    cookie value of the session that made the change). Returns the number of sessions ended.
    The new hash, the ended sessions and the audit row commit together (all or nothing)."""
    if len(password) < MIN_PASSWORD:
        raise InputError("password", f"too short: at least {MIN_PASSWORD} characters")
    new_hash = _hasher.hash(password)  # argon2 outside the transaction: no write lock held while hashing
    with store.transaction() as s:
        r = s.get(UserRow, login)
        if r is None:
            raise NotFoundError(f"no user {login!r}")
        r.password_hash = new_hash
        q = delete(SessionRow).where(SessionRow.login == login)
        if keep_session:
            q = q.where(SessionRow.id_sha256 != sha256_hex(keep_session))
        ended = int(s.execute(q).rowcount or 0)  # type: ignore[attr-defined]
        store.audit(actor, "user.password", login, {"sessions_ended": ended})
    return ended


def authenticate(store: Store, login: str, password: str) -> User | None:
    """The user when the password matches and the account is enabled, else None (same cost either way)."""
    return check_password(store, login, password)[0]


def check_password(store: Store, login: str, password: str) -> tuple[User | None, bool]:
    """(user or None, whether the login exists). The argon2 check runs outside any database transaction;
    the write (last login, hash upgrade) is a short transaction of its own, retried once if the database
    was busy, and refused if the password changed meanwhile."""
    with store.session() as s:
        r = s.get(UserRow, login)
        stored = r.password_hash if r is not None else _DUMMY_HASH
        known = r is not None
        enabled = r is not None and not r.disabled
    try:
        _hasher.verify(stored, password)
        ok = enabled
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        return None, known
    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None

    def record() -> User | None:
        with store.session() as s:
            row = s.get(UserRow, login)
            if row is None or row.disabled or row.password_hash != stored:
                return None
            if new_hash:
                row.password_hash = new_hash
            row.last_login = now_utc()
            return _user(row)

    return retry_busy(record), known


def retry_busy(fn: Callable[[], T], attempts: int = 2) -> T:
    """``fn()``, run again when the database was busy (each try waits the store's busy timeout)."""
    for i in range(attempts):
        try:
            return fn()
        except DatabaseBusyError:
            if i == attempts - 1:
                raise
    raise AssertionError("unreachable")


# -- API tokens ------------------------------------------------------------------------------------
def create_token(store: Store, login: str, name: str = "", actor: str = "cli") -> tuple[str, str]:
    """A new token for ``login``: returns (token id, the secret token, shown once and never stored)."""
    get_user(store, login)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = "tok_" + uuid.uuid4().hex[:12]
    with store.transaction() as s:
        s.add(
            ApiTokenRow(
                id=token_id,
                login=login,
                token_sha256=sha256_hex(token),
                name=name,
                created_at=now_utc(),
                revoked=False,
            )
        )
        store.audit(actor, "token.created", login, {"token_id": token_id, "name": name})
    return token_id, token


def revoke_token(store: Store, token_id: str, actor: str = "cli") -> None:
    with store.transaction() as s:
        r = s.get(ApiTokenRow, token_id)
        if r is None:
            raise NotFoundError(f"no token {token_id!r}")
        r.revoked = True
        store.audit(actor, "token.revoked", r.login, {"token_id": token_id})


def list_tokens(store: Store, login: str | None = None) -> list[dict[str, object]]:
    q = select(ApiTokenRow).order_by(ApiTokenRow.created_at)
    if login:
        q = q.where(ApiTokenRow.login == login)
    with store.session() as s:
        return [
            {
                "id": r.id,
                "login": r.login,
                "name": r.name,
                "created_at": r.created_at.isoformat(),
                "revoked": r.revoked,
            }
            for r in s.scalars(q)
        ]


TOKEN_TOUCH_S = 60  # last_used is written at most once a minute per token


def user_for_token(store: Store, token: str, *, touch: bool = True) -> User | None:
    """The token's user (None when unknown, revoked or disabled). Reading only; ``last_used`` is updated
    at most once a minute, best effort: a busy database (a long import) never delays an API call for it."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with store.session() as s:
        t = s.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == sha256_hex(token)))
        if t is None or t.revoked:
            return None
        u = s.get(UserRow, t.login)
        if u is None or u.disabled:
            return None
        user, token_id, last = _user(u), t.id, t.last_used
    if touch:
        now = now_utc()
        if last is None or (now - _aware(last)).total_seconds() > TOKEN_TOUCH_S:
            _touch_token(store, token_id, now)
    return user


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _touch_token(store: Store, token_id: str, now: datetime) -> None:
    wait = store.busy_timeout()
    try:
        with store.engine.connect() as conn:
            if wait is not None:
                conn.exec_driver_sql("PRAGMA busy_timeout=50")
            try:
                conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used=now))
                conn.commit()
            finally:
                if wait is not None:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait * 1000)}")
    except DatabaseBusyError:
        log.info("token %s: last_used not updated (database busy)", token_id)


# -- sessions ----------------------------------------------------------------------------------------
def log_in(store: Store, login: str, hours: float = 12.0, ip: str = "") -> tuple[str, str]:
    """A new session for ``login`` and its "login" audit row, in one transaction (both or neither)."""
    with store.transaction():
        sid, csrf = create_session(store, login, hours=hours)
        store.audit(login, "login", None, {"ip": ip})
    return sid, csrf


def create_session(store: Store, login: str, hours: float = 12.0) -> tuple[str, str]:
    """A new session: returns (session id for the cookie, CSRF token). Only the id's digest is stored."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = now_utc()
    with store.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
        s.add(
            SessionRow(
                id_sha256=sha256_hex(sid),
                login=login,
                csrf=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
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
    """Refuses logins after too many failures for one login or one address within a window (in memory).

    ``begin`` checks and reserves in one step under a lock: an attempt in flight counts as a failure until
    it ends, so concurrent requests cannot try more passwords than the limit. ``slot`` bounds the number
    of password checks running at once (argon2 takes 64 MiB each). Memory is bounded: blocked attempts
    create no entry, empty entries are dropped, and past ``max_keys`` entries the expired then the oldest go.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 900.0,
        max_per_ip: int = 20,
        *,
        max_keys: int = 50_000,
        max_concurrent: int = 2,
        slot_wait_s: float = 10.0,
    ) -> None:
        self.max_failures = max_failures
        self.max_per_ip = max_per_ip
        self.window_s = window_s
        self.max_keys = max_keys
        self.slot_wait_s = slot_wait_s
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()
        self._pending: dict[str, int] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))

    def _count(self, key: str, now: float) -> int:
        q = self._fails.get(key)
        if q is None:
            return self._pending.get(key, 0)
        while q and q[0] < now - self.window_s:
            q.popleft()
        if not q:
            del self._fails[key]
        return len(q) + self._pending.get(key, 0)

    def _over(self, login: str, ip: str, now: float) -> bool:
        return (
            self._count("u:" + login, now) >= self.max_failures
            or self._count("ip:" + ip, now) >= self.max_per_ip
        )

    def blocked(self, login: str, ip: str) -> bool:
        with self._lock:
            return self._over(login, ip, time.monotonic())

    def begin(self, login: str, ip: str) -> bool:
        """False when this login or address is over its limit; else the attempt is reserved (call ``end``)."""
        with self._lock:
            if self._over(login, ip, time.monotonic()):
                return False
            for key in ("u:" + login, "ip:" + ip):
                self._pending[key] = self._pending.get(key, 0) + 1
            return True

    def end(self, login: str, ip: str, ok: bool | None) -> None:
        """Close an attempt: ``ok`` True clears the login's failures, False counts one, None only releases it."""
        now = time.monotonic()
        with self._lock:
            for key in ("u:" + login, "ip:" + ip):
                n = self._pending.get(key, 0) - 1
                if n > 0:
                    self._pending[key] = n
                else:
                    self._pending.pop(key, None)
            if ok is None:
                return
            if ok:
                self._fails.pop("u:" + login, None)
                return
            for key in ("u:" + login, "ip:" + ip):
                q = self._fails.get(key)
                if q is None:
                    q = self._fails[key] = deque()
                q.append(now)
                self._fails.move_to_end(key)
            self._prune(now)

    def _prune(self, now: float) -> None:
        if len(self._fails) <= self.max_keys:
            return
        for key in [k for k, q in self._fails.items() if not q or q[-1] < now - self.window_s]:
            del self._fails[key]
        while len(self._fails) > self.max_keys:
            self._fails.popitem(last=False)

    def failed(self, login: str, ip: str) -> None:
        """Count a failure (``begin`` + ``end``, without the check)."""
        with self._lock:
            for key in ("u:" + login, "ip:" + ip):
                self._pending[key] = self._pending.get(key, 0) + 1
        self.end(login, ip, ok=False)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._fails.pop("u:" + login, None)

    def size(self) -> int:
        with self._lock:
            return len(self._fails) + len(self._pending)

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """One of the few password-check slots; yields False when none freed up within ``slot_wait_s``."""
        got = self._slots.acquire(timeout=self.slot_wait_s)
        try:
            yield got
        finally:
            if got:
                self._slots.release()


class AuditThrottle:
    """At most one audit row per key and interval; the rows skipped meanwhile are counted in the next one.

    Used for refused logins (throttled attempts, unknown logins): a flood of attempts under new login
    names cannot grow the audit log without bound. Keys are bounded too (oldest dropped first)."""

    def __init__(self, interval_s: float = 60.0, max_keys: int = 10_000) -> None:
        self.interval_s = interval_s
        self.max_keys = max_keys
        self._last: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        """None: skip this row (counted). Else write it, with this many rows skipped since the last one."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < self.interval_s:
                self._last[key] = (last[0], last[1] + 1)
                return None
            self._last[key] = (now, 0)
            self._last.move_to_end(key)
            while len(self._last) > self.max_keys:
                self._last.popitem(last=False)
            return last[1] if last else 0
