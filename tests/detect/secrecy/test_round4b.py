"""Issue 13, round 4b: precision of units and places (a unit named in a general message, scores and tests read
as towns, a US state apart from its town) and recall on dates written with spaces. Sentences written for these
tests (fictional people), not taken from any evaluation set."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy import analyze_text


def _found(text: str, label: str, lang: str | None = "fr") -> list[str]:
    return [s.text for s in analyze_text(text, lang).spans if s.label == label]


# ------------------------------------------------------------------------------------------------ units
@pytest.mark.parametrize(
    "text",
    [
        "Rappel : la dose maximale de paracétamol est plus basse chez les petits poids, pensez-y en gériatrie.",
        "Le service de cardiologie du CHU recrute un praticien hospitalier temps plein, CV au secrétariat.",
        "Une question pour ceux de réa : vous passez par le standard pour un transfert en réa d'un autre site ?",
        "Antibioprophylaxie en chirurgie orthopédique : céfazoline 2 g IVL 30 min avant l'incision.",
        "Question for the ICU folks: do you still check a cortisol before starting steroids?",
    ],
)
def test_unit_in_a_general_message_is_not_an_identifier(text: str) -> None:
    assert _found(text, "SERVICE", None) == []


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Mme Perrot Ginette, 86 ans, hospitalisée en gériatrie depuis lundi.", "gériatrie"),
        ("Transfert en réa de M. Lemoine cette nuit, IPP 40012345.", "réa"),
        ("Patient admis en chirurgie orthopédique hier soir.", "chirurgie orthopédique"),
        ("Compte rendu de consultation rhumatologie\nDate : 14/03/2025", "rhumatologie"),
    ],
)
def test_unit_next_to_someone_is_kept(text: str, unit: str) -> None:
    assert any(unit in s for s in _found(text, "SERVICE"))


# ------------------------------------------------------------------------------------------------ places
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Révision : Glasgow Coma Scale, signe de Murphy et point de McBurney pour jeudi.", "Glasgow"),
        ("Sérologie VIH 1/2 positive chez le patient, confirmée par Western-Blot.", "Western-Blot"),
        ("Le patient reçoit 1 mg de midazolam toutes les 5 min jusqu'à Rudkin ≥ 4.", "Rudkin"),
        ("Les scores à connaître pour le patient : CHA2DS2-VASc, HAS-BLED, Wells, Genève révisé.", "Genève"),
        ("Patient hospitalisé pour une leptospirose (forme de Weil) compliquée.", "Weil"),
        ("Patient seen by the team; the new bleep system goes live from Monday.", "Monday"),
    ],
)
def test_scores_tests_and_days_are_not_places(text: str, word: str) -> None:
    assert not any(word in s for s in _found(text, "LOCATION", None))


def test_a_town_is_still_a_place() -> None:
    assert "Genève" in _found("Mme Favre, 71 ans, vit seule à Genève depuis 2010.", "LOCATION")


def test_us_town_and_state_are_one_place() -> None:
    text = "Rosa Morales, 44 yo F, lives at 2208 W. Fullerton Ave, Apt 3R, Chicago, IL 60647"
    places = _found(text, "LOCATION", "en")
    assert "Chicago, IL" in places
    assert "IL" not in places


# ------------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Admission le 05 12 2025 14 30, Mme Girard Paulette, 78 ans.", "05 12 2025 14 30"),
        ("Entrée 21 11 2025 à 08 15, Mme Petit, chute à domicile.", "21 11 2025 à 08 15"),
        ("RDV 05 12 2025 pour Mme Leblanc, 45 ans, en consultation.", "05 12 2025"),
    ],
)
def test_dates_written_with_spaces_are_dates_not_phones(text: str, date: str) -> None:
    assert date in _found(text, "DATE")
    assert _found(text, "PHONE") == []


def test_a_phone_word_keeps_the_phone() -> None:
    assert _found("Mme Roux, patiente, tél : 05 12 2025 14", "PHONE") == ["05 12 2025 14"]


# ------------------------------------------------------------------------------------------------- ages
@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Ch 1 Adam B. 18 mois bronchiolite, O2 1 L, kiné demain.", "18 mois"),
        ("Nourrisson de 3 mois, Lina, admise pour bronchiolite.", "3 mois"),
        ("Rm 14 – 2 mo infant Aiden Ross w/ fever 38.4, septic work-up.", "2 mo infant"),
        ("Maria Gonzalez, 68, admitted 01/14/2025 with pneumonia.", "68"),
    ],
)
def test_ages_in_months_and_bare_ages_after_a_name(text: str, age: str) -> None:
    assert age in _found(text, "AGE", None)


@pytest.mark.parametrize(
    "text",
    [
        "Toux depuis 18 mois chez ce patient, bilan en cours.",
        "Traitement pendant 3 semaines, patiente revue.",
    ],
)
def test_durations_are_not_ages(text: str) -> None:
    assert _found(text, "AGE") == []


# ------------------------------------------------------------------------------------------------ schools
def test_a_grade_alone_is_not_a_school() -> None:
    assert _found("Hugo (9 ans), scolarisé en CM1 à Bastia, hospitalisé pour purpura.", "SCHOOL") == []


def test_a_grade_next_to_its_school_is_kept() -> None:
    found = _found("Enzo BRIS, 9 ans, élève de CM1 à l'école du Bourg de Plourin, asthme.", "SCHOOL")
    assert "CM1" in found and any("école du Bourg" in s for s in found)
    assert "6e B" in _found("Scolarité : 6e B – collège Anne-Frank, patient suivi.", "SCHOOL")


# ------------------------------------------------------------------------------------------ field labels
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Patient revu, bilan stable.\nIdentifiant PS : 10101234567", "Identifiant"),
        ("Patient vu en consultation.\nActe NGAP : C, tarif 30 €", "Acte"),
        ("Follow-up for the patient.\nInsurance ID: XJ553739404", "Insurance"),
    ],
)
def test_field_labels_are_not_names_or_places(text: str, word: str) -> None:
    spans = analyze_text(text, None).spans
    assert not any(word in s.text for s in spans if s.label in ("PERSON", "LOCATION"))


# ------------------------------------------------------------------------------------------------ rooms
@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("12 Mme Martin douleur abdo, bilan fait", "12"),
        ("204B M. Petit RAS cette nuit, patient calme", "204B"),
    ],
)
def test_one_handover_line_opens_with_its_room(text: str, room: str) -> None:
    assert room in _found(text, "WARD_ROOM")


@pytest.mark.parametrize("text", ["1 Mme Martin vue ce matin", "2024 Mme Martin a été vue en consultation"])
def test_a_count_or_a_year_before_a_civility_is_not_a_room(text: str) -> None:
    assert _found(text, "WARD_ROOM") == []
