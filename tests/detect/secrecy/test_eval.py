"""Evaluation floors on the labelled set (held-out and blind splits), a margin below measured figures."""

from __future__ import annotations

from typing import Any

import pytest

from veilleur.detect.secrecy.evaluate import load_set
from veilleur.errors import InputError


def test_set_size_and_balance() -> None:
    rows = load_set(split="all")
    assert len(rows) >= 600
    assert {r["lang"] for r in rows} == {"fr", "en"}
    pos = sum(r["identifying"] for r in rows)
    assert 0.4 < pos / len(rows) < 0.6


def test_heldout_floors(heldout_report: dict[str, Any]) -> None:
    m = heldout_report["messages"]
    assert m["recall"] >= 0.95 and m["precision"] >= 0.90
    e = heldout_report["entities_any_label"]
    assert e["recall"] >= 0.92 and e["precision"] >= 0.93


def test_blind_floors(blind_report: dict[str, Any]) -> None:
    m = blind_report["messages"]
    assert m["recall"] >= 0.88 and m["precision"] >= 0.90


def test_bad_file(tmp_path: Any) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        load_set(p)
