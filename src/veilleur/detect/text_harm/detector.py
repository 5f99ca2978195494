"""The ``text_harm`` detector: language id, tier-1 model + lexicon/context rules, optional tiers 2 and 3.

``TextHarmAnalyzer.analyze(texts)`` gives per-text scores, spans and a French explanation;
``TextHarmDetector.detect(messages)`` turns them into ``Finding`` records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.banter_head import load_banter_head
from veilleur.detect.text_harm.category_layer import CategoryLayer, load_category_layer
from veilleur.detect.text_harm.group_head import GroupHead, load_group_head
from veilleur.detect.text_harm.lexicon import HINT, Hit, Lexicon, load_lexicon
from veilleur.detect.text_harm.model import MODEL_CATEGORIES, LinearModel
from veilleur.detect.text_harm.normalize import Normalized, deobfuscate, normalize
from veilleur.detect.text_harm.patient_head import PatientHead, load_patient_head
from veilleur.detect.text_harm.policy import read_policy
from veilleur.detect.text_harm.register import ChatRegister, FormalRegister, content_words
from veilleur.detect.text_harm.stance import load_stance_head
from veilleur.detect.text_harm.teen_head import Defenders, best_category, load_teen_head
from veilleur.detect.text_harm.teen_head import features as teen_features
from veilleur.detect.text_harm.threat_head import ThreatHead, load_threat_head
from veilleur.records import Finding, Message, Span
from veilleur.taxonomy import Severity, label

log = logging.getLogger(__name__)

DETECTOR_NAME = "text_harm"
DETECTOR_VERSION = "1.0"
CATEGORIES = MODEL_CATEGORIES
_INSULTING = ("insult",) + tuple(c for c in CATEGORIES if c.startswith("discrimination:"))


@lru_cache(maxsize=1)
def load_policy() -> dict[str, Any]:
    """The shipped policy (``data/policy.yaml``), checked at load: an unknown key or a wrong value is a
    ``ConfigError`` naming the file and the key (``policy.py``), never a silent default."""
    return read_policy(resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("policy.yaml"))


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    return LinearModel.load()


@lru_cache(maxsize=1)
def _language_detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    # A few languages only: faster and fewer confusions on short messages.
    langs = [
        Language.FRENCH,
        Language.ENGLISH,
        Language.SPANISH,
        Language.GERMAN,
        Language.ITALIAN,
        Language.PORTUGUESE,
        Language.ARABIC,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


_FR_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "est",
        "et",
        "il",
        "elle",
        "pour",
        "avec",
        "pas",
        "que",
        "qui",
        "sur",
        "dans",
        "au",
        "aux",
        "ce",
        "cette",
        "je",
        "tu",
        "on",
        "nous",
        "vous",
        "mon",
        "ma",
        "mes",
        "son",
        "sa",
        "ses",
        "encore",
        "tout",
        "très",
        "ton",
        "ta",
        "tes",
        "te",
        "toi",
        "moi",
        "lui",
        "leur",
        "mais",
        "donc",
        "ça",
        "ne",
        "se",
        "par",
        "suis",
        "sont",
        "ont",
        "vais",
        "va",
        "avec",
        "maintenant",
        "aussi",
        "bien",
        "comme",
        "quand",
        "oui",
        "non",
        "merci",
        "chez",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "and",
        "he",
        "she",
        "for",
        "with",
        "not",
        "that",
        "who",
        "on",
        "in",
        "to",
        "of",
        "this",
        "i",
        "you",
        "are",
        "was",
        "his",
        "her",
        "my",
        "what",
        "it",
    ]
)
_FR_CHARS = re.compile(r"[éèêàçùâîôœ]")
_WORDS = re.compile(r"[a-zà-ÿ]+")
# Révision 8: French SMS / teen-chat markers, each worth two function words (lingua reads "ntm" as English,
# "t'es con jtm" as Portuguese, "wsh t moche" as anything): abbreviations and elisions no other language writes.
# fmt: off
_FR_SMS = frozenset([
    "wsh", "wesh", "ptdr", "mdr", "mdrr", "mdrrr", "jpp", "tkt", "tqt", "jsp", "jsais", "jsuis", "chui", "chuis",
    "jvais", "jte", "jtm", "jtd", "jme", "jlai", "jai", "jv", "ntm", "tg", "fdp", "frr", "frro", "frero", "frerot",
    "reuf", "slt", "bjr", "stp", "svp", "bcp", "pk", "pq", "pcq", "prcq", "psk", "tfk", "tfq", "oklm", "askip",
    "wallah", "wlh", "starfoullah", "vnr", "relou", "chelou", "ouf", "daronne", "daron", "reum", "keum", "meuf",
    "mec", "bg", "cv", "ct", "cc", "ouais", "kiff", "tmtc", "nn", "ui", "oe", "ptn", "tpm", "sale",
    "sal", "merde", "putain", "tro", "trop", "ki", "koi", "kon", "grave", "quel", "quelle", "ces", "vas",
])
# fmt: on
# fmt: off
_EN_SMS = frozenset([
    "ur", "u", "lmao", "lmfao", "omg", "wtf", "idk", "tbh", "rn", "tmrw", "smh", "bruh", "bro", "pls", "plz", "im",
    "ngl", "wya", "gonna", "wanna", "gotta", "ily", "stfu", "kys", "dont", "cant", "thats", "youre", "such",
])
# fmt: on
_FR_ELISION = re.compile(
    r"(?<![\w'’])(?:(?:t|j|m|l|s|qu|c|n|d)['’](?:es|est|etais|étais|ai|as|a|en|y|suis|sais|vais|te|me|aime)"
    r"|t es|t etais|t étais|t as|j ai|j suis|j sais|j vais|qu il|qu elle|qu on)\b"
)


def _refine(text: str, lang: str) -> str:
    """Lingua's fast mode errs on short messages: a cheap check with function words, accents and SMS markers."""
    low = text.lower()
    words = _WORDS.findall(low)
    if len(words) > 3 and 2 * sum(len(w) == 1 for w in words) > len(words):
        return lang  # spaced-out letters ("t e s  u n  b o u f f o n"): no words to count
    fr = sum(w in _FR_WORDS for w in words) + (2 if _FR_CHARS.search(text) else 0)
    fr += 2 * (sum(w in _FR_SMS for w in words) + len(_FR_ELISION.findall(low)))
    en = sum(w in _EN_WORDS for w in words) + 2 * sum(w in _EN_SMS for w in words)
    if lang not in ("fr", "en"):
        # messages of this community are French or English far more often than anything else (a reply of three
        # words or fewer needs one clue only)
        if max(fr, en) >= (1 if len(words) <= 3 else 2) and fr != en:
            return "fr" if fr > en else "en"
        return lang
    if lang == "en" and fr > en:
        return "fr"
    if lang == "fr" and en > fr:
        return "en"
    return lang


def detect_languages(texts: Sequence[str]) -> list[str]:
    """ISO 639-1 code per text ('und' when unsure)."""
    try:
        found = _language_detector().detect_languages_in_parallel_of(list(texts))
    except Exception as exc:  # lingua missing or broken: degrade to unknown
        log.warning("language detection unavailable: %s", exc)
        return ["und"] * len(texts)
    return [
        _refine(t, lang.iso_code_639_1.name.lower() if lang is not None else "und")
        for t, lang in zip(texts, found, strict=True)
    ]


@dataclass
class Analysis:
    """What the detector concluded about one text."""

    text: str
    lang: str
    scores: dict[str, float]
    spans: list[Span] = field(default_factory=list)
    explanation: str = ""
    contexts: list[str] = field(default_factory=list)
    tiers: dict[str, dict[str, float]] = field(default_factory=dict)
    judge_rationale: str = ""

    def flagged(self, thresholds: dict[str, float]) -> dict[str, float]:
        return {c: s for c, s in self.scores.items() if s >= thresholds.get(c, 0.5)}


def thresholds_from_policy(policy: dict[str, Any], override: float | None = None) -> dict[str, float]:
    default = float(policy.get("default_threshold", 0.5))
    cats = policy.get("categories", {})
    return {
        c: float(override if override is not None else cats.get(c, {}).get("threshold", default))
        for c in CATEGORIES
    }


