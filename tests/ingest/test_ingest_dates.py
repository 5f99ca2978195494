"""Absurd message dates (I14) are refused at import with one clear line; dates a little ahead of now are
imported with a warning. Both paths: an export, and the live path the API uses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import msg
from veilleur.errors import InputError
from veilleur.ingest.importer import import_messages, import_path
from veilleur.store import Store


def _export(tmp_path: Path, when: str | int) -> Path:
    p = tmp_path / "dates.jsonl"
    recs = [
        {"id": "ok", "author": "Alice", "created_at": "2026-03-14T10:00:00+01:00", "text": "normal"},
        {"id": "odd", "author": "Bob", "created_at": when, "text": "date étrange"},
    ]
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59Z", "3000-01-01T00:00:00Z", 0, -1, "1969-07-20T20:17:00Z"]
)
def test_absurd_dates_are_refused_and_nothing_is_stored(
    store: Store, tmp_path: Path, when: str | int
) -> None:
    with pytest.raises(InputError, match=r"message 'odd': implausible date .* import refused"):
        import_path(store, _export(tmp_path, when), format="jsonl")
    assert store.count_messages() == 0


def test_a_date_ahead_of_now_is_imported_with_a_warning(store: Store, tmp_path: Path) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=40)).isoformat()
    report = import_path(store, _export(tmp_path, ahead), format="jsonl")
    assert report.messages_new == 2 and report.future_dates == 1
    assert any("'odd'" in w and "future" in w for w in report.warnings), report.warnings
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    p = tmp_path / "soon.jsonl"
    p.write_text(
        json.dumps({"id": "soon", "author": "A", "created_at": soon, "text": "t"}) + "\n", encoding="utf-8"
    )
    assert import_path(store, p, format="jsonl").warnings == []  # within the tolerance (time zones, clocks)


def test_live_path_refuses_absurd_dates(store: Store) -> None:
    m = msg(1, "bonjour")
    from dataclasses import replace

    bad = replace(m, created_at=datetime(9999, 1, 1, tzinfo=UTC), uid="")
    with pytest.raises(InputError, match="implausible date"):
        import_messages(store, [m, bad])
    assert store.count_messages() == 0
