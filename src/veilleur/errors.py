"""Errors that reach the user as one clear line (the CLI prints them without a traceback).

Each class carries what an adapter needs to report it: ``status`` (HTTP), ``code`` (the API's
``error`` field), ``exit_code`` (the CLI) and ``headers`` (HTTP, e.g. ``Retry-After``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class VeilleurError(Exception):
    """Base class: the message is shown to the user as is."""

    status: int = 400
    code: str = "bad_request"
    exit_code: int = 2
    headers: dict[str, str] = {}  # noqa: RUF012  (read-only class default)


class InputError(VeilleurError):
    """Bad input: malformed export, unknown format, unsafe archive... Names the file and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ConfigError(VeilleurError):
    """Bad configuration value or missing setting."""


class NotFoundError(VeilleurError):
    """A requested record (message, finding, case, evidence item) does not exist."""

    status = 404
    code = "not_found"


class DatabaseBusyError(VeilleurError):
    """Another process held the database's write lock for longer than the busy timeout (SQLite)."""

    status = 503
    code = "database_busy"
    headers = {"Retry-After": "10"}  # noqa: RUF012


def run_command(main: Callable[[], Any]) -> int:
    """Runs a module's ``main`` as a command (``python -m …``): a ``VeilleurError`` is one line on stderr and its exit
    code (2), no traceback; else ``main``'s own status (None: 0)."""
    try:
        rc = main()
    except VeilleurError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return rc if isinstance(rc, int) else 0
