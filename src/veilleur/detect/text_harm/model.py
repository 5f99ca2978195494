"""Tier-1 linear model: hashed char + word n-grams of the normalised text, one logistic head per category.

Weights ship as a small ``.npz`` (sparse float16 coefficients + Platt calibration), no pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from veilleur.detect.text_harm.normalize import normalize

MODEL_CATEGORIES: tuple[str, ...] = (
    "insult",
    "threat",
    "harassment",
    "sexual",
    "defamation_risk",
    "patient_mockery",
    "discrimination:sex_gender",
    "discrimination:sexual_orientation",
    "discrimination:origin_race",
    "discrimination:religion",
    "discrimination:disability_health",
    "discrimination:body_weight",
    "discrimination:age",
)

DEFAULT_FEATURES: dict[str, Any] = {
    "char_bits": 18,
    "word_bits": 17,
    "char_ngrams": [2, 5],
    "word_ngrams": [1, 2],
}


class Featurizer:
    """Turns texts into one sparse matrix: char n-grams (within words) and word n-grams, each L2-normalised."""

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        p = {**DEFAULT_FEATURES, **(params or {})}
        self.params = p
        self.char = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(p["char_ngrams"]),
            n_features=2 ** int(p["char_bits"]),
            alternate_sign=False,
            binary=True,
            lowercase=False,
            dtype=np.float32,
        )
        self.word = HashingVectorizer(
            analyzer="word",
            ngram_range=tuple(p["word_ngrams"]),
            n_features=2 ** int(p["word_bits"]),
            alternate_sign=False,
            binary=True,
            lowercase=False,
            token_pattern=r"(?u)\b\w+\b|[\U0001F300-\U0001FAFF]",
            dtype=np.float32,
        )

        # révision 11a (speed): the same features, hashed once per distinct word (char n-grams stay inside a word)
        # and once per distinct word n-gram, then assembled per batch; ``transform_reference`` is sklearn's path
        self._char_grams = self.char.build_analyzer()
        self._word_grams = self.word.build_analyzer()
        self._char_hasher = FeatureHasher(
            self.char.n_features, input_type="string", alternate_sign=False, dtype=np.float32
        )
        self._word_hasher = FeatureHasher(
            self.word.n_features, input_type="string", alternate_sign=False, dtype=np.float32
        )
        self._char_cache: dict[str, np.ndarray] = {}
        self._word_cache: dict[str, int] = {}
        self.cache_size = CACHE_SIZE

    @property
    def n_features(self) -> int:
        return int(2 ** int(self.params["char_bits"]) + 2 ** int(self.params["word_bits"]))

    def transform(self, texts: list[str], normalized: bool = False) -> sp.csr_matrix:
        norm = texts if normalized else [normalize(t).text for t in texts]
        return sp.hstack([self._char_matrix(norm), self._word_matrix(norm)], format="csr")

    def transform_reference(self, texts: list[str], normalized: bool = False) -> sp.csr_matrix:
        """sklearn's HashingVectorizers on whole texts: what ``transform`` must equal, bit for bit."""
        norm = texts if normalized else [normalize(t).text for t in texts]
        return sp.hstack([self.char.transform(norm), self.word.transform(norm)], format="csr")

    def _char_matrix(self, texts: list[str]) -> sp.csr_matrix:
        """Binary, L2-normalised char n-grams (``char_wb``): a text's n-grams are its words' n-grams, each word
        (``str.split``, as sklearn splits) hashed once and remembered."""
        words = [t.split() for t in texts]
        cache = self._char_cache
        local, new = _split_known(words, cache, _EMPTY)
        if new:
            X = self._char_hasher.transform(self._char_grams(w) for w in new)
            X.sum_duplicates()
            if len(cache) + len(new) > self.cache_size:
                cache.clear()
            for k, w in enumerate(new):
                local[w] = cache[w] = X.indices[X.indptr[k] : X.indptr[k + 1]].copy()
        return _binary_rows([[local[w] for w in ws] for ws in words], self.char.n_features)

    def _word_matrix(self, texts: list[str]) -> sp.csr_matrix:
        """Binary, L2-normalised word 1- and 2-grams, each distinct n-gram hashed once and remembered."""
        grams = [self._word_grams(t) for t in texts]
        cache = self._word_cache
        local, new = _split_known(grams, cache, -1)
        if new:
            X = self._word_hasher.transform([g] for g in new)
            if len(cache) + len(new) > self.cache_size:
                cache.clear()
            for k, g in enumerate(new):
                local[g] = cache[g] = int(X.indices[X.indptr[k]])
        flat = np.fromiter((local[g] for gs in grams for g in gs), dtype=np.int32, count=sum(map(len, grams)))
        return _binary_rows([[flat]], self.word.n_features, [len(gs) for gs in grams])


CACHE_SIZE = 100_000  # distinct words (char side) and word n-grams (word side) remembered, each
_EMPTY = np.zeros(0, dtype=np.int32)
_V = TypeVar("_V")


