"""Train the threat head (révision 15c, ``threat_head.py``) on team line files.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_threat_head [--odd-only PATH ...] [--folds N] [--oof F]
        [--save OUT] FILES...

A line is a threat when ``threat`` is among its labels or its phenomenon is ``call_for_violence`` /
``threat_individual`` (older team files label calls for violence as group hate only). ``--odd-only`` files give only
their odd ids (their even ids are kept for reporting). Prints out-of-fold figures (grouped by file: no writer is
scored by a model that saw it) at a few thresholds, writes the out-of-fold probabilities (``--oof``, one JSON line a
row: file, id, p; révision 19b, for choosing the ``alone`` bar on the cascade's outputs), then fits on everything and
saves the weights. The shipped head (révision 19b): every team file, writers 37–46 ``--odd-only``, ``--folds 8``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from veilleur.detect.text_harm.semantic_corpus import iter_team_rows
from veilleur.detect.text_harm.threat_head import ThreatHead, counts, idf_of, is_threat, weigh
from veilleur.errors import run_command
from veilleur.files import atomic_open

C = 4.0
THRESHOLD = 0.9  # chosen on the choosing data's out-of-fold scores (docs/text_harm.md, révision 15c)


def load_rows(
    files: list[Path], odd_only: list[Path], label: Callable[[dict[str, Any]], bool]
) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """Texts, 0/1 labels (``label``), writer (file stem) and id of the team rows (odd ids only for ``odd_only``)."""
    texts: list[str] = []
    y: list[int] = []
    groups: list[str] = []
    ids: list[str] = []
    for f, r in iter_team_rows(files, odd_only):
        texts.append(r["text"])
        y.append(int(label(r)))
        groups.append(f.stem)
        ids.append(str(r.get("id", "")))
    return texts, np.array(y), groups, ids


def load(files: list[Path], odd_only: list[Path]) -> tuple[list[str], np.ndarray, list[str]]:
    texts, y, groups, _ = load_rows(files, odd_only, is_threat)
    return texts, y, groups


def fit(x, y: np.ndarray, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """idf, coefficients and intercept of a head fitted on ``x``, ``y`` (``w``: sample weights, None: all 1)."""
    idf = idf_of(x)
    m = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(weigh(x, idf), y, sample_weight=w)
    return idf, m.coef_[0].astype(np.float32), float(m.intercept_[0])


def out_of_fold(
    x, y: np.ndarray, groups: list[str], n_splits: int, progress: bool = False, w: np.ndarray | None = None
) -> np.ndarray:
    """Each row's probability from a head fitted without its writer's fold (``GroupKFold`` over ``groups``)."""
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=n_splits).split(x, y, groups):
        idf, coef, b = fit(x[tr], y[tr], None if w is None else w[tr])
        oof[te] = 1.0 / (1.0 + np.exp(-(weigh(x[te], idf) @ coef + b)))
        if progress:
            print(f"fold: {len(te)} lines scored", flush=True)
    return oof


def check_folds(ap: argparse.ArgumentParser, n_splits: int, groups: list[str]) -> None:
    """``GroupKFold`` needs 2 to as many folds as writers (files): else one error line and exit 2 (``ap.error``)."""
    n = len(set(groups))
    if n < 2:
        ap.error(
            f"--folds {n_splits}: the folds group the lines by file; give at least 2 files with lines ({n} here)"
        )
    if not 2 <= n_splits <= n:
        ap.error(
            f"--folds {n_splits}: the folds group the lines by file, 2 to {n} here ({n} files with lines)"
        )


def head_parser(doc: str | None, folds: int, oof: bool = False) -> argparse.ArgumentParser:
    """The heads' trainers' arguments: the team FILES, ``--odd-only``, ``--save``, ``--folds`` (default ``folds``; 0:
    one fold a file) and, with ``oof``, ``--oof`` (the out-of-fold probabilities' file)."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--odd-only", nargs="*", type=Path, default=[])
    ap.add_argument("--save", type=Path)
    if oof:
        ap.add_argument("--oof", type=Path, help="write the out-of-fold probabilities here (JSON lines)")
    ap.add_argument("--folds", type=int, default=folds, help="0: leave one writer (file) out")
    return ap


def parse_head_args(
    ap: argparse.ArgumentParser, argv: list[str] | None
) -> tuple[argparse.Namespace, list[Path]]:
    """The parsed arguments of ``head_parser`` and the files read whole (those not ``--odd-only``); a file that does
    not exist: one error line and exit 2 (``ap.error``)."""
    a = ap.parse_args(argv)
    absent = [str(f) for f in [*a.files, *a.odd_only] if not f.is_file()]
    if absent:
        ap.error(f"no such file: {', '.join(absent)}")
    return a, [f for f in a.files if f not in a.odd_only]


def write_oof(path: Path, groups: list[str], ids: list[str], oof: np.ndarray) -> None:
    """The out-of-fold probabilities, one JSON line a row (file, id, p), written whole or not at all."""
    with atomic_open(path, "w") as fh:
        for g, i, prob in zip(groups, ids, oof, strict=True):
            fh.write(json.dumps({"file": g, "id": i, "p": round(float(prob), 5)}) + "\n")


def print_out_of_fold(oof: np.ndarray, y: np.ndarray, name: str, bars: tuple[float, ...]) -> None:
    """The out-of-fold positives (``name``) and others found at each bar."""
    for t in bars:
        p = oof >= t
        print(
            f"out of fold t={t}: {name} {int((p & (y == 1)).sum())}/{int(y.sum())}, "
            f"others {int((p & (y == 0)).sum())}/{int((y == 0).sum())}"
        )


def main(argv: list[str] | None = None) -> None:
    ap = head_parser(__doc__, folds=5, oof=True)
    a, files = parse_head_args(ap, argv)
    texts, y, groups, ids = load_rows(files, list(a.odd_only), is_threat)
    x = counts(texts)
    print(f"{len(texts)} lines, {int(y.sum())} threats, {len(set(groups))} files")
    check_folds(ap, a.folds, groups)
    oof = out_of_fold(x, y, groups, a.folds)
    print_out_of_fold(oof, y, "threats", (0.5, 0.8, 0.85, 0.9, 0.95))
    if a.oof:
        write_oof(a.oof, groups, ids, oof)
    if a.save:
        idf, coef, b = fit(x, y)
        meta = {"files": sorted(set(groups)), "lines": len(texts), "threats": int(y.sum()), "C": C}
        ThreatHead(idf, coef, b, THRESHOLD, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    raise SystemExit(run_command(main))
