"""The DetectionContext and the pipeline's compatibility shim for detectors with and without ``ctx``."""

from __future__ import annotations

from collections.abc import Sequence

from tests.factories import msg
from veilleur import pipeline
from veilleur.detect.base import call_detect, register_detector
from veilleur.detect.context import DetectionContext, context_for
from veilleur.ingest.importer import import_messages
from veilleur.records import Finding, Message
from veilleur.store import Store


class OldStyle:
    name = "old_ctx_test"
    version = "1"

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        self.calls += 1
        return []


class CtxAware:
    """Flags a reply whose parent (seen through the context) says "nul"."""

    name = "ctx_test"
    version = "1"
    seen: list[int] = []

    def detect(self, batch: Sequence[Message], ctx: DetectionContext | None = None) -> list[Finding]:
        assert ctx is not None
        out = []
        for m in batch:
            CtxAware.seen.append(len(ctx.preceding(m.uid, 50)))
            p = ctx.parent(m.uid)
            if p is not None and "nul" in p.text and m.text.strip() == "+1":
                out.append(Finding(m.uid, self.name, self.version, "harassment", "medium", 0.7))
        return out


register_detector("old_ctx_test", OldStyle, default=False)
register_detector("ctx_test", CtxAware, default=False)


def test_shim_passes_ctx_only_to_detectors_that_take_it() -> None:
    batch = [msg(1, "a")]
    ctx = context_for(batch)
    old = OldStyle()
    assert call_detect(old, batch, ctx) == [] and old.calls == 1
    assert call_detect(CtxAware(), batch, ctx) == []


def test_context_thread_preceding_and_replies() -> None:
    ms = [
        msg(1, "post", author="a"),
        msg(2, "reply", author="b", parent=1),
        msg(3, "other", author="c"),
        msg(4, "reply 2", author="c", parent=2),
    ]
    ctx = context_for(list(reversed(ms)))
    assert [m.message_id for m in ctx.thread(ms[3].uid)] == ["m1", "m2", "m4"]
    assert [m.message_id for m in ctx.preceding(ms[2].uid, 5)] == ["m1", "m2"]
    assert ctx.reply_to_author(ms[1].uid) == ms[0].author_uid
    assert [m.message_id for m in ctx.replies(ms[0].uid)] == ["m2"]
    assert ctx.members[ms[0].author_uid].name == "Dr A"
    assert ctx.messages[ms[0].uid].raw is None  # raw is dropped to bound memory


def test_live_feed_is_read_in_its_stored_conversation(sqlite_store: Store) -> None:
    """A message ingested alone still sees the stored message it replies to and the ones before it."""
    import_messages(sqlite_store, [msg(1, "t'es nul", author="a"), msg(2, "bof", author="c")])
    pipeline.scan(sqlite_store, detectors=["ctx_test"])
    CtxAware.seen.clear()
    late = msg(3, "+1", author="b", parent=1)
    import_messages(sqlite_store, [late])
    rep = pipeline.scan(sqlite_store, message_uids=[late.uid], detectors=["ctx_test", "old_ctx_test"])
    assert CtxAware.seen == [2]
    assert rep.by_category.get("harassment") == 1 and not rep.errors
