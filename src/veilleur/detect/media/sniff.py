"""Recognise a media file's kind from its first bytes (magic numbers), never from its extension."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

MediaKind = Literal["jpeg", "png", "webp", "gif", "dicom", "pdf", "video"]


class MediaRefused(Exception):
    """A file we will not decode (too large, corrupt): the reason is shown to the user. In this leaf module
    so that every reader (images, video, PDF, DICOM) raises it without importing ``analyze``."""


IMAGE_KINDS: frozenset[str] = frozenset({"jpeg", "png", "webp", "gif"})


def sniff_bytes(head: bytes) -> MediaKind | None:
    """The kind of a file from its first 132 bytes, or None when it is not a media kind we analyse."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "dicom"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp":  # MP4, MOV, 3GP
        return "video"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska / WebM
        return "video"
    return None


def sniff_file(path: str | Path) -> MediaKind | None:
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(132))
