"""Per-type analysis: magic bytes, faces, EXIF, OCR, DICOM, video, PDF, refusal of bad files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from veilleur.detect.media import analyze as analyze_mod
from veilleur.detect.media.analyze import Options, analyze_file
from veilleur.detect.media.ocr import available_engines, ocr_image
from veilleur.detect.media.sniff import sniff_bytes, sniff_file
from veilleur.taxonomy import Severity

NO_OCR = Options(ocr=False)


def test_sniff_uses_magic_bytes_not_extension(tmp_path: Path) -> None:
    p = tmp_path / "photo.jpg"
    Image.new("RGB", (8, 8)).save(p, format="PNG")
    assert sniff_file(p) == "png"
    assert sniff_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_bytes(b"\x00" * 128 + b"DICM") == "dicom"
    assert sniff_bytes(b"%PDF-1.7") == "pdf"
    assert sniff_bytes(b"hello world") is None


def test_face_found_in_astronaut_not_in_coins(media_set: Path) -> None:
    r = analyze_file(media_set / "astronaut.png", options=NO_OCR)
    photo = r.hit("patient_photo")
    assert photo is not None and photo.regions
    # Eileen Collins' face lies around x 150-310, y 50-220 in skimage's astronaut picture.
    assert any(
        150 <= reg.x + reg.width / 2 <= 310 and 50 <= reg.y + reg.height / 2 <= 220 for reg in photo.regions
    )
    for neg in ("neg_coins.png", "neg_rocket.png", "chart_0.png"):
        assert "patient_photo" not in analyze_file(media_set / neg, options=NO_OCR).categories(), neg


def test_exif_gps_and_device(media_set: Path) -> None:
    gps = analyze_file(media_set / "exif_gps_rocket.jpg", options=NO_OCR).hit("exif_location")
    assert gps is not None and gps.severity == Severity.HIGH
    assert gps.details["exif"]["gps"]["latitude"] == pytest.approx(48.8566, abs=1e-3)
    assert gps.details["exif"]["gps"]["longitude"] == pytest.approx(2.3522, abs=1e-3)
    device = analyze_file(media_set / "exif_device_grass.jpg", options=NO_OCR).hit("exif_location")
    assert (
        device is not None
        and device.severity == Severity.LOW
        and device.details["exif"]["make"] == "FictiPhone"
    )
    assert analyze_file(media_set / "noexif_cell.jpg", options=NO_OCR).hit("exif_location") is None


@pytest.mark.parametrize("engine", available_engines())
def test_ocr_reads_drawn_record(record_png: Path, engine: str) -> None:
    text = ocr_image(Image.open(record_png), engine).text
    assert "DUPONT" in text and "4471203" in text and "03/03/1977" in text


def test_text_in_image_with_boxes(record_png: Path) -> None:
    r = analyze_file(record_png)
    hit = r.hit("text_in_image")
    assert hit is not None and hit.severity == Severity.HIGH
    labels = {s.label for s in hit.spans}
    assert {"patient_number", "birth_date"} <= labels
    w, h = Image.open(record_png).size
    assert hit.regions and all(0 <= reg.x < w and 0 <= reg.y < h for reg in hit.regions)
    assert "text_in_image" not in analyze_file(record_png, options=NO_OCR).categories()


def test_clean_text_image_is_not_flagged(media_set: Path) -> None:
    assert "text_in_image" not in analyze_file(media_set / "screen_clean_0.png").categories()


def test_dicom_phi_minor_and_burned_in(media_set: Path) -> None:
    phi = analyze_file(media_set / "ct_phi.dcm", options=NO_OCR).hit("dicom_phi")
    assert phi is not None and phi.severity == Severity.HIGH
    tags = {t["keyword"] for t in phi.details["tags"]}
    assert {"PatientName", "PatientID", "PatientBirthDate", "InstitutionName"} <= tags
    assert all("DUPONT" not in t["value_hint"] for t in phi.details["tags"])  # no identifier copied
    assert analyze_file(media_set / "ct_anon.dcm", options=NO_OCR).categories() == set()
    assert "minor_in_media" in analyze_file(media_set / "ped_phi.dcm", options=NO_OCR).categories()
    burned = analyze_file(media_set / "mf_burned_anon.dcm").hit("text_in_image")
    assert burned is not None and {reg.frame for reg in burned.regions} == {1}


def test_video_frames_and_pdf(media_set: Path) -> None:
    video = analyze_file(media_set / "video_face.avi", options=NO_OCR).hit("patient_photo")
    assert video is not None and all(reg.frame is not None for reg in video.regions)
    assert analyze_file(media_set / "video_coins.avi", options=NO_OCR).categories() == set()
    pdf = analyze_file(media_set / "report_id.pdf", options=NO_OCR).hit("patient_identifiable_text")
    assert pdf is not None and pdf.details["source"] == "pdf_text"
    assert "patient_photo" in analyze_file(media_set / "report_clean_photo.pdf", options=NO_OCR).categories()


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    )  # fmt: skip


def test_decompression_bomb_refused_without_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))
    r = analyze_file(bomb)
    assert r.hits == [] and len(r.errors) == 1 and "bomb" in r.errors[0]


def test_limit_applies_to_ordinary_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "a.png"
    Image.fromarray(np.zeros((100, 100, 3), np.uint8)).save(p)
    monkeypatch.setattr(analyze_mod, "MAX_IMAGE_PIXELS", 5_000)
    assert analyze_file(p).errors


def test_corrupt_files_are_reported_not_raised(tmp_path: Path) -> None:
    jpeg = tmp_path / "broken.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    dcm = tmp_path / "broken.dcm"
    dcm.write_bytes(b"\x00" * 128 + b"DICM" + b"\x02\x00\x10")
    for p in (jpeg, dcm):
        r = analyze_file(p)
        assert r.hits == [] and r.errors and str(p) in r.errors[0]
    unknown = tmp_path / "notes.txt"
    unknown.write_text("bonjour")
    assert analyze_file(unknown).kind is None