def load_semantic_stage(policy: dict[str, Any]) -> Any:
    """The cascade's second stage named by policy.yaml's ``semantic_stage``: ``use`` (USE-multilingual heads,
    the default), ``e5`` (fine-tuned multilingual-e5-small, e5.py) or ``ensemble`` (mean of both); e5 and the
    ensemble fall back to USE when unavailable."""
    kind = str(policy.get("semantic_stage", "use")).lower()
    if kind in ("e5", "ensemble"):
        from veilleur.detect.text_harm.e5 import load_e5_stage, load_ensemble_stage

        e5c = policy.get("e5_cascade") or {}
        band, threads = e5c.get("ensemble_band"), int(e5c.get("e5_threads", 1))
        stage: Any
        if kind == "e5" and not band:
            stage = load_e5_stage(threads)
        else:  # `e5` with a band: e5 decides (weight 1.0) what the USE heads route to it
            weight = 1.0 if kind == "e5" else float(e5c.get("e5_weight", 0.5))
            stage = load_ensemble_stage(
                tuple(band) if band else None,
                weight,
                threads,
                combine=str(e5c.get("combine", "mean")),
                e5_sure=e5c.get("e5_sure") or None,
            )
        if stage is not None:
            return stage
        log.warning("text_harm: semantic_stage %r unavailable; falling back to the USE heads", kind)
    from veilleur.detect.text_harm.semantic import load_semantic

    return load_semantic()


