"""Révision 16a (s13-cs): a learned stance head that vetoes counter-speech the semantic tier alone flagged.

Replies that denounce, refute or quote hate in order to condemn it read, to the encoders, like the hate they answer:
the same group, the same words. Most counter-speech the cascade flags is decided by the semantic tier (e5 + USE
heads mixed), by a hostile frame's hint (révision 15a) or by the teen head (révision 15b), never by a lexicon slur.
This head reads what the cascade already computed for a routed message: the USE sentence vector (512, from the
semantic tier's cache), the semantic tier's own probabilities (``a.tiers["semantic"]``, one per category) and a few
cheap cues of stance (quote marks, reporting verbs, words that name or denounce hate, "stop", negation, second
person, kin and friends, rights; ``CUES``). A logistic regression gives P(counter-speech) against the harmful rows
of the same team files. It runs only on messages flagged by the semantic tier alone (``semantic_only``) or by the
teen head without a lexicon score at the flagged category's threshold: at or over ``threshold`` (teen head:
``teen_threshold``, and only where the teen head's own probability is under ``teen_max``) the flag is lifted
(context ``stance_veto``). A lexicon slur said in the writer's own voice is never vetoed.

Trained by ``train_stance.py`` on team files; the weights ship as ``data/stance_head.npz`` (float32, no pickle).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from veilleur.detect.text_harm.threat_head import load_data
from veilleur.files import reading

# cue name -> pattern, on the lower-cased text without accents (quote marks and emojis: on the lower-cased text)
CUES: dict[str, str] = {
    "quote": r"[«»“”\"]",
    "report": r"\b(dit|disent|disait|dire|a ecrit|ecrit|entendu|traite|traitait|traiter|appel(?:le|aient|ait)|said"
    r"|says|say|saying|told|tell|wrote|write|heard|called|calling|call)\b",
    "denounce": r"\b(racis\w*|homophob\w*|transphob\w*|sexis\w*|misogyn\w*|antisemit\w*|islamophob\w*|grossophob\w*"
    r"|validis\w*|ableis\w*|bigot\w*|haine|hate(?:ful)?|prejuge\w*|prejudice\w*|stereotype\w*|cliche\w*"
    r"|discrimin\w*|intolerable|inacceptable|unacceptable|honte|shame\w*|pathetic|pathetique|degueulasse"
    r"|disgusting|signale\w*|report(?:ed|ing)?|harcelement|harass\w*|rhetoric|rhetorique)\b",
    "stop": r"\b(stop|arrete[sz]?|arretez|ca suffit|enough|do better|grandi(?:ssez|s)|grow up|respire|calm down"
    r"|knock it off|cut it out|pas ok|not ok|not okay|pas drole|not funny)\b",
    "negation": r"\b(non|no|pas|not|isn't|aren't|n'est|ne sont|faux|false|wrong|myth\w*|mythe\w*|never|jamais)\b",
    "second": r"\b(tu|t'|toi|ton|ta|tes|vous|votre|vos|you|your|you're|ur|u)\b",
    "first": r"\b(je|j'|moi|mon|ma|mes|my|i|me|i'm|i've|nous|we|our|notre)\b",
    "kin": r"\b(mere|pere|soeur|frere|cousin\w*|pote\w*|ami\w*|fille|fils|voisin\w*|collegue\w*|mum|mom|dad|sister"
    r"|brother|friend\w*|neighbou?r\w*|colleague\w*|son|daughter|wife|husband|grand\w*)\b",
    "question": r"\?",
    "irony": r"(🙃|🤔|🙄|\bbien sur\b|\bof course\b|\bapparemment\b|\bapparently\b|\bquelle horreur\b|\bshocking\b)",
    "rights": r"\b(droit|droits|right|rights|exister|exist|respect\w*|egalite|equal\w*|loi|law|liberte|freedom)\b",
}
_RAW = frozenset({"quote", "irony"})  # read on the lower-cased text as written
_PATTERNS = {k: re.compile(v) for k, v in CUES.items()}
CUE_WEIGHT = (
    2.0  # the cues' scale next to the sentence vector (chosen with train_stance.py's out-of-writer figures)
)


def _plain(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c)).replace("\u2019", "'")


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """One row per text: each cue's count, capped at 3, over 3, times ``CUE_WEIGHT``."""
    out = np.zeros((len(texts), len(CUES)), dtype=np.float32)
    for i, text in enumerate(texts):
        plain, low = _plain(text), text.lower()
        for j, (k, pat) in enumerate(_PATTERNS.items()):
            out[i, j] = min(len(pat.findall(low if k in _RAW else plain)), 3) / 3.0
    return CUE_WEIGHT * out


@dataclass
class StanceHead:
    coef: np.ndarray
    intercept: float
    categories: tuple[str, ...]  # the semantic tier's outputs read, in this order
    threshold: float  # messages flagged by the semantic tier alone
    teen_threshold: float  # messages flagged by the teen head...
    teen_max: float  # ...whose own probability is under this
    meta: dict[str, Any] = field(default_factory=dict)

    def features(
        self, emb: np.ndarray, texts: Sequence[str], semantic: Sequence[dict[str, float]]
    ) -> np.ndarray:
        sem = np.array([[s.get(c, 0.0) for c in self.categories] for s in semantic], dtype=np.float32)
        return np.hstack(
            [np.asarray(emb, dtype=np.float32), cue_features(texts), sem.reshape(len(texts), -1)]
        )

    def proba(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0, dtype=np.float32)
        z = X @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def save(self, path: str) -> None:
        np.savez_compressed(
            path,
            coef=self.coef.astype(np.float32),
            intercept=np.float32(self.intercept),
            meta=np.array(
                json.dumps(
                    {
                        **self.meta,
                        "categories": list(self.categories),
                        "threshold": self.threshold,
                        "teen_threshold": self.teen_threshold,
                        "teen_max": self.teen_max,
                        "cues": list(CUES),
                    }
                )
            ),
        )


def read_stance_head(path: Any) -> StanceHead:
    """A head saved by ``StanceHead.save``; a missing or corrupt file, or one trained with other cues: one
    ``InputError`` naming it."""
    with reading(path, "stance head (.npz)"), np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        if meta.get("cues") != list(CUES):
            raise ValueError(f"trained with other cues ({meta.get('cues')})")
        return StanceHead(
            coef=z["coef"].astype(np.float32),
            intercept=float(z["intercept"]),
            categories=tuple(meta["categories"]),
            threshold=float(meta["threshold"]),
            teen_threshold=float(meta["teen_threshold"]),
            teen_max=float(meta["teen_max"]),
            meta=meta,
        )


def load_stance_head(name: str = "stance_head.npz") -> StanceHead | None:
    """The shipped head (``data/<name>``), or None when absent."""
    return load_data(name, read_stance_head)
