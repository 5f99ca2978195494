"""Session 7b (issue 12): text_harm révision 10's chat-register findings are weaker evidence for the conversation
pass (docs/conversations.md "Session 7b")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from tests.detect.conversation.helpers import chat
from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.model import (
    CONTEXT_FEATURES,
    EMBED_DIM,
    MESSAGE_FEATURES,
    ContextModel,
    Linear,
)
from veilleur.detect.conversation.train import cached_detector, load_items, save_findings
from veilleur.records import Finding

DATA = Path(__file__).resolve().parents[2] / "data" / "conversations" / "dev"


def _insult(uid_: str, register: bool) -> Finding:
    details = {"contexts": ["chat_register"]} if register else {}
    return Finding(uid_, "text_harm", "t", "insult", "medium", 0.5, details=details)


def _flat(n: int, p: float) -> Linear:
    return Linear(np.zeros(n), np.ones(n), np.zeros(n), math.log(p / (1 - p)))


def _model(p_h: float, stage_a: Linear | None = None) -> ContextModel:
    nb = len(CONTEXT_FEATURES)
    return ContextModel(
        stage_a or _flat(EMBED_DIM + len(MESSAGE_FEATURES), 0.1), _flat(nb, p_h), _flat(nb, 0.1), 0.7
    )


def _two() -> tuple[object, list]:
    return chat([("kenza", "tu viens ce soir ?"), ("tom", "nan c'est du chinois ton truc")])


def test_a_chat_register_finding_needs_the_models_agreement() -> None:
    """p_h 0.6: enough for a cascade finding (``finding_agree`` 0.5), not for the register's operating point."""
    ctx, msgs = _two()
    st = Settings(addressee_model=None, model=_model(0.6))
    assert analyse(ctx, [_insult(msgs[1].uid, register=True)], st).turns[msgs[1].uid].hostile == ""
    assert analyse(ctx, [_insult(msgs[1].uid, register=False)], st).turns[msgs[1].uid].hostile == "finding"
    before = Settings(addressee_model=None, model=_model(0.6), register_agree=None)
    assert analyse(ctx, [_insult(msgs[1].uid, register=True)], before).turns[msgs[1].uid].hostile == "finding"
    agree = analyse(
        ctx, [_insult(msgs[1].uid, register=True)], Settings(addressee_model=None, model=_model(0.8))
    )
    turn = agree.turns[msgs[1].uid]
    assert turn.hostile == "finding" and turn.register
    rules_only = analyse(ctx, [_insult(msgs[1].uid, register=True)], Settings(addressee_model=None))
    assert rules_only.turns[msgs[1].uid].hostile == "finding"  # no model to agree: unchanged


def test_a_chat_register_score_does_not_feed_the_models_message_features() -> None:
    """Stage A reads the detector's score (the last hand feature): a register finding leaves it at 0."""
    n = EMBED_DIM + len(MESSAGE_FEATURES)
    w = np.zeros(n)
    w[EMBED_DIM + MESSAGE_FEATURES.index("detector")] = 4.0
    stage_a = Linear(np.zeros(n), np.ones(n), w, -2.0)
    ctx, msgs = _two()
    st = Settings(addressee_model=None, model=_model(0.6, stage_a))
    p_none = analyse(ctx, [], st).turns[msgs[1].uid].p_a
    p_reg = analyse(ctx, [_insult(msgs[1].uid, register=True)], st).turns[msgs[1].uid].p_a
    p_cascade = analyse(ctx, [_insult(msgs[1].uid, register=False)], st).turns[msgs[1].uid].p_a
    assert p_reg == p_none < p_cascade
    st_on = Settings(addressee_model=None, model=_model(0.6, stage_a), register_features=True)
    assert analyse(ctx, [_insult(msgs[1].uid, register=True)], st_on).turns[msgs[1].uid].p_a == p_cascade


def test_saved_findings_keep_the_chat_register_context(tmp_path: Path) -> None:
    """``train.py --save-findings`` / ``--findings`` replay révision 10's findings with their contexts."""
    path = next(iter(sorted(DATA.glob("*.json"))))
    tmp = tmp_path / "one"
    tmp.mkdir()
    (tmp / path.name).write_bytes(path.read_bytes())

    def detect(msgs: list) -> list[Finding]:
        return [_insult(msgs[0].uid, register=True), _insult(msgs[1].uid, register=False)]

    items = load_items([tmp], detect)
    out = tmp_path / "f.json"
    save_findings(items, out)
    again = cached_detector(out)(items[0].chat.messages)
    assert [f.details.get("contexts") for f in again] == [["chat_register"], None]
    old_style = tmp_path / "old.json"  # a file of three-element rows (sessions 6-7) still replays
    rows = {u: [] for u in items[0].uids}
    rows[items[0].uids[0]] = [["text_harm", "insult", 0.8]]
    old_style.write_text(json.dumps(rows), encoding="utf-8")
    assert [f.score for f in cached_detector(old_style)(items[0].chat.messages)] == [0.8]
