"""Evaluation of the text-harm detector on a labelled CSV/JSONL file: P/R/F1 per category, per-functionality
accuracy, and the clinical-vs-harmful confusion."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veilleur.errors import InputError
from veilleur.evaluation import prf as _prf
from veilleur.evaluation import read_jsonl

_TEXT_KEYS = ("text", "message", "content", "body")
_LABEL_KEYS = ("labels", "label", "categories", "category")
_PHENOMENON_KEYS = ("functionality", "phenomenon")
_GROUND_KEYS = ("ground", "target_ground", "grounds", "motif")
_LANG_KEYS = ("lang", "language", "langue")
_REGISTER_KEYS = ("register", "registre")


@dataclass(frozen=True, slots=True)
class LabelledRow:
    text: str
    labels: frozenset[str]
    functionality: str | None = None
    clinical: bool = False
    ground: str | None = None
    lang: str | None = None
    register: str | None = None


def _parse_labels(value: Any, path: Path, where: str) -> frozenset[str]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, list):
        return frozenset(str(v).strip() for v in value if str(v).strip() and str(v).strip() != "none")
    if isinstance(value, str):
        parts = value.replace(";", "|").replace(",", "|").split("|")
        return frozenset(p.strip() for p in parts if p.strip() and p.strip() not in ("none", "[]"))
    raise InputError(path, f"{where}: labels must be a list or a ';'-separated string")


def _row(d: dict[str, Any], path: Path, where: str) -> LabelledRow:
    text = next((d[k] for k in _TEXT_KEYS if k in d and d[k] is not None), None)
    if not isinstance(text, str):
        raise InputError(path, f"{where}: no text (expected a column named {' or '.join(_TEXT_KEYS)})")
    raw_labels = next((d[k] for k in _LABEL_KEYS if k in d), None)
    labels = _parse_labels(raw_labels, path, where)
    func = next((d[k] for k in _PHENOMENON_KEYS if d.get(k)), None)
    clin_value = d.get("clinical")
    clinical = str(clin_value).lower() in ("1", "true", "yes", "oui") if clin_value is not None else False
    if func and str(func).startswith("clinical"):
        clinical = True
    ground = next((d[k] for k in _GROUND_KEYS if d.get(k)), None)
    if isinstance(ground, list):
        ground = "+".join(sorted(str(g) for g in ground)) or None
    lang = next((d[k] for k in _LANG_KEYS if d.get(k)), None)
    register = next((d[k] for k in _REGISTER_KEYS if d.get(k)), None)
    return LabelledRow(
        text,
        labels,
        str(func) if func else None,
        clinical,
        str(ground) if ground else None,
        str(lang).lower() if lang else None,
        str(register) if register else None,
    )


def read_labelled(path: Path) -> list[LabelledRow]:
    """Rows of a CSV (text, labels, [functionality], [clinical]) or JSONL file with the same keys."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    rows: list[LabelledRow] = []
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            rows.extend(_row(d, path, f"line {n}") for n, d in read_jsonl(path))
        elif path.suffix.lower() in (".csv", ".tsv"):
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
                for n, rec in enumerate(reader, 2):
                    rows.append(_row(dict(rec), path, f"line {n}"))
        else:
            raise InputError(path, "unknown format (expected .csv, .tsv or .jsonl)")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    if not rows:
        raise InputError(path, "no labelled rows")
    return rows


