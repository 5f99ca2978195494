"""Python API of the evidence vault for the web and law layers (and the CLI).

Every capture and export writes the ledger, queues the new head for an RFC 3161 timestamp and, when
TSAs are configured (``[evidence] tsa_urls``), asks for it at once; failures leave it pending.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from veilleur.evidence import capture as _capture
from veilleur.evidence import timestamp as ts
from veilleur.evidence.bundle import export_bundle as _export
from veilleur.evidence.settings import EvidenceSettings
from veilleur.evidence.vault import EvidenceFile, EvidenceItem, LedgerEntry, Vault
from veilleur.evidence.verify import VerifyReport
from veilleur.evidence.verify import verify_bundle as _verify
from veilleur.store import Store

log = logging.getLogger(__name__)

__all__ = [
    "EvidenceItem",
    "VerifyReport",
    "add_note",
    "capture_file",
    "capture_message",
    "capture_url",
    "delete_item",
    "evidence_for_case",
    "export_bundle",
    "export_wacz",
    "file_path",
    "get_item",
    "ledger",
    "list_items",
    "make_view",
    "open_original",
    "set_legal_hold",
    "timestamp_pending",
    "verify_bundle",
    "verify_vault",
    "verify_wacz",
]


def _after_write(vault: Vault) -> None:
    ts.mark_head_pending(vault)
    if (
        vault.store.settings.section(EvidenceSettings).stamp_on_capture
        and ts.tsa_config(vault.store.settings).urls
    ):
        ts.stamp_pending(vault)


def capture_message(
    store: Store, message_uid: str, *, actor: str, case_id: str | None = None
) -> EvidenceItem:
    vault = Vault(store)
    item = _capture.capture_message(vault, message_uid, actor=actor, case_id=case_id)
    _after_write(vault)
    return item


def capture_url(
    store: Store,
    url: str,
    *,
    actor: str,
    case_id: str | None = None,
    timeout_s: float = 60.0,
    limits: dict[str, Any] | None = None,
    session: str | None = None,
    account: str | None = None,
    operator: str | None = None,
    site_profile: str | None = None,
) -> EvidenceItem:
    """Capture a page in headless Chromium; a hostile page gives an ``EvidenceError`` or a partial item.

    ``session``: a saved login (see ``veilleur.evidence.sessions``), ``account``/``operator``: as declared."""
    vault = Vault(store)
    item = _capture.capture_url(
        vault,
        url,
        actor=actor,
        case_id=case_id,
        timeout_s=timeout_s,
        limits=limits,
        session=session,
        account=account,
        operator=operator,
        site_profile=site_profile,
    )
    _after_write(vault)
    return item


def capture_file(
    store: Store,
    path: str | Path,
    *,
    actor: str,
    declared: dict[str, Any] | None = None,
    case_id: str | None = None,
    description: str | None = None,
) -> EvidenceItem:
    """Vault a user's file; ``declared`` (author, date, url, note) is kept apart from what veilleur observed."""
    vault = Vault(store)
    item = _capture.capture_file(
        vault, path, actor=actor, declared=declared, case_id=case_id, description=description
    )
    _after_write(vault)
    return item


def list_items(store: Store, case_id: str | None = None, include_deleted: bool = False) -> list[EvidenceItem]:
    return Vault(store).items(case_id, include_deleted=include_deleted)


def get_item(store: Store, item_id: str, *, actor: str | None = None) -> EvidenceItem:
    """The item; with ``actor`` the consultation is written to the ledger (chain of custody)."""
    vault = Vault(store)
    return vault.view(item_id, actor) if actor else vault.item(item_id)


def evidence_for_case(store: Store, case_id: str) -> list[EvidenceItem]:
    """Items of a case (not deleted, pseudonymised views left out), oldest first: ``id, kind, sha256, description, captured_at``…"""
    return [i for i in Vault(store).items(case_id) if i.kind != "view"]


def file_path(store: Store, f: EvidenceFile) -> Path:
    """Where an item's file lies in the vault (read-only), e.g. for the web layer to serve it."""
    return Vault(store).blobs.path(f.sha256)


def export_bundle(
    store: Store,
    case_id: str,
    out_path: str | Path,
    *,
    actor: str,
    allow_broken_ledger: bool = False,
    recipient: str | None = None,
) -> dict[str, Any]:
    """Write ``bundle.zip`` for a case and return its manifest. ``recipient`` procureur|ordre: originals and views;
    platform|cnil or None: pseudonymised views only (made and sealed where missing)."""
    return _export(
        Vault(store),
        case_id,
        out_path,
        actor=actor,
        allow_broken_ledger=allow_broken_ledger,
        recipient=recipient,
    )


def make_view(store: Store, item_id: str, *, actor: str) -> EvidenceItem:
    """Derive and seal the pseudonymised view of an item (see ``veilleur.evidence.views``)."""
    from veilleur.evidence.views import make_view as _mv

    vault = Vault(store)
    item = _mv(vault, vault.item(item_id), actor=actor)
    _after_write(vault)
    return item


def open_original(
    store: Store, item_id: str, *, actor: str, role: str, reason: str, out_dir: str | Path
) -> list[Path]:
    """Copy an item's original files out of the vault; needs an allowed role and a reason, logged in the ledger."""
    from veilleur.evidence.views import open_original as _oo

    vault = Vault(store)
    paths = _oo(vault, item_id, actor=actor, role=role, reason=reason, out_dir=out_dir)
    _after_write(vault)
    return paths


def export_wacz(store: Store, case_id: str, out_path: str | Path, *, actor: str) -> dict[str, Any]:
    """Write the case's URL captures as a signed WACZ (see ``veilleur.evidence.wacz``); the export is a ledger note."""
    from veilleur.evidence.wacz import export_wacz as _wacz

    vault = Vault(store)
    summary = _wacz(vault, case_id, out_path, actor=actor)
    _after_write(vault)
    return summary


def verify_wacz(path: str | Path) -> list[str]:
    from veilleur.evidence.wacz import verify_wacz as _vw

    return _vw(path)


def verify_bundle(path: str | Path) -> VerifyReport:
    return _verify(path)


def timestamp_pending(store: Store) -> ts.StampReport:
    vault = Vault(store)
    ts.mark_head_pending(vault)
    return ts.stamp_pending(vault)


def add_note(store: Store, item_id: str | None, text: str, *, actor: str) -> LedgerEntry:
    vault = Vault(store)
    entry = vault.note(item_id, actor, text)
    _after_write(vault)
    return entry


def set_legal_hold(store: Store, item_id: str, hold: bool, *, actor: str, reason: str = "") -> LedgerEntry:
    vault = Vault(store)
    entry = vault.set_legal_hold(item_id, hold, actor, reason)
    _after_write(vault)
    return entry


def delete_item(store: Store, item_id: str, *, actor: str, reason: str = "") -> LedgerEntry:
    """A deletion is a ledger entry; refused (``LegalHoldError``) for an item under legal hold."""
    vault = Vault(store)
    entry = vault.delete(item_id, actor, reason)
    _after_write(vault)
    return entry


def ledger(store: Store, item_id: str | None = None) -> list[LedgerEntry]:
    vault = Vault(store)
    return list(vault.entries(item_ids=[item_id] if item_id else None))


def verify_vault(store: Store) -> list[str]:
    """Problems found in the stored ledger chain and vault files (empty: intact)."""
    return Vault(store).check()
