"""FastAPI dependencies shared by the pages and the ``/v1`` API."""

from __future__ import annotations

from fastapi import Request

from veilleur.store import Store


def get_store(request: Request) -> Store:
    """The one ``Store`` of the application (``create_app(settings, store)``)."""
    s: Store = request.app.state.store
    return s