class TextHarmAnalyzer:
    """Scores texts. Tier 1 always; tier 2 (HF classifier) and tier 3 (LLM judge) when configured."""

    def __init__(
        self,
        model: LinearModel | None = None,
        lexicon: Lexicon | None = None,
        hf: Any = None,
        judge: Any = None,
        hf_combine: str = "max",
        semantic: Any = True,
    ) -> None:
        self.model = model or load_model()
        if semantic is True:
            semantic = load_semantic_stage(load_policy())
        self.semantic = semantic or None
        self.lexicon = lexicon or load_lexicon()
        self.hf = hf
        self.judge = judge
        self.hf_combine = hf_combine
        self.policy = load_policy()
        self.thresholds = thresholds_from_policy(self.policy)
        short = self.policy.get("short_message", {}) or {}
        self.short_words = int(short.get("min_words", 0))
        self.short_factor = float(short.get("model_factor", 1.0))
        casc = dict(self.policy.get("cascade", {}) or {})
        stage = getattr(self.semantic, "name", "")
        if stage.startswith("e5"):  # e5 / ensemble: the e5 stage's own routing and thresholds, if any
            # the per-category bars were chosen for the USE heads alone (révision 6): e5 and the ensemble use only
            # those that `e5_cascade` names (measured with them: demo P 0.89 -> 0.95 without them)
            casc.pop("category_min", None)
            casc.pop("category_any_gate", None)
            casc.update(self.policy.get("e5_cascade", {}) or {})
        self.fast_confident = float(casc.get("fast_confident", 0.85))
        self.fast_clear = float(casc.get("fast_clear", 0.2))
        any_thr = casc.get("any_harm_threshold", 0.7)  # null: "any harm" alone never flags
        self.any_threshold = float(any_thr) if any_thr is not None else float("inf")
        self.semantic_min = float(casc.get("semantic_min", 0.6))
        self.min_letters = int(casc.get("min_letters", 4))
        self.any_gate = float(casc.get("semantic_any_gate", 0.0))
        self.any_best_min = float(casc.get("any_best_min", 0.0))
        self.lexicon_veto = float(casc.get("lexicon_veto", 0.0))
        # révision 14b (s11-thr): categories whose lexicon score the veto leaves (threats: the encoders read formal or
        # ordinary-sounding threats as harmless), in a message where no context (quote, reported speech, laughter…) was found
        self.veto_spares = frozenset(str(c) for c in casc.get("lexicon_veto_spares", []) or [])
        # the encoder alone never raises a finding's severity (`raise_at`): its scores are capped under it
        self.semantic_max = float(casc.get("semantic_max", 1.0))
        # messages the fast tier scores under `low_band` (it saw nothing): the semantic tier alone must be surer
        low = casc.get("low_band", {}) or {}
        self.low_band = float(low.get("below", 0.0))
        # révision 15a (s12-q): a hint at least this strong (after contexts) lifts the low band; 1.0 or more: off
        self.hint_min = float(low.get("hint_min", 1.0))
        # révision 15a: `hint`: a hinted message the semantic tier left unflagged is flagged when its "any harm" reaches
        # `any` and the group-hate category it ranks first reaches `category_min`, unless a context in `unless`
        hint = casc.get("hint", {}) or {}
        self.hint_any = float(hint.get("any", 2.0))
        self.hint_cat_min = float(hint.get("category_min", 2.0))
        self.hint_unless = frozenset(str(x) for x in hint.get("unless", []) or [])
        self.low_semantic_min = float(low.get("semantic_min", self.semantic_min))
        self.low_any_gate = float(low.get("any_gate", self.any_gate))
        low_any = low.get("any_harm_threshold", self.any_threshold)
        self.low_any_threshold = float(low_any) if low_any is not None else float("inf")
        # per-category bars (révision 6): {category: semantic_min}, in the ordinary band and in the low band
        self.category_min = {str(c): float(v) for c, v in (casc.get("category_min", {}) or {}).items()}
        self.low_category_min = {str(c): float(v) for c, v in (low.get("category_min", {}) or {}).items()}
        # per-category "any harm" gates: the head's "_any" output under-rates some person-directed harms
        # (sexual remarks to a named nurse score high on `sexual`, low on "_any")
        self.category_gate = {str(c): float(v) for c, v in (casc.get("category_any_gate", {}) or {}).items()}
        self.low_category_gate = {
            str(c): float(v)
            for c, v in (low.get("category_any_gate", casc.get("category_any_gate", {})) or {}).items()
        }
        self.deobfuscate = bool((self.lexicon.contexts.get("semantic_input") or {}).get("deobfuscate", False))
        self.refute_cap = float((self.lexicon.contexts.get("refutation") or {}).get("semantic_cap", 1.0))
        # révision 10: the teen / SMS chat register's own operating point (contexts.yaml `chat_register`)
        chat = self.lexicon.contexts.get("chat_register") or {}
        self.chat_bars = {str(c): float(v) for c, v in (chat.get("categories") or {}).items()}
        self.chat_register = ChatRegister(chat) if self.chat_bars else None
        self.chat_langs = frozenset(str(x) for x in chat.get("langs", ["fr"]) or [])
        self.chat_any = float(chat.get("any", 1.0))
        # révision 13c: `point: false`: the register's bars flag nothing (the register's head alone decides); `point:
        # rest`: they flag only messages the head does not read (one content word, an emoji first...)
        point = chat.get("point", True)
        self.chat_point: bool | str = "rest" if point == "rest" else bool(point)
        self.chat_unless = frozenset(str(x) for x in chat.get("unless", []) or [])
        self.chat_min_words = int(chat.get("min_words", 0))
        # révision 11b: the register's own head (teen_head.py), on what the cascade and the register point left
        head = chat.get("head") or {}
        self.teen_head = (
            load_teen_head(str(head["file"])) if head.get("file") and self.chat_register else None
        )
        stage = self.semantic
        if stage is not None and self.teen_head is not None and self.teen_head.e5_features:
            stage.remember = True  # révision 13c: the head reads e5's own output, remembered by the stage
        self.teen_langs = frozenset(str(x) for x in head.get("langs", ["fr", "en"]) or [])
        self.teen_threshold = float(
            head.get("threshold", self.teen_head.threshold if self.teen_head else 1.0)
        )
        # a message recognised by its form alone (small letter, no final punctuation; no SMS marker) must start with
        # a letter (`form_only_letter`): doctors reply that way too, after an emoji or a figure ("😂 c'est déjà ça",
        # "80 % c'est généreux…"); and score `form_only_extra` more
        self.teen_form_extra = float(head.get("form_only_extra", 0.0))
        self.teen_form_letter = bool(head.get("form_only_letter", False))
        self.teen_min_content = int(head.get("min_content_words", 1))
        self.teen_defenders = Defenders(head.get("defenders") or [])
        # révision 13c: softening contexts the head reads anyway (it alone decides such messages)
        self.teen_read_softened = frozenset(str(x) for x in head.get("read_softened", []) or [])
        # révision 14c: `veto`: the head also reads the messages the semantic tier alone flagged (no lexicon score at
        # the flagged category's threshold, not the bars'), and a message it scores under `veto` is not flagged; in
        # the teen register the generic semantic heads flag friendly roasting and a bystander's words as often as
        # aggression. 0: off (the head reads only unflagged messages)
        self.teen_veto = float(
            head.get("veto", self.teen_head.meta.get("veto", 0.0) if self.teen_head else 0.0) or 0.0
        )
        # révision 13c: a second threshold for messages in clear teen register (at least `strong.min_points` register
        # points: SMS markers, informal spellings); without `strong`, one threshold
        # révision 17c: `wide`: the head also reads, at its own `threshold`, unflagged messages the gates above keep
        # from it: the softening contexts in `read_softened`, `min_content_words` content words (1: "oh le balance"),
        # and, where set, an emoji first without a register point (`form_only_letter: false`), `langs` more
        wide = head.get("wide") or {}
        self.teen_wide_threshold = float(wide.get("threshold", 2.0))
        self.teen_wide_read = frozenset(str(x) for x in wide.get("read_softened", []) or [])
        self.teen_wide_langs = frozenset(str(x) for x in wide.get("langs", []) or []) | self.teen_langs
        self.teen_wide_content = int(wide.get("min_content_words", self.teen_min_content))
        self.teen_wide_letter = bool(wide.get("form_only_letter", self.teen_form_letter))
        strong = head.get("strong") or {}
        self.teen_strong_points = (
            int(strong.get("min_points", 0)) if strong.get("threshold") is not None else 0
        )
        self.teen_strong_threshold = float(strong.get("threshold", self.teen_threshold))
        # révision 19a (s16-teen): the banter head (banter_head.py) reads, last, the teen-register messages the
        # cascade flagged through the register's paths or the semantic tier, and unflags those it scores under `bar`
        # (friendly roasting, trash talk, swearing at a game); never a `keep` category at `keep_score` or with a
        # lexicon score at its threshold, never a fast-tier flag. No `file`: off
        banter = chat.get("banter") or {}
        self.banter_head = (
            load_banter_head(str(banter["file"])) if banter.get("file") and self.chat_register else None
        )
        self.banter_bar = float(banter.get("bar", self.banter_head.bar if self.banter_head else 0.0))
        self.banter_langs = frozenset(str(x) for x in banter.get("langs", ["fr", "en"]) or [])
        self.banter_keep = tuple(str(x) for x in banter.get("keep", []) or [])
        self.banter_keep_score = float(banter.get("keep_score", 0.0))
        self.banter_min_content = int(banter.get("min_content_words", 1))
        # révision 14a (s11-formal): the formal register's own operating point (contexts.yaml `formal_register`)
        formal = self.lexicon.contexts.get("formal_register") or {}
        self.formal_register = FormalRegister(formal) if formal else None
        self.formal_langs = frozenset(str(x) for x in formal.get("langs", ["fr", "en"]) or [])
        self.formal_any = float(formal.get("any", 1.0))
        self.formal_min = float(formal.get("category_min", 1.0))
        self.formal_bars = {str(c): float(v) for c, v in (formal.get("categories") or {}).items()}
        alone = formal.get("any_alone")
        self.formal_any_alone = float(alone) if alone is not None else float("inf")
        self.formal_unless = frozenset(str(x) for x in formal.get("unless", []) or [])
        self.formal_frames = frozenset(str(x) for x in formal.get("frames", []) or [])
        # révision 15c (s12-thr), 17d (s14-pm), 18b (s15-hate), 18c (s15-cat): the threat head, the patient-mockery
        # head, the group-hate head and the category layer run in the cascade only: each is read from its file the
        # first time the cascade needs it (``threat_head`` … ``category_layer`` below), never by the fast tier alone
        # révision 19b (s16-hate): with `alone`, the threat head also flags a message the semantic tier read and left
        # unflagged (no context of the group head's `unless`, the stance head under the group head's `stance_max`)
        alone = (self.policy.get("threat_head") or {}).get("alone")
        self.threat_head_alone = float(alone) if alone is not None else None
        cue = (self.policy.get("patient_head") or {}).get("cue_threshold")
        self.patient_cue_threshold = float(cue) if cue is not None else None
        gh = self.policy.get("group_head") or {}
        self.group_head_min = float(gh.get("group_min", 1.01))
        self.group_head_stance_max = float(gh.get("stance_max", 1.01))
        self.group_head_unless = frozenset(str(x) for x in gh.get("unless", []) or [])
        # révision 19b (s16-hate): with `open_threshold`, the candidates that name no group and lean to no group-hate
        # category are read too, at that (higher) bar
        op = gh.get("open_threshold")
        self.group_head_open = float(op) if op is not None else None
        # révision 16a (s13-cs): the stance head (stance.py) lifts flags of counter-speech that the semantic tier alone
        # or the teen head raised (never a lexicon score at the flagged category's threshold)
        st = self.policy.get("stance_head") or {}
        self.stance_head = load_stance_head(str(st["file"])) if st.get("file") else None
        # how many messages each tier decided (``veilleur eval text-harm`` prints the shares)
        self.routing: dict[str, int] = {"fast": 0, "semantic": 0}

    # -- the cascade's learned heads, read from their files on first use (the fast tier alone reads none) ----------
    def _head(self, key: str, load: Callable[[str], Any]) -> Any:
        """The head of policy section ``key`` (its ``file`` in ``data/``, read by ``load``), None when the section
        names no file."""
        spec = self.policy.get(key) or {}
        return load(str(spec["file"])) if spec.get("file") else None

    def _head_threshold(self, key: str, head: Any) -> float:
        """The policy's ``threshold`` for the head of section ``key``, else the head's own (1.0 without a head)."""
        spec = self.policy.get(key) or {}
        return float(spec.get("threshold", head.threshold if head is not None else 1.0))

    @cached_property
    def threat_head(self) -> ThreatHead | None:
        """Révision 15c (s12-thr): names threats among the messages the cascade flagged under another category; it
        never flags a message by itself."""
        return self._head("threat_head", load_threat_head)

    @cached_property
    def threat_head_threshold(self) -> float:
        return self._head_threshold("threat_head", self.threat_head)

    @cached_property
    def patient_head(self) -> PatientHead | None:
        """Révision 17d (s14-pm): names patient mockery among the messages the cascade flagged under another category
        (and, with ``cue_threshold``, unflagged ones with a patient / care cue)."""
        return self._head("patient_head", load_patient_head)

    @cached_property
    def patient_head_threshold(self) -> float:
        return self._head_threshold("patient_head", self.patient_head)

    @cached_property
    def group_head(self) -> GroupHead | None:
        """Révision 18b (s15-hate): flags hate against a named group that the semantic tier read and left unflagged,
        unless the stance head reads counter-speech."""
        return self._head("group_head", load_group_head)

    @cached_property
    def group_head_threshold(self) -> float:
        return self._head_threshold("group_head", self.group_head)

    @cached_property
    def category_layer(self) -> CategoryLayer | None:
        """Révision 18c (s15-cat): re-names the categories of flagged messages."""
        return self._head("category_layer", load_category_layer)

    # -- tier 1 -----------------------------------------------------------------------------------------
    def _tier1(self, texts: list[str], langs: list[str]) -> list[Analysis]:
        results, pending = self._tier1_scores(texts, langs)
        self._add_spans(pending)
        return results

    def _tier1_scores(
        self, texts: list[str], langs: list[str]
    ) -> tuple[list[Analysis], list[tuple[Analysis, list[Hit], Normalized]]]:
        norms = [normalize(t) for t in texts]
        probs = self.model.predict_proba([n.text for n in norms], normalized=True)
        cats = self.model.categories
        out: list[Analysis] = []
        pending: list[tuple[Analysis, list[Hit], Normalized]] = []
        for i, text in enumerate(texts):
            lang = langs[i]
            hits = self.lexicon.match(text, lang, norms[i])
            lex = Lexicon.scores(hits)
            hint = lex.pop(HINT, 0.0)  # révision 15a: a hostile frame's hint scores no category
            damp, msg_ctx = self.lexicon.message_contexts(norms[i].text, text, lang, norms[i])
            if len(_WORD_RE.findall(norms[i].text)) < self.short_words:
                # a few words give the n-gram model too little evidence: model-only scores are damped
                # (a lexicon term still counts in full)
                damp *= self.short_factor
            if not any(ch.isalpha() for ch in text):
                # emojis, digits and punctuation alone: the n-gram model learned them from the company they kept
                # ("😂😂" scored patient mockery 0.6); only a lexicon entry (an emoji used as a slur) counts
                damp = 0.0
            scores: dict[str, float] = {}
            for j, c in enumerate(cats):
                scores[c] = max(float(probs[i, j]) * damp, lex.get(c, 0.0))
            if hits and self.lexicon.has_patient_ref(text, norms[i]):
                # an insult or slur about a patient is patient mockery too
                worst = max((lex.get(c, 0.0) for c in _INSULTING), default=0.0)
                scores["patient_mockery"] = max(scores["patient_mockery"], 0.75 * worst)
            # révision 15a: a hint's contexts are not the message's (a hint alone found no word of harm)
            ctx = sorted(
                set(msg_ctx) | {c for h in hits if HINT not in h.entry.categories for c in h.contexts}
            )
            a = Analysis(text=text, lang=lang, scores=scores, contexts=ctx)
            a.tiers["tier1_model"] = {c: round(float(probs[i, j]), 4) for j, c in enumerate(cats)}
            a.tiers["tier1_lexicon"] = {c: round(v, 4) for c, v in lex.items()}
            if hint >= self.hint_min:
                a.tiers["hint"] = {HINT: round(hint, 4)}
            out.append(a)
            pending.append((a, hits, norms[i]))
        return out, pending

    def _add_spans(self, pending: list[tuple[Analysis, list[Hit], Normalized]]) -> None:
        """Spans from lexicon hits; where a flagged category has none, the words the model weighs most."""
        todo: list[tuple[Analysis, Normalized, list[str], list[tuple[str, int, int]]]] = []
        for a, hits, norm in pending:
            flagged = a.flagged(self.thresholds)
            spans = [
                Span(h.start, h.end, cat, h.text)
                for h in hits
                for cat in h.entry.categories
                if cat in flagged and h.weight(cat) >= 0.2
            ]
            a.spans = spans
            covered = {s.label for s in spans}
            missing = [c for c in flagged if c not in covered and c in self.model.categories]
            if missing:
                words = [
                    (m.group(), m.start(), m.end())
                    for m in _word_iter(norm.text)
                    if m.group() not in _FUNCTION_WORDS
                ]
                if words:
                    todo.append((a, norm, missing, words))
        # one featurisation for all the words of the batch
        table = self.model.word_scores([w for *_, words in todo for w, _, _ in words])
        row = 0
        for a, norm, missing, words in todo:
            block = table[row : row + len(words)]
            row += len(words)
            for cat in missing:
                contrib = block[:, self.model.categories.index(cat)]
                for k in np.argsort(-contrib)[:2]:
                    if contrib[k] > 0.3:
                        s, e = norm.span(words[k][1], words[k][2])
                        a.spans.append(Span(s, e, cat, a.text[s:e]))
        for a, _, _ in pending:
            a.spans.sort(key=lambda sp: (sp.start, sp.label))

    # -- all tiers ---------------------------------------------------------------------------------------
    def analyze(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> list[Analysis]:
        texts = list(texts)
        if not texts:
            return []
        langs = list(langs) if langs is not None else detect_languages(texts)
        results = self._tier1(texts, langs)
        if self.semantic is not None:
            routed = self._semantic_tier(results)
            # the semantic tier changed what is flagged: spans again (lexicon hits, else the model's words)
            self._add_spans(
                [(a, self.lexicon.match(a.text, a.lang, n), n) for a in routed for n in (normalize(a.text),)]
            )
            # the learned heads, in the cascade only (the fast tier alone never loads them)
            if self.group_head is not None:
                # révision 18b: the messages it flags get their spans (lexicon hits, else the model's words)
                found = self._group_head_flags(results)
                self._add_spans(
                    [
                        (a, self.lexicon.match(a.text, a.lang, n), n)
                        for a in found
                        for n in (normalize(a.text),)
                    ]
                )
            if self.threat_head is not None:
                # révision 15c: ≈135 µs a flagged message; révision 19b: those it flags alone get their spans
                found = self._threat_head_flags(results)
                self._add_spans(
                    [
                        (a, self.lexicon.match(a.text, a.lang, n), n)
                        for a in found
                        for n in (normalize(a.text),)
                    ]
                )
            if self.patient_head is not None:
                self._patient_head_flags(results)
            if self.category_layer is not None:
                # révision 18c: last of the cascade's namers; it never changes which messages are flagged
                self._category_layer_names(results)
            if self.banter_head is not None:
                self._banter_unflags(results)  # révision 19a: last, on what the cascade flagged
        if self.hf is not None:
            hf_scores = self.hf.predict(texts)
            for a, sc in zip(results, hf_scores, strict=True):
                a.tiers["tier2"] = {c: round(v, 4) for c, v in sc.items()}
                for c, v in sc.items():
                    if c in a.scores:
                        a.scores[c] = v if self.hf_combine == "replace" else max(a.scores[c], v)
        if self.judge is not None:
            self._cascade(results)
        for a in results:
            a.explanation = explain(a, self.thresholds)
        return results

    def _semantic_tier(self, results: list[Analysis]) -> list[Analysis]:
        """Cascade: the fast tier keeps what it is confident about; the semantic tier decides all the rest.

        A message goes to the semantic tier unless the fast tier is confident either way (a score reaches
        ``fast_confident``, or none reaches ``fast_clear``) or it holds fewer than ``min_letters`` letters. There,
        each category takes the semantic score when it reaches ``semantic_min`` and the head's "any harm" output
        reaches ``semantic_any_gate`` (halved otherwise: it cannot raise a finding), except that a lexicon term
        (slur, obfuscated insult) still counts in full unless the head's "any harm" is under ``lexicon_veto``
        (counter-speech quoting a slur, banter, profanity aimed at no one). When the fast tier saw next to nothing (top score under
        ``low_band.below``), the bars are ``low_band``'s: the encoder alone over-reacts to ordinary messages that
        name a group, so it must be surer. When harm is clear ("_any" ≥ ``any_harm_threshold``) but no category
        reaches its threshold (the ground is unclear), the category the semantic tier ranks first is reported.
        """
        todo = [
            i
            for i, a in enumerate(results)
            if self.fast_clear <= max(a.scores.values(), default=0.0) < self.fast_confident
            and sum(ch.isalpha() for ch in a.text) >= self.min_letters
        ]
        self.routing["fast"] += len(results) - len(todo)
        self.routing["semantic"] += len(todo)
        if not todo:
            return []
        head = self.semantic
        assert head is not None
        # révision 9: the encoders read leet and spaced-out letters poorly ("r4cist", "g a y s"): they get the
        # message as its writer meant it to be read (contexts.yaml `semantic_input`); ordinary messages unchanged
        texts = [results[i].text for i in todo]
        probs = head.predict_proba([deobfuscate(t) for t in texts] if self.deobfuscate else texts)
        cats = list(head.categories)
        for row, i in zip(probs, todo, strict=True):
            a = results[i]
            a.tiers["fast"] = {c: round(v, 4) for c, v in a.scores.items()}
            sem = {c: float(row[j]) for j, c in enumerate(cats)}
            a.tiers["semantic"] = {c: round(v, 4) for c, v in sem.items()}
            lex = a.tiers.get("tier1_lexicon", {})
            p_any = sem.get("_any", 1.0)
            # révision 15a: a hostile frame's hint (a question, a pronoun carrying a group into a hostile sentence)
            # takes the message out of the low band: the semantic tier's ordinary bars decide
            low = max(a.scores.values(), default=0.0) < self.low_band and "hint" not in a.tiers
            s_min, gate = (
                (self.low_semantic_min, self.low_any_gate) if low else (self.semantic_min, self.any_gate)
            )
            any_thr = self.low_any_threshold if low else self.any_threshold
            by_cat = self.low_category_min if low else self.category_min
            gate_by_cat = self.low_category_gate if low else self.category_gate
            # a lexicon term counts in full, unless the head is sure the message is harmless (`lexicon_veto`):
            # counter-speech quoting a slur, banter, self-mockery, profanity aimed at no one
            veto = p_any < self.lexicon_veto
            # révision 9: a message that refutes hate (contexts.yaml `refutation`) keeps the encoder's group-hate
            # and insult scores under their thresholds; lexicon terms and group frames it says still count
            cap = self.refute_cap if "refutation" in a.contexts else 1.0
            for c in a.scores:
                if c in sem:
                    # a semantic score raises a finding only when it reaches `semantic_min` and the head's
                    # "any harm" output agrees (`semantic_any_gate`): two outputs that err apart; else it is halved
                    ok = sem[c] >= by_cat.get(c, s_min) and p_any >= gate_by_cat.get(c, gate)
                    # a per-category bar under the category's threshold still raises a finding when reached
                    v = min(
                        max(sem[c], self.thresholds.get(c, 0.5)) if ok else 0.5 * sem[c], self.semantic_max
                    )
                    if c in _INSULTING:
                        v = min(v, cap)
                    spared = (
                        c in self.veto_spares and not a.contexts
                    )  # révision 14b: no quote, report, laugh…
                    a.scores[c] = v if veto and not spared else max(v, lex.get(c, 0.0))
            if p_any >= any_thr and cap == 1.0 and not a.flagged(self.thresholds):
                ranked = sorted((c for c in a.scores if c in sem), key=lambda c: -sem[c])
                if ranked and sem[ranked[0]] >= self.any_best_min:
                    best = ranked[0]
                    a.scores[best] = max(
                        a.scores[best], self.thresholds.get(best, 0.5), min(p_any, 0.99, self.semantic_max)
                    )
            # révision 15a: a hostile frame's hint (a group named in a question, or with a hostile cue), the semantic
            # tier sure of harm but unsure of the ground: the group-hate category it ranks first
            if (
                "hint" in a.tiers
                and p_any >= self.hint_any
                and cap == 1.0
                and not veto
                and not self.hint_unless.intersection(a.contexts)
                and not a.flagged(self.thresholds)
            ):
                grounds = [c for c in a.scores if c in sem and c.startswith("discrimination:")]
                best_g = max(grounds, key=lambda c: sem[c], default=None)
                if best_g is not None and sem[best_g] >= self.hint_cat_min:
                    a.scores[best_g] = max(
                        a.scores[best_g], min(self.thresholds.get(best_g, 0.5), self.semantic_max)
                    )
            # révision 10: what the cascade left unflagged, the teen / SMS chat register's own operating point
            if not self._chat_register_flags(a, sem, p_any):
                # révision 14a: and the formal register's
                self._formal_register_flags(a, sem, p_any)
        if self.teen_head is not None:
            self._teen_head_flags([results[i] for i in todo])
        if self.stance_head is not None:
            self._stance_veto([results[i] for i in todo])
        return [results[i] for i in todo]

    def stance_kind(self, a: Analysis) -> int:
        """Révision 16a: 1 when the semantic tier alone flagged `a` (`semantic_only`), 2 when the teen head did with
        no lexicon score at a flagged category's threshold (nor the formal register's point), else 0."""
        if self.semantic_only(a):
            return 1
        found = a.flagged(self.thresholds)
        if not found or "teen_head" not in a.contexts or "formal_register" in a.contexts:
            return 0
        lex = a.tiers.get("tier1_lexicon", {})
        return 2 if all(lex.get(c, 0.0) < self.thresholds.get(c, 0.5) for c in found) else 0

    def _stance_veto(self, routed: list[Analysis]) -> None:
        """Révision 16a: the stance head reads the routed messages `stance_kind` names; where it finds the stance of
        counter-speech (a reply that denounces, refutes or quotes hate to condemn it) the flag is lifted: the flagged
        categories fall under their thresholds, context `stance_veto`, tier `stance` (the head's probability)."""
        from veilleur.detect.text_harm.semantic import encode

        head = self.stance_head
        cands = [(a, k) for a in routed for k in (self.stance_kind(a),) if k]
        if head is None or not cands:
            return
        texts = [a.text for a, _ in cands]
        emb = encode(
            [deobfuscate(t) for t in texts] if self.deobfuscate else texts
        )  # the semantic tier's cache
        probs = head.proba(head.features(emb, texts, [a.tiers["semantic"] for a, _ in cands]))
        for (a, kind), p in zip(cands, probs, strict=True):
            a.tiers["stance"] = {"p": round(float(p), 4)}
            if kind == 1:
                lift = p >= head.threshold
            else:
                lift = p >= head.teen_threshold and a.tiers.get("teen_head", {}).get("p", 1.0) < head.teen_max
            if not lift:
                continue
            for c in a.flagged(self.thresholds):
                a.scores[c] = min(a.scores[c], self.thresholds.get(c, 0.5) - 0.01)
            a.contexts.append("stance_veto")

    def group_head_candidates(
        self, results: list[Analysis], open_: bool = False
    ) -> list[tuple[Analysis, str]]:
        """Révision 18b: the messages the group head reads, with the group-hate category they would take: read by the
        semantic tier and left unflagged, no context of ``group_head.unless`` (reported, quoted or refuted speech…), a
        group named (the category of its ground) or a group-hate category the semantic tier scores ``group_min`` or
        more (that category). Révision 19b, ``open_``: instead, those that pass every gate but the group's (the
        category the semantic tier ranks first), read at ``open_threshold``."""
        out: list[tuple[Analysis, str]] = []
        frames = self.lexicon.frames
        for a in results:
            sem = a.tiers.get("semantic")
            if sem is None or self.group_head_unless.intersection(a.contexts) or a.flagged(self.thresholds):
                continue
            cat = frames.named_group(normalize(a.text).text, a.lang) if frames is not None else None
            grounds = sorted(
                (c for c in a.scores if c.startswith("discrimination:") and c in sem), key=lambda c: -sem[c]
            )
            if not grounds:
                continue
            if (cat is None and sem[grounds[0]] < self.group_head_min) != open_:
                continue
            out.append((a, cat or grounds[0]))
        return out

    def _group_head_flags(self, results: list[Analysis]) -> list[Analysis]:
        """Révision 18b: a candidate (``group_head_candidates``) that the group head scores at or over its bar, and
        whose stance the stance head does not read as counter-speech (under ``stance_max``), takes its group-hate
        category at the category's threshold (tier ``group_head``, context ``group_head``); returns the messages flagged."""
        cands = self.group_head_candidates(results)
        bars = [self.group_head_threshold] * len(cands)
        if self.group_head_open is not None:
            wide = self.group_head_candidates(results, open_=True)
            cands += wide
            bars += [self.group_head_open] * len(wide)
        if not cands or self.group_head is None:
            return []
        probs = self.group_head.predict([a.text for a, _ in cands])
        hits = [(a, c, float(p)) for (a, c), p, bar in zip(cands, probs, bars, strict=True) if p >= bar]
        for (a, _), p in zip(cands, probs, strict=True):
            a.tiers["group_head"] = {"p": round(float(p), 4)}
        stance = self._stance_of([a for a, _, _ in hits])
        if stance is not None:
            kept = []
            for (a, c, p), s in zip(hits, stance, strict=True):
                a.tiers["group_head"]["stance"] = round(float(s), 4)
                if s < self.group_head_stance_max:
                    kept.append((a, c, p))
            hits = kept
        for a, c, _ in hits:
            a.scores[c] = max(a.scores.get(c, 0.0), self.thresholds.get(c, 0.5))
            a.contexts.append("group_head")
        return [a for a, _, _ in hits]

    def _stance_of(self, hits: list[Analysis]) -> Any:
        """The stance head's counter-speech probabilities of ``hits`` (None: no hit, no head or no ``stance_max``)."""
        if not hits or self.stance_head is None or self.group_head_stance_max > 1.0:
            return None
        from veilleur.detect.text_harm.semantic import encode

        texts = [a.text for a in hits]
        emb = encode([deobfuscate(t) for t in texts] if self.deobfuscate else texts)
        return self.stance_head.proba(
            self.stance_head.features(emb, texts, [a.tiers["semantic"] for a in hits])
        )

    def _threat_head_flags(self, results: list[Analysis]) -> list[Analysis]:
        """Révision 15c: a message flagged under another category, which the threat head scores at or over its
        threshold, takes ``threat`` at the category's threshold (tier ``threat_head``: the head's probability).
        Révision 19b, with ``alone``: an unflagged message the semantic tier read, with no context of the group head's
        ``unless``, scored ``alone`` or more and not read as counter-speech (stance under the group head's
        ``stance_max``), takes ``threat`` too (context ``threat_head``); returns the messages so flagged."""
        thr = self.thresholds.get("threat", 0.5)
        cands = [a for a in results if a.scores.get("threat", 0.0) < thr and a.flagged(self.thresholds)]
        alone: list[Analysis] = []
        if self.threat_head_alone is not None:
            alone = [
                a
                for a in results
                if "semantic" in a.tiers
                and not a.flagged(self.thresholds)
                and not self.group_head_unless.intersection(a.contexts)
            ]
        if not (cands or alone) or self.threat_head is None:
            return []
        probs = self.threat_head.predict([a.text for a in cands + alone])
        for a, p in zip(cands, probs[: len(cands)], strict=True):
            a.tiers["threat_head"] = {"threat": round(float(p), 4)}
            if p >= self.threat_head_threshold:
                a.scores["threat"] = thr
        hits = [
            a for a, p in zip(alone, probs[len(cands) :], strict=True) if p >= (self.threat_head_alone or 1.0)
        ]
        for a, p in zip(alone, probs[len(cands) :], strict=True):
            a.tiers["threat_head"] = {"threat": round(float(p), 4)}
        stance = self._stance_of(hits)
        if stance is not None:
            for a, s in zip(hits, stance, strict=True):
                a.tiers["threat_head"]["stance"] = round(float(s), 4)
            hits = [a for a, s in zip(hits, stance, strict=True) if s < self.group_head_stance_max]
        for a in hits:
            a.scores["threat"] = thr
            a.contexts.append("threat_head")
        return hits

    def patient_head_candidates(self, results: list[Analysis]) -> list[tuple[Analysis, float]]:
        """Révision 17d: the messages the patient head reads, with their bars: not flagged as patient mockery nor lifted
        by the stance head; flagged under another category (bar ``threshold``), or unflagged with a patient / care
        cue (``contexts.yaml`` ``patient_ref``; bar ``cue_threshold``, read only when the policy sets one)."""
        thr = self.thresholds.get("patient_mockery", 0.5)
        out: list[tuple[Analysis, float]] = []
        for a in results:
            if a.scores.get("patient_mockery", 0.0) >= thr or "stance_veto" in a.contexts:
                continue
            if a.flagged(self.thresholds):
                out.append((a, self.patient_head_threshold))
            elif self.patient_cue_threshold is not None and self.lexicon.has_patient_ref(a.text):
                out.append((a, self.patient_cue_threshold))
        return out

    def _patient_head_flags(self, results: list[Analysis]) -> None:
        """Révision 17d: a candidate (``patient_head_candidates``) that the patient head scores at or over its bar
        takes ``patient_mockery`` at the category's threshold (tier ``patient_head``, context ``patient_head``)."""
        cands = self.patient_head_candidates(results)
        if not cands or self.patient_head is None:
            return
        thr = self.thresholds.get("patient_mockery", 0.5)
        for (a, bar), p in zip(cands, self.patient_head.predict([a.text for a, _ in cands]), strict=True):
            a.tiers["patient_head"] = {"patient_mockery": round(float(p), 4)}
            if p >= bar:
                a.scores["patient_mockery"] = thr
                a.contexts.append("patient_head")

    def _category_layer_names(self, results: list[Analysis]) -> None:
        """Révision 18c (s15-cat): on each flagged message, the category layer drops the flagged categories it rates
        under their ``drop`` bars (score just under the category's threshold) and adds those it rates at their ``add``
        bars (score at the category's threshold); a message keeps at least one category (``CategoryLayer.name``).
        Tier ``category_layer``: the layer's probabilities of the categories it changed."""
        layer = self.category_layer
        cands = [a for a in results if a.flagged(self.thresholds)]
        if layer is None or not cands:
            return
        for a, row in zip(cands, layer.predict([a.text for a in cands]), strict=True):
            p = {c: float(v) for c, v in zip(layer.categories, row, strict=True)}
            # drop: flagged categories, all in a.scores; add: every one kept, or ``name``'s "never all dropped"
            # would not hold (a category missing from the scores is added at its threshold)
            drop, add = layer.name(sorted(a.flagged(self.thresholds)), p)
            if not drop and not add:
                continue
            for c in drop:
                a.scores[c] = min(a.scores[c], self.thresholds.get(c, 0.5) - 0.01)
            for c in add:
                a.scores[c] = max(a.scores.get(c, 0.0), self.thresholds.get(c, 0.5))
            a.tiers["category_layer"] = {c: round(p[c], 4) for c in sorted(drop | add)}

    def teen_candidates(
        self,
        routed: list[Analysis],
        read: frozenset[str] | None = None,
        flagged: bool | None = None,
        wide: bool = False,
    ) -> list[tuple[Analysis, int]]:
        """Révision 11b: the routed messages the register's head reads, with their register points: unflagged, in
        the teen / SMS register, in `chat_register.head.langs`, two words or more with a content word (a reaction
        alone is the conversation pass's), outside the register point's softening contexts, except those in
        `read` (révision 13c: `chat_register.head.read_softened`; `train_teen_head extract` reads them all).
        Révision 14c: with `flagged` (default: `chat_register.head.veto` set), the messages the semantic tier alone
        flagged too (`semantic_only`). Révision 17c: `wide`, the gates of `chat_register.head.wide` (more softening
        contexts read, fewer content words, an emoji first, more languages)."""
        flagged = self.teen_veto > 0 if flagged is None else flagged
        out = []
        reg = self.chat_register
        read = (self.teen_read_softened if read is None else read) | (
            self.teen_wide_read if wide else frozenset()
        )
        unless = self.chat_unless - read
        langs = self.teen_wide_langs if wide else self.teen_langs
        min_content = self.teen_wide_content if wide else self.teen_min_content
        form_letter = self.teen_wide_letter if wide else self.teen_form_letter
        for a in routed:
            if (
                reg is None
                or a.lang not in langs
                or "semantic" not in a.tiers
                or unless.intersection(a.contexts)
                or (a.flagged(self.thresholds) and not (flagged and self.semantic_only(a)))
                or not reg.match(a.text)
                or len(content_words(a.text)) < max(1, min_content)
            ):
                continue
            norm = normalize(a.text).text
            if (
                len(_WORD_RE.findall(norm)) < max(2, self.chat_min_words)
                or unless.intersection(self.lexicon.softening_cues(norm))
                or self.teen_defenders.match(norm)
            ):
                continue
            points = reg.points(a.text)
            if points == 0 and form_letter and not a.text.lstrip()[:1].isalpha():
                continue
            out.append((a, points))
        return out

    def teen_wide_candidates(self, routed: list[Analysis]) -> list[tuple[Analysis, int]]:
        """Révision 17c: the unflagged messages only the gates of `chat_register.head.wide` let the head read (none
        without `wide`)."""
        if self.teen_wide_threshold > 1.0:
            return []
        strict = {id(a) for a, _ in self.teen_candidates(routed, flagged=False)}
        return [
            (a, p) for a, p in self.teen_candidates(routed, flagged=False, wide=True) if id(a) not in strict
        ]

    def semantic_only(self, a: Analysis) -> bool:
        """Révision 14c: `a` is flagged by the semantic tier alone: routed to it, no lexicon score at a flagged
        category's threshold, not by the register's bars nor by the head."""
        found = a.flagged(self.thresholds)
        if not found or "semantic" not in a.tiers or _OWN_POINTS.intersection(a.contexts):
            return False
        lex = a.tiers.get("tier1_lexicon", {})
        return all(lex.get(c, 0.0) < self.thresholds.get(c, 0.5) for c in found)

    def teen_softened(self, a: Analysis) -> list[str]:
        """Révision 13c: the register point's softening contexts found in `a` (contexts or cues)."""
        cues = self.lexicon.softening_cues(normalize(a.text).text)
        return sorted(self.chat_unless.intersection([*a.contexts, *cues]))

    def teen_inputs(
        self,
        cands: list[tuple[Analysis, int]],
        embedding: bool = True,
        extra: bool = False,
        e5: bool = False,
        benign: bool = False,
    ) -> np.ndarray:
        """The head's input rows for `teen_candidates` (sentence vectors from the semantic tier's cache; révision
        12a: `extra`, the head's markers `teen_head.EXTRA_FEATURES`; révision 13c: `e5`, e5's own probabilities;
        révision 14c: `benign`, `teen_head.BENIGN_FEATURES`)."""
        from veilleur.detect.text_harm.semantic import encode

        texts = [deobfuscate(a.text) if self.deobfuscate else a.text for a, _ in cands]
        emb = encode(texts) if embedding else None
        return teen_features(
            [a for a, _ in cands],
            [p for _, p in cands],
            emb,
            extra,
            self.teen_e5(texts) if e5 else None,
            benign,
        )

    def teen_e5(self, texts: list[str]) -> np.ndarray:
        """Révision 13c: e5's own probabilities of `texts` as the semantic stage saw them (remembered by the
        ensemble; 0.5 everywhere, the logit 0, where the stage has no e5)."""
        e5_proba = getattr(self.semantic, "e5_proba", None)
        if e5_proba is None:
            cats = getattr(self.semantic, "categories", ())
            return np.full((len(texts), len(cats)), 0.5)
        return np.asarray(e5_proba(texts))

    def _teen_head_flags(self, routed: list[Analysis]) -> None:
        """Révision 11b: candidates whose head probability reaches `teen_threshold` take the strongest of insult,
        harassment, threat, body_weight (semantic score) at its threshold, with the contexts `chat_register` and
        `teen_head`."""
        cands = self.teen_candidates(routed)
        # révision 17c: read at their own threshold (`chat_register.head.wide`; none without it)
        extra = self.teen_wide_candidates(routed) if self.teen_head is not None else []
        wide = {id(a) for a, _ in extra}
        cands += extra
        if not cands or self.teen_head is None:
            return
        head = self.teen_head
        X = self.teen_inputs(
            cands, head.use_embedding, head.extra_features, head.e5_features, head.benign_features
        )
        probs = head.proba(X, [a.text for a, _ in cands])  # révision 12a: the texts' character n-grams
        for (a, points), p in zip(cands, probs, strict=True):
            a.tiers["teen_head"] = {"p": round(float(p), 4)}
            found = a.flagged(self.thresholds)
            if found:  # révision 14c: the semantic tier alone flagged it (`veto`)
                if p < self.teen_veto:
                    sem = a.tiers["semantic"]
                    for c in found:
                        a.scores[c] = min(
                            a.scores[c], 0.5 * sem.get(c, 0.0), self.thresholds.get(c, 0.5) - 0.01
                        )
                    a.contexts.append("teen_head_veto")
                continue
            cat = best_category(a.tiers["semantic"], a.scores)
            thr = (
                self.teen_wide_threshold
                if id(a) in wide
                else self.teen_strong_threshold
                if self.teen_strong_points and points >= self.teen_strong_points
                else self.teen_threshold
            )
            if p < thr + (self.teen_form_extra if points == 0 else 0.0) or cat is None:
                continue
            a.scores[cat] = max(a.scores[cat], min(self.thresholds.get(cat, 0.5), self.semantic_max))
            # `chat_register` too: the conversation pass reads such findings as weaker evidence (register_agree)
            a.contexts.extend(c for c in ("chat_register", "teen_head") if c not in a.contexts)

    def banter_candidates(self, results: list[Analysis]) -> list[Analysis]:
        """Révision 19a: flagged messages in the teen / SMS register, in `chat_register.banter.langs`, that reached the
        semantic tier and hold `min_content_words` content words, none of whose flagged categories is a `keep` one
        (threat, sexual, group hate) at `keep_score` or more, with a lexicon score at its threshold, or named by the
        group-hate or threat head."""
        out = []
        for a in results:
            if "semantic" not in a.tiers or a.lang not in self.banter_langs:
                continue
            found = a.flagged(self.thresholds)
            if not found or self.chat_register is None or not self.chat_register.match(a.text):
                continue
            if "group_head" in a.contexts or ("threat" in found and "threat_head" in a.tiers):
                continue  # named by a head of its own: group hate, a threat
            lex = a.tiers.get("tier1_lexicon", {})
            if any(
                c.startswith(self.banter_keep)
                and (s >= self.banter_keep_score or lex.get(c, 0.0) >= self.thresholds.get(c, 0.5))
                for c, s in found.items()
            ):
                continue
            if len(content_words(a.text)) < self.banter_min_content:
                continue
            out.append(a)
        return out

    def _banter_unflags(self, results: list[Analysis]) -> None:
        """Révision 19a: a candidate (`banter_candidates`) the banter head scores under its bar is not flagged: its
        flagged scores are capped under their thresholds, its spans dropped (tier `banter_head`, context
        `teen_banter`)."""
        cands = self.banter_candidates(results)
        if not cands or self.banter_head is None:
            return
        probs = self.banter_head.predict([a.text for a in cands])
        for a, p in zip(cands, probs, strict=True):
            a.tiers["banter_head"] = {"p": round(float(p), 4)}
            if p >= self.banter_bar:
                continue
            for c in a.flagged(self.thresholds):
                a.scores[c] = min(a.scores[c], self.thresholds.get(c, 0.5) - 0.01)
            a.spans = []
            a.contexts.append("teen_banter")

    def _chat_register_flags(self, a: Analysis, sem: dict[str, float], p_any: float) -> bool:
        """Révision 10: in the teen / SMS chat register (contexts.yaml `chat_register`), a message the cascade left
        unflagged is flagged when the semantic tier's "any harm" reaches `any` and one of the register's categories
        reaches its bar (the category that clears its bar by most; score = its threshold), unless a context that
        softens harm (banter, counter-speech, reported speech, quotes, refutation...) was found."""
        if (
            self.chat_register is None
            or not self.chat_point
            or a.lang not in self.chat_langs
            or p_any < self.chat_any
            or self.chat_unless.intersection(a.contexts)
            or a.flagged(self.thresholds)
            or not self.chat_register.match(a.text)
        ):
            return False
        norm = normalize(a.text).text
        if len(_WORD_RE.findall(norm)) < self.chat_min_words or self.chat_unless.intersection(
            self.lexicon.softening_cues(norm)
        ):
            return False  # a one-word reaction ("mdrrr") is the conversation pass's to judge
        best = max(self.chat_bars, key=lambda c: sem.get(c, 0.0) - self.chat_bars[c])
        if sem.get(best, 0.0) < self.chat_bars[best] or best not in a.scores:
            return False
        if self.chat_point == "rest" and self.teen_candidates([a]):
            return False  # révision 13c: the head reads it
        a.scores[best] = max(a.scores[best], min(self.thresholds.get(best, 0.5), self.semantic_max))
        a.contexts.append("chat_register")
        return True

    def _formal_register_flags(self, a: Analysis, sem: dict[str, float], p_any: float) -> bool:
        """Révision 14a (s11-formal): in the formal register (contexts.yaml `formal_register`: letters, e-mails,
        reviews, petitions, careful posts), a message the cascade left unflagged is flagged when the semantic tier's
        "any harm" reaches `any` and a category reaches its bar (`categories`, else `category_min`; the category that
        clears its bar by most, score = its threshold), or when "any harm" alone reaches `any_alone` (the category the
        semantic tier ranks first), unless a context that softens harm was found (counter-speech, reported speech,
        quotes, refutation, clinical talk...). A group frame said in it (`frames`: kinds of frames.Frame, the
        message's own words, not someone else's) counts even where the semantic tier's "any harm" vetoed the lexicon:
        politeness is what makes that tier read such a message as harmless."""
        reg = self.formal_register
        if (
            reg is None
            or a.lang not in self.formal_langs
            or self.formal_unless.intersection(a.contexts)
            or a.flagged(self.thresholds)
        ):
            return False
        cats = [c for c in sem if c != "_any" and c in a.scores]
        if not cats or not reg.match(a.text):
            return False
        if self.chat_register is not None and self.chat_register.match(a.text):
            return False
        # the register first: the frame costs a second lexicon pass, only on formal messages
        frame = self._formal_frame(a) if self.formal_frames else None
        if frame is None and p_any < min(self.formal_any, self.formal_any_alone):
            return False
        if self.formal_unless.intersection(self.lexicon.softening_cues(normalize(a.text).text)):
            return False
        if frame is not None:
            best = frame
        else:
            best = max(cats, key=lambda c: sem[c] - self.formal_bars.get(c, self.formal_min))
            if not (p_any >= self.formal_any and sem[best] >= self.formal_bars.get(best, self.formal_min)):
                if p_any < self.formal_any_alone:
                    return False
                best = max(cats, key=lambda c: sem[c])
        a.scores[best] = max(a.scores[best], min(self.thresholds.get(best, 0.5), self.semantic_max))
        a.contexts.append("formal_register")
        return True

    def _formal_frame(self, a: Analysis) -> str | None:
        """Révision 14a: the category of the strongest group frame of `formal_register.frames` said in `a` (its hit
        weakened by no context under its category's threshold), if any."""
        best, top = None, 0.0
        for h in self.lexicon.match(a.text, a.lang, normalize(a.text)):
            if h.entry.needs != "frame" or h.entry.term not in self.formal_frames:
                continue
            for c in h.entry.categories:
                w = h.weight(c)
                if c in a.scores and w >= self.thresholds.get(c, 0.5) and w > top:
                    best, top = c, w
        return best

    def _cascade(self, results: list[Analysis]) -> None:
        low, high = (float(x) for x in self.policy.get("uncertain_band", [0.3, 0.7]))
        uncertain = []
        for i, a in enumerate(results):
            top = max(a.scores.values(), default=0.0)
            if low <= top < high:
                uncertain.append((abs(top - 0.5), i))
        for _, i in sorted(uncertain):
            a = results[i]
            verdict = self.judge.judge(a.text, a.scores)
            if verdict is None:  # budget spent, endpoint down or bad answer: keep tier 1
                continue
            a.tiers["tier3"] = {c: round(v, 4) for c, v in verdict.scores.items()}
            a.judge_rationale = verdict.rationale
            for c, v in verdict.scores.items():
                if c in a.scores:
                    a.scores[c] = v


_WORD_RE = re.compile(r"[a-z]{2,}")
# révision 14c: contexts of the registers' own operating points: their flags are not the semantic tier's alone
_OWN_POINTS = frozenset({"chat_register", "teen_head", "formal_register"})


def _word_iter(text: str) -> Any:
    return re.finditer(r"[a-z*]{3,}", text)


# Function words are never shown as the evidence of a category (session 11: "les arabes sont des rats" showed
# « des » as the insult): a moderator or a court reads the highlighted words as what the message was flagged for.
# Written on the squeezed spelling of normalize (doubled letters single: "elles" → "eles", "all" → "al").
_FUNCTION_WORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "aux",
        "ces",
        "ses",
        "mes",
        "tes",
        "nos",
        "vos",
        "leur",
        "leurs",
        "son",
        "sur",
        "sous",
        "dans",
        "avec",
        "pour",
        "par",
        "pas",
        "plus",
        "mais",
        "donc",
        "car",
        "que",
        "qui",
        "quoi",
        "dont",
        "est",
        "sont",
        "ete",
        "etre",
        "avoir",
        "ont",
        "avait",
        "etait",
        "sera",
        "ils",
        "eles",
        "lui",
        "eux",
        "nous",
        "vous",
        "toi",
        "moi",
        "elle",
        "ele",
        "cet",
        "cete",
        "celui",
        "cele",
        "ceux",
        "tout",
        "tous",
        "toute",
        "toutes",
        "tres",
        "aussi",
        "bien",
        "comme",
        "quand",
        "alors",
        "encore",
        "deja",
        "meme",
        "rien",
        "sans",
        "chez",
        "entre",
        "vers",
        "apres",
        "avant",
        "ici",
        "cela",
        "ca",
        "the",
        "and",
        "are",
        "was",
        "were",
        "been",
        "being",
        "has",
        "have",
        "had",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "their",
        "there",
        "then",
        "than",
        "with",
        "from",
        "for",
        "not",
        "but",
        "you",
        "your",
        "yours",
        "his",
        "her",
        "hers",
        "its",
        "our",
        "ours",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "al",
        "all",
        "also",
        "just",
        "very",
        "too",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shal",
        "may",
        "might",
        "must",
        "into",
        "onto",
        "upon",
        "about",
        "over",
        "under",
        "some",
        "any",
        "each",
        "every",
        "such",
        "only",
        "own",
        "same",
        "other",
    ]
)


