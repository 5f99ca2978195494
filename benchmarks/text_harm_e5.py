"""The e5 stage, the USE heads and their ensemble as the cascade's semantic stage: quality, speed, memory, size.

Run: ``.venv/bin/python benchmarks/text_harm_e5.py [--speed] [--quality] [--cascade-speed STAGE] [--json]``.

``--quality``: for each labelled set (team held-out, chatter and groups_dev files, the demo through the
detector, the 20 % held-out splits of the public sets read in place from ``--shared-data``, and any
``--extra FILE``, e.g. a writer's file before it is trained on), each semantic stage alone ("_any" >= 0.5) and
each cascade configuration (``--configs``; default: the policy's USE cascade, e5 and the ensemble with the
révision-5 routing, e5 with ``e5_cascade``): any-harm P/R, false positives on harmless / clinical messages,
macro-F1, share routed to the semantic stage; ``--breakdown`` adds per phenomenon / per ground accuracy.
Each stage's probabilities are computed once per text and shared by the configurations.
``--speed``: the e5 stage alone, one thread: texts per CPU-second by batch size on demo-like texts, load time,
peak RSS, shipped size, and the batch-independence check (largest score change alone vs in a batch).
``--cascade-speed use|e5|ensemble``: the whole detector on demo-like traffic (benchmarks/text_harm.py's
messages), that stage as the semantic tier: messages/s (wall and per CPU-second), load time, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(Path(__file__).parent))

# cascade configurations: (stage, overrides of policy.yaml's `cascade`; None = the stage's own, i.e. the policy)
REV5: dict[str, Any] = {}  # the `cascade` block as it is (the e5 stages ignore `e5_cascade` here)
CONFIGS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "use": ("use", None),
    "e5_rev5": ("e5", REV5),
    "e5_own": ("e5", None),
    "ens_rev5": ("ensemble", REV5),
}


class CachedStage:
    """A semantic stage whose probabilities are computed once per text (shared by the configurations)."""

    def __init__(self, stage: Any) -> None:
        self.stage, self.name, self.categories = stage, getattr(stage, "name", "use"), stage.categories
        self.memo: dict[str, np.ndarray] = {}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if todo:
            for t, p in zip(todo, self.stage.predict_proba(todo), strict=True):
                self.memo[t] = p
        if not texts:
            return np.zeros((0, len(self.categories)))
        return np.vstack([self.memo[t] for t in texts])


BAND: tuple[float, float] | None = None  # --band: the ensemble runs e5 only where USE's "_any" is in it


def load_stage(kind: str) -> Any:
    from veilleur.detect.text_harm.e5 import E5UseEnsemble, load_e5_stage
    from veilleur.detect.text_harm.semantic import load_semantic

    if kind == "use":
        return load_semantic()
    if kind == "e5":
        return load_e5_stage()
    if kind == "ensemble":
        e5, use = load_e5_stage(), load_semantic()
        return E5UseEnsemble(e5, use, band=BAND) if e5 is not None and use is not None else None
    raise ValueError(kind)


@contextmanager
def policy_override(overrides: dict[str, Any] | None) -> Iterator[None]:
    """TextHarmAnalyzer reads policy.yaml when built: give it `cascade` with these values, no `e5_cascade`."""
    from veilleur.detect.text_harm import detector as det

    if overrides is None:
        yield
        return
    orig = det.load_policy
    pol = orig()
    new = {**pol, "cascade": {**(pol.get("cascade") or {}), **overrides}, "e5_cascade": {}}
    det.load_policy = lambda: new  # type: ignore[assignment]
    try:
        yield
    finally:
        det.load_policy = orig  # type: ignore[assignment]


def make_analyzer(stage: Any, overrides: dict[str, Any] | None) -> Any:
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    with policy_override(overrides):
        return TextHarmAnalyzer(semantic=stage)


def demo_messages() -> tuple[list[Any], dict[str, frozenset[str]]]:
    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter

    labels = {}
    for line in (ROOT / "demo" / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = frozenset(d.get("categories", []))
    msgs = FacebookAdapter().read(SourceTree.open(ROOT / "demo" / "facebook-export"), ImportOptions())
    return [m for m in msgs if m.message_id in labels], labels


def demo_predictions(analyzer: Any) -> tuple[list[Any], dict[str, frozenset[str]], list[Any], list[Any], Any]:
    """As benchmarks/text_harm_demo.py: the detector's findings per demo message against the demo's labels
    (messages, labels, gold and predicted category sets, metrics)."""
    from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmDetector
    from veilleur.detect.text_harm.evaluate import compute_metrics

    msgs, labels = demo_messages()
    findings = TextHarmDetector(analyzer).detect(msgs)
    by_msg: dict[str, set[str]] = {}
    for f in findings:
        by_msg.setdefault(f.message_uid, set()).add(f.category)
    known = set(CATEGORIES)
    gold = [frozenset(labels[m.message_id] & known) for m in msgs]
    pred = [frozenset(by_msg.get(m.uid, set())) for m in msgs]
    m = compute_metrics(gold, pred, CATEGORIES, None, [not labels[x.message_id] for x in msgs])
    return msgs, labels, gold, pred, m


def demo_scores(analyzer: Any) -> dict[str, Any]:
    before = dict(analyzer.routing)
    m = demo_predictions(analyzer)[4]
    return _summary(m, analyzer.routing, before)


def _summary(m: dict[str, Any], routing: dict[str, int], before: dict[str, int]) -> dict[str, Any]:
    a = m["any_harm"]
    conf = m["clinical_vs_harmful"]
    sent = {k: routing.get(k, 0) - before.get(k, 0) for k in routing}
    return {
        "p": round(a["precision"], 3),
        "r": round(a["recall"], 3),
        "f1": round(a["f1"], 3),
        "macro_f1": round(m["macro"]["f1"], 3),
        "fp_other": f"{conf['other_benign']['flagged']}/{sum(conf['other_benign'].values())}",
        "fp_clinical": f"{conf['clinical']['flagged']}/{sum(conf['clinical'].values())}",
        "semantic_share": round(sent.get("semantic", 0) / max(1, sum(sent.values())), 3),
    }


def labelled_sets(shared: Path | None, extra: list[Path]) -> dict[str, list[Any]]:
    from veilleur.detect.text_harm.evaluate import public_heldout_rows, read_labelled

    out: dict[str, list[Any]] = {}
    for name in ("text_harm_heldout", "text_harm_chatter", "text_harm_groups_dev"):
        out[name.removeprefix("text_harm_")] = read_labelled(DATA / f"{name}.jsonl")
    for path in extra:
        out[path.stem] = read_labelled(path)
    if shared is not None and shared.exists():
        for k, rows in public_heldout_rows(shared).items():
            out[f"{k}_heldout"] = rows
    return out


def stage_alone(stage: Any, rows: list[Any]) -> dict[str, Any]:
    cats = list(stage.categories)
    probs = stage.predict_proba([r.text for r in rows])
    gold = np.array([bool(r.labels) for r in rows])
    pred = probs[:, cats.index("_any")] >= 0.5
    tp, fp = int((pred & gold).sum()), int((pred & ~gold).sum())
    f1s = []
    for j, c in enumerate(cats[:-1]):
        g = np.array([c in r.labels for r in rows])
        if g.any():
            pj = probs[:, j] >= 0.5
            t = int((pj & g).sum())
            f1s.append(2 * t / max(1, int(pj.sum()) + int(g.sum())))
    return {
        "p": round(tp / max(1, tp + fp), 3),
        "r": round(tp / max(1, int(gold.sum())), 3),
        "fp": fp,
        "macro_f1": round(float(np.mean(f1s)), 3) if f1s else None,
    }


def quality(
    shared: Path | None, extra: list[Path], configs: list[str], breakdown: bool, alone: bool
) -> dict[str, Any]:
    from veilleur.detect.text_harm.evaluate import evaluate_rows

    kinds = sorted({CONFIGS[c][0] for c in configs})
    stages = {k: CachedStage(s) for k in kinds if (s := load_stage(k)) is not None}
    analyzers = {c: make_analyzer(stages[CONFIGS[c][0]], CONFIGS[c][1]) for c in configs}
    out: dict[str, Any] = {}
    for name, rows in labelled_sets(shared, extra).items():
        res: dict[str, Any] = {"n": len(rows)}
        if alone:
            for k, st in stages.items():
                res[f"{k}_alone"] = stage_alone(st, rows)
        for c, an in analyzers.items():
            before = dict(an.routing)
            m = evaluate_rows(rows, an)
            res[c] = _summary(m, an.routing, before)
            if breakdown:
                for key in ("per_phenomenon", "per_ground"):
                    if key in m:
                        res[c][key] = {k: v["accuracy"] for k, v in m[key].items()}
        out[name] = res
        print(f"{name}: {json.dumps(res, ensure_ascii=False)}", file=sys.stderr, flush=True)
    res = {"n": len(demo_messages()[0])}
    for c, an in analyzers.items():
        res[c] = demo_scores(an)
    out["demo"] = res
    print(f"demo: {json.dumps(res, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return out


def speed(batches: tuple[int, ...] = (1, 8, 32)) -> dict[str, Any]:
    from text_harm import demo_like

    from veilleur.detect.text_harm.e5 import DEFAULT_ONNX, E5Stage, _data_path

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    st = E5Stage(threads=1)
    load = time.perf_counter() - t0
    texts = demo_like(600)
    st.predict_proba(texts[:16])
    rates = {}
    probs = {}
    for b in batches:
        c0 = time.process_time()
        probs[b] = st.logits(texts, batch=b)
        rates[b] = round(len(texts) / max(time.process_time() - c0, 1e-9))
    drift = max(float(np.abs(probs[b] - probs[batches[0]]).max()) for b in batches)
    onnx = _data_path(DEFAULT_ONNX)
    return {
        "texts": len(texts),
        "quant": st.quant,
        "default_batch": st.batch,
        "texts_per_cpu_s_1_thread_by_batch": rates,
        "max_logit_change_across_batch_sizes": drift,
        "load_s": round(load, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_load_mb": round(rss0 / 1024),
        "shipped_bytes": onnx.stat().st_size + onnx.with_suffix(".json").stat().st_size,
    }


def cascade_speed(kind: str, n: int = 1500, batch: int = 512) -> dict[str, Any]:
    from text_harm import bench_messages, demo_like

    from veilleur.detect.text_harm.detector import TextHarmDetector

    msgs = bench_messages(demo_like(n))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    stage = load_stage(kind)
    det = TextHarmDetector(make_analyzer(stage, None if kind == "use" else REV5))
    det.detect(msgs[:10])
    load = time.perf_counter() - t0
    det.analyzer.routing.update({k: 0 for k in det.analyzer.routing})
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(msgs), batch):
        det.detect(msgs[i : i + batch])
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    r = det.analyzer.routing
    return {
        "stage": kind,
        "band": BAND,
        "e5_texts": getattr(stage, "e5_texts", None),
        "messages": len(msgs),
        "messages_per_s": round(len(msgs) / wall),
        "messages_per_cpu_s": round(len(msgs) / max(cpu, 1e-9)),
        "share_semantic": round(r["semantic"] / max(1, sum(r.values())), 3),
        "load_s": round(load, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(rss0 / 1024),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--cascade-speed", choices=["use", "e5", "ensemble"], default=None)
    ap.add_argument("--cascade-n", type=int, default=1500)
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"among {', '.join(CONFIGS)}")
    ap.add_argument("--extra", type=Path, action="append", default=[], help="another labelled JSONL file")
    ap.add_argument("--breakdown", action="store_true", help="per phenomenon and per ground accuracy")
    ap.add_argument("--no-alone", action="store_true", help="skip the stages-alone figures")
    ap.add_argument("--no-public", action="store_true", help="skip the public held-out splits")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--shared-data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--band", default="", help="lo,hi: the ensemble's USE '_any' band where e5 runs")
    args = ap.parse_args()
    global BAND
    if args.band:
        lo, hi = (float(x) for x in args.band.split(","))
        BAND = (lo, hi)
    report: dict[str, Any] = {}
    if args.cascade_speed:
        report["cascade_speed"] = cascade_speed(args.cascade_speed, args.cascade_n)
    if args.speed:
        report["speed"] = speed()
    if args.quality:
        configs = [c.strip() for c in args.configs.split(",") if c.strip()]
        shared = None if args.no_public else args.shared_data
        report["quality"] = quality(shared, args.extra, configs, args.breakdown, not args.no_alone)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=None if not args.json else 1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
