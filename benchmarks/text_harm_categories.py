"""Which categories the cascade names on flagged messages, per category P / R / F1 (révision 18c, s15-cat).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/text_harm_categories.py dump OUT.jsonl FILE[:odd|:even] ...``
runs the whole cascade (the shipped policy) on labelled JSONL files (``:odd`` / ``:even``: only the odd / even ids,
for the team writers whose even ids are report-only) and writes one JSON line a row: file, id, gold labels, the
categories flagged, the final scores and the tiers (what the category layer reads, ``category_layer.py``).
``report DUMP.jsonl`` prints the per-category P / R / F1, macro-F1 and any-harm P / R of a dump (aggregate only).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from veilleur.detect.text_harm.evaluate import compute_metrics
from veilleur.detect.text_harm.model import MODEL_CATEGORIES
from veilleur.detect.text_harm.semantic_corpus import row_number
from veilleur.detect.text_harm.train_category_layer import relabel, row_key


def check_spec(spec: str) -> str | None:
    """What is wrong with a ``FILE[:odd|:even]`` spec, None when nothing."""
    path, _, part = spec.partition(":")
    if part not in ("", "odd", "even"):
        return f"{spec}: the part after ':' must be odd or even"
    return None if Path(path).is_file() else f"{path}: no such file"


def read_spec(spec: str) -> tuple[Path, list[dict[str, Any]]]:
    path, _, part = spec.partition(":")
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    rows = [{**r, "id": row_key(r, i)} for i, x in enumerate(lines) if x.strip() for r in (json.loads(x),)]
    if part in ("odd", "even"):
        rows = [r for r in rows if (row_number(r) or 0) % 2 == (1 if part == "odd" else 0)]
    return Path(path), rows


def dump(out: Path, specs: list[str], batch: int = 200, layer: bool = True) -> None:
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    analyzer = TextHarmAnalyzer()
    if not layer:
        analyzer.category_layer = None
    with out.open("w", encoding="utf-8") as fh:
        for spec in specs:
            path, rows = read_spec(spec)
            for k in range(0, len(rows), batch):
                part = rows[k : k + batch]
                for r, a in zip(part, analyzer.analyze([r["text"] for r in part]), strict=True):
                    rec = {
                        "file": path.stem,
                        "id": str(r.get("id", "")),
                        "gold": sorted(set(r.get("labels") or []) & set(MODEL_CATEGORIES)),
                        "phenomenon": r.get("phenomenon") or r.get("functionality"),
                        "ground": r.get("ground"),
                        "pred": sorted(a.flagged(analyzer.thresholds)),
                        "scores": {c: round(v, 4) for c, v in a.scores.items()},
                        "tiers": a.tiers,
                        "contexts": a.contexts,
                    }
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                print(f"{spec}: {k + len(part)}/{len(rows)}", file=sys.stderr, flush=True)


def report(recs: list[dict[str, Any]], key: str = "pred", current: bool = False) -> dict[str, Any]:
    """Per-category metrics of a dump; ``current``: gold relabelled to the team's current brief (gender-identity
    hate under ``discrimination:sex_gender``; writers 1–34 and 19–21 were asked for ``sexual_orientation``)."""
    gold = [frozenset(relabel(r["gold"], r.get("ground")) if current else r["gold"]) for r in recs]
    pred = [frozenset(r[key]) for r in recs]
    return compute_metrics(gold, pred, MODEL_CATEGORIES)


def print_report(m: dict[str, Any], name: str = "") -> None:
    a = m["any_harm"]
    print(
        f"{name} n={m['n']} any-harm P {a['precision']:.3f} R {a['recall']:.3f}  macro-F1 {m['macro']['f1']:.3f}"
    )
    for c, d in m["per_category"].items():
        if d["support"] or d.get("fp", 0):
            print(f"  {c:36s} P {d['precision']:.2f} R {d['recall']:.2f} F1 {d['f1']:.2f} (n {d['support']})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("specs", nargs="+")
    d.add_argument("--no-layer", action="store_true", help="the cascade without the category layer")
    r = sub.add_parser("report")
    r.add_argument("dumps", nargs="+", type=Path)
    r.add_argument("--key", default="pred", help="the dump's field of predicted categories")
    r.add_argument(
        "--current", action="store_true", help="gold under the current brief (gender identity: sex_gender)"
    )
    a = ap.parse_args(argv)
    if a.cmd == "dump":
        wrong = [e for e in map(check_spec, a.specs) if e]
    else:
        wrong = [f"{p}: no such file" for p in a.dumps if not p.is_file()]
    if wrong:
        ap.error("; ".join(wrong))
    if a.cmd == "dump":
        dump(a.out, a.specs, layer=not a.no_layer)
        return
    recs = [json.loads(x) for p in a.dumps for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    print_report(report(recs, a.key, a.current), " + ".join(p.name for p in a.dumps))


if __name__ == "__main__":
    main()
