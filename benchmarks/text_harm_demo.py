"""Text-harm and raid figures on the demo corpus (``demo/facebook-export`` + ``demo/labels.jsonl``).

Run: ``.venv/bin/python benchmarks/text_harm_demo.py [--json] [--errors]``. The demo is never trained on;
the Facebook adapter reads the export, labels are joined by message id.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--demo", type=Path, default=ROOT / "demo")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()

    from veilleur.detect.raid import detect_raids
    from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmDetector
    from veilleur.detect.text_harm.evaluate import _prf, compute_metrics, format_report
    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter

    labels = {}
    for line in (args.demo / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = set(d.get("categories", []))
    tree = SourceTree.open(args.demo / "facebook-export")
    messages = list(FacebookAdapter().read(tree, ImportOptions()))
    messages = [m for m in messages if m.message_id in labels]
    det = TextHarmDetector()
    findings = det.detect(messages)
    by_msg: dict[str, set[str]] = {}
    for f in findings:
        by_msg.setdefault(f.message_uid, set()).add(f.category)
    known = set(CATEGORIES)
    gold = [frozenset(labels[m.message_id] & known) for m in messages]
    pred = [frozenset(by_msg.get(m.uid, set())) for m in messages]
    clinical = [not labels[m.message_id] for m in messages]  # the demo's healthy messages are clinical talk
    metrics = compute_metrics(gold, pred, CATEGORIES, None, clinical)
    metrics["file"] = str(args.demo)

    raids = detect_raids(messages, findings)
    raid_uids = {f.message_uid for f in raids}
    g_raid = {m.uid for m in messages if "raid" in labels[m.message_id]}
    metrics["raid"] = _prf(len(raid_uids & g_raid), len(raid_uids - g_raid), len(g_raid - raid_uids))
    metrics["raid"]["targets"] = sorted({f.details["target"] for f in raids})
    if args.json:
        json.dump(metrics, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(format_report(metrics))
        r = metrics["raid"]
        print(
            f"\nraid: P {r['precision']:.3f} R {r['recall']:.3f} (support {r['support']}), cibles {r['targets']}"
        )
    if args.errors:
        for m, g, p in zip(messages, gold, pred, strict=True):
            if g != p:
                print(f"- {m.message_id} gold={sorted(g)} pred={sorted(p)}\n    {m.text[:220]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
