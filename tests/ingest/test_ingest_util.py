"""Shared ingestion helpers: mojibake repair, date parsing, encodings, media types."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from veilleur.ingest.util import cap_text, fix_mojibake, guess_media_type, parse_datetime, sniff_encoding

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "s", ["Entre Confrères – Médecins", "Léa Morel 👍", "déjà été", "Ça va ? Œdème", "plain"]
)
def test_mojibake_repaired_and_clean_text_untouched(s: str) -> None:
    assert fix_mojibake(s.encode("utf-8").decode("latin-1")) == s
    assert fix_mojibake(s) == s


def test_cp1252_mojibake() -> None:
    assert fix_mojibake("l’hôpital".encode().decode("cp1252")) == "l’hôpital"
    assert fix_mojibake("Ã") == "Ã"  # not a complete sequence: kept


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-12T14:05:00Z", datetime(2024, 3, 12, 14, 5, tzinfo=UTC)),
        ("2024-03-12T14:05:00+01:00", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
        ("2024-07-12 14:05:00", datetime(2024, 7, 12, 12, 5, tzinfo=UTC)),
        ("12/03/2024 14:05", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
        ("12/03/2024", datetime(2024, 3, 11, 23, 0, tzinfo=UTC)),
        ("12.03.24 14h05", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
        ("mardi 12 mars 2024 à 14:05", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
        ("1er août 2024", datetime(2024, 7, 31, 22, 0, tzinfo=UTC)),
        ("Wed Mar 13 10:00:00 +0000 2024", datetime(2024, 3, 13, 10, 0, tzinfo=UTC)),
        (1710252000, datetime(2024, 3, 12, 14, 0, tzinfo=UTC)),
        ("1710252000000", datetime(2024, 3, 12, 14, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime(value: object, expected: datetime) -> None:
    assert parse_datetime(value, PARIS) == expected


def test_parse_datetime_month_first_and_errors() -> None:
    assert parse_datetime("3/12/24, 2:05 PM", PARIS, day_first=False) == datetime(
        2024, 3, 12, 13, 5, tzinfo=UTC
    )
    for bad in ("", "hier soir", "31/02/2024", "12 brumaire 2024"):
        with pytest.raises(ValueError):
            parse_datetime(bad, PARIS)


def test_sniff_encoding() -> None:
    assert sniff_encoding("é".encode("utf-16")) == "utf-16"
    assert sniff_encoding("abc é".encode("utf-16-le")) == "utf-16-le"
    assert sniff_encoding("abc é".encode("utf-16-be")) == "utf-16-be"
    assert sniff_encoding(b"\xef\xbb\xbfabc") == "utf-8-sig"
    assert sniff_encoding("déjà".encode()) == "utf-8"
    assert sniff_encoding("déjà vu".encode("cp1252")) == "cp1252"
    assert sniff_encoding("abcé".encode()[:-1]) == "utf-8"  # a character cut by the head


def test_media_types_and_cap() -> None:
    assert guess_media_type("IMG-20240312-WA0001.jpg") == "image/jpeg"
    assert guess_media_type("scan.DCM") == "application/dicom"
    assert guess_media_type("PTT-20240312-WA0002.opus") == "audio/ogg"
    assert guess_media_type("x.bin", "Application/PDF") == "application/pdf"
    assert guess_media_type("noext") == "application/octet-stream"
    assert cap_text("abc", 5) == "abc" and cap_text("abcdef", 3).startswith("abc […")
