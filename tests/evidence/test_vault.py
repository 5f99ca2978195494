"""The vault: hash-chained ledger, content-addressed files, deletion as an entry, legal hold."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.evidence.conftest import make_case
from veilleur.errors import NotFoundError
from veilleur.evidence import api
from veilleur.evidence.models import LedgerEntryRow
from veilleur.evidence.vault import GENESIS_HASH, EvidenceError, LegalHoldError, Vault
from veilleur.store import Store


def _file(tmp_path: Path, name: str = "capture.png", data: bytes = b"fake image bytes") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_ledger_is_hash_chained(store: Store, tmp_path: Path) -> None:
    vault = Vault(store)
    item = api.capture_file(store, _file(tmp_path), actor="alice")
    api.add_note(store, item.id, "vu avec l'avocate", actor="bob")
    api.get_item(store, item.id, actor="carol")
    entries = list(vault.entries())
    assert [e.action for e in entries] == ["item.added", "note", "item.viewed"]
    assert [e.actor for e in entries] == ["alice", "bob", "carol"]
    prev = GENESIS_HASH
    for e in entries:
        header = json.loads(e.header)
        assert header["prev_hash"] == prev == e.prev_hash
        assert hashlib.sha256(e.header.encode()).hexdigest() == e.hash
        assert header["data_sha256"] == hashlib.sha256(e.data_json.encode()).hexdigest()
        assert header["at"].endswith("Z")
        prev = e.hash
    assert entries[0].data["files"][0]["sha256"] == item.sha256
    assert vault.check() == []


def test_check_detects_a_rewritten_entry_and_an_altered_file(store: Store, tmp_path: Path) -> None:
    vault = Vault(store)
    item = api.capture_file(store, _file(tmp_path), actor="alice")
    api.add_note(store, item.id, "note", actor="alice")
    with store.session() as s:
        s.execute(update(LedgerEntryRow).where(LedgerEntryRow.seq == 2).values(data='{"text":"autre"}'))
    problems = vault.check()
    assert any("entry 2" in p and "data" in p for p in problems)
    blob = vault.blobs.path(item.sha256)
    blob.chmod(0o644)
    blob.write_bytes(b"altered")
    assert any(item.id in p and "altered" in p for p in vault.check())


def test_files_are_content_addressed_and_never_overwritten(store: Store, tmp_path: Path) -> None:
    a = api.capture_file(store, _file(tmp_path, "a.png", b"same"), actor="x")
    b = api.capture_file(store, _file(tmp_path, "b.png", b"same"), actor="x")
    assert a.id != b.id and a.sha256 == b.sha256 == hashlib.sha256(b"same").hexdigest()
    path = api.file_path(store, a.files[0])
    assert path.read_bytes() == b"same"
    assert not path.stat().st_mode & 0o222  # read-only


def test_deletion_is_an_entry_and_legal_hold_blocks_it(store: Store, tmp_path: Path) -> None:
    item = api.capture_file(store, _file(tmp_path), actor="alice")
    api.set_legal_hold(store, item.id, True, actor="juriste", reason="plainte déposée")
    assert api.get_item(store, item.id).legal_hold
    with pytest.raises(LegalHoldError):
        api.delete_item(store, item.id, actor="alice", reason="nettoyage")
    api.set_legal_hold(store, item.id, False, actor="juriste")
    api.delete_item(store, item.id, actor="alice", reason="doublon")
    assert api.list_items(store) == []
    kept = api.list_items(store, include_deleted=True)
    assert len(kept) == 1 and kept[0].deleted
    assert api.file_path(store, kept[0].files[0]).exists()
    actions = [e.action for e in api.ledger(store, item.id)]
    assert actions == ["item.added", "legal_hold", "legal_hold", "item.deleted"]
    with pytest.raises(EvidenceError):
        api.delete_item(store, item.id, actor="alice")


def test_items_attach_to_cases(store: Store, tmp_path: Path) -> None:
    case = make_case(store)
    item = api.capture_file(store, _file(tmp_path), actor="alice", case_id=case.id)
    api.capture_file(store, _file(tmp_path, "other.png", b"other"), actor="alice")
    found = api.evidence_for_case(store, case.id)
    assert [i.id for i in found] == [item.id]
    got = found[0]
    assert got.kind == "file" and got.sha256 and got.description and got.captured_at.tzinfo is not None
    assert any(e.kind == "evidence.added" for e in store.case_events(case.id))
    with pytest.raises(NotFoundError):
        api.capture_file(store, _file(tmp_path), actor="alice", case_id="case_missing")
    with pytest.raises(NotFoundError):
        api.get_item(store, "ev_missing")
