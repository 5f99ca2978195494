"""The ``media`` detector: turns the analysis of each message's attachments into Findings
(one per message and category, with regions pointing into the attachments)."""

from __future__ import annotations

import logging
import os
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from veilleur.detect.media.analyze import (
    MediaHit,
    MediaReport,
    Options,
    analyze_file,
    analyze_files,
    pool_worth_it,
    resolve_jobs,
    worker_pool,
)
from veilleur.detect.media.textcheck import check_text
from veilleur.records import Finding, Message
from veilleur.taxonomy import Severity

log = logging.getLogger(__name__)

VERSION = "0.1.0"
_CACHE_SIZE = 256  # the same file is often re-posted: analyse it once per detector instance


class MediaDetector:
    """Faces, nudity, identifying text (OCR), EXIF, DICOM tags, minors in attachments."""

    name = "media"
    version = VERSION

    def __init__(
        self,
        ocr: bool = True,
        nudenet: bool = True,
        ocr_engine: str | None = None,
        cascade: bool = True,
        jobs: int | str | None = "auto",
        tesseract_cli: bool = False,
        **_: Any,
    ) -> None:
        self.options = Options(
            ocr=ocr, nudenet=nudenet, ocr_engine=ocr_engine, cascade=cascade, tesseract_cli=tesseract_cli
        )
        # Worker processes for the attachments of a batch: an integer, or "auto" (the default, also from
        # the settings: ``[detectors.media] jobs = "auto"``) = min(cores, 4), used once a batch has at
        # least two new attachments per worker; the pool is then kept for the next batches.
        self.auto_jobs = jobs is None or (isinstance(jobs, str) and jobs.strip().lower() == "auto")
        self.jobs = resolve_jobs(jobs)
        self._pool: Any = None  # created on the first batch that needs it, kept (models stay loaded)
        self._cache: OrderedDict[str, MediaReport] = OrderedDict()
        self.errors: list[str] = []  # files that could not be analysed during the last detect()

    def analyse_attachment(self, path: str, sha256: str | None) -> MediaReport:
        key = sha256 or path
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        report = analyze_file(path, sha256, options=self.options)
        self._remember(key, report)
        return report

    def _remember(self, key: str, report: MediaReport) -> None:
        self._cache[key] = report
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)

    def prefetch(self, batch: Sequence[Message]) -> None:
        """Analyse the batch's new attachments together (``analyze_files``, ``jobs`` workers), each once."""
        todo: dict[str, tuple[str, str | None]] = {}
        for msg in batch:
            for att in msg.attachments:
                if att.missing or not att.path or not os.path.isfile(att.path):
                    continue
                key = att.sha256 or att.path
                if key not in self._cache and key not in todo:
                    todo[key] = (att.path, att.sha256)
        if not todo:
            return
        items = list(todo.items())
        wanted = pool_worth_it(self.jobs, len(items)) if self.auto_jobs else self.jobs > 1 and len(items) > 1
        if wanted and self._pool is None:
            self._pool = worker_pool(self.jobs)
            weakref.finalize(self, self._pool.shutdown)
        reports = analyze_files(
            [p for _, (p, _s) in items],
            [s for _, (_p, s) in items],
            options=self.options,
            executor=self._pool,  # warm workers, once started, take even a single file
        )
        for (key, _), report in zip(items, reports, strict=True):
            self._remember(key, report)

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        self.errors = []
        findings: list[Finding] = []
        self.prefetch(batch)
        for msg in batch:
            reports = []
            for att in msg.attachments:
                if att.missing or not att.path or not os.path.isfile(att.path):
                    continue
                report = self.analyse_attachment(att.path, att.sha256)
                self.errors.extend(report.errors)
                if report.kind is not None:
                    reports.append(report)
            if reports:
                findings.extend(findings_for_message(msg, reports))
        return findings


def _minor_hit(msg: Message, reports: list[MediaReport]) -> MediaHit | None:
    """A text-derived minor cue (caption or OCR) about media that shows or identifies someone."""
    shows_person = any(
        r.categories() & {"patient_photo", "nudity", "text_in_image", "dicom_phi"} for r in reports
    )
    if not shows_person:
        return None
    cues = [(s.text, "légende / caption") for s in check_text(msg.text, use_text_detector=False).minor_cues]
    for r in reports:
        cues.extend((s.text, "texte de l'image / text in image") for s in r.minor_cues)
    if not cues:
        return None
    words = ", ".join(sorted({f"« {t} »" for t, _ in cues}))
    return MediaHit(
        "minor_in_media",
        Severity.HIGH,
        0.6,
        f"indice textuel d'un mineur ({words}), pas une estimation de l'âge sur l'image / "
        "text cue of a minor, not an age estimate from the picture",
        details={
            "source": "text_cue",
            "cues": sorted({t for t, _ in cues}),
            "where": sorted({w for _, w in cues}),
        },
    )


def findings_for_message(msg: Message, reports: list[MediaReport]) -> list[Finding]:
    merged = MediaReport(path="", sha256="", kind=None)
    for r in reports:
        for hit in r.hits:
            copy = MediaHit(
                hit.category,
                hit.severity,
                hit.score,
                hit.explanation,
                list(hit.regions),
                list(hit.spans),
                dict(hit.details),
            )
            copy.details = {**copy.details, "attachments": [r.sha256]}
            merged.add(copy)
    minor = _minor_hit(msg, reports)
    if minor is not None and merged.hit("minor_in_media") is None:
        merged.add(minor)
    if merged.hit("patient_photo") and (merged.hit("text_in_image") or merged.hit("dicom_phi")):
        photo = merged.hit("patient_photo")
        assert photo is not None
        photo.severity = Severity.HIGH  # a face next to a name or record number identifies the patient
    out = []
    for hit in merged.hits:
        excerpt = str(hit.details.get("ocr_text", hit.details.get("excerpt", "")))[:300]
        out.append(
            Finding(
                message_uid=msg.uid,
                detector=MediaDetector.name,
                detector_version=VERSION,
                category=hit.category,
                severity=hit.severity,
                score=min(1.0, hit.score),
                explanation=hit.explanation,
                spans=tuple(hit.spans),
                regions=tuple(hit.regions),
                excerpt=excerpt,
                details=hit.details,
            )
        )
    return out
