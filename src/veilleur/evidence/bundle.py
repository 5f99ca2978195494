"""Export a case's evidence as ``bundle.zip``: files, manifest.json, ledger extract, RFC 3161 tokens and
TSA certificates, SHA256SUMS (``sha256sum -c``) and a French PDF report. Written to a temporary file
and renamed, so a failed export never leaves a half bundle under the final name."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veilleur import __version__
from veilleur.evidence import timestamp as ts
from veilleur.evidence.report import build_report
from veilleur.evidence.vault import EvidenceError, EvidenceItem, LedgerEntry, Vault, format_at
from veilleur.records import dumps

FORMAT = "veilleur-evidence-bundle/1"


def entry_name(seq: int) -> str:
    return f"{seq:08d}.json"


class _Zip:
    """Writes members and remembers their SHA-256 for SHA256SUMS."""

    def __init__(self, path: Path) -> None:
        self.z = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.sums: dict[str, str] = {}

    def add(self, name: str, data: bytes) -> str:
        if name in self.sums:
            raise ValueError(f"duplicate bundle member {name}")
        self.z.writestr(name, data)
        self.sums[name] = hashlib.sha256(data).hexdigest()
        return self.sums[name]

    def add_blob(self, vault: Vault, name: str, sha: str) -> None:
        h = hashlib.sha256()
        with vault.blobs.path(sha).open("rb") as src, self.z.open(name, "w", force_zip64=True) as dst:
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                h.update(chunk)
                dst.write(chunk)
        if h.hexdigest() != sha:
            raise EvidenceError(f"vault file {sha} no longer matches its hash: the vault was altered")
        self.sums[name] = sha


def _case_entry_seqs(vault: Vault, case_id: str, item_ids: list[str]) -> list[int]:
    seqs = [e.seq for e in vault.entries(item_ids=item_ids)] if item_ids else []
    for e in vault.entries():
        if e.action == "item.exported" and e.item_id is None and e.data.get("case_id") == case_id:
            seqs.append(e.seq)
    return sorted(set(seqs))


def export_bundle(vault: Vault, case_id: str, out_path: str | Path, *, actor: str, stamp: bool = True) -> dict[str, Any]:
    """Write the bundle; returns its manifest. Records an ``item.exported`` ledger entry first."""
    store = vault.store
    case = store.get_case(case_id)
    items: list[EvidenceItem] = vault.items(case_id)
    if not items:
        raise EvidenceError(f"case {case_id} has no evidence items to export")
    out = Path(out_path)
    if out.exists() and out.is_dir():
        raise EvidenceError(f"{out}: is a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    item_ids = [i.id for i in items]
    export_entry = vault.append(
        "item.exported", actor, None, {"case_id": case_id, "items": item_ids, "file": out.name}
    )
    if stamp:
        ts.mark_head_pending(vault)
        ts.stamp_pending(vault)
    case_seqs = set(_case_entry_seqs(vault, case_id, item_ids))
    all_tokens = ts.tokens(vault, min(case_seqs))
    chosen: dict[int, ts.StoredToken] = {}
    for seq in sorted(case_seqs):
        t = next((t for t in all_tokens if t.seq >= seq), None)
        if t is not None:
            chosen[t.id] = t
    last_seq = max([export_entry.seq] + [t.seq for t in chosen.values()])
    entries: list[LedgerEntry] = list(vault.entries(1, last_seq))

    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".zip")
    os.close(fd)
    try:
        z = _Zip(Path(tmp))
        manifest_items = []
        images: dict[str, bytes] = {}
        for it in items:
            files = []
            for f in it.files:
                path = f"items/{it.id}/{f.name}"
                z.add_blob(vault, path, f.sha256)
                files.append({"path": path, "sha256": f.sha256, "size": f.size, "role": f.role, "media_type": f.media_type})
                if f.role in ("screenshot", "view") and f.size < 20 * 1024 * 1024:
                    images[it.id] = vault.read(f)
            manifest_items.append({"id": it.id, "record": it.record, "legal_hold": it.legal_hold, "files": files})

        lines = [dumps(e.to_line(redact=e.seq not in case_seqs)) for e in entries]
        z.add("ledger/ledger.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        token_seqs = {t.seq for t in chosen.values()}
        for e in entries:
            if e.seq in case_seqs or e.seq in token_seqs:
                z.add(f"ledger/entries/{entry_name(e.seq)}", e.header.encode("utf-8"))
            if e.seq in case_seqs:
                z.add(f"ledger/data/{entry_name(e.seq)}", e.data_json.encode("utf-8"))

        ts_meta = []
        for t in sorted(chosen.values(), key=lambda t: (t.seq, t.id)):
            token_path = f"timestamps/{t.seq:08d}-{t.id}.tsr"
            z.add_blob(vault, token_path, t.token_sha256)
            ca_path = chain_path = None
            if t.ca_sha256:
                ca_path = f"timestamps/ca-{t.ca_sha256[:12]}.pem"
                if ca_path not in z.sums:
                    z.add_blob(vault, ca_path, t.ca_sha256)
            if t.chain_sha256:
                chain_path = f"timestamps/tsa-certs-{t.chain_sha256[:12]}.pem"
                if chain_path not in z.sums:
                    z.add_blob(vault, chain_path, t.chain_sha256)
            data_path = f"ledger/entries/{entry_name(t.seq)}"
            cmd = f"openssl ts -verify -data {data_path} -in {token_path} -CAfile {ca_path or chain_path}"
            if ca_path and chain_path:
                cmd += f" -untrusted {chain_path}"
            ts_meta.append(
                {
                    "seq": t.seq,
                    "entry_hash": t.entry_hash,
                    "data_file": data_path,
                    "token": token_path,
                    "tsa_url": t.tsa_url,
                    "tsa_name": t.tsa_name,
                    "gen_time": t.gen_time.isoformat(),
                    "serial": t.serial,
                    "policy": t.policy,
                    "ca_file": ca_path,
                    "certs_file": chain_path,
                    "verify_command": cmd,
                }
            )
        covered = max(token_seqs) if token_seqs else 0
        uncovered = sorted(s for s in case_seqs if s > covered)
        note = None
        if uncovered:
            note = (
                f"Entrées non encore horodatées : {', '.join(map(str, uncovered))} (horodatage en attente : relancer "
                "« veilleur evidence timestamp » puis exporter à nouveau)."
            )
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "generated_at": datetime.now(UTC).isoformat(),
            "generated_by": actor,
            "software": f"veilleur {__version__}",
            "case": {"id": case.id, "title": case.title, "kind": case.kind, "state": case.state},
            "items": manifest_items,
            "ledger": {
                "path": "ledger/ledger.jsonl",
                "entries": len(entries),
                "first_seq": entries[0].seq,
                "last_seq": entries[-1].seq,
                "last_hash": entries[-1].hash,
                "case_entries": sorted(case_seqs),
                "export_seq": export_entry.seq,
                "export_at": format_at(export_entry.at),
            },
            "timestamps": ts_meta,
            "timestamp_note": note,
            "report": "rapport.pdf",
            "checksums": "SHA256SUMS",
        }
        case_entries = [e.to_dict() for e in entries if e.seq in case_seqs]
        z.add("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
        z.add("rapport.pdf", build_report(manifest, images, case_entries))
        z.add("VERIFIER.txt", _howto(manifest).encode("utf-8"))
        sums = "".join(f"{sha}  {name}\n" for name, sha in sorted(z.sums.items()))
        z.z.writestr("SHA256SUMS", sums)
        z.z.close()
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def _howto(manifest: dict[str, Any]) -> str:
    cmds = "\n".join(t["verify_command"] for t in manifest["timestamps"]) or "(aucun jeton : horodatage en attente)"
    return (
        "Vérifier ce dossier sans veilleur / Verify this bundle without veilleur\n\n"
        "unzip bundle.zip -d preuves && cd preuves\n"
        "sha256sum -c SHA256SUMS\n"
        f"{cmds}\n\n"
        "Chaque fichier doit être « OK » et openssl doit afficher « Verification: OK ».\n"
        "Every file must be OK and openssl must print 'Verification: OK'.\n"
        "Détails : rapport.pdf, section « Comment vérifier ». Full check: veilleur evidence verify bundle.zip\n"
    )
