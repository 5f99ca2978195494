"""The addressee ranker (conversation/addressing.py): answers without any name, reply or "tu"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.addressing import (
    FEATURES,
    AddresseeModel,
    candidates_and_features,
    load_addressee_model,
)
from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.evaluate import evaluate

DATA = Path(__file__).resolve().parents[2] / "data" / "conversations"


def rules_only() -> Settings:
    return Settings(addressee_model=None)


def test_the_shipped_ranker_loads_and_round_trips(tmp_path: Path) -> None:
    m = load_addressee_model()
    assert m is not None and 0.2 <= m.threshold <= 0.8
    assert len(m.lin.w) == len(FEATURES)
    out = tmp_path / "a.npz"
    m.save(out)
    again = AddresseeModel.load(out)
    assert np.allclose(again.lin.w, m.lin.w) and again.threshold == m.threshold


def test_a_ranker_with_other_features_is_refused(tmp_path: Path) -> None:
    m = load_addressee_model()
    assert m is not None
    out = tmp_path / "a.npz"
    m.save(out)
    import json

    with np.load(out) as z:
        arrays = {k: z[k] for k in z.files}
    header = json.loads(str(arrays.pop("header")))
    header["features"] = header["features"][:-1]
    np.savez(out, header=np.array(json.dumps(header)), **arrays)
    with pytest.raises(ValueError, match="other features"):
        AddresseeModel.load(out)


def test_a_short_answer_speaks_to_who_asked() -> None:
    ctx, msgs = chat(
        [
            ("tom", "qui vient au match samedi ?"),
            ("kenza", "moi !"),
            ("yanis", "moi aussi jramene mon frere"),
        ]
    )
    ruled = analyse(ctx, [], rules_only())
    assert ruled.turns[msgs[1].uid].addressees == []  # the rules see no name, reply nor "tu"
    res = analyse(ctx, [], Settings())
    assert res.turns[msgs[1].uid].addressees == [uid("tom")]
    assert res.turns[msgs[1].uid].to == []  # `to` stays the rules' (the hostility rules read it)


def test_explicit_links_are_kept_and_announcements_speak_to_the_group() -> None:
    ctx, msgs = chat(
        [
            ("lea", "rappel: sortie au musee jeudi, rdv 8h devant le lycee", {"minutes": 0}),
            ("ines", "@sarah tu ramenes ton appareil photo ?", {"minutes": 1}),
            ("sarah", "oui", {"reply": 1, "minutes": 2}),
        ]
    )
    res = analyse(ctx, [], Settings())
    assert res.turns[msgs[0].uid].addressees == []
    assert res.turns[msgs[1].uid].addressees == [uid("sarah")]
    assert res.turns[msgs[2].uid].addressees == [uid("ines")]


def test_candidates_are_recent_other_authors_most_recent_first() -> None:
    ctx, msgs = chat([("tom", "on fait quoi"), ("kenza", "jsp"), ("tom", "cine ?"), ("lea", "ok")])
    res = analyse(ctx, [], rules_only())
    t = res.turns[msgs[3].uid]
    from veilleur.detect.conversation.addressing import _Msg

    recent = [
        _Msg(r.author, r.m.created_at, "?" in r.m.text, r.reaction, False, r.addressees, r.about)
        for r in (res.turns[m.uid] for m in msgs[:3])
    ]
    cands, X = candidates_and_features(t, recent, "ok")
    assert cands == [uid("tom"), uid("kenza")]
    assert X.shape == (2, len(FEATURES))
    assert X[0, FEATURES.index("rank1")] == 1.0 and X[0, FEATURES.index("cand_question")] == 1.0


def test_the_ranker_improves_addressees_on_a_training_writer() -> None:
    files = sorted((DATA / "train" / "chatw1").glob("*.json"))[:4]
    rules = evaluate(files, None, Settings(addressee_model=None)).to_dict()
    ranked = evaluate(files, None, Settings()).to_dict()
    assert ranked["addressee_exact"] > rules["addressee_exact"]
    assert "ranker" in ranked["addressee_by_rule"]
