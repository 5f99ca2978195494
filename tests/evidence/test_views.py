"""Sealed original, safe view: default and platform/cnil bundles carry pseudonymised views only (identifiers
masked by the secrecy redaction API, faces blurred), procureur/ordre bundles carry the originals too; opening
an original needs an allowed role and a reason, and is a ledger entry."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.evidence.conftest import make_case, make_message
from veilleur.errors import InputError
from veilleur.evidence import api
from veilleur.evidence.vault import EvidenceError
from veilleur.store import Store

SECRET = (
    "Mme Josiane Fictive, née le 12/03/1961, hospitalisée à Lyon pour un cancer du sein, tél 06 12 34 56 78. "
    "Ce médecin est un incapable."
)


def _members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_views_by_default_originals_for_the_procureur(store: Store, tmp_path: Path) -> None:
    case = make_case(store)
    m = make_message(store, text=SECRET)
    orig = api.capture_message(store, m.uid, actor="moderatrice", case_id=case.id)

    default = tmp_path / "default.zip"
    manifest = api.export_bundle(store, case.id, default, actor="moderatrice")
    assert manifest["recipient"] is None and api.verify_bundle(default).ok
    members = _members(default)
    assert not any(n.startswith(f"items/{orig.id}/") for n in members)  # no original at all
    (view_entry,) = manifest["items"]
    rec = view_entry["record"]
    assert (
        rec["kind"] == "view"
        and rec["observed"]["derived_from"] == orig.id
        and rec["observed"]["original_sha256"] == orig.sha256
    )
    text = json.loads(members[f"items/{rec['id']}/view-message.json"])["text"]
    assert (
        "Josiane" not in text and "06 12 34 56 78" not in text and "1961" not in text and "incapable" in text
    )
    blob = b"".join(v for k, v in members.items() if not k.endswith((".pdf", ".png", ".tsr")))
    assert b"Josiane" not in blob  # nor in the manifest, the ledger extract or anywhere else readable
    assert any("PERSON" in c for c in rec["observed"]["changes"])
    assert any("illisible" in c for c in rec["observed"]["changes"])  # the fake attachment is not carried

    for recipient in ("platform", "cnil"):
        out = tmp_path / f"{recipient}.zip"
        mf = api.export_bundle(store, case.id, out, actor="moderatrice", recipient=recipient)
        assert [i["id"] for i in mf["items"]] == [rec["id"]]  # the same sealed view, not a new one
        assert mf["recipient"] == recipient and api.verify_bundle(out).ok

    proc = tmp_path / "procureur.zip"
    mf = api.export_bundle(store, case.id, proc, actor="moderatrice", recipient="procureur")
    assert {i["id"] for i in mf["items"]} == {orig.id, rec["id"]} and api.verify_bundle(proc).ok
    assert b"Josiane" in _members(proc)[f"items/{orig.id}/raw.json"]
    with pytest.raises(InputError, match="recipient"):
        api.export_bundle(store, case.id, tmp_path / "x.zip", actor="m", recipient="journal")


def test_recipient_is_sealed(store: Store, tmp_path: Path) -> None:
    case = make_case(store)
    api.capture_message(store, make_message(store).uid, actor="m", case_id=case.id)
    out = tmp_path / "b.zip"
    api.export_bundle(store, case.id, out, actor="m", recipient="platform")
    members = _members(out)
    manifest = json.loads(members["manifest.json"])
    manifest["recipient"] = "procureur"
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    assert any("recipient differs" in str(p) for p in api.verify_bundle(bad).problems)


def test_faces_are_blurred_in_the_view(store: Store, tmp_path: Path) -> None:
    skdata = pytest.importorskip("skimage.data")
    src = tmp_path / "photo.png"
    Image.fromarray(skdata.astronaut()).save(src)
    item = api.capture_file(store, src, actor="m")
    view = api.make_view(store, item.id, actor="m")
    assert any("visage" in c for c in view.observed["changes"]), view.observed["changes"]
    vault_img = np.asarray(
        Image.open(io.BytesIO(api.file_path(store, view.files[0]).read_bytes())).convert("L"), dtype=float
    )
    orig_img = np.asarray(Image.open(src).convert("L"), dtype=float)
    face = (slice(60, 210), slice(160, 300))  # Eileen Collins' face in skimage's astronaut picture
    assert (
        np.abs(np.diff(vault_img[face], axis=1)).mean() < 0.5 * np.abs(np.diff(orig_img[face], axis=1)).mean()
    )
    assert api.file_path(store, item.files[0]).read_bytes() == src.read_bytes()  # the original is untouched


def test_opening_an_original_needs_role_and_reason_and_is_logged(store: Store, tmp_path: Path) -> None:
    m = make_message(store, text=SECRET)
    item = api.capture_message(store, m.uid, actor="m")
    with pytest.raises(EvidenceError, match="may not open originals"):
        api.open_original(
            store,
            item.id,
            actor="stagiaire",
            role="viewer",
            reason="curiosité mal placée",
            out_dir=tmp_path / "o",
        )
    with pytest.raises(InputError, match="reason"):
        api.open_original(store, item.id, actor="me", role="avocat", reason=" ", out_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists()
    paths = api.open_original(
        store,
        item.id,
        actor="me.avocate",
        role="avocat",
        reason="préparer la plainte du 3 avril",
        out_dir=tmp_path / "o",
    )
    assert {p.name for p in paths} >= {"raw.json", "message.json"}
    assert "Josiane" in (tmp_path / "o" / "message.json").read_text(encoding="utf-8")
    last = api.ledger(store, item.id)[-1]
    assert last.action == "item.viewed" and last.actor == "me.avocate"
    assert (
        last.data["original"] is True
        and last.data["role"] == "avocat"
        and last.data["reason"] == "préparer la plainte du 3 avril"
    )