def compute_metrics(
    gold: Sequence[frozenset[str]],
    pred: Sequence[frozenset[str]],
    categories: Sequence[str],
    functionality: Sequence[str | None] | None = None,
    clinical: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """Pure metric computation (no model): per category, macro/micro, any-harm, functionality, confusion."""
    cats = list(categories)
    per: dict[str, dict[str, float | int]] = {}
    T = F = N = 0
    for c in cats:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if c in g and c in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if c not in g and c in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if c in g and c not in p)
        per[c] = _prf(tp, fp, fn)
        T, F, N = T + tp, F + fp, N + fn
    supported = [c for c in cats if per[c]["support"]]
    macro = {
        k: round(sum(float(per[c][k]) for c in supported) / len(supported), 4) if supported else 0.0
        for k in ("precision", "recall", "f1")
    }
    g_any = [bool(g & set(cats)) for g in gold]
    p_any = [bool(p & set(cats)) for p in pred]
    any_harm = _prf(
        sum(1 for g, p in zip(g_any, p_any, strict=True) if g and p),
        sum(1 for g, p in zip(g_any, p_any, strict=True) if not g and p),
        sum(1 for g, p in zip(g_any, p_any, strict=True) if g and not p),
    )
    out: dict[str, Any] = {
        "n": len(gold),
        "per_category": per,
        "macro": macro,
        "micro": _prf(T, F, N),
        "any_harm": any_harm,
    }
    if functionality is not None and any(functionality):
        funcs: dict[str, dict[str, float | int]] = {}
        for f, g, p in zip(functionality, g_any, p_any, strict=True):
            key = f or "(none)"
            d = funcs.setdefault(key, {"n": 0, "correct": 0})
            d["n"] = int(d["n"]) + 1
            d["correct"] = int(d["correct"]) + int(g == p)
        for d in funcs.values():
            d["accuracy"] = round(int(d["correct"]) / int(d["n"]), 4)
        out["per_functionality"] = dict(sorted(funcs.items()))
    clin = list(clinical) if clinical is not None else [False] * len(gold)
    confusion = {k: {"flagged": 0, "not_flagged": 0} for k in ("harmful", "clinical", "other_benign")}
    for g_harm, p_harm, is_clin in zip(g_any, p_any, clin, strict=True):
        row = "harmful" if g_harm else ("clinical" if is_clin else "other_benign")
        confusion[row]["flagged" if p_harm else "not_flagged"] += 1
    out["clinical_vs_harmful"] = confusion
    return out


def _breakdown(
    keys: Sequence[str | None],
    gold: Sequence[bool],
    cascade: Sequence[bool],
    fast: Sequence[bool] | None,
    routed: Sequence[bool] | None,
) -> dict[str, dict[str, Any]]:
    """Per phenomenon or per ground: harmful-or-not accuracy of the cascade (and of the fast tier alone), the
    share of messages the semantic tier decided, and the share of harmful / harmless messages flagged."""
    out: dict[str, dict[str, Any]] = {}
    for i, k in enumerate(keys):
        d = out.setdefault(
            k or "(none)",
            {
                "n": 0,
                "correct": 0,
                "harmful": 0,
                "found": 0,
                "benign": 0,
                "false_alarms": 0,
                "fast_correct": 0,
                "semantic": 0,
            },
        )
        d["n"] += 1
        d["correct"] += int(gold[i] == cascade[i])
        if gold[i]:
            d["harmful"] += 1
            d["found"] += int(cascade[i])
        else:
            d["benign"] += 1
            d["false_alarms"] += int(cascade[i])
        if fast is not None:
            d["fast_correct"] += int(gold[i] == fast[i])
        if routed is not None:
            d["semantic"] += int(routed[i])
    for d in out.values():
        d["accuracy"] = round(d["correct"] / d["n"], 4)
        if fast is not None:
            d["fast_accuracy"] = round(d["fast_correct"] / d["n"], 4)
        if routed is not None:
            d["semantic_share"] = round(d["semantic"] / d["n"], 4)
    return dict(sorted(out.items()))


