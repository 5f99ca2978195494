"""The HTTP adapter: moderator web pages and the REST API ``/v1`` (FastAPI) over ``moderate``,
``accounts``, ``notify``, ``respond`` and ``evidence``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from veilleur.config import Settings
    from veilleur.store import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the FastAPI app (imported lazily so ``veilleur`` CLI start-up stays fast)."""
    from veilleur.web.app import create_app as _create

    return _create(settings, store)


__all__: list[Any] = ["create_app"]
