"""Révision 18c (s15-cat): the category layer re-names the categories of messages the cascade flagged; it never
changes which messages are flagged. Lines written for this test."""

from __future__ import annotations

import json

import numpy as np
import pytest

from veilleur.detect.text_harm.category_layer import CategoryLayer, load_category_layer, read_category_layer
from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer
from veilleur.detect.text_harm.train_category_layer import _score, choose_bars

CATS = ("insult", "discrimination:sexual_orientation", "discrimination:sex_gender")
SO, SG = CATS[1], CATS[2]


def _layer(drop: dict[str, float], add: dict[str, float]) -> CategoryLayer:
    n = 2**16 + 2**15
    return CategoryLayer(
        CATS, np.ones(n, np.float32), np.zeros((3, n), np.float32), np.zeros(3, np.float32), drop, add
    )


def test_name_drops_adds_and_keeps_one() -> None:
    layer = _layer({SO: 0.2, "insult": 0.2}, {SG: 0.8})
    p = {"insult": 0.1, SO: 0.1, SG: 0.9}
    # a group ground under its bar is dropped; a person-directed category (insult) never is
    assert layer.name(["insult", SO], p) == ({SO}, {SG})
    # every flagged category under its bar and nothing added: the one the layer rates highest stays
    p = {"insult": 0.1, SO: 0.15, SG: 0.3}
    assert layer.name([SO], p) == (set(), set())
    assert _layer({SO: 0.2, SG: 0.2}, {}).name([SO, SG], {"insult": 0.0, SO: 0.1, SG: 0.15}) == ({SO}, set())
    # a category without bars is left as the cascade named it
    assert _layer({}, {}).name(["insult"], {c: 0.0 for c in CATS}) == (set(), set())


def test_save_and_read(tmp_path) -> None:
    layer = _layer({SO: 0.1}, {"insult": 0.9})
    layer.save(str(tmp_path / "l.npz"))
    back = read_category_layer(tmp_path / "l.npz")
    assert back.categories == CATS and back.drop == {SO: 0.1} and back.add == {"insult": 0.9}
    assert back.predict(["t'es nul"]).shape == (1, 3)


class _Fixed:
    categories = CATS
    drop = {SO: 0.6}
    add = {SG: 0.8}
    name = CategoryLayer.name

    def predict(self, texts):
        return np.tile(np.array([0.1, 0.5, 0.9], np.float32), (len(texts), 1))


def test_the_hook_renames_flagged_messages_only() -> None:
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {c: 0.5 for c in CATS}
    an.category_layer = _Fixed()
    flagged = Analysis(text="x", lang="fr", scores={"insult": 0.8, SO: 0.7, SG: 0.3})
    plain = Analysis(text="y", lang="fr", scores={"insult": 0.3, SO: 0.2, SG: 0.3})
    an._category_layer_names([flagged, plain])
    assert set(flagged.flagged(an.thresholds)) == {"insult", SG}
    assert flagged.tiers["category_layer"] == {SG: 0.9, SO: 0.5}
    assert plain.flagged(an.thresholds) == {} and "category_layer" not in plain.tiers


def test_bars_are_chosen_per_category_on_the_cascades_outputs() -> None:
    rows = [(True, False, True, 0.9), (False, True, True, 0.05), (True, True, True, 0.6)]
    assert _score(rows, 0.0, 2.0)[1:] == (1, 1, 1)
    assert _score(rows, 0.1, 0.8)[1:] == (2, 0, 0)
    recs = [{"gold": [SG], "pred": [SO]}, {"gold": [SO], "pred": [SO]}, {"gold": [SG], "pred": [SO]}]
    probs = [{SG: 0.9, SO: 0.01}, {SG: 0.1, SO: 0.9}, {SG: 0.95, SO: 0.01}]
    drop, add, _ = choose_bars(recs, probs)
    assert add.get(SG, 2.0) <= 0.9 and drop.get(SO, 0.0) > 0.01


