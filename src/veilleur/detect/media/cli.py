"""CLI for the media detector: ``veilleur eval media [DIR]`` and ``veilleur media-check FILE...``."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from veilleur.errors import InputError


def _fmt(v: float | None) -> str:
    return "  n/a" if v is None else f"{v:5.2f}"


def eval_media(
    directory: Path | None = typer.Argument(
        None, help="Evaluation set (labels.json); generated here when absent."
    ),
    small: bool = typer.Option(False, "--small", help="A quick subset of the generated set."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
) -> None:
    """Précision/rappel du détecteur média par catégorie / media detector precision and recall."""
    from veilleur.detect.media.evalset import evaluate, generate

    with tempfile.TemporaryDirectory(prefix="veilleur-media-eval-") as tmp:
        target = directory or Path(tmp)
        if not (target / "labels.json").exists():
            if directory is not None and directory.exists() and not directory.is_dir():
                raise InputError(directory, "n'est pas un dossier / not a directory")
            generate(target, small=small)
        result = evaluate(target)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{result['files']} fichiers / files, {result['seconds']} s")
    typer.echo(f"{'catégorie / category':28} {'P':>5} {'R':>5}   tp  fp  fn  tn")
    for cat, s in result["categories"].items():
        typer.echo(
            f"{cat:28} {_fmt(s['precision'])} {_fmt(s['recall'])}  {s['tp']:3} {s['fp']:3} {s['fn']:3} {s['tn']:3}"
        )
    for err in result["errors"]:
        typer.echo(f"  {err['error']:12} {err['category']:26} {err['file']}")


def media_check(
    files: list[Path] = typer.Argument(..., help="Images, DICOM, PDF or video files."),
    as_json: bool = typer.Option(False, "--json", help="JSON output for scripts."),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="Skip OCR (faster)."),
    jobs: str = typer.Option(
        "auto",
        "--jobs",
        "-j",
        help="Worker processes (each loads the models once): a number, or auto = min(cores, 4), used from 2 files per worker.",
    ),  # fmt: skip
    full: bool = typer.Option(
        False,
        "--full",
        help="No cascade: every detector and whole-picture OCR on every picture (slow reference).",
    ),
    ocr_engine: str = typer.Option(
        "auto",
        "--ocr-engine",
        envvar=["VEILLEUR_DETECTORS__MEDIA__OCR_ENGINE", "VEILLEUR_OCR"],
        help="auto, tesseract or rapidocr.",
    ),
    tesseract_cli: bool = typer.Option(
        False,
        "--tesseract-cli",
        envvar=["VEILLEUR_DETECTORS__MEDIA__TESSERACT_CLI", "VEILLEUR_TESSERACT_CLI"],
        help="Use the tesseract program rather than its library.",
    ),
) -> None:
    """Analyse des fichiers média (visages, texte, EXIF, DICOM) / analyse media files."""
    import sys

    from veilleur.detect.media.analyze import Options, analyze_files, pool_worth_it, resolve_jobs

    try:
        n_jobs = resolve_jobs(jobs)
    except ValueError as exc:
        raise InputError("--jobs", str(exc)) from None
    if jobs.strip().lower() == "auto" and not pool_worth_it(n_jobs, len(files)):
        n_jobs = 1  # a handful of files: one process loads the models once
    for f in files:
        if not f.is_file():
            raise InputError(f, "fichier introuvable / file not found")
    out: list[dict[str, Any]] = []
    opts = Options(ocr=not no_ocr, cascade=not full, ocr_engine=ocr_engine, tesseract_cli=tesseract_cli)
    show = len(files) > 1 and sys.stderr.isatty()
    with typer.progressbar(length=len(files), label="analyse", file=sys.stderr, hidden=not show) as bar:
        reports = analyze_files(files, options=opts, jobs=n_jobs, progress=lambda done, total: bar.update(1))
    for f, r in zip(files, reports, strict=True):
        out.append(
            {
                "file": str(f),
                "kind": r.kind,
                "errors": r.errors,
                "findings": [
                    {"category": h.category, "severity": h.severity.name.lower(), "score": round(h.score, 3),
                     "explanation": h.explanation, "regions": [reg.to_dict() for reg in h.regions]}
                    for h in r.hits
                ],
            }
        )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for item in out:
        typer.echo(f"{item['file']} ({item['kind'] or 'type inconnu / unknown type'})")
        for h in item["findings"]:
            typer.echo(f"  {h['category']:26} {h['severity']:8} {h['score']:.2f}  {h['explanation']}")
        for e in item["errors"]:
            typer.echo(f"  ! {e}")
        if not item["findings"] and not item["errors"]:
            typer.echo("  rien trouvé / nothing found")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("media")(eval_media)
    app.command("media-check")(media_check)
