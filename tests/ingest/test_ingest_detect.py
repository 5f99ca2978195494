"""Format detection: every fixture is recognised by its adapter and by no other (sniff < 0.5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.ingest_helpers import FIXTURES, zip_dir
from veilleur.errors import InputError
from veilleur.ingest.base import SourceTree, adapter_names, detect_format, get_adapter

CASES = [
    ("facebook", "facebook"),
    ("telegram/ChatExport_2024-03-20", "telegram"),
    ("telegram/ChatExport_2024-03-20/result.json", "telegram"),
    ("telegram_full/result.json", "telegram"),
    ("whatsapp/android_fr", "whatsapp"),
    ("whatsapp/android_fr/Discussion WhatsApp avec Garde SOS Médecins.txt", "whatsapp"),
    ("whatsapp/ios_fr", "whatsapp"),
    ("whatsapp/android_en", "whatsapp"),
    ("whatsapp/ios_en/_chat.txt", "whatsapp"),
    ("discord", "discord"),
    ("slack", "slack"),
    ("twitter", "twitter"),
    ("tabular/messages.csv", "csv"),
    ("tabular/messages.jsonl", "jsonl"),
]


def test_all_formats_registered() -> None:
    assert set(adapter_names()) >= {
        "facebook",
        "telegram",
        "whatsapp",
        "discord",
        "slack",
        "twitter",
        "csv",
        "jsonl",
    }


@pytest.mark.parametrize(("rel", "fmt"), CASES)
def test_detects_fixture_and_others_decline(rel: str, fmt: str, tmp_path: Path) -> None:
    trees = [SourceTree.open(FIXTURES / rel)]
    if (FIXTURES / rel).is_dir():
        trees.append(SourceTree.open(zip_dir(FIXTURES / rel, tmp_path / "export.zip", prefix="export/")))
    for tree in trees:
        assert detect_format(tree).name == fmt
        for other in adapter_names():
            if other != fmt:
                assert get_adapter(other).sniff(tree) < 0.5, (other, rel)


def test_unknown_formats(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Liste de courses\nlait\npain\n")
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    other_json = tmp_path / "config.json"
    other_json.write_text('{"theme": "dark", "items": [1, 2, 3]}')
    for p in (notes, png, other_json):
        with pytest.raises(InputError, match=r"unknown format.*--format") as exc:
            detect_format(SourceTree.open(p))
        assert str(p) in str(exc.value)
    with pytest.raises(InputError, match="unknown format 'myspace'"):
        get_adapter("myspace")
