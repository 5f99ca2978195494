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

from veilleur.detect.text_harm import train_threat_head as trainer
from veilleur.detect.text_harm.patient_head import PatientHead, is_patient_mockery
from veilleur.detect.text_harm.threat_head import counts
from veilleur.errors import run_command

THRESHOLD = 0.9  # chosen on writer-grouped out-of-fold scores of the cascade's outputs (docs/text_harm.md, révision 17d)


def main(argv: list[str] | None = None) -> None:
    ap = trainer.head_parser(__doc__, folds=8, oof=True)
    a, files = trainer.parse_head_args(ap, argv)
    texts, y, groups, ids = trainer.load_rows(files, list(a.odd_only), is_patient_mockery)
    x = counts(texts)
    print(f"{len(texts)} lines, {int(y.sum())} patient mockery, {len(set(groups))} files", flush=True)
    n_splits = a.folds or len(set(groups))
    trainer.check_folds(ap, n_splits, groups)
    oof = trainer.out_of_fold(x, y, groups, n_splits, progress=True)
    trainer.print_out_of_fold(oof, y, "patient mockery", (0.5, 0.8, 0.9, 0.95, 0.97))
    if a.oof:
        trainer.write_oof(a.oof, groups, ids, oof)
    if a.save:
        idf, coef, b = trainer.fit(x, y)
        meta = {
            "files": sorted(set(groups)),
            "lines": len(texts),
            "patient_mockery": int(y.sum()),
            "C": trainer.C,
            "folds": n_splits,
        }
        PatientHead(idf, coef, b, THRESHOLD, meta).save(str(a.save))
        print("saved", a.save)


if __name__ == "__main__":
    raise SystemExit(run_command(main))
