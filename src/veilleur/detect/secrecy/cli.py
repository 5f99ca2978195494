"""CLI: ``veilleur redact TEXT|FILE`` (safe version of a post) and ``veilleur eval secrecy FILE``."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import typer

from veilleur.errors import InputError

MEDIA_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".pdf", ".dcm", ".dicom", ".mp4", ".mov", ".avi", ".mkv"}
)
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ""})


def _read_text_arg(arg: str) -> str:
    p = Path(arg)
    if len(arg) < 4096 and "\n" not in arg and p.suffix.lower() in TEXT_SUFFIXES | {".json"} and p.is_file():
        try:
            return p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(p, "not UTF-8 text") from None
    return arg


def _redact_media(path: Path, out: Path | None) -> object:
    from veilleur.detect.media.redact import redact_file  # lazy: image libraries load on first use

    out_dir = out if out is not None else path.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    return redact_file(path, out_dir)


def kept_names(original: str, redacted: str, lang: str | None = None) -> list[str]:
    """Names of staff or of people spoken to that the default redaction left in place."""
    from veilleur.detect.secrecy import analyze_text

    a = analyze_text(original, lang)
    return sorted(
        {s.text for s in a.spans if s.label in ("ADDRESSEE", "PROFESSIONAL") and s.text in redacted}
    )


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("redact")
    def redact_cmd(
        source: str = typer.Argument(..., help="Text to redact, or a file (text, image, PDF, DICOM)."),
        out: Path | None = typer.Option(
            None, "-o", "--out", help="Write the safe version here (file; folder for media)."
        ),
        lang: str | None = typer.Option(None, "--lang", help="fr or en (guessed when omitted)."),
        as_json: bool = typer.Option(
            False, "--json", help="Print the safe text and the list of changes as JSON."
        ),
        ref_date: str | None = typer.Option(
            None, "--date", help="Reference date for relative dates (YYYY-MM-DD)."
        ),
        staff: bool | None = typer.Option(
            None,
            "--staff/--no-staff",
            help="Remove staff names and names of people spoken to too (--staff), or keep them (--no-staff). "
            "Default: staff names removed; people spoken to removed only in a pasted report.",
        ),
        check: bool = typer.Option(
            False,
            "--check",
            help="Only check a text meant to be safe already (redacted by hand or by another tool): print it "
            "unchanged when no identifier is left, else name what is left on stderr and exit 3. A lone "
            "quasi-identifier (one kind: an age, a date, a town) is named on stderr but does not block; a name, "
            "a number, a full birth date or two kinds of quasi-identifiers do.",
        ),
    ) -> None:
        """Version sûre d'un texte (pseudonymes, âges généralisés, dates relatives) / safe version of a text.

        Fail closed: the safe version is analysed again; if an identifier is still found, nothing is
        written, the remaining identifiers are named on stderr and the exit status is 3. --check runs that
        check alone on a text redacted elsewhere."""
        from veilleur.detect.secrecy.redact import check_text, redact_text

        path = Path(source)
        if len(source) < 4096 and path.suffix.lower() in MEDIA_SUFFIXES:
            if not path.is_file():
                raise InputError(path, "file not found")
            result = _redact_media(path, out)
            if hasattr(result, "to_dict"):
                data = result.to_dict()
            elif dataclasses.is_dataclass(result) and not isinstance(result, type):
                data = dataclasses.asdict(result)
            else:
                data = result
            typer.echo(
                json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else str(result)
            )
            return
        if lang not in (None, "fr", "en"):
            raise InputError("--lang", f"unknown language {lang!r} (fr or en)")
        try:
            ref = date.fromisoformat(ref_date) if ref_date else None
        except ValueError:
            raise InputError("--date", f"not a date: {ref_date!r} (YYYY-MM-DD)") from None
        text = _read_text_arg(source)
        res = (
            check_text(text, lang, staff=staff)
            if check
            else redact_text(text, lang, reference_date=ref, staff=staff)
        )
        if res.blocked:
            typer.echo(res.residual_message(), err=True)
            raise typer.Exit(3)
        if res.lone:  # one kind of quasi-identifier alone (an age, a date): not identifying, said on stderr
            typer.echo(res.lone_message(), err=True)
        if staff is None and not check:  # names kept by default are personal data too: offer to remove them
            kept = kept_names(text, res.text, lang)
            if kept:
                typer.echo(
                    f"noms conservés / names kept: {', '.join(kept)} — --staff pour les retirer / to remove them",
                    err=True,
                )
        payload = json.dumps(res.to_dict(), ensure_ascii=False, indent=2) if as_json else res.text
        if out is not None:
            out.write_text(payload + "\n", encoding="utf-8")
        else:
            typer.echo(payload)

    @eval_app.command("secrecy")
    def eval_secrecy(
        file: Path | None = typer.Argument(None, help="Labelled JSONL (default: the built-in set)."),
        split: str = typer.Option("heldout", help="dev, heldout, blind or all."),
        baseline: bool = typer.Option(False, "--baseline", help="Also run Presidio's default configuration."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        show_errors: int = typer.Option(0, "--errors", help="Show this many misclassified sentences."),
        spans: bool | None = typer.Option(
            None,
            "--spans/--no-spans",
            help="Span recall/precision per label (overlap) and message P/R: the clinical-set report. "
            "Default: on when FILE is given, off for the built-in set.",
        ),
        gate: bool = typer.Option(
            False, "--gate", help="Analyse with the care-context pre-filter (as the detector does)."
        ),
    ) -> None:
        """Précision/rappel du détecteur de secret médical / secrecy detector precision and recall.

        With FILE (JSONL: text, identifying, entities [{start, end, label}]; split ignored unless given):
        entity-level span recall/precision overall and per label, message P/R, and with --baseline the
        same for Presidio's default configuration. Only aggregate figures are printed (blind sets)."""
        from veilleur.detect.secrecy.evaluate import evaluate_ours, evaluate_presidio_default, load_set

        if spans is None:
            spans = file is not None
        if spans:
            _eval_spans(file, split if split != "heldout" or file is None else "all", baseline, as_json, gate)
            return
        rows = load_set(file, split)
        report = evaluate_ours(rows, gate=gate)
        errors = report.pop("errors")
        report["n"] = len(rows)
        if baseline:
            report["presidio_default"] = evaluate_presidio_default(rows)
        if as_json:
            typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
            return
        typer.echo(f"secrecy: {len(rows)} sentences (split {split})")
        for key in ("messages", "entities_typed", "entities_any_label"):
            s = report[key]
            typer.echo(f"  {key:<20} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}")
        if baseline:
            for key in ("messages", "entities_any_label"):
                s = report["presidio_default"][key]
                typer.echo(
                    f"  presidio {key:<11} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}"
                )
        for e in errors[:show_errors]:
            typer.echo(f"  [{'FN' if e['gold'] else 'FP'}] {e['text']}  ({e['explanation']})")


