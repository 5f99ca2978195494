"""The ``secrecy`` detector: flags messages whose text identifies a patient in a care context
(``patient_identifiable_text``), from ``analyze_texts`` of the package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from veilleur.detect.secrecy import analyze_texts
from veilleur.detect.secrecy.analysis import SecrecyAnalysis
from veilleur.records import Finding, Message
from veilleur.taxonomy import Severity

DETECTOR_NAME = "secrecy"
DETECTOR_VERSION = "0.2.0"
_RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


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

    def __init__(
        self, min_risk: str = "medium", lang: str | None = None, gate: bool = True, **_: Any
    ) -> None:
        if min_risk not in _RISK_ORDER:
            raise ValueError(f"min_risk must be one of {', '.join(_RISK_ORDER)}")
        self.min_risk = min_risk
        self.lang = lang
        self.gate = gate

    def detect(self, batch: Sequence[Message]) -> list[Finding]:
        msgs = [m for m in batch if m.text and m.text.strip()]
        findings: list[Finding] = []
        members = {m.author.name for m in batch if m.author.name}
        for m, a in zip(
            msgs, analyze_texts([m.text for m in msgs], self.lang, members, gate=self.gate), strict=True
        ):
            if a.health_context and _RISK_ORDER[a.risk] >= _RISK_ORDER[self.min_risk]:
                findings.append(finding_for(m.uid, m.text, a))
        return findings
