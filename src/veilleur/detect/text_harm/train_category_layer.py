"""Train the category layer (révision 18c, ``category_layer.py``) and choose its bars.

    D=src/veilleur/detect/text_harm/data/team_messages
    PYTHONPATH=src python -m veilleur.detect.text_harm.train_category_layer $D \\
        --dumps DUMP.jsonl ... [--oof OOF.jsonl] [--save OUT.npz]

Fits one logistic regression per category on the harmful lines of every team file of the folder (odd ids only for
``semantic_corpus.ODD_ONLY_WRITERS``, whose even ids are report-only), their gold categories as targets. Out-of-fold
probabilities come from folds grouped by writer (file): no line is scored by a model that saw its writer. The bars
are chosen on the cascade's own outputs (``--dumps``: ``benchmarks/text_harm_categories.py dump --no-layer`` on team
lines, joined by file and id): for each category, the ``add`` bar that gives the best F1 of that category over the
dumped lines, with the layer's out-of-fold probabilities, kept when it gains ``MIN_GAIN`` of F1; then a ``drop`` bar
(with its best ``add`` bar), kept only when it gains ``MIN_GAIN`` more (never for ``NEVER_DROPPED``). Then fits on every line and saves the weights with the bars.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from veilleur.detect.text_harm.category_layer import NEVER_DROPPED, CategoryLayer, counts, weigh
from veilleur.detect.text_harm.model import MODEL_CATEGORIES
from veilleur.detect.text_harm.semantic_corpus import ODD_ONLY_WRITERS, row_number
from veilleur.detect.text_harm.threat_head import idf_of
from veilleur.detect.text_harm.train_threat_head import check_folds
from veilleur.errors import InputError, run_command
from veilleur.evaluation import read_jsonl
from veilleur.files import atomic_open

C = 4.0
FOLDS = 8
DROP_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
ADD_GRID = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 2.0)
MIN_GAIN = (
    0.005  # F1 an `add` bar must gain over the cascade's own naming, a `drop` bar over the `add` bar alone
)


SEX_GENDER = "discrimination:sex_gender"
ORIENTATION = "discrimination:sexual_orientation"


def relabel(labels: Any, ground: Any) -> set[str]:
    """A line's gold categories under the team's current brief: hate against gender identity (ground
    ``gender_identity``) is ``discrimination:sex_gender``; writers 1–34 (and 19–21) were asked to label it
    ``discrimination:sexual_orientation``, writers 35 on ``sex_gender``."""
    gold = set(labels or []) & set(MODEL_CATEGORIES)
    grounds = ground if isinstance(ground, list) else [ground]
    if "gender_identity" in grounds and ORIENTATION in gold and "sexual_orientation" not in grounds:
        gold = (gold - {ORIENTATION}) | {SEX_GENDER}
    return gold


def row_key(r: dict[str, Any], line: int) -> str:
    """A team line's key: its id, else its line number in the file (older files have no ids)."""
    return str(r.get("id") or f"#{line}")


