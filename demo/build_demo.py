"""Builds the fictional demo corpus: a Facebook group export, its ground-truth labels and demo cases.

Reads the authored content in ``demo/content/*.yaml`` and writes, reproducibly (fixed seed),
``demo/facebook-export/``, ``demo/labels.jsonl``, ``demo/cases.yaml`` and ``demo/stats.json``.
Run: ``.venv/bin/python demo/build_demo.py`` (add ``--check`` to only validate the content).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

DEMO = Path(__file__).resolve().parent
CONTENT = DEMO / "content"
EXPORT = DEMO / "facebook-export"
POSTS_JSON = "your_facebook_activity/groups/group_posts_and_comments.json"
MEDIA_DIR = "your_facebook_activity/groups/photos_and_videos"
PARIS = ZoneInfo("Europe/Paris")
SEED = 20260101

# Keys of a post/comment mapping that are not "<member handle>: <text>".
RESERVED = {
    "date",
    "at",
    "after",
    "labels",
    "note",
    "key",
    "media",
    "link",
    "reactions",
    "comments",
    "replies",
    "edited",
}
REACTION_TYPES = ["LIKE", "LIKE", "LIKE", "LIKE", "LIKE", "LOVE", "SUPPORT", "HAHA", "WOW", "SORRY"]
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


class ContentError(Exception):
    """The authored content is inconsistent (unknown member, bad label, bad date...)."""


@dataclass
class Item:
    """One authored post or comment, before ids are assigned."""

    author: str  # display name
    text: str
    when: datetime
    labels: list[str]
    note: str
    key: str | None
    media: list[str]
    link: str | None
    reactions: dict[str, int] | None
    edited: int | None
    kind: str  # post | comment | reply
    children: list[Item] = field(default_factory=list)
    id: str = ""


def fb_mojibake(value: Any) -> Any:
    """Encode every string the way Facebook's export does (UTF-8 bytes read as latin-1)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [fb_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: fb_mojibake(v) for k, v in value.items()}
    return value


def parse_duration(text: str, where: str) -> timedelta:
    m = _DURATION.match(str(text).strip())
    if not m or not any(m.groups()):
        raise ContentError(f"{where}: bad duration {text!r} (expected e.g. 15m, 2h, 1d3h)")
    d, h, mi = (int(g) if g else 0 for g in m.groups())
    return timedelta(days=d, hours=h, minutes=mi)


def parse_local(text: Any, where: str) -> datetime:
    try:
        dt = text if isinstance(text, datetime) else datetime.fromisoformat(str(text))
    except ValueError:
        raise ContentError(f"{where}: bad date {text!r} (expected 2026-01-05 08:30)") from None
    return dt.replace(tzinfo=PARIS).astimezone(UTC)


