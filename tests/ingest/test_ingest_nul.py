"""NUL bytes (I10): PostgreSQL refuses them in text columns. They are removed from every text field of a record
at the records boundary, so an export import and the live path (API) give the same result on SQLite and
PostgreSQL; the raw record keeps them (escaped, verbatim) for evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from veilleur.ingest.importer import import_messages, import_path
from veilleur.records import Attachment, Author, Case, Message
from veilleur.store import Store

N = "\x00"


def _check(store: Store, m: Message) -> None:
    back = store.get_message(m.uid)
    for value in (back.text, back.url, back.author.id, back.author.name, back.community_id, back.community_name,
                  back.message_id, back.parent_id):  # fmt: skip
        assert value is None or N not in value, repr(value)
    [member] = [x for x in store.list_members() if x.uid == back.author_uid]
    assert N not in member.display_name


def test_nul_in_every_field_of_an_export_imports_the_same_on_both_databases(
    store: Store, tmp_path: Path
) -> None:
    rec = {
        "id": f"m{N}1",
        "author": f"Dr{N} Martin",
        "author_id": f"x{N}y",
        "created_at": "2026-03-14T10:00:00+01:00",
        "text": f"bon{N}jour",
        "parent_id": f"p{N}0",
        "url": f"https://ex.org/{N}",
        "community": f"Groupe{N} test",
    }
    p = tmp_path / "nul.jsonl"
    ok = {
        "id": "m2",
        "author": "Alice",
        "created_at": "2026-03-14T10:05:00+01:00",
        "text": "second",
        "community": "Groupe test",
    }
    p.write_text(json.dumps(rec) + "\n" + json.dumps(ok) + "\n", encoding="utf-8")
    report = import_path(store, p, format="jsonl")
    assert report.messages_new == 2
    assert store.count_messages() == 2
    [m] = [x for x in (store.get_message(u) for u in _uids(store)) if x.message_id == "m1"]
    assert (
        m.text == "bonjour"
        and m.url == "https://ex.org/"
        and m.author.id == "xy"
        and m.author.name == "Dr Martin"
    )
    assert m.parent_id == "p0"
    _check(store, m)
    assert m.raw["text"] == f"bon{N}jour"  # the source record stays verbatim


def _uids(store: Store) -> list[str]:
    return [m.uid for batch in store.iter_messages() for m in batch]


def test_nul_on_the_live_path_is_removed_too(store: Store) -> None:
    m = Message(
        source="api",
        community_id=f"c{N}1",
        community_name=f"Comm{N}unauté",
        message_id=f"id{N}",
        author=Author(id=f"a{N}", name=f"Na{N}me"),
        created_at=datetime(2026, 3, 14, 9, tzinfo=UTC),
        text=f"te{N}xt",
        url=f"https://ex.org/{N}x",
        attachments=(Attachment(name=f"f{N}.png", media_type=f"image/png{N}", missing=True),),
        reactions={f"👍{N}": 2},
        raw={"text": f"te{N}xt"},
    )
    assert (
        m.text == "text"
        and m.community_id == "c1"
        and m.message_id == "id"
        and m.author == Author("a", "Name")
    )
    assert m.attachments[0].name == "f.png" and m.reactions == {"👍": 2}
    report = import_messages(store, [m])
    assert report.messages_new == 1
    back = store.get_message(m.uid)
    assert back.text == "text" and back.url == "https://ex.org/x" and back.community_name == "Communauté"
    assert back.raw == {"text": f"te{N}xt"}
    _check(store, back)


def test_nul_in_a_case_title_is_removed(store: Store) -> None:
    c = store.create_case(
        Case(id="case_nul", title=f"Affaire{N} X", kind="harassment", community_uid=None), actor="t"
    )
    assert c.title == "Affaire X"
    assert store.get_case("case_nul").title == "Affaire X"
