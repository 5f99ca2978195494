"""The one-page receipt of `evidence verify --receipt`: green with the TSA's time, red naming the failed file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.evidence.conftest import make_case, make_message
from veilleur.evidence import api
from veilleur.evidence.cli import register
from veilleur.store import Store


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app, typer.Typer())

    @app.callback()
    def _root() -> None:
        pass

    return app


def _pdf_text(path: Path) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def test_green_and_red_receipts(tsa_store: Store, tmp_path: Path) -> None:
    case = make_case(tsa_store)
    m = make_message(tsa_store)
    item = api.capture_message(tsa_store, m.uid, actor="dr.fictif", case_id=case.id)
    bundle = tmp_path / "bundle.zip"
    api.export_bundle(tsa_store, case.id, bundle, actor="dr.fictif", recipient="procureur")
    runner = CliRunner()
    html_r, pdf_r = tmp_path / "recu.html", tmp_path / "recu.pdf"
    r = runner.invoke(
        _app(), ["evidence", "verify", str(bundle), "--receipt", str(html_r), "--receipt", str(pdf_r)]
    )
    assert r.exit_code == 0, r.output
    page = html_r.read_text(encoding="utf-8")
    assert "VÉRIFIÉ" in page and "#0a6b2d" in page and "Ce qui a échoué" not in page
    assert "Intact et horodaté" in page and "CN=" in page  # which TSA …
    report = api.verify_bundle(bundle)
    assert report.timestamps and all(t["tsa"] in page for t in report.timestamps)
    assert "heure de Paris" in page  # … said what time, in Paris time
    text = _pdf_text(pdf_r)
    assert "VÉRIFIÉ" in text and "ÉCHEC" not in text

    # a flipped byte in one evidence file: red, and the file is named
    bad = tmp_path / "bad.zip"
    target = f"items/{item.id}/raw.json"
    with zipfile.ZipFile(bundle) as zi, zipfile.ZipFile(bad, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == target:
                data = data.replace(b"incapable", b"incapablE")
            zo.writestr(info.filename, data)
    r = runner.invoke(
        _app(), ["evidence", "verify", str(bad), "--receipt", str(html_r), "--receipt", str(pdf_r)]
    )
    assert r.exit_code == 1
    page = html_r.read_text(encoding="utf-8")
    assert "ÉCHEC" in page and "#a4161a" in page and target in page and "modifié" in page
    text = _pdf_text(pdf_r)
    assert "ÉCHEC" in text and target in text