def _eval_spans(file: Path | None, split: str, baseline: bool, as_json: bool, gate: bool) -> None:
    from veilleur.detect.secrecy.evaluate import evaluate_presidio_spans, evaluate_spans, load_set

    rows = load_set(file, split)
    ours = evaluate_spans(rows, gate=gate)
    report: dict[str, object] = {
        "n": len(rows),
        "ours": {"spans": ours["spans"], "messages": ours["messages"]},
    }
    if baseline:
        report["presidio_default"] = evaluate_presidio_spans(rows)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    typer.echo(f"secrecy spans: {len(rows)} texts ({file or 'built-in set'}), overlap matching")
    systems = [("ours", report["ours"])] + (
        [("presidio default", report["presidio_default"])] if baseline else []
    )
    for name, rep in systems:
        assert isinstance(rep, dict)
        sp, msg = rep["spans"], rep["messages"]
        typer.echo(
            f"[{name}] spans R={sp['recall']:.3f} P={sp['precision']:.3f} (gold {sp['gold']}, predicted {sp['predicted']})"
            f" | messages P={msg['precision']:.3f} R={msg['recall']:.3f}"
        )
        for lab, v in sp["by_label"].items():
            r = "  -  " if v["recall"] is None else f"{v['recall']:.3f}"
            p = "  -  " if v["precision"] is None else f"{v['precision']:.3f}"
            typer.echo(f"    {lab:<13} R={r} (n={v['gold']:<4}) P={p} (n={v['predicted']})")
