"""Révision 11c: `benchmarks/text_harm_ftr.py` never lists the held-out split's tweets (test data: aggregate figures
only), and prints the fixed halves of the held-out split that routing choices are made and reported on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[3] / "benchmarks"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("text_harm_ftr_bench", BENCH / "text_harm_ftr.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_errors_are_refused_on_the_heldout_split(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mod = _load()
    monkeypatch.setattr(
        sys, "argv", ["x", "--split", "heldout", "--errors", "5", "--shared-data", str(tmp_path)]
    )
    assert mod.main() == 2
    err = capsys.readouterr().err
    assert "test data" in err and err.count("\n") == 1  # one clear line, no traceback


def test_the_training_split_may_list_its_misses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mod = _load()
    monkeypatch.setattr(
        sys, "argv", ["x", "--split", "train", "--errors", "5", "--shared-data", str(tmp_path)]
    )
    assert mod.main() == 2  # no data under tmp_path: the data error, not the refusal
    assert "no FTR data" in capsys.readouterr().err
