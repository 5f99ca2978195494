"""Settings of the media detector: ``[detectors.media]`` in veilleur.toml, passed to its factory as options."""

from __future__ import annotations

from dataclasses import dataclass

from veilleur.config import section, setting


@section("detectors.media", detector="media")
@dataclass(frozen=True)
class MediaSettings:
    ocr: bool = setting(True, "read text in images (OCR)")
    ocr_engine: str = setting("auto", "auto, tesseract or rapidocr", aliases=("VEILLEUR_OCR",))
    tesseract_cli: bool = setting(
        False, "use the tesseract program rather than its library", aliases=("VEILLEUR_TESSERACT_CLI",)
    )
    nudenet: bool = setting(True, "nudity model (when installed)")
    cascade: bool = setting(True, "cheap checks first, models only when needed")
    jobs: int | str = setting(
        "auto",
        "worker processes for a batch's attachments: a number, or auto = min(cores, 4)",
        aliases=("VEILLEUR_MEDIA_JOBS",),
    )
