"""Errors carry how each adapter reports them: HTTP status and API code, CLI exit code, headers."""

from __future__ import annotations

import pytest

from veilleur.errors import ConfigError, DatabaseBusyError, InputError, NotFoundError, VeilleurError


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (VeilleurError("x"), 400, "bad_request"),
        (InputError("f.json", "bad"), 400, "bad_request"),
        (ConfigError("bad"), 400, "bad_request"),
        (NotFoundError("no case"), 404, "not_found"),
        (DatabaseBusyError("busy"), 503, "database_busy"),
    ],
)
def test_errors_carry_status_code_and_exit_code(exc: VeilleurError, status: int, code: str) -> None:
    assert (exc.status, exc.code, exc.exit_code) == (status, code, 2)


def test_busy_error_asks_to_retry_and_the_default_has_no_headers() -> None:
    assert DatabaseBusyError("busy").headers == {"Retry-After": "10"}
    assert VeilleurError("x").headers == {}


def test_cli_exits_with_the_errors_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import veilleur.cli as cli

    class Teapot(VeilleurError):
        exit_code = 3

    def boom(**_k: object) -> None:
        raise Teapot("short and stout")

    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 3