def team_rows(
    folder: Path, odd_only: tuple[str, ...] = ODD_ONLY_WRITERS
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(writer, key, row) of the team files, odd ids only for ``odd_only``; a file that cannot be read (not UTF-8, a
    line that is not a JSON object with a ``text``) is one ``InputError`` naming it and the line."""
    for f in sorted(folder.glob("*.jsonl")):
        for n, r in read_jsonl(f):
            if "text" not in r:
                raise InputError(f, f"line {n}: no text")
            if f.stem in odd_only and (row_number(r) or 0) % 2 == 0:
                continue
            yield f.stem, row_key(r, n - 1), r


def read_dump(path: Path) -> list[dict[str, Any]]:
    """The rows of a dump of the cascade's outputs (``text_harm_categories.py dump``): ``InputError`` naming the file
    and the line when it cannot be read or a row lacks its file, id, gold or pred."""
    rows = []
    for n, r in read_jsonl(path):
        missing = [k for k in ("file", "id", "gold", "pred") if k not in r]
        if missing:
            raise InputError(path, f"line {n}: no {', '.join(missing)}")
        rows.append(r)
    return rows


def gold_of(r: dict[str, Any], as_written: bool = False) -> set[str]:
    """A team line's gold categories: under the current brief (``relabel``), or as its writer labelled it."""
    return (
        set(r.get("labels") or []) & set(MODEL_CATEGORIES)
        if as_written
        else relabel(r.get("labels"), r.get("ground"))
    )


def load(folder: Path, as_written: bool = False) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """Texts, gold category matrix, writer and key of the harmful team lines."""
    texts, ys, groups, keys = [], [], [], []
    cats = list(MODEL_CATEGORIES)
    for g, k, r in team_rows(folder):
        gold = gold_of(r, as_written)
        if not gold:
            continue
        texts.append(r["text"])
        ys.append([int(c in gold) for c in cats])
        groups.append(g)
        keys.append(k)
    return texts, np.array(ys, dtype=np.int8), groups, keys


def fit(x: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idf = idf_of(x)
    xw = weigh(x, idf)
    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    b = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            b[j] = 10.0 if y[0, j] else -10.0
            continue
        m = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0).fit(
            xw, y[:, j]
        )
        coef[j], b[j] = m.coef_[0], m.intercept_[0]
    return idf, coef, b


def proba(x: Any, idf: np.ndarray, coef: np.ndarray, b: np.ndarray) -> np.ndarray:
    z = np.asarray(weigh(x, idf) @ coef.T) + b
    return 1.0 / (1.0 + np.exp(-z))


def out_of_fold(
    x: Any,
    y: np.ndarray,
    groups: list[str],
    n_splits: int,
    extra: Any = None,
    extra_groups: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each line's probabilities from the layer fitted without its writer's fold (``GroupKFold``); ``extra`` lines
    (harmless lines the layer is not fitted on) scored by the same fold models, by their writer's fold."""
    oof = np.zeros(y.shape, dtype=np.float32)
    eg = extra_groups or []
    ex = np.zeros((len(eg), y.shape[1]), dtype=np.float32)
    for tr, te in GroupKFold(n_splits=n_splits).split(x, y, groups):
        model = fit(x[tr], y[tr])
        oof[te] = proba(x[te], *model)
        held = {groups[i] for i in te}
        rows = [i for i, g in enumerate(eg) if g in held]
        if rows:
            ex[rows] = proba(extra[rows], *model)
        print(f"fold: {len(te)} lines scored", flush=True)
    return oof, ex


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _score(
    rows: list[tuple[bool, bool, bool, float | None]], d: float, a: float
) -> tuple[float, int, int, int]:
    """F1, tp, fp, fn of one category: rows (gold, flagged by the cascade, message flagged, layer probability)."""
    tp = fp = fn = 0
    for g, flagged, any_flag, p in rows:
        hit = flagged
        if any_flag and p is not None:
            hit = p >= d if flagged else p >= a
        tp += g and hit
        fp += (not g) and hit
        fn += g and not hit
    return f1(tp, fp, fn), tp, fp, fn


def choose_bars(
    recs: list[dict[str, Any]], probs: list[dict[str, float] | None]
) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """Per category, the (drop, add) bars of best F1 over the dumped lines (``recs``: gold, pred; ``probs``: the
    layer's out-of-fold probabilities of each line, None for a line it has none of: such a line keeps the cascade's
    naming)."""
    drop: dict[str, float] = {}
    add: dict[str, float] = {}
    lines = []
    for c in MODEL_CATEGORIES:
        rows = [
            (c in r["gold"], c in r["pred"], bool(r["pred"]), p.get(c) if p else None)
            for r, p in zip(recs, probs, strict=True)
        ]
        base = _score(rows, 0.0, 2.0)
        # adding first: the best `add` bar alone, kept when it gains MIN_GAIN of F1
        best, bd, ba = base, 0.0, 2.0
        for a in ADD_GRID:
            s = _score(rows, 0.0, a)
            if s[0] > best[0] + 1e-9:
                best, ba = s, a
        if best[0] - base[0] < MIN_GAIN:
            best, ba = base, 2.0
        # then dropping: a `drop` bar (with its best `add` bar) kept only when it gains MIN_GAIN more
        if c not in NEVER_DROPPED:
            alone = best
            for d in DROP_GRID[1:]:
                for a in ADD_GRID:
                    s = _score(rows, d, a)
                    if s[0] >= alone[0] + MIN_GAIN and s[0] > best[0] + 1e-9:
                        best, bd, ba = s, d, a
        if bd > 0:
            drop[c] = bd
        if ba <= 1.0:
            add[c] = ba
        lines.append(
            f"{c:36s} F1 {base[0]:.3f} -> {best[0]:.3f} (tp/fp/fn {base[1]}/{base[2]}/{base[3]} -> "
            f"{best[1]}/{best[2]}/{best[3]}) drop {bd} add {ba}"
        )
    return drop, add, lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path, help="the team files' folder (team_messages/)")
    ap.add_argument("--dumps", nargs="*", type=Path, default=[], help="the cascade's outputs on team lines")
    ap.add_argument("--oof", type=Path, help="write the out-of-fold probabilities here (JSON lines)")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument(
        "--labels-as-written",
        action="store_true",
        help="gold as each writer labelled it (writers 1-34: gender identity under sexual_orientation)",
    )
    a = ap.parse_args(argv)
    absent = [str(f) for f in a.dumps if not f.is_file()]
    if not a.folder.is_dir():
        absent.insert(0, f"{a.folder} (folder)")
    if absent:
        ap.error(f"no such file: {', '.join(absent)}")
    texts, y, groups, keys = load(a.folder, a.labels_as_written)
    check_folds(ap, a.folds, groups)
    x = counts(texts)
    print(f"{len(texts)} harmful lines, {len(set(groups))} files", flush=True)
    recs = [r for d in a.dumps for r in read_dump(d)]
    cats = list(MODEL_CATEGORIES)
    # the dumped lines' gold under the current brief (``relabel``), as the layer's targets
    gold = {(g, k): gold_of(r, a.labels_as_written) for g, k, r in team_rows(a.folder)}
    for r in recs:
        r["gold"] = sorted(gold.get((r["file"], r["id"]), r["gold"]))
    known = set(zip(groups, keys, strict=True))
    # flagged harmless lines of the dumps: the layer is not fitted on them, each is scored by its writer's fold model
    # (a writer with no harmful line has no fold: its lines get no probabilities and keep the cascade's naming)
    writers = set(groups)
    wanted = {(r["file"], r["id"]) for r in recs if r["pred"] and r["file"] in writers} - known
    extra = [(g, k, r["text"]) for g, k, r in team_rows(a.folder) if (g, k) in wanted]
    oof, ex = out_of_fold(
        x, y, groups, a.folds, counts([t for *_, t in extra]) if extra else None, [g for g, *_ in extra]
    )
    by_key = {
        (g, k): dict(zip(cats, map(float, row), strict=True))
        for g, k, row in [
            *zip(groups, keys, oof, strict=True),
            *((g, k, row) for (g, k, _), row in zip(extra, ex, strict=True)),
        ]
    }
    if a.oof:
        with atomic_open(a.oof) as fh:
            for (g, k), p in by_key.items():
                fh.write(json.dumps({"file": g, "id": k, "p": {c: round(v, 5) for c, v in p.items()}}) + "\n")
    drop: dict[str, float] = {}
    add: dict[str, float] = {}
    if recs:
        probs = [by_key.get((r["file"], r["id"])) for r in recs]
        drop, add, lines = choose_bars(recs, probs)
        print(f"bars chosen on {len(recs)} dumped lines ({sum(bool(r['pred']) for r in recs)} flagged):")
        print("\n".join(lines))
    if a.save:
        idf, coef, b = fit(x, y)
        meta = {
            "files": sorted(set(groups)),
            "lines": len(texts),
            "C": C,
            "folds": a.folds,
            "gender_identity": ORIENTATION if a.labels_as_written else SEX_GENDER,
        }
        CategoryLayer(tuple(cats), idf, coef, b, drop, add, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    raise SystemExit(run_command(main))
