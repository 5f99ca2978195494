"""Shared fixtures: an isolated VEILLEUR_HOME per test, and stores on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("VEILLEUR_TEST_PG_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("VEILLEUR_HOME", str(home))
    monkeypatch.delenv("VEILLEUR_DB", raising=False)
    monkeypatch.delenv("VEILLEUR_CONFIG", raising=False)
    return home


def _pg_database() -> Iterator[str]:
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI must run the PostgreSQL tests: VEILLEUR_TEST_PG_URL is not set")
        pytest.skip("VEILLEUR_TEST_PG_URL not set (make test starts a server)")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database URL, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        yield from _pg_database()


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    from veilleur.config import load_settings
    from veilleur.store import Store

    s = Store.open(load_settings(db_url=db_url))
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from veilleur.config import load_settings
    from veilleur.store import Store

    s = Store.open(load_settings(db_url=f"sqlite:///{tmp_path / 'one.sqlite'}"))
    yield s
    s.close()
