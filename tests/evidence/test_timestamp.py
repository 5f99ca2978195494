"""RFC 3161 against a real local TSA (openssl ts -reply behind HTTP on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import socket
import subprocess
from pathlib import Path

import pytest

from tests.evidence.tsa_server import LocalTSA, start_tsa
from veilleur.config import load_settings
from veilleur.evidence import api
from veilleur.evidence import timestamp as ts
from veilleur.evidence.vault import Vault
from veilleur.store import Store


def test_capture_is_timestamped_and_token_verifies(tsa_store: Store, tsa: LocalTSA, tmp_path: Path) -> None:
    p = tmp_path / "a.png"
    p.write_bytes(b"image")
    api.capture_file(tsa_store, p, actor="alice")
    vault = Vault(tsa_store)
    toks = ts.tokens(vault)
    assert len(toks) == 1 and ts.pending_heads(vault) == []
    head = vault.head()
    assert head is not None and toks[0].seq == head.seq and toks[0].entry_hash == head.hash
    tsr = vault.blobs.read(toks[0].token_sha256)
    info = ts.verify_token(tsr, head.hash, tsa.ca_file.read_bytes())
    assert info.digest == head.hash and "Veilleur Test TSA" in info.signer_subject
    # the same token checked by OpenSSL itself, over the header file whose SHA-256 is the entry hash
    (tmp_path / "h.json").write_bytes(head.header.encode())
    (tmp_path / "t.tsr").write_bytes(tsr)
    assert hashlib.sha256(head.header.encode()).hexdigest() == head.hash
    out = subprocess.run(
        ["openssl", "ts", "-verify", "-data", "h.json", "-in", "t.tsr", "-CAfile", str(tsa.ca_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Verification: OK" in out.stdout, out.stdout + out.stderr


def test_token_rejected_for_other_data_or_untrusted_ca(tsa: LocalTSA, tmp_path: Path) -> None:
    digest = hashlib.sha256(b"entry").hexdigest()
    tsr, _ = ts.request_token(tsa.url, digest, tsa.ca_file.read_bytes(), 20)
    with pytest.raises(ts.TokenError, match="another document"):
        ts.verify_token(tsr, hashlib.sha256(b"other").hexdigest(), tsa.ca_file.read_bytes())
    other = start_tsa(tmp_path / "other", name="Other")
    try:
        with pytest.raises(ts.TokenError, match="trusted CA"):
            ts.verify_token(tsr, digest, other.ca_file.read_bytes())
    finally:
        other.close()
    broken = bytearray(tsr)
    broken[len(broken) // 3] ^= 0x01
    with pytest.raises(ts.TokenError):
        ts.verify_token(bytes(broken), digest, tsa.ca_file.read_bytes())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_heads_stay_pending_offline_then_get_stamped(store: Store, tsa: LocalTSA, tmp_path: Path) -> None:
    p = tmp_path / "a.png"
    p.write_bytes(b"image")
    api.capture_file(store, p, actor="alice")
    vault = Vault(store)
    assert ts.pending_heads(vault) == [1] and ts.tokens(vault) == []
    report = api.timestamp_pending(store)
    assert report.pending == [1] and "no TSA configured" in report.errors[0]
    home = store.settings.home
    # a TSA that does not answer: still pending, no exception
    (home / "veilleur.toml").write_text(
        f'[evidence]\ntsa_urls = ["http://127.0.0.1:{_closed_port()}/tsa"]\ntsa_timeout_s = 3\n'
    )
    store.settings = load_settings()
    report = api.timestamp_pending(store)
    assert report.pending == [1] and report.stamped == [] and report.errors
    # the network is back
    (home / "veilleur.toml").write_text(
        f'[evidence]\ntsa_urls = ["{tsa.url}"]\ntsa_ca_files = ["{tsa.ca_file}"]\n'
    )
    store.settings = load_settings()
    report = api.timestamp_pending(store)
    assert report.stamped == [1] and report.pending == []
    assert ts.tokens(vault)[0].seq == 1
