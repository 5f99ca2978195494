"""The shared scorer and JSON Lines reader (veilleur.evaluation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilleur.errors import InputError
from veilleur.evaluation import Counts, prf, read_jsonl


def test_counts_precision_recall_f1() -> None:
    c = Counts()
    for expected, predicted in [(True, True), (True, True), (False, True), (True, False), (False, False)]:
        c.add(expected, predicted)
    assert (c.tp, c.fp, c.fn, c.support) == (2, 1, 1, 3)
    assert (
        c.precision == pytest.approx(2 / 3)
        and c.recall == pytest.approx(2 / 3)
        and c.f1 == pytest.approx(2 / 3)
    )
    assert Counts().to_dict() == {
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "support": 0,
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert prf(1, 3, 0) == {
        "tp": 1,
        "fp": 3,
        "fn": 0,
        "support": 1,
        "precision": 0.25,
        "recall": 1.0,
        "f1": 0.4,
    }


def test_read_jsonl_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n\n{"a": 2}\n', encoding="utf-8")
    assert list(read_jsonl(p)) == [(1, {"a": 1}), (3, {"a": 2})]
    p.write_text('{"a": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: invalid JSON"):
        list(read_jsonl(p))
    p.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: expected a JSON object"):
        list(read_jsonl(p))
    p.write_bytes(b'{"a": "\xe9"}\n')
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_jsonl(p))
    with pytest.raises(InputError, match="file not found"):
        list(read_jsonl(tmp_path / "missing.jsonl"))
