"""CLI of the text-harm area: ``veilleur eval text-harm FILE [--json]`` and ``veilleur text-harm check TEXT``."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("text-harm")
    def eval_text_harm(
        file: Path = typer.Argument(
            None, help="CSV or JSONL with text, labels [, functionality|phenomenon, ground, clinical]."
        ),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
        threshold: float = typer.Option(None, "--threshold", help="One threshold for all categories."),
        hf_model: Path = typer.Option(None, "--hf-model", help="Also use a local HF classifier (tier 2)."),
        hf_labels: Path = typer.Option(None, "--hf-labels", help="Label mapping of the tier-2 model."),
        errors: bool = typer.Option(False, "--errors", help="List misclassified messages."),
        fast_only: bool = typer.Option(False, "--fast-only", help="Fast tier only (no semantic tier)."),
        public: bool = typer.Option(
            False,
            "--public",
            help="Evaluate the held-out 20 % of the public sets (MLMA, "
            "Davidson, FTR) read in place from --shared-data, instead of a file.",
        ),
        shared_data: Path = typer.Option(
            Path("/work/shared/data"), "--shared-data", help="Folder of the public data sets (with --public)."
        ),
    ) -> None:
        """Précision / rappel / F1 par catégorie du détecteur text_harm sur un fichier étiqueté (ou, avec
        --public, sur les parts mises de côté des jeux publics) ; chiffres par étage, par phénomène, par motif."""
        from veilleur.detect.text_harm.detector import TextHarmAnalyzer
        from veilleur.detect.text_harm.evaluate import evaluate_file, evaluate_public, format_report

        if (file is None) == (not public):
            typer.echo("error: give a labelled FILE or --public (not both)", err=True)
            raise typer.Exit(2)

        hf = None
        if hf_model is not None:
            from veilleur.detect.text_harm.hf import HFClassifier

            hf = HFClassifier(hf_model, hf_labels)
        analyzer = TextHarmAnalyzer(hf=hf, semantic=not fast_only)
        if public:
            per_set = evaluate_public(shared_data, analyzer, threshold)  # InputError: one line (cli.py)
            if as_json:
                typer.echo(json.dumps(per_set, ensure_ascii=False, indent=2))
            else:
                typer.echo("\n\n".join(format_report(m) for m in per_set.values()))
            return
        metrics = evaluate_file(file, analyzer, threshold)
        if as_json:
            typer.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
            return
        typer.echo(format_report(metrics))
        if errors:
            typer.echo("\nErreurs :")
            for e in metrics["errors"]:
                typer.echo(f"- {e['text']!r}\n    attendu {e['gold']} / prédit {e['pred']}")

    th_app = typer.Typer(
        help="Text harm detector (insults, threats, hate, patient mockery).", no_args_is_help=True
    )

    @th_app.command("check")
    def check(
        text: list[str] = typer.Argument(..., help="One or more messages."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Analyse des messages et affiche scores, passages et explication."""
        from veilleur.detect.text_harm.detector import TextHarmAnalyzer

        analyzer = TextHarmAnalyzer()
        results = analyzer.analyze(text)
        if as_json:
            typer.echo(
                json.dumps(
                    [
                        {
                            "text": a.text,
                            "lang": a.lang,
                            "scores": {c: round(v, 4) for c, v in a.scores.items()},
                            "flagged": sorted(a.flagged(analyzer.thresholds)),
                            "spans": [s.to_dict() for s in a.spans],
                            "explanation": a.explanation,
                            "contexts": a.contexts,
                        }
                        for a in results
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for a in results:
            typer.echo(f"[{a.lang}] {a.text}\n  {a.explanation}")

    app.add_typer(th_app, name="text-harm")
