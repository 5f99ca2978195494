"""A message dated in year 9999 (I14) must never crash qualification, deadlines or ``case show``: deadlines that
cannot be computed are left out and a warning says why."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from tests.law.fixtures import harassment_case
from veilleur.cli import app
from veilleur.law.deadlines import case_deadlines
from veilleur.law.qualify import qualify
from veilleur.respond.casefile import CaseFile, casefile_to_dict

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _case_with_date(when: datetime) -> tuple:  # type: ignore[type-arg]
    case, msgs, finds = harassment_case()
    msgs = [replace(msgs[0], created_at=when, uid=msgs[0].uid), *msgs[1:]]
    return case, msgs, finds


def test_year_9999_gives_no_crash_and_a_warning() -> None:
    case, msgs, finds = _case_with_date(datetime(9999, 12, 31, 23, 0, tzinfo=UTC))
    q = qualify(case, msgs, finds, now=NOW)
    assert any("9999" in w and "invraisemblable" in w for w in q.warnings), q.warnings
    for c in q.candidates:
        c.to_dict()  # last_day of an uncomputable deadline is None, not an exception
    deadlines = case_deadlines(q)
    for d in deadlines:
        d.to_dict(NOW)
        assert d.last_day.year < 9999


def test_all_messages_far_in_the_future() -> None:
    case, msgs, finds = harassment_case()
    msgs = [replace(m, created_at=datetime(9999, 6, 1, tzinfo=UTC), uid=m.uid) for m in msgs]
    q = qualify(case, msgs, finds, now=NOW)
    assert case_deadlines(q) == [] or all(d.last_day.year <= 9999 for d in case_deadlines(q))


def test_case_show_and_deadlines_with_year_9999(tmp_path: Path) -> None:
    case, msgs, finds = _case_with_date(datetime(9999, 12, 31, 23, 0, tzinfo=UTC))
    f = tmp_path / "case.json"
    f.write_text(
        json.dumps(casefile_to_dict(CaseFile(case, msgs, finds)), ensure_ascii=False), encoding="utf-8"
    )
    runner = CliRunner()
    r = runner.invoke(app, ["case", "show", "--file", str(f)])
    assert r.exit_code == 0, r.output + repr(r.exception)
    assert "invraisemblable" in r.output
    r = runner.invoke(app, ["case", "show", "--file", str(f), "--json"])
    assert r.exit_code == 0, r.output + repr(r.exception)
    json.loads(r.output)
    r = runner.invoke(app, ["deadlines", "--file", str(f), "--within", "100000d", "--expired"])
    assert r.exit_code == 0, r.output + repr(r.exception)
    r = runner.invoke(app, ["deadlines", "--file", str(f), "--json"])
    assert r.exit_code == 0, r.output + repr(r.exception)
