"""Révision 13b: list the real words that ``group_spelling.Respeller`` would restore into a group-frame word, and add
them to ``data/spelling_common.txt`` (never restored). Real words: whole words of the e5 tokenizer's vocabulary
(5+ letters) and words seen 3+ times in the team messages and the lexicon files. Run after adding words to the
frames' lists: ``PYTHONPATH=src python scripts/group_spelling_common.py``."""

from __future__ import annotations

import collections
import re
from pathlib import Path

from veilleur.detect.text_harm.e5 import load_base
from veilleur.detect.text_harm.group_spelling import _COMMON_FILE
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.normalize import normalize, normalize_term

DATA = Path(__file__).resolve().parents[1] / "src" / "veilleur" / "detect" / "text_harm" / "data"


def main() -> None:
    lx = load_lexicon()
    r = lx.respeller
    assert r is not None
    base = load_base()
    pieces = {p[1:] for p in base.pieces if p and p.startswith("\u2581") and len(p) >= 5 and p[1:].isalpha()}
    words = {normalize_term(p) for p in pieces}
    cnt: collections.Counter[str] = collections.Counter()
    for f in sorted(DATA.glob("team_messages/*.jsonl")) + sorted(DATA.glob("*.yaml")):
        cnt.update(re.findall(r"[a-z]+", normalize(f.read_text(encoding="utf-8")).text))
    real = words | {w for w, c in cnt.items() if c >= 3}
    found = sorted(w for w in real - r.known if len(w) >= 4 and r._restore(w) not in (None, w))
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    head = [x for x in lines if x.startswith("#")]
    body = sorted({x.strip() for x in lines if x.strip() and not x.startswith("#")} | set(found))
    _COMMON_FILE.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"{len(found)} new words; {len(body)} in {_COMMON_FILE.name}")


if __name__ == "__main__":
    main()
