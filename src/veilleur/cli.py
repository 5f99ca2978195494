"""The ``veilleur`` command. Each area adds its commands through a ``register(app, eval_app)`` hook."""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from veilleur import __version__
from veilleur.errors import VeilleurError

app = typer.Typer(
    name="veilleur",
    help="veilleur: protects patients and doctors in online medical communities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Measure detectors on labelled data (precision, recall, F1).", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")

# Modules that add commands. Each defines ``register(app: typer.Typer, eval_app: typer.Typer) -> None``.
CLI_MODULES: tuple[str, ...] = (
    "veilleur.core_cli",
    "veilleur.detect.text_harm.cli",
    "veilleur.detect.secrecy.cli",
    "veilleur.detect.media.cli",
    "veilleur.detect.conversation.cli",
    "veilleur.evidence.cli",
    "veilleur.law.cli",
    "veilleur.respond.cli",
    "veilleur.accounts.cli",
    "veilleur.notify.cli",
)


_broken: dict[str, BaseException] = {}  # kept empty: an area that fails to import fails the command loudly


def _register_all() -> None:
    # every area ships in the wheel: an import error is a bug, never a reason to hide commands
    for mod in CLI_MODULES:
        importlib.import_module(mod).register(app, eval_app)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"veilleur {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
    db: str = typer.Option(
        None, "--db", help="Database URL (sqlite:///file or postgresql://...). Env: VEILLEUR_DB."
    ),
    home: str = typer.Option(None, "--home", help="Data directory. Env: VEILLEUR_HOME."),
) -> None:
    from veilleur.config import use_invocation

    use_invocation(home=home, db_url=db)  # the defaults of every load_settings() of this run
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    from veilleur.notify.alerts import install_listener

    install_listener()  # composition root: `veilleur scan` raises alerts (a no-op until alerts are configured)
    if version:
        typer.echo(f"veilleur {__version__}")
        raise typer.Exit()


_register_all()


def main() -> None:
    """Entry point: user errors are one clear line on stderr, exit code 2; no traceback."""
    try:
        # with standalone_mode=False click *returns* the status of ``typer.Exit(n)`` instead of exiting
        rc = app(standalone_mode=False)
    except VeilleurError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.secho("interrupted", fg="red", err=True)
        sys.exit(130)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except (
        Exception
    ) as exc:  # click usage errors and the like (typer >= 0.20 vendors its own click: duck-typed)
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        if type(exc).__name__ == "Abort":
            sys.exit(1)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
