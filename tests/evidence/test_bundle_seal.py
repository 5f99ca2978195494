"""The export entry seals the bundle (E3), duplicate zip names are refused (E4), a deleted vault file and a
broken ledger stop the export with one clear line (E6, E7). Forgers here also rewrite SHA256SUMS."""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from tests.evidence.conftest import make_case, make_message
from tests.evidence.test_bundle import _members, _write, bundle  # noqa: F401  (bundle is a fixture)
from veilleur.evidence import api
from veilleur.evidence.models import LedgerEntryRow
from veilleur.evidence.vault import EvidenceError, Vault
from veilleur.store import Store


def _problems(path: Path) -> list[str]:
    report = api.verify_bundle(path)
    assert not report.ok, "tampering accepted as OK"
    return [str(p) for p in report.problems]


def _export_data(members: dict[str, bytes]) -> tuple[int, dict]:
    manifest = json.loads(members["manifest.json"])
    seq = manifest["ledger"]["export_seq"]
    return seq, json.loads(members[f"ledger/data/{seq:08d}.json"])


def test_export_entry_seals_report_and_every_evidence_file(bundle: Path) -> None:  # noqa: F811
    m = _members(bundle)
    seq, data = _export_data(m)
    manifest = json.loads(m["manifest.json"])
    expected = {n for n in m if n.startswith("items/")} | {"rapport.pdf"}
    assert set(data["files"]) == expected
    for name, sha in data["files"].items():
        assert hashlib.sha256(m[name]).hexdigest() == sha, name
    assert data["case"] == manifest["case"] and data["generated_at"] == manifest["generated_at"]
    # the export entry itself is covered by a verified token
    assert max(t["seq"] for t in manifest["timestamps"]) >= seq
    report = api.verify_bundle(bundle)
    assert report.ok and report.assurance == "timestamped", (report.problems, report.warnings)


def _other_pdf() -> bytes:
    from veilleur.evidence.render import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 10, "Rapport de complaisance")
    return bytes(pdf.output())


def test_replaced_report_is_caught_with_rewritten_checksums(bundle: Path) -> None:  # noqa: F811
    m = _members(bundle)
    m["rapport.pdf"] = _other_pdf()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(
        p.startswith("rapport.pdf: altered") and "sealed in the export entry" in p for p in problems
    ), problems


def test_edited_verifier_txt_is_caught(bundle: Path) -> None:  # noqa: F811
    m = _members(bundle)
    m["VERIFIER.txt"] = m["VERIFIER.txt"].replace(b"sha256sum -c SHA256SUMS", b"echo OK")
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(p.startswith("VERIFIER.txt: altered") for p in problems), problems


@pytest.mark.parametrize(
    "field, value",
    [
        (("case", "title"), "Affaire réécrite"),
        (("case", "state"), "closed"),
        (("generated_by",), "quelqu'un d'autre"),
        (("generated_at",), "2020-01-01T00:00:00+00:00"),
        (("software",), "veilleur 99"),
        (("timestamp_note",), "Tout est horodaté."),
        (("extra",), "champ ajouté"),
    ],
)
def test_edited_manifest_case_and_export_fields_are_caught(
    bundle: Path,  # noqa: F811 (the fixture imported above)
    field: tuple[str, ...],
    value: str,
) -> None:
    m = _members(bundle)
    manifest = json.loads(m["manifest.json"])
    target = manifest
    for k in field[:-1]:
        target = target[k]
    target[field[-1]] = value
    m["manifest.json"] = json.dumps(manifest).encode()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(p.startswith("manifest.json: ") for p in problems), problems


def test_flipped_legal_hold_and_hidden_case_entry_are_caught(bundle: Path) -> None:  # noqa: F811
    m = _members(bundle)
    manifest = json.loads(m["manifest.json"])
    manifest["items"][0]["legal_hold"] = True
    m["manifest.json"] = json.dumps(manifest).encode()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any("legal_hold differs" in p for p in problems), problems

    m = _members(bundle)
    manifest = json.loads(m["manifest.json"])
    note_seq = max(s for s in manifest["ledger"]["case_entries"] if s < manifest["ledger"]["export_seq"])
    manifest["ledger"]["case_entries"].remove(note_seq)  # hide the note: its data made null in the extract
    lines = [json.loads(x) for x in m["ledger/ledger.jsonl"].decode().splitlines()]
    for line in lines:
        if line["seq"] == note_seq:
            line["data"] = None
    m["ledger/ledger.jsonl"] = ("\n".join(json.dumps(x) for x in lines) + "\n").encode()
    del m[f"ledger/data/{note_seq:08d}.json"]
    m["manifest.json"] = json.dumps(manifest).encode()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(p.startswith(f"ledger entry {note_seq}: invalid") and "left out" in p for p in problems), (
        problems
    )