def test_the_shipped_layer_loads() -> None:
    layer = load_category_layer()
    assert layer is not None and set(layer.drop) | set(layer.add) <= set(layer.categories)
    p = layer.predict(["les femmes sont toutes des idiotes incapables", "ta gueule sale con"])
    i = layer.categories.index("discrimination:sex_gender")
    assert p[0, i] > p[1, i]


def test_the_trainer_reports_bad_input_in_one_line(tmp_path, capsys) -> None:
    from veilleur.detect.text_harm.train_category_layer import main

    for argv in ([str(tmp_path / "missing")], [str(tmp_path), "--dumps", str(tmp_path / "nope.jsonl")]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2 and "no such file" in capsys.readouterr().err
    (tmp_path / "writer1.jsonl").write_text(
        json.dumps({"id": "w1_0001", "text": "t'es nul", "labels": ["insult"]}), encoding="utf-8"
    )
    with pytest.raises(SystemExit) as e:  # one file: no writer-grouped folds
        main([str(tmp_path)])
    assert e.value.code == 2 and "--folds 8" in capsys.readouterr().err


def test_flagged_harmless_lines_of_a_writer_without_a_fold_get_no_probabilities(tmp_path) -> None:
    """A dumped, flagged line of a file with no harmful line is scored by no fold model: it has no out-of-fold
    probabilities (it keeps the cascade's naming), not zeros."""
    from veilleur.detect.text_harm.train_category_layer import main

    team = tmp_path / "team"
    team.mkdir()
    for w, text, labels in [
        ("writer1", "t'es nul", ["insult"]),
        ("writer2", "les femmes au foyer", [SG]),
        ("writer3", "bonne journée", []),
    ]:
        rows = [{"id": f"{w}_{i:04d}", "text": f"{text} {i}", "labels": labels} for i in range(1, 5)]
        (team / f"{w}.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        json.dumps({"file": "writer3", "id": "writer3_0001", "gold": [], "pred": ["insult"]}),
        encoding="utf-8",
    )
    oof = tmp_path / "oof.jsonl"
    main([str(team), "--dumps", str(dump), "--folds", "2", "--oof", str(oof)])
    keys = {(r["file"], r["id"]) for r in map(json.loads, oof.read_text(encoding="utf-8").splitlines())}
    assert ("writer1", "writer1_0001") in keys and ("writer3", "writer3_0001") not in keys


def test_the_category_benchmark_reports_bad_specs_in_one_line(tmp_path, capsys) -> None:
    """``benchmarks/text_harm_categories.py``: a missing file or a part other than odd / even (a typo once read
    every id) is one error line and exit 2, before the cascade loads; ``:odd`` keeps the odd ids only."""
    from benchmarks.text_harm_categories import check_spec, main, read_spec

    f = tmp_path / "w.jsonl"
    f.write_text(
        "\n".join(json.dumps({"id": f"w_{i:04d}", "text": str(i)}) for i in range(1, 5)), encoding="utf-8"
    )
    assert check_spec(str(f)) is None and check_spec(f"{f}:odd") is None
    assert [r["id"] for r in read_spec(f"{f}:odd")[1]] == ["w_0001", "w_0003"]
    for argv in (["dump", str(tmp_path / "o.jsonl"), f"{f}:od"], ["report", str(tmp_path / "none.jsonl")]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
    err = capsys.readouterr().err
    assert "must be odd or even" in err and "none.jsonl: no such file" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_the_hook_never_unflags_even_with_a_category_the_scores_lack() -> None:
    """The layer drops the only flagged category because it adds one the cascade has no score for: the message
    stays flagged, under the added category (it was dropped from ``add`` and left with nothing)."""

    class _Extra(_Fixed):
        categories = (*CATS, "sexual")
        drop = {SO: 0.6}
        add = {"sexual": 0.8}

        def predict(self, texts):
            return np.tile(np.array([0.1, 0.5, 0.1, 0.9], np.float32), (len(texts), 1))

    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {c: 0.5 for c in (*CATS, "sexual")}
    an.category_layer = _Extra()
    a = Analysis(text="x", lang="fr", scores={"insult": 0.1, SO: 0.7, SG: 0.1})
    an._category_layer_names([a])
    assert set(a.flagged(an.thresholds)) == {"sexual"}