def evaluate_rows(
    rows: Sequence[LabelledRow], analyzer: Any = None, threshold: float | None = None, name: str = ""
) -> dict[str, Any]:
    """Run the detector (the default cascade unless an analyzer is given) on labelled rows; compute the metrics."""
    from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmAnalyzer, thresholds_from_policy

    analyzer = analyzer or TextHarmAnalyzer()
    thresholds = thresholds_from_policy(analyzer.policy, threshold)
    analyzer.thresholds = thresholds
    routing = getattr(analyzer, "routing", None)
    before = dict(routing) if isinstance(routing, dict) else {}
    results = analyzer.analyze([r.text for r in rows])
    pred = [frozenset(a.flagged(thresholds)) for a in results]
    known = set(CATEGORIES)
    gold = [frozenset(r.labels & known) for r in rows]
    ignored = sorted({lab for r in rows for lab in r.labels} - known)
    metrics = compute_metrics(
        gold, pred, CATEGORIES, [r.functionality for r in rows], [r.clinical for r in rows]
    )
    metrics["columns"] = {
        "phenomenon": any(r.functionality for r in rows),
        "ground": any(r.ground for r in rows),
        "clinical": any(r.clinical for r in rows),
        "lang": any(r.lang for r in rows),
        "register": any(r.register for r in rows),
    }
    g_any = [bool(g) for g in gold]
    p_any = [bool(p) for p in pred]
    fast_any: list[bool] | None = None
    routed: list[bool] | None = None
    if isinstance(routing, dict) and getattr(analyzer, "semantic", None) is not None:
        # per tier: the fast tier alone (its scores before the semantic tier decided) against the cascade
        fast = [
            frozenset(c for c, v in a.tiers.get("fast", a.scores).items() if v >= thresholds.get(c, 0.5))
            for a in results
        ]
        fast_any = [bool(f) for f in fast]
        routed = ["semantic" in a.tiers for a in results]
        fm = compute_metrics(gold, fast, CATEGORIES)
        sent = {k: routing.get(k, 0) - before.get(k, 0) for k in routing}
        total = max(sum(sent.values()), 1)
        metrics["tiers"] = {
            "fast": {"macro_f1": fm["macro"]["f1"], "any_harm": fm["any_harm"]},
            "cascade": {"macro_f1": metrics["macro"]["f1"], "any_harm": metrics["any_harm"]},
        }
        metrics["routing"] = {k: {"messages": v, "share": round(v / total, 4)} for k, v in sent.items()}
    if metrics["columns"]["phenomenon"]:
        metrics["per_phenomenon"] = _breakdown(
            [r.functionality for r in rows], g_any, p_any, fast_any, routed
        )
    if metrics["columns"]["ground"]:
        metrics["per_ground"] = _breakdown([r.ground for r in rows], g_any, p_any, fast_any, routed)
    # per language and per register: the external checks are per language (FR / EN suites) and per register
    # (teen chats, tweets); one average hides a language or a register the detector does not read
    if metrics["columns"]["lang"]:
        metrics["per_lang"] = _breakdown([r.lang for r in rows], g_any, p_any, fast_any, routed)
    if metrics["columns"]["register"]:
        metrics["per_register"] = _breakdown([r.register for r in rows], g_any, p_any, fast_any, routed)
    metrics["file"] = name
    metrics["ignored_labels"] = ignored
    metrics["errors"] = [
        {"text": r.text, "gold": sorted(g), "pred": sorted(p)}
        for r, g, p in zip(rows, gold, pred, strict=True)
        if g != p
    ][:50]
    return metrics


def evaluate_file(path: Path, analyzer: Any = None, threshold: float | None = None) -> dict[str, Any]:
    """Run the detector (the default cascade unless an analyzer is given) on a labelled file."""
    return evaluate_rows(read_labelled(path), analyzer, threshold, name=str(path))


PUBLIC_SETS = ("mlma", "davidson", "ftr")


def public_heldout_rows(root: Path) -> dict[str, list[LabelledRow]]:
    """The fixed 20 % held-out split of each public set (MLMA fr/en, Davidson, FTR), read in place from ``root``
    (never copied, never trained on). Sets missing from ``root`` are left out."""
    from veilleur.detect.text_harm.semantic_corpus import is_heldout, read_public

    out: dict[str, list[LabelledRow]] = {}
    for e in read_public(Path(root)):
        if is_heldout(e.text):
            out.setdefault(e.source, []).append(LabelledRow(e.text, frozenset(e.labels), e.source))
    return {k: out[k] for k in PUBLIC_SETS if k in out}