@pytest.mark.parametrize(
    "name",
    ["complement_plainte.pdf", "ledger/complement.json", "timestamps/autre.tsr", "items/complement.pdf"],
)
def test_unknown_file_is_refused_even_in_checksums(bundle: Path, name: str) -> None:  # noqa: F811
    m = _members(bundle)
    m[name] = _other_pdf()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(p.startswith(f"{name}: added") for p in problems), problems


def _zip_with_duplicate(src: Path, first: bytes | None, last: bytes | None, name: str) -> Path:
    m = _members(src)
    out = src.with_name("dup.zip")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the attack
        with zipfile.ZipFile(out, "w") as z:
            for n, d in m.items():
                if n == name:
                    z.writestr(n, first if first is not None else d)
                    z.writestr(n, last if last is not None else d)
                else:
                    z.writestr(n, d)
    return out


@pytest.mark.parametrize("altered_first", [True, False])
def test_duplicate_zip_entry_names_are_refused(bundle: Path, altered_first: bool) -> None:  # noqa: F811
    m = _members(bundle)
    raw = next(n for n in m if n.endswith("/raw.json"))
    altered = m[raw].replace(b"incapable", b"excellent")
    assert altered != m[raw]
    path = _zip_with_duplicate(
        bundle, altered if altered_first else None, None if altered_first else altered, raw
    )
    problems = _problems(path)
    assert any(p.startswith(f"{raw}: invalid") and "2 times" in p for p in problems), problems


def test_duplicate_of_untouched_file_and_case_collision_are_refused(bundle: Path) -> None:  # noqa: F811
    problems = _problems(_zip_with_duplicate(bundle, None, None, "rapport.pdf"))
    assert any(p.startswith("rapport.pdf: invalid") for p in problems), problems
    m = _members(bundle)
    m["RAPPORT.pdf"] = _other_pdf()
    problems = _problems(_write(bundle, m, fix_sums=True))
    assert any(p.startswith("RAPPORT.pdf: invalid") and "case-insensitive" in p for p in problems), problems


def _case_with_items(store: Store) -> str:
    case = make_case(store)
    m = make_message(store)
    api.capture_message(store, m.uid, actor="moderatrice", case_id=case.id)
    return case.id


def test_deleted_vault_file_refuses_export_with_one_clear_error(store: Store, tmp_path: Path) -> None:
    case_id = _case_with_items(store)
    item = api.list_items(store, case_id)[0]
    f = item.file("view") or item.files[-1]
    Vault(store).blobs.path(f.sha256).unlink()
    out = tmp_path / "b.zip"
    with pytest.raises(
        EvidenceError, match=f"item {item.id} file {f.name}: vault file .* missing from the vault"
    ):
        api.export_bundle(store, case_id, out, actor="x", recipient="procureur")
    assert not out.exists() and not list(tmp_path.glob(".bundle-*"))


def test_broken_ledger_refuses_export_unless_forced(store: Store, tmp_path: Path) -> None:
    case_id = _case_with_items(store)
    with store.session() as s:
        s.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 1).values(data='{"forged": true}'))
    out = tmp_path / "b.zip"
    with pytest.raises(EvidenceError, match="ledger fails its check .* export refused"):
        api.export_bundle(store, case_id, out, actor="x", recipient="procureur")
    assert not out.exists()
    manifest = api.export_bundle(
        store, case_id, out, actor="x", allow_broken_ledger=True, recipient="procureur"
    )
    assert manifest["ledger_problems"] and "entry 1" in manifest["ledger_problems"][0]
    m = _members(out)
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(m["rapport.pdf"])).pages).split())
    flat = unicodedata.normalize("NFC", text).replace(" ", "")
    assert "ATTENTION:journalaltéré" in flat and "--allow-broken-ledger" in flat, text
    _, data = _export_data(m)
    assert data["ledger_problems"] == manifest["ledger_problems"]
    assert not api.verify_bundle(out).ok  # the altered entry is still named by verify


def test_format_1_bundles_still_verify_with_a_warning(store: Store, tmp_path: Path) -> None:
    case_id = _case_with_items(store)
    out = tmp_path / "b.zip"
    api.export_bundle(store, case_id, out, actor="x")
    m = _members(out)
    manifest = json.loads(m["manifest.json"])
    manifest["format"] = "veilleur-evidence-bundle/1"
    m["manifest.json"] = json.dumps(manifest).encode()
    report = api.verify_bundle(_write(out, m, fix_sums=True))
    assert report.ok, report.problems
    assert any("old bundle format" in w for w in report.warnings)