_CONTEXT_FR = {
    "negation": "négation",
    "reported_speech": "discours rapporté",
    "counter_speech": "contre-discours",
    "quote": "citation",
    "clinical": "vocabulaire clinique",
    "friendly": "marque d'affection",
    "refutation": "réfutation d'un propos haineux",
    "teen_head_veto": "registre SMS / ado (le modèle du registre écarte l'avis du modèle sémantique)",
    "chat_register": "registre SMS / ado (seuils de ce registre)",
    "teen_head": "registre SMS / ado (modèle propre au registre)",
    "teen_banter": "registre SMS / ado (chambrage entre amis selon le modèle du registre)",
    "patient_head": "moquerie de patient (modèle propre, registre des soignants)",
    "threat_head": "appel à la violence ou menace (modèle propre des menaces)",
    "formal_register": "registre soutenu (seuils de ce registre)",
}


def explain(a: Analysis, thresholds: dict[str, float]) -> str:
    """A short French explanation for moderators."""
    flagged = a.flagged(thresholds)
    if not flagged:
        if a.contexts:
            ctx = ", ".join(_CONTEXT_FR.get(c, c) for c in a.contexts)
            return f"Aucun propos nuisible retenu (contexte : {ctx})."
        return "Aucun propos nuisible détecté."
    parts = []
    for cat, score in sorted(flagged.items(), key=lambda kv: -kv[1]):
        words = sorted({s.text for s in a.spans if s.label == cat and s.text})
        w = f" : « {' », « '.join(words[:3])} »" if words else ""
        parts.append(f"{label(cat, 'fr')} ({score:.2f}){w}")
    out = "; ".join(parts) + "."
    if "tier3" in a.tiers and a.judge_rationale:
        out += f" Avis du juge LLM : {a.judge_rationale[:200]}"
    if a.contexts:
        out += " Contexte relevé : " + ", ".join(_CONTEXT_FR.get(c, c) for c in a.contexts) + "."
    return out


