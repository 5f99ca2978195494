"""The conversation pass inside ``scan`` (whole exports and a live feed) and its findings in the law area."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from veilleur import pipeline
from veilleur.detect.base import available_passes, register_detector
from veilleur.detect.conversation.evaluate import load_chat
from veilleur.ingest.importer import import_messages
from veilleur.law.qualify import qualify
from veilleur.records import Case, Finding, Message
from veilleur.store import Store

DEV = Path(__file__).resolve().parents[2] / "data" / "conversations" / "dev"


class Nothing:
    name = "nothing_test"
    version = "1"

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        return []


register_detector("nothing_test", Nothing, default=False)


def test_passes_are_registered_like_detectors() -> None:
    assert {"raid", "conversation"} <= set(available_passes())


def test_scan_finds_the_pile_on_and_the_doxxing(sqlite_store: Store) -> None:
    chat = load_chat(DEV / "teen_tg_03.json")
    import_messages(sqlite_store, chat.messages)
    rep = pipeline.scan(sqlite_store, detectors=["nothing_test"])
    assert not rep.errors and rep.by_category["raid"] >= 6 and rep.by_category["doxxing"] == 2
    raids = sqlite_store.list_findings(category="raid")
    assert {r.finding.details["target"] for r in raids} == {"Chloé Durand"}
    assert raids[0].finding.detector == "conversation" and "conversation" in rep.detector_seconds
    dox = sqlite_store.list_findings(category="doxxing")
    assert {d.finding.details["target"] for d in dox} == {"Chloé Durand"}


def test_live_feed_finds_the_raid_as_messages_arrive(sqlite_store: Store) -> None:
    chat = load_chat(DEV / "teen_wa_01.json")
    msgs = chat.messages
    import_messages(sqlite_store, msgs[:2])
    pipeline.scan(sqlite_store, message_uids=[m.uid for m in msgs[:2]], detectors=["nothing_test"])
    assert sqlite_store.list_findings(category="raid") == []
    for m in msgs[2:]:
        import_messages(sqlite_store, [m])
        pipeline.scan(sqlite_store, message_uids=[m.uid], detectors=["nothing_test"])
    raids = sqlite_store.list_findings(category="raid", status="open")
    flagged = {r.finding.message_uid for r in raids}
    superseded = sqlite_store.list_findings(category="raid", status="dismissed")
    assert all(s.status_by == "system:conversation" for s in superseded)
    assert msgs[4].uid in flagged  # an earlier message of the raid is flagged once the raid shows
    assert {r.finding.details["target"] for r in raids} == {"Léa Martin"}
    by_id = {m.uid: chat.msg_of_uid[m.uid]["role"] for m in msgs}
    assert all(by_id[u] in ("bully", "supporter") for u in flagged)


def test_raid_findings_qualify_as_harassment_in_concert_and_doxxing_is_categorised() -> None:
    from veilleur.detect.conversation import ConversationPass

    chat = load_chat(DEV / "doctors_fb_10.json")
    fs = ConversationPass().run(chat.ctx, [])
    raid = [f for f in fs if f.category == "raid"]
    case = Case(
        id="c1",
        title="raid",
        kind="raid",
        community_uid=chat.messages[0].community_uid,
        message_uids=tuple(f.message_uid for f in raid),
        finding_ids=tuple(f.id for f in raid),
    )
    q = qualify(case, chat.messages, raid)
    harcelement = [c for c in q.candidates if c.offence.id == "harcelement_moral_en_ligne"]
    assert harcelement and any("raid" in r for r in harcelement[0].reasons)
    assert any(r.article == "222-33-2-2" for r in harcelement[0].offence.references)
    assert {f.category for f in fs} >= {"raid", "doxxing"}


def test_pass_options_come_from_the_settings_section(tmp_path: Path) -> None:
    from veilleur.config import load_settings

    home = tmp_path / "vhome"
    home.mkdir()
    (home / "veilleur.toml").write_text("[detectors.conversation]\nmin_authors = 5\n", encoding="utf-8")
    store = Store.open(load_settings(home=home, db_url=f"sqlite:///{home / 'v.sqlite'}"))
    try:
        import_messages(store, load_chat(DEV / "teen_wa_01.json").messages)
        rep = pipeline.scan(store, detectors=["nothing_test"])
        assert "raid" not in rep.by_category and not rep.errors  # 3 raiders < 5
        rep = pipeline.scan(
            store, detectors=["nothing_test"], detector_options={"conversation": {"min_authors": 2}}
        )
        assert rep.by_category["raid"] > 0
    finally:
        store.close()


def test_a_live_scan_with_short_history_keeps_older_conversation_findings(
    sqlite_store: Store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    chat = load_chat(DEV / "doctors_dc_13.json")  # a three-day campaign
    import_messages(sqlite_store, chat.messages)
    pipeline.scan(sqlite_store, detectors=["nothing_test"])
    before = {sf.finding.id for sf in sqlite_store.list_findings(detector="conversation", status="open")}
    assert before
    monkeypatch.setattr(pipeline, "HISTORY_MESSAGES", 2)
    last = chat.messages[-1]
    pipeline.scan(sqlite_store, message_uids=[last.uid], detectors=["nothing_test"])
    after = {sf.finding.id for sf in sqlite_store.list_findings(detector="conversation", status="open")}
    assert before <= after
