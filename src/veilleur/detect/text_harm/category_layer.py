"""Révision 18c (s15-cat): a learned category layer names the categories of the messages the cascade flagged.

The any-harm decision of the cascade is good on writers nobody tuned on, the categories it names much less: each stage
names them its own way (the fast tier's n-gram model, the lexicon's grounds, the semantic tier's per-category outputs,
the "_any" fallback that reports the category the semantic tier ranks first, the threat and patient heads, the
registers' points), and a message flagged for the right reason often carries the wrong ground, or one ground too few.

This layer reads the message's normalised text, hashed into character 2–5-grams and word 1–2-grams (the threat head's
featurisation, ``threat_head.py``, on smaller hash spaces), each block sublinear tf × idf and l2-normalised; one
logistic regression per category, fitted on the **harmful** team lines only, gives P(category | harmful text). It runs
in the cascade only, on the messages **already flagged** (it never flags nor unflags a message): a category the cascade
flagged is dropped when the layer's probability is under its ``drop`` bar (a group ground only: the person-directed
categories of ``NEVER_DROPPED`` are never dropped), a category it did not flag is added (at the
category's threshold) when the probability reaches its ``add`` bar; a message left with no category keeps the flagged
one the layer rates highest. Tier ``category_layer`` (the probabilities of the categories it changed).

Trained by ``train_category_layer.py`` (team files; odd ids only for the writers whose even ids are report-only); the
bars are chosen on the cascade's own outputs with the layer's out-of-writer probabilities (same module). The weights
ship as ``data/category_layer.npz`` (float16 coefficients, float32 idf, no pickle). Its inputs are the text alone: a
retrain of the semantic heads changes what the cascade flags, not the layer (its bars may be re-chosen with the same
command).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from veilleur.detect.text_harm import threat_head
from veilleur.files import atomic_open, reading

# person-directed categories the layer adds but never drops: the raid detector counts messages by them, and the law
# area qualifies harassment and insults from them (measured: dropping them cost the demo's raid one message)
NEVER_DROPPED = frozenset({"insult", "harassment", "threat", "patient_mockery"})

N_CHAR = 2**16
N_WORD = 2**15


def counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Hashed n-gram counts of the normalised texts: character block, then word block (the threat head's, on the
    layer's hash spaces)."""
    return threat_head.counts(texts, N_CHAR, N_WORD)


def weigh(x: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf × idf, each block (characters, words) l2-normalised."""
    return threat_head.weigh(x, idf, N_CHAR)


@dataclass
class CategoryLayer:
    categories: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray  # (categories, features)
    intercept: np.ndarray  # (categories,)
    drop: dict[str, float] = field(default_factory=dict)
    add: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """P(category | harmful text), one row a text, one column a category."""
        if not texts:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        z = np.asarray(weigh(counts(texts), self.idf) @ self.coef.T) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def name(self, flagged: Sequence[str], p: dict[str, float]) -> tuple[set[str], set[str]]:
        """The categories to drop from and to add to a flagged message's (``flagged``), given the layer's
        probabilities ``p``: drop under the ``drop`` bar (never a category of ``NEVER_DROPPED``), add at the ``add``
        bar; never all dropped with none added (the flagged category the layer rates highest then stays)."""
        known = [c for c in flagged if c in p]
        drop = {c for c in known if c not in NEVER_DROPPED and p[c] < self.drop.get(c, 0.0)}
        add = {c for c in self.categories if c not in flagged and p[c] >= self.add.get(c, 2.0)}
        if known and drop == set(known) and not add:
            drop.discard(max(known, key=lambda c: p[c]))
        return drop, add

    def save(self, path: str | Path) -> None:
        """Writes the head to ``path`` (whole or not at all)."""
        with atomic_open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                categories=np.array(json.dumps(list(self.categories))),
                idf=self.idf.astype(np.float32),
                coef=self.coef.astype(np.float16),
                intercept=self.intercept.astype(np.float32),
                bars=np.array(json.dumps({"drop": self.drop, "add": self.add})),
                meta=np.array(json.dumps(self.meta)),
            )


def read_category_layer(path: Any) -> CategoryLayer:
    """A layer saved by ``CategoryLayer.save``; a missing, corrupt or mis-shaped file, or one that names a category the
    model does not know: one ``InputError`` naming it."""
    from veilleur.detect.text_harm.model import MODEL_CATEGORIES

    with reading(path, "category layer (.npz)"), np.load(path, allow_pickle=False) as z:
        bars = json.loads(str(z["bars"]))
        layer = CategoryLayer(
            categories=tuple(json.loads(str(z["categories"]))),
            idf=z["idf"].astype(np.float32),
            coef=z["coef"].astype(np.float32),
            intercept=z["intercept"].astype(np.float32),
            drop={str(k): float(v) for k, v in bars["drop"].items()},
            add={str(k): float(v) for k, v in bars["add"].items()},
            meta=json.loads(str(z["meta"])),
        )
        unknown = sorted(set(layer.categories) - set(MODEL_CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}")
        n, k = len(layer.categories), layer.idf.shape[0]
        if layer.idf.ndim != 1 or layer.coef.shape != (n, k) or layer.intercept.shape != (n,):
            raise ValueError(
                f"arrays idf {layer.idf.shape}, coef {layer.coef.shape}, intercept {layer.intercept.shape}: "
                f"not one row a category and one weight a feature"
            )
    return layer


def load_category_layer(name: str = "category_layer.npz") -> CategoryLayer | None:
    """The shipped layer (``data/<name>``), or None when absent."""
    return threat_head.load_data(name, read_category_layer)
