"""Command of the workspace: ``veilleur serve`` (the accounts and alerts commands live in
``veilleur.accounts.cli`` and ``veilleur.notify.cli``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port."),
    ) -> None:
        """Start the moderator workspace and the /v1 API (uvicorn)."""
        import uvicorn

        from veilleur.web.app import create_app

        uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)
