"""Train the banter head (``banter_head.py``, révision 19a): seeded, reproducible, chosen out of writer.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_banter_head dump --out d.jsonl SOURCES...
    PYTHONPATH=src python -m veilleur.detect.text_harm.train_banter_head fit d.jsonl --lines TEAMDIR [--save OUT]

``dump`` runs the shipped cascade **without** the banter head on the teen chats of conversation folders (one writer a
folder; ``messages[].hostile``) and on JSONL line files (``FILE:odd`` / ``FILE:even``: one id parity), and writes one
JSON line a message: its writer, label, the flagged categories, scores, contexts, tiers, and whether the banter head
would read it (``banter_candidates``). ``fit`` trains the head on the teen / SMS lines of the team's line files
(``--lines``; writers in ``--skip`` left out, only the odd ids of ``ODD_ONLY_WRITERS``; harmless banter phenomena
weigh ``--banter-weight``) and on the candidates of the dumped training chats (weight ``--chat-weight``), leaving
each chat writer out in turn (never a random split; ``--holdout`` writers are never trained on): the bar is chosen
on those out-of-writer predictions, then the head is fitted on everything (but the held-out writers) and saved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

BANTER_PHENOMENA = frozenset(
    {
        "friendly_banter",
        "profanity_non_hateful",
        "insult_at_no_one",
        "affectionate_teasing",
        "self_deprecation",
        "frustrated_swearing",
        "profanity_nontargeted",
        "self_insult",
    }
)
# writers of the team's line files never trained on: the unseen report files' writers and the counter-speech ones
SKIP = ("writer19", "writer20", "writer21", "writer22", "writer29", "writer36")
HEAD_THRESHOLD_GRID = (0.14, 0.16, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.33, 0.36, 0.4, 0.45, 0.5, 0.6)
BAR_GRID = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def _rows(spec: str) -> list[dict[str, Any]]:
    from veilleur.detect.text_harm.train_teen_head import id_parity

    ids = "all"
    if spec.endswith((":odd", ":even")):
        spec, ids = spec.rsplit(":", 1)
    path = Path(spec)
    if not path.exists():
        raise SystemExit(f"train_banter_head: no such file or folder: {spec}")
    out: list[dict[str, Any]] = []
    if path.is_dir():
        for p in sorted(path.rglob("*.json")):
            chat = json.loads(p.read_text(encoding="utf-8"))
            if not isinstance(chat, dict) or chat.get("register") != "teen":
                continue
            for m in chat.get("messages", []):
                if str(m.get("text", "")).strip():
                    out.append({"text": m["text"], "hostile": bool(m.get("hostile")), "writer": path.name})
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            if ids != "all" and id_parity(r.get("id")) != ids:
                continue
            out.append(
                {
                    "text": r["text"],
                    "hostile": bool(r.get("labels")),
                    "writer": path.stem + ("" if ids == "all" else ids),
                    "register": str(r.get("register", "?")),
                    "phenomenon": str(r.get("phenomenon") or "?"),
                }
            )
    return out


def dump(sources: list[str], out: Path, chunk: int = 500) -> None:
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    analyzer = TextHarmAnalyzer()
    analyzer.banter_head = None  # the cascade as it would be without the banter head
    rows = [r for s in sources for r in _rows(s)]
    with out.open("w", encoding="utf-8") as fh:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            res = analyzer.analyze([r["text"] for r in part])
            cands = {id(a) for a in analyzer.banter_candidates(res)}
            for r, a in zip(part, res, strict=True):
                th = a.tiers.get("teen_head", {})
                rec = {
                    **r,
                    "flagged": sorted(a.flagged(analyzer.thresholds)),
                    "contexts": list(a.contexts),
                    "cand": id(a) in cands,
                    "teen_p": th.get("p"),
                    "teen_flag": "teen_head" in a.contexts,
                    "teen_veto": "teen_head_veto" in a.contexts,
                    # could the banter head read it were the teen head to flag it (another head threshold)
                    "cand_if": bool(
                        "semantic" in a.tiers
                        and a.lang in analyzer.banter_langs
                        and analyzer.chat_register is not None
                        and analyzer.chat_register.match(a.text)
                    ),
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            print(f"{start + len(part)}/{len(rows)}", file=sys.stderr, flush=True)


def team_lines(folder: Path, skip: tuple[str, ...]) -> list[dict[str, Any]]:
    """The teen / SMS lines of the team's line files: odd ids only for ``ODD_ONLY_WRITERS``, ``skip`` left out."""
    from veilleur.detect.text_harm.semantic_corpus import ODD_ONLY_WRITERS

    out = []
    for p in sorted(folder.glob("*.jsonl")):
        if p.stem in skip:
            continue
        ids = "odd" if p.stem in {str(w) for w in ODD_ONLY_WRITERS} else "all"
        out += [r for r in _rows(f"{p}:{ids}" if ids != "all" else str(p)) if r.get("register") == "teen_sms"]
    return out


def fit_head(texts: list[str], y: np.ndarray, w: np.ndarray, c: float, seed: int = 0) -> Any:
    from sklearn.linear_model import LogisticRegression

    from veilleur.detect.text_harm.banter_head import N_CHAR, N_WORD, BanterHead
    from veilleur.detect.text_harm.threat_head import counts, idf_of, weigh

    x = counts(texts, N_CHAR, N_WORD)
    idf = idf_of(x)
    m = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    m.fit(weigh(x, idf, N_CHAR), y, sample_weight=w)
    return BanterHead(
        idf=idf,
        coef=m.coef_[0].astype(np.float32),
        intercept=float(m.intercept_[0]),
        bar=0.0,
        meta={"n_char": N_CHAR, "n_word": N_WORD, "c": c},
    )


