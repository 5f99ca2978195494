"""``veilleur eval conversations``: pile-on, role, target and addressee figures on labelled group chats."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("conversations")
    def eval_conversations(
        path: Path = typer.Argument(
            ..., help="A chat JSON file, or a folder of them (format: docs/conversations.md)."
        ),
        text_harm: bool = typer.Option(
            True,
            "--text-harm/--no-text-harm",
            help="Run the per-message text_harm detector first (default) or use conversation cues only.",
        ),
        min_authors: int = typer.Option(
            2, "--min-authors", min=1, help="Distinct hostile authors for a pile-on."
        ),
        min_messages: int = typer.Option(3, "--min-messages", min=1, help="Hostile messages for a pile-on."),
        model: bool = typer.Option(
            True,
            "--model/--no-model",
            help="Use the learned hostility-in-context model (default) or the rules only.",
        ),
        per_chat: bool = typer.Option(
            True, "--per-chat/--summary", help="Print one line per chat (default) or the totals only."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    ) -> None:
        """Pile-on detection per chat, target accuracy, initiator/supporter P/R, addressee accuracy, civil chats."""
        from veilleur.detect.conversation.analyse import Settings
        from veilleur.detect.conversation.evaluate import chat_files, evaluate, format_report

        files = chat_files(path)
        detector = None
        if text_harm:
            from veilleur.detect.base import create_detector

            det = create_detector("text_harm")
            detector = det.detect
        from veilleur.detect.conversation.model import load_model

        learned = load_model() if model else None
        rep = evaluate(
            files, detector, Settings(min_authors=min_authors, min_messages=min_messages, model=learned)
        )
        if model and learned is None:
            typer.echo(
                "note: the learned model is unavailable (encoder wheel or model file missing): rules only",
                err=True,
            )
        if as_json:
            d = rep.to_dict()
            if not per_chat:
                d.pop("per_chat")
            typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
        else:
            typer.echo(format_report(rep, per_chat=per_chat))
