"""The team's labelled media evaluation set (generated, fictional) and its scoring: per-category
precision and recall of the ``media`` detector. Photos come from scikit-image's sample data."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from veilleur.errors import InputError

SCORED = (
    "patient_photo",
    "text_in_image",
    "exif_location",
    "dicom_phi",
    "minor_in_media",
    "nudity",
    "patient_identifiable_text",
)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Fictional patients (names invented by the team).
IDENTIFYING_LINES = [
    ["Nom : DUPONT Jeanne   Né(e) le 03/03/1977", "IPP 4471203   Service de cardiologie"],
    ["Patient : LEROY Sophie", "Date de naissance : 12/05/1985", "N° dossier 20231187"],
    ["Nom : MARTIN Paul", "Né le 21/11/1948 - Chambre 12", "Traitement : amiodarone 200 mg"],
    ["Name: SMITH John", "DOB: 04/11/1962", "MRN 88213344"],
    ["Prénom : Lucas  Nom : BERNARD", "IPP : 5512340", "Urgences pédiatriques"],
    ["Nom : GARCIA Inès", "Née le 17/08/1993", "Bilan : HbA1c 7,2 %"],
    ["Compte rendu - Patient : FAURE Michel", "né le 02/02/1955", "IRM lombaire L4-L5"],
    ["Nom d'usage : ROUSSEL Claire", "DDN 30/06/1970", "Dossier 77120045"],
    ["Patient ID 66123901", "Name: BROWN Emily", "Ward 4B"],
    ["BRACELET  Nom : PETIT Hugo", "né le 09/09/2016  IPP 3302918"],
]
CLEAN_LINES = [
    ["Protocole : amoxicilline 1 g x 3/j pendant 7 jours", "Surveillance de la température"],
    ["Patiente de la trentaine, douleur thoracique", "ECG normal, troponine négative"],
    ["Réunion de service jeudi 14 h", "Ordre du jour : planning des gardes"],
    ["Score de Glasgow : 15", "Pupilles réactives, pas de déficit"],
    ["Chest X-ray: no consolidation", "Follow-up in two weeks"],
    ["Bilan lipidique : LDL 1,3 g/L", "Objectif < 1 g/L"],
    ["Algorithme de prise en charge de la sepsis", "Lactates, hémocultures, antibiothérapie"],
    ["Formation ECG - cas n° 3", "Rythme sinusal, axe normal"],
]
FACE_FREE = [
    "coins", "rocket", "coffee", "brick", "moon", "hubble_deep_field", "horse", "grass", "gravel", "cell",
    "colorwheel", "logo", "immunohistochemistry", "retina", "chelsea", "cat", "clock", "page", "text", "checkerboard",
]  # fmt: skip


@dataclass
class Item:
    file: str
    categories: list[str]
    note: str
    caption: str = ""


def _font(size: int, name: str = "DejaVuSans.ttf") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _skimage(name: str) -> np.ndarray:
    from skimage import data

    arr = np.asarray(getattr(data, name)())
    if arr.dtype == bool:
        arr = arr.astype(np.uint8) * 255
    if arr.ndim == 3 and arr.shape[-1] == 4:
        arr = arr[..., :3]
    return arr.astype(np.uint8)


def _text_image(lines: list[str], variant: int) -> Image.Image:
    fonts = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf"]
    backgrounds = [(255, 255, 255), (245, 245, 230), (230, 240, 255), (250, 250, 250)]
    size = [22, 26, 20, 30][variant % 4]
    font = _font(size, fonts[variant % len(fonts)])
    width = max(600, int(max(len(line) for line in lines) * size * 0.62) + 60)
    img = Image.new(
        "RGB", (width, 60 + len(lines) * int(size * 1.8) + 40), backgrounds[variant % len(backgrounds)]
    )
    draw = ImageDraw.Draw(img)
    if variant % 3 == 1:  # a window title bar, like a screenshot of the hospital software
        draw.rectangle((0, 0, width, 30), fill=(40, 70, 140))
    y = 50
    for line in lines:
        draw.text((30, y), line, font=font, fill=(20, 20, 20) if variant % 2 == 0 else (10, 10, 90))
        y += int(size * 1.8)
    return img


def _chart(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(img)
    draw.line((50, 350, 610, 350), fill="black", width=2)
    draw.line((50, 30, 50, 350), fill="black", width=2)
    for i, v in enumerate(rng.integers(40, 300, size=10)):
        draw.rectangle((70 + i * 53, 350 - int(v), 105 + i * 53, 350), fill=(60, 120, 200))
    return img


def _exif_bytes(img: Image.Image, gps: tuple[float, float] | None, device: bool) -> Image.Exif:
    from PIL import ExifTags

    exif = img.getexif()
    if device:
        exif[ExifTags.Base.Make] = "FictiPhone"
        exif[ExifTags.Base.Model] = "FP-12"
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:03:14 10:22:05"
    if gps:
        lat, lon = gps

        def dms(v: float) -> tuple[float, float, float]:
            v = abs(v)
            d = int(v)
            m = int((v - d) * 60)
            return (float(d), float(m), round((v - d - m / 60) * 3600, 2))

        g = exif.get_ifd(ExifTags.IFD.GPSInfo)
        g[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        g[ExifTags.GPS.GPSLatitude] = dms(lat)
        g[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        g[ExifTags.GPS.GPSLongitude] = dms(lon)
    return exif


def _phantom(rows: int, cols: int, seed: int) -> np.ndarray:
    """A synthetic 12-bit 'scan': ellipses and noise (no anatomy, no person)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:rows, 0:cols]
    img = np.zeros((rows, cols), np.float32) + 100
    body = ((yy - rows / 2) / (rows * 0.42)) ** 2 + ((xx - cols / 2) / (cols * 0.35)) ** 2 < 1
    img[body] = 1200
    for _ in range(4):
        cy, cx = rng.integers(rows // 4, 3 * rows // 4), rng.integers(cols // 4, 3 * cols // 4)
        r = rng.integers(10, 40)
        img[((yy - cy) ** 2 + (xx - cx) ** 2) < r * r] = rng.integers(1500, 3500)
    img += rng.normal(0, 40, img.shape)
    return np.clip(img, 0, 4095).astype(np.uint16)


def _burn(arr: np.ndarray, lines: list[str], value: int) -> np.ndarray:
    mask = Image.new("L", (arr.shape[1], arr.shape[0]), 0)
    draw = ImageDraw.Draw(mask)
    size = max(14, arr.shape[1] // 24)
    font = _font(size)
    y = 8
    for line in lines:
        draw.text((8, y), line, font=font, fill=255)
        y += int(size * 1.6)
    out = arr.copy()
    out[np.asarray(mask) > 128] = value
    return out


def write_dicom(
    path: Path, pixels: np.ndarray, *, phi: bool, age: str | None = None, photometric: str = "MONOCHROME2"
) -> None:
    """A small CT-like DICOM file written with pydicom (fictional patient when ``phi``)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "CT"
    if phi:
        ds.PatientName = "DUPONT^Jeanne"
        ds.PatientID = "4471203"
        ds.PatientBirthDate = "19770303"
        ds.InstitutionName = "Centre Hospitalier Fictif de Valbourg"
        ds.ReferringPhysicianName = "MOREAU^Alain"
        ds.StudyDate = "20240314"
        ds.AccessionNumber = "A20240314001"
    else:
        ds.PatientName = ""
        ds.PatientID = ""
        ds.PatientIdentityRemoved = "YES"
    if age:
        ds.PatientAge = age
    frames = pixels if pixels.ndim == 3 else pixels[None]
    ds.Rows, ds.Columns = frames.shape[1:3]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    if frames.shape[0] > 1:
        ds.NumberOfFrames = frames.shape[0]
    ds.PixelData = np.ascontiguousarray(frames.astype(np.uint16)).tobytes()
    ds.save_as(str(path), enforce_file_format=True)


def _write_video(path: Path, frames: list[np.ndarray]) -> None:
    import cv2

    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (w, h))  # type: ignore[attr-defined]
    for f in frames:
        rgb = f if f.ndim == 3 else np.stack([f] * 3, -1)
        writer.write(cv2.cvtColor(np.ascontiguousarray(cv2.resize(rgb, (w, h))), cv2.COLOR_RGB2BGR))
    writer.release()


def _write_pdf(path: Path, lines: list[str], image: Image.Image | None) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(FONT_DIR / "DejaVuSans.ttf")) if (
        FONT_DIR / "DejaVuSans.ttf"
    ).exists() else None
    pdf.set_font("dejavu" if (FONT_DIR / "DejaVuSans.ttf").exists() else "helvetica", size=12)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    if image is not None:
        pdf.image(image, x=20, y=80, w=120)
    pdf.output(str(path))


def generate(out_dir: str | Path, *, small: bool = False) -> list[Item]:
    """Write the evaluation set to ``out_dir`` with ``labels.json``; ``small`` keeps a quick subset."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []

    def save(name: str, img: Image.Image, cats: list[str], note: str, caption: str = "", **kw: Any) -> None:
        img.save(out / name, **kw)
        items.append(Item(name, cats, note, caption))

    astro = Image.fromarray(_skimage("astronaut"))
    camera = Image.fromarray(_skimage("camera")).convert("RGB")
    face = astro.crop((150, 50, 310, 220))
    src = "scikit-image data.astronaut (NASA, public domain)"
    face_variants: list[tuple[str, Image.Image]] = [
        ("astronaut.png", astro),
        ("astronaut_flip.jpg", astro.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
        ("astronaut_small.png", astro.resize((256, 256))),
        ("astronaut_large.jpg", astro.resize((820, 820))),
        ("astronaut_grey_dark.png", Image.fromarray((np.asarray(astro.convert("L")) * 0.6).astype(np.uint8))),
        ("astronaut_rot8.png", astro.rotate(8, fillcolor=(0, 0, 0))),
        ("astronaut_face_on_coffee.png", _paste(_skimage("coffee"), face, (300, 120))),
        ("astronaut_face_on_brick.png", _paste(_skimage("brick"), face.resize((110, 117)), (60, 200))),
        (
            "astronaut_noisy.png",
            Image.fromarray(
                np.clip(
                    np.asarray(astro) + np.random.default_rng(1).normal(0, 12, (512, 512, 3)), 0, 255
                ).astype(np.uint8)
            ),
        ),
        ("camera_profile.png", camera),
        ("camera_profile_flip.png", camera.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    ]
    for name, img in face_variants[: 4 if small else None]:
        kw: dict[str, Any] = {"quality": 35} if name.endswith(".jpg") else {}
        save(
            name,
            img,
            ["patient_photo"],
            src if "camera" not in name else "scikit-image data.camera (public domain, see skimage docs)",
            **kw,
        )
    save(
        "astronaut_caption_child.png",
        astro,
        ["patient_photo", "minor_in_media"],
        src,
        caption="Mon petit patient de 6 ans, qu'en pensez-vous ?",
    )
    save(
        "coffee_caption_child.png",
        Image.fromarray(_skimage("coffee")),
        [],
        "no person shown: caption alone is not a minor in media",
        caption="Mon petit patient de 6 ans",
    )

    for name in FACE_FREE[: 5 if small else None]:
        save(
            f"neg_{name}.png", Image.fromarray(_skimage(name)), [], f"scikit-image data.{name}: no human face"
        )
    for seed in range(1 if small else 3):
        save(f"chart_{seed}.png", _chart(seed), [], "drawn bar chart")

    for i, lines in enumerate(IDENTIFYING_LINES[: 3 if small else None]):
        save(
            f"screen_id_{i}.png",
            _text_image(lines, i),
            ["text_in_image"],
            "synthetic record with a fictional patient",
        )
    for i, lines in enumerate(CLEAN_LINES[: 2 if small else None]):
        save(
            f"screen_clean_{i}.png", _text_image(lines, i), [], "synthetic clinical text without identifiers"
        )
    wrist = _text_image(["Nom : PETIT Hugo  né le 09/09/2016", "IPP 3302918"], 2).resize((420, 70))
    photo = _paste(_skimage("coffee"), wrist, (60, 300))
    save("wristband_photo.png", photo, ["text_in_image"], "a photographed wristband (fictional)")

    places = [(48.8566, 2.3522), (45.764, 4.8357), (43.2965, 5.3698), (-21.1151, 55.5364)]
    for i, (name, gps) in enumerate(zip(["rocket", "coins", "chelsea", "moon"], places, strict=True)):
        if small and i > 0:
            break
        img = Image.fromarray(_skimage(name)).convert("RGB")
        save(
            f"exif_gps_{name}.jpg",
            img,
            ["exif_location"],
            "GPS EXIF written with Pillow",
            exif=_exif_bytes(img, gps, True),
        )
    for name in ["grass", "gravel"][: 1 if small else None]:
        img = Image.fromarray(_skimage(name)).convert("RGB")
        save(
            f"exif_device_{name}.jpg",
            img,
            ["exif_location"],
            "date and device EXIF, no GPS",
            exif=_exif_bytes(img, None, True),
        )
    save("noexif_cell.jpg", Image.fromarray(_skimage("cell")).convert("RGB"), [], "JPEG without EXIF")

    # DICOM: fictional patient, de-identified copies, burned-in text, a child's study.
    def dcm(name: str, pixels: np.ndarray, cats: list[str], note: str, **kw: Any) -> None:
        write_dicom(out / name, pixels, **kw)
        items.append(Item(name, cats, note))

    ph = _phantom(256, 256, 3)
    burned = ["DUPONT JEANNE", "Né(e) le 03/03/1977", "IPP 4471203"]
    dcm("ct_phi.dcm", ph, ["dicom_phi"], "PHI in tags", phi=True)
    dcm("ct_anon.dcm", _phantom(256, 256, 4), [], "de-identified tags, no burned-in text", phi=False)
    dcm(
        "us_burned_anon.dcm",
        _burn(_phantom(320, 320, 5), ["Nom : DUPONT Jeanne", "IPP 4471203"], 4095),
        ["text_in_image"],
        "clean tags, burned-in name",
        phi=False,
    )
    if not small:
        dcm(
            "xr_phi_burned.dcm",
            _burn(_phantom(320, 320, 6), burned, 4095),
            ["dicom_phi", "text_in_image"],
            "PHI in tags and pixels",
            phi=True,
        )
        dcm(
            "ped_phi.dcm",
            _phantom(256, 256, 7),
            ["dicom_phi", "minor_in_media"],
            "child (PatientAge 006Y)",
            phi=True,
            age="006Y",
        )
        dcm(
            "ct_anon_mono1.dcm",
            _phantom(256, 256, 8),
            [],
            "MONOCHROME1, clean",
            phi=False,
            photometric="MONOCHROME1",
        )
        dcm(
            "ct_anon_ruler.dcm",
            _burn(_phantom(320, 320, 9), ["R   5 cm   L"], 4095),
            [],
            "burned-in orientation marks only",
            phi=False,
        )
        multi = np.stack(
            [
                _phantom(320, 320, 10),
                _burn(_phantom(320, 320, 11), ["Nom : LEROY Sophie", "IPP 5512340"], 4095),
                _phantom(320, 320, 12),
            ]
        )
        dcm(
            "mf_burned_anon.dcm",
            multi,
            ["text_in_image"],
            "multi-frame, burned-in text in frame 1",
            phi=False,
        )

    # Video and PDF.
    astro_arr = np.asarray(astro)
    _write_video(out / "video_face.avi", [astro_arr] * 6)
    items.append(Item("video_face.avi", ["patient_photo"], "MJPG video of the astronaut image"))
    _write_video(out / "video_coins.avi", [np.asarray(Image.fromarray(_skimage("coins")).convert("RGB"))] * 6)
    items.append(Item("video_coins.avi", [], "MJPG video, no face"))
    if not small:
        scr = np.asarray(_text_image(IDENTIFYING_LINES[0], 0).resize((640, 240)))
        _write_video(out / "video_screen.avi", [scr] * 6)
        items.append(Item("video_screen.avi", ["text_in_image"], "video of a record screen"))
        _write_pdf(out / "report_id.pdf", ["Compte rendu de consultation", *IDENTIFYING_LINES[1]], None)
        items.append(
            Item("report_id.pdf", ["patient_identifiable_text"], "PDF text layer with a fictional patient")
        )
        _write_pdf(out / "report_clean_photo.pdf", CLEAN_LINES[1], astro)
        items.append(Item("report_clean_photo.pdf", ["patient_photo"], "clean text + embedded face photo"))
        _write_pdf(out / "report_clean.pdf", CLEAN_LINES[0], Image.fromarray(_skimage("rocket")))
        items.append(Item("report_clean.pdf", [], "clean text + embedded face-free photo"))

    (out / "labels.json").write_text(
        json.dumps([item.__dict__ for item in items], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return items


def _paste(background: np.ndarray, patch: Image.Image, at: tuple[int, int]) -> Image.Image:
    bg = Image.fromarray(background).convert("RGB")
    bg.paste(patch.convert("RGB"), at)
    return bg


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def load_labels(directory: str | Path) -> list[Item]:
    path = Path(directory) / "labels.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Item(**r) for r in raw]
    except FileNotFoundError:
        raise InputError(path, "fichier de labels absent / labels file missing") from None
    except (json.JSONDecodeError, TypeError) as exc:
        raise InputError(path, f"labels illisibles / unreadable labels ({exc})") from None


def evaluate(directory: str | Path, detector: Any = None) -> dict[str, Any]:
    """Run the detector on every labelled file (one message each) and score per category."""
    from veilleur.detect.media.detector import MediaDetector
    from veilleur.records import Attachment, Author, Message

    det = detector or MediaDetector()
    items = load_labels(directory)
    scores = {c: Score() for c in SCORED}
    errors: list[dict[str, Any]] = []
    started = time.perf_counter()
    for item in items:
        path = Path(directory) / item.file
        if not path.is_file():
            raise InputError(path, "fichier listé dans labels.json absent / listed file missing")
        msg = Message(
            source="eval", community_id="media", community_name="media", message_id=item.file,
            author=Author("eval", "eval"), created_at=datetime(2024, 1, 1, tzinfo=UTC), text=item.caption,
            attachments=(Attachment(name=item.file, media_type="application/octet-stream", path=str(path)),),
        )  # fmt: skip
        got = {f.category for f in det.detect([msg])}
        for cat in SCORED:
            expected, found = cat in item.categories, cat in got
            s = scores[cat]
            s.tp += expected and found
            s.fp += (not expected) and found
            s.fn += expected and not found
            s.tn += not expected and not found
            if expected != found:
                errors.append(
                    {"file": item.file, "category": cat, "error": "missed" if expected else "false alarm"}
                )
    elapsed = time.perf_counter() - started
    return {
        "files": len(items),
        "seconds": round(elapsed, 2),
        "categories": {
            c: {**s.__dict__, "precision": s.precision, "recall": s.recall} for c, s in scores.items()
        },
        "errors": errors,
    }
