"""Issue 13, fourth round: rooms in handover lists, units by number or pavilion, internal phone numbers, record
numbers with letters and dashes, and what fail-closed means for a lone quasi-identifier. Sentences written for
these tests (fictional people), not taken from any evaluation set."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from veilleur.cli import app
from veilleur.detect.secrecy import analyze_text
from veilleur.detect.secrecy.redact import check_text, redact_text


def _found(text: str, label: str) -> list[str]:
    return [s.text for s in analyze_text(text, "fr").spans if s.label == label]


def _labels(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in analyze_text(text, "fr").spans:
        out.setdefault(s.label, []).append(s.text)
    return out


# ------------------------------------------------------------------------------------------------ rooms
def test_handover_list_rooms_as_bare_numbers() -> None:
    text = (
        "Transmissions de nuit :\n- 12 : Mme Bernard, 84 ans, chute\n- 14 : M. Leroy, douleurs\n"
        "- 3 bis : Mme Diallo, RAS"
    )
    assert _found(text, "WARD_ROOM") == ["12", "14", "3 bis"]
    # "RAS" (rien à signaler) is not a first name after the surname
    assert _found(text, "PERSON") == ["Mme Bernard", "M. Leroy", "Mme Diallo"]


def test_handover_list_with_dashes_and_capitals() -> None:
    text = "Relève du soir\n21 – DUVAL Jean, sous O2\n23 – Mme Roux, à jeun"
    assert _found(text, "WARD_ROOM") == ["21", "23"]


@pytest.mark.parametrize(
    "text",
    [
        "Posologie :\n1 - Doliprane 1 g x 3/j\n2 - Lovenox 4000 UI\n3 - Kardegic 75 mg",
        "Ordonnance :\n- 2 : comprimés le matin\n- 3 : gélules le soir",
        "Plan :\n1. Mme Martin à revoir\n2. M. Durand sortant",
        "Objectifs :\n1 - Marcher\n2 - Manger seul\n3 - Rentrer à domicile",
    ],
)
def test_numbered_lists_and_doses_are_not_rooms(text: str) -> None:
    assert _found(text, "WARD_ROOM") == []


def test_next_items_of_a_room_list() -> None:
    text = "Relève IDE 15/10 : ch 12 RAS ; 14 douleur ; 21 fébrile à 38,9"
    assert _found(text, "WARD_ROOM") == ["ch 12", "14", "21"]
    # a dose after a room is not the next room
    assert _found("Lit 4 ; 2 comprimés de Doliprane donnés au patient", "WARD_ROOM") == ["Lit 4"]


def test_several_rooms_after_one_key_and_a_floor() -> None:
    assert _found("Chambres 12, 14 et 21 : patients isolés contact.", "WARD_ROOM") == [
        "Chambres 12",
        "14",
        "21",
    ]
    assert "4e" in _found("La patiente du 4e m'a appelée cette nuit.", "WARD_ROOM")
    assert _found("Au 3e trimestre de grossesse, la patiente va bien. Le 2e jour, sortie.", "WARD_ROOM") == []


# --------------------------------------------------------------------------------------------- services
def test_units_by_number_pavilion_and_acronym() -> None:
    assert "UF 2104" in _found("Patient hospitalisé en USIC puis transféré, UF 2104.", "SERVICE")
    # a unit number followed by the unit's name: the name is the span, not the number (round 3)
    assert _found("Transfert vers l'UF 4521 (médecine polyvalente) pour la patiente.", "SERVICE") == [
        "médecine polyvalente"
    ]
    assert "pavillon Charcot" in _found(
        "Mme Caron, hospitalisée au pavillon Charcot, chambre 214.", "SERVICE"
    )
    assert "UCSA" in _found("Patiente admise au SAU puis en UCSA, lit 3.", "SERVICE")


# ------------------------------------------------------------------------------------------------ phones
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Secrétariat : 02 98 52 60 60, poste interne 45 21, pour la patiente.", "45 21"),
        ("Appeler l'interne au 4521 (bip) pour la patiente.", "4521"),
        ("Tél. interne : 64 12 pour la patiente du lit 3.", "64 12"),
        ("Ligne directe : 02 98 34 71 20 / int. 7120. Patient en cardio.", "7120"),
        ("Standard 02 98 22 33 33 puis taper 6102 ; patient Mr Morel.", "6102"),
        ("Tél. : 01.45.21.xx.xx pour joindre la patiente", "01.45.21.xx.xx"),
    ],
)
def test_internal_and_half_masked_phones(text: str, number: str) -> None:
    assert number in _found(text, "PHONE")


# ----------------------------------------------------------------------------------------------- numbers
def test_record_numbers_with_letters_and_dashes_are_whole() -> None:
    assert _found("IPP : 2024-00123-A ; patient M. Dupont", "IPP") == ["IPP : 2024-00123-A"]
    # "patient M. Dupont": M. is a civility here, not an initial
    assert _found("IPP : 2024-00123-A ; patient M. Dupont", "PERSON") == ["M. Dupont"]
    assert _found("N° patient : P-24-00123 (patiente diabétique)", "IPP") == ["N° patient : P-24-00123"]
    red = redact_text("IPP : 2024-00123-A, patiente hospitalisée en cardiologie", "fr")
    assert "00123" not in red.text and "-A" not in red.text
    # a date after "séjour" is a date, not a stay number
    assert "STAY_NUMBER" not in _labels("Séjour : 12/03/2024 en cardiologie pour le patient")


# ------------------------------------------------------------------------------------------- fail closed
def test_a_lone_quasi_identifier_does_not_block() -> None:
    res = check_text("Patiente de 50 ans, suivie en diabétologie.", "fr")
    assert not res.blocked
    assert [s.text for s in res.lone] == ["50 ans"]
    assert "50 ans" in res.lone_message()


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("Patiente de 50 ans, hospitalisée au CHU de Brest.", "CHU de Brest"),  # two kinds together
        ("Patiente née le 12/03/1975, diabète.", "12/03/1975"),  # a full birth date
        ("Mme Dupont, diabète.", "Mme Dupont"),  # a name
    ],
)
def test_what_still_blocks(text: str, left: str) -> None:
    res = check_text(text, "fr")
    assert res.blocked
    assert left in [s.text for s in res.residual]


def test_check_cli_lone_age_passes_with_a_note() -> None:
    runner = CliRunner()
    text = "Patiente de 50 ans, suivie en diabétologie."
    out = runner.invoke(app, ["redact", "--check", text])
    assert out.exit_code == 0
    assert text in out.stdout
    assert "non bloquant" in out.stderr
    blocked = runner.invoke(app, ["redact", "--check", "Patiente de 50 ans, hospitalisée au CHU de Brest."])
    assert blocked.exit_code == 3
    assert "sortie bloquée" in blocked.stderr


def test_redaction_stays_recall_first_for_a_lone_age() -> None:
    red = redact_text("Patiente de 50 ans, suivie en diabétologie.", "fr")
    assert "50 ans" not in red.text and not red.blocked


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Patiente hospitalisée en chir ortho depuis hier.", "chir ortho"),
        ("Hospitalisée en gynéco-obstétrique, patiente de 32 ans.", "gynéco-obstétrique"),
        ("Patient en post-urgences depuis la nuit.", "post-urgences"),
        ("Patiente en EHPAD, unité protégée, ch. 12.", "unité protégée"),
        (
            "Patient en salle de surveillance post-interventionnelle.",
            "salle de surveillance post-interventionnelle",
        ),
    ],
)
def test_short_and_compound_unit_names(text: str, unit: str) -> None:
    assert unit in _found(text, "SERVICE")


def test_cots_and_care_posts_are_places_of_care() -> None:
    assert "couveuse 3" in _found("Le petit est en néonat, couveuse 3.", "WARD_ROOM")
    assert "poste 4" in _found("Le patient est en hémodialyse, poste 4, le mardi.", "WARD_ROOM")
    # a phone extension is not a dialysis post
    assert _found("Tél : 02 98 52 60 60 poste 12 pour le patient", "WARD_ROOM") == []
    assert _found("Il faut une chir de la hanche pour la patiente.", "SERVICE") == []


def test_stay_numbers_after_entry_words() -> None:
    assert _found("N° entrée : 2400123 patient hospitalisé", "STAY_NUMBER") == ["N° entrée : 2400123"]
    assert _found("IEP : 123456789 patient hospitalisé", "STAY_NUMBER") == ["IEP : 123456789"]
    assert "STAY_NUMBER" not in _labels("Séjour 2024 en cardiologie pour la patiente")


# ------------------------------------------------------------------ second part (shapes of the c6 writer's misses)
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Fille prévenue au 02 41 . 77 . 35 . 18, patiente sortante.", "02 41 . 77 . 35 . 18"),
        ("Tél. domicile : 01 45 30 . 4 4 . 7 2 (patient)", "01 45 30 . 4 4 . 7 2"),
        ("Le numéro du fils est noté en dessous 06 71\n23 45 67, pour le patient", "06 71\n23 45 67"),
        ("Dr Lewis, registrar, bleep 2417, patient in bay 3", "2417"),
        ("Interne de garde : bip 4 36, pour la patiente du lit 2", "4 36"),
        ("Call the fellow at x4-1187 about the patient.", "4-1187"),
    ],
)
def test_phones_in_loose_groupings_and_pagers(text: str, number: str) -> None:
    assert number in [s.text for s in analyze_text(text).spans if s.label == "PHONE"]


def test_loose_phone_finder_skips_dates_and_switchboards() -> None:
    from veilleur.detect.secrecy.clinical4 import phones_more

    assert phones_more("Vu le 05 . 12 . 2025 14 30 en consultation") == []
    assert phones_more("The main hospital switchboard is 020 7946 0321; ask for the ward.") == []
    assert phones_more("Daughter: 020 7946 0555, patient on ward 3") != []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Je vous adresse Mme Lenoir, soixante-quatorze ans, pour une coloscopie.", "soixante-quatorze ans"),
        ("Une dame de quatre-vingt-trois ans, hospitalisée en gériatrie.", "quatre-vingt-trois ans"),
        ("J'ai revu Nathan (neuf ans) en consultation pour son asthme.", "neuf ans"),
        ("Bay 3 bed 2 – Mrs Okoro 77 – sepsis, on antibiotics", "77"),
        ("I saw Mr. Piotr Nowak, 49, on the ward for chest pain.", "49"),
    ],
)
def test_ages_in_words_and_after_a_name(text: str, age: str) -> None:
    assert age in [s.text for s in analyze_text(text).spans if s.label == "AGE"]


def test_durations_in_words_are_not_ages() -> None:
    assert _found("Patient diabétique depuis dix ans, sous insuline depuis trois ans.", "AGE") == []


def test_handover_table_of_capitals_ages_and_beds() -> None:
    text = "RELÈVE DE NUIT USC\n1 vide\n2 GARNIER 71 post-op, scope ok\n3 N'DIAYE 58 pancréatite, EVA 3\n4 LEFEVRE 84 HSD"
    labels = _labels(text)
    assert {"2", "3", "4"} <= set(labels.get("WARD_ROOM", []))
    assert {"71", "58", "84"} <= set(labels.get("AGE", []))
    assert {"GARNIER", "LEFEVRE"} <= set(labels.get("PERSON", []))
    # "EVA 3" (a pain score) is neither a name nor an age
    assert "EVA" not in " ".join(labels.get("PERSON", []))


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("Transmissions UNV – matin\n- U2 : Mme Colas, 80 ans\n- U4 : M. Robin, 66 ans", "U2"),
        ("Relève unité 4C\n4C-08 M. Perrin Paul : bilan\n4C-10 Mme Aubry : sortie", "4C-08"),
        ("Mme Lecomte la 316, agitée cette nuit, a arraché sa perf.", "316"),
        ("le patient de la 21 est sorti ce matin", "21"),
        ("M. Martin (lit-porte) attend son brancard.", "lit-porte"),
        ("Patient : M. ROY   Ch. : A-112", "A-112"),
        ("Nouveau-né en berceau 14b, maman en chambre 14.", "berceau 14b"),
        ("Elle est en chambre sécurisée n°2 depuis hier, patiente suicidaire.", "chambre sécurisée n°2"),
        ("Passé en SAUV 1 pour détresse respiratoire, patient de 70 ans.", "SAUV 1"),
    ],
)
def test_more_room_shapes(text: str, room: str) -> None:
    assert any(room in found for found in _found(text, "WARD_ROOM"))


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Service : Endoscopie digestive – programme du jour, patient à jeun", "Endoscopie digestive"),
        ("Hospitalisée en unité coronarienne depuis lundi, patiente de 60 ans.", "unité coronarienne"),
        ("Avis demandé en neuropédiatrie pour l'enfant.", "neuropédiatrie"),
        ("Relève IDE réa chir 19h\nBox 2 : M. Henry", "réa chir"),
        ("RELÈVE SOINS CONTINUS 21H\nlit 1 vide", "SOINS CONTINUS"),
        ("EPSM de la Sarthe, secteur 72G05, patient en soins sans consentement.", "secteur 72G05"),
        ("Seen on Dunmore Ward by the team, patient stable.", "Dunmore Ward"),
        ("Department of Vascular Surgery – patient letter", "Department of Vascular Surgery"),
    ],
)
def test_more_unit_shapes(text: str, unit: str) -> None:
    assert unit in [s.text for s in analyze_text(text).spans if s.label == "SERVICE"]


def test_a_meeting_room_floor_is_not_a_patient_room() -> None:
    assert _found("Staff de cardiologie le mardi, salle de réunion du 2e.", "WARD_ROOM") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Patiente belge, n° de registre national 79.03.12-284.61, hospitalisée.", "79.03.12-284.61"),
        ("Patient suisse, n° AVS 756.1234.5678.97, hospitalisé en cardiologie.", "756.1234.5678.97"),
        ("Dossier SAMU 35-25-118204, patient de 50 ans, douleur thoracique.", "35-25-118204"),
        ("Mutuelle n° 4 56 78 901 234, patiente sous insuline.", "4 56 78 901 234"),
    ],
)
def test_more_ids_after_their_keyword(text: str, number: str) -> None:
    assert any(number in s.text for s in analyze_text(text, "fr").spans if s.label == "OTHER_ID")


def test_sixth_writer_set_tuned_on() -> None:
    """The sixth clinical writer's set (session 4): main gave span R 0.817 / P 0.966 (WARD_ROOM 0.60, PHONE 0.63,
    SERVICE 0.65, OTHER_ID 0.68, AGE 0.77) before it was tuned on. A third of it, after round 4."""
    from pathlib import Path

    from veilleur.detect.secrecy.evaluate import evaluate_spans, load_set

    rows = load_set(Path(__file__).parents[2] / "data" / "secrecy_dev" / "clinical_dev_c6.jsonl")[::3]
    spans = evaluate_spans(rows)["spans"]
    assert spans["recall"] >= 0.89 and spans["precision"] >= 0.95, (spans["recall"], spans["precision"])
    for kind in ("WARD_ROOM", "PHONE", "AGE", "OTHER_ID"):
        assert spans["by_label"][kind]["recall"] >= 0.85, (kind, spans["by_label"][kind])


@pytest.mark.parametrize(
    ("text", "hospital"),
    [
        ("vous avez vu le bazar ce matin au chu de poitiers ? la patiente a attendu 8h", "chu de poitiers"),
        ("elle est partie à l'hopital pasteur pour son AVC, patiente de 70 ans", "hopital pasteur"),
        ("Adressée par le CMS de Pantin pour la patiente.", "CMS de Pantin"),
        ("Seen at Riverside Children's for the patient's fever.", "Riverside Children's"),
    ],
)
def test_hospitals_in_chat_and_health_centres(text: str, hospital: str) -> None:
    assert any(hospital in h for h in [s.text for s in analyze_text(text).spans if s.label == "HOSPITAL"])


def test_lowercase_hospital_words_that_name_no_hospital() -> None:
    for text in (
        "la clinique privée a refusé le patient",
        "il est en hopital de jour pour la patiente",
        "le nom de la clinique anonymisé, patiente de 40 ans",
    ):
        assert _found(text, "HOSPITAL") == [], text


def test_towns_closing_a_header_line() -> None:
    assert "Annecy" in _found(
        "Centre d'imagerie médicale des Alpes – Annecy\nIRM cérébrale, patiente", "LOCATION"
    )
    assert "Dinan" in _found("le SMUR de Dinan est pris, patiente de 79 ans", "LOCATION")
    assert _found("Dr Martin – Cardiologie\nPatient vu en consultation", "LOCATION") == []


def test_names_after_tab_labels_lower_case_civilities_and_relatives() -> None:
    text = "Identité patient\nNOM DE NAISSANCE\tKOWALCZYK\nPRÉNOM\tAgnieszka\nDDN\t12-03-1980"
    assert {"KOWALCZYK", "Agnieszka"} <= set(_found(text, "PERSON"))
    assert "mme lebrun martine" in _found(
        "urgences hier soir, mme lebrun martine 52a, douleur thoracique", "PERSON"
    )
    assert "mr gautier" in _found("bref mr gautier est remonté en rea, 63a", "PERSON")
    assert "Carol" in [s.text for s in analyze_text("Patient post-op. Wife Carol at bedside.").spans]
    assert _found("je vois mme la directrice demain pour le patient", "PERSON") == []


def test_day_month_on_note_headers() -> None:
    assert "06/12" in _found("06/12 14h : M. Fontaine redescendu du bloc, patient stable", "DATE")
    assert "3/12" in _found("Night handover AMU 3/12\n- Mrs Baxter 88 – fall", "DATE")
    assert _found("TA 12/7 à 14h, patient stable, EVA 3/10", "DATE") == []


def test_ages_said_near_a_person() -> None:
    assert "42 ans" in _found("c'est à l'hôpital de Rodez, il a 42 ans et ne fume pas, patient", "AGE")
    assert "61 ans" in _found("qui reprend le suivi de Mme Perrin ? 61 ans, sclérodermie", "AGE")
    assert "98 ans" in _found("Une résidente (Mme L., 98 ans, ch. 7) tousse depuis ce matin", "AGE")
    assert _found("il y a 3 ans, le patient a fait un AVC", "AGE") == []


def test_handover_lines_opening_with_mme_are_rooms() -> None:
    # "Mme" after the room number is not a unit ("mm"): every line's room is found
    text = "Relève AS\n201 Mme Caron : toilette\n204 Mme Diop : repas\n205 Mme Leroux : 90 ans demain"
    assert _found(text, "WARD_ROOM") == ["201", "204", "205"]


def test_a_name_ends_at_a_column_gap() -> None:
    spans = analyze_text("Patient : FAURE Régine   Ch. : B-207", "fr").spans
    assert "FAURE Régine" in [s.text for s in spans if s.label == "PERSON"]
    assert any("B-207" in s.text for s in spans if s.label == "WARD_ROOM")


def test_ages_in_words_are_generalised_by_redaction() -> None:
    from veilleur.detect.secrecy.clinical4 import words_number

    assert [
        words_number(w) for w in ("quatre-vingt-sept", "soixante et onze", "quatre-vingt-dix-neuf", "six")
    ] == [
        87,
        71,
        99,
        6,
    ]
    red = redact_text("Je vous confie Mme Ottavi, quarante-huit ans, pour une coloscopie.", "fr")
    assert "quarante-huit" not in red.text and "la quarantaine" in red.text


def test_more_header_and_role_shapes() -> None:
    assert "LEBLANC, MARTINE" in _found(
        "COMPTE RENDU\nNOM, PRÉNOM : LEBLANC, MARTINE\nDDN : 11/01/1957", "PERSON"
    )
    assert "T. Okafor" in _found("Social worker: T. Okafor ext 8814 for the patient", "PROFESSIONAL")
    spans = analyze_text("Patiente Rania, 33 ans\nMutuelle : MGEN n° 1 23 45 678 901", "fr").spans
    assert any("1 23 45 678 901" in s.text for s in spans if s.label == "OTHER_ID")
    ids = [
        s.text for s in analyze_text("« DUVAL, ALAIN / 74 ans / ID 8800412 / 09-déc-2025 03:11 »", "fr").spans
    ]
    assert "ID 8800412" in ids
    assert "UF 4402 GYN" in _found("IPP 0000774129\nUF 4402 GYN   NDA 250099412", "SERVICE")
    assert "médecine B" in _found(
        "Dr Lagarde (interne médecine B, bip 2 78)\nPatient : FAURE Régine", "SERVICE"
    )


def test_hospital_names_with_elisions_are_whole() -> None:
    text = "Clinique du Val d'Orcet – Chirurgie digestive\nPatient : M. Roche, 60 ans"
    assert "Clinique du Val d'Orcet" in _found(text, "HOSPITAL")
    red = redact_text(text, "fr")
    assert "Orcet" not in red.text and not red.blocked


def test_redact_refuses_its_own_output_when_a_detected_quasi_identifier_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lone-quasi-identifier rule is for --check; what ``redact_text`` detects and cannot remove blocks."""
    from veilleur.detect.secrecy import redact as red_mod
    from veilleur.records import Span

    def stuck(original: str, result: object, **_: object) -> list[Span]:
        return [Span(0, 6, "AGE", original[0:6])]

    monkeypatch.setattr(red_mod, "residual_spans", stuck)
    res = red_mod.redact_text("50 ans, patiente diabétique", "fr")
    assert res.blocked and not res.lone
    assert not red_mod.check_text("50 ans, patiente diabétique", "fr").blocked


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("retrouvé inconscient place du Marché, Vannes, patient de 50 ans", "place du Marché"),
        ("Centre hospitalier de Nîmes\nQuartier des Oliviers, 30000 NÎMES", "Quartier des Oliviers"),
        ("Residence: 4410 W. Maple Rd, Tucson 85701, patient", "4410 W. Maple Rd"),
        ("brought by EMS from 2200 block of N. 41st St, patient 19 y/o", "2200 block of N. 41st St"),
    ],
)
def test_streets_without_a_number_and_us_streets(text: str, address: str) -> None:
    # a street without a number is a place (quasi-identifier), with one an address (direct identifier)
    assert address in [s.text for s in analyze_text(text).spans if s.label in ("ADDRESS", "LOCATION")]