class Builder:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        members_doc = yaml.safe_load((CONTENT / "members.yaml").read_text(encoding="utf-8"))
        self.group = members_doc["group"]
        self.members = {m["handle"]: m for m in members_doc["members"]}
        self.offenders = [m["name"] for m in self.members.values() if m["role"] == "offender"]
        from veilleur.taxonomy import CATEGORIES, HARM_CATEGORIES  # labels must use the one taxonomy

        self.categories = set(CATEGORIES)
        self.harm = set(HARM_CATEGORIES)
        self.posts: list[Item] = []

    # -- reading the authored content -------------------------------------------------------
    def load(self) -> None:
        files = sorted(CONTENT.glob("threads_*.yaml"))
        if not files:
            raise ContentError(f"no threads_*.yaml in {CONTENT}")
        for f in files:
            threads = yaml.safe_load(f.read_text(encoding="utf-8")) or []
            for i, t in enumerate(threads):
                where = f"{f.name} thread {i + 1}"
                if "date" not in t:
                    raise ContentError(f"{where}: missing date")
                start = parse_local(t["date"], where)
                self.posts.append(self._item(t, "post", start, where))
        self.posts.sort(key=lambda p: p.when)
        keys = [it.key for it in self.iter_items() if it.key]
        dup = [k for k, n in Counter(keys).items() if n > 1]
        if dup:
            raise ContentError(f"duplicate keys: {dup}")

    def _author_and_text(self, d: dict[str, Any], where: str) -> tuple[str, str]:
        authors = [k for k in d if k not in RESERVED]
        if len(authors) != 1:
            raise ContentError(f"{where}: expected exactly one '<member>: <text>' entry, got {authors}")
        handle = authors[0]
        if handle not in self.members:
            raise ContentError(f"{where}: unknown member {handle!r}")
        text = d[handle]
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: empty text for {handle}")
        return self.members[handle]["name"], text.strip()

    def _item(self, d: dict[str, Any], kind: str, when: datetime, where: str) -> Item:
        author, text = self._author_and_text(d, where)
        where = f"{where} ({author}: {text[:30]!r})"
        labels = list(d.get("labels") or [])
        for lab in labels:
            if lab not in self.categories:
                raise ContentError(f"{where}: unknown category {lab!r}")
        media = d.get("media") or []
        for m in media:
            if m not in MEDIA:
                raise ContentError(f"{where}: unknown media {m!r}; known: {sorted(MEDIA)}")
        item = Item(
            author=author,
            text=text,
            when=when,
            labels=labels,
            note=str(d.get("note") or ""),
            key=d.get("key"),
            media=list(media),
            link=d.get("link"),
            reactions=d.get("reactions"),
            edited=d.get("edited"),
            kind=kind,
        )
        previous = when
        sub = d.get("comments" if kind == "post" else "replies") or []
        for j, c in enumerate(sub):
            cwhere = f"{where} > {j + 1}"
            if "at" in c:
                cwhen = parse_local(c["at"], cwhere)
            elif "after" in c:
                cwhen = previous + parse_duration(c["after"], cwhere)
            else:
                # Conversation pace: most answers within the hour, some the evening or next day.
                minutes = self.rng.choice([2, 4, 7, 11, 15, 22, 35, 50, 80, 140, 300, 700])
                cwhen = previous + timedelta(minutes=minutes, seconds=self.rng.randint(0, 59))
            if cwhen <= when:
                raise ContentError(f"{cwhere}: comment dated before its parent")
            child = self._item(c, "comment" if kind == "post" else "reply", cwhen, cwhere)
            item.children.append(child)
            previous = max(previous, cwhen)
        return item

    def iter_items(self) -> Any:
        def walk(it: Item) -> Any:
            yield it
            for c in it.children:
                yield from walk(c)

        for p in self.posts:
            yield from walk(p)

    # -- writing the export ---------------------------------------------------------------
    def assign_ids(self) -> None:
        npost = ncomment = 0
        for it in self.iter_items():
            if it.kind == "post":
                npost += 1
                it.id = f"fbp_{npost:06d}"
            else:
                ncomment += 1
                it.id = f"fbc_{ncomment:06d}"

    def _reactions(self, it: Item) -> list[dict[str, str]]:
        others = [m["name"] for m in self.members.values() if m["name"] != it.author]
        if it.reactions is not None:
            wanted = dict(it.reactions)
        else:
            n = self.rng.choice([0, 1, 2, 3, 4, 6, 9, 14] if it.kind == "post" else [0, 0, 0, 1, 1, 2, 3])
            wanted = dict(Counter(self.rng.choice(REACTION_TYPES) for _ in range(n)))
        harmful = any(lab in self.harm for lab in it.labels)
        chosen: list[dict[str, str]] = []
        used: set[str] = set()
        for rtype, count in sorted(wanted.items()):
            # Laughing at an offending message is what its author's friends do.
            pool = [o for o in self.offenders if o != it.author] if harmful and rtype == "HAHA" else others
            pool = [p for p in pool if p not in used] or [p for p in others if p not in used]
            for actor in self.rng.sample(pool, min(count, len(pool))):
                used.add(actor)
                chosen.append({"reaction": rtype, "actor": actor})
        self.rng.shuffle(chosen)
        return chosen

    def _permalink(self, it: Item, post_id: str, comment_id: str | None) -> str:
        """A fictional but realistic Facebook permalink (group post, comment or reply)."""

        def num(item_id: str) -> str:
            return str(10**15 + int(hashlib.sha256(item_id.encode()).hexdigest()[:14], 16) % (9 * 10**15))

        group = self.group["id"].removeprefix("fbg_")
        base = f"https://www.facebook.com/groups/{group}/posts/{num(post_id)}/"
        if it.kind == "post":
            return base
        if comment_id is None or comment_id == it.id:
            return f"{base}?comment_id={num(it.id)}"
        return f"{base}?comment_id={num(comment_id)}&reply_comment_id={num(it.id)}"

    def _record(
        self, it: Item, out: Path, post_id: str = "", comment_id: str | None = None
    ) -> dict[str, Any]:
        ts = int(it.when.timestamp())
        attachments: list[dict[str, Any]] = []
        for m in it.media:
            uri = MEDIA[m](self, out, it)
            attachments.append(
                {
                    "data": [
                        {
                            "media": {
                                "uri": uri,
                                "creation_timestamp": ts - self.rng.randint(600, 86_400 * 3),
                                "title": "",
                                "description": "",
                            }
                        }
                    ]
                }
            )
        if it.link:
            attachments.append({"data": [{"external_context": {"url": it.link}}]})
        rec: dict[str, Any] = {"id": it.id, "timestamp": ts}
        post_id = post_id or it.id
        if it.kind == "comment":
            comment_id = it.id
        rec["url"] = self._permalink(it, post_id, comment_id)
        if it.kind == "post":
            rec["title"] = f"{it.author} a publié dans {self.group['name']}."
            rec["author"] = it.author
            data: list[dict[str, Any]] = [{"post": it.text}]
            if it.edited:
                data.append({"update_timestamp": ts + int(it.edited) * 60})
            rec["data"] = data
        else:
            rec["author"] = it.author
            rec["comment"] = it.text
        if attachments:
            rec["attachments"] = attachments
        reactions = self._reactions(it)
        if reactions:
            rec["reactions"] = reactions
        if it.children:
            rec["comments"] = [self._record(c, out, post_id, comment_id) for c in it.children]
        return rec

    def write(self) -> dict[str, Any]:
        self.assign_ids()
        if EXPORT.exists():
            shutil.rmtree(EXPORT)
        (EXPORT / MEDIA_DIR).mkdir(parents=True)
        # Facebook lists the newest posts first.
        posts = [self._record(p, EXPORT) for p in sorted(self.posts, key=lambda p: p.when, reverse=True)]
        doc = {"group_name": self.group["name"], "group_id": self.group["id"], "group_posts_v2": posts}
        (EXPORT / POSTS_JSON).write_text(
            json.dumps(fb_mojibake(doc), ensure_ascii=True, indent=2) + "\n", encoding="ascii"
        )
        with (DEMO / "labels.jsonl").open("w", encoding="utf-8") as f:
            for it in sorted(self.iter_items(), key=lambda i: i.id):
                line: dict[str, Any] = {"message_id": it.id, "categories": it.labels}
                if it.note:
                    line["note"] = it.note
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.write_cases()
        stats = self.stats()
        (DEMO / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n")
        return stats

    def write_cases(self) -> None:
        from veilleur.records import stable_id

        template = yaml.safe_load((CONTENT / "cases.yaml").read_text(encoding="utf-8"))
        by_key = {it.key: it for it in self.iter_items() if it.key}
        cases = []
        for c in template["cases"]:
            origin = [self._by_key(by_key, k).id for k in c.pop("origin_keys", [])]
            items: list[Item] = []
            for k in c.pop("keys", []):
                items.append(self._by_key(by_key, k))
            for lab in c.pop("labelled", []):
                items += [it for it in self.iter_items() if lab in it.labels and it not in items]
            items.sort(key=lambda i: i.when)
            c["message_ids"] = [it.id for it in items]
            # Message.uid as the Facebook adapter computes it (source, group_id, message id).
            c["message_uids"] = [stable_id("facebook", self.group["id"], it.id, prefix="m_") for it in items]
            if origin:
                c["origin_message_ids"] = origin
            c["members"] = sorted({it.author for it in items})
            c["first_message_at"] = items[0].when.isoformat()
            c["last_message_at"] = items[-1].when.isoformat()
            c["community_name"] = self.group["name"]
            c["community_id"] = self.group["id"]
            cases.append(c)
        header = (
            "# Cas de démonstration pour le module juridique (généré par demo/build_demo.py depuis\n"
            "# demo/content/cases.yaml ; ne pas éditer à la main). Tout est fictif.\n"
        )
        (DEMO / "cases.yaml").write_text(
            header + yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )

    @staticmethod
    def _by_key(by_key: dict[str, Item], key: str) -> Item:
        if key not in by_key:
            raise ContentError(f"cases.yaml: unknown message key {key!r}")
        return by_key[key]

    def stats(self) -> dict[str, Any]:
        items = list(self.iter_items())
        cats: Counter[str] = Counter(lab for it in items for lab in it.labels)
        months = sorted({it.when.astimezone(PARIS).strftime("%Y-%m") for it in items})
        problematic = [it for it in items if it.labels]
        return {
            "messages": len(items),
            "posts": sum(it.kind == "post" for it in items),
            "comments": sum(it.kind == "comment" for it in items),
            "replies": sum(it.kind == "reply" for it in items),
            "members_writing": len({it.author for it in items}),
            "members_listed": len(self.members),
            "offending_members": len({it.author for it in problematic}),
            "months": months,
            "first": min(it.when for it in items).astimezone(PARIS).isoformat(),
            "last": max(it.when for it in items).astimezone(PARIS).isoformat(),
            "problematic_messages": len(problematic),
            "problematic_share": round(len(problematic) / len(items), 3),
            "by_category": dict(sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))),
            "media_files": sum(len(it.media) for it in items),
        }


