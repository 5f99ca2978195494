"""WACZ export of a case's URL captures (WACZ 1.1.1), readable by ReplayWeb.page and checkable by
``wacz validate``:

```
archive/<item>.warc.gz        the WARC of each URL capture, byte for byte as in the vault (stored, not deflated)
indexes/index.cdx             CDXJ index (SURT key, 14-digit timestamp, JSON: url, mime, status, digest, offset, length, filename)
pages/pages.jsonl             one page per capture (url, ts, title)
veilleur/<seq>.entry.json     the ledger header of each capture's item.added entry (SHA-256 = entry hash)
veilleur/<seq>.data.json      its data: the item record, with the WARC's SHA-256
veilleur/<seq>-<k>.tsr        the RFC 3161 token covering that entry, and the TSA certificates (.pem), when present
datapackage.json              every file above with its sha256 and size (frictionless data package)
datapackage-digest.json       sha256 of datapackage.json and signedData per the WACZ signing spec (anonymous):
                              ECDSA P-256 / SHA-256 signature (IEEE P1363 r||s, base64) of the "hash" string,
                              publicKey (SPKI DER, base64), created, software
```

The signing key is veilleur's own, created once under ``$VEILLEUR_HOME/wacz-signing.key`` (0600): the
signature says "not changed since this veilleur signed it", not who the signer is (anonymous signing). The
date is attested by the RFC 3161 tokens of the ledger entries, which commit to each WARC's SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from veilleur import __version__
from veilleur.errors import InputError
from veilleur.evidence import timestamp as ts
from veilleur.evidence.vault import EvidenceError, Vault
from veilleur.evidence.verify import open_zip

WACZ_VERSION = "1.1.1"
KEY_FILE = "wacz-signing.key"


def surt(url: str) -> str:
    """Sort-friendly URI Reordering Transform (enough for replay indexes): ``com,example)/path?query``."""
    p = urlsplit(url)
    host = (p.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    parts = host.split(".") if not host.replace(".", "").isdigit() else [host]
    key = ",".join(reversed(parts))
    if p.port and not ((p.scheme == "http" and p.port == 80) or (p.scheme == "https" and p.port == 443)):
        key += f":{p.port}"
    return f"{key}){(p.path or '/').lower()}" + (f"?{p.query}" if p.query else "")


def _ts14(value: str | None) -> str:
    if not value:
        return "19700101000000"
    dt = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return dt.strftime("%Y%m%d%H%M%S")


def cdxj_lines(warc: bytes, filename: str) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    lines = []
    it = ArchiveIterator(io.BytesIO(warc))
    for rec in it:
        if rec.rec_type not in ("response", "resource", "revisit"):
            continue
        url = rec.rec_headers.get_header("WARC-Target-URI") or ""
        date = rec.rec_headers.get_header("WARC-Date") or ""
        status = rec.http_headers.get_statuscode() if rec.http_headers else "200"
        mime = (
            (rec.http_headers.get_header("Content-Type") or "").split(";")[0].strip()
            if rec.http_headers
            else ""
        )
        digest = rec.rec_headers.get_header("WARC-Payload-Digest") or ""
        rec.content_stream().read()  # advance to the end of the record so offset/length are known
        offset, length = it.get_record_offset(), it.get_record_length()
        info = {
            "url": url,
            "mime": mime,
            "status": status,
            "digest": digest,
            "length": str(length),
            "offset": str(offset),
            "filename": filename,
        }
        lines.append(f"{surt(url)} {_ts14(date)} {json.dumps(info, ensure_ascii=False)}")
    return sorted(lines)


# -- key ------------------------------------------------------------------------------------------
def signing_key(home: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = Path(home) / KEY_FILE
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _sign(key: Any, hash_str: str) -> tuple[str, str]:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    der = key.sign(hash_str.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # IEEE P1363, as WebCrypto produces and checks
    pub = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(sig).decode(), base64.b64encode(pub).decode()


def check_signature(signed: dict[str, Any]) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        pub = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
        raw = base64.b64decode(signed["signature"])
        if not isinstance(pub, ec.EllipticCurvePublicKey) or len(raw) != 64:
            return False
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        pub.verify(der, str(signed["hash"]).encode("utf-8"), ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False


# -- export ---------------------------------------------------------------------------------------
def export_wacz(vault: Vault, case_id: str, out_path: str | Path, *, actor: str) -> dict[str, Any]:
    """Write the case's URL captures as a signed WACZ; returns a summary. Written to a temp file, then renamed."""
    store = vault.store
    case = store.get_case(case_id)
    items = [i for i in vault.items(case_id) if i.kind == "url" and i.file("warc") is not None]
    if not items:
        raise EvidenceError(f"case {case_id} has no URL capture with a WARC to export as WACZ")
    out = Path(out_path)
    if out.is_dir():
        raise EvidenceError(f"{out}: is a directory")
    files: dict[str, bytes] = {}
    cdx: list[str] = []
    pages = [
        json.dumps(
            {"format": "json-pages-1.0", "id": "pages", "title": f"veilleur — {case.title}"},
            ensure_ascii=False,
        )
    ]
    entries = {e.seq: e for e in vault.entries(item_ids=[i.id for i in items]) if e.action == "item.added"}
    tokens = ts.tokens(vault, min(entries) if entries else 0)
    for it in items:
        warc_file = it.file("warc")
        assert warc_file is not None
        name = f"archive/{it.id}.warc.gz"
        data = vault.read(warc_file)
        if hashlib.sha256(data).hexdigest() != warc_file.sha256:
            raise EvidenceError(f"item {it.id}: WARC no longer matches its hash in the vault: export refused")
        files[name] = data
        cdx.extend(cdxj_lines(data, f"{it.id}.warc.gz"))
        obs = it.observed
        page = {
            "id": it.id,
            "url": obs.get("final_url") or it.source,
            "ts": obs.get("started_at"),
            "title": obs.get("title") or "",
        }
        pages.append(json.dumps(page, ensure_ascii=False))
        e = entries.get(it.added_seq)
        if e is None:
            continue
        files[f"veilleur/{e.seq:08d}.entry.json"] = e.header.encode("utf-8")
        files[f"veilleur/{e.seq:08d}.data.json"] = e.data_json.encode("utf-8")
        tok = next((t for t in tokens if t.seq >= e.seq), None)
        if tok is not None:
            for link in vault.entries(
                e.seq + 1, tok.seq
            ):  # headers only: they chain the entry to the stamped one
                files[f"veilleur/{link.seq:08d}.entry.json"] = link.header.encode("utf-8")
            files[f"veilleur/{tok.seq:08d}-{tok.id}.tsr"] = vault.blobs.read(tok.token_sha256)
            if tok.ca_sha256:
                files[f"veilleur/ca-{tok.ca_sha256[:12]}.pem"] = vault.blobs.read(tok.ca_sha256)
            if tok.chain_sha256:
                files[f"veilleur/tsa-certs-{tok.chain_sha256[:12]}.pem"] = vault.blobs.read(tok.chain_sha256)
    files["indexes/index.cdx"] = ("\n".join(sorted(cdx)) + "\n").encode("utf-8")
    files["pages/pages.jsonl"] = ("\n".join(pages) + "\n").encode("utf-8")
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    software = f"veilleur {__version__}"
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": Path(p).name.lower(),
                "path": p,
                "hash": "sha256:" + hashlib.sha256(d).hexdigest(),
                "bytes": len(d),
            }
            for p, d in sorted(files.items())
        ],
        "wacz_version": WACZ_VERSION,
        "title": f"{case.title} ({case.id})",
        "description": "Captures de pages web du coffre de preuves veilleur (WARC d'origine, tels que scellés dans le journal)",
        "mainPageURL": items[0].observed.get("final_url") or items[0].source,
        "mainPageDate": items[0].observed.get("started_at"),
        "created": created,
        "software": software,
    }
    package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    hash_str = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    sig, pub = _sign(signing_key(Path(store.settings.home)), hash_str)
    digest = {
        "path": "datapackage.json",
        "hash": hash_str,
        "signedData": {
            "hash": hash_str,
            "created": created,
            "software": software,
            "signature": sig,
            "publicKey": pub,
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".wacz-", suffix=".wacz")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
            for p, d in sorted(files.items()):
                z.writestr(p, d)
            z.writestr("datapackage.json", package_bytes)
            z.writestr("datapackage-digest.json", json.dumps(digest, indent=2))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    pub_fpr = hashlib.sha256(base64.b64decode(pub)).hexdigest()
    vault.note(
        None, actor, f"WACZ export of case {case_id}: {out.name} datapackage {hash_str} key sha256:{pub_fpr}"
    )
    return {
        "wacz": str(out),
        "items": [i.id for i in items],
        "datapackage_hash": hash_str,
        "public_key_sha256": pub_fpr,
        "tokens": sorted(p for p in files if p.endswith(".tsr")),
        "size": out.stat().st_size,
    }


# -- verify ---------------------------------------------------------------------------------------
def verify_wacz(path: str | Path) -> list[str]:
    """Problems found (empty: intact): every file against datapackage.json, datapackage.json against the
    digest, the signature, each WARC against its sealed ledger record, each token against its entry."""
    p = Path(path)
    z = open_zip(p, "WACZ")
    problems: list[str] = []
    with z:
        names = set(z.namelist())
        try:
            package_bytes = z.read("datapackage.json")
            package = json.loads(package_bytes)
            digest = json.loads(z.read("datapackage-digest.json"))
        except (KeyError, ValueError) as exc:
            raise InputError(
                p, f"not a WACZ with datapackage.json and datapackage-digest.json ({exc})"
            ) from None
        listed = {r["path"]: r for r in package.get("resources", [])}
        for name in sorted(names - {"datapackage.json", "datapackage-digest.json"}):
            r = listed.get(name)
            data = z.read(name)
            if r is None:
                problems.append(f"{name}: added: not listed in datapackage.json")
            elif r.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or r.get("bytes") != len(data):
                problems.append(f"{name}: altered: SHA-256 or size differs from datapackage.json")
        for name in sorted(set(listed) - names):
            problems.append(f"{name}: removed: listed in datapackage.json but absent")
        hash_str = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        if digest.get("hash") != hash_str:
            problems.append("datapackage.json: altered: hash differs from datapackage-digest.json")
        signed = digest.get("signedData") or {}
        if not signed:
            problems.append("datapackage-digest.json: not signed")
        else:
            if signed.get("hash") != digest.get("hash") or signed.get("created") != package.get("created"):
                problems.append(
                    "datapackage-digest.json: signedData hash or created differs from the package"
                )
            if not check_signature(signed):
                problems.append("datapackage-digest.json: invalid: ECDSA signature does not verify")
        # each WARC against the SHA-256 sealed in its item.added ledger entry (and that entry's header)
        for name in sorted(n for n in names if n.startswith("veilleur/") and n.endswith(".data.json")):
            seq = name.split("/")[1].split(".")[0]
            header_name = f"veilleur/{seq}.entry.json"
            data_bytes = z.read(name)
            try:
                header = json.loads(z.read(header_name))
                record = json.loads(data_bytes)
            except (KeyError, ValueError):
                problems.append(f"{header_name}: removed or invalid")
                continue
            if header.get("data_sha256") != hashlib.sha256(data_bytes).hexdigest():
                problems.append(f"{name}: altered: differs from data_sha256 of ledger entry {int(seq)}")
            warc = next((f for f in record.get("files", []) if f.get("role") == "warc"), None)
            arch = f"archive/{record.get('id')}.warc.gz"
            if warc is None or arch not in names:
                problems.append(f"{arch}: removed: WARC of the sealed record missing")
            elif hashlib.sha256(z.read(arch)).hexdigest() != warc.get("sha256"):
                problems.append(
                    f"{arch}: altered: SHA-256 differs from the one sealed in ledger entry {int(seq)}"
                )
        headers = {
            int(n[9:17]): z.read(n)
            for n in names
            if n.startswith("veilleur/") and n.endswith(".entry.json") and n[9:17].isdigit()
        }
        for seq_n, text in sorted(headers.items()):
            if seq_n + 1 in headers:
                try:
                    nxt = json.loads(headers[seq_n + 1])
                except ValueError:
                    nxt = {}
                if nxt.get("prev_hash") != hashlib.sha256(text).hexdigest():
                    problems.append(
                        f"veilleur/{seq_n + 1:08d}.entry.json: altered: prev_hash does not link to entry {seq_n}"
                    )
        data_seqs = sorted(
            int(n[9:17])
            for n in names
            if n.startswith("veilleur/") and n.endswith(".data.json") and n[9:17].isdigit()
        )
        for name in sorted(n for n in names if n.startswith("veilleur/") and n.endswith(".tsr")):
            seq = name.split("/")[1].split("-")[0]
            try:
                entry = z.read(f"veilleur/{seq}.entry.json")
            except KeyError:
                problems.append(f"{name}: invalid: the stamped entry is missing")
                continue
            for d in data_seqs:
                if d <= int(seq) and any(k not in headers for k in range(d, int(seq) + 1)):
                    problems.append(
                        f"{name}: invalid: ledger headers between entry {d} and the stamped entry {int(seq)} are missing"
                    )
            ca = b"".join(z.read(n) for n in sorted(names) if n.startswith("veilleur/ca-")) or None
            try:
                ts.verify_token(z.read(name), hashlib.sha256(entry).hexdigest(), ca)
            except ts.TokenError as exc:
                problems.append(f"{name}: invalid: {exc}")
    return problems


__all__ = ["check_signature", "cdxj_lines", "export_wacz", "surt", "verify_wacz"]
