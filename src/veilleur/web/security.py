"""Request-level security for the workspace: who is asking (session cookie or API token), role checks, CSRF."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request

from veilleur.accounts import auth
from veilleur.accounts.auth import User
from veilleur.accounts.models import Role
from veilleur.web.deps import get_store

SESSION_COOKIE = "veilleur_session"
PRELOGIN_COOKIE = "veilleur_prelogin"


class LoginRequired(Exception):
    """Raised by page handlers when nobody is logged in (answered by a redirect to /login)."""


class Forbidden(Exception):
    """The user's role does not allow this page or action (answered 403)."""


class CsrfFailed(Exception):
    """A form POST without the session's CSRF token (answered 403)."""


@dataclass(frozen=True)
class Principal:
    user: User
    csrf: str


def page_principal(request: Request) -> Principal | None:
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid:
        return None
    found = auth.session_user(get_store(request), sid)
    return Principal(*found) if found else None


def require_page(request: Request, minimum: Role) -> Principal:
    """The logged-in principal with at least ``minimum`` role ("target" pages accept staff too)."""
    p = page_principal(request)
    if p is None:
        raise LoginRequired()
    if minimum == "target":
        return p
    if not p.user.can(minimum):
        raise Forbidden()
    return p


def check_csrf(principal: Principal, token: str | None) -> None:
    if not token or not secrets.compare_digest(token, principal.csrf):
        raise CsrfFailed()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(value: str | None, default: str = "/") -> str:
    """Only local paths: never redirect (or link back) to another site after login or an action.

    Browsers drop TAB/CR/LF anywhere in a URL and strip leading control characters and spaces, so
    ``/\t/evil.example`` becomes ``//evil.example`` (another host): any non-printable character is refused.
    """
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if not value.isprintable():  # control, format (bidi, zero-width) and line/paragraph separators
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def safe_url(value: str | None) -> str | None:
    """An external link target only when it is http(s) with a host (no ``javascript:``, ``data:``...)."""
    if not value or len(value) > 2000 or not value.isprintable() or "\\" in value:
        return None
    v = value.strip()
    try:
        parts = urlsplit(v)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return v