def test_a_street_without_a_number_is_not_a_direct_identifier() -> None:
    a = analyze_text("elle consulte au centre de santé des Lilas à Vichy, avenue de la Gare, le mardi", "fr")
    assert not a.identifying
    assert _found("Une place d'EHPAD libérée pour quelqu'un, faut voir le bon côté", "LOCATION") == []


def test_a_nir_with_its_key_apart_is_redacted_whole() -> None:
    text = "N° sécurité sociale : 1 85 03 75 112 045  clé 67, patient hospitalisé"
    assert _found(text, "NIR") == ["1 85 03 75 112 045  clé 67"]
    red = redact_text(text, "fr")
    assert "67" not in red.text and "112 045" not in red.text
    assert _found("La patiente est en cours de traitement, place de la chimio discutée.", "ADDRESS") == []


def test_unit_words_left_around_a_replacement_do_not_block() -> None:
    text = "Réf. labo : 2512090458\nMme Carine LEDOUX, 25 ans\nMaternité – Salle de naissance 3\nHb 10,4 g/dL"
    red = redact_text(text, "fr")
    assert not red.blocked, red.residual_message()
    assert "LEDOUX" not in red.text and "2512090458" not in red.text
    # a room number or a named hospital still blocks
    assert check_text("Patiente de 50 ans, chambre 12 en cardiologie.", "fr").blocked
    assert check_text("Patiente de 50 ans hospitalisée au CHU de Brest.", "fr").blocked


@pytest.mark.parametrize(
    "text",
    [
        "Rappel de lot : Amoxicilline 1 g, lots n° 24F0311 et 24F0312, patients à rappeler",
        "Lot n° 5K7721C – péremption 09/2027 – à vérifier avant injection au patient",
        "Le formulaire Cerfa n° 12345*07 doit être rempli pour le patient.",
    ],
)
def test_product_and_form_codes_are_not_ids(text: str) -> None:
    assert _found(text, "OTHER_ID") == []


def test_the_samu_as_the_emergency_number_is_not_a_unit() -> None:
    assert _found("En cas d'urgence vitale, composez le 15 (SAMU), patient suicidaire.", "SERVICE") == []
    assert _found("Fiche SMUR – 04/12/25\nVictime : X. Morel, 40 ans", "SERVICE") == []
