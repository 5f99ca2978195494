"""Train the stance head (révision 16a, ``stance.py``) on team line files.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_stance [--odd-only PATH ...] [--save OUT] FILES...

Rows: counter-speech (phenomenon ``counter_speech*``, label 1) and harmful rows (a category among their labels,
label 0) of the files; ``--odd-only`` files give only their odd ids (their even ids are kept for reporting). Each row
goes through the cascade (the stance head off); the rows the semantic tier read (routed) are kept, with their USE
vector, the semantic tier's probabilities and the cues. Prints leave-one-writer-out figures (no writer scored by a
model that saw it) on the rows the head would read (flagged by the semantic tier alone, or by the teen head without a
lexicon score), then fits on everything and saves the weights.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

C = 1.0
THRESHOLD = 0.9  # semantic tier alone (docs/text_harm.md, révision 16a: chosen on the out-of-writer figures)
TEEN_THRESHOLD = 0.7
TEEN_MAX = 0.55


def is_counter_speech(row: dict[str, Any]) -> bool:
    return str(row.get("phenomenon") or "").startswith("counter_speech")


def load(files: list[Path], odd_only: list[Path]) -> list[dict[str, Any]]:
    from veilleur.detect.text_harm.detector import CATEGORIES
    from veilleur.detect.text_harm.semantic_corpus import iter_team_rows

    rows: list[dict[str, Any]] = []
    for f, r in iter_team_rows(files, odd_only):
        harmful = bool(set(r.get("labels") or []) & set(CATEGORIES))
        if is_counter_speech(r) or harmful:
            rows.append({"text": r["text"], "y": int(is_counter_speech(r)), "writer": f.stem})
    return rows


def extract(
    rows: list[dict[str, Any]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str], tuple[str, ...]]:
    """Inputs of the routed rows: X, y, vetoable kind (0 none, 1 semantic tier alone, 2 teen head), the teen head's
    probability, writer; and the semantic tier's categories."""
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer
    from veilleur.detect.text_harm.normalize import deobfuscate
    from veilleur.detect.text_harm.semantic import encode
    from veilleur.detect.text_harm.stance import StanceHead

    an = TextHarmAnalyzer()
    an.stance_head = None
    cats = tuple(c for c in getattr(an.semantic, "categories", ()))
    shell = StanceHead(np.zeros(0), 0.0, cats, 1.0, 1.0, 0.0)
    results = []
    texts = [r["text"] for r in rows]
    for i in range(0, len(texts), 500):
        results.extend(an.analyze(texts[i : i + 500]))
    keep = [i for i, a in enumerate(results) if "semantic" in a.tiers]
    sem_texts = [deobfuscate(texts[i]) if an.deobfuscate else texts[i] for i in keep]
    X = shell.features(
        encode(sem_texts), [texts[i] for i in keep], [results[i].tiers["semantic"] for i in keep]
    )
    kind = np.array([an.stance_kind(results[i]) for i in keep])
    teen_p = np.array([float(results[i].tiers.get("teen_head", {}).get("p", 1.0)) for i in keep])
    y = np.array([rows[i]["y"] for i in keep])
    writers = [rows[i]["writer"] for i in keep]
    return X, y, kind, teen_p, writers, cats


def fit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X, y)
    return m.coef_[0].astype(np.float32), float(m.intercept_[0])


def vetoed(
    p: np.ndarray, kind: np.ndarray, teen_p: np.ndarray, t: float, t_teen: float, teen_max: float
) -> np.ndarray:
    return ((kind == 1) & (p >= t)) | ((kind == 2) & (p >= t_teen) & (teen_p < teen_max))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--odd-only", nargs="*", type=Path, default=[])
    ap.add_argument("--save", type=Path)
    a = ap.parse_args(argv)
    files = [f for f in a.files if f not in a.odd_only]
    rows = load(files, list(a.odd_only))
    X, y, kind, teen_p, writers, cats = extract(rows)
    w = np.array(writers)
    print(f"{len(rows)} rows, {len(y)} routed ({int(y.sum())} counter-speech), {len(set(writers))} files")
    oof = np.zeros(len(y))
    for g in sorted(set(writers)):
        te = w == g
        coef, b = fit(X[~te], y[~te])
        oof[te] = 1.0 / (1.0 + np.exp(-(X[te] @ coef + b)))
    for t, tt, tm in ((THRESHOLD, TEEN_THRESHOLD, TEEN_MAX), (0.95, 2.0, 0.0), (0.8, 0.6, 0.55)):
        v = vetoed(oof, kind, teen_p, t, tt, tm)
        print(
            f"out of writer t={t} teen={tt}<{tm}: counter-speech flags lifted {int((v & (y == 1)).sum())}/"
            f"{int(((kind > 0) & (y == 1)).sum())}, harmful flags lost {int((v & (y == 0)).sum())}/"
            f"{int(((kind > 0) & (y == 0)).sum())}"
        )
    if a.save:
        from veilleur.detect.text_harm.stance import StanceHead

        coef, b = fit(X, y)
        meta = {"files": sorted(set(writers)), "rows": len(y), "counter_speech": int(y.sum()), "C": C}
        StanceHead(coef, b, cats, THRESHOLD, TEEN_THRESHOLD, TEEN_MAX, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    main()
