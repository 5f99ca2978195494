"""Bundle export and verification: veilleur's verify, sha256sum + openssl alone, and every tampering named."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.evidence.conftest import make_case, make_message
from veilleur.evidence import api
from veilleur.evidence.vault import EvidenceError
from veilleur.store import Store


@pytest.fixture
def bundle(tsa_store: Store, tmp_path: Path) -> Path:
    """A case with a message capture and a user file, each stamped separately, then a second unrelated item."""
    case = make_case(tsa_store)
    m = make_message(tsa_store)
    api.capture_message(tsa_store, m.uid, actor="moderatrice", case_id=case.id)
    f = tmp_path / "capture.png"
    f.write_bytes(b"\x89PNG fictive screenshot")
    item = api.capture_file(tsa_store, f, actor="dr.fictif", case_id=case.id, declared={"author": "anon123"})
    api.add_note(tsa_store, item.id, "reçu par courriel", actor="moderatrice")
    other = tmp_path / "other.txt"
    other.write_text("autre affaire, nom d'un patient fictif")
    api.capture_file(tsa_store, other, actor="x")
    out = tmp_path / "out" / "bundle.zip"
    api.export_bundle(tsa_store, case.id, out, actor="juriste", recipient="procureur")
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write(path: Path, members: dict[str, bytes], fix_sums: bool = False) -> Path:
    if fix_sums:
        members["SHA256SUMS"] = "".join(
            f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(members.items()) if n != "SHA256SUMS"
        ).encode()
    out = path.with_name("tampered.zip")
    with zipfile.ZipFile(out, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    return out


def test_bundle_contents_and_verify_ok(bundle: Path) -> None:
    m = _members(bundle)
    manifest = json.loads(m["manifest.json"])
    assert len(manifest["items"]) == 2
    assert {"SHA256SUMS", "manifest.json", "ledger/ledger.jsonl", "rapport.pdf", "VERIFIER.txt"} <= set(m)
    assert len(manifest["timestamps"]) >= 2 and all(t["ca_file"] in m for t in manifest["timestamps"])
    assert any(n.endswith(".tsr") for n in m)
    # the other case's entry is in the chain but its data are redacted
    lines = [json.loads(x) for x in m["ledger/ledger.jsonl"].decode().splitlines()]
    assert b"patient fictif" not in m["ledger/ledger.jsonl"]
    assert any(line["data"] is None for line in lines)
    item_file = next(i for i in manifest["items"] if i["record"]["kind"] == "file")
    assert item_file["record"]["declared"] == {"author": "anon123"}
    report = api.verify_bundle(bundle)
    assert report.ok, report.problems
    assert report.tokens_checked == len(manifest["timestamps"]) and report.items_checked == 2
    assert report.entries_checked == manifest["ledger"]["entries"]


def test_report_pdf_is_french_and_explains_verification(bundle: Path) -> None:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_members(bundle)["rapport.pdf"])).pages)
    for needle in (
        "Dossier de preuves",
        "Comment vérifier",
        "sha256sum -c SHA256SUMS",
        "openssl ts -verify",
        "Jean Fictif",
        "heure de Paris",
        "UTC",
    ):
        assert needle in text, needle


def test_verification_with_sha256sum_and_openssl_alone(bundle: Path, tmp_path: Path) -> None:
    d = tmp_path / "preuves"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(d)
    r = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(": OK") == len((d / "SHA256SUMS").read_text().splitlines())
    tokens = sorted((d / "timestamps").glob("*.tsr"))
    assert tokens
    for tok in tokens:
        seq = tok.name.split("-")[0]
        ca = next((d / "timestamps").glob("ca-*.pem"))
        r = subprocess.run(
            [
                "openssl",
                "ts",
                "-verify",
                "-data",
                f"ledger/entries/{seq}.json",
                "-in",
                str(tok.relative_to(d)),
                "-CAfile",
                str(ca.relative_to(d)),
            ],
            cwd=d,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Verification: OK" in r.stdout, r.stdout + r.stderr


def _problems(path: Path) -> list[str]:
    report = api.verify_bundle(path)
    assert not report.ok
    return [str(p) for p in report.problems]


def test_flip_one_byte_in_any_file_is_named(bundle: Path) -> None:
    members = _members(bundle)
    for name in members:
        if name == "SHA256SUMS":
            continue
        tampered = dict(members)
        data = bytearray(tampered[name])
        data[len(data) // 2] ^= 0x01
        tampered[name] = bytes(data)
        problems = _problems(_write(bundle, tampered))
        assert any(p.startswith(f"{name}: altered") for p in problems), (name, problems)


def test_flip_byte_in_item_file_even_with_rewritten_checksums(bundle: Path) -> None:
    members = _members(bundle)
    manifest = json.loads(members["manifest.json"])
    f = manifest["items"][0]["files"][0]
    data = bytearray(members[f["path"]])
    data[0] ^= 0x01
    members[f["path"]] = bytes(data)
    f["sha256"] = hashlib.sha256(data).hexdigest()  # the forger also fixes the manifest and SHA256SUMS
    members["manifest.json"] = json.dumps(manifest).encode()
    problems = _problems(_write(bundle, members, fix_sums=True))
    assert any(p.startswith(f"{f['path']}: altered") and "ledger record" in p for p in problems), problems


def test_edited_manifest_is_named(bundle: Path) -> None:
    members = _members(bundle)
    manifest = json.loads(members["manifest.json"])
    manifest["items"][1]["record"]["declared"]["author"] = "quelqu'un d'autre"
    members["manifest.json"] = json.dumps(manifest).encode()
    problems = _problems(_write(bundle, members, fix_sums=True))
    item_id = manifest["items"][1]["id"]
    assert any(f"manifest.json item {item_id}: altered" in p and "declared" in p for p in problems), problems


@pytest.mark.parametrize("how", ["reorder", "drop"])
def test_reordered_or_dropped_ledger_entry_is_named(bundle: Path, how: str) -> None:
    members = _members(bundle)
    lines = members["ledger/ledger.jsonl"].decode().splitlines()
    if how == "reorder":
        lines[1], lines[2] = lines[2], lines[1]
    else:
        del lines[2]
    members["ledger/ledger.jsonl"] = ("\n".join(lines) + "\n").encode()
    problems = _problems(_write(bundle, members, fix_sums=True))
    assert any(re.match(r"ledger entry \d+: (removed|invalid|altered)", p) for p in problems), problems
    if how == "drop":
        assert any("ledger entry 4: removed" in p and "entry 3 was expected" in p for p in problems), problems


def test_swapped_tokens_are_named(bundle: Path) -> None:
    members = _members(bundle)
    toks = sorted(n for n in members if n.endswith(".tsr"))
    assert len(toks) >= 2
    members[toks[0]], members[toks[1]] = members[toks[1]], members[toks[0]]
    problems = _problems(_write(bundle, members, fix_sums=True))
    for t in toks[:2]:
        assert any(p.startswith(f"{t}: invalid") and "another document" in p for p in problems), problems


def test_added_and_removed_files_are_named(bundle: Path) -> None:
    members = _members(bundle)
    members["items/ev_fake/extra.png"] = b"ajout"
    removed = next(n for n in members if n.startswith("items/") and n.endswith("view.png"))
    del members[removed]
    problems = _problems(_write(bundle, members))
    assert "items/ev_fake/extra.png: added: present in the bundle but not listed in SHA256SUMS" in problems
    assert any(p.startswith(f"{removed}: removed") for p in problems)


def test_export_of_empty_case_and_bad_bundle_are_clear_errors(store: Store, tmp_path: Path) -> None:
    from veilleur.errors import InputError

    case = make_case(store)
    with pytest.raises(EvidenceError, match="no evidence items"):
        api.export_bundle(store, case.id, tmp_path / "b.zip", actor="x", recipient="procureur")
    assert not (tmp_path / "b.zip").exists()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="bad.zip"):
        api.verify_bundle(bad)


def test_bundle_without_tsa_verifies_with_pending_warning(store: Store, tmp_path: Path) -> None:
    case = make_case(store)
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF-1.4 fictif")
    api.capture_file(store, f, actor="x", case_id=case.id)
    manifest = api.export_bundle(store, case.id, tmp_path / "b.zip", actor="x", recipient="procureur")
    assert manifest["timestamps"] == [] and manifest["timestamp_note"]
    report = api.verify_bundle(tmp_path / "b.zip")
    # E5: without a token the bundle proves self-consistency only, and says so exactly (not "integrity")
    assert report.ok and report.assurance == "self-consistency only"
    assert any("proves only its self-consistency" in w for w in report.warnings), report.warnings
    assert not any("proves integrity" in w for w in report.warnings)
    m = _members(tmp_path / "b.zip")
    assert "cohérence interne" in m["manifest.json"].decode()
    assert "self-consistency" in m["VERIFIER.txt"].decode()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(m["rapport.pdf"])).pages)
    assert "cohérence interne" in " ".join(text.split()), text
