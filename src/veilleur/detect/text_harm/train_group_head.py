"""Train the group-hate head (révision 18b, ``group_head.py``) on team line files.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_group_head [--odd-only PATH ...] [--save OUT] FILES...

A line is hate against a group when a ``discrimination:*`` category is among its labels (``group_head.is_group_hate``).
``--odd-only`` files give only their odd ids (their even ids are kept for reporting). Prints out-of-fold figures
(grouped by file: no writer is scored by a model that saw it; ``--folds 0``: one fold a file) at a few thresholds,
writes the out-of-fold probabilities (``--oof``, one JSON line a row in ``iter_team_rows`` order: file, id, p) for
choosing the bar on the cascade's own outputs, then fits on everything and saves the weights.
The shipped head (révision 18b): every team file, writers 37–44 ``--odd-only``, ``--folds 8``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm import train_threat_head as trainer
from veilleur.detect.text_harm.group_head import GroupHead, is_group_hate
from veilleur.detect.text_harm.semantic_corpus import iter_team_rows
from veilleur.detect.text_harm.threat_head import counts
from veilleur.errors import run_command

THRESHOLD = 0.8  # chosen on writer-grouped out-of-fold scores of the cascade's outputs (docs/text_harm.md, révision 18b)
# a counter-speech line's weight (1.0 shipped; 3.0 measured in révision 18b: fewer counter-speech lines over the bar out
# of fold, no change in the cascade's choosing figures)
CS_WEIGHT = 1.0


def is_counter_speech(row: dict[str, Any]) -> bool:
    return str(row.get("phenomenon") or "").startswith("counter_speech")


def load(
    files: list[Path], odd_only: list[Path]
) -> tuple[list[str], np.ndarray, np.ndarray, list[str], list[str]]:
    """Texts, labels (``is_group_hate``), counter-speech flags, writer (file stem) and id of the team rows."""
    texts, y, groups, ids = trainer.load_rows(files, odd_only, is_group_hate)
    cs = np.array([is_counter_speech(r) for _, r in iter_team_rows(files, odd_only)], dtype=bool)
    return texts, y, cs, groups, ids


def main(argv: list[str] | None = None) -> None:
    ap = trainer.head_parser(__doc__, folds=8, oof=True)
    ap.add_argument("--cs-weight", type=float, default=CS_WEIGHT, help="weight of a counter-speech line")
    a, files = trainer.parse_head_args(ap, argv)
    texts, y, cs, groups, ids = load(files, list(a.odd_only))
    w = np.where(cs, a.cs_weight, 1.0)
    x = counts(texts)
    print(
        f"{len(texts)} lines, {int(y.sum())} group hate, {int(cs.sum())} counter-speech, {len(set(groups))} files"
    )
    n_splits = a.folds or len(set(groups))
    trainer.check_folds(ap, n_splits, groups)
    oof = trainer.out_of_fold(x, y, groups, n_splits, progress=True, w=w)
    trainer.print_out_of_fold(oof, y, "group hate", (0.5, 0.8, 0.9, 0.95))
    for t in (0.5, 0.8, 0.9):
        print(f"out of fold t={t}: counter-speech {int(((oof >= t) & cs).sum())}/{int(cs.sum())}")
    if a.oof:
        trainer.write_oof(a.oof, groups, ids, oof)
    if a.save:
        idf, coef, b = trainer.fit(x, y, w)
        meta = {
            "files": sorted(set(groups)),
            "lines": len(texts),
            "group_hate": int(y.sum()),
            "C": trainer.C,
            "folds": n_splits,
            "cs_weight": a.cs_weight,
        }
        GroupHead(idf, coef, b, THRESHOLD, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    raise SystemExit(run_command(main))
