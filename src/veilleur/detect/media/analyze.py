"""Analyse one media file (image, DICOM, video, PDF) into per-category hits: faces, nudity,
identifying text read by OCR, EXIF location/date/device, DICOM identifying tags, minors.

Screening is a cascade (``Options.cascade``, on by default): cheap checks first (magic bytes, EXIF,
DICOM tags, decompression-bomb guard from the header), then NudeNet (faces and nudity, 320 px) with the
Haar face cascades only when it finds no face, then a text-presence detector, and OCR only on the part
of the picture that holds text (none: no OCR). ``analyze_files`` analyses many files, optionally in
worker processes that each load the models once."""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image, ImageOps

from veilleur.detect.media import dicom_tags
from veilleur.detect.media.sniff import IMAGE_KINDS, MediaRefused, sniff_file
from veilleur.detect.media.textcheck import TextCheck, check_text
from veilleur.records import Region, Span
from veilleur.taxonomy import Severity

log = logging.getLogger(__name__)

MAX_IMAGE_PIXELS = 50_000_000  # larger pictures are refused (decompression bombs), never decoded
MAX_VIDEO_FRAMES = 8  # frames sampled evenly from a video
MAX_VIDEO_OCR_FRAMES = 3  # of which this many are read by OCR (OCR is the slow part)
MAX_PDF_PAGES = 20
MAX_PDF_IMAGES = 20
MAX_DICOM_FRAMES = 3


