"""Medical secrecy in media: faces, nudity, identifying text (OCR), EXIF, DICOM and minors in images,
video, PDF and DICOM attachments; plus safe redacted copies (``redact_file``).

``factory`` is the ``media`` entry point (group ``veilleur.detectors``); the detector is in ``detector.py``.
Importing the package imports no image library (``analyze_file`` and the detector load on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veilleur.detect.media.analyze import MediaReport, Options, analyze_file
    from veilleur.detect.media.detector import MediaDetector


def factory(**options: Any) -> MediaDetector:
    """Build the detector from its options (the ``[detectors.media]`` settings, see ``MediaSettings``)."""
    from veilleur.detect.media.detector import MediaDetector

    return MediaDetector(**options)


def __getattr__(name: str) -> Any:  # the public names, imported on first use
    if name in ("MediaReport", "Options", "analyze_file"):
        from veilleur.detect.media import analyze

        return getattr(analyze, name)
    if name == "MediaDetector":
        from veilleur.detect.media.detector import MediaDetector

        return MediaDetector
    raise AttributeError(name)


__all__ = ["MediaDetector", "MediaReport", "Options", "analyze_file", "factory"]
