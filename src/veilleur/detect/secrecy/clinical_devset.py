"""Builds the team-written DEVELOPMENT set of clinical fragments (data/dev_clinical.jsonl).

Report headers, prescriptions, discharge letters, lab results and record screenshots pasted into chat
messages, with identifiers written in many shapes (upper-case names in headers, NIR in odd groupings,
bare record numbers, unusual phone groupings, foreign addresses, hospital abbreviations). Every person,
number and address is fictional; NIR keys are right in some rows and wrong in others on purpose.

It is for tuning only: the blind clinical test set is written separately by someone who never sees this
code. Regenerate with ``python -m veilleur.detect.secrecy.clinical_devset`` (deterministic).
Format: {"id", "text", "lang", "identifying", "entities": [{"start", "end", "label", "text"}], "template"}.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veilleur.detect.secrecy.recognizers import nir_key

R = random.Random

SURNAMES = [
    "Dupuis",
    "Lemaire",
    "Kervella",
    "Bouchard",
    "Marchetti",
    "Nguyen",
    "Haddad",
    "Lefebvre",
    "Perrin",
    "Le Goff",
    "Da Silva",
    "Moreau-Vidal",
    "Chabert",
    "Rouquette",
    "Vasseur",
    "Benali",
    "Delacroix",
    "Fournier",
    "Gauthier",
    "Tessier",
    "Ollivier",
    "Rigaud",
    "Schaeffer",
    "Nicolaï",
    "Pasquier",
    "Ferreira",
    "Bellamy",
    "Caron",
    "Duval",
    "Hamon",
    "Jacquet",
    "Lombard",
    "Mallet",
    "Noël",
    "Prévost",
]
FIRSTS_F = [
    "Marie",
    "Jeanne",
    "Sylvie",
    "Gwenaëlle",
    "Nadia",
    "Océane",
    "Josiane",
    "Hélène",
    "Fatou",
    "Maëlys",
    "Odile",
    "Aurore",
    "Sandrine",
    "Yasmine",
    "Ginette",
    "Colette",
    "Laetitia",
    "Solène",
    "Mireille",
]
FIRSTS_M = [
    "Jean",
    "Pierre",
    "Yann",
    "Mehdi",
    "Gérard",
    "Thierry",
    "Loïc",
    "Kévin",
    "Bernard",
    "Mamadou",
    "Jean-Pierre",
    "Rémi",
    "Tristan",
    "Gaël",
    "Marcel",
    "Youssef",
    "Hervé",
    "Benoît",
    "Ludovic",
]
STAFF_SURNAMES = [
    "Garnier",
    "Bonnet",
    "Lacroix",
    "Roux",
    "Mercier",
    "Blanchard",
    "Carpentier",
    "Fabre",
    "Guérin",
    "Leclerc",
    "Marty",
    "Aubert",
    "Texier",
    "Besson",
    "Laurent",
]
TOWNS = [
    "Paris",
    "Lyon",
    "Mende",
    "Rodez",
    "Brest",
    "Quimperlé",
    "Vierzon",
    "Plouguerneau",
    "Aubenas",
    "Saint-Martin-de-Valgalgues",
    "Montluçon",
    "Bourg-en-Bresse",
    "Lannion",
    "Créteil",
    "Saint-Denis",
    "Argenteuil",
    "Tulle",
    "Privas",
    "Marmande",
    "Villeneuve-sur-Lot",
    "Dax",
    "Morlaix",
    "Oyonnax",
]
POSTCODES = {
    "Paris": "75013",
    "Lyon": "69003",
    "Mende": "48000",
    "Rodez": "12000",
    "Brest": "29200",
    "Quimperlé": "29300",
    "Vierzon": "18100",
    "Plouguerneau": "29880",
    "Aubenas": "07200",
    "Saint-Martin-de-Valgalgues": "30520",
    "Montluçon": "03100",
    "Bourg-en-Bresse": "01000",
    "Lannion": "22300",
    "Créteil": "94000",
    "Saint-Denis": "93200",
    "Argenteuil": "95100",
    "Tulle": "19000",
    "Privas": "07000",
    "Marmande": "47200",
    "Villeneuve-sur-Lot": "47300",
    "Dax": "40100",
    "Morlaix": "29600",
    "Oyonnax": "01100",
}
STREETS = [
    "rue des Acacias",
    "avenue du Général Leclerc",
    "boulevard Victor Hugo",
    "chemin des Crêtes",
    "impasse du Moulin",
    "allée des Tilleuls",
    "route de Nîmes",
    "place de la République",
    "rue Jean-Baptiste Clément",
    "quai de la Fosse",
    "lotissement Les Genêts",
    "rue du 8 Mai 1945",
]
FOREIGN = [
    ("Rue de la Loi {n}", "1040", "Bruxelles"),
    ("Chemin des Vignes {n}", "1208", "Genève"),
    ("Via Garibaldi {n}", "10122", "Torino"),
    ("Calle Mayor {n}", "28013", "Madrid"),
    ("Bahnhofstrasse {n}", "8001", "Zürich"),
    ("{n} Baker Street", "NW1 6XE", "London"),
    ("Rua Augusta {n}", "1100-053", "Lisboa"),
    ("Avenue Louise {n}", "1050", "Ixelles"),
]
HOSPITALS = [
    "CHU de Nantes",
    "Hôpital Saint-Louis",
    "GH Pitié-Salpêtrière",
    "CH de Mende",
    "CHI de Créteil",
    "GHU Paris Psychiatrie & Neurosciences",
    "HIA Bégin",
    "Clinique du Parc",
    "Centre Léon Bérard",
    "Institut Curie",
    "Hospices Civils de Lyon",
    "HÔPITAL BICHAT - CLAUDE BERNARD",
    "CH Sud Francilien",
    "Hôpital Privé d'Antony",
    "CHU Grenoble Alpes",
    "CHRU de Brest",
    "CH de Lannion-Trestel",
    "Hôpital Européen Georges Pompidou",
    "CHU DE BORDEAUX",
    "Polyclinique Saint-Privat",
    "GHT Cœur Grand Est",
    "Hôpital Necker-Enfants malades",
    "CH Henri Laborit",
    "Centre hospitalier de Tulle",
    "AP-HM",
]
SERVICES = [
    "Service de Cardiologie",
    "SERVICE DE MÉDECINE INTERNE",
    "Service de Pneumologie",
    "Unité de Soins Intensifs",
    "Pôle Femme-Enfant",
    "Service des Urgences",
    "Service de Néphrologie",
    "Département d'Oncologie",
    "SERVICE DE CHIRURGIE DIGESTIVE",
    "Unité d'hospitalisation de courte durée",
    "Service de Gériatrie",
    "Service de Neurologie vasculaire",
    "Hôpital de jour d'Hématologie",
]
RARE = [
    "maladie de Fabry",
    "syndrome de Rett",
    "drépanocytose",
    "mucoviscidose",
    "maladie de Gaucher",
    "syndrome de Marfan",
    "maladie de Pompe",
]
SCHOOLS = [
    "école Jean Moulin",
    "collège Pierre Loti",
    "lycée Jules Verne",
    "école maternelle Les Hirondelles",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_ABBR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def _pick(rng: R, xs: list[str]) -> str:
    return xs[rng.randrange(len(xs))]


def _patient(rng: R) -> tuple[str, bool]:
    """A patient name in header/letter shapes; returns (name, female)."""
    female = rng.random() < 0.5
    first = _pick(rng, FIRSTS_F if female else FIRSTS_M)
    sur = _pick(rng, SURNAMES)
    shape = rng.randrange(9)
    civ = "Mme" if female else _pick(rng, ["M.", "Mr", "Monsieur"])
    return [
        f"{sur.upper()} {first}",
        f"{sur.upper()}, {first.upper()}",
        f"{first} {sur.upper()}",
        f"{civ} {sur.upper()} {first}",
        f"{civ} {first} {sur}",
        f"{sur.upper()} {first.upper()}",
        f"{first} {sur}",
        f"{civ} {sur.upper()}",
        f"{sur.upper()} née {_pick(rng, SURNAMES).upper()} {first}" if female else f"{sur.upper()} {first}",
    ][shape], female


def _staff(rng: R) -> str:
    sur = _pick(rng, STAFF_SURNAMES)
    first = _pick(rng, FIRSTS_F + FIRSTS_M)
    return _pick(
        rng,
        [
            f"{sur.upper()} {first}",
            f"{first} {sur.upper()}",
            f"{first} {sur}",
            f"{first[0]}. {sur}",
            f"{sur.upper()}",
            f"{sur}",
        ],
    )


def _nir(rng: R, valid: bool | None = None) -> str:
    sex = rng.choice("12")
    body = f"{sex}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    key = nir_key(body)
    if valid is False or (valid is None and rng.random() < 0.5):
        key = (key + rng.randint(1, 50)) % 97 or 1
    d = body + f"{key:02d}"
    shape = rng.randrange(6)
    if shape == 0:
        return f"{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:10]} {d[10:13]} {d[13:]}"
    if shape == 1:
        return " ".join(d)
    if shape == 2:
        return d
    if shape == 3:
        return f"{d[:5]} {d[5:10]} {d[10:13]} {d[13:]}"
    if shape == 4:
        return f"{d[0]}.{d[1:3]}.{d[3:5]}.{d[5:7]}.{d[7:10]}.{d[10:13]} {d[13:]}"
    return f"{d[:13]} {d[13:]}"


def _digits(rng: R, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _phone(rng: R) -> str:
    d = "0" + str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + _digits(rng, 8)
    shape = rng.randrange(8)
    if shape == 0:
        return " ".join(d[i : i + 2] for i in range(0, 10, 2))
    if shape == 1:
        return f"{d[:2]} {d[2:6]} {d[6:]}"
    if shape == 2:
        return f"+33 {d[1]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:]}"
    if shape == 3:
        return f"+33 (0){d[1]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:]}"
    if shape == 4:
        return d
    if shape == 5:
        return ".".join(d[i : i + 2] for i in range(0, 10, 2))
    if shape == 6:
        return " ".join(d[i : i + 2] for i in range(0, 10, 2)) + f" poste {rng.randint(1000, 9999)}"
    return f"+33{d[1:]}"


def _date(rng: R, year: tuple[int, int] = (2023, 2025)) -> str:
    y, m, d = rng.randint(*year), rng.randint(1, 12), rng.randint(1, 28)
    shape = rng.randrange(7)
    return [
        f"{d:02d}/{m:02d}/{y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{y}-{m:02d}-{d:02d}",
        f"{d} {MONTHS[m - 1]} {y}",
        f"{d:02d}/{m:02d}/{y % 100:02d}",
        f"{d} {MONTHS_ABBR[m - 1]} {y}",
        f"{d:02d}-{m:02d}-{y}",
    ][shape]


def _bdate(rng: R) -> str:
    return _date(rng, (1930, 2020))


def _address(rng: R) -> tuple[list[tuple[str, str | None]], str]:
    """Address pieces [(text, label)] and the town."""
    if rng.random() < 0.3:
        street, pc, town = _pick(rng, [f"{a}|{b}|{c}" for a, b, c in FOREIGN]).split("|")
        street = street.format(n=rng.randint(1, 120))
        return [(street, "ADDRESS"), (", ", None), (pc, "POSTCODE"), (" ", None), (town, "LOCATION")], town
    town = _pick(rng, TOWNS)
    street = f"{rng.randint(1, 140)}{_pick(rng, ['', '', ' bis', ' ter'])} {_pick(rng, STREETS)}"
    town_txt = town.upper() if rng.random() < 0.3 else town
    sep = _pick(rng, [", ", " - ", "\n", " "])
    return [
        (street, "ADDRESS"),
        (sep, None),
        (POSTCODES[town], "POSTCODE"),
        (" ", None),
        (town_txt, "LOCATION"),
    ], town


Piece = tuple[str, str | None]
Builder = Callable[[R], tuple[list[Piece], bool]]


def _header(rng: R) -> tuple[list[Piece], bool]:
    name, female = _patient(rng)
    p: list[Piece] = [
        (
            _pick(
                rng,
                ["", "", "Je vous colle l'en-tête du CR :\n", "Regardez ce compte rendu reçu ce matin 😳\n"],
            ),
            None,
        )
    ]
    p += [(_pick(rng, HOSPITALS), "HOSPITAL"), ("\n", None), (_pick(rng, SERVICES), "SERVICE"), ("\n", None)]
    if rng.random() < 0.6:
        p += [
            (_pick(rng, ["Secrétariat : ", "Tél. ", "Tel : ", "☎ "]), None),
            (_phone(rng), "PHONE"),
            ("\n", None),
        ]
    p += [(_pick(rng, ["Patient : ", "Patiente : ", "Nom : ", "", "Identité : "]), None), (name, "PERSON")]
    if rng.random() < 0.7:
        p += [
            (
                _pick(
                    rng,
                    [
                        f" - {'née' if female else 'né'} le ",
                        f", {'née' if female else 'né'}(e) le ",
                        " DDN : ",
                        "\nDate de naissance : ",
                        f" ({'née' if female else 'né'} le ",
                    ],
                ),
                None,
            ),
            (_bdate(rng), "BIRTH_DATE"),
        ]
        if p[-2][0].startswith(" ("):
            p += [(")", None)]
    if rng.random() < 0.6:
        p += [
            (_pick(rng, ["\nIPP : ", " - IPP ", "\nIPP n° ", " | IPP: ", "\nN° patient : "]), None),
            (_digits(rng, rng.choice([8, 10, 10])), "IPP"),
        ]
    if rng.random() < 0.5:
        p += [
            (_pick(rng, ["\nNDA : ", " - N° séjour ", "\nN° de séjour : ", " | Venue n° ", "\nNDA "]), None),
            (_digits(rng, rng.choice([9, 10])), "STAY_NUMBER"),
        ]
    if rng.random() < 0.3:
        p += [
            ("\n", None),
            (_pick(rng, ["Chambre 214", "ch. 12 lit B", "Lit 3", "chambre 5", "Box 7"]), "WARD_ROOM"),
        ]
    p += [
        (
            _pick(rng, ["\nHospitalisation du ", "\nDate d'entrée : ", "\nConsultation du ", "\nAdmis le "]),
            None,
        ),
        (_date(rng), "DATE"),
    ]
    p += [("\n", None)]
    p += [
        (
            _pick(
                rng,
                [
                    "Motif : douleur thoracique",
                    "Motif : AEG",
                    "Motif : chute à domicile",
                    "Motif : dyspnée fébrile",
                ],
            ),
            None,
        )
    ]
    return p, True


def _prescription(rng: R) -> tuple[list[Piece], bool]:
    name, _ = _patient(rng)
    staff = _staff(rng)
    p: list[Piece] = [
        (
            _pick(
                rng,
                [
                    "Ordonnance reçue en pharmacie, c'est lisible pour vous ?\n",
                    "",
                    "Photo de l'ordo retranscrite :\n",
                ],
            ),
            None,
        )
    ]
    p += [
        ("Dr ", None),
        (staff, "STAFF_NAME"),
        ("\n", None),
        (_pick(rng, ["Médecine générale", "Pédiatre", "Cardiologue"]), None),
    ]
    addr, town = _address(rng)
    p += [("\n", None)] + addr
    if rng.random() < 0.7:
        p += [("\nTél : ", None), (_phone(rng), "PHONE")]
    if rng.random() < 0.5:
        p += [("\nRPPS : ", None), ("10" + _digits(rng, 9), "OTHER_ID")]
    p += [(_pick(rng, ["\n\n", "\nLe ", "\nFait le "]), None), (_date(rng), "DATE")]
    p += [(_pick(rng, ["\n", "\nPour : ", "\n"]), None), (name, "PERSON")]
    if rng.random() < 0.5:
        p += [(_pick(rng, [" (", ", "]), None), (f"{rng.randint(2, 95)} ans", "AGE")]
        if p[-2][0] == " (":
            p += [(")", None)]
    p += [("\nAmoxicilline 1 g : 1 cp matin et soir pendant 7 jours\nParacétamol 1 g si douleur", None)]
    return p, True


def _letter(rng: R) -> tuple[list[Piece], bool]:
    name, female = _patient(rng)
    staff, intern = _staff(rng), _staff(rng)
    dest = _staff(rng)
    p: list[Piece] = [
        (
            _pick(
                rng,
                [
                    "",
                    "Lettre de sortie de ma patiente, vous en pensez quoi ?\n",
                    "Copié-collé du courrier :\n",
                ],
            ),
            None,
        )
    ]
    p += [(_pick(rng, ["Cher confrère,\n", "Chère consœur,\n", "Docteur ", "Au Dr "]), None)]
    if p[-1][0] in ("Docteur ", "Au Dr "):
        p += [(dest, "STAFF_NAME"), (",\n", None)]
    p += [
        (
            _pick(
                rng,
                ["J'ai vu en consultation ", "Votre patient(e) ", "Nous avons hospitalisé ", "J'ai reçu "],
            ),
            None,
        ),
        (name, "PERSON"),
    ]
    if rng.random() < 0.6:
        p += [(_pick(rng, [", née le ", ", né(e) le ", " (DDN ", ", "]), None)]
        if p[-1][0] == ", ":
            p += [(f"{rng.randint(18, 97)} ans", "AGE")]
        else:
            p += [(_bdate(rng), "BIRTH_DATE")]
            if p[-2][0] == " (DDN ":
                p += [(")", None)]
    if rng.random() < 0.5:
        addr, _ = _address(rng)
        p += [(", demeurant ", None)] + addr
    p += [(_pick(rng, [", du ", ", hospitalisé(e) du ", " le "]), None), (_date(rng), "DATE")]
    if rng.random() < 0.4:
        p += [(" au ", None), (_date(rng), "DATE")]
    p += [
        (
            _pick(rng, [" pour une pneumopathie.", " pour décompensation cardiaque.", " pour un bilan de "]),
            None,
        )
    ]
    if p[-1][0].endswith("de "):
        p += [(_pick(rng, RARE), "RARE_DISEASE"), (".", None)]
    p += [
        ("\n", None),
        (
            _pick(
                rng,
                [
                    "Interne : ",
                    "Externe : ",
                    "Rédigé par ",
                    "Dicté par le Dr ",
                    "Signé : Dr ",
                    "Médecin senior : Dr ",
                ],
            ),
            None,
        ),
        (staff, "STAFF_NAME"),
    ]
    if rng.random() < 0.5:
        p += [(_pick(rng, ["\nInterne : ", " / Interne ", "\nCopie : Dr "]), None), (intern, "STAFF_NAME")]
    if rng.random() < 0.3:
        p += [("\n", None), (_pick(rng, HOSPITALS), "HOSPITAL")]
    return p, True


def _lab(rng: R) -> tuple[list[Piece], bool]:
    name, _ = _patient(rng)
    p: list[Piece] = [
        (_pick(rng, ["Capture du labo, la CRP vous inquiète ?\n", "", "Résultats reçus :\n"]), None)
    ]
    p += [(_pick(rng, ["LABORATOIRE DE BIOLOGIE MÉDICALE\n", "Laboratoire Bio-Santé\n", ""]), None)]
    p += [(_pick(rng, ["Patient : ", "Nom/Prénom : ", "", "Dossier de "]), None), (name, "PERSON")]
    if rng.random() < 0.6:
        p += [(_pick(rng, [" Né(e) le : ", " DDN ", " - "]), None), (_bdate(rng), "BIRTH_DATE")]
    if rng.random() < 0.5:
        p += [
            (_pick(rng, ["\nN° SS : ", "\nNIR : ", "\nN° sécu ", "\nSécurité sociale : ", "\nINS : "]), None),
            (_nir(rng), "NIR"),
        ]
    if rng.random() < 0.5:
        p += [(_pick(rng, ["\nN° demande : ", "\nDossier ", "\nIPP "]), None), (_digits(rng, 10), "IPP")]
    p += [(_pick(rng, ["\nPrélevé le ", "\nPrélèvement du ", "\nEdité le "]), None), (_date(rng), "DATE")]
    p += [("\nCRP 187 mg/L (N < 5)\nLeucocytes 15,2 G/L\nCréatinine 112 µmol/L", None)]
    if rng.random() < 0.4:
        p += [("\nPrescripteur : Dr ", None), (_staff(rng), "STAFF_NAME")]
    return p, True


def _chat_paste(rng: R) -> tuple[list[Piece], bool]:
    """A short chat message quoting bits of a record inline."""
    name, female = _patient(rng)
    shape = rng.randrange(7)
    if shape == 0:
        return [
            ("Quelqu'un connaît ", None),
            (name, "PERSON"),
            (" ? Elle m'a donné comme numéro le ", None),
            (_phone(rng), "PHONE"),
            (", suivie pour ", None),
            (_pick(rng, RARE), "RARE_DISEASE"),
        ], True
    if shape == 1:
        return [
            ("Pour la patiente de la chambre ", None),
            (str(rng.randint(1, 40)), "WARD_ROOM"),
            (", NIR ", None),
            (_nir(rng), "NIR"),
            (", la carte vitale ne passe pas, vous faites comment ?", None),
        ], True
    if shape == 2:
        return [
            ("Le dossier IPP ", None),
            (_digits(rng, 10), "IPP"),
            (" est bloqué depuis le ", None),
            (_date(rng), "DATE"),
            (", patient sous insuline, quelqu'un peut débloquer ?", None),
        ], True
    if shape == 3:
        addr, _ = _address(rng)
        return [("VAD demain chez ", None), (name, "PERSON"), (", ", None)] + addr + [
            (", pansement d'ulcère, code porte 1234B", None)
        ], True
    if shape == 4:
        return [
            ("Mail de la famille du patient : ", None),
            (f"{_pick(rng, SURNAMES).lower().replace(' ', '')}.{rng.randint(10, 99)}@exemple.fr", "EMAIL"),
            (", ils veulent le CR d'hospitalisation", None),
        ], True
    if shape == 5:
        return [
            ("Rappeler ", None),
            (name, "PERSON"),
            (_pick(rng, [" au ", " sur son portable ", " : "]), None),
            (_phone(rng), "PHONE"),
            (" pour ses résultats de biopsie", None),
        ], True
    return [
        ("Mon patient ", None),
        (name, "PERSON"),
        (", ", None),
        (f"{rng.randint(5, 17)} ans", "AGE"),
        (", au ", None),
        (_pick(rng, SCHOOLS), "SCHOOL"),
        (", asthme mal contrôlé, je le revois ", None),
        (_date(rng), "DATE"),
    ], True


def _negative(rng: R) -> tuple[list[Piece], bool]:
    """Clinical talk with no identifier (what must not be flagged)."""
    return [
        (
            _pick(
                rng,
                [
                    "CRP 187 mg/L, leucocytes 15,2 G/L : vous mettez une C3G d'emblée ?",
                    "Ordonnance type pour une cystite simple : fosfomycine 3 g en dose unique.",
                    "Compte rendu type : patient de la soixantaine, BPCO, exacerbation, VNI 48 h, retour à domicile.",
                    "Quel protocole pour l'HBPM après PTH ? Lovenox 4000 UI pendant 35 jours chez nous.",
                    "IRM cérébrale sans anomalie, EEG normal, on oriente vers une crise fonctionnelle ?",
                    "Le score de Wells est à 4, on fait l'angioscanner directement.",
                    "Quelqu'un a la dernière reco HAS sur le dépistage du cancer colorectal ?",
                    "Patiente [nom retiré], [âge], hospitalisée pour pyélonéphrite, évolution favorable sous ceftriaxone.",
                    "Kaliémie à 6,2 mmol/L sous IEC + spironolactone, vous arrêtez les deux ?",
                    "Le service de cardiologie recrute un PH temps plein, contactez le secrétariat du pôle.",
                    "HbA1c 9,1 % malgré metformine 1000 mg x2 : on ajoute un iSGLT2 ou un GLP1 ?",
                    "ECG : RSR 72/min, PR 160 ms, QRS fins, pas de trouble de repolarisation.",
                ],
            ),
            None,
        )
    ], False


BUILDERS: dict[str, Builder] = {
    "header": _header,
    "prescription": _prescription,
    "letter": _letter,
    "lab": _lab,
    "chat": _chat_paste,
    "negative": _negative,
}
COUNTS = {"header": 70, "prescription": 50, "letter": 60, "lab": 50, "chat": 50, "negative": 20}


def _assemble(pieces: list[Piece]) -> tuple[str, list[dict[str, Any]]]:
    text, ents, pos = "", [], 0
    for frag, label in pieces:
        if label is not None:
            ents.append({"start": pos, "end": pos + len(frag), "label": label, "text": frag})
        text += frag
        pos += len(frag)
    return text, ents


def build(seed: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for kind, n in COUNTS.items():
        for _ in range(n):
            pieces, identifying = BUILDERS[kind](rng)
            text, ents = _assemble(pieces)
            rows.append(
                {
                    "id": f"c{len(rows):04d}",
                    "text": text,
                    "lang": "fr",
                    "identifying": identifying,
                    "entities": ents,
                    "template": kind,
                    "split": "dev",
                }
            )
    for r in rows:
        for e in r["entities"]:
            assert r["text"][e["start"] : e["end"]] == e["text"] and not re.match(r"\s", e["text"])
    return rows


def main() -> None:
    out = Path(__file__).parent / "data" / "dev_clinical.jsonl"
    rows = build()
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
