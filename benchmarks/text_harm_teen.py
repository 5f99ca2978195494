"""Per-message figures of the text-harm detector on teen/SMS chat lines (issue 11, révisions 8 and 10).

    PYTHONPATH=src python benchmarks/text_harm_teen.py [--fast-only] [--kinds] [--no-head] [--json OUT] [FILES...]

Inputs: labelled JSONL (``text``, ``labels``, ``phenomenon``: harmful when ``labels`` is not empty) and
conversation folders/files (``messages[].text``, ``hostile``, ``role``). Prints, per file: recall of harmful
(hostile) messages, share of the others kept (not flagged), and the flag rate per phenomenon or role. A message is
flagged as ``veilleur text-harm check --json`` flags it: any category at or over its threshold.
``--kinds`` (révision 10) splits the rows by kind instead: a reaction alone ("mdr", "+1", "grave"), emojis alone,
text; and by register (the teen / SMS chat register of ``register.py``, or not), with how many the register's own
operating point flagged (context ``chat_register``) and how many its head flagged (révision 11b, ``teen_head``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from veilleur.detect.text_harm.register import content_words

DEFAULT = [
    "src/veilleur/detect/text_harm/data/team_messages/writer11.jsonl",
    "src/veilleur/detect/text_harm/data/team_messages/writer16.jsonl",
    "src/veilleur/detect/text_harm/data/team_messages/writer26.jsonl",
    "src/veilleur/detect/text_harm/data/team_messages/writer30.jsonl",
    "tests/data/conversations/train",
    "tests/data/conversations/dev",
]
_LETTERS = re.compile(r"[^\W\d_]+")


def kind(text: str) -> str:
    """``emoji`` (no letters: emojis, "+1"), ``reaction`` (three words or fewer, none of them a content word: "mdr",
    "trop vrai", "grave"; ``register.content_words``) or ``text``."""
    words = _LETTERS.findall(text)
    if not words:
        return "emoji"
    if len(words) <= 3 and not content_words(text):
        return "reaction"
    return "text"


def load(path: Path) -> list[tuple[str, bool, str]]:
    """(text, harmful, group) rows of a JSONL file, a conversation JSON file or a folder of them."""
    if path.is_dir():
        return [r for p in sorted(path.rglob("*.json")) for r in load(p)]
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [(r["text"], bool(r.get("labels")), str(r.get("phenomenon", "?"))) for r in rows]
    chat = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(chat, dict) or "messages" not in chat:
        return []
    reg = str(chat.get("register", "?"))
    return [
        (m["text"], bool(m.get("hostile")), f"{reg}:{m.get('role', '?')}")
        for m in chat["messages"]
        if str(m.get("text", "")).strip()
    ]


def measure(analyzer, rows: list[tuple[str, bool, str]], kinds: bool = False) -> dict:
    results = analyzer.analyze([t for t, _, _ in rows])
    flagged = [bool(a.flagged(analyzer.thresholds)) for a in results]
    if kinds:
        reg = getattr(analyzer, "chat_register", None)
        rows = [
            (
                t,
                h,
                f"{kind(t)}, {'chat register' if reg is not None and reg.match(t) else 'other register'}"
                + (
                    " (register head)"
                    if "teen_head" in a.contexts
                    else " (register point)"
                    if "chat_register" in a.contexts
                    else ""
                ),
            )
            for (t, h, _), a in zip(rows, results, strict=True)
        ]
    pos = [f for f, (_, h, _) in zip(flagged, rows, strict=True) if h]
    neg = [f for f, (_, h, _) in zip(flagged, rows, strict=True) if not h]
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f, (_, h, g) in zip(flagged, rows, strict=True):
        key = f"{'+' if h else '-'} {g}"
        groups[key][0] += int(f)
        groups[key][1] += 1
    return {
        "n": len(rows),
        "harmful": len(pos),
        "recall": round(sum(pos) / len(pos), 3) if pos else None,
        "kept": round(1 - sum(neg) / len(neg), 3) if neg else None,
        "groups": {k: f"{v[0]}/{v[1]}" for k, v in sorted(groups.items())},
        "errors": [
            {"text": t, "gold": h, "flagged": sorted(a.flagged(analyzer.thresholds))}
            for (t, h, _), a, f in zip(rows, results, flagged, strict=True)
            if f != h
        ],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--fast-only", action="store_true")
    ap.add_argument("--kinds", action="store_true", help="split by kind (reaction, emoji, text) and register")
    ap.add_argument("--json", type=Path, help="write all figures and errors here")
    ap.add_argument("--no-head", action="store_true", help="without the register's head (révision 11b)")
    args = ap.parse_args()
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    analyzer = TextHarmAnalyzer(semantic=not args.fast_only)
    if args.no_head:
        analyzer.teen_head = None
    out = {}
    for f in args.files or [Path(p) for p in DEFAULT]:
        rows = load(f)
        t0 = time.perf_counter()
        m = measure(analyzer, rows, args.kinds)
        m["seconds"] = round(time.perf_counter() - t0, 1)
        out[str(f)] = m
        print(
            f"{f}: n={m['n']} harmful={m['harmful']} recall={m['recall']} kept={m['kept']} ({m['seconds']} s)"
        )
        for k, v in m["groups"].items():
            print(f"    {k:45s} {v}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
