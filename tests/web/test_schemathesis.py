"""API contract: schemathesis generates requests from /openapi.json; no request may cause a server error (5xx)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402


def test_no_server_errors(tmp_path):
    from veilleur.web import create_app

    from .conftest import build_world

    world = build_world(tmp_path / "h")
    app = create_app(world.store.settings, world.store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 10

    def runner(op: Any) -> Any:
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{op.method.upper()} {op.path} -> {response.status_code}: {response.text[:200]}"
                )
            case.validate_response(response, checks=[not_a_server_error])

        return check

    for op in operations:
        runner(op)()
    assert not failures, "\n".join(failures)