# -- media ------------------------------------------------------------------------------------
def _media_name(b: Builder, ext: str) -> str:
    return f"{b.rng.randint(10**8, 10**9 - 1)}_{b.rng.randint(10**14, 10**15 - 1)}_n.{ext}"


def _font(size: int) -> Any:
    from PIL import ImageFont

    for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    return ImageFont.load_default(size=size)


def _gps_rational(deg: float) -> tuple[Any, Any, Any]:
    from PIL.TiffImagePlugin import IFDRational

    d = int(deg)
    m = int((deg - d) * 60)
    s = round(((deg - d) * 60 - m) * 60, 2)
    return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(int(s * 100), 100))


def media_patient_photo(b: Builder, out: Path, it: Item) -> str:
    """scikit-image's astronaut() (NASA, public domain) as a phone photo with GPS EXIF."""
    from PIL import Image
    from skimage import data

    img = Image.fromarray(data.astronaut()).resize((400, 400), Image.Resampling.LANCZOS)
    taken = it.when.astimezone(PARIS) - timedelta(hours=3)
    exif = Image.Exif()
    exif[0x010F] = "samsung"  # Make
    exif[0x0110] = "SM-A536B"  # Model
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    # A field edge near Bourganeuf (Creuse): a fictional spot, deliberately precise.
    gps[1], gps[2] = "N", _gps_rational(45.95482)
    gps[3], gps[4] = "E", _gps_rational(1.75871)
    name = _media_name(b, "jpg")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88, exif=exif)
    (out / MEDIA_DIR / name).write_bytes(buf.getvalue())
    return f"{MEDIA_DIR}/{name}"


