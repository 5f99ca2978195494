"""Secrecy detectors' speed: text messages/s and media images/s with peak memory.

Run: ``nice .venv/bin/python benchmarks/secrecy.py [--text-n 1000] [--media-n 40] [--only text|media]``. Peak memory is the
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
    t0 = time.perf_counter()
    analyze_texts(texts, gate=True)
    dt_gate = time.perf_counter() - t0
    return {
        "messages": n,
        "load_s": round(load_s, 2),
        "messages_per_s": round(n / dt, 1),
        "messages_per_s_gated": round(n / dt_gate, 1),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def demo_messages() -> tuple[list, dict[str, bool]]:
    """The demo export's messages and, per message id, whether labels.jsonl marks it as identifying."""
    import json
    from pathlib import Path

    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter

    demo = Path(__file__).parents[1] / "demo"
    labels = {}
    for line in (demo / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = "patient_identifiable_text" in d.get("categories", [])
    msgs = [
        m
        for m in FacebookAdapter().read(SourceTree.open(demo / "facebook-export"), ImportOptions())
        if m.message_id in labels
    ]
    return msgs, labels


def bench_demo(n: int) -> dict[str, float]:
    """Detector over the demo group (batches of 256, members from the batch, care-context pre-filter on as
    in production): message P/R and messages/s, the demo's traffic repeated up to ``n`` messages (repeats
    hit the analysis cache, as re-posted texts do); ``distinct_uncached_messages_per_cpu_s``: the 688
    distinct messages with the cache emptied, best of 3."""
    from veilleur.detect.secrecy import SecrecyTextDetector, analyze_texts, engine

    msgs, labels = demo_messages()
    det = SecrecyTextDetector()
    analyze_texts(["Patiente Marie Dupont, 34 ans, hospitalisée à Lyon."])  # model load, not timed
    best = 0.0
    for _ in range(3):  # the demo's distinct messages, nothing cached: best of 3 (shared host)
        getattr(engine, "_cache", {}).clear()
        c1 = time.process_time()
        for i in range(0, len(msgs), 256):
            det.detect(msgs[i : i + 256])
        best = max(best, len(msgs) / max(1e-9, time.process_time() - c1))
    getattr(engine, "_cache", {}).clear()
    t0, c0 = time.perf_counter(), time.process_time()
    found: set[str] = set()
    for i in range(0, len(msgs), 256):
        found |= {f.message_uid for f in det.detect(msgs[i : i + 256])}
    dt = time.perf_counter() - t0
    tp = sum(1 for m in msgs if labels[m.message_id] and m.uid in found)
    fp = sum(1 for m in msgs if not labels[m.message_id] and m.uid in found)
    fn = sum(1 for m in msgs if labels[m.message_id] and m.uid not in found)
    extra = max(0, n - len(msgs))
    if extra:
        rep = [msgs[i % len(msgs)] for i in range(extra)]
        t1 = time.perf_counter()
        for i in range(0, len(rep), 256):
            det.detect(rep[i : i + 256])
        dt += time.perf_counter() - t1
    cpu = time.process_time() - c0  # CPU seconds: fairer than wall time on a shared, loaded machine
    total = len(msgs) + extra
    return {
        "messages": total,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
        "messages_per_s": round(total / dt, 1),
        "messages_per_cpu_s": round(total / cpu, 1),
        "distinct_uncached_messages_per_cpu_s": round(best, 1),
    }


def bench_media(n: int) -> dict[str, float]:
    """Images/s over the team's media set (photos with faces and EXIF, screenshots with drawn records,
    DICOM with tags and burned-in text): faces, OCR, EXIF, DICOM tags and the text detector on OCR text.
    ``benchmarks/media.py`` splits the same figures by file type."""
    import tempfile
    from pathlib import Path

    from veilleur.detect.media.analyze import analyze_file
    from veilleur.detect.media.evalset import generate

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(d)
        files = sorted(
            p for p in d.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".dcm")
        )
        t0 = time.perf_counter()
        analyze_file(files[0])  # model load, measured apart
        load_s = time.perf_counter() - t0
        todo = [files[i % len(files)] for i in range(n)]
        t0 = time.perf_counter()
        for f in todo:
            analyze_file(f)
        dt = time.perf_counter() - t0
    return {
        "images": n,
        "load_s": round(load_s, 2),
        "images_per_s": round(n / dt, 2),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


SECTIONS: dict[str, Callable[[int], dict[str, float]]] = {
    "text": bench_text,
    "demo": bench_demo,
    "media": bench_media,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--text-n", type=int, default=1000)
    ap.add_argument("--media-n", type=int, default=40)
    ap.add_argument("--only", choices=sorted(SECTIONS), default=None)
    args = ap.parse_args()
    for name, fn in SECTIONS.items():
        if args.only and name != args.only:
            continue
        figures = fn(args.media_n if name == "media" else args.text_n)
        print(name, " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
