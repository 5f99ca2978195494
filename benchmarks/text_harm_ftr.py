"""FTR (French racist tweets) figures of the text-harm cascade, per kind of tweet (révision 10b, issue 11).

    PYTHONPATH=src python benchmarks/text_harm_ftr.py [--split train|heldout] [--shared-data DIR] [--errors N]

Reads ``ftr-racism-fr/ftr_racism_fr.csv`` in place under ``--shared-data`` (never copied; MIT licence) and keeps
the training part (default) or the fixed 20 % held-out part of ``semantic_corpus.is_heldout``. Develop on the
training part; report the held-out part once (révision 11c: ``--errors`` is refused there: the held-out tweets are
test data, measured in aggregate only; its fixed halves "a" / "b" of ``text_harm_route.public_half`` are printed too,
one to choose on, one to report). A tweet is flagged as ``veilleur text-harm check --json`` flags it:
any category at or over its threshold. The kinds are read from the tweet's words (first that applies): "nazi" /
Hitler / facho, a racist slur, a group word or ethnic label, words of history or anti-racism, other.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

KINDS = [
    ("nazi/Hitler/facho", r"nazi|hitler|facho|fasciste|f[uü]hrer"),
    (
        "slur",
        r"n[eéè]gr|bamboula|youpin|bougnoul|bicot|raton|chinetoque|macaque|sale race|cette race|m[eé]t[eè]que",
    ),
    (
        "group word / ethnic label",
        r"reubeu|rebeu|\bbeurs?\b|renoi|noich|toubab|feuj|\bblancs?\b|\bnoirs?\b|arabe|juif|juive|musulman|africain|"
        r"immigr|migrant|[eé]tranger|\broms?\b|islam|race",
    ),
    ("history / anti-racism words", r"esclav|coloni|shoah|raciste|racisme|antis[eé]mit"),
]


def kind(text: str) -> str:
    t = text.lower()
    return next((name for name, pat in KINDS if re.search(pat, t)), "other")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("train", "heldout"), default="train")
    ap.add_argument("--shared-data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses and N false alarms")
    args = ap.parse_args()
    if args.errors and args.split == "heldout":
        print(
            "--errors lists training tweets only: the held-out split is test data (aggregate figures only)",
            file=sys.stderr,
        )
        return 2

    from text_harm_route import public_half

    from veilleur.detect.text_harm.detector import TextHarmAnalyzer
    from veilleur.detect.text_harm.semantic_corpus import is_heldout, read_ftr

    rows = [e for e in read_ftr(args.shared_data) if is_heldout(e.text) == (args.split == "heldout")]
    if not rows:
        print(
            f"no FTR data under {args.shared_data} (expected ftr-racism-fr/ftr_racism_fr.csv)",
            file=sys.stderr,
        )
        return 2
    an = TextHarmAnalyzer()
    flagged: list[bool] = []
    for i in range(0, len(rows), 64):
        chunk = rows[i : i + 64]
        flagged += [bool(a.flagged(an.thresholds)) for a in an.analyze([e.text for e in chunk])]
    per: dict[str, list[int]] = {}
    for e, f in zip(rows, flagged, strict=True):
        d = per.setdefault(kind(e.text), [0, 0, 0, 0])
        d[0 if e.labels else 2] += 1
        d[1 if e.labels else 3] += f
    pos = sum(d[0] for d in per.values())
    tp = sum(d[1] for d in per.values())
    neg = sum(d[2] for d in per.values())
    fp = sum(d[3] for d in per.values())
    print(f"FTR {args.split}: {len(rows)} tweets, {pos} racist")
    print(
        f"  recall {tp / max(1, pos):.3f}  precision {tp / max(1, tp + fp):.3f}  non-racist kept {1 - fp / max(1, neg):.3f}"
    )
    if args.split == "heldout":
        for half in ("a", "b"):
            sel = [(e, f) for e, f in zip(rows, flagged, strict=True) if public_half(e.text) == half]
            hp = sum(1 for e, _ in sel if e.labels)
            htp = sum(1 for e, f in sel if e.labels and f)
            hfp = sum(1 for e, f in sel if not e.labels and f)
            print(
                f"  half {half}: {len(sel)} tweets, recall {htp / max(1, hp):.3f}  "
                f"precision {htp / max(1, htp + hfp):.3f}  non-racist kept {1 - hfp / max(1, len(sel) - hp):.3f}"
            )
    for name, (p, t, n, nf) in sorted(per.items(), key=lambda kv: -kv[1][0]):
        print(f"  {name:<28} racist found {t}/{p}   non-racist flagged {nf}/{n}")
    if args.errors:
        miss = [e.text for e, f in zip(rows, flagged, strict=True) if e.labels and not f][: args.errors]
        fa = [e.text for e, f in zip(rows, flagged, strict=True) if not e.labels and f][: args.errors]
        print("\nmisses:\n  " + "\n  ".join(t[:160].replace("\n", " ") for t in miss))
        print("\nfalse alarms:\n  " + "\n  ".join(t[:160].replace("\n", " ") for t in fa))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
