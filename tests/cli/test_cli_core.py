"""The `veilleur` command as a user runs it: clear one-line errors, JSON output, every area loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VEILLEUR = [sys.executable, "-m", "veilleur.cli"]


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([*VEILLEUR, *args], capture_output=True, text=True, timeout=300)
    if check and res.returncode != 0:
        raise AssertionError(
            f"veilleur {' '.join(args)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
        )
    return res


def test_every_area_cli_module_imports() -> None:
    import veilleur.cli as cli

    assert cli._broken == {}, f"broken CLI modules: {cli._broken}"


def test_help_lists_core_commands() -> None:
    out = run("--help").stdout
    for cmd in ("import", "scan", "messages", "findings", "members", "eval"):
        assert cmd in out


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "no such file or directory"),
        (b"", "the file is empty"),
        (b"\x00\x01\x02 garbage that is no export", "unknown format"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, content: bytes | None, expected: str) -> None:
    p = tmp_path / "export.bin"
    if content is not None:
        p.write_bytes(content)
    res = run("import", str(p), check=False)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(p) in lines[0] and expected in lines[0]


def test_import_then_list_as_json(tmp_path: Path) -> None:
    export = tmp_path / "feed.jsonl"
    recs = [
        {
            "id": f"x{i}",
            "author": f"Dr {i % 2}",
            "created_at": f"2026-02-0{i + 1}T10:00:00+01:00",
            "text": f"message {i}",
        }
        for i in range(3)
    ]
    export.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    rep = json.loads(run("import", str(export), "--format", "jsonl", "--json").stdout)
    assert rep["messages_new"] == 3 and rep["format"] == "jsonl"
    again = json.loads(run("import", str(export), "--format", "jsonl", "--json").stdout)
    assert again["messages_new"] == 0 and again["duplicates"] == 3
    msgs = json.loads(run("messages", "--json").stdout)
    assert sorted(m["text"] for m in msgs) == ["message 0", "message 1", "message 2"]
    assert msgs[0]["created_at"].endswith("+00:00")
    members = json.loads(run("members", "--json").stdout)
    assert len(members) == 2


def test_cli_startup_loads_no_model_library() -> None:
    """`veilleur --help` must stay instant: heavy libraries load only when a command needs them."""
    code = (
        "import sys, veilleur.cli\n"
        "heavy = [m for m in ('torch', 'transformers', 'spacy', 'presidio_analyzer', 'cv2', 'onnxruntime', 'sklearn') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert res.stdout.strip() == ""


def test_a_broken_area_module_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """An area that fails to import is a bug: the command says so instead of silently losing commands."""
    import veilleur.cli as cli

    monkeypatch.setattr(cli, "CLI_MODULES", ("veilleur.no_such_area.cli",))
    with pytest.raises(ModuleNotFoundError):
        cli._register_all()
