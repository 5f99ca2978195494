"""Facebook group export adapter on its real format (latin-1-escaped UTF-8, nested comments)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.ingest.ingest_helpers import FIXTURES, read_all, zip_dir
from veilleur.ingest.facebook import author_from_title
from veilleur.records import dumps

FB = FIXTURES / "facebook"


def by_id(msgs):
    return {m.message_id: m for m in msgs}


def test_posts_comments_replies_and_repair() -> None:
    msgs = read_all(FB, "facebook")
    assert len(msgs) == 7
    m = by_id(msgs)
    post = m["fbp_000001"]
    assert post.kind == "post" and post.parent_id is None
    assert post.author.name == "Camille Roux"
    assert post.text.startswith("Bonjour à tous ! Une patiente de 50 ans")
    assert post.community_name == "Entre Confrères – Médecins généralistes"
    assert post.created_at == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    assert post.reactions == {"LIKE": 2, "HAHA": 1}
    assert m["fbc_000010"].kind == "comment" and m["fbc_000010"].parent_id == "fbp_000001"
    assert m["fbc_000011"].kind == "reply" and m["fbc_000011"].parent_id == "fbc_000010"
    assert "👍" in m["fbc_000011"].text
    assert m["fbc_000010"].reactions == {"LOVE": 1}
    # same member, same derived id across posts and comments
    assert m["fbc_000012"].author.id == m["fbp_000003"].author.id


def test_attachments_present_and_missing() -> None:
    m = by_id(read_all(FB, "facebook"))
    (photo,) = m["fbp_000001"].attachments
    assert photo.path == "your_facebook_activity/groups/photos_and_videos/abc123.jpg"
    assert photo.media_type == "image/jpeg" and not photo.missing and photo.size and photo.size > 0
    (gone,) = m["fbc_000011"].attachments
    assert gone.missing and gone.path is None and gone.name == "absent999.jpg"


def test_author_from_title_and_derived_ids_are_stable() -> None:
    first, second = read_all(FB, "facebook"), read_all(FB, "facebook")
    assert [x.uid for x in first] == [x.uid for x in second]
    assert len({x.uid for x in first}) == len(first)
    jean = [x for x in first if x.author.name == "Jean Dupont"]
    assert len(jean) == 1 and jean[0].message_id.startswith("fb_")
    assert [x for x in first if x.parent_id == jean[0].message_id][0].author.name == "Élodie Béranger"
    assert author_from_title("Hugo Smith posted in Entre Confrères.") == "Hugo Smith"
    assert author_from_title("Léa Morel a partagé un lien.") == "Léa Morel"


def test_raw_kept_verbatim_without_nested_comments() -> None:
    m = by_id(read_all(FB, "facebook"))
    raw = m["fbp_000001"].raw
    assert "comments" not in raw
    assert raw["data"][0]["post"].startswith("Bonjour \u00c3\u00a0 tous")  # as Facebook wrote it
    json.loads(dumps(m["fbp_000001"].to_dict()))  # serialisable (no Decimal)


def test_group_name_after_posts_and_zip_with_top_folder(tmp_path: Path) -> None:
    doc = json.loads((FB / "your_facebook_activity/groups/group_posts_and_comments.json").read_text())
    reordered = {"group_posts_v2": doc["group_posts_v2"], "group_name": doc["group_name"], "group_id": "4242"}
    src = tmp_path / "export"
    (src / "your_facebook_activity/groups/photos_and_videos").mkdir(parents=True)
    (src / "your_facebook_activity/groups/group_posts_and_comments.json").write_text(json.dumps(reordered))
    (src / "your_facebook_activity/groups/photos_and_videos/abc123.jpg").write_bytes(b"\xff\xd8\xff")
    z = zip_dir(src, tmp_path / "facebook-camille.zip", prefix="facebook-camille-2024/")
    msgs = read_all(z, "facebook")
    assert {x.community_id for x in msgs} == {"4242"}
    assert msgs[0].community_name == "Entre Confrères – Médecins généralistes"
    assert (
        msgs[0].attachments[0].path
        == "facebook-camille-2024/your_facebook_activity/groups/photos_and_videos/abc123.jpg"
    )
    assert not msgs[0].attachments[0].missing
