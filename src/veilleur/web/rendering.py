"""Rendering shared by the HTML pages: the template response with the user's language, CSRF token and
translation function, and Paris-time filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from veilleur.i18n import pick_lang, translate
from veilleur.web.security import Principal

PARIS = ZoneInfo("Europe/Paris")


def paris(dt: datetime | None) -> str:
    return dt.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if dt else ""


def lang_of(request: Request) -> str:
    return pick_lang(request.cookies.get("lang"))


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **ctx: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    templates: Jinja2Templates = request.app.state.templates

    def _(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    ctx.update(
        request=request,
        user=principal.user if principal else None,
        csrf=principal.csrf if principal else "",
        lang=lang,
        _=_,
        path=request.url.path,
        full_path=full_path(request),
    )
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)


def full_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")
