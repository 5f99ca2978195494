"""Media screening throughput: images/s by type and on a mixed demo-like mix, images per CPU-second,
model load time and peak memory. Run: ``nice .venv/bin/python benchmarks/media.py [--rounds 2] [--jobs 2]``.

``--full`` measures the reference path (no cascade: Haar at 1024 px + NudeNet + whole-picture OCR on
every picture); with ``VEILLEUR_TESSERACT_CLI=1`` OCR runs one ``tesseract`` process per picture.
The script also runs against older sources (``PYTHONPATH=<old checkout>/src``: no cascade option, no
worker pool), which is how the "before" figures in docs/media.md were measured.
The host is shared: wall-clock figures depend on the load (printed); images per CPU-second (this
process and its children: workers, tesseract) do not, and 2 cores give at most twice that per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from veilleur.detect.media import analyze as analyze_mod
from veilleur.detect.media.analyze import Options, analyze_file
from veilleur.detect.media.evalset import generate

HAS_CASCADE = "cascade" in Options.__dataclass_fields__  # older sources: one path, no worker pool

PHOTOS = [
    "astronaut.png", "astronaut_flip.jpg", "astronaut_large.jpg", "camera_profile.png", "astronaut_face_on_brick.png",
    "neg_coffee.png", "neg_rocket.png", "neg_horse.png", "neg_chelsea.png", "neg_brick.png", "neg_cell.png",
    "exif_gps_rocket.jpg", "exif_gps_chelsea.jpg", "exif_device_grass.jpg", "wristband_photo.png",
]  # fmt: skip
SCREENS = [
    "screen_id_0.png", "screen_id_3.png", "screen_id_6.png", "screen_id_8.png",
    "screen_clean_0.png", "screen_clean_1.png", "screen_clean_5.png", "chart_0.png", "chart_2.png", "neg_page.png",
]  # fmt: skip
DICOM = ["ct_phi.dcm", "us_burned_anon.dcm", "xr_phi_burned.dcm", "ct_anon.dcm", "mf_burned_anon.dcm"]
GROUPS = {
    "photo (faces, EXIF, nudity, text?)": PHOTOS,
    "screenshot (OCR + text analysis)": SCREENS,
    "DICOM (tags + burned-in text)": DICOM,
}
# A group's shared media: mostly photos and screenshots, a few DICOM (10 : 8 : 2).
MIXED = PHOTOS[:10] + SCREENS[:8] + DICOM[:2]


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (tesseract runs, pool workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mib() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_maxrss / 1024, kids.ru_maxrss / 1024


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def _timed(files: list[Path], opts: Options, rounds: int) -> tuple[int, float, float]:
    n, wall, cpu = 0, time.perf_counter(), _cpu()
    for _ in range(rounds):
        for f in files:
            analyze_file(f, options=opts)
            n += 1
    return n, time.perf_counter() - wall, _cpu() - cpu


def _init_and_load(files: list[str], opts: Options) -> None:
    """A worker: one thread per library, then every model loaded before it takes a timed file."""
    analyze_mod._worker_init()
    for f in files:
        analyze_file(f, options=opts)


def _pid(_: int) -> int:
    time.sleep(0.2)
    return os.getpid()


def _line(name: str, n: int, wall: float, cpu: float) -> None:
    print(f"{name:40} {n / wall:6.2f} images/s   {n / cpu:6.2f} images/CPU-s   ({n} images)")


def _default_path(d: Path, rounds: int) -> None:
    """The default scan path: ``MediaDetector()`` with its default settings (jobs "auto" = min(cores, 4),
    warm worker pool kept across batches), batches of messages carrying the mixed files. Each round uses
    fresh copies (the detector analyses a file once, by hash or path); the first batch starts the pool and
    loads the models (timed apart)."""
    import shutil
    from datetime import UTC, datetime

    from veilleur.detect.media.detector import MediaDetector
    from veilleur.records import Attachment, Author, Message

    def batch(k: int) -> list[Message]:
        sub = d / f"copy{k}"
        sub.mkdir(exist_ok=True)
        out = []
        for i, name in enumerate(MIXED):
            p = sub / name
            shutil.copyfile(d / name, p)
            att = Attachment(name=name, media_type="application/octet-stream", path=str(p))
            out.append(Message(source="bench", community_id="g", community_name="G", message_id=f"{k}-{i}",
                               author=Author("a", "A"), created_at=datetime(2025, 1, 1, tzinfo=UTC), text="",
                               attachments=(att,)))  # fmt: skip
        return out

    det = MediaDetector()
    wall = time.perf_counter()
    det.detect(batch(0))
    print(
        f"{f'default path: jobs {det.jobs} (auto), first batch':40} {time.perf_counter() - wall:6.1f} s (pool start, models loaded)"
    )
    batches = [batch(k + 1) for k in range(max(rounds, 2))]
    n, wall = 0, time.perf_counter()
    for b in batches:
        det.detect(b)
        n += len(b)
    wall = time.perf_counter() - wall
    print(
        f"{'default path (scan), warm pool':40} {n / wall:6.2f} images/s   ({n} images; load average {_load()})"
    )
    if det._pool is not None:
        det._pool.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2, help="passes over each list (default 2)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the mixed run (0: skip)")
    ap.add_argument("--full", action="store_true", help="reference path: no cascade")
    args = ap.parse_args()
    opts = Options(cascade=not args.full) if HAS_CASCADE else Options()
    if os.environ.get("VEILLEUR_TESSERACT_CLI") and hasattr(opts, "tesseract_cli"):
        opts.tesseract_cli = True  # the detector no longer reads the environment: the option says it
    ocr_mode = (
        "tesseract CLI"
        if os.environ.get("VEILLEUR_TESSERACT_CLI") or not HAS_CASCADE
        else "tesseract in-process"
    )
    path = (
        "before the cascade (old sources)"
        if not HAS_CASCADE
        else "full (no cascade)"
        if args.full
        else "cascade"
    )
    print(f"path: {path}, {ocr_mode}; load average {_load()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(d)
        wall, cpu = time.perf_counter(), _cpu()
        for f in ("screen_id_0.png", "astronaut.png", "ct_phi.dcm"):  # every model loaded once, timed apart
            analyze_file(d / f, options=opts)
        print(
            f"{'model load (first 3 files)':40} {time.perf_counter() - wall:6.1f} s wall   {_cpu() - cpu:6.1f} CPU-s"
        )
        for name, files in GROUPS.items():
            _line(name, *_timed([d / f for f in files], opts, args.rounds))
        mixed = [d / f for f in MIXED]
        _line("mixed 10 photos : 8 screens : 2 DICOM", *_timed(mixed, opts, args.rounds))
        own, _ = _peak_mib()
        print(f"peak RSS, one process: {own:.0f} MiB")
        if HAS_CASCADE and hasattr(analyze_mod, "resolve_jobs") and args.jobs > 0:
            _default_path(d, args.rounds)
            print(f"peak RSS per worker: {_peak_mib()[1]:.0f} MiB")
        if args.jobs > 1 and HAS_CASCADE:
            todo = [(str(f), None, opts) for f in mixed * max(args.rounds, 2)]
            ctx = multiprocessing.get_context("spawn")
            warm = [str(d / f) for f in ("screen_id_0.png", "neg_coins.png", "ct_phi.dcm")]
            with ProcessPoolExecutor(
                args.jobs, mp_context=ctx, initializer=_init_and_load, initargs=(warm, opts)
            ) as pool:
                while len(set(pool.map(_pid, range(4 * args.jobs)))) < args.jobs:
                    pass  # a worker answers only once its models are loaded: wait for all of them
                wall = time.perf_counter()
                list(pool.map(analyze_mod._worker_analyse, todo))
                wall = time.perf_counter() - wall
            n = len(todo)
            print(
                f"{f'mixed, {args.jobs} worker processes (warm)':40} {n / wall:6.2f} images/s   ({n} images; load average {_load()})"
            )
            print(f"peak RSS per worker: {_peak_mib()[1]:.0f} MiB")
    print(f"load average at the end {_load()}")


if __name__ == "__main__":
    main()
