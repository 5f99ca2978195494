"""Révision 19a (s16-teen): a small learned "banter vs aggression" head for teen-register messages the cascade flags.

One message at a time, the cascade flags friendly roasting, trash talk and swearing at a game in teen group chats as
often as aggression (docs/text_harm.md, "Révision 18a": the newest chat writers keep 0.77–0.80 of their harmless
messages). This head reads the message's normalised text, hashed into character n-grams (2–5, inside word
boundaries) and word n-grams (1–2), each block sublinear tf × idf, l2-normalised (``threat_head``'s featuriser, in
smaller hash spaces); a logistic regression gives P(aggression). It runs last in the cascade, only on messages that are
**already flagged**, in the teen / SMS register (contexts.yaml ``chat_register``), in ``langs``, and only when the
flag came from the register's own paths or the semantic tier (never a threat, sexual harassment or group hate that
the cascade flags with confidence: ``keep`` categories at ``keep_score`` or more, or any lexicon score at a flagged
category's threshold for them). Under ``bar`` the message is unflagged (its scores capped under their thresholds,
context ``teen_banter``, tier ``banter_head``). It never flags a message. No laughter or emoji rule: the head reads
words, and a reaction alone is not read (``min_content_words``).

Trained by ``train_banter_head.py`` (teen chats of the team's training chat writers and the team's teen / SMS line
files, odd ids of the newest writers); weights ship as ``data/banter_head.npz`` (float16 idf and coefficients, no
pickle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.threat_head import counts, load_data, weigh

N_CHAR = 2**16
N_WORD = 2**15


@dataclass
class BanterHead:
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    bar: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_char(self) -> int:
        return int(self.meta.get("n_char", N_CHAR))

    @property
    def n_word(self) -> int:
        return int(self.meta.get("n_word", N_WORD))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """P(aggression) of each text."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        x = weigh(counts(texts, self.n_char, self.n_word), self.idf, self.n_char)
        z = x @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def save(self, path: Path | str) -> None:
        np.savez_compressed(
            path,
            idf=self.idf.astype(np.float16),
            coef=self.coef.astype(np.float16),
            intercept=np.float32(self.intercept),
            bar=np.float32(self.bar),
            meta=np.array(json.dumps(self.meta)),
        )


def read_banter_head(path: Any) -> BanterHead:
    with np.load(path, allow_pickle=False) as z:
        return BanterHead(
            idf=z["idf"].astype(np.float32),
            coef=z["coef"].astype(np.float32),
            intercept=float(z["intercept"]),
            bar=float(z["bar"]),
            meta=json.loads(str(z["meta"])),
        )


def load_banter_head(name: str = "banter_head.npz") -> BanterHead | None:
    """The shipped head (``data/<name>``), or None when absent."""
    return load_data(name, read_banter_head)
