"""Telegram, Discord, Slack and X/Twitter adapters on their real export formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.ingest.ingest_helpers import FIXTURES, read_all, zip_dir

TG = FIXTURES / "telegram" / "ChatExport_2024-03-20"


def test_telegram_single_chat() -> None:
    msgs = read_all(TG, "telegram")
    assert [m.message_id for m in msgs] == ["101", "102", "103", "104"]  # service event 100 skipped
    m = {x.message_id: x for x in msgs}
    assert m["101"].community_id == "1734598120" and m["101"].community_name == "Internes Lyon – entraide"
    assert m["101"].created_at == datetime(2024, 3, 12, 13, 5, 33, tzinfo=UTC)
    assert m["102"].text == "C'est moi, voir le planning : https://example.org/planning"  # entity list joined
    assert m["102"].kind == "reply" and m["102"].parent_id == "101"
    assert m["102"].author.id == "user5550002" and m["102"].author.name == "Paul Martin"
    assert m["102"].reactions == {"👍": 2}
    (photo,) = m["102"].attachments
    assert photo.path == "photos/photo_1@12-03-2024_14-05-33.jpg" and not photo.missing
    (pdf,) = m["103"].attachments
    assert pdf.missing and pdf.media_type == "application/pdf"
    (voice,) = m["104"].attachments
    assert voice.missing and voice.name == "audio.ogg"
    assert m["102"].raw["text"][1] == {"type": "bold", "text": "planning"}
    assert [x.uid for x in read_all(TG, "telegram")] == [x.uid for x in msgs]


def test_telegram_full_export_keeps_chats_apart() -> None:
    msgs = read_all(FIXTURES / "telegram_full" / "result.json", "telegram")
    assert [(m.community_name, m.message_id) for m in msgs] == [
        ("Paul Martin", "1"), ("Internes Lyon – entraide", "101"), ("Internes Lyon – entraide", "102"),
    ]  # fmt: skip
    assert msgs[0].community_id == "5550002" and msgs[2].parent_id == "101"


DC = FIXTURES / "discord"


def test_discord_export() -> None:
    msgs = read_all(DC, "discord")
    assert [m.message_id for m in msgs] == [
        "1217000000000000001",
        "1217000000000000002",
        "1217000000000000004",
    ]
    first, reply, third = msgs
    assert first.community_id == "1100220033" and first.community_name == "Cabinet Médical / #général"
    assert first.created_at == datetime(2024, 3, 12, 13, 5, 33, 123000, tzinfo=UTC)
    assert third.created_at == datetime(2024, 7, 1, 7, 1, tzinfo=UTC)  # +02:00 in summer
    assert first.author.name == "Dr Camille Roux" and first.author.id == "900000000000000001"
    assert third.author.name == "lea.morel"  # no nickname: account name
    assert reply.kind == "reply" and reply.parent_id == first.message_id
    assert reply.reactions == {"👍": 3, "❤️": 1}
    local, remote = reply.attachments
    assert (
        local.name == "ordonnance-anonyme.jpg"
        and not local.missing
        and local.path
        and local.path.endswith(".jpg")
    )
    assert remote.missing and remote.name == "scan.pdf" and remote.media_type == "application/pdf"
    assert reply.url == "https://discord.com/channels/1100220000/1100220033/1217000000000000002"
    assert reply.raw["type"] == "Reply"


SL = FIXTURES / "slack"


def _check_slack(msgs: list) -> None:
    m = {(x.community_name, x.message_id): x for x in msgs}
    assert len(msgs) == 5  # the channel_join notice is skipped
    top = m[("#general", "1710248733.000200")]
    assert top.author.name == "Dr Camille Roux" and top.author.id == "U01CAMILLE"
    assert (
        top.text
        == "Bonjour @Paul Martin, tu as vu les résultats & le protocole (https://example.org/protocole) ?"
    )
    assert top.kind == "message" and top.parent_id is None and top.reactions == {"+1": 2}
    assert top.community_id == "C01GENERAL"
    reply = m[("#general", "1710248830.000300")]
    assert reply.kind == "reply" and reply.parent_id == "1710248733.000200"
    assert reply.created_at == datetime(2024, 3, 12, 13, 7, 10, 300, tzinfo=UTC)
    (f,) = m[("#general", "1710248940.000400")].attachments
    assert f.missing and f.name == "cr-anonyme.pdf" and f.media_type == "application/pdf"
    assert m[("#general", "1710248940.000400")].author.name == "Léa M."
    assert m[("#garde", "1710280800.000100")].community_id == "C02GARDE"
    assert "@channel" in m[("#general", "1710320400.000100")].text


def test_slack_folder_and_zip(tmp_path: Path) -> None:
    _check_slack(read_all(SL, "slack"))
    z = zip_dir(SL, tmp_path / "Workspace Slack export Mar 2024.zip")
    from_zip = read_all(z, "slack")
    _check_slack(from_zip)
    assert sorted(x.uid for x in from_zip) == sorted(x.uid for x in read_all(SL, "slack"))


TW = FIXTURES / "twitter"


def test_twitter_archive(tmp_path: Path) -> None:
    for src in (TW, zip_dir(TW, tmp_path / "twitter-2024-08-01-abc.zip")):
        post, reply = read_all(src, "twitter")
        assert post.message_id == "1767890123456789012" and post.kind == "post"
        assert post.created_at == datetime(2024, 3, 13, 10, 0, tzinfo=UTC)
        assert post.author.id == "1500000000000000001" and post.author.name == "Dr Camille Roux"
        assert post.text.startswith("Garde aux urgences : 14 patients & zéro lit")  # &amp; unescaped
        assert post.reactions == {"like": 12, "retweet": 3}
        assert post.url == "https://x.com/dr_camille_r/status/1767890123456789012"
        (media,) = post.attachments
        assert not media.missing and media.path == "data/tweets_media/1767890123456789012-GabcDEFxyz.jpg"
        assert reply.kind == "reply" and reply.parent_id == "1767000000000000001"
        assert reply.community_name == "@dr_camille_r"
