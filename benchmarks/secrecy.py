"""Secrecy detectors' speed: text messages/s (and, once the media area adds it, images/s) with peak memory.

Run: ``nice .venv/bin/python benchmarks/secrecy.py [--text-n 1000] [--only text]``. Peak memory is the
process's maximum resident set size (includes the spaCy model).
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_text(n: int) -> dict[str, float]:
    from veilleur.detect.secrecy import analyze_texts
    from veilleur.detect.secrecy.evaluate import load_set

    rows = load_set(split="all")
    texts = [rows[i % len(rows)]["text"] for i in range(n)]
    t0 = time.perf_counter()
    analyze_texts(texts[:8])  # model load, measured apart
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyze_texts(texts)
    dt = time.perf_counter() - t0
    return {"messages": n, "load_s": round(load_s, 2), "messages_per_s": round(n / dt, 1), "peak_rss_mb": round(_peak_mb(), 1)}


# The media area registers its section here (images/s); keep the same shape: name -> (n) -> figures.
SECTIONS: dict[str, Callable[[int], dict[str, float]]] = {"text": bench_text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--text-n", type=int, default=1000)
    ap.add_argument("--only", choices=sorted(SECTIONS), default=None)
    args = ap.parse_args()
    for name, fn in SECTIONS.items():
        if args.only and name != args.only:
            continue
        figures = fn(args.text_n if name == "text" else 50)
        print(name, " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
