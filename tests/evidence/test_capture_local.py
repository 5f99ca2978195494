"""Captures that need no browser: a stored message (raw, normalised, attachments, rendered card), a user file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from tests.evidence.conftest import make_message
from veilleur.errors import InputError, NotFoundError
from veilleur.evidence import api
from veilleur.evidence.vault import Vault
from veilleur.store import Store
from veilleur.store.models import MessageRow


def test_capture_message_keeps_raw_normalised_attachments_and_view(store: Store) -> None:
    m = make_message(store)
    item = api.capture_message(store, m.uid, actor="moderatrice")
    vault = Vault(store)
    roles = {f.role: f for f in item.files}
    assert set(roles) == {"raw", "normalised", "attachment", "view", "view_pdf"}
    with store.session() as s:
        row = s.scalar(select(MessageRow).where(MessageRow.uid == m.uid))
        assert row is not None
        assert vault.read(roles["raw"]).decode("utf-8") == row.raw
    normalised = json.loads(vault.read(roles["normalised"]))
    assert normalised["author"]["name"] == "Jean Fictif" and "raw" not in normalised
    assert roles["attachment"].name == "photo.png"  # a hostile "../../photo.png" is made safe
    assert roles["attachment"].sha256 == m.attachments[0].sha256
    img = Image.open(io.BytesIO(vault.read(roles["view"])))
    assert img.width == 1000 and img.height > 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(vault.read(roles["view_pdf"]))).pages)
    assert "Jean Fictif" in text
    assert "14/03/2026 à 14:05:00" in text  # 13:05 UTC shown in Paris time (UTC+1 in March)
    assert "2026-03-14 13:05:00 UTC" in text
    assert item.observed["author"] == {"id": "u-42", "name": "Jean Fictif"}
    assert item.observed["published_at_paris"].startswith("14/03/2026 à 14:05")
    assert item.sha256 == roles["raw"].sha256 and item.status == "complete"


def test_capture_unknown_message_is_a_clear_error(store: Store) -> None:
    with pytest.raises(NotFoundError):
        api.capture_message(store, "m_nope", actor="x")


def _jpeg_with_exif(path: Path) -> None:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x0110] = "Fictif Phone 3"  # Model
    exif[0x0132] = "2026:03:10 08:00:00"  # DateTime
    img.save(path, "JPEG", exif=exif)


def test_capture_file_keeps_declared_apart_from_observed(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "capture écran.jpg"
    _jpeg_with_exif(p)
    item = api.capture_file(
        store,
        p,
        actor="dr.fictif",
        declared={
            "author": "Compte « anon123 »",
            "date": "14/03/2026 14:05",
            "url": "https://forum.example/t/1",
        },
    )
    assert item.declared["author"] == "Compte « anon123 »"
    assert item.declared["date_utc"] == "2026-03-14T13:05:00+00:00"
    assert item.observed["exif"]["Model"] == "Fictif Phone 3"
    assert item.observed["exif"]["DateTime"] == "2026:03:10 08:00:00"
    assert item.observed["size"] == p.stat().st_size and "modified_at_utc" in item.observed
    assert "author" not in item.observed and "exif" not in item.declared
    assert item.files[0].name == "capture_cran.jpg" or item.files[0].name.endswith(".jpg")


@pytest.mark.parametrize(
    ("path_kind", "declared", "fragment"),
    [
        ("missing", {}, "not found"),
        ("dir", {}, "not a regular file"),
        ("ok", {"date": "la semaine dernière"}, "not understood"),
    ],
)
def test_capture_file_bad_input(
    store: Store, tmp_path: Path, path_kind: str, declared: dict[str, str], fragment: str
) -> None:
    p = tmp_path / "f.bin"
    if path_kind == "ok":
        p.write_bytes(b"x")
    elif path_kind == "dir":
        p.mkdir()
    with pytest.raises(InputError, match=fragment):
        api.capture_file(store, p, actor="x", declared=declared)
    assert api.list_items(store) == []


def test_emoji_the_font_cannot_draw_are_named_not_dropped(store: Store) -> None:
    # A harassment message made only of emoji must not render as an empty card.
    m = make_message(store, text="🐀🐀 balance 🤡", n=2)
    item = api.capture_message(store, m.uid, actor="moderatrice")
    vault = Vault(store)
    roles = {f.role: f for f in item.files}
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(vault.read(roles["view_pdf"]))).pages)
    assert text.count("U+1F400 RAT") == 2 and "U+1F921 CLOWN FACE" in text
    assert "nom Unicode" in text  # the card says why
    assert json.loads(vault.read(roles["normalised"]))["text"] == "🐀🐀 balance 🤡"  # exact text kept
