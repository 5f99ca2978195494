"""The evaluator: metrics computed by hand on small files, input errors, and the CLI command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from veilleur.detect.text_harm.detector import Analysis, load_policy, thresholds_from_policy
from veilleur.detect.text_harm.evaluate import compute_metrics, evaluate_file, read_labelled
from veilleur.errors import InputError


def test_compute_metrics_by_hand() -> None:
    fs = frozenset
    gold = [fs({"insult"}), fs({"insult", "threat"}), fs(), fs(), fs({"threat"})]
    pred = [fs({"insult"}), fs({"insult"}), fs({"insult"}), fs(), fs({"threat"})]
    m = compute_metrics(
        gold, pred, ["insult", "threat"], ["a", "a", "b", "b", None], [False, False, True, False, False]
    )
    # insult: tp 2 (rows 0,1), fp 1 (row 2), fn 0 -> P 2/3, R 1, F1 0.8
    assert m["per_category"]["insult"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["per_category"]["insult"]["recall"] == 1.0
    assert m["per_category"]["insult"]["f1"] == pytest.approx(0.8)
    # threat: tp 1 (row 4), fn 1 (row 1) -> P 1, R 0.5, F1 2/3
    assert m["per_category"]["threat"]["recall"] == 0.5
    assert m["per_category"]["threat"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["macro"]["f1"] == pytest.approx((0.8 + 2 / 3) / 2, abs=1e-4)
    # micro: tp 3, fp 1, fn 1
    assert m["micro"]["precision"] == 0.75 and m["micro"]["recall"] == 0.75
    # functionality: a -> both harmful & flagged (2/2); b -> row 2 wrong, row 3 right (1/2)
    assert m["per_functionality"]["a"]["accuracy"] == 1.0
    assert m["per_functionality"]["b"]["accuracy"] == 0.5
    cm = m["clinical_vs_harmful"]
    assert cm["clinical"] == {"flagged": 1, "not_flagged": 0}
    assert cm["other_benign"] == {"flagged": 0, "not_flagged": 1}
    assert cm["harmful"] == {"flagged": 3, "not_flagged": 0}


class StubAnalyzer:
    """Flags whatever the text says it is (``flag:insult``): tests the evaluator without the model."""

    def __init__(self) -> None:
        self.policy = load_policy()
        self.thresholds = thresholds_from_policy(self.policy)

    def analyze(self, texts: list[str]) -> list[Analysis]:
        out = []
        for t in texts:
            cats = [w.split(":", 1)[1] for w in t.split() if w.startswith("flag:")]
            out.append(Analysis(text=t, lang="fr", scores={c: 0.9 for c in cats}))
        return out


def test_evaluate_file_csv_with_stub(tmp_path: Path) -> None:
    f = tmp_path / "eval.csv"
    f.write_text(
        "text,labels,functionality\n"
        "a flag:insult,insult,direct\n"
        "b flag:insult,,clinical_body\n"
        "c,threat;insult,direct\n"
        "d flag:threat,threat,direct\n",
        encoding="utf-8",
    )
    m = evaluate_file(f, StubAnalyzer())
    assert m["per_category"]["insult"] == {
        "tp": 1,
        "fp": 1,
        "fn": 1,
        "support": 2,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }
    assert m["per_category"]["threat"]["recall"] == 0.5
    assert m["clinical_vs_harmful"]["clinical"]["flagged"] == 1
    assert m["per_functionality"]["direct"]["accuracy"] == pytest.approx(2 / 3, abs=1e-4)


def test_labels_outside_the_detector_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "e.jsonl"
    f.write_text(json.dumps({"text": "x", "labels": ["raid", "insult"]}) + "\n", encoding="utf-8")
    m = evaluate_file(f, StubAnalyzer())
    assert m["ignored_labels"] == ["raid"]


@pytest.mark.parametrize(
    ("content", "suffix", "problem"),
    [
        ('{"text": "a", "labels": []}\n{broken\n', ".jsonl", "line 2"),
        ('{"labels": []}\n', ".jsonl", "no text"),
        ("text,labels\n", ".csv", "no labelled rows"),
        ("whatever", ".txt", "unknown format"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, content: str, suffix: str, problem: str) -> None:
    f = tmp_path / f"bad{suffix}"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_labelled(f)
    assert problem in str(exc.value) and str(f) in str(exc.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_labelled(tmp_path / "nope.jsonl")


def _cli(args: list[str]) -> Any:
    from veilleur.cli import app

    return CliRunner().invoke(app, args)


def test_cli_eval_json_and_text(tmp_path: Path) -> None:
    f = tmp_path / "small.jsonl"
    rows = [
        {"text": "le Dr Martin est un connard", "labels": ["insult"], "functionality": "insult"},
        {"text": "patiente obèse, IMC 42", "labels": [], "functionality": "clinical_body"},
        {"text": "merci pour la garde", "labels": "", "functionality": "neutral"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = _cli(["eval", "text-harm", str(f), "--json"])
    assert res.exit_code == 0, res.output
    m = json.loads(res.output)
    assert m["n"] == 3
    assert m["per_category"]["insult"]["support"] == 1
    assert sum(m["clinical_vs_harmful"]["clinical"].values()) == 1
    res = _cli(["eval", "text-harm", str(f)])
    assert res.exit_code == 0 and "insult" in res.output and "Confusion" in res.output


def test_cli_check_json() -> None:
    res = _cli(["text-harm", "check", "quel connard ce chef", "patiente obèse, IMC 42", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert "insult" in out[0]["flagged"] and out[0]["spans"][0]["text"] == "connard"
    assert out[1]["flagged"] == [] and out[1]["lang"] == "fr"


def test_cli_eval_bad_file_is_one_line(tmp_path: Path) -> None:
    from veilleur.errors import VeilleurError

    f = tmp_path / "bad.jsonl"
    f.write_text("{not json\n", encoding="utf-8")
    res = _cli(["eval", "text-harm", str(f)])
    assert res.exit_code != 0
    assert isinstance(res.exception, VeilleurError) and "line 1" in str(res.exception)


def test_per_phenomenon_and_per_ground_by_hand(tmp_path: Path) -> None:
    f = tmp_path / "g.jsonl"
    rows = [
        {"text": "a flag:insult", "labels": ["insult"], "phenomenon": "slur", "ground": "religion"},
        {"text": "b", "labels": ["insult"], "phenomenon": "slur", "ground": "religion"},
        {"text": "c flag:insult", "labels": [], "phenomenon": "counter", "ground": "age"},
        {"text": "d", "labels": [], "phenomenon": "counter", "ground": "age"},
        {"text": "e", "labels": []},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    m = evaluate_file(f, StubAnalyzer())
    assert m["columns"] == {
        "phenomenon": True,
        "ground": True,
        "clinical": False,
        "lang": False,
        "register": False,
    }
    assert "per_lang" not in m and "per_register" not in m
    rel = m["per_ground"]["religion"]
    assert (rel["n"], rel["harmful"], rel["found"], rel["accuracy"]) == (2, 2, 1, 0.5)
    age = m["per_ground"]["age"]
    assert (age["benign"], age["false_alarms"], age["accuracy"]) == (2, 1, 0.5)
    assert m["per_ground"]["(none)"]["n"] == 1
    assert m["per_phenomenon"]["counter"]["false_alarms"] == 1
    from veilleur.detect.text_harm.evaluate import format_report

    out = format_report(m)
    assert "motif (nuisible oui/non)" in out and "phénomène (nuisible oui/non)" in out
    assert "Colonnes lues : phenomenon, ground" in out


def test_without_ground_column_no_ground_table(tmp_path: Path) -> None:
    f = tmp_path / "n.jsonl"
    f.write_text(json.dumps({"text": "x", "labels": []}) + "\n", encoding="utf-8")
    m = evaluate_file(f, StubAnalyzer())
    assert "per_ground" not in m and "per_phenomenon" not in m
    assert m["columns"]["ground"] is False


def test_public_heldout_read_in_place(tmp_path: Path) -> None:
    from veilleur.detect.text_harm.evaluate import evaluate_public, public_heldout_rows
    from veilleur.detect.text_harm.semantic_corpus import is_heldout

    root = tmp_path / "shared"
    (root / "ftr-racism-fr").mkdir(parents=True)
    texts = [
        f"message numéro {i} flag:discrimination:origin_race" if i % 2 else f"message numéro {i}"
        for i in range(200)
    ]
    lines = ["text,label"] + [f"{t},{i % 2}" for i, t in enumerate(texts)]
    (root / "ftr-racism-fr" / "ftr_racism_fr.csv").write_text("\n".join(lines), encoding="utf-8")
    rows = public_heldout_rows(root)
    assert list(rows) == ["ftr"]
    assert len(rows["ftr"]) == sum(is_heldout(t) for t in texts) > 0
    m = evaluate_public(root, StubAnalyzer())["ftr"]
    # the stub flags exactly the texts labelled hateful: perfect scores on the held-out part only
    assert m["n"] == len(rows["ftr"]) and m["any_harm"]["precision"] == 1.0 and m["any_harm"]["recall"] == 1.0
    with pytest.raises(InputError):
        evaluate_public(tmp_path / "nothing", StubAnalyzer())


def test_cli_public_needs_data_or_file(tmp_path: Path) -> None:
    from veilleur.cli import app

    r = CliRunner().invoke(
        app, ["eval", "text-harm", "--public", "--shared-data", str(tmp_path), "--fast-only"]
    )
    assert r.exit_code != 0 and isinstance(
        r.exception, InputError
    )  # printed as one line by veilleur.cli.main
    assert "no public data set" in str(r.exception)
    r = CliRunner().invoke(app, ["eval", "text-harm"])
    assert r.exit_code == 2


def test_per_language_and_register_by_hand(tmp_path: Path) -> None:
    f = tmp_path / "l.jsonl"
    rows = [
        {"text": "a flag:insult", "labels": ["insult"], "lang": "FR", "register": "teen_sms"},
        {"text": "b", "labels": ["insult"], "lang": "fr", "register": "teen_sms"},
        {"text": "c flag:insult", "labels": [], "language": "en", "register": "formal"},
        {"text": "d", "labels": [], "lang": "en"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    m = evaluate_file(f, StubAnalyzer())
    assert m["columns"]["lang"] and m["columns"]["register"]
    fr, en = m["per_lang"]["fr"], m["per_lang"]["en"]
    assert (fr["n"], fr["harmful"], fr["found"]) == (2, 2, 1)
    assert (en["n"], en["benign"], en["false_alarms"]) == (2, 2, 1)
    assert m["per_register"]["teen_sms"]["found"] == 1 and m["per_register"]["(none)"]["n"] == 1
    from veilleur.detect.text_harm.evaluate import format_report

    out = format_report(m)
    assert "langue (nuisible oui/non)" in out and "registre (nuisible oui/non)" in out
