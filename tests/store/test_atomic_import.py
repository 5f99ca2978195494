"""An import killed with SIGKILL half-way leaves the database with nothing of it (and all of before)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from veilleur.config import load_settings
from veilleur.store import Store

CHILD = textwrap.dedent(
    """
    import sys, time
    from collections.abc import Iterator
    from datetime import UTC, datetime, timedelta
    from veilleur.config import load_settings
    from veilleur.ingest.base import register_adapter
    from veilleur.ingest.importer import import_path
    from veilleur.records import Author, Message
    from veilleur.store import Store

    class Endless:
        name = "endless"
        description = "test: yields messages until killed"
        def sniff(self, tree): return 0.0
        def read(self, tree, options) -> Iterator[Message]:
            t0 = datetime(2026, 1, 1, tzinfo=UTC)
            i = 0
            while True:
                i += 1
                if i % 1000 == 0:
                    open(sys.argv[2], "w").write(str(i))
                    time.sleep(0.05)
                yield Message("endless", "g", "G", f"x{i}", Author("a", "A"), t0 + timedelta(seconds=i), "texte " * 20)

    register_adapter("endless", Endless)
    store = Store.open(load_settings(db_url=sys.argv[1]))
    import_path(store, sys.argv[3], format="endless")
    """
)


def _kill_during_import(db_url: str, tmp_path: Path) -> None:
    marker = tmp_path / "progress"
    dummy = tmp_path / "dummy.bin"
    dummy.write_bytes(b"x")
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script), db_url, str(marker), str(dummy)], env=os.environ.copy()
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if marker.exists() and marker.read_text() and int(marker.read_text() or 0) >= 5000:
            break
        if proc.poll() is not None:
            raise AssertionError(f"child exited early with {proc.returncode}")
        time.sleep(0.05)
    else:
        proc.kill()
        raise AssertionError("child made no progress")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_mid_import_keeps_nothing_of_it(db_url: str, tmp_path: Path) -> None:
    from tests.factories import msg
    from veilleur.ingest.importer import import_messages

    store = Store.open(load_settings(db_url=db_url))
    import_messages(store, [msg(i, "avant") for i in range(10)])
    store.close()
    _kill_during_import(db_url, tmp_path)
    store = Store.open(load_settings(db_url=db_url))
    try:
        assert store.count_messages() == 10  # all of before, nothing of the killed import
        assert {c.source for c in store.list_communities()} == {"test"}
    finally:
        store.close()