def media_dicom_scan(b: Builder, out: Path, it: Item) -> str:
    """A tiny synthetic CT slice whose header names a fictional patient and hospital."""
    import numpy as np
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import UID, CTImageStorage, ExplicitVRLittleEndian

    yy, xx = np.mgrid[0:64, 0:64]
    body = ((xx - 32) ** 2 / 26**2 + (yy - 32) ** 2 / 20**2) <= 1
    lesion = ((xx - 40) ** 2 + (yy - 28) ** 2) <= 9
    pixels = np.where(body, 1040, 24).astype(np.uint16)
    pixels[lesion] = 1180
    uid_root = "2.25.31415926535897932384626"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = UID(f"{uid_root}.3")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("scan.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = f"{uid_root}.1"
    ds.SeriesInstanceUID = f"{uid_root}.2"
    ds.Modality = "CT"
    ds.PatientName = "LAGARDE^Bernadette"
    ds.PatientID = "IPP0381726"
    ds.PatientBirthDate = "19490817"
    ds.PatientSex = "F"
    ds.InstitutionName = "Centre hospitalier de Val-d'Arnac"
    ds.ReferringPhysicianName = "COLIN^Mathieu"
    study = it.when.astimezone(PARIS) - timedelta(hours=5)
    ds.StudyDate = study.strftime("%Y%m%d")
    ds.StudyTime = study.strftime("%H%M%S")
    ds.StudyDescription = "TDM ABDOMINO-PELVIEN SANS INJECTION"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.PixelData = pixels.tobytes()
    name = _media_name(b, "dcm")
    ds.save_as(out / MEDIA_DIR / name, enforce_file_format=True)
    return f"{MEDIA_DIR}/{name}"


def media_record_screenshot(b: Builder, out: Path, it: Item) -> str:
    """A 'screenshot' of a hospital record line: a name and a birth date, large enough for OCR."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1000, 300), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 1000, 56), fill=(28, 78, 140))
    d.text((20, 12), "DxCare — Médecine interne B — Lit 214", fill="white", font=_font(28))
    d.text((20, 90), "GUILLOT Maryse, née le 03/03/1977", fill="black", font=_font(36))
    d.text((20, 150), "IPP 4471203   Entrée le 11/03/2026", fill="black", font=_font(32))
    d.text((20, 215), "Motif : éruption bulleuse diffuse", fill=(60, 60, 60), font=_font(30))
    name = _media_name(b, "png")
    img.save(out / MEDIA_DIR / name, "PNG")
    return f"{MEDIA_DIR}/{name}"


def media_chart(b: Builder, out: Path, it: Item) -> str:
    """An innocent bar chart (waiting times) drawn by hand."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 400), "white")
    d = ImageDraw.Draw(img)
    d.text((20, 14), "Délai moyen de RDV (jours)", fill="black", font=_font(24))
    bars = [("Dermato", 94), ("Ophtalmo", 81), ("Cardio", 52), ("Psy", 67), ("Gynéco", 45)]
    for i, (label, days) in enumerate(bars):
        x = 40 + i * 118
        d.rectangle((x, 360 - days * 3, x + 70, 360), fill=(70 + i * 30, 120, 200 - i * 25))
        d.text((x, 366), label, fill="black", font=_font(16))
        d.text((x + 18, 336 - days * 3), str(days), fill="black", font=_font(18))
    name = _media_name(b, "png")
    img.save(out / MEDIA_DIR / name, "PNG")
    return f"{MEDIA_DIR}/{name}"


def media_congress_badge(b: Builder, out: Path, it: Item) -> str:
    """A congress badge with the member's own name: text in an image, but no patient in it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (520, 340), (245, 245, 240))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 520, 80), fill=(180, 30, 60))
    d.text((20, 22), "Journées de Médecine Générale 2026", fill="white", font=_font(24))
    d.text((20, 130), f"Dr {it.author}", fill="black", font=_font(34))
    d.text((20, 190), "Congressiste — Paris, 2-4 avril", fill=(80, 80, 80), font=_font(22))
    name = _media_name(b, "jpg")
    img.save(out / MEDIA_DIR / name, "JPEG", quality=90)
    return f"{MEDIA_DIR}/{name}"


MEDIA = {
    "patient_photo": media_patient_photo,
    "dicom_scan": media_dicom_scan,
    "record_screenshot": media_record_screenshot,
    "chart": media_chart,
    "congress_badge": media_congress_badge,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="validate the content, write nothing")
    args = ap.parse_args(argv)
    b = Builder()
    try:
        b.load()
        if args.check:
            print(json.dumps(b.stats(), ensure_ascii=False, indent=2))
            return 0
        stats = b.write()
    except ContentError as e:
        print(f"demo content error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
