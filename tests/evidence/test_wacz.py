"""WACZ export of URL captures: valid for `wacz validate` (py-wacz), signed (anonymous ECDSA P-256), each WARC
tied to its sealed ledger record and RFC 3161 token; tampering is detected, even by a forger who re-signs."""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.evidence.conftest import make_case
from tests.evidence.forum_site import serve_forum
from veilleur.evidence import api
from veilleur.evidence.wacz import _sign, check_signature, signing_key, surt
from veilleur.store import Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed"),
]
HAS_WACZ = importlib.util.find_spec("wacz") is not None


@pytest.fixture
def wacz_file(tsa_store: Store, tmp_path: Path) -> Iterator[tuple[Path, Store]]:
    case = make_case(tsa_store)
    with serve_forum() as (site, _):
        api.capture_url(tsa_store, f"{site}/thread", actor="m", case_id=case.id, timeout_s=40)
        api.capture_url(tsa_store, f"{site}/login", actor="m", case_id=case.id, timeout_s=40)
    out = tmp_path / "case.wacz"
    summary = api.export_wacz(tsa_store, case.id, out, actor="m")
    assert len(summary["items"]) == 2 and summary["tokens"]
    yield out, tsa_store


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as zo:
        for info in zi.infolist():
            zo.writestr(info.filename, change.get(info.filename, zi.read(info.filename)))


def test_wacz_layout_signature_and_validation(wacz_file: tuple[Path, Store]) -> None:
    path, store = wacz_file
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert {
            "datapackage.json",
            "datapackage-digest.json",
            "indexes/index.cdx",
            "pages/pages.jsonl",
        } <= names
        assert len([n for n in names if n.startswith("archive/") and n.endswith(".warc.gz")]) == 2
        assert any(n.endswith(".tsr") for n in names)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        pkg = json.loads(z.read("datapackage.json"))
        digest = json.loads(z.read("datapackage-digest.json"))
        cdx = z.read("indexes/index.cdx").decode().splitlines()
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
    assert pkg["wacz_version"] == "1.1.1" and all(r["hash"].startswith("sha256:") for r in pkg["resources"])
    assert (
        digest["hash"]
        == "sha256:"
        + hashlib.sha256(path.read_bytes() and zipfile.ZipFile(path).read("datapackage.json")).hexdigest()
    )
    assert check_signature(digest["signedData"]) and digest["signedData"]["created"] == pkg["created"]
    assert any("/thread" in line and '"status": "200"' in line for line in cdx)
    assert pages[0]["format"] == "json-pages-1.0" and {p["url"].rsplit("/", 1)[-1] for p in pages[1:]} == {
        "thread",
        "login",
    }
    assert api.verify_wacz(path) == []
    assert (Path(store.settings.home) / "wacz-signing.key").stat().st_mode & 0o077 == 0
    if HAS_WACZ:
        r = _validate(path)
        assert "Validation succeeded" in r.stdout, r.stdout + r.stderr


def test_flipped_byte_in_a_warc_is_detected(wacz_file: tuple[Path, Store], tmp_path: Path) -> None:
    path, _ = wacz_file
    with zipfile.ZipFile(path) as z:
        warc = next(n for n in z.namelist() if n.startswith("archive/"))
        data = bytearray(z.read(warc))
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.wacz"
    _rewrite(path, bad, {warc: bytes(data)})
    problems = api.verify_wacz(bad)
    assert any(p.startswith(f"{warc}: altered") for p in problems), problems
    if HAS_WACZ:
        r = _validate(bad)
        assert "Validation failed" in r.stdout  # (py-wacz 0.6.0 exits 0 either way: read its verdict)


def test_forger_who_rehashes_and_resigns_is_caught_by_the_ledger_seal(
    wacz_file: tuple[Path, Store], tmp_path: Path
) -> None:
    path, _ = wacz_file
    with zipfile.ZipFile(path) as z:
        warc = next(n for n in z.namelist() if n.startswith("archive/"))
        raw = gzip.decompress(z.read(warc))
        pkg = json.loads(z.read("datapackage.json"))
    assert b"</body>" in raw
    data = gzip.compress(
        raw.replace(b"</body>", b"<p>ajout</p></body>", 1)
    )  # a well-formed WARC saying something else
    for r in pkg["resources"]:
        if r["path"] == warc:
            r["hash"], r["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    pkg_bytes = json.dumps(pkg, indent=2).encode()
    h = "sha256:" + hashlib.sha256(pkg_bytes).hexdigest()
    sig, pub = _sign(signing_key(tmp_path / "forger"), h)
    digest = {
        "path": "datapackage.json",
        "hash": h,
        "signedData": {
            "hash": h,
            "created": pkg["created"],
            "software": "x",
            "signature": sig,
            "publicKey": pub,
        },
    }
    forged = tmp_path / "forged.wacz"
    _rewrite(
        path,
        forged,
        {warc: data, "datapackage.json": pkg_bytes, "datapackage-digest.json": json.dumps(digest).encode()},
    )
    if HAS_WACZ:
        assert "Validation succeeded" in _validate(forged).stdout  # the package alone is self-consistent…
    problems = api.verify_wacz(forged)
    assert problems == [
        f"{warc}: altered: SHA-256 differs from the one sealed in ledger entry {problems[0].split()[-1]}"
    ]
    # …and the same forgery without re-signing breaks the signature
    digest["signedData"]["signature"] = base64.b64encode(b"\x00" * 64).decode()
    _rewrite(
        path,
        forged,
        {warc: data, "datapackage.json": pkg_bytes, "datapackage-digest.json": json.dumps(digest).encode()},
    )
    assert any("signature does not verify" in p for p in api.verify_wacz(forged))


def test_cli_export_wacz_warns_and_verify_exit_status(wacz_file: tuple[Path, Store], tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from veilleur.evidence.cli import register

    path, store = wacz_file
    app = typer.Typer()
    register(app, typer.Typer())

    @app.callback()
    def _root() -> None:
        pass

    case_id = api.list_items(store)[0].case_id
    out = tmp_path / "cli.wacz"
    r = CliRunner().invoke(app, ["evidence", "export", str(case_id), "--wacz", str(out)])
    assert r.exit_code == 0, r.output
    assert "ORIGINAL WARCs" in r.output and out.is_file()
    assert CliRunner().invoke(app, ["evidence", "verify", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as z:
        warc = next(n for n in z.namelist() if n.startswith("archive/"))
        data = bytearray(z.read(warc))
    data[100] ^= 0x20
    bad = tmp_path / "bad.wacz"
    _rewrite(out, bad, {warc: bytes(data)})
    r = CliRunner().invoke(app, ["evidence", "verify", str(bad)])
    assert r.exit_code == 1 and warc in r.output


def test_surt() -> None:
    assert surt("https://www.Example.com/A/b?x=1") == "com,example)/a/b?x=1"
    assert surt("http://127.0.0.1:8080/t") == "127.0.0.1:8080)/t"