def severity_for(category: str, score: float, policy: dict[str, Any]) -> Severity:
    spec = policy.get("categories", {}).get(category, {})
    sev = Severity.parse(spec.get("severity", "medium"))
    cap = Severity.parse(spec.get("max", "high"))
    if score >= float(policy.get("raise_at", 0.9)) and sev < cap:
        sev = Severity(sev + 1)
    return sev


class TextHarmDetector:
    """Detector protocol implementation (registered as ``text_harm``)."""

    name = DETECTOR_NAME
    version = DETECTOR_VERSION

    def __init__(self, analyzer: TextHarmAnalyzer | None = None, threshold: float | None = None) -> None:
        self.analyzer = analyzer or TextHarmAnalyzer()
        self.thresholds = thresholds_from_policy(self.analyzer.policy, threshold)
        self.analyzer.thresholds = self.thresholds

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        msgs = [m for m in batch if m.text and m.text.strip()]
        results = self.analyzer.analyze([m.text for m in msgs])
        findings: list[Finding] = []
        for m, a in zip(msgs, results, strict=True):
            for cat, score in sorted(a.flagged(self.thresholds).items()):
                spans = tuple(s for s in a.spans if s.label == cat)
                first = spans[0] if spans else None
                excerpt = _excerpt(m.text, first.start if first else 0, first.end if first else 0)
                findings.append(
                    Finding(
                        message_uid=m.uid,
                        detector=self.name,
                        detector_version=self.version,
                        category=cat,
                        severity=severity_for(cat, score, self.analyzer.policy),
                        score=min(max(score, 0.0), 1.0),
                        explanation=a.explanation,
                        spans=spans,
                        excerpt=excerpt,
                        details={
                            "lang": a.lang,
                            "contexts": a.contexts,
                            "scores": {c: round(v, 4) for c, v in a.scores.items() if v >= 0.05},
                            "tiers": sorted(a.tiers),
                        },
                    )
                )
        return findings


