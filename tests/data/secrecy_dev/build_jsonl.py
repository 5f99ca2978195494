"""Builds clinical_dev2/3/5.jsonl from clinical_dev2/3/5.txt (spans written inline as [LABEL:text]).

Run: ``python tests/data/secrecy_dev/build_jsonl.py`` (no dependency)."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
SPAN = re.compile(r"\[([A-Z_]+):([^\[\]]+)\]")


def parse(block: str) -> tuple[str, list[dict[str, object]]]:
    text, ents, pos = "", [], 0
    for m in SPAN.finditer(block):
        text += block[pos : m.start()]
        start = len(text)
        text += m.group(2)
        ents.append({"start": start, "end": len(text), "label": m.group(1), "text": m.group(2)})
        pos = m.end()
    return text + block[pos:], ents


def build(name: str) -> None:
    raw = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    body = "\n".join(ln for ln in raw.splitlines() if not ln.startswith("#"))
    rows = []
    for n, block in enumerate(b.strip("\n") for b in body.split("\n---\n")):
        head, _, rest = block.partition("\n")
        _, lang, ident = head.split()
        text, ents = parse(rest)
        rows.append(
            {
                "id": f"{name[-4:]}-{n:03d}",
                "text": text,
                "lang": lang,
                "identifying": ident == "1",
                "entities": ents,
            }
        )
    with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} fragments, {sum(len(r['entities']) for r in rows)} spans")


def main() -> None:
    for name in ("clinical_dev2", "clinical_dev3", "clinical_dev5"):
        build(name)


if __name__ == "__main__":
    main()
