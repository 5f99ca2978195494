"""The teen / SMS register's own head (révision 11b, issue 11): a small logistic regression, one message at a time.

Teenagers' group chats carry aggression without insult words ("t'as vu sa tête", "on fait un groupe sans elle"),
and the generic semantic heads, trained mostly on posts, score it low. The register's operating point (révision 10,
``detector._chat_register_flags``) lowers the generic bars; this head goes further: it reads what the cascade already
computed for the message -- the USE sentence vector (already encoded by the semantic tier: a cache hit), the
semantic and fast tiers' scores, the lexicon's scores and a few register features (length, second / third person,
laughter, emojis, negation, punctuation) -- and gives P(hostile). It runs only on messages the cascade left
unflagged, in the teen / SMS register (``register.ChatRegister``), French or English, with at least two words and a
content word (a reaction alone, "mdr", "😂", is the conversation pass's to judge), outside softening contexts
(affection, counter-speech, reported speech, quotes...). A message at or over the head's threshold takes the
strongest of insult / harassment / threat / body_weight by the semantic tier's score, at the category's threshold
(the severity does not rise), with the context ``teen_head``.

Trained by ``train_teen_head.py`` (seeded, reproducible) on the team's training chats and teen line files; the
weights ship as ``data/teen_head.npz`` (float32, no pickle). Cost: one dot product per candidate; the sentence
vectors come from the semantic tier's cache (``semantic.encode``).
"""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.register import content_words

