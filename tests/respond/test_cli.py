"""The CLI over a case file and over the store: show, qualify, step, playbook, document, deadlines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.law.fixtures import harassment_case, secrecy_case
from veilleur.cli import app
from veilleur.errors import InputError, NotFoundError
from veilleur.respond.casefile import CaseFile, casefile_to_dict

runner = CliRunner()
SETS = ["--set", "name=Dr Aline Verdier", "--set", "email=a.verdier@example.org", "--set", "address=1 rue A / 44000 Nantes", "--set", "address_kind=professional",
        "--set", "court_city=Nantes", "--set", "city=Nantes"]  # fmt: skip


def _write(tmp_path: Path, factory) -> Path:  # type: ignore[no-untyped-def]
    case, msgs, finds = factory()
    p = tmp_path / f"{case.id}.json"
    p.write_text(
        json.dumps(casefile_to_dict(CaseFile(case, msgs, finds)), ensure_ascii=False), encoding="utf-8"
    )
    return p


def test_show_qualify_and_playbook_from_file(tmp_path: Path) -> None:
    f = _write(tmp_path, harassment_case)
    r = runner.invoke(app, ["case", "show", "--file", str(f)])
    assert r.exit_code == 0, r.output
    assert "Indicatif, pas un avis juridique" in r.output and "Injure publique" in r.output
    assert "Étape recommandée" in r.output and "preuves" in r.output
    r = runner.invoke(app, ["case", "qualify", "--file", str(f), "--json", "--add", "usurpation_identite"])
    data = json.loads(r.output)
    assert "usurpation_identite" in [c["offence"]["id"] for c in data["candidates"]]
    assert data["deadlines"][0]["last_day"] == "2027-01-01"
    # The manual addition is kept in the case history.
    r = runner.invoke(app, ["case", "qualify", "--file", str(f), "--json"])
    assert "usurpation_identite" in r.output


def test_steps_persist_in_the_case_file(tmp_path: Path) -> None:
    f = _write(tmp_path, harassment_case)
    r = runner.invoke(app, ["case", "step", "case-raid-1", "plainte", "done", "--file", str(f)])
    assert isinstance(r.exception, InputError)  # evidence first
    r = runner.invoke(
        app, ["case", "step", "case-raid-1", "preuves", "done", "--file", str(f), "--note", "captures"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["case", "playbook", "--file", str(f), "--json"])
    view = json.loads(r.output)
    preuves = next(s for s in view["steps"] if s["id"] == "preuves")
    assert preuves["status"] == "done" and preuves["history"][0]["note"] == "captures"
    assert view["next_step"] != "preuves"


def test_document_command_writes_pdf_and_text(tmp_path: Path) -> None:
    f = _write(tmp_path, harassment_case)
    out = tmp_path / "plainte.pdf"
    r = runner.invoke(app, ["document", "plainte_procureur", "--file", str(f), "-o", str(out), *SETS])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    r = runner.invoke(app, ["document", "dsa_notice", "--file", str(f), "-o", "-", "--format", "md", *SETS])
    assert r.exit_code == 0 and "Déclaration de bonne foi" in r.output
    events = json.loads(f.read_text(encoding="utf-8"))["events"]
    assert [e["kind"] for e in events] == ["document.generated", "document.generated"]
    r = runner.invoke(app, ["document", "plainte_procureur", "--file", str(f), "-o", str(tmp_path / "x.pdf")])
    assert r.exception is not None and "sender.email" in str(r.exception)


def test_deadlines_and_offences_commands(tmp_path: Path) -> None:
    f1, f2 = _write(tmp_path, harassment_case), _write(tmp_path, secrecy_case)
    args = ["deadlines", "-f", str(f1), "-f", str(f2), "--today", "2026-12-20", "--within", "2w", "--json"]
    data = json.loads(runner.invoke(app, args).output)
    assert {d["last_day"] for d in data["deadlines"]} == {"2027-01-01"}
    assert all(d["days_left"] == 12 for d in data["deadlines"])
    data = json.loads(runner.invoke(app, [*args[:-3], "--within", "3m", "--json"]).output)
    assert "2027-03-01" in {d["last_day"] for d in data["deadlines"]}
    r = runner.invoke(app, ["deadlines", "-f", str(f1), "--within", "soon"])
    assert isinstance(r.exception, InputError)
    r = runner.invoke(app, ["offences", "--json"])
    assert len(json.loads(r.output)["offences"]) >= 25


def test_bad_case_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = runner.invoke(app, ["case", "show", "--file", str(bad)])
    assert isinstance(r.exception, InputError) and "bad.json" in str(r.exception)


def test_store_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("veilleur.store")
    from veilleur.config import load_settings
    from veilleur.ingest.importer import import_messages
    from veilleur.store import Store

    case, msgs, finds = harassment_case()
    store = Store.open(load_settings())
    import_messages(store, msgs)
    store.save_findings(finds)
    store.create_case(case)
    r = runner.invoke(app, ["case", "show", "case-raid-1"])
    assert r.exit_code == 0, r.output
    assert "Injure publique" in r.output
    assert runner.invoke(app, ["case", "step", "case-raid-1", "preuves", "done"]).exit_code == 0
    assert [e.kind for e in store.case_events("case-raid-1")][-1] == "playbook.step"
    r = runner.invoke(app, ["case", "playbook", "case-raid-1", "--json"])
    assert next(s for s in json.loads(r.output)["steps"] if s["id"] == "preuves")["status"] == "done"
    out = tmp_path / "notice.md"
    assert (
        runner.invoke(
            app, ["document", "dsa_notice", "--case", "case-raid-1", "-o", str(out), *SETS]
        ).exit_code
        == 0
    )
    assert "SHA-256" in out.read_text(encoding="utf-8")
    r = runner.invoke(app, ["deadlines", "--within", "3m", "--today", "2026-12-01", "--json"])
    assert "case-raid-1" in r.output
    r = runner.invoke(app, ["case", "show", "nope"])
    assert isinstance(r.exception, NotFoundError)


def test_case_interrupt_restarts_press_deadlines_and_refuses_a_plain_complaint(tmp_path: Path) -> None:
    f = _write(tmp_path, harassment_case)
    r = runner.invoke(
        app, ["case", "interrupt", "--file", str(f), "--date", "2026-12-15", "--act", "plainte_simple"]
    )
    assert isinstance(r.exception, InputError) and "plainte simple" in str(r.exception)
    r = runner.invoke(
        app, ["case", "interrupt", "--file", str(f), "--date", "2026-12-15", "--act", "citation"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["case", "qualify", "--file", str(f), "--json"])
    days = {d["key"]: d["last_day"] for d in json.loads(r.output)["deadlines"]}
    assert days["injure_publique"] == "2027-03-15"  # was 2027-01-01 before the act


def test_document_command_warns_before_printing_a_home_address(tmp_path: Path) -> None:
    f = _write(tmp_path, harassment_case)
    out = tmp_path / "notice.md"
    home = [s for s in SETS if s != "address_kind=professional"] + ["--set", "address_kind=home"]
    home = [
        x for i, x in enumerate(home) if not (x == "--set" and i + 1 < len(home) and home[i + 1] == "--set")
    ]
    r = runner.invoke(app, ["document", "dsa_notice", "--file", str(f), "-o", str(out), *home])
    assert r.exit_code == 0, r.output
    assert "HOME address" in r.output
