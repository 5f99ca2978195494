"""Session 14 (issue 12): the learned raid check (``raid_model.py``) — one row per raid the rules accept, a logistic
model over what surrounds it, a veto under ``Settings.raid_veto``; the rules decide above it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _episode, _raid_check
from veilleur.detect.conversation.model import Linear
from veilleur.detect.conversation.raid_model import FEATURES, RaidModel, episode_features, load_raid_model


def _st(**kw: Any) -> Settings:
    """The learned-model path with a stand-in model, every author kept as a raider (no attacker probabilities)."""
    return Settings(addressee_model=None, model=object(), raider_min=0.0, join_min=0.0, **kw)


def _pile_on(laughs: bool = False) -> tuple[list[Turn], list[Turn]]:
    """Yanis, Sarah and Inès mock Léa, who asks them to stop; Kenza defends her (``laughs``: Léa laughs along and
    nobody defends her)."""
    rows = [
        ("yanis", "lea t'es vraiment une boloss"),
        ("sarah", "lea ta tête de cheval 😂"),
        ("lea", "mdr 😂" if laughs else "arrêtez svp"),
        ("ines", "lea personne t'aime"),
        ("kenza", "on mange où ce soir" if laughs else "laissez-la tranquille"),
        ("yanis", "lea dégage du groupe"),
    ]
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    hostile = []
    for k in (0, 1, 3, 5):
        t = ts[k]
        t.hostile, t.score, t.targets, t.to = "finding", 0.9, [uid("lea")], [uid("lea")]
        t.how[uid("lea")] = "name+tu"
        t.p_h = t.p_r = t.p_a = 0.9
        hostile.append(t)
    if not laughs:
        ts[2].distress = True
        ts[4].stance, ts[4].about = "defend", [uid("lea")]
    return ts, hostile


def _model(b: float) -> RaidModel:
    n = len(FEATURES)
    return RaidModel(Linear(np.zeros(n), np.ones(n), np.zeros(n), b))


def test_features_of_a_raid() -> None:
    ts, hostile = _pile_on()
    ep = _episode("c", uid("lea"), hostile, ts, _st())
    assert ep is not None
    row = dict(zip(FEATURES, episode_features(ep, ts), strict=True))
    assert row["authors"] == np.log1p(3) and row["hits"] == np.log1p(4)
    assert row["share_at_target"] == 1.0 and row["guessed"] == 0.0 and row["finding"] == 1.0
    assert row["target_hurt"] == 1.0 and row["defences"] > 0 and row["target_hostile"] == 0.0


def test_the_check_vetoes_only_under_its_threshold() -> None:
    ts, hostile = _pile_on()
    ep = _episode("c", uid("lea"), hostile, ts, _st())
    assert ep is not None
    assert _raid_check("c", [ep], ts, _st(raid_model=_model(-5.0))) == []  # p 0.007 < 0.35
    assert _raid_check("c", [ep], ts, _st(raid_model=_model(5.0))) == [ep]
    assert _raid_check("c", [ep], ts, _st(raid_model=_model(-5.0), raid_veto=0.0)) == [ep]
    assert _raid_check("c", [ep], ts, _st(raid_model=None)) == [ep]


def test_the_shipped_check_needs_a_real_context_model() -> None:
    ts, hostile = _pile_on()
    ep = _episode("c", uid("lea"), hostile, ts, _st())
    assert ep is not None
    capture: list[Any] = []
    assert _raid_check("c", [ep], ts, _st(raid_capture=capture)) == [ep]  # a stand-in model: no check
    (cu, target, raiders, row, kind) = capture[0]
    assert (cu, target, kind, len(row)) == ("c", uid("lea"), "accepted", len(FEATURES))
    assert set(raiders) == {uid("yanis"), uid("sarah"), uid("ines")}


def test_rejected_candidates_are_captured_for_training() -> None:
    ts, hostile = _pile_on(laughs=True)  # banter: Léa laughs along in every turn and nobody defends her
    capture: list[Any] = []
    assert _episode("c", uid("lea"), hostile, ts, _st(raid_capture=capture)) is None
    assert [c[4] for c in capture] == ["rejected"]


def test_model_file_round_trip(tmp_path: Path) -> None:
    m = _model(1.0)
    m.meta["veto"] = 0.2
    m.save(tmp_path / "r.npz")
    back = RaidModel.load(tmp_path / "r.npz")
    assert back is not None and back.meta["veto"] == 0.2
    assert np.allclose(back.proba(np.zeros((1, len(FEATURES)))), m.proba(np.zeros((1, len(FEATURES)))))
    assert RaidModel.load(tmp_path / "missing.npz") is None


def test_the_shipped_check_is_present_and_on() -> None:
    shipped = load_raid_model()
    assert shipped is not None and shipped.features == FEATURES
    assert (
        Settings().raid_model == "shipped" and Settings().raid_veto == 0.35
    )  # session 14b (0.2 in session 14)
