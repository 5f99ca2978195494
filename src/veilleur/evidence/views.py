"""Sealed original, safe view.

Every item keeps its sealed original; its *pseudonymised view* is a derived evidence item (kind ``view``,
``observed.derived_from`` = the original's id and SHA-256) written to the ledger like any capture:
identifiers in text masked by the secrecy detector's redaction API (``veilleur.detect.secrecy.redact``),
faces (and nudity) blurred and identifying text in images masked by ``veilleur.detect.media.redact``.
A view's record carries no excerpt of the original (its description names only the original's id).

Bundles carry views by default; ``--recipient procureur|ordre`` may carry originals (plus views),
``platform|cnil`` (and no recipient) get views only. Opening an original (``veilleur evidence open ITEM
--role R --reason "…"``) needs a role allowed by ``[evidence] original_roles`` and a stated reason, and
is an ``item.viewed`` ledger entry with the role and the reason.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

from veilleur.config import Settings
from veilleur.errors import InputError
from veilleur.evidence.settings import EvidenceSettings
from veilleur.evidence.vault import EvidenceError, EvidenceFile, EvidenceItem, Vault
from veilleur.records import dumps
from veilleur.store.models import now_utc

RECIPIENTS = ("procureur", "ordre", "platform", "cnil")
ORIGINAL_RECIPIENTS = ("procureur", "ordre")
DEFAULT_ORIGINAL_ROLES = ("admin", "avocat", "procureur", "commissaire", "dpo")
MAX_VIEW_IMAGE = 20 * 1024 * 1024


def check_recipient(recipient: str | None) -> str | None:
    if recipient is None:
        return None
    r = recipient.strip().lower()
    if r not in RECIPIENTS:
        raise InputError(
            "--recipient", f"unknown recipient {recipient!r} (expected one of {', '.join(RECIPIENTS)})"
        )
    return r


def carries_originals(recipient: str | None) -> bool:
    return recipient in ORIGINAL_RECIPIENTS


def _safe_image(data: bytes, ocr: bool) -> tuple[bytes, list[str]]:
    import numpy as np
    from PIL import Image

    from veilleur.detect.media.redact import redact_pixels

    with Image.open(io.BytesIO(data)) as im:
        im.load()
        try:
            out, changes = redact_pixels(im, ocr=ocr)
        except (
            Exception
        ) as exc:  # OCR engine missing or failing: faces are still blurred, and the view says so
            if not ocr:
                raise
            out, changes = redact_pixels(im, ocr=False)
            changes.append(f"texte de l'image non vérifié (OCR indisponible : {exc.__class__.__name__})")
    buf = io.BytesIO()
    Image.fromarray(np.asarray(out.convert("RGB"))).save(buf, "PNG")  # pixels only: no metadata
    return buf.getvalue(), changes


def _redact(text: str) -> tuple[str, list[str]]:
    from veilleur.detect.secrecy.redact import redact_text

    if not text.strip():
        return text, []
    r = redact_text(text)
    return r.text, sorted({f"{c.label} : {c.reason}" for c in r.changes})


def _message_view(vault: Vault, item: EvidenceItem, ocr: bool) -> tuple[list[EvidenceFile], list[str]]:
    from veilleur.evidence.render import render_card_png

    src = item.file("normalised")
    if src is None:
        raise EvidenceError(f"item {item.id}: no normalised message to derive a view from")
    msg = json.loads(vault.read(src))
    text, changes = _redact(msg.get("text") or "")
    msg["text"] = text
    msg.pop("raw", None)
    observed = {"raw_sha256": "(vue pseudonymisée : voir l'original)", "rendered_at": now_utc().isoformat()}
    files = [
        vault.put_bytes(dumps(msg).encode("utf-8"), "view-message.json", "view_data", "application/json"),
        vault.put_bytes(render_card_png(msg, observed), "view.png", "view", "image/png"),
    ]
    for i, f in enumerate(
        x for x in item.files if x.role == "attachment" and x.media_type.startswith("image/")
    ):
        if f.size > MAX_VIEW_IMAGE:
            changes.append(f"pièce jointe {i} ({f.name}) trop grande : non reprise dans la vue")
            continue
        try:
            data, ch = _safe_image(vault.read(f), ocr)
        except (OSError, ValueError, SyntaxError):  # PIL: unreadable image
            changes.append(f"pièce jointe {i} ({f.name}) illisible comme image : non reprise dans la vue")
            continue
        files.append(vault.put_bytes(data, f"view-attachment-{i}.png", "view_attachment", "image/png"))
        changes.extend(f"pièce jointe {i} : {c}" for c in ch)
    return files, changes


def _image_view(vault: Vault, f: EvidenceFile, ocr: bool) -> tuple[list[EvidenceFile], list[str]]:
    if f.size > MAX_VIEW_IMAGE:
        raise EvidenceError(f"{f.name}: image too large for a safe view ({f.size} bytes)")
    data, changes = _safe_image(vault.read(f), ocr)
    return [vault.put_bytes(data, "view.png", "view", "image/png")], changes


def make_view(vault: Vault, item: EvidenceItem, *, actor: str, ocr: bool = True) -> EvidenceItem:
    """Derive and seal the pseudonymised view of ``item`` (a new ``view`` item in the same case)."""
    if item.kind == "view":
        raise EvidenceError(f"{item.id} is already a view")
    if item.kind == "message":
        files, changes = _message_view(vault, item, ocr)
    elif item.kind == "url":
        shot = item.file("screenshot")
        if shot is None:
            raise EvidenceError(f"item {item.id}: no screenshot to derive a view from")
        files, changes = _image_view(vault, shot, ocr)
    elif item.kind == "file" and item.files and item.files[0].media_type.startswith("image/"):
        files, changes = _image_view(vault, item.files[0], ocr)
    elif item.kind == "file" and item.files and item.files[0].media_type.startswith("text/"):
        text, changes = _redact(vault.read(item.files[0]).decode("utf-8", "replace"))
        files = [vault.put_bytes(text.encode("utf-8"), "view.txt", "view", "text/plain")]
    else:
        raise EvidenceError(
            f"item {item.id} ({item.kind}, {item.files[0].media_type if item.files else '?'}): no safe view can be made; "
            "it can only go to a recipient allowed originals (procureur, ordre)"
        )
    observed: dict[str, Any] = {
        "derived_from": item.id,
        "original_kind": item.kind,
        "original_sha256": item.sha256,
        "original_files": {f.name: f.sha256 for f in item.files},
        "changes": changes
        or ["aucun identifiant détecté : vue identique au contenu d'origine (hors métadonnées)"],
        "method": "veilleur.detect.secrecy.redact.redact_text (texte) ; veilleur.detect.media.redact.redact_pixels "
        "(visages flous, texte identifiant masqué)",
    }
    return vault.add_item(
        kind="view",
        description=f"Vue pseudonymisée de la pièce {item.id} ({item.kind})",
        source=item.id,
        files=files,
        primary_role="view",
        captured_at=now_utc(),
        actor=actor,
        case_id=item.case_id,
        observed=observed,
    )


def views_by_original(items: list[EvidenceItem]) -> dict[str, EvidenceItem]:
    return {i.observed.get("derived_from", ""): i for i in items if i.kind == "view"}


def ensure_views(vault: Vault, case_id: str, *, actor: str) -> list[EvidenceItem]:
    """The case's views, one per original (made and sealed now where missing)."""
    items = vault.items(case_id)
    have = views_by_original(items)
    out = []
    for it in items:
        if it.kind == "view":
            continue
        out.append(have.get(it.id) or make_view(vault, it, actor=actor))
    return out


