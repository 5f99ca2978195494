"""Builds the team-written labelled secrecy set (data/eval_secrecy.jsonl) from sentence templates.

Every person, number and case here is fictional. Templates alternate between the dev and held-out
splits, so the held-out sentences use wordings never seen while tuning. Regenerate with
``python -m veilleur.detect.secrecy.evalset`` (deterministic).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from veilleur.detect.secrecy.recognizers import luhn_is_valid, nir_key

# Slot name -> entity label (None: the slot is not an identifier).
SLOT_LABELS: dict[str, str | None] = {
    "PNAME": "PERSON",
    "FNAME": "PERSON",
    "INIT": "INITIALS",
    "AGE": "AGE",
    "CAGE": "AGE",
    "BAGE": "AGE",
    "SMALL": "LOCATION",
    "CITY": "LOCATION",
    "HOSP": "HOSPITAL",
    "RARE": "RARE_DISEASE",
    "DATE": "DATE",
    "BDATE": "DATE",
    "ROOM": "WARD_ROOM",
    "NIR": "NIR",
    "PHONE": "PHONE",
    "IPP": "IPP",
    "SCHOOL": "SCHOOL",
    "DR": "PROFESSIONAL",
    "EMAIL": "EMAIL",
    "ADDR": "ADDRESS",
    "RPPS": "RPPS",
    "DRUG": None,
    "COMMON": None,
    "OFFRARE": "RARE_DISEASE",
}

FILL_FR: dict[str, list[str]] = {
    "PNAME": [
        "Mme Lefort",
        "M. Garnier",
        "Mme Rivoallan",
        "M. Touzeau",
        "Jeanne Morel",
        "Lucas Bernard",
        "Mme Quéméner",
        "M. Delorme",
        "Suzanne Pelletier",
        "Arnaud Chevrier",
        "Mme Baptistin",
        "M. Roussel",
    ],
    "FNAME": ["Kevin", "Léa", "Théo", "Chloé", "Lucas", "Manon", "Enzo", "Inès", "Hugo", "Zoé"],
    "INIT": ["Mme D.", "M. L.", "Mme K.", "M. R.", "Mme B.", "M. T."],
    "AGE": ["34 ans", "27 ans", "45 ans", "58 ans", "63 ans", "71 ans", "82 ans", "39 ans", "91 ans"],
    "CAGE": ["8 ans", "6 ans", "11 ans", "4 ans", "15 ans", "13 ans", "9 ans"],
    "BAGE": ["7 mois", "3 mois", "10 mois", "5 semaines"],
    "SMALL": [
        "Saint-Flour",
        "Mauriac",
        "Florac",
        "Langogne",
        "Espalion",
        "Barcelonnette",
        "Corte",
        "Paimpol",
        "Mortagne-au-Perche",
        "Langres",
        "Clamecy",
        "Nontron",
        "Cilaos",
        "Lectoure",
    ],
    "CITY": ["Lyon", "Paris", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg"],
    "HOSP": [
        "CHU de Rennes",
        "clinique Saint-Roch",
        "hôpital Necker",
        "centre hospitalier de Mende",
        "CH de Saint-Flour",
        "clinique des Cèdres",
        "CHU de Clermont-Ferrand",
        "hôpital Bichat",
        "EHPAD Les Glycines",
        "polyclinique du Parc",
    ],
    "RARE": [
        "maladie de Fabry",
        "syndrome de Prader-Willi",
        "mucoviscidose",
        "progéria",
        "maladie de Pompe",
        "syndrome de Rett",
        "drépanocytose",
        "maladie de Gaucher",
        "syndrome de Marfan",
        "maladie de Huntington",
    ],
    "OFFRARE": ["syndrome d'Alström", "maladie de Refsum", "syndrome de Cockayne"],
    "DATE": ["le 3 mars", "le 12 février", "le 28/02/2025", "le 1er mars", "le 15 janvier 2025", "le 7 mars"],
    "BDATE": ["3 mars 1987", "12/04/1951", "21 juin 2017", "9 septembre 1962", "2 février 2019"],
    "ROOM": ["chambre 12", "lit 3", "box 4", "chambre 218", "lit 7", "chambre 5B"],
    "PHONE": ["06 12 34 56 78", "07.81.22.43.90", "+33 6 45 21 87 09", "0473 21 45 66"],
    "IPP": ["IPP 4471203", "IPP4471203", "dossier n° 20250318", "IPP : 88120455", "NIP 30021877"],
    "SCHOOL": [
        "école Jean Moulin",
        "collège Victor Hugo",
        "école maternelle Les Coquelicots",
        "lycée Blaise Pascal",
        "école primaire Jules Ferry",
    ],
    "DR": ["Dr Martin", "Dr Lambert", "Pr Girard", "Dr Fontaine", "Dr Mercier", "Pr Roche"],
    "EMAIL": ["j.morel@exemple.fr", "famille.garnier@exemple.org", "lucas.b@exemple.net"],
    "ADDR": ["12 rue des Lilas", "4 bis avenue Jean Jaurès", "27 chemin des Vignes", "8 place de l'Église"],
    "RPPS": ["RPPS 10003456786"],
    "DRUG": ["Doliprane", "Levothyrox", "Kardegic", "Augmentin", "Lovenox", "Xarelto", "Ventoline"],
    "COMMON": [
        "pneumopathie",
        "fracture du col",
        "décompensation cardiaque",
        "crise d'asthme",
        "appendicite",
        "pyélonéphrite",
        "AVC ischémique",
        "bronchiolite",
    ],
}

FILL_EN: dict[str, list[str]] = {
    "PNAME": [
        "Mrs Holloway",
        "Mr Pritchard",
        "Jane Whitcombe",
        "Tom Aldridge",
        "Mrs Okafor",
        "Mr Delaney",
        "Emily Thornbury",
        "Harold Finch",
        "Mrs Penrose",
        "Mr Castellano",
    ],
    "FNAME": ["Jack", "Emily", "Oliver", "Lily", "Noah", "Grace", "Harry", "Mia", "Samuel", "Ella"],
    "INIT": ["Mrs D.", "Mr L.", "Ms K.", "Mr R.", "J.D.", "Mrs T."],
    "AGE": [
        "34-year-old",
        "45-year-old",
        "58-year-old",
        "27-year-old",
        "71-year-old",
        "82-year-old",
        "63-year-old",
    ],
    "CAGE": ["8-year-old", "6-year-old", "11-year-old", "4-year-old", "15-year-old"],
    "BAGE": ["7-month-old", "3-month-old", "10-month-old"],
    "SMALL": [
        "Bozeman",
        "Hay-on-Wye",
        "Tobermory",
        "Ledbury",
        "Whitby",
        "Keswick",
        "Ludlow",
        "Tenby",
        "Oban",
        "Bude",
        "Moab",
        "Sitka",
        "Taos",
        "Dingle",
    ],
    "CITY": ["London", "Manchester", "Boston", "Chicago", "Dublin", "Glasgow", "Leeds"],
    "HOSP": [
        "St Mary's Hospital",
        "Royal Cornwall Hospital",
        "Mercy Medical Center",
        "Ledbury Cottage Hospital",
        "Riverside Clinic",
        "Greenfield Nursing Home",
        "Saint Luke's Hospital",
    ],
    "RARE": [
        "Fabry disease",
        "Prader-Willi syndrome",
        "cystic fibrosis",
        "progeria",
        "Pompe disease",
        "Rett syndrome",
        "sickle cell disease",
        "Gaucher disease",
        "Marfan syndrome",
        "Huntington's disease",
    ],
    "OFFRARE": ["Alström syndrome", "Refsum disease", "Cockayne syndrome"],
    "DATE": ["March 3", "February 12", "on 28/02/2025", "January 15, 2025", "March 7th", "3 March"],
    "BDATE": ["March 3, 1987", "12/04/1951", "June 21, 2017", "9 September 1962"],
    "ROOM": ["room 12", "bed 3", "bay 4", "room 218", "bed 7", "room 5B"],
    "PHONE": ["07700 900123", "+44 7700 900456", "(555) 201-3344", "555-867-5309"],
    "IPP": ["MRN 4471203", "MRN: 88120455", "hospital number 30021877", "NHS number 4857773456"],
    "SCHOOL": [
        "Hillside Primary School",
        "Oakwood Elementary School",
        "St Anne's School",
        "Riverside High School",
    ],
    "DR": ["Dr Patel", "Dr Hughes", "Dr. Brown", "Prof. Adams", "Dr Wallace"],
    "EMAIL": ["jane.w@example.com", "the.pritchards@example.org"],
    "ADDR": ["12 Mill Lane", "4 Station Road", "27 Church Street"],
    "RPPS": ["RPPS 10003456786"],
    "DRUG": ["paracetamol", "Ventolin", "Lasix", "Eliquis", "Xarelto", "metformin", "amoxicillin"],
    "COMMON": [
        "pneumonia",
        "hip fracture",
        "heart failure",
        "asthma attack",
        "appendicitis",
        "UTI",
        "stroke",
        "bronchiolitis",
    ],
}

# (identifying, template). Wordings are ours; each reads like a post in a doctors' group.
TEMPLATES_FR: list[tuple[bool, str]] = [
    (
        True,
        "{PNAME}, {AGE}, de {SMALL}, atteinte de {RARE}, hospitalisée au {HOSP}. Des idées pour la suite ?",
    ),
    (True, "J'ai revu {FNAME}, {CAGE}, en classe à l'{SCHOOL}, pour des douleurs abdominales."),
    (True, "Patient {PNAME} admis {DATE} en {ROOM}, bilan de {COMMON} en cours."),
    (True, "Ma patiente, née le {BDATE}, revient pour une {COMMON} : vous feriez quoi ?"),
    (True, "Pour le dossier de la patiente : NIR {NIR}, on attend l'accord de la CPAM."),
    (True, "La maman de {FNAME} m'a laissé son numéro {PHONE}, l'enfant a de la fièvre depuis hier."),
    (True, "Patiente de {AGE} vivant à {SMALL}, suivie pour {RARE}, je cherche un avis."),
    (True, "{INIT}, {AGE}, admise {DATE} en {ROOM} pour {COMMON}, qui la connaît ?"),
    (True, "Le petit {FNAME} ({CAGE}) de l'{SCHOOL} à {SMALL} a encore convulsé ce matin."),
    (True, "Je vous transmets le {IPP} de la patiente pour que vous retrouviez l'IRM."),
    (True, "Nourrisson de {BAGE} habitant {SMALL}, diagnostic de {RARE} posé {DATE}."),
    (True, "{PNAME} est repassé aux urgences cette nuit pour sa {COMMON}, toujours sous {DRUG}."),
    (True, "Une dame de {AGE} de {SMALL} avec une {RARE}, tout le village la connaît, on fait comment ?"),
    (True, "Hospitalisation {DATE} en {ROOM} au {HOSP} pour la patiente, qui peut passer la voir ?"),
    (True, "Contact de la famille de {PNAME} : {EMAIL}, le patient sort demain."),
    (True, "{PNAME}, {AGE}, {ADDR}, vue en consultation pour {COMMON}."),
    (True, "{INIT} ({AGE}), originaire de {SMALL}, vient d'être diagnostiquée : {RARE}."),
    (True, "Mon patient {FNAME}, {AGE}, a fait une {COMMON} sous {DRUG}, je le garde en observation."),
    (True, "Enfant de {CAGE} scolarisé à l'{SCHOOL}, suivi pour {RARE}, absent depuis deux semaines."),
    (
        True,
        "La patiente de la {ROOM} admise {DATE} a fait une chute cette nuit, {INIT} pour ceux qui la suivent.",
    ),
    (True, "Qui a vu {PNAME} en consultation ? Elle dit être suivie pour {RARE} au {HOSP}."),
    (True, "Bébé de {BAGE}, né au {HOSP}, parents à {SMALL}, bronchiolite sévère, transfert en réa."),
    (True, "Patient {FNAME} pris en charge {DATE}, joignable au {PHONE} pour le suivi."),
    (True, "Résultats de la biopsie de {PNAME} ({AGE}) : pas de malignité, ouf."),
    (True, "Ado de {CAGE} de l'{SCHOOL}, tentative de suicide, hospitalisé en {ROOM}."),
    (True, "Femme de {AGE} atteinte de {OFFRARE} à {SMALL}, quelqu'un a l'expérience de cette maladie ?"),
    (True, "Pour info, {PNAME} ({IPP}) est sortie de réanimation."),
    (True, "Patiente née le {BDATE}, admise pour {COMMON}, antécédents lourds."),
    (True, "{INIT}, {AGE}, habitant {SMALL}, hospitalisé au {HOSP} depuis {DATE}."),
    (True, "La patiente {FNAME} de la {ROOM} réclame son traitement, elle a une {RARE}."),
    (False, "Une patiente de {AGE} consulte pour une {COMMON} : quel traitement en première intention ?"),
    (False, "Le {DR} m'a conseillé le {DRUG} pour ce genre de cas, des retours ?"),
    (False, "Congrès de cardiologie à {CITY} {DATE}, qui s'inscrit ?"),
    (False, "La {RARE} est une maladie génétique ; le dépistage néonatal a changé la prise en charge."),
    (False, "Patient de {AGE}, {COMMON} sans complication, sortie à J3 sous {DRUG}."),
    (False, "Le {HOSP} recrute un interne pour le semestre prochain, contactez le {DR}."),
    (False, "Quelle posologie de {DRUG} chez l'enfant de moins de 6 ans ?"),
    (False, "Merci au {DR} et au {DR} pour la formation sur la {RARE} à {CITY}."),
    (
        False,
        "Une patiente d'une trentaine d'années, suivie pour une {COMMON}, présente une toux persistante.",
    ),
    (False, "Homme de {AGE} hospitalisé au {HOSP} pour {COMMON}, évolution favorable."),
    (False, "Retour d'expérience sur le {DRUG} en gériatrie : moins d'effets secondaires qu'attendu."),
    (False, "Qui connaît un bon pédiatre à {CITY} pour un avis sur une {RARE} ?"),
    (False, "Réunion de service {DATE} à 14 h, ordre du jour : planning des gardes."),
    (False, "Le {DR} part à la retraite, pot de départ vendredi à {CITY}."),
    (False, "Article intéressant sur la {RARE} dans la revue de ce mois-ci."),
    (False, "Un enfant d'âge scolaire avec une {COMMON} récidivante, vous demandez quel bilan ?"),
    (False, "Patiente septuagénaire, {COMMON} sous {DRUG}, quelle durée de traitement ?"),
    (False, "Les urgences de {CITY} sont saturées depuis {DATE}, pensez à réorienter."),
    (False, "Formation aux gestes d'urgence {DATE} au {HOSP}, inscriptions auprès du {DR}."),
    (False, "Bonjour à tous, je cherche un remplaçant en médecine générale près de {CITY}."),
    (False, "Cas clinique anonymisé : patient de la cinquantaine, {COMMON}, quelle imagerie ?"),
    (False, "Rupture de stock du {DRUG} en pharmacie, des alternatives ?"),
    (False, "Le {DR} a présenté une série de cas de {RARE} au congrès de {CITY}."),
    (False, "Une patiente de {AGE} avec une {COMMON}, CRP à 120, antibiothérapie probabiliste ?"),
    (False, "Quels sont vos critères d'hospitalisation pour une {COMMON} chez le sujet âgé ?"),
    (False, "Enfant de {CAGE}, fièvre depuis 48 h, examen normal, vous faites un ECBU ?"),
    (False, "La {ROOM} du service est en travaux jusqu'à la fin du mois."),
    (False, "Nouvelle recommandation de la HAS sur la {COMMON}, lien dans les commentaires."),
    (False, "Je prends la garde du {DR} ce week-end à {CITY}."),
    (False, "Une maman m'a demandé si le {DRUG} est compatible avec l'allaitement."),
]

TEMPLATES_EN: list[tuple[bool, str]] = [
    (True, "{PNAME}, a {AGE} woman from {SMALL} with {RARE}, was admitted to {HOSP} yesterday."),
    (True, "Saw {FNAME} again today, {CAGE}, goes to {SCHOOL}, recurrent abdominal pain."),
    (True, "Patient {PNAME} admitted {DATE} to {ROOM}, work-up for {COMMON} ongoing."),
    (True, "My patient, born {BDATE}, is back with {COMMON}, what would you do?"),
    (True, "Here is the {IPP} of the patient so you can find the MRI."),
    (True, "{FNAME}'s mum left her number {PHONE}, the child has had a fever since yesterday."),
    (True, "A {AGE} lady living in {SMALL} with {RARE}, everyone in town knows her, advice please."),
    (True, "{INIT}, {AGE}, admitted {DATE} in {ROOM} with {COMMON}, anyone following her?"),
    (True, "Little {FNAME} ({CAGE}) from {SCHOOL} in {SMALL} had another seizure this morning."),
    (True, "{PNAME} came back to A&E last night with {COMMON}, still on {DRUG}."),
    (True, "{BAGE} infant from {SMALL}, diagnosed with {RARE} on {DATE}."),
    (True, "Family contact for {PNAME}: {EMAIL}, the patient is discharged tomorrow."),
    (True, "{PNAME}, {AGE}, lives at {ADDR}, seen in clinic for {COMMON}."),
    (True, "{INIT}, a {AGE} from {SMALL}, has just been diagnosed with {RARE}."),
    (True, "Who saw {PNAME} in clinic? She says she is treated for {RARE} at {HOSP}."),
    (True, "The patient in {ROOM} admitted {DATE} fell overnight, it's {INIT} for those following her."),
    (True, "{CAGE} pupil at {SCHOOL}, followed for {RARE}, off school for two weeks."),
    (True, "Biopsy results for {PNAME} ({AGE}): benign, phew."),
    (True, "A {AGE} man with {OFFRARE} living in {SMALL}, anyone seen this disease before?"),
    (True, "My patient {FNAME} in {ROOM} is asking for her meds, she has {RARE}."),
    (False, "A {AGE} woman presents with {COMMON}: first-line treatment?"),
    (False, "{DR} suggested {DRUG} for this kind of case, any experience?"),
    (False, "Cardiology conference in {CITY} on {DATE}, who is going?"),
    (False, "{RARE} is a genetic disease; newborn screening has changed its management."),
    (False, "{AGE} patient, uncomplicated {COMMON}, discharged on day 3 on {DRUG}."),
    (False, "{HOSP} is hiring a registrar for next term, contact {DR}."),
    (False, "What dose of {DRUG} for a child under 6?"),
    (False, "Thanks to {DR} for the teaching session on {RARE} in {CITY}."),
    (False, "A man in his forties with {COMMON}, persistent cough, what imaging?"),
    (False, "{AGE} man admitted to {HOSP} with {COMMON}, doing well."),
    (False, "Anyone know a good paediatrician in {CITY} for a second opinion on {RARE}?"),
    (False, "Department meeting on {DATE} at 2 pm, agenda: on-call rota."),
    (False, "{DR} is retiring, farewell drinks on Friday in {CITY}."),
    (False, "Interesting review article on {RARE} in this month's journal."),
    (False, "School-age child with recurrent {COMMON}, which tests would you order?"),
    (False, "Shortage of {DRUG} at local pharmacies, alternatives?"),
    (False, "A {AGE} patient with {COMMON}, CRP 120, empirical antibiotics?"),
    (False, "{CAGE} child, fever for 48 hours, normal exam, do you send a urine sample?"),
    (False, "New NICE guideline on {COMMON}, link in the comments."),
    (False, "I'm covering {DR}'s on-call shift this weekend in {CITY}."),
]


# Written after the first held-out run (see docs/secrecy.md), evaluated once: the "blind" split.
TEMPLATES_FR_BLIND: list[tuple[bool, str]] = [
    (True, "Besoin d'un avis : {PNAME} ({AGE}) fait des malaises répétés depuis sa sortie du {HOSP}."),
    (True, "Je suis le médecin de {FNAME}, {CAGE}, élève de l'{SCHOOL} ; ses parents refusent le vaccin."),
    (True, "Quelqu'un a récupéré le scanner de {INIT} ? Elle est en {ROOM} depuis {DATE}."),
    (True, "Patiente de {SMALL}, {AGE}, {RARE} confirmée par la génétique, premier cas du canton."),
    (True, "Voici le numéro de sécu du patient : {NIR}, merci de faire la demande d'ALD."),
    (True, "{PNAME} a appelé le cabinet au {PHONE}, elle veut avancer son rendez-vous pour sa {COMMON}."),
    (True, "Le fils de {PNAME}, {CAGE}, hospitalisé {DATE} pour une {COMMON}, grosse inquiétude."),
    (True, "Suivi de grossesse de {PNAME}, {AGE}, domiciliée à {SMALL}, terme prévu {DATE}."),
    (True, "Avis svp : nourrisson de {BAGE}, {ROOM}, entré {DATE}, suspicion de {RARE}."),
    (True, "{FNAME} refuse la chimio, elle a {AGE}, on respecte ou on insiste ?"),
    (False, "Vous prescrivez quoi pour une {COMMON} chez une femme enceinte au deuxième trimestre ?"),
    (False, "Merci au {DR} pour son aide hier soir, garde compliquée."),
    (False, "Le {HOSP} ouvre une consultation dédiée à la {RARE} le mois prochain."),
    (False, "Patient d'une quarantaine d'années, {COMMON}, quel délai avant la reprise du sport ?"),
    (False, "Séminaire sur la fin de vie {DATE} à {CITY}, places limitées."),
    (False, "Quelle surveillance sous {DRUG} chez un patient insuffisant rénal ?"),
    (False, "Un adolescent avec une {COMMON}, vous faites une radio systématiquement ?"),
    (False, "Homme de {AGE}, {COMMON}, vu aux urgences, retour à domicile."),
]
TEMPLATES_EN_BLIND: list[tuple[bool, str]] = [
    (True, "Need advice: {PNAME} ({AGE}) keeps fainting since discharge from {HOSP}."),
    (True, "I'm {FNAME}'s GP, {CAGE}, attends {SCHOOL}; the parents refuse the vaccine."),
    (True, "Has anyone got the CT for {INIT}? She's been in {ROOM} since {DATE}."),
    (True, "Patient from {SMALL}, {AGE}, genetically confirmed {RARE}, first case in the county."),
    (True, "{PNAME} phoned the surgery on {PHONE} to bring forward her appointment for {COMMON}."),
    (True, "{PNAME}'s son, {CAGE}, admitted {DATE} with {COMMON}, very worried family."),
    (True, "{FNAME} refuses chemo, she is a {AGE}, do we respect it or push?"),
    (False, "What do you prescribe for {COMMON} in a pregnant woman in the second trimester?"),
    (False, "Thanks to {DR} for the help last night, tough shift."),
    (False, "{HOSP} is opening a dedicated {RARE} clinic next month."),
    (False, "Patient in their forties, {COMMON}, how long before returning to sport?"),
    (False, "End-of-life care seminar on {DATE} in {CITY}, limited places."),
    (False, "What monitoring on {DRUG} in a patient with kidney failure?"),
    (False, "{AGE} man, {COMMON}, seen in A&E, sent home."),
]


def _valid_nir(rng: random.Random) -> str:
    sex = rng.choice("12")
    yy = f"{rng.randint(40, 99):02d}"
    mm = f"{rng.randint(1, 12):02d}"
    dept = rng.choice(["75", "15", "2A", "2B", "63", "48", "69"])
    body = sex + yy + mm + dept + f"{rng.randint(1, 999):03d}" + f"{rng.randint(1, 999):03d}"
    key = nir_key(body)
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def _fill(template: str, fills: dict[str, list[str]], rng: random.Random) -> dict[str, Any]:
    text = ""
    entities: list[dict[str, Any]] = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos : m.start()]
        slot = m.group(1)
        value = _valid_nir(rng) if slot == "NIR" else rng.choice(fills[slot])
        label = SLOT_LABELS[slot]
        if label is not None:
            entities.append(
                {"start": len(text), "end": len(text) + len(value), "label": label, "text": value}
            )
        text += value
        pos = m.end()
    text += template[pos:]
    return {"text": text, "entities": entities}


def build(per_template: int = 7, seed: int = 6) -> list[dict[str, Any]]:
    assert luhn_is_valid("10003456786")
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    sets = (
        ("fr", "", TEMPLATES_FR, FILL_FR),
        ("en", "", TEMPLATES_EN, FILL_EN),
        ("fr", "b", TEMPLATES_FR_BLIND, FILL_FR),
        ("en", "b", TEMPLATES_EN_BLIND, FILL_EN),
    )
    for lang, tag, templates, fills in sets:
        for t_idx, (identifying, template) in enumerate(templates):
            seen: set[str] = set()
            for _ in range(per_template * 3):
                row = _fill(template, fills, rng)
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                row.update(
                    lang=lang,
                    identifying=identifying,
                    template=f"{lang}{tag}{t_idx:02d}",
                    split="blind" if tag else "dev" if t_idx % 2 == 0 else "heldout",
                )
                rows.append(row)
                if len(seen) >= per_template:
                    break
    for i, row in enumerate(rows):
        row["id"] = f"s{i:04d}"
    return rows


def main() -> None:
    out = Path(__file__).parent / "data" / "eval_secrecy.jsonl"
    rows = build()
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences -> {out}")


if __name__ == "__main__":
    main()
