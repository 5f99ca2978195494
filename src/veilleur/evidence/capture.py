"""Captures: a stored message (raw record, normalised form, attachments, rendered card), a URL (headless
Chromium in a killable worker: screenshot, PDF, HTML, WARC, headers) and a user's own file (declared
author/date/URL kept apart from what veilleur observed: EXIF, PDF metadata, file times)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from veilleur.errors import InputError
from veilleur.evidence.render import PARIS, paris, render_card_pdf, render_card_png
from veilleur.evidence.settings import EvidenceSettings
from veilleur.evidence.vault import (
    EvidenceError,
    EvidenceFile,
    EvidenceItem,
    Vault,
    guess_media_type,
    safe_name,
)
from veilleur.records import dumps
from veilleur.store.models import now_utc
from veilleur.store.queries import stored_record

CHROMIUM = "/usr/bin/chromium"
URL_DEFAULTS: dict[str, Any] = {
    "timeout_s": 60.0,
    "max_bytes": 50 * 1024 * 1024,
    "max_height": 20000,
    "max_html_bytes": 10 * 1024 * 1024,
    "max_pdf_pages": 50,
    "max_responses": 500,
    "settle_ms": 1000,
}
MAX_USER_FILE = 4 * 1024**3


# -- stored message --------------------------------------------------------------------------------
def capture_message(
    vault: Vault, message_uid: str, *, actor: str, case_id: str | None = None
) -> EvidenceItem:
    store = vault.store
    msg = store.get_message(message_uid)  # NotFoundError names the message
    rec = stored_record(store, message_uid)
    raw_text, raw_sha_db, imported_at, visibility = rec.raw, rec.raw_sha256, rec.imported_at, rec.visibility
    captured_at = now_utc()
    normalised = msg.to_dict(include_raw=False)
    files: list[EvidenceFile] = [
        vault.put_bytes(raw_text.encode("utf-8"), "raw.json", "raw", "application/json"),
        vault.put_bytes(dumps(normalised).encode("utf-8"), "message.json", "normalised", "application/json"),
    ]
    missing: list[str] = []
    used = {"raw.json", "message.json", "view.png", "view.pdf"}
    for i, a in enumerate(msg.attachments):
        if a.sha256 and store.blobs.has(a.sha256):
            name = safe_name(a.name, f"attachment-{i}")
            if name in used:
                name = f"{i}-{name}"
            used.add(name)
            f = vault.put_file(store.blobs.path(a.sha256), name, "attachment", a.media_type)
            if f.sha256 != a.sha256:
                raise EvidenceError(
                    f"attachment {a.name} of {message_uid} no longer matches its hash in the store"
                )
            files.append(f)
        else:
            missing.append(a.name)
    observed: dict[str, Any] = {
        "message_uid": msg.uid,
        "platform": msg.source,
        "community": msg.community_name,
        "community_id": msg.community_id,
        "author": {"id": msg.author.id, "name": msg.author.name},
        "published_at_utc": msg.created_at.isoformat(),
        "published_at_paris": paris(msg.created_at),
        "url": msg.url,
        "raw_sha256": files[0].sha256,
        "raw_sha256_at_import": raw_sha_db,
        "imported_at": imported_at.isoformat(),
        "visibility": visibility,
        "attachments_missing": missing,
        "rendered_at": captured_at.isoformat(),
    }
    files.append(vault.put_bytes(render_card_png(normalised, observed), "view.png", "view", "image/png"))
    files.append(
        vault.put_bytes(render_card_pdf(normalised, observed), "view.pdf", "view_pdf", "application/pdf")
    )
    excerpt = " ".join(msg.text.split())[:80]
    return vault.add_item(
        kind="message",
        description=f"Message de {msg.author.name} ({msg.source}, {msg.community_name}) : « {excerpt} »",
        source=msg.uid,
        files=files,
        primary_role="raw",
        captured_at=captured_at,
        actor=actor,
        case_id=case_id,
        status="partial" if missing else "complete",
        partial_reason=f"attachments absent from the store: {', '.join(missing)}" if missing else None,
        observed=observed,
    )


# -- user file ---------------------------------------------------------------------------------------
def parse_declared_date(value: str) -> datetime:
    """ISO 8601 or ``JJ/MM/AAAA [HH:MM[:SS]]``; a time without zone is Paris time."""
    v = value.strip()
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y"):
            try:
                dt = datetime.strptime(v, fmt)
                break
            except ValueError:
                continue
    if dt is None:
        raise InputError(
            "--declared-date", f"date {value!r} not understood (use 2026-03-14 14:05 or 14/03/2026 14:05)"
        )
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=PARIS)
    return dt.astimezone(UTC)


def _image_facts(path: Path) -> dict[str, Any]:
    from PIL import ExifTags, Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            facts: dict[str, Any] = {"format": im.format, "width": im.width, "height": im.height}
            exif = im.getexif()
            tags: dict[str, Any] = {}
            for k, v in exif.items():
                tags[ExifTags.TAGS.get(k, str(k))] = v
            for k, v in exif.get_ifd(ExifTags.IFD.Exif).items():
                tags[ExifTags.TAGS.get(k, str(k))] = v
            gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
            keep = (
                "DateTime",
                "DateTimeOriginal",
                "DateTimeDigitized",
                "OffsetTimeOriginal",
                "Make",
                "Model",
                "Software",
                "Artist",
            )
            facts["exif"] = {k: str(tags[k]).strip("\x00 ") for k in keep if k in tags}
            if gps:
                facts["exif"]["gps"] = {ExifTags.GPSTAGS.get(k, str(k)): str(v) for k, v in gps.items()}
            return facts
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return {}


def _pdf_facts(path: Path) -> dict[str, Any]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        info: Any = reader.metadata or {}
        return {"pages": len(reader.pages), "pdf_metadata": {str(k): str(v) for k, v in info.items()}}
    except Exception:  # a broken PDF is still evidence; we only record what we can read
        return {"pdf_metadata": "unreadable"}


def capture_file(
    vault: Vault,
    path: str | Path,
    *,
    actor: str,
    declared: dict[str, Any] | None = None,
    case_id: str | None = None,
    description: str | None = None,
) -> EvidenceItem:
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if not p.is_file():
        raise InputError(p, "not a regular file")
    st = p.stat()
    if st.st_size > MAX_USER_FILE:
        raise InputError(p, f"file larger than {MAX_USER_FILE} bytes")
    captured_at = now_utc()
    try:
        f = vault.put_file(p, p.name, "original")
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror})") from None
    observed: dict[str, Any] = {
        "file_name": p.name,
        "size": st.st_size,
        "media_type": f.media_type,
        "modified_at_utc": datetime.fromtimestamp(st.st_mtime, UTC).isoformat(),
        "status_changed_at_utc": datetime.fromtimestamp(st.st_ctime, UTC).isoformat(),
        "received_at_utc": captured_at.isoformat(),
    }
    if f.media_type.startswith("image/") or f.media_type == "application/octet-stream":
        observed.update(_image_facts(p))
    if f.media_type == "application/pdf":
        observed.update(_pdf_facts(p))
    decl: dict[str, Any] = {}
    for key, value in (declared or {}).items():
        if value in (None, ""):
            continue
        decl[key] = str(value)
        if key == "date":
            decl["date_utc"] = parse_declared_date(str(value)).isoformat()
    return vault.add_item(
        kind="file",
        description=description or f"Fichier fourni : {p.name}",
        source=p.name,
        files=[f],
        primary_role="original",
        captured_at=captured_at,
        actor=actor,
        case_id=case_id,
        observed=observed,
        declared=decl,
    )


# -- URL -------------------------------------------------------------------------------------------
def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def run_browser(url: str, out: Path, limits: dict[str, Any]) -> dict[str, Any]:
    """Run the capture worker with a hard time limit; returns its metadata (``killed`` set if stopped)."""
    chromium = str(limits.get("chromium") or CHROMIUM)
    if not Path(chromium).exists():
        raise EvidenceError(f"Chromium not found at {chromium}: install the Debian package chromium")
    cfg = {
        **URL_DEFAULTS,
        **{k: v for k, v in limits.items() if v is not None},
        "url": url,
        "out": str(out),
        "chromium": chromium,
    }
    cfg_path = out / "worker-config.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    hard = float(cfg["timeout_s"]) + 10  # the worker's own bounds come first; this catches a hung renderer
    proc = subprocess.Popen(
        [sys.executable, "-m", "veilleur.evidence.browser", str(cfg_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: Chromium dies with it
    )
    killed = False
    try:
        proc.wait(timeout=hard)
    except subprocess.TimeoutExpired:
        killed = True
    finally:
        _kill_group(proc)  # also reaps any Chromium helper left behind
    cfg_path.unlink(missing_ok=True)
    meta_path = out / "capture.json"
    meta: dict[str, Any] = (
        json.loads(meta_path.read_text(encoding="utf-8"))
        if meta_path.exists()
        else {"files": {}, "partial_reasons": []}
    )
    if killed:
        meta.setdefault("partial_reasons", []).append(
            f"capture stopped at the hard time limit ({hard:.0f} s) during step '{meta.get('step', '?')}'"
        )
        meta["ended_at"] = now_utc().isoformat()
        meta["killed"] = True
    elif proc.returncode not in (0, -9) and not meta.get("error"):
        err = (proc.stderr.read().decode("utf-8", "replace") if proc.stderr else "").strip().splitlines()
        meta["error"] = f"capture worker failed: {err[-1] if err else proc.returncode}"
    return meta


def capture_url(
    vault: Vault,
    url: str,
    *,
    actor: str,
    case_id: str | None = None,
    timeout_s: float | None = None,
    limits: dict[str, Any] | None = None,
    session: str | None = None,
    account: str | None = None,
    operator: str | None = None,
    site_profile: str | None = None,
) -> EvidenceItem:
    """``session``: a saved login (``veilleur evidence login``); ``account``: the account it signs in as, as
    the user declares it; ``operator``: who makes the capture, as declared; ``site_profile``: how to reveal
    comments (default: the profile whose hosts match the URL; none for other sites)."""
    from veilleur.evidence import constat
    from veilleur.evidence.browser import CHROMIUM_FLAGS
    from veilleur.evidence.profiles import load_profiles, profile_for
    from veilleur.evidence.sessions import SessionStore

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "only http:// and https:// URLs can be captured")
    if case_id is not None:
        vault.store.get_case(case_id)
    settings = vault.store.settings
    ev = settings.section(EvidenceSettings)
    lim: dict[str, Any] = {k: getattr(ev.capture, k) for k in URL_DEFAULTS}
    lim["chromium"] = ev.chromium
    lim.update(limits or {})
    if timeout_s is not None:
        lim["timeout_s"] = timeout_s
    profiles = load_profiles(Path(settings.home), ev.site_profiles_file)
    prof = profile_for(parts.hostname, profiles, site_profile)
    if prof["name"] != "generic" or site_profile:
        lim["site_profile"] = prof
    sessions = SessionStore(settings.home)
    session_info = sessions.info(session) if session else None  # NotFoundError before Chromium starts
    t0 = time.monotonic()
    env = constat.collect(settings, parts.hostname, CHROMIUM_FLAGS, operator or actor)
    with tempfile.TemporaryDirectory(prefix="veilleur-capture-") as tmp:
        out = Path(tmp)
        if session:
            sessions.write_plain(session, out / "session-state.json")
            lim["storage_state"] = str(out / "session-state.json")
        try:
            meta = run_browser(url, out, lim)
        finally:
            (out / "session-state.json").unlink(missing_ok=True)
        if meta.get("error"):
            raise EvidenceError(f"{url}: capture failed: {meta['error']}")
        if session_info is not None:
            meta["session"] = {
                "authenticated": True,
                "site": session_info.site,
                "account_declared": account or session_info.account,
                "login_method": session_info.method,
                "session_saved_at": session_info.created_at,
                "cookie_domains": list(session_info.domains),
                "domain_match": any(
                    parts.hostname == d or parts.hostname.endswith("." + d) for d in session_info.domains
                ),
            }
        else:
            meta["session"] = {"authenticated": False}
        meta["constat"] = env
        roles = {
            "screenshot": "image/png",
            "pdf": "application/pdf",
            "html": "text/html",
            "warc": "application/warc",
        }
        files: list[EvidenceFile] = []
        for role, media_type in roles.items():
            name = meta.get("files", {}).get(role)
            if name and (out / name).is_file() and (out / name).stat().st_size > 0:
                files.append(vault.put_file(out / name, name, role, media_type))
        for step in meta.get("navigation") or []:
            name = step.get("screenshot")
            if name and (out / name).is_file() and (out / name).stat().st_size > 0:
                f = vault.put_file(out / name, name, "navigation", "image/png")
                files.append(f)
                step["sha256"] = f.sha256
        if not any(f.role in ("screenshot", "html") for f in files):
            why = "; ".join(meta.get("partial_reasons", [])) or "nothing was captured"
            raise EvidenceError(f"{url}: capture failed: {why}")
        meta["duration_s"] = round(time.monotonic() - t0, 2)
        files.append(
            vault.put_bytes(dumps(meta).encode("utf-8"), "capture.json", "metadata", "application/json")
        )
    primary = "screenshot" if any(f.role == "screenshot" for f in files) else "html"
    reasons: list[str] = list(meta.get("partial_reasons") or [])
    started = datetime.fromisoformat(meta["started_at"]) if meta.get("started_at") else now_utc()
    observed = {
        k: meta.get(k)
        for k in (
            "url",
            "final_url",
            "redirect_chain",
            "resolved_ips",
            "response",
            "started_at",
            "ended_at",
            "browser",
            "user_agent",
            "title",
            "page_height",
            "popups",
            "dialogs",
            "downloads",
            "warc_exchanges",
            "warc_missing_bodies",
            "limits",
            "session",
            "profile",
            "navigation",
            "expansion",
            "constat",
        )
    }
    auth = meta["session"].get("authenticated")
    desc_auth = f" [session authentifiée : {meta['session'].get('site')}]" if auth else ""
    return vault.add_item(
        kind="url",
        description=f"Page web : {meta.get('title') or ''} <{meta.get('final_url') or url}>{desc_auth}".replace(
            "  ", " "
        ),
        source=url,
        files=files,
        primary_role=primary,
        captured_at=started,
        actor=actor,
        case_id=case_id,
        status="partial" if reasons else "complete",
        partial_reason="; ".join(reasons) or None,
        observed=observed,
    )


__all__ = [
    "capture_file",
    "capture_message",
    "capture_url",
    "guess_media_type",
    "parse_declared_date",
    "run_browser",
]
