"""Medical secrecy in text: finds patient identifiers and quasi-identifiers in a care context and rates
the risk of re-identification (detector ``secrecy``; redaction in ``veilleur.detect.secrecy.redact``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from veilleur.detect.base import register_detector
from veilleur.detect.secrecy.analysis import SecrecyAnalysis, assess, clean_hits
from veilleur.detect.secrecy.lexicon import fold
from veilleur.records import Finding, Message
from veilleur.taxonomy import Severity

__all__ = ["SecrecyAnalysis", "SecrecyTextDetector", "analyze_text", "analyze_texts"]

DETECTOR_NAME = "secrecy"
DETECTOR_VERSION = "0.2.0"
_RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


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
    for text, (lg, results) in zip(texts, analyze_batch(texts, lang, gate=gate, decided=decided if gate else None), strict=True):
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


def severity_for(analysis: SecrecyAnalysis) -> Severity:
    if analysis.risk == "high":
        return Severity.CRITICAL if analysis.minor else Severity.HIGH
    if analysis.risk == "medium":
        return Severity.HIGH if analysis.minor else Severity.MEDIUM
    return Severity.LOW if analysis.risk == "low" else Severity.INFO


def finding_for(message_uid: str, text: str, a: SecrecyAnalysis) -> Finding:
    first = min((s.start for s in a.spans), default=0)
    return Finding(
        message_uid=message_uid,
        detector=DETECTOR_NAME,
        detector_version=DETECTOR_VERSION,
        category="patient_identifiable_text",
        severity=severity_for(a),
        score=min(1.0, 0.5 + a.points / 10 + (0.3 if a.risk == "high" else 0.0)),
        explanation=a.explanation,
        spans=tuple(s for s in a.spans if s.label != "SERVICE"),
        excerpt=text[max(0, first - 40) : first + 160],
        details={
            "risk": a.risk,
            "identifying": a.identifying,
            "minor": a.minor,
            "health_context": a.health_context,
            "quasi_identifiers": list(a.quasi_identifiers),
            "lang": a.lang,
        },
    )


class SecrecyTextDetector:
    """Flags messages whose text identifies a patient (``patient_identifiable_text``)."""

    name = DETECTOR_NAME
    version = DETECTOR_VERSION

    def __init__(self, min_risk: str = "medium", lang: str | None = None, gate: bool = True, **_: Any) -> None:
        if min_risk not in _RISK_ORDER:
            raise ValueError(f"min_risk must be one of {', '.join(_RISK_ORDER)}")
        self.min_risk = min_risk
        self.lang = lang
        self.gate = gate

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        msgs = [m for m in batch if m.text and m.text.strip()]
        findings: list[Finding] = []
        members = {m.author.name for m in batch if m.author.name}
        for m, a in zip(msgs, analyze_texts([m.text for m in msgs], self.lang, members, gate=self.gate), strict=True):
            if a.health_context and _RISK_ORDER[a.risk] >= _RISK_ORDER[self.min_risk]:
                findings.append(finding_for(m.uid, m.text, a))
        return findings


register_detector(DETECTOR_NAME, SecrecyTextDetector)
