"""The screening cascade: same findings as the full path, models and OCR skipped where they cannot
find anything, OCR on the text region only, batch analysis and worker processes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from veilleur.detect.media import analyze as analyze_mod
from veilleur.detect.media import ocr as ocr_mod
from veilleur.detect.media import vision
from veilleur.detect.media.analyze import MediaReport, Options, analyze_file, analyze_files
from veilleur.detect.media.detector import MediaDetector
from veilleur.detect.media.evalset import load_labels
from veilleur.records import Attachment, Author, Message

CASCADE, FULL = Options(cascade=True), Options(cascade=False)
QUICK = [
    "astronaut.png", "camera_profile.png", "astronaut_face_on_brick.png", "neg_coins.png", "neg_coffee.png",
    "neg_cell.png", "exif_gps_rocket.jpg", "screen_id_0.png", "screen_id_8.png", "screen_clean_0.png",
    "wristband_photo.png", "us_burned_anon.dcm", "xr_phi_burned.dcm", "ct_anon.dcm",
]  # fmt: skip


def _summary(r: MediaReport) -> dict[str, str]:
    return {h.category: h.severity.name for h in r.hits}


def _check_not_worse(media_set: Path, files: list[str]) -> list[str]:
    """Cascade and full path agree on every file, except where the cascade agrees with the label."""
    labels = {item.file: set(item.categories) for item in load_labels(media_set)}
    differ = []
    for name in files:
        fast, full = (
            analyze_file(media_set / name, options=CASCADE),
            analyze_file(media_set / name, options=FULL),
        )
        assert not fast.errors and not full.errors, (name, fast.errors, full.errors)
        if _summary(fast) == _summary(full):
            continue
        differ.append(name)
        for cat in fast.categories() ^ full.categories():
            assert (cat in fast.categories()) == (cat in labels[name]), (
                name,
                cat,
                "cascade worse than full path",
            )
    return differ


def test_cascade_same_findings_as_full_path(media_set: Path) -> None:
    differ = _check_not_worse(media_set, QUICK)
    # Measured: the cascade reads the small photographed wristband (OCR on its text region, found by
    # the full path's whole-picture read at no scale) and drops Haar's false face on skimage's cell.
    assert set(differ) <= {"wristband_photo.png", "neg_cell.png"}, differ


@pytest.mark.slow
def test_cascade_same_findings_on_whole_evaluation_set(media_set: Path) -> None:
    files = [i.file for i in load_labels(media_set) if i.file.endswith((".png", ".jpg", ".dcm"))]
    assert len(_check_not_worse(media_set, files)) <= 2


class _Counter:
    def __init__(self, fn: Any) -> None:
        self.fn, self.calls = fn, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(*args, **kwargs)


def test_ocr_skipped_on_text_free_photos(media_set: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = _Counter(ocr_mod.ocr_image)
    monkeypatch.setattr(ocr_mod, "ocr_image", counter)
    photos = ["astronaut.png", "neg_brick.png", "neg_chelsea.png", "neg_coins.png"]
    for name in photos:
        analyze_file(media_set / name, options=CASCADE)
    assert counter.calls == 0
    assert "patient_photo" in analyze_file(media_set / "astronaut.png", options=CASCADE).categories()
    for name in photos:  # the counter does count: the full path reads every picture
        analyze_file(media_set / name, options=Options(cascade=False, nudenet=False))
    assert counter.calls == len(photos)
    counter.calls = 0
    assert "text_in_image" in analyze_file(media_set / "screen_id_0.png", options=CASCADE).categories()
    assert counter.calls == 1


def test_haar_runs_only_when_nudenet_sees_no_face(media_set: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = _Counter(vision.haar_faces)
    monkeypatch.setattr(vision, "haar_faces", counter)
    assert (
        "patient_photo" in analyze_file(media_set / "astronaut.png", options=Options(ocr=False)).categories()
    )
    assert counter.calls == 0
    assert (
        "patient_photo"
        not in analyze_file(media_set / "neg_coins.png", options=Options(ocr=False)).categories()
    )
    assert counter.calls == 1


def test_text_region_and_ocr_of_a_region_keep_picture_coordinates(record_png: Path) -> None:
    record = Image.open(record_png).convert("RGB")
    canvas = Image.new("RGB", (record.width + 300, record.height + 400), "white")
    canvas.paste(record, (200, 300))
    rgb = np.asarray(canvas)
    assert ocr_mod.text_region(np.full((300, 400, 3), 255, np.uint8)) is None
    region = ocr_mod.text_region(rgb)
    assert region is not None
    x, y, w, h = region
    assert 150 <= x <= 230 and 250 <= y <= 340 and w < canvas.width and h < canvas.height - 300
    result = ocr_mod.ocr_image(rgb, region=region)
    assert "DUPONT" in result.text
    word = next(wd for wd in result.words if "DUPONT" in result.text[wd.start : wd.end])
    assert 200 <= word.x < 200 + record.width and 300 <= word.y < 300 + record.height


@pytest.mark.skipif(
    ocr_mod._libtesseract() is None or "tesseract" not in ocr_mod.available_engines(),
    reason="no libtesseract",
)
def test_in_process_tesseract_reads_like_the_program(record_png: Path) -> None:
    img = Image.open(record_png).convert("RGB")
    img = img.resize((img.width * 2, img.height * 2), Image.Resampling.LANCZOS)

    def words(tsv: str) -> list[list[str]]:
        rows = [line.split("\t") for line in tsv.splitlines()]
        return [r[6:] for r in rows if r[0] == "5"]

    assert words(ocr_mod._tesseract_tsv(img)) == words(ocr_mod._tesseract_cli(img))


def test_analyze_files_in_order_and_each_attachment_once(
    media_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["neg_coins.png", "ct_phi.dcm", "exif_gps_rocket.jpg"]
    done: list[tuple[int, int]] = []
    reports = analyze_files(
        [media_set / n for n in names], options=Options(ocr=False), progress=lambda d, t: done.append((d, t))
    )
    assert [Path(r.path).name for r in reports] == names
    assert [sorted(r.categories()) for r in reports] == [[], ["dicom_phi"], ["exif_location"]]
    assert done == [(1, 3), (2, 3), (3, 3)]

    counter = _Counter(analyze_mod.analyze_file)
    monkeypatch.setattr(analyze_mod, "analyze_file", counter)
    det = MediaDetector(ocr=False)
    att = Attachment(name="a.png", media_type="image/png", path=str(media_set / "astronaut.png"))
    msgs = [
        Message(
            source="t",
            community_id="g",
            community_name="G",
            message_id=f"m{i}",
            author=Author("a", "A"),
            created_at=datetime(2024, 5, 1, tzinfo=UTC),
            text="",
            attachments=(att, att),
        )  # fmt: skip
        for i in range(3)
    ]
    findings = det.detect(msgs)
    assert counter.calls == 1
    assert {f.message_uid for f in findings if f.category == "patient_photo"} == {m.uid for m in msgs}


def test_worker_processes_give_the_same_reports(media_set: Path) -> None:
    names = ["neg_coins.png", "ct_phi.dcm", "exif_gps_rocket.jpg", "astronaut.png"]
    opts = Options(ocr=False, nudenet=False)  # light workers: no ONNX, no text models
    one = analyze_files([media_set / n for n in names], options=opts)
    two = analyze_files([media_set / n for n in names], options=opts, jobs=2)
    assert [(_summary(r), r.sha256) for r in one] == [(_summary(r), r.sha256) for r in two]
    assert "patient_photo" in two[3].categories()

    def msg(i: int, name: str) -> Message:
        att = Attachment(name=name, media_type="application/octet-stream", path=str(media_set / name))
        return Message(
            source="t", community_id="g", community_name="G", message_id=f"w{i}", author=Author("a", "A"),
            created_at=datetime(2024, 5, 1, tzinfo=UTC), text="", attachments=(att,),
        )  # fmt: skip

    batch = [msg(i, n) for i, n in enumerate(names)]
    pooled = MediaDetector(ocr=False, nudenet=False, jobs=2)
    found = {(f.message_uid, f.category) for f in pooled.detect(batch)}
    assert pooled._pool is not None  # kept for the next batch: workers keep their models
    assert found == {
        (f.message_uid, f.category) for f in MediaDetector(ocr=False, nudenet=False).detect(batch)
    }
    assert found == {
        (batch[1].uid, "dicom_phi"),
        (batch[2].uid, "exif_location"),
        (batch[3].uid, "patient_photo"),
    }
    pooled._pool.shutdown()


def test_media_check_cli_jobs_and_bad_file(media_set: Path, tmp_path: Path) -> None:
    from veilleur.cli import app

    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "media-check",
            "--json",
            "--no-ocr",
            "-j",
            "1",
            str(media_set / "ct_phi.dcm"),
            str(media_set / "neg_coins.png"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    out = json.loads(ok.output[ok.output.index("[") :])
    assert [item["kind"] for item in out] == ["dicom", "png"]
    assert [f["category"] for f in out[0]["findings"]] == ["dicom_phi"]
    bad = runner.invoke(app, ["media-check", str(tmp_path / "absent.png")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_nudenet_shortcut_gives_the_library_detections(media_set: Path) -> None:
    import cv2

    det = vision._nudenet()
    for name in ("astronaut.png", "neg_colorwheel.png", "neg_coins.png", "camera_profile.png"):
        rgb = np.asarray(Image.open(media_set / name).convert("RGB"))
        bgr = np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        assert vision._nudenet_detect(det, bgr) == det.detect(bgr), name
