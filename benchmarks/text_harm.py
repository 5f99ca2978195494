"""Throughput, peak memory and load time of the text-harm detector on demo-like messages: the fast tier
alone, then the cascade (fast tier + semantic tier), with the share of messages each tier decided.

Run: ``.venv/bin/python benchmarks/text_harm.py [--n 20000] [--cascade-n 3000] [--batch 512] [--json]``.
Messages are synthesised from the team's template corpus (mixed French/English, harmful and clinical),
plus ``demo/labels.jsonl`` texts when that file exists.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def demo_like(n: int, seed: int = 7, distinct: bool = False) -> list[str]:
    from veilleur.detect.text_harm.corpus import expand, load_templates

    texts = [e.text for e in expand(load_templates(), per_template=40, seed=seed)]
    demo = Path(__file__).parents[1] / "demo" / "labels.jsonl"
    if demo.exists():
        for line in demo.read_text(encoding="utf-8").splitlines():
            try:
                t = json.loads(line).get("text")
            except (json.JSONDecodeError, AttributeError):
                continue
            if isinstance(t, str) and t.strip():
                texts.append(t)
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        a = rng.choice(texts)
        # demo posts are often two or three sentences long
        if rng.random() < 0.4:
            a = a + ". " + rng.choice(texts)
        if distinct:
            # every message once: no cache of the detector is ever hit by a repeated message
            if a in seen:
                continue
            seen.add(a)
        out.append(a)
    return out


def bench_messages(texts: list[str]) -> list[Any]:
    """The texts as messages of one benchmark group (97 authors, one timestamp)."""
    from veilleur.records import Author, Message

    now = datetime.now(UTC)
    return [
        Message(
            source="bench",
            community_id="g",
            community_name="g",
            message_id=str(i),
            author=Author(id=str(i % 97), name=f"a{i % 97}"),
            created_at=now,
            text=t,
        )
        for i, t in enumerate(texts)
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--cascade-n", type=int, default=3000, help="messages for the (slower) cascade run")
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument(
        "--e5-threads",
        type=int,
        default=0,
        help="override policy.yaml's e5_cascade.e5_threads (0: as shipped; the shipped 0 chooses from the machine)",
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--distinct",
        action="store_true",
        help="no message repeated (the synthetic stream repeats about 1 in 7)",
    )
    args = ap.parse_args()

    from veilleur.detect.text_harm import detector as det_mod
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer, TextHarmDetector

    texts = demo_like(args.n, distinct=args.distinct)
    msgs = bench_messages(texts)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t_load = time.perf_counter()
    det = TextHarmDetector(TextHarmAnalyzer(semantic=False))
    det.detect(msgs[:10])  # warm-up: model and lexicon loaded
    load_s = time.perf_counter() - t_load
    t0 = time.perf_counter()
    c0 = time.process_time()
    n_findings = 0
    for i in range(0, len(msgs), args.batch):
        n_findings += len(det.detect(msgs[i : i + args.batch]))
    dt = time.perf_counter() - t0
    # CPU time too: on a machine shared with other jobs, wall-clock rates measure the neighbours as well
    fast_cpu = time.process_time() - c0
    # Python allocations of one batch, measured apart: tracemalloc slows everything down a lot
    tracemalloc.start()
    det.detect(msgs[: args.batch])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report = {
        "messages": len(msgs),
        "batch": args.batch,
        "seconds": round(dt, 2),
        "messages_per_s": round(len(msgs) / dt),
        "messages_per_cpu_s": round(len(msgs) / max(fast_cpu, 1e-9)),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "findings": n_findings,
        "load_s": round(load_s, 2),
        "peak_python_alloc_per_batch_mb": round(peak / 2**20, 1),
        "rss_before_detector_mb": round(rss_before / 1024, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    # the cascade, as `veilleur scan` runs it by default
    policy = det_mod.load_policy()
    e5c = dict(policy.get("e5_cascade") or {})
    if args.e5_threads > 0:
        e5c["e5_threads"] = args.e5_threads
    report["semantic_stage"] = policy.get("semantic_stage", "use")
    report["e5_threads_setting"] = e5c.get("e5_threads", 1)
    report["e5_weight"] = e5c.get("e5_weight")
    orig = det_mod.load_policy
    det_mod.load_policy = lambda: {**policy, "e5_cascade": e5c}  # type: ignore[assignment]
    try:
        t_load = time.perf_counter()
        casc = TextHarmDetector()
        casc.detect(msgs[:10])
    finally:
        det_mod.load_policy = orig  # type: ignore[assignment]
    report["cascade_load_s"] = round(time.perf_counter() - t_load, 2)
    # the thread count the e5 stage runs with (révision 11a: the shipped setting 0 chooses it from the machine)
    e5_stage = getattr(casc.analyzer.semantic, "e5", None)
    report["e5_threads"] = getattr(e5_stage, "threads", None)
    casc.analyzer.routing.update({k: 0 for k in casc.analyzer.routing})
    sub = msgs[: args.cascade_n]
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(0, len(sub), args.batch):
        casc.detect(sub[i : i + args.batch])
    dt = time.perf_counter() - t0
    report["cascade_messages"] = len(sub)
    report["cascade_messages_per_s"] = round(len(sub) / dt)
    report["cascade_messages_per_cpu_s"] = round(len(sub) / max(time.process_time() - c0, 1e-9))
    routed = casc.analyzer.routing
    report["cascade_share_semantic"] = round(routed["semantic"] / max(sum(routed.values()), 1), 3)
    report["max_rss_after_cascade_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # the machine's load (1-minute average) at the end: rates in wall time depend on it
    report["load_avg_1min"] = round(os.getloadavg()[0], 2)
    if args.json:
        json.dump(report, sys.stdout)
        print()
    else:
        for k, v in report.items():
            print(f"{k:>22}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
