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
    return {"messages": n, "load_s": round(load_s, 2), "messages_per_s": round(n / dt, 1), "peak_rss_mb": round(_peak_mb(), 1)}


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
        files = sorted(p for p in d.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".dcm"))
        t0 = time.perf_counter()
        analyze_file(files[0])  # model load, measured apart
        load_s = time.perf_counter() - t0
        todo = [files[i % len(files)] for i in range(n)]
        t0 = time.perf_counter()
        for f in todo:
            analyze_file(f)
        dt = time.perf_counter() - t0
    return {"images": n, "load_s": round(load_s, 2), "images_per_s": round(n / dt, 2), "peak_rss_mb": round(_peak_mb(), 1)}


SECTIONS: dict[str, Callable[[int], dict[str, float]]] = {"text": bench_text, "media": bench_media}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--text-n", type=int, default=1000)
    ap.add_argument("--media-n", type=int, default=40)
    ap.add_argument("--only", choices=sorted(SECTIONS), default=None)
    args = ap.parse_args()
    for name, fn in SECTIONS.items():
        if args.only and name != args.only:
            continue
        figures = fn(args.text_n if name == "text" else args.media_n)
        print(name, " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