def original_roles(settings: Settings) -> tuple[str, ...]:
    return settings.section(EvidenceSettings).original_roles


def open_original(
    vault: Vault, item_id: str, *, actor: str, role: str, reason: str, out_dir: str | Path
) -> list[Path]:
    """Copy an item's original files to ``out_dir`` after logging who opened them, in which role and why."""
    if not reason or len(reason.strip()) < 5:
        raise InputError(
            "--reason", "state why you open the original (at least a few words); it goes into the ledger"
        )
    allowed = original_roles(vault.store.settings)
    if role not in allowed:
        raise EvidenceError(
            f"role {role!r} may not open originals (allowed: {', '.join(allowed)}; [evidence] original_roles)"
        )
    item = vault.item(item_id)
    if item.kind == "view":
        raise InputError(item_id, "this is a view, not an original; open the item it derives from")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(out, "not a directory")
    vault.append(
        "item.viewed",
        actor,
        item_id,
        {"original": True, "role": role, "reason": reason.strip(), "files": [f.name for f in item.files]},
    )
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in item.files:
        dest = out / f.name
        shutil.copyfile(vault.blobs.path(f.sha256), dest)
        dest.chmod(0o400)
        paths.append(dest)
    return paths


__all__ = [
    "RECIPIENTS",
    "carries_originals",
    "check_recipient",
    "ensure_views",
    "make_view",
    "open_original",
    "original_roles",
    "views_by_original",
]