def flags_at(rows: list[dict[str, Any]], p: np.ndarray, bar: float, t: float = 0.26) -> np.ndarray:
    """The cascade's flags with the teen head at threshold ``t`` (its veto unchanged) and the banter head at ``bar``
    (``p``: its probability; NaN where it does not read)."""
    out = np.zeros(len(rows), dtype=bool)
    for i, r in enumerate(rows):
        f = bool(r["flagged"])
        tp = r.get("teen_p")
        if tp is not None and not r["teen_veto"] and (r["teen_flag"] or not r["flagged"]):
            f = tp >= t
        read = r["cand"] or (f and r["cand_if"] and not r["flagged"])
        if f and read and not np.isnan(p[i]) and p[i] < bar:
            f = False
        out[i] = f
    return out


def recall_kept(rows: list[dict[str, Any]], f: np.ndarray) -> tuple[float, float]:
    y = np.array([r["hostile"] for r in rows], dtype=bool)
    return float(f[y].mean()) if y.any() else 0.0, float(1 - f[~y].mean()) if (~y).any() else 1.0


def best_at(rows: list[dict[str, Any]], p: np.ndarray, bar: float, min_kept: float) -> float:
    best = 0.0
    for t in HEAD_THRESHOLD_GRID:
        r, k = recall_kept(rows, flags_at(rows, p, bar, t))
        if k >= min_kept:
            best = max(best, r)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    du = sub.add_parser("dump")
    du.add_argument("sources", nargs="+")
    du.add_argument("--out", type=Path, required=True)
    ft = sub.add_parser("fit")
    ft.add_argument("dumps", nargs="+", type=Path)
    ft.add_argument("--lines", type=Path, required=True, help="the team's line files (team_messages/)")
    ft.add_argument("--skip", nargs="*", default=list(SKIP))
    ft.add_argument("--holdout", nargs="*", default=["chatw11"])
    ft.add_argument("--c", type=float, default=4.0)
    ft.add_argument("--chat-weight", type=float, default=3.0)
    ft.add_argument("--banter-weight", type=float, default=2.0)
    ft.add_argument(
        "--max-recall-loss", type=float, default=0.01, help="pooled, out of writer, at the head's point"
    )
    ft.add_argument("--save", type=Path)
    a = ap.parse_args(argv)
    if a.cmd == "dump":
        dump(a.sources, a.out)
        return 0
    rows = [json.loads(line) for p in a.dumps for line in p.read_text(encoding="utf-8").splitlines() if line]
    lines = team_lines(a.lines, tuple(a.skip))
    line_x = [r["text"] for r in lines]
    line_y = np.array([r["hostile"] for r in lines], dtype=bool)
    line_w = np.array(
        [
            a.banter_weight if (not r["hostile"] and r["phenomenon"] in BANTER_PHENOMENA) else 1.0
            for r in lines
        ]
    )
    writers = sorted({r["writer"] for r in rows} - set(a.holdout))

    def train(excl: set[str]) -> Any:
        tr = [r for r in rows if r["cand"] and r["writer"] not in excl and r["writer"] not in a.holdout]
        texts = line_x + [r["text"] for r in tr]
        y = np.concatenate([line_y, np.array([r["hostile"] for r in tr], dtype=bool)])
        w = np.concatenate([line_w, np.full(len(tr), a.chat_weight)])
        return fit_head(texts, y, w, a.c)

    def probs(head: Any, rs: list[dict[str, Any]]) -> np.ndarray:
        p = np.full(len(rs), np.nan)
        idx = [i for i, r in enumerate(rs) if r["cand"] or r["cand_if"]]
        if idx:
            p[idx] = head.predict([rs[i]["text"] for i in idx])
        return p

    by_writer: dict[str, tuple[list[dict[str, Any]], np.ndarray]] = {}
    for g in writers:
        rs = [r for r in rows if r["writer"] == g]
        by_writer[g] = (rs, probs(train({g}), rs))
        print(f"  {g}: out of writer", file=sys.stderr, flush=True)
    pool = [r for g in writers for r in by_writer[g][0]]
    pool_p = np.concatenate([by_writer[g][1] for g in writers])
    base_r, _ = recall_kept(pool, flags_at(pool, pool_p, 0.0))
    chosen = 0.0
    print("bar | pool out of writer: recall / kept ; best recall at kept 0.85 | writer-averaged kept")
    for bar in BAR_GRID:
        r, k = recall_kept(pool, flags_at(pool, pool_p, bar))
        wk = np.mean([recall_kept(rs, flags_at(rs, p, bar))[1] for rs, p in by_writer.values()])
        print(f"{bar:.2f} | {r:.3f} / {k:.3f} ; {best_at(pool, pool_p, bar, 0.85):.3f} | {wk:.3f}")
        if base_r - r <= a.max_recall_loss:
            chosen = bar
    print(f"chosen bar (pooled recall loss <= {a.max_recall_loss}): {chosen}")
    head = train(set())
    head.bar = chosen
    head.meta.update(
        {
            "bar": chosen,
            "chat_weight": a.chat_weight,
            "banter_weight": a.banter_weight,
            "holdout": list(a.holdout),
            "writers": writers,
        }
    )
    for g in a.holdout:
        rs = [r for r in rows if r["writer"] == g]
        if rs:
            p = probs(head, rs)
            r0, k0 = recall_kept(rs, flags_at(rs, p, 0.0))
            r1, k1 = recall_kept(rs, flags_at(rs, p, chosen))
            print(
                f"held out {g}: {r0:.3f} / {k0:.3f} -> {r1:.3f} / {k1:.3f}; best at kept 0.85 "
                f"{best_at(rs, p, 0.0, 0.85):.3f} -> {best_at(rs, p, chosen, 0.85):.3f}"
            )
    if a.save:
        head.save(a.save)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
