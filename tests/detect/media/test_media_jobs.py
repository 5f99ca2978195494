"""Worker count of the media screening: from the option or the settings (``auto`` = min(cores, 4)),
never from the environment; the pool is used on the default path once a batch is worth it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from veilleur.detect.media.analyze import pool_worth_it, resolve_jobs
from veilleur.detect.media.detector import MediaDetector
from veilleur.records import Attachment, Author, Message


def test_resolve_jobs() -> None:
    cores = os.cpu_count() or 1
    assert resolve_jobs("auto") == resolve_jobs(None) == max(1, min(cores, 4))
    assert resolve_jobs(3) == 3 and resolve_jobs("2") == 2
    for bad in (0, "-1", "many"):
        with pytest.raises(ValueError):
            resolve_jobs(bad)
    assert not pool_worth_it(1, 100) and not pool_worth_it(2, 3) and pool_worth_it(2, 4)


def test_detector_default_is_auto_and_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEILLEUR_MEDIA_JOBS", "7")
    det = MediaDetector(ocr=False, nudenet=False)
    assert det.auto_jobs and det.jobs == resolve_jobs("auto")
    assert MediaDetector(ocr=False, nudenet=False, jobs=1).jobs == 1


def test_auto_pool_only_for_a_batch_worth_it(media_set: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import veilleur.detect.media.detector as det_mod

    started: list[int] = []

    class FakePool:
        def submit(self, fn, arg):  # type: ignore[no-untyped-def]
            from concurrent.futures import Future

            fut: Future = Future()
            fut.set_result(fn(arg))
            return fut

        def shutdown(self) -> None:
            pass

    def fake_pool(jobs: int) -> FakePool:
        started.append(jobs)
        return FakePool()

    monkeypatch.setattr(det_mod, "worker_pool", fake_pool)

    def msg(i: int, name: str) -> Message:
        att = Attachment(name=name, media_type="application/octet-stream", path=str(media_set / name))
        return Message(
            source="t", community_id="g", community_name="G", message_id=f"j{i}", author=Author("a", "A"),
            created_at=datetime(2024, 5, 1, tzinfo=UTC), text="", attachments=(att,),
        )  # fmt: skip

    det = MediaDetector(ocr=False, nudenet=False)
    det.jobs = 2  # as on a 2-core host
    det.detect([msg(0, "ct_phi.dcm"), msg(1, "neg_coins.png")])  # two files: not worth two workers
    assert started == []
    names = ["neg_horse.png", "xr_phi_burned.dcm", "exif_gps_rocket.jpg", "astronaut.png"]  # 4 new files
    found = {f.category for f in det.detect([msg(i + 10, n) for i, n in enumerate(names)])}
    assert started == [2] and {"dicom_phi", "exif_location", "patient_photo"} <= found
    det.detect([msg(30, "neg_rocket.png")])  # the warm pool takes later files, even one
    assert started == [2]


def test_scan_takes_detector_options_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veilleur import pipeline
    from veilleur.config import load_settings
    from veilleur.detect.base import DetectorRegistry
    from veilleur.detect.media import factory as media_factory
    from veilleur.store import Store

    seen: dict[str, dict[str, object]] = {}

    def spy(**opts: object) -> object:
        seen["media"] = opts
        return media_factory(**opts)

    monkeypatch.delenv("VEILLEUR_CONFIG", raising=False)
    registry = DetectorRegistry().add_detector("media", spy)
    (tmp_path / "veilleur.toml").write_text("[detectors.media]\njobs = 1\nocr = false\n", encoding="utf-8")
    store = Store.open(load_settings(home=tmp_path))
    try:
        pipeline.scan(store, detectors=["media"], registry=registry, notify=False)
    finally:
        store.close()
    assert seen["media"]["jobs"] == 1 and seen["media"]["ocr"] is False


def test_screening_uses_the_coarser_haar_pyramid_and_redaction_the_fine_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numpy as np

    from veilleur.detect.media import vision

    calls: list[tuple[int, float]] = []
    monkeypatch.setattr(
        vision,
        "haar_faces",
        lambda rgb, max_side=vision.DETECT_MAX_SIDE, step=1.1: calls.append((max_side, step)) or [],
    )
    rgb = np.zeros((64, 64, 3), dtype=np.uint8)
    vision.analyse_pixels(rgb, use_nudenet=False, cascade=True)
    vision.analyse_pixels(rgb, use_nudenet=False, cascade=False)
    assert calls == [(vision.CASCADE_HAAR_MAX_SIDE, vision.CASCADE_HAAR_STEP), (vision.DETECT_MAX_SIDE, 1.1)]
    assert vision.CASCADE_HAAR_STEP > 1.1
