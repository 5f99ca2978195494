"""Review, session 16: the learned heads' files (threat, patient mockery, group hate, category layer) and their
trainers' inputs and outputs. A missing, empty, corrupt or mis-shaped file is one error naming it; a file is written
whole or not at all (a temporary file renamed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from veilleur.detect.text_harm.category_layer import CategoryLayer, load_category_layer, read_category_layer
from veilleur.detect.text_harm.threat_head import ThreatHead, load_threat_head, read_threat_head
from veilleur.detect.text_harm.train_category_layer import main as train_layer
from veilleur.errors import InputError, run_command
from veilleur.files import atomic_open


@pytest.mark.parametrize("content", [None, b"", b"not a zip archive at all", b"PK\x03\x04 cut short"])
@pytest.mark.parametrize("reader", [read_threat_head, read_category_layer])
def test_a_bad_head_file_is_one_error_naming_it(tmp_path: Path, content: bytes | None, reader) -> None:
    f = tmp_path / "head.npz"
    if content is not None:
        f.write_bytes(content)
    with pytest.raises(InputError) as e:
        reader(f)
    assert str(e.value).startswith(f"{f}: ") and "\n" not in str(e.value)


def test_a_head_of_other_arrays_is_refused(tmp_path: Path) -> None:
    head = load_threat_head()
    assert head is not None
    f = tmp_path / "small.npz"
    ThreatHead(head.idf[:10], head.coef[:12], head.intercept, head.threshold).save(f)
    with pytest.raises(InputError, match="small.npz: not a readable n-gram head"):
        read_threat_head(f)
    layer = load_category_layer()
    assert layer is not None
    f = tmp_path / "layer.npz"
    CategoryLayer(("insult", "thraet"), layer.idf, layer.coef[:2], layer.intercept[:2]).save(f)
    with pytest.raises(InputError, match=r"unknown categories \['thraet'\]"):
        read_category_layer(f)


def test_a_head_saved_and_read_back_is_the_same(tmp_path: Path) -> None:
    head = load_threat_head()
    assert head is not None
    f = tmp_path / "out" / "head.npz"
    f.parent.mkdir()
    head.save(f)
    again = read_threat_head(f)
    assert np.array_equal(again.coef, head.coef) and again.threshold == head.threshold
    assert [p.name for p in f.parent.iterdir()] == ["head.npz"]  # no temporary file left


def test_a_write_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    f = tmp_path / "out" / "oof.jsonl"
    f.parent.mkdir()
    f.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(f) as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert f.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in f.parent.iterdir()] == ["oof.jsonl"]


def test_train_category_layer_a_bad_dump_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    for w in ("writer1", "writer2"):
        (team / f"{w}.jsonl").write_text(
            json.dumps({"id": f"{w}_1", "text": "t'es con", "labels": ["insult"]}) + "\n", encoding="utf-8"
        )
    dump = tmp_path / "dump.jsonl"
    for content, says in (
        (b'{"file": "writer1", "id": "writer1_1"}\n', "line 1: no gold, pred"),
        (b"{not json\n", "line 1: invalid JSON"),
        ("é".encode("latin-1"), "not UTF-8 text"),
    ):
        dump.write_bytes(content)
        rc = run_command(lambda: train_layer([str(team), "--dumps", str(dump), "--folds", "2"]))
        err = capsys.readouterr().err.strip()
        assert rc == 2 and len(err.splitlines()) == 1
        assert err.startswith(f"error: {dump}: ") and says in err


@pytest.mark.parametrize("trainer", ["group", "patient", "threat", "layer"])
@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"id": "w_1", "text": "é"}'.encode("latin-1"), "not UTF-8 text"),
        (b'{"id": "w_1", "labels": []}\n', "line 1: no text"),
        (b'{"id": "w_1", "text": "ok"}\n{cut\n', "line 2: invalid JSON"),
    ],
)
def test_a_bad_team_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], trainer: str, content: bytes, says: str
) -> None:
    from veilleur.detect.text_harm import train_group_head, train_patient_head, train_threat_head

    team = tmp_path / "team"
    team.mkdir()
    good, bad = team / "writer1.jsonl", team / "writer2.jsonl"
    good.write_text(
        json.dumps({"id": "w1_1", "text": "t'es con", "labels": ["insult"]}) + "\n", encoding="utf-8"
    )
    bad.write_bytes(content)
    main = {
        "group": train_group_head.main,
        "patient": train_patient_head.main,
        "threat": train_threat_head.main,
        "layer": train_layer,
    }[trainer]
    argv = [str(team)] if trainer == "layer" else [str(good), str(bad), "--folds", "2"]
    assert run_command(lambda: main(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {bad}: ") and says in err


def test_a_bad_stance_head_file_is_one_error_naming_it(tmp_path: Path) -> None:
    from veilleur.detect.text_harm.stance import load_stance_head, read_stance_head

    assert load_stance_head() is not None
    f = tmp_path / "stance.npz"
    f.write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"stance\.npz: not a readable stance head"):
        read_stance_head(f)


def test_the_heads_trainers_write_their_out_of_fold_table(tmp_path: Path) -> None:
    from veilleur.detect.text_harm import train_group_head, train_patient_head

    files = []
    for w in ("writer1", "writer2"):
        f = tmp_path / f"{w}.jsonl"
        rows = [
            {"id": f"{w}_1", "text": "les migrants dehors", "labels": ["discrimination:origin_race"]},
            {"id": f"{w}_2", "text": "la grosse de la 12 a encore sonné", "labels": ["patient_mockery"]},
            {"id": f"{w}_3", "text": "merci pour le compte rendu", "labels": []},
        ]
        f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        files.append(str(f))
    for main in (train_group_head.main, train_patient_head.main):
        oof = tmp_path / "out" / "oof.jsonl"
        oof.parent.mkdir(exist_ok=True)
        main([*files, "--folds", "2", "--oof", str(oof)])
        got = [json.loads(x) for x in oof.read_text(encoding="utf-8").splitlines()]
        assert [(r["file"], r["id"]) for r in got] == [
            (w, f"{w}_{i}") for w in ("writer1", "writer2") for i in (1, 2, 3)
        ]
        assert all(0.0 <= r["p"] <= 1.0 for r in got)
        assert [p.name for p in oof.parent.iterdir()] == ["oof.jsonl"]
