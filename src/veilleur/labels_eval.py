"""Compares stored findings with a ground-truth labels file (message id → categories), per category.

The labels file is JSONL: ``{"message_id": "...", "categories": ["insult", ...]}`` per message; the
message id is the platform's id (``Message.message_id``). Messages absent from the file are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veilleur.errors import InputError
from veilleur.evaluation import Counts, read_jsonl
from veilleur.store import Store
from veilleur.store.queries import categories_by_message, uids_by_platform_id
from veilleur.taxonomy import CATEGORIES, SECRECY_CATEGORIES

_SECRECY = set(SECRECY_CATEGORIES)

# Families that are scored as one when a detector cannot tell them apart reliably.
ANY_HARM = "any_harm"
ANY_SECRECY = "any_secrecy"


CategoryScore = Counts  # per-category counts of ``veilleur eval labels``


@dataclass
class LabelsReport:
    messages: int = 0
    scores: dict[str, CategoryScore] = field(default_factory=dict)
    missing_ids: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "missing_ids": self.missing_ids,
            "categories": {k: v.to_dict() for k, v in sorted(self.scores.items())},
        }


def read_labels(path: str | Path) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    p = Path(path)
    for n, rec in read_jsonl(p):
        try:
            mid, cats = str(rec["message_id"]), set(rec.get("categories") or [])
        except (KeyError, TypeError) as exc:
            raise InputError(p, f'line {n}: expected {{"message_id", "categories"}} ({exc})') from None
        unknown = cats - set(CATEGORIES)
        if unknown:
            raise InputError(p, f"line {n}: unknown categories {sorted(unknown)}")
        labels[mid] = cats
    if not labels:
        raise InputError(p, "no labels in file")
    return labels


def evaluate_labels(
    store: Store, labels: dict[str, set[str]], *, community_uid: str | None = None
) -> LabelsReport:
    with store.transaction():  # one snapshot for both reads
        uid_by_pid = {
            pid: uid for pid, uid in uids_by_platform_id(store, community_uid).items() if pid in labels
        }
        predicted = categories_by_message(store)
    rep = LabelsReport(missing_ids=len(set(labels) - set(uid_by_pid)))
    for pid, gold in labels.items():
        uid = uid_by_pid.get(pid)
        if uid is None:
            continue
        rep.messages += 1
        pred = predicted.get(uid, set())
        gold_f = (
            gold
            | ({ANY_HARM} if any(c not in _SECRECY for c in gold) else set())
            | ({ANY_SECRECY} if gold & _SECRECY else set())
        )
        pred_f = (
            pred
            | ({ANY_HARM} if any(c not in _SECRECY for c in pred) else set())
            | ({ANY_SECRECY} if pred & _SECRECY else set())
        )
        for c in gold_f | pred_f:
            sc = rep.scores.setdefault(c, CategoryScore())
            if c in gold_f and c in pred_f:
                sc.tp += 1
            elif c in pred_f:
                sc.fp += 1
            else:
                sc.fn += 1
    return rep
