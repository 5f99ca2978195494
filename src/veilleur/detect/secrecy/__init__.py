"""Medical secrecy in text: finds patient identifiers and quasi-identifiers in a care context and rates
the risk of re-identification (detector ``secrecy``; redaction in ``veilleur.detect.secrecy.redact``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from veilleur.detect.secrecy.analysis import SecrecyAnalysis, assess, clean_hits
from veilleur.detect.secrecy.lexicon import fold

if TYPE_CHECKING:
    from veilleur.detect.secrecy.detector import SecrecyTextDetector

__all__ = ["SecrecyAnalysis", "SecrecyTextDetector", "analyze_text", "analyze_texts", "factory"]


def analyze_texts(
    texts: Sequence[str], lang: str | None = None, members: Iterable[str] = (), *, gate: bool = False
) -> list[SecrecyAnalysis]:
    """Analyse many texts at once (our recognizers, then spaCy's NER batched); ``lang`` None guesses fr/en.
    ``members``: display names of the group's members; a member named in a message is a colleague
    (or the person spoken to), not a patient. ``gate``: skip the spaCy pass on texts that cannot be about
    care (no patient word, care word, drug or clinical number): their ``identifying`` is the same, they only
    lose NER names (the detector uses it; redaction does not)."""
    from veilleur.detect.secrecy.engine import analyze_batch

    texts = [t or "" for t in texts]
    known = member_names(members)

    def decided(i: int, lg: str, results: list[Any]) -> bool:
        # Already at the highest risk from our finders alone: a name found by spaCy cannot change the decision.
        return assess(texts[i], clean_hits(texts[i], results, known), lg).risk == "high"

    out: list[SecrecyAnalysis] = []
    for text, (lg, results) in zip(
        texts, analyze_batch(texts, lang, gate=gate, decided=decided if gate else None), strict=True
    ):
        out.append(assess(text, clean_hits(text, results, known), lg))
    return out


def member_names(names: Iterable[str]) -> frozenset[str]:
    """Folded full names and first names of members ("Léa Morel" -> "lea morel", "lea")."""
    out: set[str] = set()
    for n in names:
        n = (n or "").strip()
        if not n:
            continue
        out.add(fold(n))
        first = n.split()[0]
        if len(first) >= 3:
            out.add(fold(first))
    return frozenset(out)


def analyze_text(text: str, lang: str | None = None) -> SecrecyAnalysis:
    return analyze_texts([text], lang)[0]


def factory(**options: Any) -> SecrecyTextDetector:
    """The ``secrecy`` entry point (group ``veilleur.detectors``): the detector (``detector.py``) from its
    options (``[detectors.secrecy]``, see ``SecrecySettings``)."""
    from veilleur.detect.secrecy.detector import SecrecyTextDetector

    return SecrecyTextDetector(**options)


def __getattr__(name: str) -> Any:  # the detector's names, from detector.py (which imports this module)
    if name in ("SecrecyTextDetector", "finding_for", "severity_for", "DETECTOR_NAME", "DETECTOR_VERSION"):
        from veilleur.detect.secrecy import detector

        return getattr(detector, name)
    raise AttributeError(name)
