"""Train the patient-mockery head (révision 17d, ``patient_head.py``) on team line files.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_patient_head [--odd-only PATH ...] [--save OUT] FILES...

A line is patient mockery when ``patient_mockery`` is among its labels (``patient_head.is_patient_mockery``).
``--odd-only`` files give only their odd ids (their even ids are kept for reporting). Prints out-of-fold figures
(grouped by file: no writer is scored by a model that saw it; ``--folds 0``: one fold a file, leave-one-writer-out)
at a few thresholds, writes the out-of-fold probabilities (``--oof``, one JSON line a row in ``iter_team_rows``
order: file, id, p) for choosing the bar on the cascade's own outputs, then fits on everything and saves the weights.
The shipped head (révision 17d): every team file, writers 37–43 ``--odd-only``, ``--folds 8``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from veilleur.detect.text_harm.patient_head import PatientHead, is_patient_mockery
from veilleur.detect.text_harm.threat_head import counts
from veilleur.detect.text_harm.train_threat_head import (
    C,
    check_folds,
    fit,
    load_rows,
    out_of_fold,
    print_out_of_fold,
)

THRESHOLD = 0.9  # chosen on writer-grouped out-of-fold scores of the cascade's outputs (docs/text_harm.md, révision 17d)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--odd-only", nargs="*", type=Path, default=[])
    ap.add_argument("--save", type=Path)
    ap.add_argument("--oof", type=Path, help="write the out-of-fold probabilities here (JSON lines)")
    ap.add_argument("--folds", type=int, default=8, help="0: leave one writer (file) out")
    a = ap.parse_args(argv)
    absent = [str(f) for f in [*a.files, *a.odd_only] if not f.is_file()]
    if absent:
        ap.error(f"no such file: {', '.join(absent)}")
    files = [f for f in a.files if f not in a.odd_only]
    texts, y, groups, ids = load_rows(files, list(a.odd_only), is_patient_mockery)
    x = counts(texts)
    print(f"{len(texts)} lines, {int(y.sum())} patient mockery, {len(set(groups))} files", flush=True)
    n_splits = a.folds or len(set(groups))
    check_folds(ap, n_splits, groups)
    oof = out_of_fold(x, y, groups, n_splits, progress=True)
    print_out_of_fold(oof, y, "patient mockery", (0.5, 0.8, 0.9, 0.95, 0.97))
    if a.oof:
        with a.oof.open("w", encoding="utf-8") as fh:
            for g, i, prob in zip(groups, ids, oof, strict=True):
                fh.write(json.dumps({"file": g, "id": i, "p": round(float(prob), 5)}) + "\n")
    if a.save:
        idf, coef, b = fit(x, y)
        meta = {
            "files": sorted(set(groups)),
            "lines": len(texts),
            "patient_mockery": int(y.sum()),
            "C": C,
            "folds": n_splits,
        }
        PatientHead(idf, coef, b, THRESHOLD, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    main()
