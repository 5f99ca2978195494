"""Tier 2: a tiny randomly initialised BERT classifier built offline in a temp dir, mapped onto the taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from veilleur.detect.text_harm.detector import TextHarmAnalyzer, create  # noqa: E402
from veilleur.detect.text_harm.hf import HFClassifier  # noqa: E402
from veilleur.errors import InputError  # noqa: E402

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "le",
    "la",
    "patient",
    "est",
    "un",
    "connard",
    "gros",
    "merci",
    "garde",
    "the",
    "is",
    "idiot",
    "##s",
    "de",
]
LABELS = {0: "neutral", 1: "toxic", 2: "hate_race"}


def make_model(path: Path, multi_label: bool = False) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    vocab = path / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tok = BertTokenizer(str(vocab), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=3,
        id2label=LABELS,
        label2id={v: k for k, v in LABELS.items()},
        problem_type="multi_label_classification" if multi_label else "single_label_classification",
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    model.save_pretrained(str(path))
    tok.save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture
def label_map(tmp_path: Path) -> Path:
    f = tmp_path / "labels.yaml"
    f.write_text("neutral: null\ntoxic: insult\nhate_race: discrimination:origin_race\n", encoding="utf-8")
    return f


def test_softmax_scores_are_mapped(model_dir: Path, label_map: Path) -> None:
    clf = HFClassifier(model_dir, label_map)
    out = clf.predict(["le patient est un connard", "merci pour la garde", "the patient is an idiot"])
    assert len(out) == 3
    for scores in out:
        assert set(scores) == {"insult", "discrimination:origin_race"}
        assert all(0 <= v <= 1 for v in scores.values())
        assert sum(scores.values()) < 1.0  # softmax mass left on "neutral"
    # randomly initialised but deterministic: same text, same scores
    assert clf.predict(["le patient est un connard"])[0] == pytest.approx(out[0])


def test_multi_label_uses_sigmoid(tmp_path: Path, label_map: Path) -> None:
    clf = HFClassifier(make_model(tmp_path / "ml", multi_label=True), label_map)
    assert clf.multi_label
    (scores,) = clf.predict(["le gros patient"])
    assert all(0 < v < 1 for v in scores.values())


def test_combined_with_tier1(model_dir: Path, label_map: Path) -> None:
    hf = HFClassifier(model_dir, label_map)
    base = TextHarmAnalyzer().analyze(["merci pour la garde"])[0]
    both = TextHarmAnalyzer(hf=hf).analyze(["merci pour la garde"])[0]
    t2 = hf.predict(["merci pour la garde"])[0]
    assert "tier2" in both.tiers
    assert both.scores["insult"] == pytest.approx(max(base.scores["insult"], t2["insult"]))
    replaced = TextHarmAnalyzer(hf=hf, hf_combine="replace").analyze(["merci pour la garde"])[0]
    assert replaced.scores["insult"] == pytest.approx(t2["insult"])


def test_factory_reads_hf_options(
    model_dir: Path, label_map: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VEILLEUR_HOME", str(tmp_path))
    det = create(hf_model=str(model_dir), hf_labels=str(label_map))
    assert det.analyzer.hf is not None


def test_bad_mapping_and_dir(model_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("toxic: not_a_category\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown category"):
        HFClassifier(model_dir, bad)
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"offensive": "insult"}', encoding="utf-8")
    with pytest.raises(InputError, match="not in the model"):
        HFClassifier(model_dir, unknown)
    with pytest.raises(InputError, match="not found"):
        HFClassifier(tmp_path / "missing", None)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError):
        HFClassifier(empty, None)
