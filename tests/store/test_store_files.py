"""Issue 14, S5: the database, its WAL files, the data directory and the content store are private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from veilleur.config import load_settings
from veilleur.store import Store


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_fresh_home_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "vhome"
        with Store.open(load_settings(home=home)) as store:
            store.audit("test", "x", None, {})
            store.blobs.put_bytes(b"photo")
            db = home / "veilleur.sqlite"
            assert mode(home) == 0o700
            assert mode(db) == 0o600
            for extra in ("veilleur.sqlite-wal", "veilleur.sqlite-shm"):
                if (home / extra).exists():
                    assert mode(home / extra) & 0o077 == 0, extra
            assert mode(home / "blobs") == 0o700
            assert all(mode(d) == 0o700 for d in (home / "blobs").iterdir() if d.is_dir())
    finally:
        os.umask(old)


def test_existing_world_readable_database_is_reported(tmp_path: Path, caplog) -> None:
    home = tmp_path / "h"
    home.mkdir()
    db = home / "veilleur.sqlite"
    Store.open(load_settings(home=home)).close()
    db.chmod(0o644)
    with caplog.at_level("WARNING"):
        Store.open(load_settings(home=home)).close()
    assert "readable by other users" in caplog.text