def _split_known(
    groups: list[list[str]], cache: dict[str, _V], missing: _V
) -> tuple[dict[str, _V], list[str]]:
    """The batch's distinct keys with their remembered values (``missing`` for those not in ``cache``), and the
    keys not remembered, in first-seen order (to be computed once each)."""
    local: dict[str, _V] = {}
    new: list[str] = []
    for keys in groups:
        for key in keys:
            if key not in local:
                got = cache.get(key)
                if got is None:
                    new.append(key)
                    local[key] = missing
                else:
                    local[key] = got
    return local, new


def _binary_rows(
    parts: list[list[np.ndarray]], n_features: int, row_lengths: list[int] | None = None
) -> sp.csr_matrix:
    """One row per text from its index arrays (``row_lengths``: the rows' sizes when ``parts`` is one flat array):
    duplicates summed then set to 1, rows L2-normalised (as HashingVectorizer(binary=True, norm="l2") does, so
    that the result is the same to the bit)."""
    if row_lengths is None:
        row_lengths = [sum(len(a) for a in p) for p in parts]
    indptr = np.zeros(len(row_lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(row_lengths, dtype=np.int64), out=indptr[1:])
    flat = [a for p in parts for a in p]
    indices = np.concatenate(flat).astype(np.int32, copy=False) if flat else np.zeros(0, dtype=np.int32)
    if indptr[-1] <= np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    X = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(row_lengths), n_features)
    )
    X.sum_duplicates()
    X.data.fill(1)
    return l2_normalize(X, norm="l2", copy=False)


@dataclass
class LinearModel:
    """Sparse coefficients (features x categories), intercepts, Platt parameters per category."""

    categories: tuple[str, ...]
    coef: sp.csc_matrix
    intercept: np.ndarray
    platt_a: np.ndarray
    platt_b: np.ndarray
    featurizer: Featurizer
    meta: dict[str, Any]

    def __post_init__(self) -> None:
        # CSR once: sparse CSR @ CSR avoids a format conversion of the weights on every call
        self._coef_csr = sp.csr_matrix(self.coef)
        self._word_rows: dict[str, np.ndarray] = {}

    def decision(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray((X @ self._coef_csr).toarray(), dtype=np.float64) + self.intercept

    def predict_proba(self, texts: list[str], normalized: bool = False) -> np.ndarray:
        """Calibrated probabilities, shape (n_texts, n_categories)."""
        if not texts:
            return np.zeros((0, len(self.categories)))
        X = self.featurizer.transform(texts, normalized=normalized)
        z = self.decision(X)
        return 1.0 / (1.0 + np.exp(-(self.platt_a * z + self.platt_b)))

    def word_scores(self, words: list[str]) -> np.ndarray:
        """Each word's own decision value per category, shape (n_words, n_categories): which words carry it.
        A word's row depends on that word alone: rows are remembered (révision 11a), new words scored together."""
        if not words:
            return np.zeros((0, len(self.categories)))
        cache = self._word_rows
        out = np.empty((len(words), len(self.categories)), dtype=np.float64)
        new: dict[str, list[int]] = {}
        for k, w in enumerate(words):
            row = cache.get(w)
            if row is None:
                new.setdefault(w, []).append(k)
            else:
                out[k] = row
        if new:
            X = self.featurizer.transform(list(new), normalized=True)
            rows = np.asarray((X @ self._coef_csr).toarray(), dtype=np.float64)
            if len(cache) + len(new) > CACHE_SIZE:
                cache.clear()
            for row, (w, ks) in zip(rows, new.items(), strict=True):
                cache[w] = row.copy()
                out[ks] = row
        return out

    def save(self, path: Path) -> None:
        coef = self.coef.tocsc()
        np.savez_compressed(
            path,
            data=coef.data.astype(np.float16),
            indices=coef.indices.astype(np.int32),
            indptr=coef.indptr.astype(np.int64),
            shape=np.array(coef.shape, dtype=np.int64),
            intercept=self.intercept.astype(np.float32),
            platt_a=self.platt_a.astype(np.float32),
            platt_b=self.platt_b.astype(np.float32),
            meta=np.array(
                json.dumps(
                    {**self.meta, "categories": list(self.categories), "features": self.featurizer.params}
                )
            ),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> LinearModel:
        if path is None:
            ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("model.npz")
            with resources.as_file(ref) as p:
                return cls.load(Path(p))
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            shape = tuple(int(x) for x in z["shape"])
            coef = sp.csc_matrix((z["data"].astype(np.float32), z["indices"], z["indptr"]), shape=shape)
            return cls(
                categories=tuple(meta["categories"]),
                coef=coef,
                intercept=z["intercept"].astype(np.float64),
                platt_a=z["platt_a"].astype(np.float64),
                platt_b=z["platt_b"].astype(np.float64),
                featurizer=Featurizer(meta.get("features")),
                meta=meta,
            )
