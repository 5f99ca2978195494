"""Read models over the core tables (store/queries.py) and their callers outside store/."""

from __future__ import annotations

from tests.factories import msg
from veilleur.errors import NotFoundError
from veilleur.ingest.importer import import_messages
from veilleur.labels_eval import evaluate_labels
from veilleur.records import Finding
from veilleur.store import Store
from veilleur.store import queries as q
from veilleur.taxonomy import Severity

CAT = "discrimination:body_weight"


def _world(store: Store) -> list[str]:
    msgs = [msg(1, "post"), msg(2, "la grosse de la 12", parent=1), msg(3, "autre", parent=1)]
    import_messages(store, msgs)
    f = Finding(msgs[1].uid, "t", "1", CAT, Severity.HIGH, 0.9)
    store.save_findings([f])
    return [m.uid for m in msgs]


def test_counts_and_stored_record(store: Store) -> None:
    uids = _world(store)
    assert q.reply_counts(store, uids) == {uids[0]: 2}
    assert q.open_by_severity(store, None) == {int(Severity.HIGH): 1}
    assert sum(q.findings_per_member(store, None).values()) == 1
    rec = q.stored_record(store, uids[1])
    assert rec.visibility == "visible" and len(rec.raw_sha256) == 64 and rec.raw
    try:
        q.stored_record(store, "nope")
    except NotFoundError as exc:
        assert "nope" in str(exc)
    else:
        raise AssertionError("a missing message must raise NotFoundError")


def test_label_evaluation_reads_through_store_queries(store: Store) -> None:
    uids = _world(store)
    pids = {v: k for k, v in q.uids_by_platform_id(store).items()}
    labels = {pids[uids[1]]: {CAT}, pids[uids[2]]: {CAT}, "absent": {CAT}}
    rep = evaluate_labels(store, labels)
    assert rep.messages == 2 and rep.missing_ids == 1
    sc = rep.scores[CAT]
    assert (sc.tp, sc.fp, sc.fn) == (1, 0, 1)
