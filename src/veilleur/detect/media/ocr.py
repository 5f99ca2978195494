"""OCR of text inside images: Debian Tesseract (``fra+eng``) when installed, else RapidOCR (ONNX models
shipped in its wheel). Returns the text with the box of every word so findings can point at pixels."""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

# Tesseract reads best with letters 20-40 px high; small pictures are enlarged, huge ones shrunk
# (bounded work per image).
MIN_SIDE_FOR_OCR = 1000
MAX_SIDE_FOR_OCR = 2000
TESSERACT_TIMEOUT_S = 60
# Words read with less confidence are dropped: on photos without text Tesseract "reads" texture as
# short garbage words, which the text detector then takes for names or places.
MIN_WORD_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word (Tesseract) or a line (RapidOCR): its character range in ``OcrResult.text`` and its box."""

    start: int
    end: int
    x: int
    y: int
    width: int
    height: int
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrResult:
    text: str
    words: tuple[OcrWord, ...]
    engine: str

    def boxes_for(self, start: int, end: int) -> list[OcrWord]:
        """Words overlapping the character range [start, end)."""
        return [w for w in self.words if w.start < end and start < w.end]


def _scale_for(width: int, height: int) -> float:
    side = max(width, height)
    if side < MIN_SIDE_FOR_OCR:
        return min(2.0, MAX_SIDE_FOR_OCR / side)
    if side > MAX_SIDE_FOR_OCR:
        return MAX_SIDE_FOR_OCR / side
    return 1.0


@functools.cache
def tesseract_languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def available_engines() -> list[str]:
    engines = []
    if "fra" in tesseract_languages():
        engines.append("tesseract")
    try:
        import rapidocr_onnxruntime  # noqa: F401

        engines.append("rapidocr")
    except ImportError:
        pass
    return engines


def default_engine() -> str:
    wanted = os.environ.get("VEILLEUR_OCR", "auto").strip().lower()
    engines = available_engines()
    if wanted != "auto":
        if wanted not in engines:
            raise RuntimeError(f"OCR engine {wanted!r} unavailable (available: {', '.join(engines) or 'none'})")
        return wanted
    if not engines:
        raise RuntimeError("no OCR engine: install Debian tesseract-ocr-fra or rapidocr-onnxruntime")
    return engines[0]


def _tesseract(img: Image.Image, scale: float, min_conf: float) -> OcrResult:
    langs = "fra+eng" if "eng" in tesseract_languages() else "fra"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one thread per call: the host has few cores
    proc = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", langs, "--psm", "11", "tsv"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=TESSERACT_TIMEOUT_S,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace')[:200]}")
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE))
    parts: list[str] = []
    words: list[OcrWord] = []
    pos = 0
    last_line: tuple[str, ...] | None = None
    for row in rows:
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        confidence = float(row.get("conf") or 0) / 100
        if confidence < min_conf or not any(c.isalnum() for c in word):
            continue
        line_key = (row["block_num"], row["par_num"], row["line_num"])
        if last_line is not None:
            sep = " " if line_key == last_line else "\n"
            parts.append(sep)
            pos += 1
        last_line = line_key
        parts.append(word)
        x, y, w, h = (int(int(row[k]) / scale) for k in ("left", "top", "width", "height"))
        words.append(OcrWord(pos, pos + len(word), x, y, max(1, w), max(1, h), confidence))
        pos += len(word)
    return OcrResult("".join(parts), tuple(words), "tesseract")


@functools.cache
def _rapid_engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _rapidocr(img: Image.Image, scale: float, min_conf: float) -> OcrResult:
    result, _ = _rapid_engine()(np.asarray(img))
    parts: list[str] = []
    words: list[OcrWord] = []
    pos = 0
    # RapidOCR returns lines; sort top-to-bottom then left-to-right so the text reads naturally.
    for box, text, score in sorted(result or [], key=lambda r: (round(r[0][0][1] / 10), r[0][0][0])):
        text = str(text).strip()
        if not text or float(score) < min_conf:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        x, y = int(min(xs)), int(min(ys))
        words.append(OcrWord(pos, pos + len(text), x, y, max(1, int(max(xs)) - x), max(1, int(max(ys)) - y), float(score)))
        parts.append(text)
        pos += len(text)
    return OcrResult("".join(parts), tuple(words), "rapidocr")


def ocr_image(rgb: np.ndarray | Image.Image, engine: str | None = None, min_conf: float = MIN_WORD_CONFIDENCE) -> OcrResult:
    """Read the text in an RGB (or grey) image; boxes are in the input image's pixels.

    Redaction passes ``min_conf=0`` so that even doubtful words are masked."""
    img = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.ascontiguousarray(rgb))
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    scale = _scale_for(*img.size)
    if scale != 1.0:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS)
    name = engine or default_engine()
    if name == "tesseract":
        return _tesseract(img, scale, min_conf)
    if name == "rapidocr":
        return _rapidocr(img.convert("RGB"), scale, min_conf)
    raise ValueError(f"unknown OCR engine {name!r}")
