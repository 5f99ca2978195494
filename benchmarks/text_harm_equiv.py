"""Output equivalence of two versions of the text-harm detector (issue 11, speed work must not change a decision).

Runs the fast tier alone and the default cascade of *this* checkout and of a reference checkout (``--against``,
the root of another tree holding ``src/veilleur``, e.g. an export of ``main``) over the same messages, in the same
batches, and compares message by message: language, flagged categories, every score (within ``--tol``), spans,
contexts and the moderator's explanation. Exit status 1 on any difference.

Messages: the demo (``demo/facebook-export``, the messages ``demo/labels.jsonl`` labels), the team's chatter and
clinical set and dev files (``tests/data/text_harm_{chatter,heldout,groups_dev,person_dev}.jsonl``) and the public
held-out splits (``public_heldout_rows``, read in place under ``--public``, default ``/work/shared/data``). Never a
blind set.

Run: ``.venv/bin/python benchmarks/text_harm_equiv.py --against /path/to/main [--limit N] [--fast-only]``;
``--dump OUT.json`` writes this checkout's outputs only (what ``--against`` runs in the reference tree).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
TEAM_FILES = (
    "text_harm_chatter.jsonl",
    "text_harm_heldout.jsonl",
    "text_harm_groups_dev.jsonl",
    "text_harm_person_dev.jsonl",
)
BATCH = 512


def corpus(public: Path | None, limit: int = 0) -> list[tuple[str, str]]:
    """(source, text) pairs, in a fixed order."""
    out: list[tuple[str, str]] = []
    demo = ROOT / "demo"
    if (demo / "labels.jsonl").exists() and (demo / "facebook-export").exists():
        from veilleur.ingest.base import ImportOptions, SourceTree
        from veilleur.ingest.facebook import FacebookAdapter

        ids = set()
        for line in (demo / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                ids.add(json.loads(line)["message_id"])
        tree = SourceTree.open(demo / "facebook-export")
        out += [
            ("demo", m.text)
            for m in FacebookAdapter().read(tree, ImportOptions())
            if m.message_id in ids and m.text and m.text.strip()
        ]
    for name in TEAM_FILES:
        path = ROOT / "tests" / "data" / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.append((name.removesuffix(".jsonl"), str(json.loads(line)["text"])))
    if public is not None and public.exists():
        from veilleur.detect.text_harm.evaluate import public_heldout_rows

        for src, rows in public_heldout_rows(public).items():
            out += [(f"public:{src}", r.text) for r in rows]
    return out[:limit] if limit else out


def run(texts: list[str], semantic: bool, e5_threads: int = 0) -> list[dict[str, Any]]:
    """Every output of the analyzer that a caller can see, per text (``e5_threads`` > 0: e5 runs with that many
    threads whatever policy.yaml says)."""
    from veilleur.detect.text_harm import detector as det_mod
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    if semantic and e5_threads > 0:
        policy = det_mod.load_policy()
        patched = {**policy, "e5_cascade": {**(policy.get("e5_cascade") or {}), "e5_threads": e5_threads}}
        orig = det_mod.load_policy
        det_mod.load_policy = lambda: patched  # type: ignore[assignment]
        try:
            an = TextHarmAnalyzer()
        finally:
            det_mod.load_policy = orig  # type: ignore[assignment]
    else:
        an = TextHarmAnalyzer() if semantic else TextHarmAnalyzer(semantic=False)
    res: list[dict[str, Any]] = []
    for i in range(0, len(texts), BATCH):
        for a in an.analyze(texts[i : i + BATCH]):
            res.append(
                {
                    "lang": a.lang,
                    "flagged": sorted(a.flagged(an.thresholds)),
                    "scores": a.scores,
                    "spans": [[s.start, s.end, s.label, s.text] for s in a.spans],
                    "contexts": list(a.contexts),
                    "explanation": a.explanation,
                    "tiers": sorted(a.tiers),
                }
            )
    return res


def dump(public: Path | None, limit: int, fast_only: bool, e5_threads: int = 0) -> dict[str, Any]:
    pairs = corpus(public, limit)
    texts = [t for _, t in pairs]
    out: dict[str, Any] = {"sources": [s for s, _ in pairs], "texts": texts}
    t0 = time.perf_counter()
    out["fast"] = run(texts, semantic=False)
    out["fast_s"] = round(time.perf_counter() - t0, 2)
    if not fast_only:
        t0 = time.perf_counter()
        out["cascade"] = run(texts, semantic=True, e5_threads=e5_threads)
        out["cascade_s"] = round(time.perf_counter() - t0, 2)
    return out


def compare(ref: dict[str, Any], new: dict[str, Any], tol: float) -> tuple[dict[str, int], list[str]]:
    """Messages compared per run and source, and one line per difference."""
    if ref["texts"] != new["texts"]:
        return {}, ["the two checkouts read different messages"]
    counts: dict[str, int] = {}
    diffs: list[str] = []
    for tier in ("fast", "cascade"):
        if tier not in ref or tier not in new:
            continue
        for i, (a, b) in enumerate(zip(ref[tier], new[tier], strict=True)):
            src = ref["sources"][i]
            counts[f"{tier}:{src.split(':')[0]}"] = counts.get(f"{tier}:{src.split(':')[0]}", 0) + 1
            where = f"{tier} #{i} ({src}) {ref['texts'][i][:60]!r}"
            for key in ("lang", "flagged", "spans", "contexts", "explanation", "tiers"):
                if a[key] != b[key]:
                    diffs.append(f"{where}: {key} {a[key]!r} -> {b[key]!r}")
            if set(a["scores"]) != set(b["scores"]):
                diffs.append(f"{where}: score keys differ")
                continue
            for c, v in a["scores"].items():
                if abs(v - b["scores"][c]) > tol:
                    diffs.append(f"{where}: {c} {v:.8f} -> {b['scores'][c]:.8f}")
    return counts, diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", type=Path, help="root of the reference checkout (holds src/veilleur)")
    ap.add_argument("--dump", type=Path, help="write this checkout's outputs to this JSON file and stop")
    ap.add_argument("--public", type=Path, default=Path("/work/shared/data"), help="public data sets' folder")
    ap.add_argument("--limit", type=int, default=0, help="first N messages only (0: all)")
    ap.add_argument("--fast-only", action="store_true", help="the fast tier only (no cascade)")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument(
        "--e5-threads", type=int, default=0, help="this checkout's e5 threads (0: as policy.yaml says)"
    )
    args = ap.parse_args()
    public = args.public if args.public.exists() else None
    if args.dump:
        args.dump.write_text(
            json.dumps(dump(public, args.limit, args.fast_only, args.e5_threads)), encoding="utf-8"
        )
        return 0
    if args.against is None or not (args.against / "src" / "veilleur").is_dir():
        print("text_harm_equiv: --against must name a checkout holding src/veilleur", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for tree in (args.against.resolve(), ROOT):
            path = Path(tmp) / f"{len(outs)}.json"
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--dump",
                str(path),
                "--limit",
                str(args.limit),
            ]
            cmd += ["--public", str(args.public)] + (["--fast-only"] if args.fast_only else [])
            if tree == ROOT:
                cmd += ["--e5-threads", str(args.e5_threads)]
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            subprocess.run(cmd, check=True, env=env, cwd=ROOT)
            outs.append(json.loads(path.read_text(encoding="utf-8")))
    counts, diffs = compare(outs[0], outs[1], args.tol)
    print(json.dumps({"compared": counts, "differences": len(diffs)}, indent=1))
    for k in ("fast_s", "cascade_s"):
        if k in outs[0]:
            print(f"{k}: reference {outs[0][k]} s, this checkout {outs[1][k]} s")
    for line in diffs[:40]:
        print(line)
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