@dataclass
class MediaHit:
    """One category found in one media file."""

    category: str
    severity: Severity
    score: float
    explanation: str
    regions: list[Region] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class MediaReport:
    """Everything found in one file. ``errors`` lists what could not be analysed, in plain words."""

    path: str
    sha256: str
    kind: str | None
    hits: list[MediaHit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    text: str = ""  # text read from the file (OCR, PDF text layer), for the caption/minor rules
    minor_cues: list[Span] = field(default_factory=list)

    def categories(self) -> set[str]:
        return {h.category for h in self.hits}

    def hit(self, category: str) -> MediaHit | None:
        return next((h for h in self.hits if h.category == category), None)

    def add(self, new: MediaHit) -> None:
        """Merge a hit into the one of the same category (frames, pages, embedded images)."""
        old = self.hit(new.category)
        if old is None:
            self.hits.append(new)
            return
        old.regions.extend(new.regions)
        old.spans.extend(new.spans)
        old.score = max(old.score, new.score)
        old.severity = max(old.severity, new.severity)
        if new.explanation and new.explanation not in old.explanation:
            old.explanation = f"{old.explanation}; {new.explanation}" if old.explanation else new.explanation
        for key, value in new.details.items():
            if isinstance(value, list) and isinstance(old.details.get(key), list):
                old.details[key].extend(v for v in value if v not in old.details[key])
            else:
                old.details.setdefault(key, value)


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_image(path: str | Path) -> Image.Image:
    """Open and decode an image safely: size checked from the header before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            w, h = img.size
            if w * h > MAX_IMAGE_PIXELS:
                raise MediaRefused(
                    f"image de {w}×{h} pixels refusée (> {MAX_IMAGE_PIXELS:,} : bombe de décompression ?) / "
                    "image too large, refused"
                )
            img.load()
    except MediaRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRefused(f"bombe de décompression refusée / decompression bomb refused ({exc})") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaRefused(f"image illisible / unreadable image ({exc})") from None
    return img


def to_rgb_array(img: Image.Image) -> np.ndarray:
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    return np.asarray(img)


# ---------------------------------------------------------------------------------------------- EXIF


def _ratio(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError, ZeroDivisionError):
        return float("nan")


def _gps_decimal(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in values)
    except (TypeError, ValueError):
        return None
    dec = d + m / 60 + s / 3600
    if dec != dec:  # NaN
        return None
    if str(ref).upper().startswith(("S", "W")):
        dec = -dec
    return round(dec, 6)


def exif_info(img: Image.Image) -> dict[str, Any]:
    """GPS position, capture date and device from an image's EXIF, as plain JSON values."""
    exif = img.getexif()
    if not exif:
        return {}
    info: dict[str, Any] = {}
    base = {ExifTags.TAGS.get(k, str(k)): v for k, v in exif.items()}
    sub = {ExifTags.TAGS.get(k, str(k)): v for k, v in exif.get_ifd(ExifTags.IFD.Exif).items()}
    for key in ("Make", "Model", "Software"):
        if base.get(key):
            info[key.lower()] = str(base[key]).strip("\x00 ")
    when = sub.get("DateTimeOriginal") or sub.get("DateTimeDigitized") or base.get("DateTime")
    if when:
        info["datetime"] = str(when).strip("\x00 ")
    gps = {ExifTags.GPSTAGS.get(k, str(k)): v for k, v in exif.get_ifd(ExifTags.IFD.GPSInfo).items()}
    if "GPSLatitude" in gps and "GPSLongitude" in gps:
        lat = _gps_decimal(gps["GPSLatitude"], gps.get("GPSLatitudeRef", "N"))
        lon = _gps_decimal(gps["GPSLongitude"], gps.get("GPSLongitudeRef", "E"))
        if lat is not None and lon is not None:
            info["gps"] = {"latitude": lat, "longitude": lon}
    return info


def _exif_hit(info: dict[str, Any]) -> MediaHit | None:
    if not info:
        return None
    if "gps" in info:
        g = info["gps"]
        return MediaHit(
            "exif_location",
            Severity.HIGH,
            0.95,
            f"position GPS dans les métadonnées ({g['latitude']}, {g['longitude']}) / GPS position in EXIF",
            details={"exif": info},
        )
    what = ", ".join(k for k in ("datetime", "make", "model", "software") if k in info)
    return MediaHit(
        "exif_location",
        Severity.LOW,
        0.5,
        f"métadonnées EXIF : {what} / EXIF metadata",
        details={"exif": info},
    )


# ---------------------------------------------------------------------------------------------- pixels


@dataclass
class Options:
    ocr: bool = True
    nudenet: bool = True
    ocr_engine: str | None = None  # None or "auto": the first available
    cascade: bool = True  # False: every detector on every picture, OCR on the whole picture (slow, reference)
    tesseract_cli: bool = (
        False  # the tesseract program rather than its library ([detectors.media] tesseract_cli)
    )


def _text_hit(
    check: TextCheck, words: Any, sha: str, frame: int | None, category: str, where: str
) -> MediaHit | None:
    if not check.identifying:
        return None
    regions: list[Region] = []
    for span in check.spans:
        for w in words.boxes_for(span.start, span.end) if words is not None else []:
            r = Region(sha, w.x, w.y, w.width, w.height, f"text:{span.label}", frame)
            if r not in regions:
                regions.append(r)
    labels = sorted({s.label for s in check.spans})
    return MediaHit(
        category,
        Severity.HIGH,
        0.9 if check.risk == "high" else 0.7,
        f"{where} : {check.explanation or ', '.join(labels)}",
        regions=regions,
        spans=list(check.spans),
        details={"identifiers": labels, "text_engine": check.engine},
    )


def analyse_pixels(
    report: MediaReport,
    rgb: np.ndarray,
    opts: Options,
    frame: int | None = None,
    *,
    ocr: bool = True,
    faces: bool = True,
) -> None:
    """Faces, nudity and identifying text in one picture (an image, a video frame, a DICOM frame)."""
    from veilleur.detect.media import ocr as ocr_mod
    from veilleur.detect.media import vision

    sha = report.sha256
    if faces:
        found = vision.analyse_pixels(rgb, use_nudenet=opts.nudenet, cascade=opts.cascade)
        if found.faces:
            report.add(
                MediaHit(
                    "patient_photo",
                    Severity.MEDIUM,
                    max(b.score for b in found.faces),
                    f"{len(found.faces)} visage(s) / face(s)",
                    regions=[Region(sha, b.x, b.y, b.width, b.height, b.label, frame) for b in found.faces],
                    details={"faces": len(found.faces)},
                )
            )
        if found.nudity:
            report.add(
                MediaHit(
                    "nudity",
                    Severity.HIGH,
                    max(b.score for b in found.nudity),
                    "nudité détectée (NudeNet) / nudity detected",
                    regions=[Region(sha, b.x, b.y, b.width, b.height, b.label, frame) for b in found.nudity],
                    details={"classes": sorted({b.label for b in found.nudity})},
                )
            )
    if ocr and opts.ocr:
        region: tuple[int, int, int, int] | None = None
        if opts.cascade and ocr_mod.text_detector_available():
            try:
                region = ocr_mod.text_region(rgb)
            except Exception as exc:  # the gate failing must not lose the text: read the whole picture
                log.warning("text presence detector failed (%s): whole picture read", exc)
                region = (0, 0, rgb.shape[1], rgb.shape[0])
            if region is None:
                return  # no text line in the picture: nothing for OCR to read
        try:
            result = ocr_mod.ocr_image(rgb, opts.ocr_engine, region=region)
        except Exception as exc:
            report.errors.append(f"OCR impossible / OCR failed: {exc}")
            return
        if not result.text.strip():
            return
        offset = len(report.text) + (1 if report.text else 0)
        report.text = f"{report.text}\n{result.text}" if report.text else result.text
        check = check_text(result.text)
        report.minor_cues.extend(
            Span(s.start + offset, s.end + offset, s.label, s.text) for s in check.minor_cues
        )
        hit = _text_hit(
            check,
            result,
            sha,
            frame,
            "text_in_image",
            "texte identifiant dans l'image / identifying text in image",
        )
        if hit is not None:
            hit.details["ocr_engine"] = result.engine
            hit.details["ocr_text"] = result.text[:2000]
            report.add(hit)


# ---------------------------------------------------------------------------------------------- kinds


def _analyse_image_file(report: MediaReport, path: Path, opts: Options) -> None:
    img = open_image(path)
    info = exif_info(img)
    hit = _exif_hit(info)
    if hit:
        report.add(hit)
    img = ImageOps.exif_transpose(img) or img  # boxes are given in the picture as displayed
    analyse_pixels(report, to_rgb_array(img), opts)


def _analyse_video(report: MediaReport, path: Path, opts: Options) -> None:
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise MediaRefused("vidéo illisible / unreadable video")
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        if count <= 0:
            raise MediaRefused("vidéo sans image lisible / video without readable frames")
        n = min(MAX_VIDEO_FRAMES, count)
        indices = sorted({round(i * (count - 1) / max(1, n - 1)) for i in range(n)})
        ocr_every = max(1, len(indices) // MAX_VIDEO_OCR_FRAMES)
        done_ocr = 0
        for k, idx in enumerate(indices):
            cap.set(cv2.CAP_PROP_POS_FRAMES, idx)
            ok, bgr = cap.read()
            if not ok or bgr is None:
                continue
            h, w = bgr.shape[:2]
            if w * h > MAX_IMAGE_PIXELS:
                raise MediaRefused(f"images vidéo de {w}×{h} pixels refusées / video frames too large")
            do_ocr = done_ocr < MAX_VIDEO_OCR_FRAMES and k % ocr_every == 0
            done_ocr += int(do_ocr)
            analyse_pixels(report, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), opts, frame=idx, ocr=do_ocr)
    finally:
        cap.release()


def _analyse_pdf(report: MediaReport, path: Path, opts: Options) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MediaRefused("PDF chiffré / encrypted PDF")
        pages = list(reader.pages[:MAX_PDF_PAGES])
    except (PdfReadError, ValueError, OSError) as exc:
        raise MediaRefused(f"PDF illisible / unreadable PDF ({exc})") from None
    if len(reader.pages) > MAX_PDF_PAGES:
        report.errors.append(
            f"seules les {MAX_PDF_PAGES} premières pages analysées / only first pages analysed"
        )
    images_done = 0
    for pageno, page in enumerate(pages):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on odd fonts
            report.errors.append(f"page {pageno + 1} : texte illisible / unreadable text ({exc})")
            text = ""
        if text.strip():
            check = check_text(text)
            report.minor_cues.extend(check.minor_cues)
            hit = _text_hit(
                check,
                None,
                report.sha256,
                pageno,
                "patient_identifiable_text",
                f"couche texte du PDF, page {pageno + 1} / PDF text layer",
            )
            if hit is not None:
                hit.details.update({"source": "pdf_text", "pages": [pageno + 1], "excerpt": text[:500]})
                report.add(hit)
            report.text = f"{report.text}\n{text}" if report.text else text
        try:
            page_images = list(page.images)
        except Exception as exc:
            report.errors.append(f"page {pageno + 1} : images illisibles / unreadable images ({exc})")
            continue
        for pim in page_images:
            if images_done >= MAX_PDF_IMAGES:
                break
            images_done += 1
            try:
                img = pim.image
                if img is None:
                    continue
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    report.errors.append(
                        f"page {pageno + 1} : image trop grande ignorée / image too large skipped"
                    )
                    continue
                analyse_pixels(report, to_rgb_array(img), opts, frame=pageno)
            except Exception as exc:
                report.errors.append(f"page {pageno + 1} : image illisible / unreadable image ({exc})")


def _analyse_dicom(report: MediaReport, path: Path, opts: Options) -> None:
    ds = dicom_tags.read_dicom(path)
    found = dicom_tags.identifying_tags(ds)
    if found:
        direct = [t for t in found if t["direct"]]
        report.add(
            MediaHit(
                "dicom_phi",
                Severity.HIGH if direct else Severity.MEDIUM,
                0.95 if direct else 0.7,
                "balises DICOM identifiantes : "
                + ", ".join(t["keyword"] for t in found)
                + " / identifying DICOM tags",
                details={"tags": found, "burned_in_annotation": str(ds.get("BurnedInAnnotation", ""))},
            )
        )
    age = dicom_tags.patient_age_years(ds)
    if age is not None and age < 18:
        report.add(
            MediaHit(
                "minor_in_media",
                Severity.HIGH,
                0.9,
                f"patient de {age} an(s) d'après les balises DICOM / patient aged {age} per DICOM tags",
                details={"source": "dicom_tags", "age_years": age},
            )
        )
    try:
        frames = dicom_tags.frames_8bit(ds, MAX_DICOM_FRAMES)
    except Exception as exc:
        report.errors.append(f"pixels DICOM illisibles / unreadable DICOM pixels ({exc})")
        return
    colour = str(ds.get("PhotometricInterpretation", "")).startswith(("RGB", "YBR"))
    for idx, frame in frames:
        analyse_pixels(report, frame, opts, frame=idx, faces=colour)


def analyze_file(
    path: str | Path, sha256: str | None = None, *, options: Options | None = None
) -> MediaReport:
    """Analyse one media file; problems are reported in ``MediaReport.errors``, never raised."""
    opts = options or Options()
    if opts.tesseract_cli:  # also in a worker process, which starts with the defaults
        from veilleur.detect.media import ocr as ocr_mod

        ocr_mod.use_tesseract_cli(True)
    p = Path(path)
    try:
        sha = sha256 or sha256_file(p)
        kind = sniff_file(p)
    except OSError as exc:
        return MediaReport(
            str(p), sha256 or "", None, errors=[f"{p}: fichier illisible / unreadable file ({exc})"]
        )
    report = MediaReport(str(p), sha, kind)
    try:
        if kind in IMAGE_KINDS:
            _analyse_image_file(report, p, opts)
        elif kind == "dicom":
            _analyse_dicom(report, p, opts)
        elif kind == "video":
            _analyse_video(report, p, opts)
        elif kind == "pdf":
            _analyse_pdf(report, p, opts)
    except MediaRefused as exc:
        report.errors.append(f"{p}: {exc}")
    except Exception as exc:  # one bad file must not stop a scan; the reason is kept
        log.exception("media analysis failed on %s", p)
        report.errors.append(f"{p}: analyse impossible / analysis failed ({type(exc).__name__}: {exc})")
    for err in report.errors:
        log.warning("%s", err)
    return report


# ---------------------------------------------------------------------------------------------- many files


MAX_AUTO_JOBS = 4  # "auto": one worker per core, at most 4 (each worker holds ~1 GiB of models)


def resolve_jobs(jobs: int | str | None) -> int:
    """Worker count from an option or a settings value: an integer ≥ 1, or ``"auto"``/``None`` =
    min(cores, 4). Raises ``ValueError`` for anything else."""
    if jobs is None or (isinstance(jobs, str) and jobs.strip().lower() == "auto"):
        return max(1, min(os.cpu_count() or 1, MAX_AUTO_JOBS))
    try:
        n = int(jobs)
    except (TypeError, ValueError):
        raise ValueError(f"jobs must be a positive integer or 'auto', not {jobs!r}") from None
    if n < 1:
        raise ValueError(f"jobs must be a positive integer or 'auto', not {jobs!r}")
    return n


def pool_worth_it(jobs: int, files: int) -> bool:
    """Worker processes pay a model load each (≈ 9 CPU-s): used only when there are at least two files
    per worker to share (a backfill, a busy batch), never for a handful."""
    return jobs > 1 and files >= 2 * jobs


def _worker_init() -> None:
    """A worker process: one thread per library (the pool gives the parallelism)."""
    os.putenv("OMP_THREAD_LIMIT", "1")  # for the OpenMP runtime of this worker, before it loads
    import cv2  # a dependency (opencv-python-headless)

    cv2.setNumThreads(1)


def _worker_analyse(args: tuple[str, str | None, Options]) -> MediaReport:
    path, sha, opts = args
    return analyze_file(path, sha, options=opts)


def worker_pool(jobs: int) -> Any:
    """A pool of ``jobs`` spawned worker processes for ``analyze_files(..., executor=)``: each worker
    loads the models once and keeps them for the pool's life (shut it down when done)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding ONNX/OpenCV threads
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)


def analyze_files(
    paths: Sequence[str | Path],
    sha256s: Sequence[str | None] | None = None,
    *,
    options: Options | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
) -> list[MediaReport]:
    """Analyse many files, reports in the order of ``paths``; never raises for a bad file.

    ``jobs`` > 1 spreads the files over that many worker processes (each loads the models once: worth
    it for a backfill, not for a handful of files); ``executor`` (see ``worker_pool``) reuses a pool
    across calls. ``progress(done, total)`` is called after each file."""
    from concurrent.futures import as_completed

    opts = options or Options()
    if opts.tesseract_cli:  # also in a worker process, which starts with the defaults
        from veilleur.detect.media import ocr as ocr_mod

        ocr_mod.use_tesseract_cli(True)
    shas = list(sha256s) if sha256s is not None else [None] * len(paths)
    if len(shas) != len(paths):
        raise ValueError("sha256s must match paths")
    total = len(paths)
    if executor is None and (jobs <= 1 or total <= 1):
        reports = []
        for i, (p, sha) in enumerate(zip(paths, shas, strict=True)):
            reports.append(analyze_file(p, sha, options=opts))
            if progress:
                progress(i + 1, total)
        return reports
    out: list[MediaReport | None] = [None] * total
    pool = executor or worker_pool(min(jobs, total))
    try:
        futures = {
            pool.submit(_worker_analyse, (str(p), sha, opts)): i
            for i, (p, sha) in enumerate(zip(paths, shas, strict=True))
        }
        for done, fut in enumerate(as_completed(futures), 1):
            i = futures[fut]
            try:
                out[i] = fut.result()
            except Exception as exc:  # a worker that died (memory, crash): the file is reported, not lost
                err = f"{paths[i]}: analyse impossible / analysis failed ({type(exc).__name__}: {exc})"
                out[i] = MediaReport(str(paths[i]), shas[i] or "", None, errors=[err])
            if progress:
                progress(done, total)
    finally:
        if executor is None:
            pool.shutdown()
    return [r for r in out if r is not None]
