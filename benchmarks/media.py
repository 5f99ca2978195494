"""Media detector throughput (files/s by type) and peak memory: run with `.venv/bin/python benchmarks/media.py`."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from veilleur.detect.media.analyze import analyze_file
from veilleur.detect.media.evalset import generate

GROUPS = {
    "photo (faces, EXIF, nudity, OCR)": ["astronaut.png", "neg_coffee.png", "neg_rocket.png", "exif_gps_rocket.jpg"],
    "screenshot (OCR + text analysis)": ["screen_id_0.png", "screen_id_3.png", "screen_clean_0.png", "screen_clean_1.png"],
    "DICOM (tags + burned-in OCR)": ["ct_phi.dcm", "us_burned_anon.dcm", "xr_phi_burned.dcm", "ct_anon.dcm"],
}


def main(rounds: int = 2) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(d)
        analyze_file(d / "screen_id_0.png")  # load models once, outside the timings
        for name, files in GROUPS.items():
            start = time.perf_counter()
            for _ in range(rounds):
                for f in files:
                    analyze_file(d / f)
            n = rounds * len(files)
            print(f"{name:36} {n / (time.perf_counter() - start):6.2f} files/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
