"""OCR of text inside images: Debian Tesseract (``fra+eng``) when installed, else RapidOCR (ONNX models
shipped in its wheel). Returns the text with the box of every word so findings can point at pixels.

Speed: Tesseract runs in-process through its C API (``libtesseract.so.5``, one handle per thread, the
language models loaded once) instead of one ``tesseract`` process per image; ``text_regions`` is a cheap
text-presence check (RapidOCR's detection network alone) so that OCR runs only where text is."""

from __future__ import annotations

import csv
import ctypes
import functools
import io
import logging
import os
import shutil
import subprocess
import threading
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


def default_engine(wanted: str | None = None) -> str:
    """The OCR engine to use: ``wanted`` (``[media] ocr_engine``: auto, tesseract or rapidocr) if available."""
    wanted = (wanted or "auto").strip().lower()
    engines = available_engines()
    if wanted != "auto":
        if wanted not in engines:
            raise RuntimeError(
                f"OCR engine {wanted!r} unavailable (available: {', '.join(engines) or 'none'})"
            )
        return wanted
    if not engines:
        raise RuntimeError("no OCR engine: install Debian tesseract-ocr-fra or rapidocr-onnxruntime")
    return engines[0]


def _tesseract_langs() -> str:
    return "fra+eng" if "eng" in tesseract_languages() else "fra"


def _tesseract_cli(img: Image.Image) -> str:
    """TSV from the ``tesseract`` program (one process per image: the fallback when the library is missing)."""
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    env = {"OMP_THREAD_LIMIT": "1", "PATH": os.defpath}  # one thread per call: the host has few cores
    proc = subprocess.run(
        [
            shutil.which("tesseract") or "tesseract",
            "stdin",
            "stdout",
            "-l",
            _tesseract_langs(),
            "--psm",
            "11",
            "tsv",
        ],
        input=buf.getvalue(),
        capture_output=True,
        timeout=TESSERACT_TIMEOUT_S,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace')[:200]}")
    return proc.stdout.decode("utf-8", "replace")


TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
_PSM_SPARSE_TEXT = 11  # same as the CLI's --psm 11
_CLI_DPI = 70  # what the CLI assumes for a PNG without a resolution: same results in-process


_FORCE_CLI = False


def use_tesseract_cli(flag: bool = True) -> None:
    """Read with the ``tesseract`` program rather than its library (``[media] tesseract_cli``)."""
    global _FORCE_CLI
    _FORCE_CLI = flag


@functools.cache
def _libtesseract() -> Any:
    """Tesseract's C API, or None (then the CLI is used). Same library and models as the CLI."""
    try:
        lib = ctypes.CDLL("libtesseract.so.5")
    except OSError:
        return None
    vp, ci, cp = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for name, res, args in [
        ("TessBaseAPICreate", vp, []),
        ("TessBaseAPIInit3", ci, [vp, cp, cp]),
        ("TessBaseAPISetVariable", ci, [vp, cp, cp]),
        ("TessBaseAPISetPageSegMode", None, [vp, ci]),
        ("TessBaseAPISetImage", None, [vp, vp, ci, ci, ci, ci]),
        ("TessBaseAPISetSourceResolution", None, [vp, ci]),
        ("TessBaseAPIGetTsvText", vp, [vp, ci]),
        ("TessBaseAPIClear", None, [vp]),
        ("TessDeleteText", None, [vp]),
    ]:
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


_local = threading.local()


def _tesseract_handle(lib: Any) -> Any:
    """This thread's Tesseract handle (models loaded on first use; a handle is not thread-safe)."""
    api = getattr(_local, "api", None)
    if api is None:
        api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(api, None, _tesseract_langs().encode()) != 0:
            raise RuntimeError("tesseract: language models could not be loaded")
        lib.TessBaseAPISetVariable(api, b"debug_file", b"/dev/null")  # no "Estimating resolution" chatter
        lib.TessBaseAPISetPageSegMode(api, _PSM_SPARSE_TEXT)
        _local.api = api
    return api


def _tesseract_tsv(img: Image.Image) -> str:
    lib = None if _FORCE_CLI else _libtesseract()
    if lib is None:
        return _tesseract_cli(img)
    arr = np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.uint8))
    api = _tesseract_handle(lib)
    h, w = arr.shape[:2]
    lib.TessBaseAPISetImage(api, arr.ctypes.data, w, h, 3, w * 3)
    lib.TessBaseAPISetSourceResolution(api, _CLI_DPI)
    ptr = lib.TessBaseAPIGetTsvText(api, 0)
    try:
        tsv = ctypes.string_at(ptr).decode("utf-8", "replace") if ptr else ""
    finally:
        if ptr:
            lib.TessDeleteText(ptr)
        lib.TessBaseAPIClear(api)
    return TSV_HEADER + tsv


def _tesseract(
    img: Image.Image, scale: float, min_conf: float, offset: tuple[int, int] = (0, 0)
) -> OcrResult:
    rows = list(csv.DictReader(io.StringIO(_tesseract_tsv(img)), delimiter="\t", quoting=csv.QUOTE_NONE))
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
        words.append(
            OcrWord(pos, pos + len(word), x + offset[0], y + offset[1], max(1, w), max(1, h), confidence)
        )
        pos += len(word)
    return OcrResult("".join(parts), tuple(words), "tesseract")


