"""Bad input: truncated/malformed JSON, empty files, zip bombs, path traversal, symlinks, binary files,
oversized texts — each a clear ``InputError`` naming the file and the problem."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from tests.ingest.ingest_helpers import FIXTURES, read_all
from veilleur.errors import InputError
from veilleur.ingest.base import ImportOptions, Limits, SourceTree, detect_format, get_adapter

FB_JSON = FIXTURES / "facebook/your_facebook_activity/groups/group_posts_and_comments.json"
JSON_FIXTURES = [
    ("facebook", FB_JSON),
    ("telegram", FIXTURES / "telegram/ChatExport_2024-03-20/result.json"),
    ("discord", FIXTURES / "discord/Cabinet Médical - général [1100220033].json"),
]


@pytest.mark.parametrize(("fmt", "src"), JSON_FIXTURES)
def test_truncated_json(fmt: str, src: Path, tmp_path: Path) -> None:
    data = src.read_bytes()
    p = tmp_path / src.name
    p.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(InputError, match=r"truncated JSON") as exc:
        read_all(p, fmt)
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize(("fmt", "src"), JSON_FIXTURES)
def test_malformed_json(fmt: str, src: Path, tmp_path: Path) -> None:
    text = src.read_text(encoding="utf-8")
    cut = text.index('"timestamp"' if fmt != "telegram" else '"date_unixtime"', 500)
    p = tmp_path / src.name
    p.write_text(text[:cut] + '"oops" "x": ]' + text[cut:], encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed JSON: .*near byte \d+") as exc:
        read_all(p, fmt)
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)


def test_truncated_slack_day_file_and_twitter(tmp_path: Path) -> None:
    slack = tmp_path / "slack"
    shutil.copytree(FIXTURES / "slack", slack)
    day = slack / "general/2024-03-12.json"
    day.write_bytes(day.read_bytes()[:300])
    with pytest.raises(InputError, match=r"general/2024-03-12\.json: truncated JSON"):
        read_all(slack, "slack")
    tw = tmp_path / "twitter"
    shutil.copytree(FIXTURES / "twitter", tw)
    tweets = tw / "data/tweets.js"
    tweets.write_bytes(tweets.read_bytes()[:-40])
    with pytest.raises(InputError, match=r"tweets\.js: truncated JSON"):
        read_all(tw, "twitter")


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "result.json"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"result\.json: the file is empty"):
        SourceTree.open(empty)
    blank = tmp_path / "posts.jsonl"
    blank.write_bytes(b"\n  \n")
    with pytest.raises(InputError, match=r"posts\.jsonl: the file is empty"):
        read_all(blank, "jsonl")
    chat = tmp_path / "chat.txt"
    chat.write_bytes(b"\n  \n")
    with pytest.raises(InputError, match=r"chat\.txt: no WhatsApp chat"):
        read_all(chat, "whatsapp")
    d = tmp_path / "dir"
    d.mkdir()
    (d / "result.json").write_bytes(b"")
    with pytest.raises(InputError, match="unknown format"):
        detect_format(SourceTree.open(d))
    with pytest.raises(InputError, match="no Telegram result.json"):
        read_all(d, "telegram")


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("result.json", "w", force_zip64=True) as f,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
            f.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(
        InputError, match=r"bomb\.zip: archive entry 'result\.json' expands \d+x \(zip bomb\)"
    ):
        SourceTree.open(bomb)


def test_lying_zip_header_is_caught(tmp_path: Path) -> None:
    """A member whose headers under-state its size (a classic bomb trick) never inflates past them."""
    z = tmp_path / "liar.zip"
    payload = b'{"name": "x", "messages": [' + b" " * 3_000_000 + b"]}"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("result.json", payload)
    data = bytearray(z.read_bytes())
    lie = (1000).to_bytes(4, "little")
    data[22:26] = lie  # local header: uncompressed size
    cd = data.index(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = lie  # central directory: uncompressed size
    z.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"liar\.zip.*(corrupt archive entry 'result\.json'|truncated JSON)"):
        read_all(z, "telegram")


def test_path_traversal_in_zip(tmp_path: Path) -> None:
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("result.json", '{"name": "x", "messages": []}')
        zf.writestr("../evil.txt", "pwned")
    with pytest.raises(InputError, match=r"evil\.zip: unsafe path in archive: '\.\./evil\.txt'"):
        SourceTree.open(z)
    for bad in ("a/../../evil.txt", "/etc/passwd", "C:/Windows/evil.txt"):
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr(bad, "pwned")
        with pytest.raises(InputError, match="unsafe path"):
            SourceTree.open(z)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symlinks_refused_or_ignored(tmp_path: Path) -> None:
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("photos/secret.jpg")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="symbolic link"):
        SourceTree.open(z)
    export = tmp_path / "telegram"
    shutil.copytree(FIXTURES / "telegram/ChatExport_2024-03-20", export)
    os.symlink("/etc/passwd", export / "files")  # a link where the export expects a folder
    os.symlink("/etc/hostname", export / "photos/escape.jpg")
    tree = SourceTree.open(export)
    assert all("escape" not in n and not n.startswith("files") for n in tree.names())
    msgs = read_all(export, "telegram")
    assert next(m for m in msgs if m.message_id == "103").attachments[0].missing


def test_unsafe_attachment_reference_is_missing_not_followed(tmp_path: Path) -> None:
    export = tmp_path / "fb"
    shutil.copytree(FIXTURES / "facebook", export)
    doc = json.loads(FB_JSON.read_text())
    doc["group_posts_v2"][0]["attachments"][0]["data"][0]["media"]["uri"] = "../../../etc/passwd"
    (export / "your_facebook_activity/groups/group_posts_and_comments.json").write_text(json.dumps(doc))
    post = read_all(export, "facebook")[0]
    assert post.attachments[0].missing and post.attachments[0].path is None


def test_binary_and_bad_lines_in_whatsapp(tmp_path: Path) -> None:
    p = tmp_path / "chat.txt"
    p.write_bytes(b"12/03/2024 14:05 - A: x\n" + bytes(range(32)) * 20)
    with pytest.raises(InputError, match=r"chat\.txt: binary data"):
        read_all(p, "whatsapp")
    p.write_text("12/03/2024 14:05 - A: ok\n32/13/2024 14:06 - B: date impossible\n")
    with pytest.raises(InputError, match=r"chat\.txt: line 2: invalid date"):
        read_all(p, "whatsapp")


def test_text_is_capped(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl"
    p.write_text(
        json.dumps({"id": "1", "author": "A", "created_at": "2024-01-01T00:00:00Z", "text": "x" * 5000})
        + "\n"
    )
    tree = SourceTree.open(p, Limits(max_text_chars=1000))
    (m,) = list(get_adapter("jsonl").read(tree, ImportOptions()))
    assert m.text.startswith("x" * 1000) and len(m.text) < 1100 and "tronqué" in m.text
    assert len(m.raw["text"]) == 5000
