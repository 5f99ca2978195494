"""Issue 13, second round: services, rooms, lab/prescription/insurance numbers, stay numbers, rare diseases,
ages in headers, field names that are not places. Each case failed before (spans not found / found wrongly)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veilleur.detect.secrecy import analyze_text
from veilleur.detect.secrecy.evaluate import evaluate_spans, load_set

DEV2 = Path(__file__).parents[2] / "data" / "secrecy_dev" / "clinical_dev2.jsonl"


def _found(text: str, fragment: str) -> set[str]:
    """Labels of the spans overlapping ``fragment`` in ``text``."""
    s = text.index(fragment)
    e = s + len(fragment)
    return {sp.label for sp in analyze_text(text).spans if sp.start < e and s < sp.end}


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        (
            "Prélèvement du 03/09/2024 – N° échantillon : 24B0451123\nPatient(e) : GUILLOU Nolwenn",
            "24B0451123",
            "OTHER_ID",
        ),
        ("Ordonnance n° ORD-2024-00871\nPour M. TESSIER Gaëtan", "ORD-2024-00871", "OTHER_ID"),
        ("Compte rendu – N° examen : H24-018832\nPatient : BOUCHER Thierry", "H24-018832", "OTHER_ID"),
        ("Rx #6671203 – Emily R. Watson, 221 Maple Avenue", "6671203", "OTHER_ID"),
        ("Dossier n° MED-2024-004511 / venue V24009817\nUHCD lit 6", "V24009817", "STAY_NUMBER"),
        ("Patient : KERVELLA Anne\nIPP 0045 8812 77   Séjour 2024-118753", "2024-118753", "STAY_NUMBER"),
        (
            "CENTRE HOSPITALIER DE MORLAIX\nPneumologie – HDJ\nPatient : KERVELLA Anne",
            "Pneumologie",
            "SERVICE",
        ),
        ("Demandeur : Dr L. MOREAU, néphrologie\nPatient : GUILLOU Nolwenn", "néphrologie", "SERVICE"),
        ("Dossier n° 12345678, UHCD lit 6, Mme Lenoir", "UHCD", "SERVICE"),
        ("Mme ROUSSEL chbre 14 en réa médicale pour une maladie de Wilson", "chbre 14", "WARD_ROOM"),
        ("Transmission : ch 304 lit 2, M. KOWALSKI, agité. Ch 306 RAS.", "Ch 306", "WARD_ROOM"),
        ("Dr ABITBOL : pt DUBREUIL Jean-Claude 77 ans 2e étage aile B", "2e étage aile B", "WARD_ROOM"),
        (
            "Ma patiente de 34 ans, syndrome de Smith-Magenis, originaire de Plouguerneau",
            "syndrome de Smith-Magenis",
            "RARE_DISEASE",
        ),
        ("Patiente de 17 ans suivie pour maladie de Takayasu à Tours", "maladie de Takayasu", "RARE_DISEASE"),
        ("Patient VINCENT Alain 63 ans – SLA bulbaire", "SLA", "RARE_DISEASE"),
        (
            "Mme A. Ribeiro, 42 ans, myasthénie séronégative, suivie au CHU de Nice",
            "myasthénie",
            "RARE_DISEASE",
        ),
        ("GAUTIER Léa F 29a, patiente de l'HDJ", "29a", "AGE"),
        ("Nom : BLANCHARD Prénom : Odile   Âge : 79", "79", "AGE"),
    ],
)
def test_clinical_shapes(text: str, fragment: str, label: str) -> None:
    assert label in _found(text, fragment), analyze_text(text).spans


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Demandeur : Dr L. MOREAU\nCréatinine 182 µmol/L\nPatient : GUILLOU Nolwenn", "Créatinine"),
        ("Opérateur : Dr Marc DELAHAYE\nPatient : DA SILVA Rui, 67 ans", "Opérateur"),
    ],
)
def test_field_names_are_not_places(text: str, word: str) -> None:
    assert "LOCATION" not in _found(text, word)


def test_general_practice_and_door_codes_are_not_units_or_rooms() -> None:
    a = analyze_text(
        "Dr Paul Roux, Médecine générale, 12 rue des Lilas, code porte 1234B. Patiente Mme Durand, 45 ans."
    )
    assert not [s for s in a.spans if s.label in ("SERVICE", "WARD_ROOM")]


def test_second_dev_set_per_kind() -> None:
    """The team's second clinical set (written for this round, not blind): recall ≥ 0.9 over all kinds,
    no kind under 0.7, precision ≥ 0.9."""
    res = evaluate_spans(load_set(DEV2))
    spans = res["spans"]
    assert spans["recall"] >= 0.9 and spans["precision"] >= 0.9, spans
    low = {
        k: v["recall"] for k, v in spans["by_label"].items() if v["recall"] is not None and v["recall"] < 0.7
    }
    assert not low, low
    assert res["messages"]["precision"] >= 0.95 and res["messages"]["recall"] >= 0.9
