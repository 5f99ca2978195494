"""The detector's fast paths (issue 13): the analysis cache, the sentences spaCy reads with the gate, and
skipping spaCy when the finders alone already give the highest risk — none may change a decision."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy import analyze_texts, engine


def test_cache_returns_the_same_and_skips_the_finders(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Ma patiente Mme Kerbrat, 71 ans, de Langogne, est en réa depuis hier."
    engine._cache.clear()
    first = analyze_texts([text], gate=True)[0]
    calls: list[str] = []
    real = engine._finder_results
    monkeypatch.setattr(engine, "_finder_results", lambda t: calls.append(t) or real(t))
    again = analyze_texts([text, text], gate=True)
    assert calls == []
    assert [(s.start, s.end, s.label) for s in again[0].spans] == [(s.start, s.end, s.label) for s in first.spans]
    assert again[1].risk == first.risk


def test_segments_keep_offsets() -> None:
    long = (
        "Bonjour à tous, petite question sur le protocole du service pour les perfusions de nuit. "
        "Merci d'avance pour vos retours sur ce point, on en discute demain en staff. "
        "Ma patiente Gwendoline Kerbrat-Le Du, hospitalisée en cardiologie, a fait un malaise."
    )
    segs = engine.ner_segments(long)
    assert all(long[o : o + len(s)] == s for o, s in segs)
    assert any("Kerbrat" in s for _, s in segs) and not any(s.startswith("Bonjour") for _, s in segs)
    engine._cache.clear()
    gated = analyze_texts([long], gate=True)[0]
    full = analyze_texts([long])[0]
    assert gated.identifying == full.identifying
    for sp in gated.spans:
        assert long[sp.start : sp.end] == sp.text


def test_gate_keeps_every_decision_on_clinical_fragments() -> None:
    from pathlib import Path

    from veilleur.detect.secrecy.evaluate import load_set

    rows = load_set(Path(__file__).parents[1] / "data" / "secrecy_dev" / "clinical_dev2.jsonl")
    texts = [r["text"] for r in rows]
    engine._cache.clear()
    gated = analyze_texts(texts, gate=True)
    full = analyze_texts(texts)
    assert [(a.identifying, a.risk) for a in gated] == [(a.identifying, a.risk) for a in full]
