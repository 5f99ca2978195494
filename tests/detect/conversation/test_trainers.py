"""Review, session 16: the raid check's and the aim ranker's trainers share their set-up (``trainers.py``), and their
model files are read with one error naming the file and written whole or not at all."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from veilleur.detect.conversation import train_raid, train_target
from veilleur.detect.conversation.model import ContextModel, Linear, load_model
from veilleur.detect.conversation.raid_model import FEATURES, RaidModel
from veilleur.detect.conversation.target_model import TARGET_FEATURES, TargetModel
from veilleur.detect.conversation.trainers import writers
from veilleur.errors import InputError, run_command


def _ranker() -> TargetModel:
    n = len(TARGET_FEATURES)
    return TargetModel(Linear(np.zeros(n), np.ones(n), np.zeros(n), 0.5), meta={"C": 0.03})


@pytest.mark.parametrize("content", [b"", b"garbage", b"PK\x03\x04 cut"])
def test_a_bad_model_file_is_one_error_naming_it(tmp_path: Path, content: bytes, caplog: Any) -> None:
    f = tmp_path / "target_model.npz"
    f.write_bytes(content)
    with pytest.raises(InputError) as e:
        TargetModel.read(f)
    assert str(e.value).startswith(f"{f}: not a readable TargetModel") and "\n" not in str(e.value)
    with caplog.at_level(logging.WARNING):
        assert TargetModel.load(f) is None  # the pass runs without it, and says so
    assert str(f) in caplog.text


def test_a_model_of_other_features_is_refused_by_name(tmp_path: Path, caplog: Any) -> None:
    f = tmp_path / "raid_model.npz"
    n = len(FEATURES)
    RaidModel(Linear(np.zeros(n), np.ones(n), np.zeros(n), 0.0)).save(f)
    with pytest.raises(InputError, match="trained on other features"):
        TargetModel.read(f)
    with caplog.at_level(logging.WARNING):
        assert TargetModel.load(f) is None
    assert "raid_model.npz" in caplog.text
    assert TargetModel.load(tmp_path / "missing.npz") is None  # absent: no model, quietly


def test_saved_whole_and_read_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _ranker().save(out / "t.npz")
    assert TargetModel.read(out / "t.npz").meta == {"C": 0.03}
    assert [p.name for p in out.iterdir()] == ["t.npz"]


def test_writers_read_each_writer_with_its_own_context_model(tmp_path: Path) -> None:
    shipped = load_model()
    if shipped is None:
        pytest.skip("no context model (encoder wheel missing)")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    shipped.save(ctx / "w2.npz")
    folds = {"w3": shipped}
    dirs = [tmp_path / "w1", tmp_path / "w2" / "chats", tmp_path / "w3"]
    got = [(w, d, m) for w, d, m in writers(dirs, ctx, shipped, folds)]
    assert [w for w, _, _ in got] == ["w1", "w2", "w3"]
    assert got[0][2] is shipped and got[2][2] is shipped
    assert isinstance(got[1][2], ContextModel) and got[1][2] is not shipped
    (ctx / "w1.npz").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"w1\.npz: not a readable context model"):
        list(writers(dirs, ctx, shipped))


@pytest.mark.parametrize("trainer", [train_raid.main, train_target.main])
def test_the_trainers_report_bad_input_in_one_line(
    trainer: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_command(lambda: trainer([str(tmp_path / "missing"), "--no-save"])) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing" in err and len(err.strip().splitlines()) == 1
    if load_model() is None:
        return
    (tmp_path / "w1").mkdir()
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "w1.npz").write_bytes(b"")
    findings = tmp_path / "findings.json"
    findings.write_text("{}", encoding="utf-8")
    argv = [str(tmp_path / "w1"), "--findings", str(findings), "--context-models", str(tmp_path / "ctx")]
    assert run_command(lambda: trainer([*argv, "--no-save"])) == 2
    err = capsys.readouterr().err
    assert "w1.npz: not a readable context model" in err and len(err.strip().splitlines()) == 1
