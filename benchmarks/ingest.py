"""Ingest benchmark: generates an N-message export (default 1,000,000) and prints import messages/s
and peak memory, for SQLite (and PostgreSQL when --pg-url is given).

    .venv/bin/python benchmarks/ingest.py [--messages 1000000] [--format jsonl|facebook] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "patiente",
    "bilan",
    "douleur",
    "thoracique",
    "garde",
    "urgences",
    "ordonnance",
    "vaccin",
    "confrère",
    "avis",
    "dermatologie",
    "pédiatrie",
    "consultation",
    "traitement",
    "posologie",
    "scanner",
    "IRM",
    "biologie",
    "CRP",
    "fièvre",
    "toux",
    "asthme",
    "diabète",
    "insuline",
    "HbA1c",
    "tension",
    "cardio",
    "rappel",
    "congrès",
    "remplacement",
    "cabinet",
    "CPAM",
    "arrêt",
    "de",
    "travail",
]


def generate_jsonl(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    t0 = 1_767_225_600  # 2026-01-01
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            rec = {
                "id": f"b{i}",
                "author": f"Dr Membre {rnd.randrange(5000)}",
                "author_id": f"u{rnd.randrange(5000)}",
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0 + i * 7)),
                "text": " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 40))),
                "parent_id": f"b{rnd.randrange(i)}" if i and rnd.random() < 0.6 else None,
                "community": "Groupe de référence",
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def generate_facebook(root: Path, n: int, seed: int = 7) -> None:
    """The Facebook group export format, posts with nested comments, streamed to disk."""
    rnd = random.Random(seed)
    out = root / "your_facebook_activity" / "groups"
    out.mkdir(parents=True)

    def fb(s: str) -> str:
        return s.encode("utf-8").decode("latin-1")

    with (out / "group_posts_and_comments.json").open("w", encoding="ascii") as f:
        f.write('{"group_name": ' + json.dumps(fb("Groupe de référence")) + ', "group_posts_v2": [')
        i = 0
        first = True
        while i < n:
            k = min(rnd.randint(0, 9), n - i - 1)
            post = {
                "id": f"p{i}",
                "timestamp": 1_767_225_600 + i * 7,
                "author": fb(f"Dr Membre {rnd.randrange(5000)}"),
                "data": [{"post": fb(" ".join(rnd.choice(WORDS) for _ in range(20)))}],
                "comments": [
                    {
                        "id": f"c{i + j + 1}",
                        "timestamp": 1_767_225_600 + (i + j + 1) * 7,
                        "author": fb(f"Dr Membre {rnd.randrange(5000)}"),
                        "comment": fb(" ".join(rnd.choice(WORDS) for _ in range(12))),
                    }
                    for j in range(k)
                ],
            }
            f.write(("" if first else ",") + json.dumps(post))
            first = False
            i += k + 1
        f.write("]}")


def run_import(source: Path, fmt: str, db_url: str, home: Path) -> dict[str, float]:
    """Import in a child process so that peak memory (ru_maxrss) is the import's own."""
    code = (
        "import json, resource, sys, time\n"
        "from veilleur.config import load_settings\n"
        "from veilleur.ingest.importer import import_path\n"
        "from veilleur.store import Store\n"
        "s = Store.open(load_settings(db_url=sys.argv[1]))\n"
        "t = time.perf_counter(); r = import_path(s, sys.argv[2], format=sys.argv[3]); dt = time.perf_counter() - t\n"
        "print(json.dumps({'messages': r.messages_seen, 'new': r.messages_new, 'seconds': dt,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    env = {**os.environ, "VEILLEUR_HOME": str(home)}
    res = subprocess.run(
        [sys.executable, "-c", code, db_url, str(source), fmt],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if res.returncode != 0:
        raise SystemExit(f"import failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--format", choices=["jsonl", "facebook"], default="jsonl")
    ap.add_argument("--pg-url", default=os.environ.get("VEILLEUR_BENCH_PG_URL"))
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="veilleur-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if args.format == "jsonl":
        src = work / "export.jsonl"
        generate_jsonl(src, args.messages)
    else:
        src = work / "facebook"
        generate_facebook(src, args.messages)
    size = sum(
        p.stat().st_size
        for p in ([src] if src.is_file() else src.rglob("*") if src.is_dir() else [])
        if p.is_file()
    )
    print(
        f"generated {args.messages:,} messages ({args.format}, {size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s"
    )
    targets = [("sqlite", f"sqlite:///{work / 'bench.sqlite'}")]
    if args.pg_url:
        targets.append(("postgresql", args.pg_url))
    for name, url in targets:
        r = run_import(src, args.format, url, work / f"home-{name}")
        print(
            f"{name:10s} imported {r['messages']:,} messages in {r['seconds']:.1f}s: "
            f"{r['messages'] / r['seconds']:,.0f} messages/s, peak memory {r['peak_rss_mb']:.0f} MB"
        )
        r2 = run_import(src, args.format, url, work / f"home-{name}")
        print(
            f"{name:10s} re-import (all duplicates, {r2['new']} new): {r2['messages'] / r2['seconds']:,.0f} messages/s"
        )
    _ = resource  # imported for the child's code path documentation


if __name__ == "__main__":
    main()
