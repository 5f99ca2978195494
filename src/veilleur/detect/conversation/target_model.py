"""Session 15 (issue 12): a learned aim ranker at the candidate-target level — one row per (chat, member) who
receives any hostility, aimed or guessed: how many turns and distinct authors hit them, their share of the chat's
hostility, how much of it is written (a name, a mention, a reply) or guessed, the hostility said about them in the
third person, the turns that answer them right after they spoke, whether they hit back, laugh, are hurt or defended,
the attackers' and their own attacker probability, and whether the rules' main raid is aimed at them.

Used by the pass (``analyse._episodes``, ``Settings.target_model``): when the rules accept no raid in a chat, the
member it ranks first (probability at least ``Settings.target_propose``) gets a *proposed* raid — built by the
rules' own episode code with the pile-on minimums relaxed (``_proposal``) — which the learned raid check
(``raid_model.py``) then judges like any other: the rules' checks and the veto keep civil chats clean. Trained by
``conversation/train_target.py`` on the team chats read out of writer, chosen leave-one-writer-out
(docs/conversations.md, "Session 15"). Weights ship as ``data/target_model.npz``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from veilleur.detect.conversation import cues
from veilleur.detect.conversation.model import NamedFeatureModel

if TYPE_CHECKING:
    from veilleur.detect.conversation.analyse import Turn

MODEL_FILE = "target_model.npz"
AFTER = timedelta(minutes=15)  # a turn this soon after the member's own turn, by someone else, "answers" them
MAX_CANDIDATES = 12  # members ranked per community (those with the most hostility at or about them)

TARGET_FEATURES = (
    "hits",  # log(1 + hostile turns aimed at the member, by others)
    "authors",  # log(1 + distinct authors of those)
    "share",  # their share of the chat's hostile turns aimed at someone
    "explicit",  # share of those turns whose aim is written (a name, a mention, a vocative, a reply)
    "about_hostile",  # log(1 + hostile turns that speak about the member in the third person, by others)
    "about_ph",  # mean context probability of the others' turns to or about the member
    "after_hostile",  # log(1 + hostile turns by others right after the member's own turn)
    "after_ph",  # mean context probability of the others' turns right after the member's turns
    "own_turns",  # the member's share of the chat's turns
    "absent",  # the member never writes
    "own_hostile",  # the member's hostile turns / their turns
    "hits_back",  # share of their attackers they hit back
    "own_pr",  # the member's mean attacker probability
    "attackers_pr",  # the attackers' mean attacker probability
    "laughs",  # the member's turns that laugh or show affection (share)
    "hurt",  # the member's turns with distress or hurt (share)
    "defended",  # others' defence turns within 3 turns after a hostile turn at the member (share of those turns)
    "days",  # distinct days with hostile turns at the member
    "top",  # the member receives the most hostile turns in the chat
    "rules_main",  # the rules' main raid (before the check) is aimed at the member
    "rules_any",  # some raid of the rules is aimed at the member
    "members",  # log(1 + members who write)
)


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def candidates(ts: Sequence[Turn], members: Sequence[str]) -> list[str]:
    """The members worth ranking: anyone hostility is aimed at, or said about, most such turns first."""
    weight: dict[str, float] = defaultdict(float)
    for t in ts:
        if not t.hostile:
            continue
        for u in t.targets:
            if u != t.author:
                weight[u] += 1.0
        for u in (*t.to, *t.about):
            if u != t.author:
                weight[u] += 0.5
    known = set(members)
    ranked = sorted((u for u in weight if u in known), key=lambda u: (-weight[u], u))
    return ranked[:MAX_CANDIDATES]


def target_rows(
    ts: Sequence[Turn], cands: Sequence[str], rules_main: str | None, rules_any: set[str]
) -> np.ndarray:
    """One row per candidate ``cands`` of a community whose turns are ``ts`` (time order)."""
    from veilleur.detect.conversation.analyse import EXPLICIT

    hostile = [t for t in ts if t.hostile]
    aimed = [t for t in hostile if any(u != t.author for u in t.targets)]
    writers = {t.author for t in ts}
    counts = {u: sum(1 for t in hostile if u in t.targets and t.author != u) for u in cands}
    top = max(counts.values(), default=0)
    # the turn right after each member's own turn, by someone else, within AFTER
    after: dict[str, list[Turn]] = defaultdict(list)
    for prev, t in zip(ts, ts[1:], strict=False):
        if t.author != prev.author and t.m.created_at - prev.m.created_at <= AFTER:
            after[prev.author].append(t)
    index = {t.uid: k for k, t in enumerate(ts)}
    rows = []
    for u in cands:
        at = [t for t in hostile if u in t.targets and t.author != u]
        attackers = {t.author for t in at}
        mine = [t for t in ts if t.author == u]
        folded = [cues.fold(t.m.text or "") for t in mine]
        about = [t for t in ts if t.author != u and (u in t.to or u in t.about)]
        about3 = [t for t in hostile if t.author != u and u in t.about and u not in t.to]
        aft = after.get(u, [])
        hit_back = {x for t in mine if t.hostile for x in t.targets} & attackers
        att_turns = [t for t in ts if t.author in attackers]
        defended = 0
        near = 0
        for h in at:
            k = index[h.uid]
            for t in ts[k + 1 : k + 4]:
                near += 1
                defended += t.author != u and t.author not in attackers and t.stance == "defend"
        rows.append(
            [
                math.log1p(len(at)),
                math.log1p(len(attackers)),
                len(at) / max(len(aimed), 1),
                sum(1 for t in at if t.how.get(u) in EXPLICIT) / max(len(at), 1),
                math.log1p(len(about3)),
                _mean([t.p_h for t in about]),
                math.log1p(sum(1 for t in aft if t.hostile)),
                _mean([t.p_h for t in aft]),
                len(mine) / max(len(ts), 1),
                float(not mine),
                sum(1 for t in mine if t.hostile) / max(len(mine), 1),
                len(hit_back) / max(len(attackers), 1),
                _mean([t.p_r for t in mine]),
                _mean([t.p_r for t in att_turns]),
                sum(1 for f in folded if cues.LAUGH.search(f) or cues.AFFECTION.search(f))
                / max(len(mine), 1),
                sum(1 for t, f in zip(mine, folded, strict=True) if t.distress or cues.HURT.search(f))
                / max(len(mine), 1),
                defended / max(near, 1),
                float(len({t.m.created_at.date() for t in at})),
                float(top > 0 and counts[u] == top),
                float(u == rules_main),
                float(u in rules_any),
                math.log1p(len(writers)),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(cands), len(TARGET_FEATURES))


class TargetModel(NamedFeatureModel):
    """The aim ranker: a standardised logistic regression over ``TARGET_FEATURES`` (``meta``: how it was trained)."""

    EXPECTED = TARGET_FEATURES


@lru_cache(maxsize=1)
def load_target_model() -> TargetModel | None:
    return TargetModel.load(Path(__file__).resolve().parent / "data" / MODEL_FILE)
