"""Issue 13, session 3b: services and rooms. New unit shapes are found (a qualifier written without accent,
"dans la <service>", a geriatric or neonatal unit), and uses of a unit or room word that name no unit or
room of the patient are dropped (bare emergency department, SAMU/SMUR as transport, "suivi CMP", a note's
title, "Emergency contact", a billing sector, an act, a meeting or operating room). Each case failed before."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy import analyze_text


def _labels(text: str, fragment: str) -> set[str]:
    """Labels of the spans overlapping ``fragment`` in ``text``."""
    s = text.index(fragment)
    e = s + len(fragment)
    return {sp.label for sp in analyze_text(text).spans if sp.start < e and s < sp.end}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Mme ARNOUX Léonie, 34 ans, hospitalisée dans la maternité depuis le 02/03.", "maternité"),
        ("M. VASSEUR Paul (81 ans) : UHCD → médecine gériatrique chambre 27", "médecine gériatrique"),
        ("Bébé TESSIER, né le 04/01/2025, UF 4410 réanimation néonatale", "réanimation néonatale"),
        (
            "Inès BRUNET, 6 ans, vue aux Urgences pediatriques le 12/05, IPP 7781203344",
            "Urgences pediatriques",
        ),
    ],
)
def test_new_service_shapes_found(text: str, fragment: str) -> None:
    assert "SERVICE" in _labels(text, fragment)


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("M. GAUTIER Rémi, 70 ans, est repassé aux urgences hier soir pour sa BPCO.", "urgences", "SERVICE"),
        ("Mme LOISEAU Clara – 48a\nMode d'arrivée : SMUR\nMotif : douleur thoracique", "SMUR", "SERVICE"),
        ("Admis le 03/02/2024, IPP 5510093321, Mode d'entrée : SAMU", "SAMU", "SERVICE"),
        ("PERRIN Lucas, 19 ans, schizophrénie. Suivi CMP par Dr Hamon.", "CMP", "SERVICE"),
        ("ED TRIAGE NOTE\nName: HARLOW, JUNE  DOB 1961-02-03  MRN 44120987", "ED", "SERVICE"),
        ("PSYCHIATRY PROGRESS NOTE\nOwen Marsh, 37 yo, MRN 5521877", "PSYCHIATRY", "SERVICE"),
        (
            "Kelly Stone, 52 yo, chest pain.\nEmergency contact: Tom Stone +1 555 201 3344",
            "Emergency",
            "SERVICE",
        ),
        (
            "Dr Anne LEROUX\nKinésithérapeute\nConventionnée secteur 2\nM. PIC Jean, 60 ans",
            "secteur 2",
            "WARD_ROOM",
        ),
        ("M. ROY Hugo, 66 ans : 10 séances, rééducation de l'épaule gauche", "rééducation", "SERVICE"),
        ("RCP de mardi reportée, staff à 13 h salle 6 pour M. DUPRÉ (58 ans)", "salle 6", "WARD_ROOM"),
        (
            "Compte rendu opératoire\nDate de l'intervention : 04/06/2024   Salle 3\nM. NOËL Yann",
            "Salle 3",
            "WARD_ROOM",
        ),
    ],
)
def test_unit_words_that_name_no_unit_are_dropped(text: str, fragment: str, label: str) -> None:
    assert label not in _labels(text, fragment)


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("Fiche de liaison : Mme CARON (77 ans) récupérée par le SMUR à domicile", "SMUR", "SERVICE"),
        (
            "Mme PONS Élise, 29 ans, vue dans le service des urgences le 14/02",
            "service des urgences",
            "SERVICE",
        ),
        ("Au bloc : M. FAURE Théo, 45 ans, lit 4 salle 2 en SSPI", "lit 4", "WARD_ROOM"),
        ("Mme GIRAUD (91 ans), chambre 214 lit 2, soins palliatifs", "chambre 214", "WARD_ROOM"),
    ],
)
def test_real_units_and_rooms_kept(text: str, fragment: str, label: str) -> None:
    assert label in _labels(text, fragment)


@pytest.mark.parametrize(
    ("text", "fragment", "expected"),
    [
        ("L'aide-soignante m'a dit que M. Lefort de la 318 ne mange plus depuis lundi", "318", True),
        ("Tu peux passer voir la 205 ? Elle a encore de la fièvre, sa fille est inquiète", "205", True),
        ("Mme Garnier de la 208 km plus loin, on s'est perdus", "208", False),
        ("J'ai vendu la 206 de ma mère, 1500 euros", "206", False),
    ],
)
def test_room_said_as_la_number(text: str, fragment: str, expected: bool) -> None:
    assert ("WARD_ROOM" in _labels(text, fragment)) is expected
