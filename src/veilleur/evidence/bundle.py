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
from veilleur.evidence.report import NO_TOKEN_FR, build_report
from veilleur.evidence.vault import EvidenceError, EvidenceItem, LedgerEntry, Vault, format_at
from veilleur.records import dumps

FORMAT = "veilleur-evidence-bundle/2"
FORMATS = ("veilleur-evidence-bundle/1", FORMAT)
# Files written after the item.exported entry (they contain it or stamp it); every other file is sealed in it.
UNSEALED = ("manifest.json", "SHA256SUMS", "VERIFIER.txt")


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

    def add_blob(self, vault: Vault, name: str, sha: str, what: str | None = None) -> None:
        h = hashlib.sha256()
        try:
            with vault.blobs.path(sha).open("rb") as src, self.z.open(name, "w", force_zip64=True) as dst:
                for chunk in iter(lambda: src.read(1024 * 1024), b""):
                    h.update(chunk)
                    dst.write(chunk)
        except FileNotFoundError:
            raise EvidenceError(
                f"{what or name}: vault file {sha[:16]}… is missing from the vault (deleted on disk); "
                "export refused — run `veilleur evidence check`"
            ) from None
        except OSError as exc:
            raise EvidenceError(
                f"{what or name}: vault file {sha[:16]}… cannot be read ({exc.strerror or exc})"
            ) from None
        if h.hexdigest() != sha:
            raise EvidenceError(
                f"{what or name}: vault file {sha[:16]}… no longer matches its hash: the vault was altered"
            )
        self.sums[name] = sha


def _case_entry_seqs(vault: Vault, case_id: str, item_ids: list[str]) -> list[int]:
    seqs = [e.seq for e in vault.entries(item_ids=item_ids)] if item_ids else []
    for e in vault.entries():
        if e.action == "item.exported" and e.item_id is None and e.data.get("case_id") == case_id:
            seqs.append(e.seq)
    return sorted(set(seqs))


def _choose_tokens(vault: Vault, case_seqs: set[int]) -> dict[int, ts.StoredToken]:
    """For each case entry, the earliest token at or after it."""
    chosen: dict[int, ts.StoredToken] = {}
    if not case_seqs:
        return chosen
    all_tokens = ts.tokens(vault, min(case_seqs))
    for seq in sorted(case_seqs):
        t = next((t for t in all_tokens if t.seq >= seq), None)
        if t is not None:
            chosen[t.id] = t
    return chosen


def token_paths(t: ts.StoredToken) -> tuple[str, str | None, str | None]:
    token = f"timestamps/{t.seq:08d}-{t.id}.tsr"
    ca = f"timestamps/ca-{t.ca_sha256[:12]}.pem" if t.ca_sha256 else None
    chain = f"timestamps/tsa-certs-{t.chain_sha256[:12]}.pem" if t.chain_sha256 else None
    return token, ca, chain


def verify_command(seq: int, token_path: str, ca_path: str | None, chain_path: str | None) -> str:
    cmd = f"openssl ts -verify -data ledger/entries/{entry_name(seq)} -in {token_path} -CAfile {ca_path or chain_path}"
    if ca_path and chain_path:
        cmd += f" -untrusted {chain_path}"
    return cmd


def _ts_meta(t: ts.StoredToken) -> dict[str, Any]:
    token_path, ca_path, chain_path = token_paths(t)
    return {
        "seq": t.seq,
        "entry_hash": t.entry_hash,
        "data_file": f"ledger/entries/{entry_name(t.seq)}",
        "token": token_path,
        "tsa_url": t.tsa_url,
        "tsa_name": t.tsa_name,
        "gen_time": t.gen_time.isoformat(),
        "serial": t.serial,
        "policy": t.policy,
        "ca_file": ca_path,
        "certs_file": chain_path,
        "verify_command": verify_command(t.seq, token_path, ca_path, chain_path),
    }


def timestamp_note(case_seqs: list[int] | set[int], token_seqs: list[int] | set[int]) -> str | None:
    """What the timestamps do not cover (None: every case entry is covered). Verify recomputes it."""
    if not token_seqs:
        return NO_TOKEN_FR + " Relancer « veilleur evidence timestamp » puis exporter à nouveau."
    covered = max(token_seqs)
    uncovered = sorted(s for s in case_seqs if s > covered)
    if not uncovered:
        return None
    return (
        f"Entrées non encore horodatées : {', '.join(map(str, uncovered))} ; pour elles le dossier ne prouve que sa "
        "cohérence interne (horodatage en attente : relancer « veilleur evidence timestamp » puis exporter à nouveau)."
    )


