"""Redaction keeps the clinical content and leaves none of the identifiers it found."""

from __future__ import annotations

from datetime import date

from veilleur.detect.secrecy import analyze_texts
from veilleur.detect.secrecy.evaluate import load_set
from veilleur.detect.secrecy.redact import KEPT_LABELS, redact_analysis, redact_text

REF = date(2025, 3, 24)


def test_example() -> None:
    r = redact_text(
        "Mme Dupont, 34 ans, de Saint-Flour, atteinte de la maladie de Fabry, admise le 3 mars. Mme Dupont va mieux.",
        reference_date=REF,
    )
    assert "Dupont" not in r.text and "Saint-Flour" not in r.text and "34" not in r.text
    assert "maladie de Fabry" in r.text  # clinical content kept
    assert "la trentaine" in r.text and "Cantal" in r.text and "il y a trois semaines" in r.text
    assert r.text.count("Patiente A") == 2  # consistent pseudonym
    assert {c.label for c in r.changes} >= {"PERSON", "AGE", "LOCATION", "DATE"}


def test_child_and_numbers() -> None:
    r = redact_text("Enfant de 8 ans, tél 06 12 34 56 78, IPP 4471203, chambre 12.", reference_date=REF)
    assert "d'âge scolaire" in r.text
    for ident in ("06 12 34 56 78", "4471203", "12"):
        assert ident not in r.text


def test_birth_date_generalised() -> None:
    r = redact_text("Patiente née le 3 mars 1952, admise pour une chute.", reference_date=REF)
    assert "1952" not in r.text and "années 1950" in r.text


def test_no_identifier_survives_on_the_evaluation_set() -> None:
    rows = [r for r in load_set(split="all") if r["identifying"]][::3]
    analyses = analyze_texts([r["text"] for r in rows])
    for row, a in zip(rows, analyses, strict=True):
        res = redact_analysis(row["text"], a, reference_date=REF)
        for span in a.spans:
            if span.label not in KEPT_LABELS:
                assert span.text not in res.text, (span, res.text)
        for c in res.changes:
            assert row["text"][c.start : c.end] == c.original
