"""Session 15 (issue 12): the learned aim ranker (``target_model.py``) — one row per member hostility is aimed at or
said about; where the rules accept no raid, the member it ranks first gets a proposed raid that the raid check keeps
only at ``Settings.proposal_veto`` or more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.detect.conversation.helpers import chat, uid
from tests.detect.conversation.test_session14 import _model, _pile_on
from veilleur.detect.conversation.analyse import Settings, _propose, _raid_check
from veilleur.detect.conversation.model import Linear
from veilleur.detect.conversation.target_model import (
    TARGET_FEATURES,
    TargetModel,
    candidates,
    load_target_model,
    target_rows,
)


def _ranker(b: float) -> TargetModel:
    n = len(TARGET_FEATURES)
    return TargetModel(Linear(np.zeros(n), np.ones(n), np.zeros(n), b))


def _st(**kw: Any) -> Settings:
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


def _ctx() -> Any:
    ctx, _ = chat([("lea", "x")])
    return ctx


CU = _pile_on()[0][0].m.community_uid


def test_rows_of_the_person_piled_on() -> None:
    ts, _ = _pile_on()
    cands = candidates(ts, [uid(m) for m in ("lea", "ines", "sarah", "kenza", "tom", "yanis")])
    assert cands == [uid("lea")]
    row = dict(zip(TARGET_FEATURES, target_rows(ts, cands, None, set())[0], strict=True))
    assert row["hits"] == np.log1p(4) and row["authors"] == np.log1p(3) and row["share"] == 1.0
    assert row["explicit"] == 1.0 and row["hurt"] == 1.0 and row["hits_back"] == 0.0 and row["top"] == 1.0
    assert row["rules_main"] == 0.0 and row["defended"] > 0


def test_a_proposal_where_the_rules_found_none() -> None:
    ts, _ = _pile_on()
    st = _st(raid_model=_model(0.0), target_model=_ranker(5.0))
    out = _propose(_ctx(), CU, [], ts, st)
    assert len(out) == 1 and out[0].proposed and out[0].target == uid("lea")
    assert set(out[0].raiders) == {uid("yanis"), uid("sarah"), uid("ines")}
    # under target_propose, without the raid check, or with the ranker off: no proposal
    assert _propose(_ctx(), CU, [], ts, _st(raid_model=_model(0.0), target_model=_ranker(-5.0))) == []
    assert _propose(_ctx(), CU, [], ts, _st(raid_model=None, target_model=_ranker(5.0))) == []
    assert _propose(_ctx(), CU, [], ts, _st(raid_model=_model(0.0), target_model=None)) == []
    # the raid check off (raid_veto 0), or the shipped check with a stand-in context model (the check reads
    # nothing): a proposal would go unjudged, so none is made
    assert (
        _propose(_ctx(), CU, [], ts, _st(raid_model=_model(0.0), raid_veto=0.0, target_model=_ranker(5.0)))
        == []
    )
    assert _propose(_ctx(), CU, [], ts, _st(raid_model="shipped", target_model=_ranker(5.0))) == []


def test_the_rules_raid_is_kept_and_rows_captured() -> None:
    ts, _ = _pile_on()
    first = _propose(_ctx(), CU, [], ts, _st(raid_model=_model(0.0), target_model=_ranker(5.0)))
    capture: list[Any] = []
    st = _st(raid_model=_model(0.0), target_model=_ranker(5.0), target_capture=capture)
    assert _propose(_ctx(), CU, first, ts, st) == first  # a raid already there: nothing proposed
    (cu, member, row, main) = capture[0]
    assert (cu, member, main, len(row)) == (CU, uid("lea"), uid("lea"), len(TARGET_FEATURES))


def test_a_proposal_needs_the_higher_veto() -> None:
    ts, _ = _pile_on()
    st = _st(raid_model=_model(0.0), target_model=_ranker(5.0))
    (ep,) = _propose(_ctx(), CU, [], ts, st)
    # the check reads p 0.5: enough for the rules' raids (0.35), not for a proposal (0.75)
    assert _raid_check(CU, [ep], ts, st) == []
    ep.proposed = False
    assert _raid_check(CU, [ep], ts, st) == [ep]
    ep.proposed = True
    assert _raid_check(CU, [ep], ts, _st(raid_model=_model(2.0), target_model=_ranker(5.0))) == [ep]


def test_model_file_round_trip_and_the_shipped_ranker(tmp_path: Path) -> None:
    m = _ranker(1.0)
    m.meta["C"] = 0.03
    m.save(tmp_path / "t.npz")
    back = TargetModel.load(tmp_path / "t.npz")
    assert back is not None and back.meta["C"] == 0.03
    assert np.allclose(back.proba(np.zeros((1, len(TARGET_FEATURES)))), 1 / (1 + np.exp(-1.0)))
    assert TargetModel.load(tmp_path / "missing.npz") is None
    shipped = load_target_model()
    assert shipped is not None and shipped.features == TARGET_FEATURES
    s = Settings()
    assert (s.target_model, s.target_propose, s.proposal_veto) == ("shipped", 0.4, 0.75)
    assert (s.proposal_raider_min, s.proposal_min_strength) == (0.4, 1.0)


def test_the_trainer_cli_reports_bad_input_in_one_line(tmp_path: Path, capsys: Any) -> None:
    from veilleur.detect.conversation.train_target import _cli

    assert _cli([str(tmp_path / "missing"), "--no-save"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing" in err and "Traceback" not in err
    (tmp_path / "w1").mkdir()
    assert _cli([str(tmp_path / "w1"), "--findings", str(tmp_path / "nope.json"), "--no-save"]) == 2
    assert "nope.json" in capsys.readouterr().err
