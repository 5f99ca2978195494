"""Révision 15c (s12-thr): a small learned threat head on character and word n-grams, that names threats.

Calls for violence and threats are often flagged by the cascade under another category (group hate, harassment,
insult): the encoders' threat outputs are low on them (median 0.11–0.26 on gold threats, révision 14b) and the
lexicon's threat entries and structures (``threat_clauses.py``) find only the phrasings they describe. This head
reads the message's normalised text (``normalize``), hashed into character n-grams (2–5, inside word boundaries)
and word n-grams (1–2), each block sublinear tf × idf, l2-normalised; a logistic regression gives P(threat). It runs
only on messages the cascade **already flagged** under another category: at or over its threshold the message
takes ``threat`` at the category's threshold (its severity follows the threat policy), with the tier
``threat_head``. It never flags a message by itself: the harmless messages flagged are the cascade's, unchanged.

Trained by ``train_threat_head.py`` (team files; older files label calls for violence without ``threat``: a
``call_for_violence`` or ``threat_individual`` phenomenon counts as a threat); the weights ship as
``data/threat_head.npz`` (float32 idf and coefficients, no pickle).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from veilleur.detect.text_harm.normalize import normalize
from veilleur.files import atomic_open, reading

T = TypeVar("T")
N_CHAR = 2**18
N_WORD = 2**17
THREAT_PHENOMENA = frozenset({"threat_individual", "call_for_violence", "threat"})


def is_threat(row: dict[str, Any]) -> bool:
    """A team line's threat label: ``threat`` among its labels, or a threat phenomenon (older files label many calls
    for violence as group hate only)."""
    ph = str(row.get("phenomenon") or row.get("functionality") or "")
    return "threat" in (row.get("labels") or []) or ph in THREAT_PHENOMENA


@lru_cache(maxsize=4)
def vectorizers(n_char: int = N_CHAR, n_word: int = N_WORD) -> tuple[HashingVectorizer, HashingVectorizer]:
    """The character 2–5-gram and word 1–2-gram hashers (``n_char`` / ``n_word`` buckets: the heads' hash spaces,
    the category layer's smaller ones)."""
    char = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=n_char, alternate_sign=False, norm=None
    )
    word = HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        token_pattern=r"[\w']+",
        n_features=n_word,
        alternate_sign=False,
        norm=None,
    )
    return char, word


def counts(texts: Sequence[str], n_char: int = N_CHAR, n_word: int = N_WORD) -> sp.csr_matrix:
    """Hashed n-gram counts of the normalised texts: character block, then word block."""
    char, word = vectorizers(n_char, n_word)
    norm = [normalize(t).text for t in texts]
    return sp.hstack([char.transform(norm), word.transform(norm)], format="csr")


def weigh(x: sp.csr_matrix, idf: np.ndarray, n_char: int = N_CHAR) -> sp.csr_matrix:
    """Sublinear tf × idf, each block (characters: the first ``n_char`` columns, words) l2-normalised."""
    x = x.astype(np.float32, copy=True)
    x.data = np.log1p(x.data)
    x = x.multiply(idf[None, :]).tocsr()
    return sp.hstack([l2_normalize(x[:, :n_char]), l2_normalize(x[:, n_char:])], format="csr")


def idf_of(x: sp.csr_matrix) -> np.ndarray:
    """Smoothed idf of a count matrix (training)."""
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
    n = x.shape[0]
    return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)


def load_data(name: str, reader: Callable[[Any], T]) -> T | None:
    """A file shipped in ``data/`` read by ``reader``, or None when absent."""
    ref = resources.files("veilleur.detect.text_harm").joinpath("data", name)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as p:
        return reader(p)


@dataclass
class ThreatHead:
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0, dtype=np.float32)
        z = weigh(counts(texts), self.idf) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def save(self, path: str | Path) -> None:
        """Writes the head to ``path`` (whole or not at all)."""
        with atomic_open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                idf=self.idf.astype(np.float32),
                coef=self.coef.astype(np.float32),
                intercept=np.float32(self.intercept),
                threshold=np.float32(self.threshold),
                meta=np.array(json.dumps(self.meta)),
            )


def read_threat_head(path: Any) -> ThreatHead:
    """A head saved by ``ThreatHead.save`` (the threat, patient-mockery and group-hate heads); a missing, corrupt or
    mis-shaped file: one ``InputError`` naming it."""
    with reading(path, "n-gram head (.npz)"), np.load(path, allow_pickle=False) as z:
        head = ThreatHead(
            idf=z["idf"].astype(np.float32),
            coef=z["coef"].astype(np.float32),
            intercept=float(z["intercept"]),
            threshold=float(z["threshold"]),
            meta=json.loads(str(z["meta"])),
        )
        if head.idf.ndim != 1 or head.coef.shape != head.idf.shape:
            raise ValueError(f"idf {head.idf.shape} and coef {head.coef.shape}: not one weight a feature")
    return head


def load_threat_head(name: str = "threat_head.npz") -> ThreatHead | None:
    """The shipped head (``data/<name>``), or None when absent."""
    return load_data(name, read_threat_head)