def _excerpt(text: str, start: int, end: int, width: int = 80) -> str:
    if end <= start:
        return text[: 2 * width]
    s = max(0, start - width)
    e = min(len(text), end + width)
    return ("…" if s > 0 else "") + text[s:e] + ("…" if e < len(text) else "")


def create(threshold: float | None = None, **options: Any) -> TextHarmDetector:
    """Factory for the registry. ``options`` are the ``[text_harm]`` settings (``TextHarmSettings``), given by
    the caller (the pipeline, the API): tiers 2 and 3 are on only when configured there."""

    def get(key: str, default: Any = None) -> Any:
        value = options.get(key.removeprefix("text_harm."))
        return default if value is None else value

    hf = None
    hf_dir = get("hf_model")
    if hf_dir:
        from veilleur.detect.text_harm.hf import HFClassifier

        hf_map = get("hf_labels")
        hf = HFClassifier(Path(hf_dir), Path(hf_map) if hf_map else None)
    judge = None
    from veilleur.detect.text_harm.llm import judge_from_settings

    judge = judge_from_settings(get, options)
    analyzer = TextHarmAnalyzer(hf=hf, judge=judge, hf_combine=str(get("text_harm.hf_combine", "max")))
    thr = threshold if threshold is not None else get("text_harm.threshold")
    return TextHarmDetector(analyzer, threshold=float(thr) if thr is not None else None)
