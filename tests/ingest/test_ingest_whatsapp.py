"""WhatsApp .txt/.zip chat exports: Android/iOS, French/English locales, DST-correct local times."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ingest.ingest_helpers import FIXTURES, read_all, zip_dir
from veilleur.errors import InputError
from veilleur.ingest.base import SourceTree, detect_format

WA = FIXTURES / "whatsapp"
AFR = WA / "android_fr" / "Discussion WhatsApp avec Garde SOS Médecins.txt"


def test_android_fr_messages_multiline_media_and_system_lines() -> None:
    msgs = read_all(AFR, "whatsapp")
    assert len(msgs) == 9  # 3 system lines and a deleted message are not messages
    first = msgs[0]
    assert first.community_name == "Garde SOS Médecins"
    assert first.author.name == "Dr Camille Roux"
    assert first.text == "Bonjour à tous, planning de garde du week-end :\nsamedi : Paul\ndimanche : Léa"
    assert first.created_at == datetime(2024, 3, 12, 13, 6, tzinfo=UTC)  # 14:06 Paris, winter time
    omitted = msgs[1]
    assert omitted.text == "" and omitted.attachments[0].missing
    photo = msgs[2]
    assert photo.text == "Radio du poignet, patient anonymisé"
    assert photo.attachments[0].name == "IMG-20240312-WA0001.jpg"
    assert photo.attachments[0].missing  # the .txt alone: media not part of the input
    folder = read_all(WA / "android_fr", "whatsapp")
    assert [m.uid for m in folder] == [m.uid for m in msgs]
    assert folder[2].attachments[0].path == "IMG-20240312-WA0001.jpg" and not folder[2].attachments[0].missing
    assert folder[3].attachments[0].missing  # WA0002 is not in the folder
    assert msgs[4].text == msgs[5].text == "ok" and msgs[4].message_id != msgs[5].message_id
    assert "modifié" not in msgs[8].text


def test_dst_transitions_europe_paris() -> None:
    by_text = {m.text[:12]: m.created_at for m in read_all(AFR, "whatsapp")}
    assert by_text["Nuit calme p"] == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)  # 01:30 CET (+1)
    assert by_text["Toujours cal"] == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)  # 03:30 CEST (+2)
    assert by_text["Heure d'hive"] == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # ambiguous 02:30: first (+2)


def test_timezone_option() -> None:
    msgs = read_all(AFR, "whatsapp", timezone="America/New_York")
    assert msgs[0].created_at == datetime(2024, 3, 12, 18, 6, tzinfo=UTC)  # EDT (-4) since March 10
    with pytest.raises(InputError, match="unknown time zone"):
        read_all(AFR, "whatsapp", timezone="Mars/Olympus")


def test_ids_stable_and_unique() -> None:
    a, b = read_all(AFR, "whatsapp"), read_all(AFR, "whatsapp")
    assert [m.uid for m in a] == [m.uid for m in b]
    assert len({m.uid for m in a}) == len(a)


def test_ios_fr() -> None:
    msgs = read_all(WA / "ios_fr", "whatsapp")
    assert [m.author.name for m in msgs] == ["Dr Camille Roux", "Paul Martin", "Léa Morel", "Léa Morel"]
    assert msgs[0].created_at == datetime(2024, 3, 12, 13, 6, 10, tzinfo=UTC)
    assert msgs[1].attachments[0].path == "00000003-PHOTO-2024-03-12-14-07-00.jpg"
    assert not msgs[1].attachments[0].missing
    assert msgs[2].attachments[0].missing and msgs[2].text == ""
    assert msgs[3].text == "Je peux la prendre.\nMais pas dimanche."


def test_android_en_us_dates_and_12_hour_clock() -> None:
    msgs = read_all(WA / "android_en", "whatsapp")
    assert msgs[0].community_name == "Night Shift Docs"
    assert [m.created_at for m in msgs] == [
        datetime(2024, 3, 12, 13, 6, tzinfo=UTC),
        datetime(2024, 3, 12, 13, 7, tzinfo=UTC),
        datetime(2024, 3, 12, 22, 59, tzinfo=UTC),  # 11:59 PM
        datetime(2024, 3, 12, 23, 1, tzinfo=UTC),  # 3/13 12:01 AM (month first)
    ]
    assert msgs[1].attachments[0].missing
    assert msgs[2].text == "I do. Handover at midnight:\nbed 4 needs a repeat potassium"


def test_ios_en_attached_missing_and_omitted() -> None:
    msgs = read_all(WA / "ios_en", "whatsapp")
    assert len(msgs) == 3
    assert (
        msgs[1].attachments[0].name == "00000012-PHOTO-2024-03-12-14-07-12.jpg"
        and msgs[1].attachments[0].missing
    )
    assert msgs[2].created_at == datetime(2024, 3, 14, 8, 0, tzinfo=UTC)


def test_zip_variant_with_media(tmp_path: Path) -> None:
    z = zip_dir(WA / "android_fr", tmp_path / "WhatsApp Chat - Garde SOS Médecins.zip")
    tree = SourceTree.open(z)
    assert detect_format(tree).name == "whatsapp"
    msgs = read_all(z, "whatsapp")
    assert [m.uid for m in msgs] == [m.uid for m in read_all(AFR, "whatsapp")]
    assert msgs[2].attachments[0].path == "IMG-20240312-WA0001.jpg" and not msgs[2].attachments[0].missing


def test_utf16_and_latin1_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = AFR.read_text(encoding="utf-8")
    expected = [(m.author.name, m.text) for m in read_all(AFR, "whatsapp")]
    for enc in ("utf-16", "utf-16-le", "utf-8-sig"):
        p = tmp_path / enc / "Discussion WhatsApp avec Garde SOS Médecins.txt"
        p.parent.mkdir()
        p.write_bytes(text.encode(enc))
        assert detect_format(SourceTree.open(p)).name == "whatsapp"
        assert [(m.author.name, m.text) for m in read_all(p, "whatsapp")] == expected
    p = tmp_path / "latin1.txt"
    p.write_bytes(text.replace("\u202f", " ").encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="veilleur.ingest"):
        msgs = read_all(p, "whatsapp")
    assert msgs[0].text.startswith("Bonjour à tous") and msgs[0].author.name == "Dr Camille Roux"
    assert "not UTF-8; decoded as cp1252" in caplog.text


def test_undecodable_bytes_are_replaced_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    filler = b"".join(b"13/03/2024 10:%02d - Paul Martin: ligne %d\n" % (i % 60, i) for i in range(3000))
    data = AFR.read_bytes() + filler + b"14/03/2024 10:00 - Paul Martin: caf\xe9 \xff\n"
    p = tmp_path / "chat.txt"
    p.write_bytes(data)
    with caplog.at_level(logging.WARNING, logger="veilleur.ingest"):
        msgs = read_all(p, "whatsapp")
    assert msgs[-1].text == "caf\ufffd \ufffd"
    assert "undecodable bytes replaced" in caplog.text and "chat.txt" in caplog.text
