"""Verify a bundle: every file against SHA256SUMS and the manifest, the ledger chain, each item against
its ``item.added`` entry, the report and every evidence file against the seal in the ``item.exported``
entry, the manifest's case and export fields against that entry, each RFC 3161 token against its entry
and TSA certificate. Names exactly which file or entry was altered, added or removed; a file that is
neither sealed nor a ledger/timestamp file the manifest names is refused, and so are duplicate or unsafe
zip entry names."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veilleur.errors import InputError
from veilleur.evidence import bundle as bdl
from veilleur.evidence import timestamp as ts
from veilleur.evidence.bundle import FORMAT, FORMATS, entry_name
from veilleur.evidence.vault import GENESIS_HASH

MAX_MEMBERS = 100_000
MAX_TOTAL = 64 * 1024**3


@dataclass
class Problem:
    where: str  # a file path in the bundle, or "ledger entry N"
    kind: str  # altered | added | removed | invalid
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"


@dataclass
class VerifyReport:
    path: str
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    entries_checked: int = 0
    tokens_checked: int = 0
    items_checked: int = 0
    warnings: list[str] = field(default_factory=list)
    timestamps: list[dict[str, Any]] = field(default_factory=list)
    # "timestamped" (every case entry covered by a verified token), "partly timestamped", or
    # "self-consistency only" (no token: whoever holds the vault could have rebuilt everything)
    assurance: str = "self-consistency only"

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, kind: str, message: str) -> None:
        self.problems.append(Problem(where, kind, message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "problems": [p.__dict__ for p in self.problems],
            "files_checked": self.files_checked,
            "entries_checked": self.entries_checked,
            "tokens_checked": self.tokens_checked,
            "items_checked": self.items_checked,
            "warnings": self.warnings,
            "timestamps": self.timestamps,
            "assurance": self.assurance,
        }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_zip(p: Path, what: str) -> zipfile.ZipFile:
    """The zip file at ``p``, or ``InputError`` (missing, unreadable, not a zip) naming ``what`` it should be."""
    if not p.is_file():
        raise InputError(p, "file not found")
    try:
        return zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(p, f"not a readable {what} ({exc})") from None


def verify_bundle(path: str | Path) -> VerifyReport:
    p = Path(path)
    z = open_zip(p, "zip bundle")
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_TOTAL:
            raise InputError(p, "bundle too large to verify")
        names = [i.filename for i in infos]
        if "SHA256SUMS" not in names or "manifest.json" not in names:
            raise InputError(p, "not a veilleur evidence bundle (no SHA256SUMS or manifest.json)")
        report = VerifyReport(str(p))
        _check_names(report, names)
        actual: dict[str, str] = {}
        for i in infos:
            h = hashlib.sha256()
            with z.open(i) as f:
                for chunk in iter(lambda f=f: f.read(1024 * 1024), b""):  # type: ignore[misc]
                    h.update(chunk)
            actual[i.filename] = h.hexdigest()
        read = z.read
        _check_sums(report, read("SHA256SUMS").decode("utf-8", "replace"), actual)
        try:
            manifest = json.loads(read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
                fmt = manifest.get("format") if isinstance(manifest, dict) else None
                report.add("manifest.json", "invalid", f"unknown format {fmt!r}")
                return report
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            report.add("manifest.json", "invalid", f"not valid JSON ({exc})")
            return report
        name_set = set(names)
        headers = _check_ledger(report, manifest, read, name_set)
        _check_items(report, manifest, actual, headers, read, name_set)
        _check_tokens(report, manifest, headers, read, name_set)
        if manifest["format"] == FORMAT:
            _check_seal(report, manifest, actual, headers, read, name_set)
        else:
            report.warnings.append(
                f"old bundle format {manifest['format']}: the report, VERIFIER.txt and the case fields are protected "
                "by SHA256SUMS only (not sealed in the ledger); export the case again for a sealed bundle"
            )
    return report


def _check_names(report: VerifyReport, names: list[str]) -> None:
    """Refuse duplicate names (zip tools disagree on which copy they show) and names that extract elsewhere."""
    seen: dict[str, str] = {}
    counts = Counter(names)
    for n in counts:
        if counts[n] > 1:
            report.add(
                n,
                "invalid",
                f"appears {counts[n]} times in the zip (duplicate entry names: tools disagree on which copy is shown)",
            )
        parts = n.split("/")
        if (
            n.startswith("/")
            or "\\" in n
            or ":" in n
            or any(x in ("", ".", "..") for x in parts)
            or any(ord(c) < 32 for c in n)
        ):
            report.add(n, "invalid", "unsafe or non-canonical entry name in the zip")
        key = n.casefold()
        if key in seen:
            report.add(n, "invalid", f"same name as {seen[key]} on a case-insensitive disk (duplicate entry)")
        seen[key] = n


def _check_sums(report: VerifyReport, text: str, actual: dict[str, str]) -> None:
    listed: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        sha, sep, name = line.partition("  ")
        if not sep or len(sha) != 64:
            report.add("SHA256SUMS", "invalid", f"line {n} is not '<sha256>  <path>'")
            continue
        if name in listed:
            report.add("SHA256SUMS", "invalid", f"line {n}: {name} listed twice")
        listed[name] = sha
    for name, sha in listed.items():
        if name not in actual:
            report.add(name, "removed", "listed in SHA256SUMS but absent from the bundle")
        elif actual[name] != sha:
            report.add(name, "altered", f"SHA-256 {actual[name][:16]}… differs from SHA256SUMS {sha[:16]}…")
    for name in actual:
        if name != "SHA256SUMS" and name not in listed:
            report.add(name, "added", "present in the bundle but not listed in SHA256SUMS")
    report.files_checked = len(actual)


def _check_ledger(
    report: VerifyReport, manifest: dict[str, Any], read: Any, names: set[str]
) -> dict[int, dict[str, Any]]:
    """Returns seq → {header (str), parsed header, hash, data (str or None)} of the verified lines."""
    led = manifest.get("ledger", {})
    path = led.get("path", "ledger/ledger.jsonl")
    out: dict[int, dict[str, Any]] = {}
    if path not in names:
        report.add(path, "removed", "ledger extract missing")
        return out
    prev_hash, expected = GENESIS_HASH, int(led.get("first_seq", 1))
    if expected != 1:
        report.add(path, "invalid", "ledger extract does not start at entry 1")
    lines = read(path).decode("utf-8", "replace").splitlines()
    for n, line in enumerate(lines, 1):
        where = f"{path} line {n}"
        try:
            obj = json.loads(line)
            header_text = obj["header"]
            header = json.loads(header_text)
            seq = int(header["seq"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            report.add(where, "invalid", "not a ledger line")
            continue
        if seq != expected:
            kind = "removed" if seq > expected else "invalid"
            report.add(
                f"ledger entry {seq}",
                kind,
                f"found at line {n} where entry {expected} was expected (entry removed, added or reordered)",
            )
        h = _sha(header_text.encode("utf-8"))
        if h != obj.get("hash"):
            report.add(f"ledger entry {seq}", "altered", "header does not match its hash")
        if header.get("prev_hash") != prev_hash:
            report.add(
                f"ledger entry {seq}",
                "altered",
                "prev_hash does not link to the previous entry (chain broken)",
            )
        data = obj.get("data")
        if data is not None and _sha(data.encode("utf-8")) != header.get("data_sha256"):
            report.add(f"ledger entry {seq}", "altered", "data does not match data_sha256")
        out[seq] = {"header_text": header_text, "header": header, "hash": h, "data": data}
        prev_hash, expected = h, seq + 1
        report.entries_checked += 1
    if out and max(out) != int(led.get("last_seq", max(out))):
        report.add(path, "removed", f"ledger ends at entry {max(out)}, manifest says {led.get('last_seq')}")
    if out and led.get("last_hash") and out[max(out)]["hash"] != led["last_hash"]:
        report.add("manifest.json", "altered", "ledger last_hash does not match the ledger extract")
    item_ids = {i.get("id") for i in manifest.get("items", [])}
    case_entries = set(led.get("case_entries", []))
    for seq, line in out.items():
        if line["header"].get("item_id") in item_ids and seq not in case_entries:
            report.add(
                f"ledger entry {seq}",
                "invalid",
                f"entry of item {line['header'].get('item_id')} left out of the case's entries (its data hidden)",
            )
    for seq in led.get("case_entries", []):
        e = out.get(seq)
        if e is None:
            report.add(f"ledger entry {seq}", "removed", "entry of this case missing from the extract")
            continue
        if e["data"] is None:
            report.add(f"ledger entry {seq}", "removed", "data of this case's entry missing (redacted)")
        for sub, content in (("entries", e["header_text"]), ("data", e["data"])):
            name = f"ledger/{sub}/{entry_name(seq)}"
            if name not in names:
                report.add(name, "removed", "entry file missing")
            elif content is not None and read(name).decode("utf-8", "replace") != content:
                report.add(name, "altered", f"differs from ledger entry {seq}")
    return out


def _check_items(
    report: VerifyReport,
    manifest: dict[str, Any],
    actual: dict[str, str],
    headers: dict[int, dict[str, Any]],
    read: Any,
    names: set[str],
) -> None:
    added: dict[str, dict[str, Any]] = {}
    for seq, e in headers.items():
        h = e["header"]
        if h.get("action") == "item.added" and e["data"] is not None:
            added[h.get("item_id")] = {"seq": seq, "data": json.loads(e["data"])}
    for item in manifest.get("items", []):
        iid = item.get("id")
        rec = item.get("record", {})
        where = f"manifest.json item {iid}"
        entry = added.get(iid)
        if entry is None:
            report.add(where, "invalid", "no item.added ledger entry for this item")
        elif entry["data"] != rec:
            diff = sorted(k for k in set(entry["data"]) | set(rec) if entry["data"].get(k) != rec.get(k))
            report.add(
                where,
                "altered",
                f"record differs from ledger entry {entry['seq']} (fields: {', '.join(diff)})",
            )
        recorded = {f["name"]: f["sha256"] for f in rec.get("files", [])}
        for f in item.get("files", []):
            path = f.get("path", "")
            name = path.rsplit("/", 1)[-1]
            if path not in actual:
                report.add(path, "removed", f"file of item {iid} missing")
            elif actual[path] != f.get("sha256"):
                report.add(path, "altered", f"SHA-256 differs from the manifest (item {iid})")
            if recorded.get(name) != f.get("sha256"):
                report.add(path, "altered", f"SHA-256 differs from the item's ledger record (item {iid})")
            rec_file = next((r for r in rec.get("files", []) if r.get("name") == name), None)
            if path != f"items/{iid}/{name}":
                report.add(path, "invalid", f"not where the files of item {iid} belong")
            elif rec_file is not None and any(
                rec_file.get(k) != f.get(k) for k in ("size", "role", "media_type")
            ):
                report.add(
                    where, "altered", f"size, role or media type of {name} differs from the ledger record"
                )
        report.items_checked += 1
    listed = {f["path"] for i in manifest.get("items", []) for f in i.get("files", [])}
    for n in names:
        if n.startswith("items/") and n not in listed:
            report.add(n, "added", "item file not in the manifest")


def _check_tokens(
    report: VerifyReport,
    manifest: dict[str, Any],
    headers: dict[int, dict[str, Any]],
    read: Any,
    names: set[str],
) -> None:
    for t in manifest.get("timestamps", []):
        tok = t.get("token", "")
        seq = int(t.get("seq", -1))
        if tok not in names:
            report.add(tok, "removed", "timestamp token missing")
            continue
        entry = headers.get(seq)
        if entry is None:
            report.add(tok, "invalid", f"stamps ledger entry {seq}, absent from the extract")
            continue
        ca = read(t["ca_file"]) if t.get("ca_file") in names else None
        if ca is None:
            report.warnings.append(
                f"{tok}: no TSA CA in the bundle; signature checked against the token's own certificate only"
            )
        try:
            info = ts.verify_token(read(tok), entry["hash"], ca)
        except ts.TokenError as exc:
            report.add(tok, "invalid", f"token for ledger entry {seq}: {exc}")
            continue
        report.tokens_checked += 1
        report.timestamps.append(
            {"seq": seq, "gen_time": info.gen_time.isoformat(), "tsa": info.signer_subject}
        )
        if manifest.get("format") == FORMAT:
            expected = {
                "entry_hash": entry["hash"],
                "data_file": f"ledger/entries/{entry_name(seq)}",
                "gen_time": info.gen_time.isoformat(),
                "serial": info.serial,
                "policy": info.policy,
                "tsa_name": info.tsa_name,
                "verify_command": bdl.verify_command(seq, tok, t.get("ca_file"), t.get("certs_file")),
            }
            bad = sorted(k for k, v in expected.items() if t.get(k) != v)
            if bad:
                report.add(
                    "manifest.json",
                    "altered",
                    f"timestamp of entry {seq}: {', '.join(bad)} differ from the token",
                )
    stamped = [int(t.get("seq", 0)) for t in manifest.get("timestamps", [])]
    case_entries = manifest.get("ledger", {}).get("case_entries", [])
    if not stamped or not report.tokens_checked:
        report.assurance = "self-consistency only"
        report.warnings.append(
            "no timestamp token: the bundle proves only its self-consistency; whoever holds the vault or this bundle "
            "could have rebuilt every file, the ledger and the checksums consistently; neither the date nor the "
            "absence of later changes is attested by a third party"
        )
    elif case_entries and max(case_entries) > max(stamped):
        report.assurance = "partly timestamped"
        report.warnings.append(
            f"entries after {max(stamped)} are not covered by a timestamp (for them, and for what the export entry "
            f"{manifest.get('ledger', {}).get('export_seq')} seals, the bundle proves only its self-consistency)"
        )
    else:
        report.assurance = "timestamped"


MANIFEST_KEYS = {
    "format",
    "generated_at",
    "generated_by",
    "software",
    "case",
    "items",
    "ledger",
    "timestamps",
    "timestamp_note",
    "report",
    "checksums",
    "ledger_problems",
    "recipient",
}


def _check_seal(
    report: VerifyReport,
    manifest: dict[str, Any],
    actual: dict[str, str],
    headers: dict[int, dict[str, Any]],
    read: Any,
    names: set[str],
) -> None:
    """Format 2: the export entry seals the report and every evidence file, the case and export fields;
    every other file must be one the verified manifest names; VERIFIER.txt is what the manifest implies."""
    led = manifest.get("ledger", {})
    for k in sorted(set(manifest) - MANIFEST_KEYS):
        report.add("manifest.json", "added", f"unknown field {k!r}")
    try:
        export_seq = int(led.get("export_seq"))
    except (TypeError, ValueError):
        report.add("manifest.json", "invalid", "no export entry number (ledger.export_seq)")
        return
    where = f"ledger entry {export_seq}"
    e = headers.get(export_seq)
    if e is None:
        report.add(
            where, "removed", "the export entry that seals this bundle is missing from the ledger extract"
        )
        return
    h = e["header"]
    try:
        data = json.loads(e["data"]) if e["data"] is not None else None
    except json.JSONDecodeError:
        data = None
    if h.get("action") != "item.exported" or h.get("item_id") is not None or not isinstance(data, dict):
        report.add(where, "invalid", "not the export entry of this bundle")
        return
    case = manifest.get("case", {})
    checks = {
        "case": (case, data.get("case")),
        "case id": (case.get("id") if isinstance(case, dict) else None, data.get("case_id")),
        "generated_by": (manifest.get("generated_by"), h.get("actor")),
        "generated_at": (manifest.get("generated_at"), data.get("generated_at")),
        "software": (manifest.get("software"), data.get("software")),
        "items": (
            sorted(str(i.get("id")) for i in manifest.get("items", [])),
            sorted(data.get("items") or []),
        ),
        "legal_hold": (
            sorted(str(i.get("id")) for i in manifest.get("items", []) if i.get("legal_hold")),
            sorted(data.get("legal_hold") or []),
        ),
        "ledger export_at": (led.get("export_at"), h.get("at")),
        "ledger_problems": (manifest.get("ledger_problems") or [], data.get("ledger_problems") or []),
        "recipient": (manifest.get("recipient"), data.get("recipient")),
        "report": (manifest.get("report"), "rapport.pdf"),
        "checksums": (manifest.get("checksums"), "SHA256SUMS"),
        "ledger path": (led.get("path"), "ledger/ledger.jsonl"),
    }
    for what, (got, want) in checks.items():
        if got != want:
            report.add(
                "manifest.json",
                "altered",
                f"{what} differs from the export entry {export_seq} that seals the bundle",
            )
    if export_seq not in led.get("case_entries", []):
        report.add("manifest.json", "altered", f"export entry {export_seq} missing from the case's entries")
    if led.get("entries") != len(headers):
        report.add(
            "manifest.json",
            "altered",
            f"ledger entries count {led.get('entries')} differs from the extract ({len(headers)})",
        )
    token_seqs = [int(t.get("seq", -1)) for t in manifest.get("timestamps", [])]
    if manifest.get("timestamp_note") != bdl.timestamp_note(led.get("case_entries", []), token_seqs):
        report.add("manifest.json", "altered", "timestamp_note differs from what the timestamps cover")
    sealed = data.get("files")
    if not isinstance(sealed, dict) or "rapport.pdf" not in sealed:
        report.add(where, "invalid", "the export entry seals no file list with the report")
        sealed = {}
    for path, sha in sorted(sealed.items()):
        if path not in actual:
            report.add(path, "removed", f"sealed in the export entry {export_seq} but absent from the bundle")
        elif actual[path] != sha:
            report.add(
                path, "altered", f"SHA-256 differs from the one sealed in the export entry {export_seq}"
            )
    allowed = set(sealed) | set(bdl.UNSEALED) | {"ledger/ledger.jsonl"}
    for seq in set(led.get("case_entries", [])) | set(token_seqs):
        allowed.add(f"ledger/entries/{entry_name(seq)}")
    for seq in led.get("case_entries", []):
        allowed.add(f"ledger/data/{entry_name(seq)}")
    for t in manifest.get("timestamps", []):
        allowed.update(x for x in (t.get("token"), t.get("ca_file"), t.get("certs_file")) if x)
    for n in sorted(names - allowed):
        report.add(
            n,
            "added",
            f"not part of the bundle: neither sealed in the export entry {export_seq} nor a ledger or timestamp file",
        )
    if "VERIFIER.txt" not in names:
        report.add("VERIFIER.txt", "removed", "verification instructions missing")
    else:
        try:
            expected = bdl.howto(manifest).encode("utf-8")
        except (KeyError, TypeError, ValueError):
            expected = b""
        if read("VERIFIER.txt") != expected:
            report.add(
                "VERIFIER.txt", "altered", "differs from the instructions the verified manifest implies"
            )