HEAD_CATEGORIES = ("insult", "harassment", "threat", "discrimination:body_weight")
SEM_KEYS = (
    "_any",
    "insult",
    "harassment",
    "threat",
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
FAST_KEYS = SEM_KEYS[1:]

_TOKENS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SECOND = frozenset(
    [
        "tu",
        "t",
        "t'",
        "t’",
        "toi",
        "ton",
        "ta",
        "tes",
        "te",
        "t'es",
        "t’es",
        "tes",
        "ta",
        "tas",
        "t'as",
        "t’as",
        "t'étais",
        "tétais",
        "you",
        "your",
        "u",
        "ur",
        "yourself",
        "you're",
        "youre",
        "vous",
        "votre",
        "vos",
    ]
)
_THIRD = frozenset(
    [
        "il",
        "elle",
        "lui",
        "sa",
        "son",
        "ses",
        "la",
        "le",
        "elles",
        "ils",
        "eux",
        "leur",
        "he",
        "she",
        "her",
        "him",
        "his",
        "they",
        "them",
        "their",
    ]
)
_GROUP = frozenset(
    ["on", "nous", "ns", "we", "us", "personne", "tout", "tous", "toutes", "everyone", "nobody"]
)
_NEG = frozenset(
    [
        "pas",
        "jamais",
        "rien",
        "personne",
        "plus",
        "aucun",
        "aucune",
        "not",
        "never",
        "no",
        "nothing",
        "nobody",
        "dont",
        "don't",
        "can't",
        "cant",
    ]
)
_LAUGH = re.compile(r"(?:m+d+r+|p+t+d+r+|l+o+l+|x+d+|(?:a*h+a+){2,}|l+m+f*a+o+|j+p+p+)", re.I)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_MOCK_EMOJI = re.compile("[\U0001f602\U0001f923\U0001f480\U0001f921\U0001f644\U0001f437\U0001f92e\U0001f922]")

HAND_FEATURES = (
    "log_words",
    "log_content_words",
    "second_person",
    "third_person",
    "group",
    "negation",
    "laugh",
    "emojis",
    "mocking_emojis",
    "question",
    "exclamation",
    "upper_ratio",
    "register_points",
)


def hand_features(text: str, register_points: int) -> np.ndarray:
    """The register features of one message (``HAND_FEATURES``), small numbers of comparable scale."""
    toks = [t.lower() for t in _TOKENS.findall(text)]
    n = len(toks)
    letters = [c for c in text if c.isalpha()]
    return np.array(
        [
            np.log1p(n),
            np.log1p(len(content_words(text))),
            min(sum(t in _SECOND or t.startswith(("t'", "t’")) for t in toks), 3),
            min(sum(t in _THIRD for t in toks), 3),
            min(sum(t in _GROUP for t in toks), 3),
            min(sum(t in _NEG for t in toks), 3),
            1.0 if _LAUGH.search(text) else 0.0,
            min(len(_EMOJI.findall(text)), 5) / 2,
            min(len(_MOCK_EMOJI.findall(text)), 5) / 2,
            1.0 if "?" in text else 0.0,
            min(text.count("!"), 3),
            (sum(c.isupper() for c in letters) / len(letters)) if letters else 0.0,
            min(register_points, 6) / 2,
        ],
        dtype=np.float32,
    )


# -- révision 12a: markers the head reads besides the sentence vector, and the message's character n-grams ---------
_THREAT_EMOJI = re.compile(
    "[\U0001f608\U0001f47f\U0001f44a\U0001f91c\U0001f91b\U0001f52a\U0001f94a\U0001f4a3\U0001f52b\u26b0"
    "\U0001faa6\U0001f479\U0001f4a5\U0001f624\U0001f621\U0001f92c]"
)  # 😈 👿 👊 🤜 🤛 🔪 🥊 💣 🔫 ⚰ 🪦 👹 💥 😤 😡 🤬
_SARCASM_EMOJI = re.compile(
    "[\U0001f642\U0001f643\U0001f44f\U0001f44c\U0001f485\U0001f971\U0001f92d\U0001f60f\U0001f440\U0001f937]"
)  # 🙂 🙃 👏 👌 💅 🥱 🤭 😏 👀 🤷
_LOVE_EMOJI = re.compile(
    "[\u2764\U0001f970\U0001f618\U0001f90d\U0001f495\U0001faf6\U0001f496\U0001f497\U0001f49e\U0001f60a\U0001f917]"
)  # ❤ 🥰 😘 🤍 💕 🫶 💖 💗 💞 😊 🤗
_CRY_EMOJI = re.compile("[\U0001f62d\U0001f979]")  # 😭 🥹 (teen laughter as often as tears)
_IMPERATIVE = re.compile(
    r"^(?:\W*\w+\W+)?(?:ferme|tais|tg|dégage|degage|casse|barre|va|vas|arrête|arrete|arrêtez|arretez|répète|repete|"
    r"viens|venez|regarde|regardez|balance|kick|bloque|bloquez|vire|virez|supprime|sors|sortez|laisse|laissez|calme|"
    r"assume|bouge|crève|creve|pleure|chiale)\b"
)
_IMPERATIVE_EZ = re.compile(r"\b\w{3,}ez(?:-(?:la|le|les|lui|moi|nous))?\b(?!\s+(?:vous|pas))")
_EXCLUSION = re.compile(
    r"\b(?:sans (?:elle|lui|eux|toi)|groupe|grp|invit\w*|kick\w*|vir(?:e|er|ez|é)|bloqu\w*|"
    r"personne (?:veut|va|lui|te|ne)|on (?:lui|leur|te) parle|parle(?:z)? plus|ignor\w*|exclu\w*|seule?s?|reste chez)\b"
)
_WHEN_WHERE = re.compile(
    r"\b(?:\d{1,2}\s?h(?:\d{2})?|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|demain|ce soir|"
    r"tout à l'heure|sortie|portail|gymnase|récré|recre|parc|devant)\b"
)
_RUMOUR = re.compile(
    r"\b(?:askip|il para[iî]t|parait|on dit|screen\w*|capture|story|stories|insta|snap|tiktok|balanc\w*|habite|"
    r"adresse|tourner|tout le monde sait|je sais que|jsais que)\b|\[(?:photo|capture|video|vidéo|clip|screen)"
)
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")  # a letter three times or more ("nonnn"); `fold` squashes it

EXTRA_FEATURES = (
    "threat_emojis",
    "sarcasm_emojis",
    "love_emojis",
    "cry_emojis",
    "imperative_opening",
    "imperative_ez",
    "exclusion",
    "when_where",
    "rumour",
    "elongation",
)


def extra_features(text: str) -> np.ndarray:
    """Révision 12a (``EXTRA_FEATURES``): emoji classes (menace 😈👊🔪, sarcasm 🙂👏💅, affection ❤🥰, 😭), an
    imperative opening ("ferme-la", "répète", "dégage") or a 2nd-person-plural imperative ("regardez", "virez-la"),
    exclusion ("sans elle", "groupe", "kick", "personne veut"), a time or place to meet ("18h", "jeudi", "à la
    sortie"), rumour and exposure ("askip", "story", "[photo]", "habite"), elongated letters."""
    low = text.lower()
    return np.array(
        [
            min(len(_THREAT_EMOJI.findall(text)), 3) / 2,
            min(len(_SARCASM_EMOJI.findall(text)), 3) / 2,
            min(len(_LOVE_EMOJI.findall(text)), 3) / 2,
            min(len(_CRY_EMOJI.findall(text)), 3) / 2,
            1.0 if _IMPERATIVE.search(low) else 0.0,
            min(len(_IMPERATIVE_EZ.findall(low)), 2),
            min(len(_EXCLUSION.findall(low)), 2),
            min(len(_WHEN_WHERE.findall(low)), 2),
            min(len(_RUMOUR.findall(low)), 2),
            1.0 if _ELONGATION.search(low) else 0.0,
        ],
        dtype=np.float32,
    )


# -- révision 14c: what the harmless teen messages the head flagged say (benign cues) -------------------------------
_FIRST = frozenset(
    [
        "je",
        "j",
        "j'",
        "j’",
        "moi",
        "me",
        "m",
        "m'",
        "m’",
        "mon",
        "ma",
        "mes",
        "jsuis",
        "jsais",
        "jsp",
        "jvais",
        "jpeux",
        "jveux",
        "jcrois",
        "jpense",
        "jfais",
        "jdis",
        "jme",
        "jte",
        "jai",
        "jen",
        "jlai",
        "chui",
        "chuis",
        "jui",
        "i",
        "i'm",
        "im",
        "i’m",
        "my",
        "me",
        "myself",
        "mine",
    ]
)
_DEFENCE = re.compile(
    r"\b(?:stop|arr[eê]te[zs]?|arr[eê]tez|laisse[zr]?|calme[zr]?|abus[ée]s?|pas dr[oô]le|pas cool|rien fait|"
    r"pas sa faute|pas ta faute|c'est grave|c grave|c'est chaud|c chaud|respect|defend\w*|défend\w*|"
    r"leave (?:her|him|them) alone|not funny|not cool|chill)\b"
)
_APOLOGY = re.compile(r"\b(?:dsl|d[ée]sol[ée]e?s?|pardon|excuse[zs]?|sorry|my bad|jm'excuse|je m'excuse)\b")
_AFFECTION = re.compile(
    r"\b(?:ma belle|ma reine|mon reuf|ma sœur|ma soeur|ma s[oœ]eur|frr+|fr[eè]re|frero|frérot|bb|b[ée]b[ée]|"
    r"ma puce|ch[ée]rie?|jtm|je t'aime|jt'aime|love (?:u|you)|mon c(?:oeur|œur)|ma jumelle|mon pote|ma pote|"
    r"bestie|besta|bro|sis|force [aà] (?:toi|vous)|courage|bisous?|gros bisous)\b"
)
_QUOTE = re.compile(
    "[«»\"“”]|\\b(?:il|elle|ils|elles|on|tu|t'as|ta|j'ai|jai) (?:a |ont |m'a |m'ont |lui a )?(?:dit|[ée]crit|mis|r[ée]pondu)\\b"
)
_OATH = re.compile(
    r"\b(?:j(?:e |')?te jure|jte jure|je vous jure|jvous jure|wallah|wlh|sur ma vie|i swear)\b"
)
_SITUATION = re.compile(
    r"\b(?:putain|ptn|merde|fait chier|flemme|la honte|relou|saoul|soûl|gal[eè]re|wtf|fuck|shit|omg|"
    r"j'en peux plus|jen peux plus|trop dur|j'ai peur|jai peur|stress\w*)\b"
)
_SUPPORT = re.compile(
    r"\b(?:[çc]a va (?:toi|aller)|t'inqui[eè]te|tkt|tqt|t'es pas seule?|on est l[aà]|je suis l[aà]|jsuis l[aà]|"
    r"t'as bien fait|bien jou[ée]|bravo|merci|trop bien|trop beau|trop belle|magnifique|gg)\b"
)

BENIGN_FEATURES = (
    "first_person",
    "first_person_only",
    "defence",
    "apology",
    "affection_words",
    "quote",
    "oath",
    "situation",
    "support",
    "laugh_and_second",
)


def benign_features(text: str) -> np.ndarray:
    """Révision 14c (``BENIGN_FEATURES``): what the harmless teen messages the head flagged say, that its register
    features did not count: the writer speaking of themself (self-mockery, "jsais pas si elle va vouloir me parler";
    ``first_person_only``: no second or third person), a defender's or bystander's words ("stop", "c'est abusé",
    "pas drôle"), an apology, words of affection ("ma belle", "frr", "force à toi"), quotes and reported words, an
    oath ("jte jure"), swearing at a situation ("ptn", "la flemme"), support ("ça va toi ?", "t'inquiète", "gg"), and
    laughter next to a second person (friendly roasting as often as mockery: the head weighs it)."""
    low = fold(text)
    toks = [t.lower() for t in _TOKENS.findall(text.lower())]
    first = min(sum(t in _FIRST or t.startswith(("j'", "j’", "m'", "m’")) for t in toks), 3)
    second = any(t in _SECOND or t.startswith(("t'", "t’")) for t in toks)
    third = any(t in _THIRD for t in toks)
    return np.array(
        [
            first,
            1.0 if first and not second and not third else 0.0,
            min(len(_DEFENCE.findall(low)), 2),
            1.0 if _APOLOGY.search(low) else 0.0,
            min(len(_AFFECTION.findall(low)), 2),
            1.0 if _QUOTE.search(text.lower()) else 0.0,
            1.0 if _OATH.search(low) else 0.0,
            min(len(_SITUATION.findall(low)), 2),
            min(len(_SUPPORT.findall(low)), 2),
            1.0
            if second and (_LAUGH.search(text) or _MOCK_EMOJI.search(text) or _CRY_EMOJI.search(text))
            else 0.0,
        ],
        dtype=np.float32,
    )


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Révision 14c: first names (the secrecy lexicon's lists, read alone: ~0.05 s; folded as ``fold`` folds):
    ``char_ngrams(mask_names=True)`` writes each as one token, so that the head does not learn its training chats'
    victims and bullies by name. Loaded with a head that masks them (``load_teen_head``), not on its first message."""
    import yaml

    ref = resources.files("veilleur.detect.secrecy").joinpath("data").joinpath("lexicon.yaml")
    lx = yaml.load(ref.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    names = [str(n) for n in (lx.get("first_names") or []) + (lx.get("first_names_more") or [])]
    return frozenset(fold(n) for n in names if " " not in n and len(n) > 2)


_NAME_TOKEN = "ⓝ"

_NG_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_SQUASH = _ELONGATION


def fold(text: str) -> str:
    """Lower case, no accents, ’ as ', a letter repeated three times or more kept twice ("nonnnn" → "nonn")."""
    t = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return _SQUASH.sub(r"\1\1", "".join(c for c in t if not unicodedata.combining(c)))


def char_ngrams(
    text: str, dim: int, sizes: Sequence[int] = (2, 3, 4), bigrams: bool = False, mask_names: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Révision 12a: the message's hashed character n-grams (inside each word, padded by spaces: " tg ", "ntm",
    " fdp"), its words, and (``bigrams``) its word pairs; emojis are words. Buckets: CRC-32 modulo ``dim`` (a power
    of two; stable across runs and machines); values log(1 + count), L2-normalised. Returns (buckets, values)."""
    toks = _NG_TOKEN.findall(fold(text))
    if mask_names:  # révision 14c: every first name is the same token
        names = first_names()
        toks = [_NAME_TOKEN if t in names else t for t in toks]
    grams = []
    for w in toks:
        grams.append("w:" + w)
        if len(w) == 1 and not w.isalnum():
            continue
        padded = f" {w} "
        grams.extend(padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1))
    if bigrams:
        grams.extend("b:" + a + "_" + b for a, b in zip(toks, toks[1:], strict=False))
    counts: dict[int, int] = {}
    for g in grams:
        k = zlib.crc32(g.encode("utf-8")) & (dim - 1)
        counts[k] = counts.get(k, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = np.log1p(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    return keys, vals / np.linalg.norm(vals)


def score_features(a: Any, register_points: int) -> np.ndarray:
    """Semantic scores, fast-tier model and lexicon scores, and register features of an ``Analysis``."""
    sem = a.tiers.get("semantic", {})
    model = a.tiers.get("tier1_model", {})
    lex = a.tiers.get("tier1_lexicon", {})
    return np.concatenate(
        [
            np.array([sem.get(k, 0.0) for k in SEM_KEYS], dtype=np.float32),
            np.array([model.get(k, 0.0) for k in FAST_KEYS], dtype=np.float32),
            np.array([max(lex.values(), default=0.0)], dtype=np.float32),
            hand_features(a.text, register_points),
        ]
    )


@dataclass
class TeenHead:
    """Standardised logistic regression: P = sigmoid(((x - mean) / scale) . w + b [+ n-grams . ngram_w]); flagged
    at ``threshold``. Révision 12a: ``ngram_w`` (optional) weighs the message's hashed character n-grams
    (``char_ngrams``, settings in ``meta["ngrams"]``) and ``meta["extra_features"]`` appends ``EXTRA_FEATURES``."""

    mean: np.ndarray
    scale: np.ndarray
    w: np.ndarray
    b: float
    threshold: float
    meta: dict[str, Any]
    ngram_w: np.ndarray | None = None

    @property
    def use_embedding(self) -> bool:
        return bool(self.meta.get("use_embedding", True))

    @property
    def extra_features(self) -> bool:
        return bool(self.meta.get("extra_features", False))

    @property
    def benign_features(self) -> bool:
        """Révision 14c: the head reads ``BENIGN_FEATURES``."""
        return bool(self.meta.get("benign_features", False))

    @property
    def e5_features(self) -> bool:
        """Révision 13c: the head reads e5's own probabilities (``e5_columns``)."""
        return bool(self.meta.get("e5_features", False))

    def ngram_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The n-gram part of each text's logit (zeros without ``ngram_w``)."""
        if self.ngram_w is None:
            return np.zeros(len(texts))
        cfg = self.meta.get("ngrams") or {}
        sizes, bigrams = tuple(cfg.get("sizes", (2, 3, 4))), bool(cfg.get("bigrams", False))
        mask = bool(cfg.get("mask_names", False))
        out = np.zeros(len(texts))
        for i, t in enumerate(texts):
            keys, vals = char_ngrams(t, len(self.ngram_w), sizes, bigrams, mask)
            out[i] = float(self.ngram_w[keys] @ vals) if len(keys) else 0.0
        return out

    def proba(self, X: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        z = ((X - self.mean) / self.scale) @ self.w + self.b
        if self.ngram_w is not None:
            if texts is None:
                raise ValueError("this teen head reads character n-grams: pass the texts")
            z = z + self.ngram_scores(texts)
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
            "w": self.w.astype(np.float32),
            "b": np.array(self.b, dtype=np.float64),
            "threshold": np.array(self.threshold, dtype=np.float64),
            "meta": np.array(json.dumps(self.meta)),
        }
        if self.ngram_w is not None:
            arrays["ngram_w"] = self.ngram_w.astype(np.float32)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> TeenHead:
        with np.load(path, allow_pickle=False) as z:
            ngram_w = z["ngram_w"].astype(np.float32) if "ngram_w" in z.files else None
            if ngram_w is not None and (len(ngram_w) & (len(ngram_w) - 1)):
                raise ValueError(f"{path}: ngram_w must have a power-of-two length")
            return cls(
                mean=z["mean"].astype(np.float32),
                scale=z["scale"].astype(np.float32),
                w=z["w"].astype(np.float32),
                b=float(z["b"]),
                threshold=float(z["threshold"]),
                meta=json.loads(str(z["meta"])),
                ngram_w=ngram_w,
            )


@lru_cache(maxsize=4)
def load_teen_head(name: str) -> TeenHead | None:
    """The shipped head ``data/<name>`` (None when the file is absent: the register's operating point alone)."""
    ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath(name)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as p:
        head = TeenHead.load(Path(p))
    if (head.meta.get("ngrams") or {}).get("mask_names"):
        first_names()  # révision 14c: at load time
    return head


def e5_columns(probs: np.ndarray) -> np.ndarray:
    """Révision 13c: e5's own probabilities (the ensemble mixes them with the USE heads' before the head sees the
    semantic scores) as logits, clipped to [-8, 8]."""
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.clip(np.log(p / (1 - p)), -8.0, 8.0).astype(np.float32)


def features(
    analyses: Sequence[Any],
    points: Sequence[int],
    embeddings: np.ndarray | None,
    extra: bool = False,
    e5: np.ndarray | None = None,
    benign: bool = False,
) -> np.ndarray:
    """The head's input rows: [USE vector (if used)] + scores + register features [+ ``EXTRA_FEATURES``] [+
    ``BENIGN_FEATURES``, révision 14c] [+ e5's own probabilities as logits (``e5``, révision 13c)]."""
    rows = np.stack([score_features(a, p) for a, p in zip(analyses, points, strict=True)])
    if extra:
        rows = np.hstack([rows, np.stack([extra_features(a.text) for a in analyses])])
    if benign:
        rows = np.hstack([rows, np.stack([benign_features(a.text) for a in analyses])])
    if e5 is not None:
        rows = np.hstack([rows, e5_columns(e5)])
    if embeddings is None:
        return rows
    return np.hstack([embeddings.astype(np.float32), rows])


class Defenders:
    """``match(text)``: a teen defender's or bystander's words (contexts.yaml ``chat_register.head.defenders``, terms
    written as ``{a|b}`` patterns): the head does not read such messages -- its training chats have few defenders
    who sound angry ("c'est abusé de se foutre de sa gueule parce que…", "leave her alone")."""

    def __init__(self, terms: Sequence[str]) -> None:
        from veilleur.detect.text_harm.lexicon import expand_term
        from veilleur.detect.text_harm.normalize import normalize
        from veilleur.detect.text_harm.patterns import trie_pattern

        words = sorted({normalize(t).text for term in terms for t in expand_term(str(term))} - {""})
        self.pattern = re.compile(r"(?<![\w'’])(?:" + trie_pattern(words) + r")(?![\w'’])") if words else None

    def match(self, norm_text: str) -> bool:
        """``norm_text``: the message as ``normalize`` writes it."""
        return bool(self.pattern and self.pattern.search(norm_text))


def best_category(sem: dict[str, float], scores: dict[str, float]) -> str | None:
    """The head's category: the strongest of ``HEAD_CATEGORIES`` by the semantic tier's score."""
    cats = [c for c in HEAD_CATEGORIES if c in scores]
    return max(cats, key=lambda c: sem.get(c, 0.0)) if cats else None
