"""``veilleur eval conversations`` as a user runs it: figures on the dev chats, one clear line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / "data" / "conversations" / "dev"
SRC = Path(__file__).resolve().parents[3] / "src"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, "-m", "veilleur.cli", "eval", "conversations", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_eval_prints_the_figures_per_chat_and_in_total() -> None:
    res = run(str(DEV), "--no-text-harm")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "teen_wa_01" in out and "pile-on found:" in out and "addressee: exact set" in out
    assert "raid reported in a chat without harassment: 0/" in out
    assert "initiator (authors)" in out and "supporter (messages)" in out
    js = run(str(DEV / "teen_wa_02.json"), "--no-text-harm", "--json", "--summary")
    d = json.loads(js.stdout)
    assert d["chats"] == 1 and d["pile_on_found_right_target"] == 1 and "per_chat" not in d


def test_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    res = run(str(tmp_path / "nothere"), "--no-text-harm")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "no such file" in res.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"chat_id": "x", "members": [], "messages": [{"id": "1", "author": "ghost", "ts": "2026-01-01T00:00:00Z"}]}'
    )
    res = run(str(bad), "--no-text-harm")
    assert res.returncode == 2 and "Traceback" not in res.stderr and "not a chat file" in res.stderr