@functools.cache
def _rapid_engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _rapidocr(img: Image.Image, scale: float, min_conf: float, offset: tuple[int, int] = (0, 0)) -> OcrResult:
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
        words.append(
            OcrWord(
                pos,
                pos + len(text),
                x + offset[0],
                y + offset[1],
                max(1, int(max(xs)) - x),
                max(1, int(max(ys)) - y),
                float(score),
            )
        )
        parts.append(text)
        pos += len(text)
    return OcrResult("".join(parts), tuple(words), "rapidocr")


def ocr_image(
    rgb: np.ndarray | Image.Image,
    engine: str | None = None,
    min_conf: float = MIN_WORD_CONFIDENCE,
    region: tuple[int, int, int, int] | None = None,
) -> OcrResult:
    """Read the text in an RGB (or grey) image; boxes are in the input image's pixels.

    ``region`` (x, y, width, height) reads only that part, at the scale chosen for the whole image
    (letters keep the size they would have in a whole-image read). Redaction passes ``min_conf=0``
    so that even doubtful words are masked."""
    img = rgb if isinstance(rgb, Image.Image) else Image.fromarray(np.ascontiguousarray(rgb))
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    scale = _scale_for(*img.size)
    offset = (0, 0)
    if region is not None:
        x, y, w, h = region
        box = (max(0, x), max(0, y), min(img.width, x + w), min(img.height, y + h))
        if box[2] <= box[0] or box[3] <= box[1]:
            return OcrResult("", (), default_engine(engine) if engine in (None, "auto") else engine)
        if box != (0, 0, img.width, img.height):
            img = img.crop(box)
            offset = (box[0], box[1])
    if scale != 1.0:
        img = img.resize(
            (max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS
        )
    name = default_engine(engine) if engine in (None, "auto") else engine
    if name == "tesseract":
        return _tesseract(img, scale, min_conf, offset)
    if name == "rapidocr":
        return _rapidocr(img.convert("RGB"), scale, min_conf, offset)
    raise ValueError(f"unknown OCR engine {name!r}")


# ------------------------------------------------------------------------------- text presence (cascade)

TEXT_DETECT_MAX_SIDE = 960  # the detector sees at most this; small pictures are not enlarged
TEXT_BOX_PAD = (
    0.6  # each side of the union of text boxes is widened by this many median line heights (≥ 12 px)
)
# Boxes taller than this and about square are texture the network took for text (measured on the
# media set: coffee cup, cell, clock face); lines of text, even one short word, are wider than high.
BLOB_MIN_HEIGHT = 40
BLOB_RATIO = (0.7, 1.25)
_det_lock = threading.Lock()


@functools.cache
def _text_detector() -> Any:
    """RapidOCR's text detection network (DBNet, PP-OCRv4 det, in the wheel) alone, one thread."""
    from pathlib import Path

    import rapidocr_onnxruntime
    from rapidocr_onnxruntime.ch_ppocr_det import TextDetector

    return TextDetector(
        {
            "limit_side_len": TEXT_DETECT_MAX_SIDE,
            "limit_type": "max",
            "mean": [0.5, 0.5, 0.5],
            "std": [0.5, 0.5, 0.5],
            "thresh": 0.3,
            "box_thresh": 0.5,
            "max_candidates": 1000,
            "unclip_ratio": 1.6,
            "use_dilation": True,
            "score_mode": "fast",
            "model_path": str(
                Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_det_infer.onnx"
            ),
            "intra_op_num_threads": 1,
            "inter_op_num_threads": 1,
        }
    )


@functools.cache
def text_detector_available() -> bool:
    try:
        _text_detector()
    except Exception as exc:  # no wheel, broken runtime: the caller reads the whole image instead
        log.info("text presence detector unavailable (%s): whole images are read", exc)
        return False
    return True


def text_boxes(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, width, height) of the text lines in an RGB or grey image, from the detection network."""
    arr = rgb if rgb.ndim == 3 else np.stack([rgb] * 3, -1)
    bgr = np.ascontiguousarray(arr[..., 2::-1]) if arr.shape[-1] >= 3 else np.ascontiguousarray(arr)
    with _det_lock:  # one ONNX session shared by the threads of a process
        found, _ = _text_detector()(bgr)
    out = []
    for quad in found if found is not None else []:
        xs, ys = quad[:, 0], quad[:, 1]
        x, y = int(xs.min()), int(ys.min())
        w, h = max(1, int(xs.max()) - x), max(1, int(ys.max()) - y)
        if h > BLOB_MIN_HEIGHT and BLOB_RATIO[0] < w / h < BLOB_RATIO[1]:
            continue  # a big square blob (a cup, a cell, a clock face), not a line of text
        out.append((x, y, w, h))
    return out


def text_region(rgb: np.ndarray) -> tuple[int, int, int, int] | None:
    """The part of the picture that holds text (union of the text boxes, padded), or None: no text."""
    boxes = text_boxes(rgb)
    if not boxes:
        return None
    heights = sorted(b[3] for b in boxes)
    pad = max(12, round(TEXT_BOX_PAD * heights[len(heights) // 2]))
    x1 = max(0, min(b[0] for b in boxes) - pad)
    y1 = max(0, min(b[1] for b in boxes) - pad)
    x2 = min(rgb.shape[1], max(b[0] + b[2] for b in boxes) + pad)
    y2 = min(rgb.shape[0], max(b[1] + b[3] for b in boxes) + pad)
    return (x1, y1, x2 - x1, y2 - y1)
