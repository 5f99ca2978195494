"""Quality floors on the team-written held-out set (never used for training). Measured values in docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilleur.detect.text_harm.corpus import expand, load_templates
from veilleur.detect.text_harm.evaluate import evaluate_file, read_labelled
from veilleur.detect.text_harm.normalize import normalize

HELDOUT = Path(__file__).parents[1] / "data" / "text_harm_heldout.jsonl"


def test_heldout_never_in_training_corpus() -> None:
    train = {normalize(e.text).text for e in expand(load_templates())}
    leaked = [r.text for r in read_labelled(HELDOUT) if normalize(r.text).text in train]
    assert not leaked


@pytest.fixture(scope="module")
def metrics() -> dict:
    return evaluate_file(HELDOUT)


def test_heldout_macro_f1_and_recall(metrics: dict) -> None:
    # measured 0.902 macro-F1, any-harm P 0.938 / R 0.909 (docs/text_harm.md); floors keep a margin
    assert metrics["macro"]["f1"] >= 0.80
    assert metrics["any_harm"]["recall"] >= 0.80
    assert metrics["any_harm"]["precision"] >= 0.85


def test_clinical_talk_is_not_flagged(metrics: dict) -> None:
    cm = metrics["clinical_vs_harmful"]["clinical"]
    assert cm["flagged"] <= 3, metrics["errors"]


def test_every_harm_category_found_somewhere(metrics: dict) -> None:
    for cat, d in metrics["per_category"].items():
        if d["support"] >= 4:
            assert d["recall"] >= 0.5, (cat, d)


DEMO = Path(__file__).parents[2] / "demo"


@pytest.mark.skipif(not (DEMO / "labels.jsonl").exists(), reason="demo corpus not built")
def test_demo_corpus_figures() -> None:
    """The demo is never trained on; floors under the measured figures (any-harm R 0.32, FP rate 0.015)."""
    import json

    from veilleur.detect.raid import detect_raids
    from veilleur.detect.text_harm.detector import TextHarmDetector
    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter

    labels = {}
    for line in (DEMO / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = set(d.get("categories", []))
    msgs = [m for m in FacebookAdapter().read(SourceTree.open(DEMO / "facebook-export"), ImportOptions())
            if m.message_id in labels]
    findings = TextHarmDetector().detect(msgs)
    flagged = {f.message_uid for f in findings}
    harmful = {m.uid for m in msgs if labels[m.message_id] - {"patient_identifiable_text", "patient_photo",
                                                              "dicom_phi", "exif_location", "text_in_image", "raid"}}
    assert len(flagged & harmful) / max(len(harmful), 1) >= 0.2
    assert len(flagged - harmful) / max(len(msgs) - len(harmful), 1) <= 0.05
    raids = detect_raids(msgs, findings)
    gold_raid = {m.uid for m in msgs if "raid" in labels[m.message_id]}
    if gold_raid:
        assert raids and {f.message_uid for f in raids} <= gold_raid | harmful
