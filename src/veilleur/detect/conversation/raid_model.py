"""Session 14 (issue 12): a learned check on the rules' raids — one row per raid the rules accept (a chat and its
candidate target), a small standardised logistic regression over what surrounds it: how many distinct people attack
the target and how much of the chat's hostility they receive, whether the target hits back, laughs along, is hurt
or defended, apologies, hostility at people outside the chat, spread in time, aims guessed or written, the learned
model's probabilities. Trained by ``conversation/train_raid.py`` on the team chats, measured leave-one-writer-out.

It only *vetoes*: a raid whose probability is under ``Settings.raid_veto`` is dropped; above it the rules decide
(docs/conversations.md, "Session 14"). Weights ship as ``data/raid_model.npz`` (float32 arrays and a JSON header).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from veilleur.detect.conversation import cues
from veilleur.detect.conversation.model import NamedFeatureModel

if TYPE_CHECKING:
    from veilleur.detect.conversation.analyse import Episode, Turn

MODEL_FILE = "raid_model.npz"
SPAN = timedelta(hours=1)  # the turns around the raid's hostile turns that describe it

FEATURES = (
    "authors",  # log(1 + distinct hostile authors at the target)
    "hits",  # log(1 + hostile turns at the target)
    "share_at_target",  # of the hostile turns around the raid, the share aimed at the target
    "other_targets",  # log(1 + other members hit around the raid)
    "target_turns",  # the target's share of the turns around the raid
    "target_absent",  # the target never writes in the chat
    "target_hostile",  # the target's hostile turns / the target's turns around the raid
    "target_hits_raiders",  # share of the raiders the target hits back
    "target_laughs",  # the target's turns that laugh or show affection (share)
    "target_hurt",  # the target's turns with distress or hurt (share)
    "defences",  # others' defence turns around the raid (share of the turns)
    "apologies",  # apologies around the raid (any)
    "laughter",  # share of the turns around the raid that laugh
    "affection",  # share of the turns around the raid with affection
    "outsider",  # hostile turns around the raid aimed at nobody in the chat (share)
    "span_hours",  # log(1 + hours from the first to the last hostile turn)
    "days",  # distinct days of the hostile turns
    "guessed",  # share of the hostile turns whose aim at the target is not written (a name, a mention, a reply)
    "p_h",  # mean hostile-in-context probability of the hostile turns
    "p_r_raiders",  # mean attacker probability of the raiders' turns around the raid
    "p_a",  # mean message-alone probability of the hostile turns
    "finding",  # share of the hostile turns flagged by a per-message detector
    "lexicon",  # share flagged by the conversation lexicon
    "context",  # share that are approvals in context
    "mutual",  # share of the raiders hit by another raider (they trade jabs among themselves)
    "strength_mean",  # the raid's strength / its hostile turns
    "members",  # log(1 + members who write in the chat)
    "hostile_authors_share",  # authors hostile to anyone around the raid / authors around the raid
)


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def episode_features(e: Episode, ts: Sequence[Turn]) -> np.ndarray:
    """The row of one accepted raid ``e`` of a chat whose turns are ``ts`` (time order)."""
    from veilleur.detect.conversation.analyse import EXPLICIT, _apology

    target = e.target
    hostile = e.hostile
    raiders = set(e.raiders)
    start, end = hostile[0].m.created_at - SPAN, hostile[-1].m.created_at + SPAN
    window = [t for t in ts if start <= t.m.created_at <= end]
    hostile_w = [t for t in window if t.hostile]
    at_target = [t for t in hostile_w if target in t.targets]
    others = {u for t in hostile_w for u in t.targets if u != target}
    mine = [t for t in window if t.author == target]
    folded = {t.uid: cues.fold(t.m.text or "") for t in window}
    hit_back = {u for t in mine if t.hostile for u in t.targets} & raiders
    mutual = {u for t in hostile_w if t.author in raiders for u in t.targets if u != t.author} & raiders
    active = {t.author for t in window}
    kinds = [h.hostile for h in hostile]
    span_h = (hostile[-1].m.created_at - hostile[0].m.created_at).total_seconds() / 3600
    row = [
        math.log1p(len({h.author for h in hostile})),
        math.log1p(len(hostile)),
        len(at_target) / max(len(hostile_w), 1),
        math.log1p(len(others)),
        len(mine) / max(len(window), 1),
        float(not any(t.author == target for t in ts)),
        sum(1 for t in mine if t.hostile) / max(len(mine), 1),
        len(hit_back) / max(len(raiders), 1),
        sum(1 for t in mine if cues.LAUGH.search(folded[t.uid]) or cues.AFFECTION.search(folded[t.uid]))
        / max(len(mine), 1),
        sum(1 for t in mine if t.distress or cues.HURT.search(folded[t.uid])) / max(len(mine), 1),
        sum(1 for t in window if t.author != target and t.stance == "defend") / max(len(window), 1),
        float(any(_apology(t) for t in window)),
        sum(1 for t in window if cues.LAUGH.search(folded[t.uid])) / max(len(window), 1),
        sum(1 for t in window if cues.AFFECTION.search(folded[t.uid])) / max(len(window), 1),
        sum(1 for t in hostile_w if not t.targets) / max(len(hostile_w), 1),
        math.log1p(span_h),
        float(len({h.m.created_at.date() for h in hostile})),
        sum(1 for h in hostile if h.how.get(target) not in EXPLICIT) / len(hostile),
        _mean([h.p_h for h in hostile]),
        _mean([t.p_r for t in window if t.author in raiders]),
        _mean([h.p_a for h in hostile]),
        kinds.count("finding") / len(kinds),
        kinds.count("lexicon") / len(kinds),
        kinds.count("context") / len(kinds),
        len(mutual) / max(len(raiders), 1),
        e.strength / len(hostile),
        math.log1p(len({t.author for t in ts})),
        len({t.author for t in hostile_w}) / max(len(active), 1),
    ]
    return np.array(row, dtype=np.float64)


class RaidModel(NamedFeatureModel):
    """The raid check: a standardised logistic regression over ``FEATURES`` (``meta``: how it was trained)."""

    EXPECTED = FEATURES


@lru_cache(maxsize=1)
def load_raid_model() -> RaidModel | None:
    return RaidModel.load(Path(__file__).resolve().parent / "data" / MODEL_FILE)
