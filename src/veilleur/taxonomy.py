"""The one taxonomy of harm and secrecy categories, and the severity scale, used everywhere."""

from __future__ import annotations

from enum import IntEnum

DISCRIMINATION_GROUNDS: tuple[str, ...] = (
    "sex_gender",
    "sexual_orientation",
    "origin_race",
    "religion",
    "disability_health",
    "body_weight",
    "age",
    "other",
)

HARM_CATEGORIES: tuple[str, ...] = (
    "insult",
    "threat",
    "harassment",
    "raid",
    "doxxing",
    "sexual",
    "defamation_risk",
    "patient_mockery",
    *(f"discrimination:{g}" for g in DISCRIMINATION_GROUNDS),
)

SECRECY_CATEGORIES: tuple[str, ...] = (
    "patient_identifiable_text",
    "patient_photo",
    "minor_in_media",
    "nudity",
    "dicom_phi",
    "exif_location",
    "text_in_image",
)

CATEGORIES: tuple[str, ...] = HARM_CATEGORIES + SECRECY_CATEGORIES

LABELS: dict[str, tuple[str, str]] = {
    "insult": ("Injure", "Insult"),
    "threat": ("Menace", "Threat"),
    "harassment": ("Harcèlement", "Harassment"),
    "raid": ("Raid coordonné", "Coordinated raid"),
    "doxxing": ("Divulgation d'informations personnelles (doxxing)", "Doxxing"),
    "sexual": ("Contenu sexuel", "Sexual content"),
    "defamation_risk": ("Risque de diffamation", "Defamation risk"),
    "patient_mockery": ("Moquerie envers un patient", "Patient mockery"),
    "discrimination:sex_gender": ("Discrimination : sexe / genre", "Discrimination: sex / gender"),
    "discrimination:sexual_orientation": (
        "Discrimination : orientation sexuelle",
        "Discrimination: sexual orientation",
    ),
    "discrimination:origin_race": ("Discrimination : origine", "Discrimination: origin / race"),
    "discrimination:religion": ("Discrimination : religion", "Discrimination: religion"),
    "discrimination:disability_health": (
        "Discrimination : handicap / santé",
        "Discrimination: disability / health",
    ),
    "discrimination:body_weight": ("Discrimination : corps / poids", "Discrimination: body / weight"),
    "discrimination:age": ("Discrimination : âge", "Discrimination: age"),
    "discrimination:other": ("Discrimination : autre", "Discrimination: other"),
    "patient_identifiable_text": ("Patient identifiable (texte)", "Identifiable patient (text)"),
    "patient_photo": ("Photo de patient", "Patient photo"),
    "minor_in_media": ("Mineur sur un média", "Minor in media"),
    "nudity": ("Nudité", "Nudity"),
    "dicom_phi": ("Données identifiantes DICOM", "DICOM identifying data"),
    "exif_location": ("Localisation EXIF", "EXIF location"),
    "text_in_image": ("Texte identifiant dans une image", "Identifying text in image"),
}


class Severity(IntEnum):
    """How urgently a finding needs a human. Ordered: compare with < and >."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: str | int | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; expected one of {', '.join(s.name.lower() for s in cls)}"
            ) from None


def is_category(name: str) -> bool:
    return name in CATEGORIES


def check_category(name: str) -> str:
    if name not in CATEGORIES:
        raise ValueError(f"unknown category {name!r}; see veilleur.taxonomy.CATEGORIES")
    return name


def is_secrecy(name: str) -> bool:
    return name in SECRECY_CATEGORIES


def label(name: str, lang: str = "fr") -> str:
    fr, en = LABELS.get(name, (name, name))
    return fr if lang == "fr" else en
