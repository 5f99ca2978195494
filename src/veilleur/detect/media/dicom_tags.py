"""DICOM reading for the media detector: identifying attributes (from ``data/dicom_confidentiality.yaml``),
patient age, and pixel frames normalised to 8 bits for OCR and face detection."""

from __future__ import annotations

import functools
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import yaml
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from veilleur.detect.media.sniff import MediaRefused


class DicomError(Exception):
    """A DICOM file that cannot be read; the message is for the user."""


@functools.cache
def profile() -> dict[str, Any]:
    text = (
        resources.files("veilleur.detect.media")
        .joinpath("data/dicom_confidentiality.yaml")
        .read_text("utf-8")
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def read_dicom(path: str | Path) -> Dataset:
    try:
        ds = pydicom.dcmread(str(path))
    except (InvalidDicomError, OSError, ValueError, EOFError, KeyError, AttributeError) as exc:
        raise MediaRefused(f"DICOM illisible / unreadable DICOM ({exc})") from None
    if len(ds) == 0:
        raise MediaRefused("DICOM vide ou tronqué / empty or truncated DICOM")
    return ds


def _mask(value: str) -> str:
    """A hint of a value for moderators without copying the identifier into findings."""
    value = value.strip()
    if len(value) <= 2:
        return "*" * len(value)
    return value[:2] + "*" * min(8, len(value) - 2)


def identifying_tags(ds: Dataset) -> list[dict[str, Any]]:
    """Identifying attributes present with a non-empty value: keyword, tag, direct or not, masked value."""
    found = []
    for keyword, rule in profile()["attributes"].items():
        if not rule.get("identifying"):
            continue
        elem = ds.get(keyword)
        if elem is None or elem in ("", None) or (hasattr(elem, "__len__") and len(elem) == 0):
            continue
        tag = pydicom.datadict.tag_for_keyword(keyword)
        found.append(
            {
                "keyword": keyword,
                "tag": f"({tag >> 16:04X},{tag & 0xFFFF:04X})" if tag is not None else "",
                "direct": bool(rule.get("direct")),
                "value_hint": _mask(str(elem)),
            }
        )
    return found


def _parse_da(value: Any) -> date | None:
    s = str(value or "").strip()
    if len(s) != 8 or not s.isdigit():
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        return None


def patient_age_years(ds: Dataset) -> int | None:
    """Age at the study from PatientAge ("006Y", "018M") or from birth and study dates."""
    raw = str(ds.get("PatientAge", "") or "").strip().upper()
    if len(raw) == 4 and raw[:3].isdigit() and raw[3] in "DWMY":
        n = int(raw[:3])
        return {"D": n // 365, "W": n // 52, "M": n // 12, "Y": n}[raw[3]]
    birth = _parse_da(ds.get("PatientBirthDate"))
    at = _parse_da(ds.get("StudyDate")) or _parse_da(ds.get("ContentDate"))
    if birth is None or at is None:
        return None
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def to_8bit(arr: np.ndarray, photometric: str) -> np.ndarray:
    """Stretch any DICOM pixel range to 0-255 (1st-99.5th percentile), inverting MONOCHROME1."""
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        a = arr[..., :3].astype(np.float32)
    else:
        a = arr.astype(np.float32)
    lo, hi = np.percentile(a, [1, 99.5]) if a.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = float(a.min()), float(a.max()) if a.size else 1.0
    out = np.clip((a - lo) / max(hi - lo, 1e-6) * 255.0, 0, 255).astype(np.uint8)
    if photometric == "MONOCHROME1":
        out = 255 - out
    return out


def frames_8bit(ds: Dataset, max_frames: int) -> list[tuple[int, np.ndarray]]:
    """Up to ``max_frames`` frames (first, middle, last...) as 8-bit grey or RGB arrays."""
    if "PixelData" not in ds:
        return []
    arr = ds.pixel_array
    photometric = str(ds.get("PhotometricInterpretation", ""))
    n = int(ds.get("NumberOfFrames", 1) or 1)
    if n <= 1:
        return [(0, to_8bit(arr, photometric))]
    picks = sorted({round(i * (n - 1) / max(1, max_frames - 1)) for i in range(min(n, max_frames))})
    return [(i, to_8bit(arr[i], photometric)) for i in picks]
