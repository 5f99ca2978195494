"""Issue 13, third round: the shapes of clinical writing the first two rounds missed (each case failed before:
span not found, or found wrongly), clinical words that are not names or places, the care context of letters
and certificates, the fourth writer's set per kind, and the fail-closed check run for real (``--check``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from veilleur.cli import app
from veilleur.detect.secrecy import analyze_text, analyze_texts
from veilleur.detect.secrecy.clinical3 import ocr_digits
from veilleur.detect.secrecy.evaluate import evaluate_spans, load_set
from veilleur.detect.secrecy.redact import check_text, redact_text

DATA = Path(__file__).parents[2] / "data" / "secrecy_dev"
runner = CliRunner()


def _found(text: str, fragment: str) -> set[str]:
    """Labels of the spans overlapping ``fragment`` in ``text``."""
    s = text.index(fragment)
    e = s + len(fragment)
    return {sp.label for sp in analyze_text(text).spans if sp.start < e and s < sp.end}


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        # NIR: OCR O, a dash before the key, a missing digit after the keyword, alone on a header line
        ("N° SS\t2 44 O8 99 322 240 43\nDate d'admission 7 avr. 2023", "2 44 O8 99 322 240 43", "NIR"),
        ("Carte vitale : 1 92 11 2B 260 765 - 50", "1 92 11 2B 260 765 - 50", "NIR"),
        (
            "N° d'immatriculation : 1.63.04.64.249.87.78\nDate de naissance : 24-04-1963",
            "1.63.04.64.249.87.78",
            "NIR",
        ),
        ("IPP: 007566386\nVENUE 234730953\nUM 8069 CARDIO\n2 49 04 2A 402 959", "2 49 04 2A 402 959", "NIR"),
        # a record number does not run over the line break into the address
        (
            "N° SS 1 66 02 99 341 820 97 – IPP 000436794\n187B place des Capucins, 79000 NIORT",
            "000436794",
            "IPP",
        ),
        # names in capitals before an age or a birth date, after a bed, after more labels, stacked, particles
        (
            "22/02/2024 10h18 – IAO : Rose-Marie P.\nBOUKHARI KWAME – 88 ans – né(e) 10/05/35",
            "BOUKHARI KWAME",
            "PERSON",
        ),
        ("TEXIER, AGNIESZKA (13/08/51)   Prescripteur : Dr Morel", "TEXIER, AGNIESZKA", "PERSON"),
        ("Transmissions\nlit 17 CASTAGNÈDE 77 ANS : chute à 4h30, pas de plaie", "CASTAGNÈDE", "PERSON"),
        (
            "Hello, avis svp 👇\nPat. : CARADEC, JOANA – 78 ans – unité Alzheimer lit 8",
            "CARADEC, JOANA",
            "PERSON",
        ),
        ("ZEROUAL\nROGER\nNé(e) le 06/05/46  M 78 ANS\nIPP 8083988771", "ROGER", "PERSON"),
        (
            "Cher confrère,\nJe vous confie M. de La Tour en vue de sa prise en charge.",
            "de La Tour",
            "PERSON",
        ),
        (
            "Handover\nBed 22 – Brenda Llewellyn (90 years): bloods pending, INR 4.1.",
            "Brenda Llewellyn",
            "PERSON",
        ),
        ("Rx for: Hannah Schwartz   DOB 03/12/2005", "Hannah Schwartz", "PERSON"),
        # staff in English notes and nursing notes
        ("Surgeon: Dr A Okonkwo   Assistant: Dr H Brennan", "Dr A Okonkwo", "PROFESSIONAL"),
        ("Critical value called to S. Schwartz, RN at 07:24 on 2023-06-09.", "S. Schwartz", "PROFESSIONAL"),
        ("Opérateur\tDocteur Joana Girard   Aide - Dr Lemaire", "Joana Girard", "PROFESSIONAL"),
        # dates
        ('fwd from clinic: "Re: ALI Dylan DOB 08-May-1933 – please rebook"', "08-May-1933", "DATE"),
        ("Validé par Dr Awa LAPORTE, biologiste, le 14/11/2O24", "14/11/2O24", "DATE"),
        ("Hypoglycémie 0,54 à 3h, resucrage. Sortie prévue 5/9 vers EHPAD Les Glycines.", "5/9", "DATE"),
        # phones
        ("chirurgie digestive : secrétariat +33 2 95 16 30 95, bip 111", "bip 111", "PHONE"),
        (
            "Queen Adelaide Hospital main line 0113 496 0000 – ask for the on-call pharmacist",
            "0113 496 0000",
            "PHONE",
        ),
        (
            "Secrétariat   +33  (0)2 66 21 11 24\nNom de naissance : OLLIVIER",
            "+33  (0)2 66 21 11 24",
            "PHONE",
        ),
        # addresses, postcodes, towns
        (
            "Docteur Fatima Lacroix\nDermatologue\nRésidence Les Hortensias\n78000 Versailles",
            "Résidence Les Hortensias",
            "ADDRESS",
        ),
        ("Adresse\t137 impasse de Quimper, apt 188, 17300 Rochefort", "apt 188", "ADDRESS"),
        (
            "GH Cœur Grand Est\n26 ter cours de la Fontaine – 72000 LE MANS CEDEX 4",
            "26 ter cours de la Fontaine",
            "ADDRESS",
        ),
        ("GH Cœur Grand Est\n26 ter cours de la Fontaine – 72000 LE MANS CEDEX 4", "LE MANS", "LOCATION"),
        (
            "mode de vie : vit seule au Strada Mihai Eminescu 82, 400000 Cluj-Napoca (Roumanie)",
            "Strada Mihai Eminescu 82",
            "ADDRESS",
        ),
        ("Address: 2124 Oak Street, #30B, Tulsa, OK 74105", "74105", "POSTCODE"),
        ("Address: 2124 Oak Street, #30B, Tulsa, OK 74105", "Tulsa", "LOCATION"),
        ("NHS No. 3803657857\n63 Victoria Street, Exeter EX2 5DW", "Exeter", "LOCATION"),
        ("CERTIFICAT DE DÉCÈS\nCommune de décès\tDax (40100)\nNom: LAFARGUE", "40100", "POSTCODE"),
        ("Centre hospitalier Jean-Moulin\nVierzon, le 5 février 2025\nCher ami,", "Vierzon", "LOCATION"),
        ("Code postal : 69003 – Commune : Villeurbanne", "69003", "POSTCODE"),
        # hospitals, labs, practices
        ("Laboratoire Bio Val de Loire\nIdentité\tZHANG, AMINE", "Laboratoire Bio Val de Loire", "HOSPITAL"),
        (
            "Castle Street Medical Practice – Rheumatology\nClinic date: 13-Apr-2024",
            "Castle Street Medical Practice",
            "HOSPITAL",
        ),
        (
            "Hopital prive du Val d'Orge\nPatient   MARCHETTI Moussa",
            "Hopital prive du Val d'Orge",
            "HOSPITAL",
        ),
        # schools, services, rooms, other ids, ages
        ("Scolarité : élève de CP à l'école primaire des Trois-Chênes", "CP", "SCHOOL"),
        ("Scolarité : 6e B – collège Anne-Frank (Alençon)", "6e B", "SCHOOL"),
        ("COMPTE RENDU DE CONSULTATION rhumatologie\nDate: 27/06/2025", "rhumatologie", "SERVICE"),
        ("IPP: 003589777\nUF 5475 MED INT 12/07/2024", "MED INT", "SERVICE"),
        ("TA 150/80, FC 122, SpO2 89 %, T 36.9°C\nInstallée brancard 11", "brancard 11", "WARD_ROOM"),
        ("Prescripteur : Dr Lemaire           Ch. : 351-2\nNé(e) le : 07/06/1978", "351-2", "WARD_ROOM"),
        ("Follow-up with PCP Dr. Cohen on 15-Oct-2024.\nSSN: 413-17-6599", "413-17-6599", "OTHER_ID"),
        ("Handover\nBay 6 Bed 1 – Priya (79 years): NEWS 5, sepsis screen done.", "79 years", "AGE"),
        (
            "M. Ewen LE COZ, né le douze mars mil neuf cent cinquante-deux, Le Clos Fleuri",
            "douze mars",
            "DATE",
        ),
        ("Chest X-ray 2024-11-02 – LEWIS, Hannah (31F) – City General Hospital", "LEWIS, Hannah", "PERSON"),
        ("I saw this lady in the Rheumatology clinic on 12 January 2025.", "Rheumatology", "SERVICE"),
        ("Signalement : Lucas (11 ans), 6e B au collège Jean-Macé de Landerneau.", "Landerneau", "LOCATION"),
        ("Biopsy results for Tom Aldridge (71-year-old): benign, phew.", "Tom Aldridge", "PERSON"),
    ],
)
def test_round3_shapes(text: str, fragment: str, label: str) -> None:
    assert label in _found(text, fragment), analyze_text(text).spans


@pytest.mark.parametrize(
    "text",
    [
        "ANTÉCÉDENTS : HTA depuis 2015, diabète de type 2.\nCONCLUSION 12/03/2024 : pas de lésion.",
        "TRAITEMENT DE SORTIE 3 mois : KARDEGIC 75 mg, patient de 70 ans.",
        "Créatinine 182 µmol/L, Kaliémie 5,2 mmol/L, patient de 50 ans.",
        "Patient de 50 ans, Lasilix 40 mg, Kayexalate.",
        "Tendinite de De Quervain chez une patiente de 40 ans.",
        "Hello, score de Glasgow à 15, NIHSS 4, patient de 60 ans.",
        "Sexe : F                        Poids : 68 kg\nPatient de 40 ans.",
        "Troponine T HS  86 ng/L (<14)\nNT-proBNP  4520 pg/mL\nPatient de 80 ans.",
        "Admitting diagnosis: UTI\nHospital course: the patient was treated with IV antibiotics.",
        "Admitting diagnosis: CHF exacerbation. Patient aged 70.",
    ],
)
def test_clinical_words_are_not_names_or_places(text: str) -> None:
    wrong = [
        s for s in analyze_text(text).spans if s.label in ("PERSON", "PROFESSIONAL", "LOCATION", "HOSPITAL")
    ]
    assert not wrong, wrong


def test_dev5_negatives_flag_nothing() -> None:
    rows = [r for r in load_set(DATA / "clinical_dev5.jsonl") if not r["identifying"]]
    flagged = [
        r["text"][:60]
        for r, a in zip(rows, analyze_texts([r["text"] for r in rows]), strict=True)
        if a.identifying
    ]
    # Left (reported in docs/secrecy.md): a conference "du Pr Martin … au CHU de Nantes le 14 mars", a switchboard
    # number, and "pancréatite Balthazar C." read as a name.
    assert len(flagged) <= 3, flagged


def test_ocr_digits_keeps_offsets_and_words() -> None:
    text = "Date : 31/O5/2O23 – O2 2 L/min – Natha1ie – NDA 87174122O"
    view = ocr_digits(text)
    assert len(view) == len(text)
    assert "31/05/2023" in view and "O2 2 L" in view and "871741220" in view and "Natha1ie" in view


@pytest.mark.parametrize(
    "text",
    [
        "Je t'adresse M. Camara, 73 ans, pour des rectorragies récidivantes.",
        "Je soussigné certifie avoir examiné ce jour M. KUZNETSOVA Piotr, né le 22/12/1975.",
        "Cher confrère, je vous adresse Mme Odile CARADEC, née le 9/4/1947, pour avis.",
    ],
)
def test_letters_and_certificates_are_care(text: str) -> None:
    assert analyze_text(text).identifying


def test_salle_d_attente_is_not_a_room() -> None:
    a = analyze_text(
        "Urgences de Perpignan ce week-end : toute la famille dans la salle d'attente, ça hurle."
    )
    assert not a.identifying and not [s for s in a.spans if s.label == "WARD_ROOM"]


def test_fourth_writer_set_per_kind() -> None:
    """The fourth writer's set (written blind to the rules; tuned on in round 3, so not an unseen-data figure):
    every kind ≥ 0.9 recall, overall R ≥ 0.97 at P ≥ 0.95. A third of it, to keep the test short."""
    rows = load_set(DATA / "clinical_dev_w4.jsonl")[::3]
    res = evaluate_spans(rows)
    spans = res["spans"]
    assert spans["recall"] >= 0.97 and spans["precision"] >= 0.95, (spans["recall"], spans["precision"])
    low = {
        k: v["recall"] for k, v in spans["by_label"].items() if v["recall"] is not None and v["recall"] < 0.9
    }
    assert not low, low


def test_check_blocks_for_real_and_passes_a_redacted_text() -> None:
    """``veilleur redact --check``: the fail-closed check alone, run on real analyses (no monkeypatch)."""
    text = "Patiente Mme Lefort, 45 ans, IPP 4471203, hospitalisée en cardiologie."
    res = check_text(text, "fr")
    assert res.blocked and res.text == text and "Lefort" in res.residual_message()
    out = runner.invoke(app, ["redact", "--check", text])
    assert out.exit_code == 3
    assert "Lefort" in out.output and "4471203" in out.output.split("bloquée")[1]
    safe = redact_text(text, "fr")
    assert not safe.blocked
    ok = runner.invoke(app, ["redact", "--check", safe.text])
    assert ok.exit_code == 0 and safe.text in ok.output


def test_patient_word_is_not_repeated_by_the_pseudonym() -> None:
    res = redact_text("Patiente Mme Lefort, 45 ans, hospitalisée en cardiologie. Mme Lefort va mieux.", "fr")
    assert "Patiente Patiente" not in res.text and res.text.startswith("Patiente A,"), res.text
    assert "Lefort" not in res.text and not res.blocked


def test_fifth_writer_set_never_tuned_on() -> None:
    """The fifth clinical writer's set (session 3, written blind to the rules and never tuned on): round 2 gave span
    R 0.918 / P 0.972 with ADDRESS 0.79 and SCHOOL 0.45; round 3 gives 0.954 / 0.979. A third of it."""
    rows = load_set(DATA / "clinical_dev_c5.jsonl")[::3]
    spans = evaluate_spans(rows)["spans"]
    assert spans["recall"] >= 0.94 and spans["precision"] >= 0.95, (spans["recall"], spans["precision"])
    assert spans["by_label"]["ADDRESS"]["recall"] >= 0.9, spans["by_label"]["ADDRESS"]
