"""Risk combinations: quasi-identifiers together are risky; colleagues and drugs are not patients."""

from __future__ import annotations

from datetime import UTC, datetime

from veilleur.detect.base import create_detector
from veilleur.detect.secrecy import analyze_text, analyze_texts
from veilleur.records import Author, Message


def test_age_town_rare_disease_is_identifying_without_name() -> None:
    a = analyze_text("Patiente de 34 ans de Saint-Flour atteinte de la maladie de Fabry.")
    assert a.health_context and a.identifying
    assert a.risk in ("medium", "high")
    for word in ("âge", "commune", "maladie rare"):
        assert word in a.explanation


def test_age_alone_is_not_identifying() -> None:
    a = analyze_text("Une patiente de 34 ans consulte pour des douleurs abdominales depuis 3 mois.")
    assert a.health_context and not a.identifying and a.risk == "low"


def test_minor_and_school() -> None:
    a = analyze_text("Enfant de 8 ans scolarisé à l'école Jean Moulin, suivi pour épilepsie.")
    assert a.identifying and a.minor


def test_admission_date_and_ward() -> None:
    a = analyze_text("Patiente admise le 3 mars en chambre 12 pour une pneumopathie.")
    assert a.identifying


def test_colleague_and_drug_are_not_patient_identifiers() -> None:
    a = analyze_text("Le Dr Martin m'a conseillé du Doliprane pour la patiente.")
    assert not a.identifying
    assert {s.label for s in a.spans} <= {"PROFESSIONAL"}


def test_no_health_context() -> None:
    a = analyze_text("Le congrès aura lieu à Lyon le 3 mars 2025, inscriptions ouvertes.")
    assert not a.health_context and not a.identifying and a.risk == "none"


def test_direct_identifier_high_risk_english() -> None:
    a = analyze_text("Jane Whitcombe, a 45-year-old woman from Bozeman, was admitted with pneumonia.")
    assert a.lang == "en" and a.risk == "high" and a.identifying


def test_batch_matches_single() -> None:
    texts = ["Mme D., 72 ans, lit 4 en cardio.", "Quelle dose de paracétamol chez l'enfant ?"]
    batch = analyze_texts(texts)
    assert [b.identifying for b in batch] == [analyze_text(t).identifying for t in texts]


def test_detector_emits_findings() -> None:
    det = create_detector("secrecy")
    msgs = [
        Message("csv", "g", "G", str(i), Author("a", "A"), datetime(2025, 3, 1, tzinfo=UTC), t)
        for i, t in enumerate(
            ["Kevin, 8 ans, de Mauriac, hospitalisé pour une fièvre.", "Bonne garde à tous !"]
        )
    ]
    findings = det.detect(msgs)
    assert [f.message_uid for f in findings] == [msgs[0].uid]
    f = findings[0]
    assert f.category == "patient_identifiable_text" and f.details["minor"] is True
    assert f.details["risk"] in ("medium", "high") and f.spans
