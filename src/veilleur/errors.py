"""Errors that reach the user as one clear line (the CLI prints them without a traceback)."""

from __future__ import annotations


class VeilleurError(Exception):
    """Base class: the message is shown to the user as is."""


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


class DatabaseBusyError(VeilleurError):
    """Another process held the database's write lock for longer than the busy timeout (SQLite)."""
