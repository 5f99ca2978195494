"""The ``veilleur evidence`` commands end to end (capture, list, show, export, verify, timestamp, hold, delete)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import typer
from typer.testing import CliRunner

from tests.evidence.conftest import make_case, make_message
from veilleur.evidence.cli import register
from veilleur.store import Store


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, typer.Typer())

    @app.callback()
    def _root() -> None:
        pass

    return app


def test_cli_workflow(tsa_store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    app = _app()
    case = make_case(tsa_store)
    m = make_message(tsa_store)
    shot = tmp_path / "capture.png"
    shot.write_bytes(b"\x89PNG fictif")
    r = runner.invoke(
        app,
        [
            "evidence",
            "capture",
            str(shot),
            "--case",
            case.id,
            "--declared-author",
            "anon123",
            "--declared-date",
            "14/03/2026 14:05",
            "--actor",
            "dr.fictif",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    item = json.loads(r.output)
    assert item["declared"]["author"] == "anon123" and item["actor"] == "dr.fictif"
    r = runner.invoke(app, ["evidence", "capture", "--message", m.uid, "--case", case.id])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["evidence", "list", "--case", case.id, "--json"])
    assert len(json.loads(r.output)) == 2
    r = runner.invoke(app, ["evidence", "show", item["id"], "--actor", "juriste"])
    assert r.exit_code == 0 and "item.viewed juriste" in r.output
    r = runner.invoke(app, ["evidence", "hold", item["id"], "--reason", "plainte"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["evidence", "delete", item["id"], "--reason", "test"])
    assert r.exit_code != 0  # legal hold
    r = runner.invoke(app, ["evidence", "timestamp", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["pending"] == []
    out = tmp_path / "bundle.zip"
    r = runner.invoke(app, ["evidence", "export", case.id, "-o", str(out), "--recipient", "procureur"])
    assert r.exit_code == 0 and out.exists(), r.output
    r = runner.invoke(app, ["evidence", "verify", str(out)])
    assert r.exit_code == 0 and ": OK" in r.output, r.output
    r = runner.invoke(app, ["evidence", "check"])
    assert r.exit_code == 0, r.output
    # a tampered bundle exits 1 and names the file
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bad, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            zout.writestr(n, data.replace(b"anon123", b"anon124") if n == "manifest.json" else data)
    r = runner.invoke(app, ["evidence", "verify", str(bad)])
    assert r.exit_code == 1 and "manifest.json: altered" in r.output, r.output


def test_cli_capture_needs_exactly_one_target(store: Store) -> None:
    r = CliRunner().invoke(_app(), ["evidence", "capture"])
    assert r.exit_code != 0
