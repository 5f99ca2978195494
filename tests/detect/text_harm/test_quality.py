"""Quality floors on the team-written held-out set (never used for training). Measured values in docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilleur.detect.text_harm.corpus import expand, load_templates
from veilleur.detect.text_harm.evaluate import evaluate_file, read_labelled
from veilleur.detect.text_harm.normalize import normalize

HELDOUT = Path(__file__).parents[2] / "data" / "text_harm_heldout.jsonl"
CHATTER = Path(__file__).parents[2] / "data" / "text_harm_chatter.jsonl"
GROUPS = Path(__file__).parents[2] / "data" / "text_harm_groups_dev.jsonl"
PERSON = Path(__file__).parents[2] / "data" / "text_harm_person_dev.jsonl"


@pytest.mark.parametrize(
    "path", [HELDOUT, CHATTER, GROUPS, PERSON], ids=["heldout", "chatter", "groups", "person"]
)
def test_evaluation_files_never_in_training_corpus(path: Path) -> None:
    train = {normalize(e.text).text for e in expand(load_templates())}
    leaked = [r.text for r in read_labelled(path) if normalize(r.text).text in train]
    assert not leaked


@pytest.fixture(scope="module")
def metrics() -> dict:
    return evaluate_file(HELDOUT)


def test_heldout_macro_f1_and_recall(metrics: dict) -> None:
    # measured 0.905 macro-F1, any-harm P 0.939 / R 0.924 (docs/text_harm.md); floors keep a margin
    assert metrics["macro"]["f1"] >= 0.85
    assert metrics["any_harm"]["recall"] >= 0.80
    assert metrics["any_harm"]["precision"] >= 0.85


def test_clinical_talk_is_not_flagged(metrics: dict) -> None:
    cm = metrics["clinical_vs_harmful"]["clinical"]
    assert cm["flagged"] <= 3, metrics["errors"]


def test_every_harm_category_found_somewhere(metrics: dict) -> None:
    for cat, d in metrics["per_category"].items():
        if d["support"] >= 4:
            assert d["recall"] >= 0.5, (cat, d)


def test_ordinary_chatter_false_positive_rate() -> None:
    """Team-written ordinary group messages (never trained on): measured 1 of 281 flagged, no critical finding."""
    from datetime import UTC, datetime

    from veilleur.detect.text_harm.detector import TextHarmDetector
    from veilleur.records import Author, Message
    from veilleur.taxonomy import Severity

    rows = read_labelled(CHATTER)
    benign = [r for r in rows if not r.labels]
    assert len(rows) >= 300 and len(benign) >= 250
    m = evaluate_file(CHATTER)
    cm = m["clinical_vs_harmful"]
    flagged = cm["clinical"]["flagged"] + cm["other_benign"]["flagged"]
    assert flagged / len(benign) <= 0.02, m["errors"]
    assert m["any_harm"]["precision"] >= 0.85 and m["any_harm"]["recall"] >= 0.6
    msgs = [
        Message(
            source="test",
            community_id="g",
            community_name="Groupe",
            message_id=f"m{i}",
            author=Author(id="a", name="A"),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            text=r.text,
        )
        for i, r in enumerate(benign)
    ]
    assert not [f for f in TextHarmDetector().detect(msgs) if f.severity >= Severity.CRITICAL]


DEMO = Path(__file__).parents[3] / "demo"


@pytest.mark.skipif(not (DEMO / "labels.jsonl").exists(), reason="demo corpus not built")
def test_demo_corpus_figures() -> None:
    """The demo is never trained on; floors under the measured figures (any-harm P 0.97 / R 0.64, FP rate 0.002).

    Measured after looking at the demo's errors (docs/text_harm.md): not a pristine test any more."""
    import json

    from veilleur.detect.raid import detect_raids
    from veilleur.detect.text_harm.detector import TextHarmDetector
    from veilleur.ingest.base import ImportOptions, SourceTree
    from veilleur.ingest.facebook import FacebookAdapter
    from veilleur.taxonomy import Severity

    labels = {}
    for line in (DEMO / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            labels[d["message_id"]] = set(d.get("categories", []))
    msgs = [
        m
        for m in FacebookAdapter().read(SourceTree.open(DEMO / "facebook-export"), ImportOptions())
        if m.message_id in labels
    ]
    findings = TextHarmDetector().detect(msgs)
    flagged = {f.message_uid for f in findings}
    harmful = {
        m.uid
        for m in msgs
        if labels[m.message_id]
        - {
            "patient_identifiable_text",
            "patient_photo",
            "dicom_phi",
            "exif_location",
            "text_in_image",
            "raid",
        }
    }
    assert len(flagged & harmful) / max(len(harmful), 1) >= 0.5
    # issue 11 target: demo harmful P >= 0.95 (merged main had 0.88: three messages flagged by text_harm alone)
    assert len(flagged & harmful) / max(len(flagged), 1) >= 0.95
    # regression (révision 5): a moderator's exclusion notice, a privacy warning and counter-speech that quotes a slur
    by_id = {m.message_id: m.uid for m in msgs}
    assert not flagged & {by_id["fbc_000442"], by_id["fbc_000150"], by_id["fbc_000249"]}
    assert len(flagged - harmful) / max(len(msgs) - len(harmful), 1) <= 0.02
    assert not [f for f in findings if f.message_uid not in harmful and f.severity >= Severity.CRITICAL]
    raids = detect_raids(msgs, findings)
    gold_raid = {m.uid for m in msgs if "raid" in labels[m.message_id]}
    if gold_raid:
        assert raids and {f.message_uid for f in raids} <= gold_raid | harmful


def test_groups_named_clinically_counter_speech_and_moderation() -> None:
    """Team dev set (révision 5, never trained on): doctors naming groups clinically, counter-speech quoting hate,
    moderation notices, profanity; plus plain hate about the same groups. Measured figures in docs/text_harm.md."""
    m = evaluate_file(GROUPS)
    per = m["per_phenomenon"]
    assert per["clinical_group"]["false_alarms"] / per["clinical_group"]["benign"] <= 0.02, m["errors"]
    assert per["counter_speech"]["false_alarms"] <= 3, m["errors"]
    assert m["any_harm"]["recall"] >= 0.7, m["errors"]


def test_harm_aimed_at_a_person_and_its_reports() -> None:
    """Team dev set (révision 6, never trained on; written before the policy was chosen): sexual harassment,
    veiled threats and harassment of a person, and the same situations reported, quoted, or harmless (DMs, teen
    chat, clinical talk about sexuality). Révision 5 found 8/29 (R 0.28), révision 6 (USE heads) 15/29 (0.52),
    révision 7 (e5 v4 weighted 0.55 with the USE heads) 18/29 (0.62); the floor is above révision 6."""
    m = evaluate_file(PERSON)
    per = m["per_phenomenon"]
    assert m["any_harm"]["recall"] >= 0.58, m["errors"]
    assert m["any_harm"]["precision"] >= 0.95, m["errors"]
    assert per["sexual_harassment"]["found"] >= 4, per["sexual_harassment"]
    assert per["counter_speech_quote"]["false_alarms"] <= 1, m["errors"]
