"""Text secrecy checks for text found in media (OCR, DICOM, PDF): the text detector when present,
plus the direct-identifier and minor-cue patterns of ``data/text_cues.yaml``."""

from __future__ import annotations

import functools
import importlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from veilleur.records import Span

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TextCheck:
    """What a piece of text reveals: identifier spans, whether it identifies someone, why."""

    spans: tuple[Span, ...]
    identifying: bool
    risk: str
    explanation: str
    engine: str  # "secrecy+patterns" when the text detector ran, "patterns" otherwise
    minor_cues: tuple[Span, ...] = ()


@functools.cache
def _cues() -> dict[str, dict[str, re.Pattern[str]]]:
    raw = yaml.safe_load(
        resources.files("veilleur.detect.media").joinpath("data/text_cues.yaml").read_text("utf-8")
    )
    return {
        group: {name: re.compile(rx, re.IGNORECASE) for name, rx in patterns.items()}
        for group, patterns in raw.items()
    }


@functools.cache
def _analyzer() -> Any:
    """The text detector's ``analyze_text`` if that package is installed and working, else None."""
    try:
        module = importlib.import_module("veilleur.detect.secrecy")
        return module.analyze_text
    except Exception as exc:  # absent or broken: the patterns still run
        log.info("text secrecy analysis unavailable (%s); media uses its own patterns", exc)
        return None


def _pattern_spans(text: str, group: str) -> list[Span]:
    spans = []
    for label, rx in _cues()[group].items():
        for m in rx.finditer(text):
            spans.append(Span(m.start(), m.end(), label, m.group(0)))
    return spans


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    seen: set[tuple[int, int]] = set()
    out = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if (s.start, s.end) not in seen:
            seen.add((s.start, s.end))
            out.append(s)
    return tuple(out)


def check_text(text: str, *, use_text_detector: bool = True) -> TextCheck:
    """Identifier spans in ``text``. Media shared in a medical group is presumed to be about a patient."""
    if not text.strip():
        return TextCheck((), False, "none", "", "patterns")
    spans = _pattern_spans(text, "direct_identifiers")
    identifying = bool(spans)
    risk = "high" if spans else "none"
    explanation = ("identifiants directs : " + ", ".join(sorted({s.label for s in spans}))) if spans else ""
    engine = "patterns"
    analyze = _analyzer() if use_text_detector else None
    if analyze is not None:
        try:
            result = analyze(text)
            engine = "secrecy+patterns"
            spans.extend(result.spans)
            if result.identifying:
                identifying = True
                if risk == "none":
                    risk = str(result.risk)
                explanation = "; ".join(e for e in (explanation, str(result.explanation)) if e)
        except Exception as exc:  # the text detector failing must not lose the media findings
            log.warning("text secrecy analysis failed on OCR text: %s", exc)
    return TextCheck(
        spans=_merge(spans),
        identifying=identifying,
        risk=risk,
        explanation=explanation,
        engine=engine,
        minor_cues=_merge(_pattern_spans(text, "minor_cues")),
    )
