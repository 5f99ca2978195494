"""Issue 14, I16: a second writer that waits longer than the busy timeout gets one clear line, not a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_import_while_another_process_writes_gives_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "vhome"
    home.mkdir()
    (home / "veilleur.toml").write_text("[store]\nbusy_timeout_s = 0.5\n", encoding="utf-8")
    export = tmp_path / "msgs.jsonl"
    export.write_text(
        '{"id": "1", "author": "a", "author_id": "a1", "text": "bonjour", "created_at": "2026-01-01T10:00:00+01:00",'
        ' "community": "g"}\n',
        encoding="utf-8",
    )
    env = dict(os.environ, VEILLEUR_HOME=str(home))
    env.pop("VEILLEUR_DB", None)
    env.pop("VEILLEUR_CONFIG", None)
    cmd = [sys.executable, "-m", "veilleur", "import", str(export)]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    other = sqlite3.connect(home / "veilleur.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another import holding the write lock
    try:
        export.write_text(
            export.read_text(encoding="utf-8").replace('"id": "1"', '"id": "2"'), encoding="utf-8"
        )
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "database is busy" in lines[0] and "Nothing was lost" in lines[0], res.stderr
    again = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=300
    )  # the lock is gone: works
    assert again.returncode == 0, again.stderr