def export_bundle(
    vault: Vault,
    case_id: str,
    out_path: str | Path,
    *,
    actor: str,
    stamp: bool = True,
    allow_broken_ledger: bool = False,
    recipient: str | None = None,
) -> dict[str, Any]:
    """Write the bundle; returns its manifest.

    The evidence files and the PDF report are written first; the ``item.exported`` ledger entry then records
    the SHA-256 of each of them, the case fields and the export metadata (so they are chained and
    timestamped); the ledger extract, the tokens, manifest.json, VERIFIER.txt (derived from the manifest)
    and SHA256SUMS follow. A ledger that fails its check refuses the export unless ``allow_broken_ledger``.
    """
    from veilleur.evidence.views import carries_originals, check_recipient, ensure_views

    store = vault.store
    case = store.get_case(case_id)
    recipient = check_recipient(recipient)
    items: list[EvidenceItem] = vault.items(case_id)
    if not items:
        raise EvidenceError(f"case {case_id} has no evidence items to export")
    if not carries_originals(recipient):  # views only (made and sealed now where missing)
        for it in items:  # the originals stay in the vault, but must still be there and intact
            for f in it.files:
                if not vault.blobs.has(f.sha256):
                    raise EvidenceError(
                        f"item {it.id} file {f.name}: vault file {f.sha256[:16]}… is missing from the vault (deleted on disk); "
                        "export refused — run `veilleur evidence check`"
                    )
                if not vault.blobs.verify(f.sha256):
                    raise EvidenceError(
                        f"item {it.id} file {f.name}: vault file {f.sha256[:16]}… no longer matches its hash: the vault was altered"
                    )
        items = ensure_views(vault, case_id, actor=actor)
    out = Path(out_path)
    if out.exists() and out.is_dir():
        raise EvidenceError(f"{out}: is a directory")
    ledger_problems = vault.check_ledger()
    if ledger_problems and not allow_broken_ledger:
        raise EvidenceError(
            f"the evidence ledger fails its check ({len(ledger_problems)} problem(s), first: {ledger_problems[0]}); "
            "export refused — see `veilleur evidence check` (--allow-broken-ledger exports anyway and says so in the report)"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    item_ids = [i.id for i in items]
    generated_at = datetime.now(UTC).isoformat()
    software = f"veilleur {__version__}"
    case_info = {"id": case.id, "title": case.title, "kind": case.kind, "state": case.state}
    hold_ids = [i.id for i in items if i.legal_hold]
    tsa_configured = stamp and bool(ts.tsa_config(store.settings).urls)

    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".zip")
    os.close(fd)
    try:
        z = _Zip(Path(tmp))
        # 1. the sealed files: every evidence file, then the report
        manifest_items = []
        images: dict[str, bytes] = {}
        for it in items:
            files = []
            for f in it.files:
                path = f"items/{it.id}/{f.name}"
                z.add_blob(vault, path, f.sha256, what=f"item {it.id} file {f.name}")
                files.append(
                    {
                        "path": path,
                        "sha256": f.sha256,
                        "size": f.size,
                        "role": f.role,
                        "media_type": f.media_type,
                    }
                )
                if f.role in ("screenshot", "view") and f.size < 20 * 1024 * 1024:
                    images[it.id] = vault.read(f)
            manifest_items.append(
                {"id": it.id, "record": it.record, "legal_hold": it.legal_hold, "files": files}
            )
        seqs_before = set(_case_entry_seqs(vault, case_id, item_ids))
        tokens_before = sorted(_choose_tokens(vault, seqs_before).values(), key=lambda t: (t.seq, t.id))
        # what the report and the manifest both state first, in this order
        head: dict[str, Any] = {
            "format": FORMAT,
            "recipient": recipient,
            "generated_at": generated_at,
            "generated_by": actor,
            "software": software,
            "case": case_info,
            "items": manifest_items,
        }
        report_state = {
            **head,
            "timestamps": [_ts_meta(t) for t in tokens_before],
            "tsa_configured": tsa_configured,
            "ledger_problems": ledger_problems,
        }
        entries_before = (
            [e.to_dict() for e in vault.entries(1, max(seqs_before)) if e.seq in seqs_before]
            if seqs_before
            else []
        )
        z.add("rapport.pdf", build_report(report_state, images, entries_before))
        sealed = dict(sorted(z.sums.items()))

        # 2. the export entry binds them (and is timestamped)
        export_data: dict[str, Any] = {
            "case_id": case_id,
            "items": item_ids,
            "file": out.name,
            "case": case_info,
            "generated_at": generated_at,
            "software": software,
            "legal_hold": hold_ids,
            "files": sealed,
            "recipient": recipient,
        }
        if ledger_problems:
            export_data["ledger_problems"] = ledger_problems
        export_entry = vault.append("item.exported", actor, None, export_data)
        if stamp:
            ts.mark_head_pending(vault)
            ts.stamp_pending(vault)

        # 3. what contains or stamps the export entry
        case_seqs = set(_case_entry_seqs(vault, case_id, item_ids))
        chosen = _choose_tokens(vault, case_seqs)
        last_seq = max([export_entry.seq] + [t.seq for t in chosen.values()])
        entries: list[LedgerEntry] = list(vault.entries(1, last_seq))
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
            meta = _ts_meta(t)
            z.add_blob(vault, meta["token"], t.token_sha256, what=f"timestamp token of ledger entry {t.seq}")
            for path, sha in ((meta["ca_file"], t.ca_sha256), (meta["certs_file"], t.chain_sha256)):
                if path and sha and path not in z.sums:
                    z.add_blob(vault, path, sha, what=f"TSA certificates of ledger entry {t.seq}")
            ts_meta.append(meta)
        manifest: dict[str, Any] = {
            **head,
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
            "timestamp_note": timestamp_note(case_seqs, token_seqs),
            "report": "rapport.pdf",
            "checksums": "SHA256SUMS",
        }
        if ledger_problems:
            manifest["ledger_problems"] = ledger_problems
        z.add(
            "manifest.json",
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
        )
        z.add("VERIFIER.txt", howto(manifest).encode("utf-8"))
        sums = "".join(f"{sha}  {name}\n" for name, sha in sorted(z.sums.items()))
        z.z.writestr("SHA256SUMS", sums)
        z.z.close()
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def howto(manifest: dict[str, Any]) -> str:
    """VERIFIER.txt: derived from the manifest only (verify regenerates it and compares byte for byte)."""
    cmds = (
        "\n".join(t["verify_command"] for t in manifest["timestamps"]) or "(aucun jeton / no timestamp token)"
    )
    export = entry_name(int(manifest["ledger"]["export_seq"]))
    text = (
        "Vérifier ce dossier sans veilleur / Verify this bundle without veilleur\n\n"
        "unzip bundle.zip -d preuves && cd preuves\n"
        "sha256sum -c SHA256SUMS\n"
        f"{cmds}\n\n"
        "Chaque fichier doit être « OK » et openssl doit afficher « Verification: OK ».\n"
        "Every file must be OK and openssl must print 'Verification: OK'.\n\n"
        f"Scellé : ledger/data/{export} (l'entrée d'export du journal) liste le SHA-256 de rapport.pdf et de chaque\n"
        "fichier de items/ ; « sha256sum rapport.pdf items/*/* » doit donner les mêmes valeurs, et\n"
        f"« sha256sum ledger/data/{export} » la valeur data_sha256 de ledger/entries/{export}.\n"
        f"Seal: ledger/data/{export} (the ledger's export entry) lists the SHA-256 of rapport.pdf and of every\n"
        "file under items/; sha256sum must give the same values.\n"
    )
    if not manifest["timestamps"]:
        text += (
            "\nAucun jeton d'horodatage : ce dossier ne prouve que sa cohérence interne (ni sa date, ni l'absence de\n"
            "modification par qui détient le coffre). No timestamp token: this bundle proves only its self-consistency.\n"
        )
    return (
        text
        + "\nDétails : rapport.pdf, section « Comment vérifier ». Full check: veilleur evidence verify bundle.zip\n"
    )
