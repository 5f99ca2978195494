"""Medical secrecy in media: faces, nudity, identifying text (OCR), EXIF, DICOM and minors in images,
video, PDF and DICOM attachments; plus safe redacted copies (``redact_file``)."""

from __future__ import annotations

from typing import Any

from veilleur.detect.base import register_detector
from veilleur.detect.media.analyze import MediaReport, Options, analyze_file
from veilleur.detect.media.detector import MediaDetector


def _factory(**options: Any) -> MediaDetector:
    return MediaDetector(**options)


register_detector("media", _factory)

__all__ = ["MediaDetector", "MediaReport", "Options", "analyze_file"]