def evaluate_public(root: Path, analyzer: Any = None, threshold: float | None = None) -> dict[str, Any]:
    """Metrics on each public held-out split under ``root``; InputError when none is there."""
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer

    sets = public_heldout_rows(root)
    if not sets:
        raise InputError(
            Path(root),
            "no public data set found (expected MLMA_hate_speech, davidson-hate-offensive or ftr-racism-fr)",
        )
    analyzer = analyzer or TextHarmAnalyzer()
    return {
        name: evaluate_rows(rows, analyzer, threshold, name=f"{root}/{name} (held-out 20 %)")
        for name, rows in sets.items()
    }


def format_report(m: dict[str, Any]) -> str:
    """Human-readable report (the CLI's default output)."""
    lines = [f"Évaluation text-harm — {m.get('file', '')} ({m['n']} messages)", ""]
    lines.append(f"{'catégorie':<36}{'supp':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for c, d in m["per_category"].items():
        if d["support"] or d["fp"]:
            lines.append(f"{c:<36}{d['support']:>6}{d['precision']:>8.3f}{d['recall']:>8.3f}{d['f1']:>8.3f}")
    for name in ("macro", "micro", "any_harm"):
        d = m[name]
        lines.append(f"{name:<36}{'':>6}{d['precision']:>8.3f}{d['recall']:>8.3f}{d['f1']:>8.3f}")
    for key, title in (
        ("per_phenomenon", "phénomène"),
        ("per_ground", "motif"),
        ("per_lang", "langue"),
        ("per_register", "registre"),
    ):
        if key not in m:
            continue
        tiers = "fast_accuracy" in next(iter(m[key].values()))
        head = f"{title + ' (nuisible oui/non)':<36}{'n':>6}{'exact.':>8}{'trouvés':>10}{'fausses al.':>13}"
        lines += ["", head + (f"{'rapide':>8}{'→ sém.':>8}" if tiers else "")]
        for f, d in m[key].items():
            found = f"{d['found']}/{d['harmful']}" if d["harmful"] else "–"
            fa = f"{d['false_alarms']}/{d['benign']}" if d["benign"] else "–"
            line = f"{f[:35]:<36}{d['n']:>6}{d['accuracy']:>8.3f}{found:>10}{fa:>13}"
            if tiers:
                line += f"{d['fast_accuracy']:>8.3f}{d['semantic_share']:>8.0%}"
            lines.append(line)
    cm = m["clinical_vs_harmful"]
    lines += [
        "",
        "Confusion clinique / nuisible (lignes : vérité, colonnes : prédiction)",
        f"{'':<16}{'signalé':>10}{'non signalé':>14}",
    ]
    for k in ("harmful", "clinical", "other_benign"):
        lines.append(f"{k:<16}{cm[k]['flagged']:>10}{cm[k]['not_flagged']:>14}")
    if "tiers" in m:
        lines += ["", f"{'par étage (tout nuisible)':<36}{'':>6}{'P':>8}{'R':>8}{'F1':>8}{'macro-F1':>10}"]
        for name, d in m["tiers"].items():
            a = d["any_harm"]
            lines.append(
                f"{name:<36}{'':>6}{a['precision']:>8.3f}{a['recall']:>8.3f}{a['f1']:>8.3f}"
                f"{d['macro_f1']:>10.3f}"
            )
        shares = ", ".join(f"{k} {v['share']:.0%} ({v['messages']})" for k, v in m["routing"].items())
        lines.append(f"Messages décidés par étage : {shares}")
    cols = m.get("columns")
    if cols:
        lines.append(
            "Colonnes lues : "
            + ", ".join(k for k, v in cols.items() if v)
            + "; absentes : "
            + (", ".join(k for k, v in cols.items() if not v) or "aucune")
        )
    if m.get("ignored_labels"):
        lines += ["", "Étiquettes ignorées (hors détecteur) : " + ", ".join(m["ignored_labels"])]
    return "\n".join(lines)
