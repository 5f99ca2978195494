"""The detector's fast paths (issue 13): the analysis cache, the sentences spaCy reads with the gate,
skipping spaCy when the finders alone already give the highest risk, and skipping the other finders when
a text has no sign of care at all — none may change a decision."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy import analyze_texts, engine


def test_cache_returns_the_same_and_skips_the_finders(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Ma patiente Mme Kerbrat, 71 ans, de Langogne, est en réa depuis hier."
    engine._cache.clear()
    first = analyze_texts([text])[0]
    calls: list[str] = []
    real = engine._finder_results
    monkeypatch.setattr(engine, "_finder_results", lambda t, *a, **k: calls.append(t) or real(t, *a, **k))
    again = analyze_texts([text, text])
    assert calls == []
    assert [(s.start, s.end, s.label) for s in again[0].spans] == [
        (s.start, s.end, s.label) for s in first.spans
    ]
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


@pytest.mark.parametrize("name", ["clinical_dev2.jsonl", "clinical_dev3.jsonl"])
def test_gate_keeps_every_decision_on_clinical_fragments(name: str) -> None:
    from pathlib import Path

    from veilleur.detect.secrecy.evaluate import load_set

    rows = load_set(Path(__file__).parents[2] / "data" / "secrecy_dev" / name)
    texts = [r["text"] for r in rows]
    engine._cache.clear()
    gated = analyze_texts(texts, gate=True)
    full = analyze_texts(texts)

    def decision(a):  # type: ignore[no-untyped-def]  # what the detector emits a finding on
        return (
            a.identifying,
            a.health_context and a.risk in ("medium", "high"),
            a.risk if a.health_context else None,
        )

    assert [decision(a) for a in gated] == [decision(a) for a in full]


def test_text_without_any_sign_of_care_runs_only_the_sign_finders(monkeypatch: pytest.MonkeyPatch) -> None:
    from veilleur.detect.secrecy import recognizers

    ran: list[str] = []
    for key, fn in list(recognizers.FINDERS.items()):
        monkeypatch.setitem(recognizers.FINDERS, key, lambda t, _k=key, _f=fn: ran.append(_k) or _f(t))
    engine._cache.clear()
    chat = "Salut Paul, on se retrouve à Lyon samedi 12 avril avec Marie Durand ?"
    a = analyze_texts([chat], gate=True)[0]
    assert set(ran) <= engine.SIGN_FINDERS and not a.health_context
    assert not analyze_texts([chat])[0].health_context  # the full analysis agrees: nothing to flag
    ran.clear()
    engine._cache.clear()
    analyze_texts(["Patient IPP 80012345 vu par Paul hier."], gate=True)
    assert set(ran) > engine.SIGN_FINDERS  # a sign of care: every finder runs


def test_results_skipped_by_the_callers_decision_are_not_cached() -> None:
    """Whether spaCy may be skipped depends on the caller (the group's members): such results are not reused."""
    text = "Ma patiente Mme Kerbrat, IPP 80012345, tél 06 12 34 56 78, revue hier par Gwendal Le Du."
    engine._cache.clear()
    first = engine.analyze_batch([text], gate=True, decided=lambda i, lg, h: True)
    assert not any(r.recognition_metadata.get("recognizer_name") == "SpacyRecognizer" for r in first[0][1])
    assert (text, None, True) not in engine._cache
    second = engine.analyze_batch([text], gate=True, decided=lambda i, lg, h: False)
    assert (text, None, True) in engine._cache and len(second[0][1]) >= len(first[0][1])
