"""The scan pipeline with detectors registered through the public registry."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tests.factories import msg
from veilleur import pipeline
from veilleur.detect.base import register_detector
from veilleur.ingest.importer import import_messages
from veilleur.records import Finding, Message, Span
from veilleur.store import Store, StoredFinding


class KeywordDetector:
    """Flags messages containing a word: a real detector in miniature."""

    name = "kw_test"
    version = "1.0"

    def __init__(self, word: str = "nul") -> None:
        self.word = word
        self.batches: list[int] = []

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        self.batches.append(len(batch))
        out = []
        for m in batch:
            i = m.text.find(self.word)
            if i >= 0:
                out.append(
                    Finding(
                        m.uid,
                        self.name,
                        self.version,
                        "insult",
                        "medium",
                        0.7,
                        spans=(Span(i, i + len(self.word), "insult", self.word),),
                        excerpt=m.text[:80],
                    )
                )
        return out


class BrokenDetector:
    name = "broken_test"
    version = "0"

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        raise RuntimeError("model file corrupt")


register_detector("kw_test", KeywordDetector, default=False)
register_detector("broken_test", BrokenDetector, default=False)


def test_scan_stores_findings_in_batches_and_summarises(store: Store) -> None:
    msgs = [msg(i, "tu es nul" if i % 10 == 0 else "RAS", author=f"a{i % 4}") for i in range(50)]
    import_messages(store, msgs)
    rep = pipeline.scan(store, detectors=["kw_test"], batch_size=16)
    assert rep.messages == 50 and rep.findings == 5 and rep.new_findings == 5
    assert rep.by_category == {"insult": 5}
    assert rep.top_members[0][2] >= 1 and rep.top_items and rep.top_items[0].excerpt.startswith("tu es nul")
    assert len(store.list_findings(category="insult")) == 5
    rep2 = pipeline.scan(store, detectors=["kw_test"])
    assert rep2.findings == 5 and rep2.new_findings == 0  # stable ids: no duplicates
    assert len(store.list_findings()) == 5


def test_listeners_get_only_new_findings(store: Store) -> None:
    got: list[list[StoredFinding]] = []
    pipeline.finding_listeners.append(lambda s, fs: got.append(fs))
    try:
        import_messages(store, [msg(1, "nul"), msg(2, "ok")])
        pipeline.scan(store, detectors=["kw_test"])
        import_messages(store, [msg(3, "encore nul")])
        pipeline.scan(store, detectors=["kw_test"])
    finally:
        pipeline.finding_listeners.clear()
    assert [len(x) for x in got] == [1, 1]
    assert got[1][0].finding.message_uid == msg(3).uid


def test_a_failing_detector_is_reported_not_fatal(store: Store) -> None:
    import_messages(store, [msg(1, "nul")])
    rep = pipeline.scan(store, detectors=["kw_test", "broken_test"])
    assert rep.findings == 1
    assert "model file corrupt" in rep.errors["broken_test"]


def test_unknown_detector_is_a_clear_error(store: Store) -> None:
    with pytest.raises(KeyError, match="unknown detector"):
        pipeline.scan(store, detectors=["nope"])
