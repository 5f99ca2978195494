"""e5 stage against the USE heads: quality on labelled sets, speed, memory, load time and shipped size.

Run: ``.venv/bin/python benchmarks/text_harm_e5.py [--speed] [--quality] [--json] [--shared-data DIR]``.
Quality, for each set (team held-out and chatter files, demo, 20 % held-out splits of the public sets read in
place from ``--shared-data``): the stage alone ("_any" >= 0.5: any-harm P/R; macro-F1 over the categories
present), then the whole cascade with each stage as its second stage (any finding: P/R), and the team
held-out file's per-functionality accuracy. Speed: one thread, texts/s of the stage alone on the team texts,
load time, peak memory (RSS) of the process, size of the shipped files.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data"


def _demo() -> list[tuple[str, frozenset[str], str]]:
    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter

    labels = {}
    for line in (ROOT / "demo" / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = frozenset(d.get("categories", []))
    msgs = FacebookAdapter().read(SourceTree.open(ROOT / "demo" / "facebook-export"), ImportOptions())
    return [
        (m.text, labels[m.message_id] - {"raid"}, "demo") for m in msgs if m.message_id in labels and m.text
    ]


def sets(shared: Path | None) -> dict[str, list[tuple[str, frozenset[str], str]]]:
    from veilleur.detect.text_harm.evaluate import read_labelled

    out: dict[str, list[tuple[str, frozenset[str], str]]] = {}
    for name in ("text_harm_heldout", "text_harm_chatter"):
        out[name] = [
            (r.text, frozenset(r.labels), r.functionality or "-")
            for r in read_labelled(DATA / f"{name}.jsonl")
        ]
    out["demo"] = _demo()
    if shared is not None and shared.exists():
        from veilleur.detect.text_harm.semantic_corpus import is_heldout, read_public

        for e in read_public(shared):
            if is_heldout(e.text):
                out.setdefault(f"{e.source}_heldout", []).append(
                    (e.text, frozenset(e.labels), e.functionality)
                )
    return out


def _prf(pred: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    tp, fp, fn = int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "p": round(p, 3),
        "r": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "fp": fp,
        "support": int(gold.sum()),
    }


def stage_scores(stage: Any, rows: list[tuple[str, frozenset[str], str]]) -> dict[str, Any]:
    probs = stage.predict_proba([t for t, _, _ in rows])
    cats = list(stage.categories)
    gold_any = np.array([bool(g) for _, g, _ in rows])
    res: dict[str, Any] = {"any": _prf(probs[:, cats.index("_any")] >= 0.5, gold_any)}
    f1s = []
    for j, c in enumerate(cats[:-1]):
        g = np.array([c in gl for _, gl, _ in rows])
        if g.any():
            f1s.append(_prf(probs[:, j] >= 0.5, g)["f1"])
    res["macro_f1"] = round(float(np.mean(f1s)), 3) if f1s else None
    return res


def cascade_scores(analyzer: Any, rows: list[tuple[str, frozenset[str], str]]) -> dict[str, Any]:
    before = dict(analyzer.routing)
    res = analyzer.analyze([t for t, _, _ in rows])
    pred = np.array([bool(a.flagged(analyzer.thresholds)) for a in res])
    gold = np.array([bool(g) for _, g, _ in rows])
    routed = analyzer.routing["semantic"] - before["semantic"]
    by_func: dict[str, list[bool]] = defaultdict(list)
    for (_, g, fn), p in zip(rows, pred, strict=True):
        by_func[fn].append(bool(g) == bool(p))
    return {
        "any": _prf(pred, gold),
        "routed": round(routed / max(1, len(rows)), 3),
        "accuracy_by_functionality": {k: round(sum(v) / len(v), 2) for k, v in sorted(by_func.items())},
    }


def quality(shared: Path | None, only: str = "", fast_clear: float | None = None) -> dict[str, Any]:
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer
    from veilleur.detect.text_harm.e5 import load_e5_stage
    from veilleur.detect.text_harm.semantic import load_semantic

    use, e5 = load_semantic(), load_e5_stage()
    stages = {k: v for k, v in {"use": use, "e5": e5}.items() if not only or k == only}
    out: dict[str, Any] = {}
    for name, rows in sets(shared).items():
        out[name] = {"n": len(rows)}
        for sname, st in stages.items():
            if st is None:
                continue
            out[name][f"{sname}_alone"] = stage_scores(st, rows)
            an = TextHarmAnalyzer(semantic=st)
            if fast_clear is not None:
                an.fast_clear = fast_clear
            casc = cascade_scores(an, rows)
            if name != "text_harm_heldout":
                casc.pop("accuracy_by_functionality")
            out[name][f"cascade_{sname}"] = casc
        print(f"{name}: {json.dumps(out[name], ensure_ascii=False)}", file=sys.stderr)
    return out


def speed() -> dict[str, Any]:
    from veilleur.detect.text_harm.e5 import DEFAULT_ONNX, E5Stage, _data_path
    from veilleur.detect.text_harm.evaluate import read_labelled

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    st = E5Stage(threads=1)
    load = time.perf_counter() - t0
    texts = [r.text for r in read_labelled(DATA / "text_harm_chatter.jsonl")]
    texts += [r.text for r in read_labelled(DATA / "text_harm_heldout.jsonl")]
    st.predict_proba(texts[:32])
    best = 0.0
    for _ in range(2):
        c0, w0 = time.process_time(), time.perf_counter()
        st.predict_proba(texts)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        best = max(best, len(texts) / cpu)
    onnx = _data_path(DEFAULT_ONNX)
    return {
        "texts": len(texts),
        "texts_per_cpu_s_1_thread": round(best),
        "texts_per_wall_s": round(len(texts) / wall),
        "load_s": round(load, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_load_mb": round(rss0 / 1024),
        "shipped_bytes": onnx.stat().st_size + onnx.with_suffix(".json").stat().st_size,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", choices=["use", "e5"], default="", help="one stage only")
    ap.add_argument("--fast-clear", type=float, default=None, help="override the cascade's fast_clear")
    ap.add_argument("--shared-data", type=Path, default=Path("/work/shared/data"))
    args = ap.parse_args()
    report: dict[str, Any] = {}
    if args.speed or not args.quality:
        report["speed"] = speed()  # first: peak memory of the stage alone
    if args.quality or not args.speed:
        report["quality"] = quality(args.shared_data, args.only, args.fast_clear)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=None if not args.json else 1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
