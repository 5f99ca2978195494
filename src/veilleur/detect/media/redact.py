"""Safe copies of media files: faces blurred, identifying text masked, metadata stripped (images, PDF
pages); DICOM de-identified after the PS3.15 Annex E basic profile with burned-in text masked."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from veilleur.detect.media import dicom_tags
from veilleur.detect.media.analyze import MAX_PDF_PAGES, MediaRefused, open_image
from veilleur.detect.media.detector import VERSION
from veilleur.detect.media.sniff import IMAGE_KINDS, sniff_file
from veilleur.errors import InputError

log = logging.getLogger(__name__)

BOX_MARGIN = 0.15  # faces are blurred with a margin: detectors' boxes are tight around the features
PDF_RENDER_SCALE = 2.0  # 144 dpi: enough for OCR of body text


@dataclass
class MediaRedaction:
    output: Path
    changes: list[str] = field(default_factory=list)


def _expand(
    x: int, y: int, w: int, h: int, shape: tuple[int, ...], margin: float
) -> tuple[int, int, int, int]:
    dx, dy = int(w * margin), int(h * margin)
    return max(0, x - dx), max(0, y - dy), min(shape[1], x + w + dx), min(shape[0], y + h + dy)


def _blur_box(img: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Pixelate then blur: irreversible, and still visibly 'a face was here' for reviewers."""
    x1, y1, x2, y2 = box
    if x2 <= x1 or y2 <= y1:
        return
    patch = img.crop(box)
    small = patch.resize((max(1, (x2 - x1) // 16), max(1, (y2 - y1) // 16)), Image.Resampling.BILINEAR)
    patch = small.resize(patch.size, Image.Resampling.NEAREST).filter(
        ImageFilter.GaussianBlur(max(4, (x2 - x1) // 10))
    )
    img.paste(patch, box)


def redact_pixels(
    img: Image.Image, *, ocr: bool = True, all_text: bool = False
) -> tuple[Image.Image, list[str]]:
    """Blur faces and nudity, mask identifying text (or every text box with ``all_text``)."""
    from veilleur.detect.media import ocr as ocr_mod
    from veilleur.detect.media import vision
    from veilleur.detect.media.textcheck import check_text

    img = img.convert("RGB")
    rgb = np.asarray(img)
    changes: list[str] = []
    found = vision.analyse_pixels(rgb)
    for b in (*found.faces, *found.nudity):
        _blur_box(img, _expand(b.x, b.y, b.width, b.height, rgb.shape, BOX_MARGIN))
    if found.faces:
        changes.append(f"{len(found.faces)} visage(s) flouté(s) / face(s) blurred")
    if found.nudity:
        changes.append(f"{len(found.nudity)} zone(s) de nudité floutée(s) / nudity blurred")
    if ocr:
        result = ocr_mod.ocr_image(rgb)
        if all_text:
            words = list(result.words)
            labels = ["texte incrusté"] if words else []
        else:
            check = check_text(result.text)
            spans = check.spans if check.identifying else ()
            words = [w for s in spans for w in result.boxes_for(s.start, s.end)]
            labels = sorted({s.label for s in spans})
        if words:
            arr = np.array(img)
            for w in words:
                x1, y1, x2, y2 = _expand(w.x, w.y, w.width, w.height, arr.shape, 0.1)
                arr[y1:y2, x1:x2] = 0
            img = Image.fromarray(arr)
            changes.append(
                f"{len(words)} zone(s) de texte masquée(s) ({', '.join(labels)}) / text boxes masked"
            )
    return img, changes


def _redact_image(path: Path, out_dir: Path, kind: str) -> MediaRedaction:
    src = open_image(path)
    had_meta = (
        bool(src.getexif())
        or bool(src.info.get("icc_profile"))
        or any(k in src.info for k in ("exif", "xmp", "comment"))
    )
    img = ImageOps.exif_transpose(src) or src
    img, changes = redact_pixels(img)
    # A new image from the pixels alone carries no EXIF, XMP, ICC or comment.
    clean = Image.fromarray(np.asarray(img.convert("RGB")))
    suffix = {"jpeg": ".jpg", "webp": ".webp"}.get(kind, ".png")
    out = out_dir / f"{path.stem}.redacted{suffix}"
    if suffix == ".jpg":
        clean.save(out, quality=92)
    else:
        clean.save(out)
    changes.append(
        "métadonnées supprimées (EXIF, GPS, appareil) / metadata stripped"
        if had_meta
        else "aucune métadonnée / no metadata"
    )
    return MediaRedaction(out, changes)


def _new_uid(old: str) -> str:
    from pydicom.uid import generate_uid

    return str(generate_uid(entropy_srcs=["veilleur-deid", old]))


def deidentify_dataset(ds: Any) -> list[str]:
    """Apply the confidentiality profile to a pydicom Dataset in place; returns the changes."""
    prof = dicom_tags.profile()
    changes: list[str] = []
    touched: list[str] = []
    for keyword, rule in prof["attributes"].items():
        if keyword not in ds:
            continue
        action = rule["action"]
        if action == "X":
            delattr(ds, keyword)
        elif action == "Z":
            setattr(ds, keyword, "")
        elif action == "D":
            setattr(ds, keyword, "ANONYME")
        elif action == "U":
            setattr(ds, keyword, _new_uid(str(ds.get(keyword))))
        touched.append(keyword)
    if "SOPInstanceUID" in ds and hasattr(ds, "file_meta"):
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID

    def scrub(dataset: Any, elem: Any) -> None:
        # Person names the list does not know of (new attributes, sequences) are emptied too.
        if elem.VR == "PN" and elem.value not in ("", None):
            elem.value = ""
            touched.append(elem.keyword or str(elem.tag))

    ds.walk(scrub)
    if prof.get("remove_private"):
        before = len(ds)
        ds.remove_private_tags()
        if len(ds) < before:
            changes.append(f"{before - len(ds)} balise(s) privée(s) supprimée(s) / private tags removed")
    if prof.get("remove_overlays"):
        overlays = [e.tag for e in ds if 0x6000 <= e.tag.group <= 0x60FF and e.tag.group % 2 == 0]
        for t in overlays:
            del ds[t]
        if overlays:
            changes.append("calques (overlays) supprimés / overlays removed")
    if touched:
        changes.insert(
            0,
            "balises retirées ou remplacées / tags removed or replaced: " + ", ".join(dict.fromkeys(touched)),
        )
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = (
        f"veilleur media {VERSION}: DICOM PS3.15 Annex E basic profile; burned-in text masked"
    )
    return changes


def _line_boxes(words: Any, shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """Whole text lines (words sharing a baseline), widened by a line height on each side."""
    lines: list[list[int]] = []
    for w in sorted(words, key=lambda w: (w.y, w.x)):
        for line in lines:
            if w.y < line[3] and line[1] < w.y + w.height:  # vertical overlap: same line
                line[0], line[1] = min(line[0], w.x), min(line[1], w.y)
                line[2], line[3] = max(line[2], w.x + w.width), max(line[3], w.y + w.height)
                break
        else:
            lines.append([w.x, w.y, w.x + w.width, w.y + w.height])
    boxes = []
    for x1, y1, x2, y2 in lines:
        pad = max(4, (y2 - y1) // 2)
        boxes.append(
            (max(0, x1 - 2 * pad), max(0, y1 - pad), min(shape[1], x2 + 2 * pad), min(shape[0], y2 + pad))
        )
    return boxes


def _redact_dicom(path: Path, out_dir: Path) -> MediaRedaction:
    from veilleur.detect.media import ocr as ocr_mod

    ds = dicom_tags.read_dicom(path)
    changes = deidentify_dataset(ds)
    if "PixelData" in ds:
        try:
            if ds.file_meta.TransferSyntaxUID.is_compressed:
                ds.decompress()
            arr = ds.pixel_array.copy()
        except Exception as exc:
            raise InputError(
                path, f"pixels DICOM illisibles, copie sûre impossible / unreadable pixels ({exc})"
            ) from None
        photometric = str(ds.get("PhotometricInterpretation", ""))
        n = int(ds.get("NumberOfFrames", 1) or 1)
        frames = [arr] if n <= 1 else [arr[i] for i in range(n)]
        masked = 0
        for i, frame in enumerate(frames):
            fill = frame.min()  # background of the stored range (black on MONOCHROME2)
            for _ in range(2):  # a second pass catches characters the first masking left readable
                words = ocr_mod.ocr_image(dicom_tags.to_8bit(frame, photometric), min_conf=0.0).words
                if not words:
                    break
                for x1, y1, x2, y2 in _line_boxes(words, frame.shape):
                    frame[y1:y2, x1:x2] = fill
                    masked += 1
            if n > 1:
                arr[i] = frame
        if masked:
            ds.PixelData = np.ascontiguousarray(arr).tobytes()
            changes.append(f"{masked} zone(s) de texte incrusté masquée(s) / burned-in text boxes masked")
        ds.BurnedInAnnotation = "NO"
    out = out_dir / f"{path.stem}.deid.dcm"
    ds.save_as(str(out), enforce_file_format=True)
    return MediaRedaction(out, changes)


def _redact_pdf(path: Path, out_dir: Path) -> MediaRedaction:
    import pypdfium2 as pdfium

    from veilleur.detect.media.textcheck import check_text

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception as exc:
        raise InputError(path, f"PDF illisible / unreadable PDF ({exc})") from None
    if len(doc) > MAX_PDF_PAGES:
        raise InputError(
            path, f"PDF de {len(doc)} pages : au-delà de {MAX_PDF_PAGES}, découpez-le / too many pages"
        )
    changes: list[str] = []
    pages: list[Image.Image] = []
    text_labels: set[str] = set()
    for i in range(len(doc)):
        page = doc[i]
        check = check_text(page.get_textpage().get_text_range())
        if check.identifying:
            text_labels.update(s.label for s in check.spans)
        img = page.render(scale=PDF_RENDER_SCALE).to_pil()
        img, page_changes = redact_pixels(img)
        changes.extend(f"page {i + 1} : {c}" for c in page_changes)
        pages.append(img.convert("RGB"))
    doc.close()
    if not pages:
        raise InputError(path, "PDF sans page / PDF without pages")
    out = out_dir / f"{path.stem}.redacted.pdf"
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=72 * PDF_RENDER_SCALE)
    if text_labels:
        changes.insert(
            0,
            "identifiants dans la couche texte : "
            + ", ".join(sorted(text_labels))
            + " / identifiers in text layer",
        )
    changes.append(
        "pages converties en images : couche texte et métadonnées supprimées / pages rasterised, text layer and metadata removed"
    )
    return MediaRedaction(out, changes)


def redact_file(path: str | Path, out_dir: str | Path) -> MediaRedaction:
    """Write a safe copy of a media file into ``out_dir``; the original is never modified."""
    src = Path(path)
    dest = Path(out_dir)
    if not src.is_file():
        raise InputError(src, "fichier introuvable / file not found")
    try:
        kind = sniff_file(src)
    except OSError as exc:
        raise InputError(src, f"fichier illisible / unreadable file ({exc})") from None
    dest.mkdir(parents=True, exist_ok=True)
    if dest.resolve() == src.parent.resolve():
        raise InputError(
            dest, "le dossier de sortie doit différer de celui de l'original / choose another output folder"
        )
    try:
        if kind in IMAGE_KINDS:
            return _redact_image(src, dest, kind or "png")
        if kind == "dicom":
            return _redact_dicom(src, dest)
        if kind == "pdf":
            return _redact_pdf(src, dest)
    except MediaRefused as exc:
        raise InputError(src, str(exc)) from None
    if kind == "video":
        raise InputError(
            src,
            "caviardage vidéo non pris en charge : ne partagez pas la vidéo / video redaction not supported",
        )
    raise InputError(
        src, "type de fichier non pris en charge (JPEG, PNG, WebP, GIF, DICOM, PDF) / unsupported file type"
    )
