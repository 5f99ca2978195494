"""Redacted copies hold none of the identifiers found; the registered detector; the evaluation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from typer.testing import CliRunner

from veilleur.detect.base import create_detector, default_detectors
from veilleur.detect.media.analyze import Options, analyze_file
from veilleur.detect.media.ocr import ocr_image
from veilleur.detect.media.redact import redact_file
from veilleur.errors import InputError
from veilleur.records import Attachment, Author, Message


def _msg(text: str, *paths: Path) -> Message:
    return Message(
        source="test", community_id="g", community_name="Groupe", message_id=text[:10] + str(len(paths)),
        author=Author("a", "Dr A"), created_at=datetime(2024, 5, 1, tzinfo=UTC), text=text,
        attachments=tuple(Attachment(name=p.name, media_type="image/png", path=str(p)) for p in paths),
    )  # fmt: skip


def test_image_redaction_blurs_face_and_strips_exif(media_set: Path, tmp_path: Path) -> None:
    red = redact_file(media_set / "astronaut.png", tmp_path)
    before = analyze_file(media_set / "astronaut.png", options=Options(ocr=False)).hit("patient_photo")
    assert before is not None
    after = analyze_file(red.output, options=Options(ocr=False))
    assert "patient_photo" not in after.categories()
    r = before.regions[0]
    a = np.asarray(Image.open(media_set / "astronaut.png").convert("RGB"), dtype=float)[
        r.y : r.y + r.height, r.x : r.x + r.width
    ]
    b = np.asarray(Image.open(red.output).convert("RGB"), dtype=float)[
        r.y : r.y + r.height, r.x : r.x + r.width
    ]
    assert np.abs(a - b).mean() > 10  # the face pixels really changed
    gps = redact_file(media_set / "exif_gps_rocket.jpg", tmp_path)
    assert not Image.open(gps.output).getexif()
    assert "exif_location" not in analyze_file(gps.output, options=Options(ocr=False)).categories()
    assert any("métadonnées supprimées" in c for c in gps.changes)


def test_screenshot_redaction_masks_identifiers(record_png: Path, tmp_path: Path) -> None:
    red = redact_file(record_png, tmp_path / "out")
    text = ocr_image(Image.open(red.output)).text
    for ident in ("DUPONT", "4471203", "03/03/1977"):
        assert ident not in text
    assert "amiodarone" in text  # clinical content kept
    assert "text_in_image" not in analyze_file(red.output).categories()


def test_dicom_deidentification(media_set: Path, tmp_path: Path) -> None:
    red = redact_file(media_set / "xr_phi_burned.dcm", tmp_path)
    ds = pydicom.dcmread(red.output)
    assert ds.PatientIdentityRemoved == "YES" and "Annex E" in ds.DeidentificationMethod
    assert str(ds.get("PatientName", "")) == "" and "InstitutionName" not in ds and "PatientBirthDate" in ds
    original = pydicom.dcmread(media_set / "xr_phi_burned.dcm")
    assert ds.StudyInstanceUID != original.StudyInstanceUID
    after = analyze_file(red.output)
    assert after.categories() == set(), after.hits
    assert "4471203" not in after.text and "DUPONT" not in after.text.upper()


def test_pdf_redaction_removes_text_layer(media_set: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    red = redact_file(media_set / "report_id.pdf", tmp_path)
    assert "LEROY" not in "".join(p.extract_text() or "" for p in PdfReader(red.output).pages)
    assert any("couche texte" in c for c in red.changes)
    after = analyze_file(red.output)
    assert not after.categories() & {"text_in_image", "patient_identifiable_text"}


def test_redaction_errors_are_input_errors(media_set: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="video"):
        redact_file(media_set / "video_face.avi", tmp_path)
    txt = tmp_path / "a.txt"
    txt.write_text("x")
    with pytest.raises(InputError, match="a.txt"):
        redact_file(txt, tmp_path / "o")
    with pytest.raises(InputError, match="introuvable"):
        redact_file(tmp_path / "nope.png", tmp_path / "o")


def test_registered_detector_and_findings(media_set: Path, tmp_path: Path) -> None:
    assert "media" in default_detectors()
    det = create_detector("media")
    assert det.name == "media" and det.version
    child = _msg("Mon petit patient de 6 ans", media_set / "astronaut.png", media_set / "exif_gps_rocket.jpg")
    plain = _msg("Avis ?", media_set / "neg_coins.png")
    missing = Message(
        source="test", community_id="g", community_name="Groupe", message_id="m3",
        author=Author("a", "A"), created_at=datetime(2024, 5, 1, tzinfo=UTC), text="",
        attachments=(Attachment(name="x.png", media_type="image/png", path=str(tmp_path / "absent.png")),),
    )  # fmt: skip
    findings = det.detect([child, plain, missing])
    by_cat = {f.category: f for f in findings if f.message_uid == child.uid}
    assert {"patient_photo", "exif_location", "minor_in_media"} <= set(by_cat)
    assert by_cat["minor_in_media"].details["source"] == "text_cue"
    assert all(r.attachment_sha256 for r in by_cat["patient_photo"].regions)
    assert not [f for f in findings if f.message_uid in (plain.uid, missing.uid)]
    assert len({f.id for f in findings}) == len(findings)
    json.dumps([f.to_dict() for f in findings])


def test_evaluation_quality_and_cli(tmp_path: Path) -> None:
    from veilleur.cli import app

    result = CliRunner().invoke(app, ["eval", "media", str(tmp_path / "set"), "--small", "--json"])
    assert result.exit_code == 0, result.output
    cats = json.loads(result.output[result.output.index("{") :])["categories"]
    for cat in ("patient_photo", "text_in_image", "exif_location", "dicom_phi"):
        assert cats[cat]["recall"] >= 0.8 and cats[cat]["precision"] >= 0.8, (cat, cats[cat])


@pytest.mark.slow
def test_full_evaluation(media_set: Path) -> None:
    from veilleur.detect.media.evalset import evaluate

    cats = evaluate(media_set)["categories"]
    for cat in ("patient_photo", "text_in_image", "exif_location", "dicom_phi", "minor_in_media"):
        assert cats[cat]["recall"] >= 0.8 and cats[cat]["precision"] >= 0.8, (cat, cats[cat])
