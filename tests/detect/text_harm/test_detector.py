"""The text_harm detector end to end on messages: registry, findings, hard pairs, spans, explanations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from veilleur.detect.base import create_detector, default_detectors
from veilleur.detect.text_harm.detector import TextHarmAnalyzer, TextHarmDetector, detect_languages
from veilleur.records import Author, Message
from veilleur.taxonomy import Severity


def msg(text: str, i: int = 0) -> Message:
    return Message(
        source="test",
        community_id="g1",
        community_name="Groupe",
        message_id=f"m{i}",
        author=Author(id=f"a{i}", name=f"Auteur {i}"),
        created_at=datetime(2026, 3, 1, 12, i % 60, tzinfo=UTC),
        text=text,
    )


@pytest.fixture(scope="module")
def analyzer() -> TextHarmAnalyzer:
    return TextHarmAnalyzer()


def test_registered_as_default(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("VEILLEUR_HOME", str(tmp_path))
    monkeypatch.delenv("VEILLEUR_TEXT_HARM_LLM_ENDPOINT", raising=False)
    assert "text_harm" in default_detectors()
    det = create_detector("text_harm")
    assert det.name == "text_harm" and det.version
    assert isinstance(det, TextHarmDetector)
    assert det.analyzer.judge is None  # nothing leaves the machine by default


def test_language_per_message() -> None:
    assert detect_languages(["la patiente est arrivée ce matin", "the patient arrived this morning"]) == [
        "fr",
        "en",
    ]


@pytest.mark.parametrize(
    ("harmful", "benign", "category"),
    [
        (
            "la grosse de la 12 a encore sonné, quelle baleine",
            "patiente obèse, IMC 42, diabète",
            "discrimination:body_weight",
        ),
        (
            "le Dr Martin est une sale tapette",
            "le Dr Martin est gay, son mari l'attendait",
            "discrimination:sexual_orientation",
        ),
        ("l'interne est un vrai connard", "l'interne m'a traité de connard, je suis choqué", "insult"),
        (
            "the nurse is a fucking retard",
            "Down syndrome, annual cardiac follow-up",
            "discrimination:disability_health",
        ),
    ],
)
def test_hard_pairs(analyzer: TextHarmAnalyzer, harmful: str, benign: str, category: str) -> None:
    bad, good = analyzer.analyze([harmful, benign])
    assert category in bad.flagged(analyzer.thresholds), bad.scores
    assert not good.flagged(analyzer.thresholds), good.scores


def test_findings_have_spans_scores_explanation() -> None:
    det = TextHarmDetector()
    messages = [
        msg("Le Dr Martin est un connard, je sais où tu habites", 1),
        msg("Garde calme, merci à tous", 2),
        msg("", 3),
    ]
    findings = det.detect(messages)
    cats = {f.category for f in findings}
    assert {"insult", "threat"} <= cats
    assert all(f.message_uid == messages[0].uid for f in findings)
    for f in findings:
        assert 0 <= f.score <= 1
        assert f.detector == "text_harm"
        assert f.explanation and "(" in f.explanation
        for s in f.spans:
            assert messages[0].text[s.start : s.end] == s.text
    insult = next(f for f in findings if f.category == "insult")
    assert any(s.text == "connard" for s in insult.spans)
    assert "Injure" in insult.explanation
    threat = next(f for f in findings if f.category == "threat")
    assert threat.severity >= Severity.HIGH


def test_scores_cover_every_category(analyzer: TextHarmAnalyzer) -> None:
    (a,) = analyzer.analyze(["bonjour"])
    assert set(a.scores) == set(analyzer.model.categories)
    assert all(0.0 <= v <= 1.0 for v in a.scores.values())


def test_batch_equals_single(analyzer: TextHarmAnalyzer) -> None:
    texts = ["quel abruti ce chef", "bonne garde à tous", "you moron"]
    batch = analyzer.analyze(texts)
    singles = [analyzer.analyze([t])[0] for t in texts]
    for b, s in zip(batch, singles, strict=True):
        # the sentence encoder's float32 sums differ by ~1e-8 with the batch's padding: same decisions
        assert b.scores == pytest.approx(s.scores, abs=1e-5)
        assert b.flagged(analyzer.thresholds).keys() == s.flagged(analyzer.thresholds).keys()


def test_short_french_chat_gets_french_or_unknown_language_never_a_wrong_one() -> None:
    """Révision 8: lingua read "ntm" as English (its French lexicon entry did not apply, the insult was not
    flagged), "t'es con jtm" as Portuguese and "t'es grosse" as German. French chat markers make them French; a
    short message with no clue is never read as English (its French lexicon entries keep applying)."""
    got = detect_languages(["ntm", "t'es con jtm", "t'es grosse", "con", "the patient arrived this morning"])
    assert got[:3] == ["fr", "fr", "fr"]
    assert got[3] != "en" and got[4] == "en"


def test_ntm_alone_is_an_insult_and_a_friendly_con_is_no_origin_slur(analyzer: TextHarmAnalyzer) -> None:
    """Révision 8 regressions: "ntm" alone (3 letters: the fast tier decides) is flagged as an insult; "t'es con
    jtm" no longer reads "con" as the English slur "coon" (letters squeezed) under an unsure language."""
    ntm, con = analyzer.analyze(["ntm", "t'es con jtm"])
    assert "insult" in ntm.flagged(analyzer.thresholds)
    assert "discrimination:origin_race" not in con.flagged(analyzer.thresholds)
    assert con.scores["discrimination:origin_race"] < 0.5


def test_emoji_only_messages_are_judged_by_the_lexicon_alone(analyzer: TextHarmAnalyzer) -> None:
    """Session 5: the n-gram model scored a bare "😂😂" as patient mockery 0.6 (it learned laughs from the mockery
    they followed), so every laugh in a chat was a finding; an emoji used as a slur (lexicon) still counts."""
    laugh, monkey = analyzer.analyze(["😂😂", "🐒🐒"])
    assert laugh.tiers["tier1_model"]["patient_mockery"] > 0.5  # what the model still says
    assert not laugh.flagged(analyzer.thresholds)
    assert "discrimination:origin_race" in monkey.flagged(analyzer.thresholds)


def test_the_models_highlighted_words_are_never_function_words(analyzer: TextHarmAnalyzer) -> None:
    """Where no lexicon entry explains a flagged category, the spans are the words the model weighs most: never
    « des », « les », « the »… (session 11: « des » was shown as the insult of "les arabes sont des rats")."""
    from veilleur.detect.text_harm.detector import _FUNCTION_WORDS

    texts = [
        "les arabes sont des rats",
        "les gros comme toi devraient rester chez eux",
        "these people are all the same and they should go back",
        "elles sont toutes des idiotes ces femmes",
    ]
    shown = 0
    for a in analyzer.analyze(texts):
        for s in a.spans:
            if " " not in s.text.strip():
                shown += 1
                assert s.text.lower() not in _FUNCTION_WORDS, (a.text, s)
    assert shown  # the check ran on at least one single-word span
