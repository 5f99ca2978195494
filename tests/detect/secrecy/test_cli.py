"""CLI: veilleur redact and veilleur eval secrecy."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from veilleur.detect.secrecy.cli import register
from veilleur.errors import InputError

app = typer.Typer()
eval_app = typer.Typer()
app.add_typer(eval_app, name="eval")
register(app, eval_app)
runner = CliRunner()


def test_redact_text_json() -> None:
    res = runner.invoke(
        app, ["redact", "Kevin, 8 ans, de Mauriac, fièvre.", "--json", "--date", "2025-03-24"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "Kevin" not in data["text"] and "Mauriac" not in data["text"]
    assert {c["label"] for c in data["changes"]} >= {"PERSON", "LOCATION", "AGE"}


def test_redact_file_to_out(tmp_path: Path) -> None:
    src = tmp_path / "post.txt"
    src.write_text("Patiente Mme Lefort, 45 ans, lit 4.", encoding="utf-8")
    out = tmp_path / "safe.txt"
    res = runner.invoke(app, ["redact", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Lefort" not in out.read_text(encoding="utf-8")


def test_redact_missing_media_is_input_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["redact", str(tmp_path / "absent.png")])
    assert isinstance(res.exception, InputError)


def test_bad_date_is_input_error() -> None:
    res = runner.invoke(app, ["redact", "texte", "--date", "hier"])
    assert isinstance(res.exception, InputError)


def test_eval_command() -> None:
    res = runner.invoke(app, ["eval", "secrecy", "--split", "dev", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["n"] > 100 and 0 <= data["messages"]["recall"] <= 1


def test_redact_offers_to_remove_kept_names() -> None:
    text = "Merci Julie ! Ma patiente Mme Dupont, 72 ans, est en cardio au CHU de Brest."
    res = runner.invoke(app, ["redact", text])
    assert res.exit_code == 0, res.output
    err = getattr(res, "stderr", "") or res.output
    assert "names kept: Julie" in err and "--staff" in err
    removed = runner.invoke(app, ["redact", text, "--staff"])
    assert (
        removed.exit_code == 0
        and "Julie" not in removed.stdout
        and "names kept" not in (getattr(removed, "stderr", "") or "")
    )
