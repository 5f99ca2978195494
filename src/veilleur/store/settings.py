"""Settings of the store: ``[database]`` and ``[store]`` in veilleur.toml (see docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("database")
@dataclass(frozen=True)
class DatabaseSettings:
    url: str | None = setting(
        None,
        "SQLAlchemy URL of the database (default: SQLite file in the home); "
        "VEILLEUR_DB and --db take precedence",
    )


@section("store")
@dataclass(frozen=True)
class StoreSettings:
    busy_timeout_s: float = setting(
        30.0, "CLI and other writers: wait this long for the write lock, then one clear error"
    )
