"""Recognizers for French (and English) patient identifiers that Presidio lacks: NIR, phones, IPP,
RPPS/ADELI, ages, dates, rooms, initials, hospitals, schools, addresses, towns, rare diseases."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from veilleur.detect.secrecy.lexicon import PERSON_NOUNS, fold, lexicon

Hit = tuple[int, int, str, float]  # start, end, label, score
Finder = Callable[[str], list[Hit]]


# --- validators ---------------------------------------------------------------------------------


def nir_is_valid(value: str) -> bool:
    """French social-security number (NIR, 15 chars): key = 97 - (number mod 97); Corsica 2A/2B."""
    s = re.sub(r"[\s.-]", "", value).upper()
    if len(s) != 15 or s[0] not in "12345678":
        return False
    body, key = s[:13], s[13:]
    if not key.isdigit():
        return False
    # Corsican departments: 2A counts as 19 and 2B as 18 in the key computation.
    try:
        number = nir_number(body)
    except ValueError:
        return False
    month = int(s[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return 97 - (number % 97) == int(key)


def nir_number(body13: str) -> int:
    b = body13.upper()
    if b[5:7] == "2A":
        return int(b[:5] + "19" + b[7:])
    if b[5:7] == "2B":
        return int(b[:5] + "18" + b[7:])
    return int(b)


def nir_key(body13: str) -> int:
    """The key of a 13-character NIR body (used to write valid fictional NIRs in tests and data)."""
    return 97 - (nir_number(body13) % 97)


def luhn_is_valid(digits: str) -> bool:
    d = [int(c) for c in digits if c.isdigit()]
    if len(d) < 2:
        return False
    total = 0
    for i, n in enumerate(reversed(d)):
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def rpps_is_valid(value: str) -> bool:
    """RPPS: 11 digits, Luhn-valid (the national directory's numbers start with 10)."""
    d = re.sub(r"\D", "", value)
    return len(d) == 11 and luhn_is_valid(d)


# --- finders ------------------------------------------------------------------------------------

MONTHS_FR = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
NAME = rf"[{UPPER}][a-zà-ÿ'’]+(?:-[{UPPER}][a-zà-ÿ]+)?"

_NIR = re.compile(r"(?<![\w])[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}(?!\w)", re.I)
_PHONE_FR = re.compile(r"(?<![\w+])(?:(?:\+|00)33\s?\(?0?\)?\s?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)")
_PHONE_EN = re.compile(
    r"(?<![\w+])(?:\+44\s?\d{4}|\b0\d{4})\s?\d{3}\s?\d{3}(?!\d)"  # UK
    r"|(?<![\w+])(?:\+1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"  # North America
)
_IPP = re.compile(
    r"(?<![\w])(?:IPP|NIP|NDA|MRN|NHS(?:\s+number)?|n°\s*(?:de\s+)?dossier|num[ée]ro\s+de\s+dossier|"
    r"dossier(?:\s+n°)?|patient\s+ID|hospital\s+number|record\s+(?:number|no\.?))"
    r"\s*(?:n°|no\.?|#|:)?\s*[A-Z]{0,3}[\s-]?\d[\d\s-]{4,14}\d(?!\d)",
    re.I,
)
_RPPS = re.compile(r"(?<![\w])(?:RPPS|ADELI)\s*(?:n°|no\.?|:)?\s*(\d[\d\s]{7,13}\d)(?!\d)", re.I)
_BARE_RPPS = re.compile(r"(?<!\d)10\d{9}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+\w")
_ROOM = re.compile(
    r"(?<![\w])(?:chambre|ch\.|lit|box|salle|bed|room|bay|cubicle|rm\.?)\s*(?:n°|no\.?|#)?\s*\d{1,4}[A-Z]?(?!\w)",
    re.I,
)
_INITIALS = re.compile(
    rf"(?<![\w])(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame|patiente?|patient)\s+[{UPPER}]\.(?:\s?[{UPPER}]\.)?"
    rf"|(?<![\w.])[{UPPER}]\.[{UPPER}]\.(?!\w)"
)
_CIVIL_NAME = re.compile(
    rf"(?<![\w])(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame)\s+{NAME}(?:\s+{NAME})?"
)
_DATE_FR = re.compile(
    rf"(?<![\w])(?:(?:le\s+)?(?:1er|\d{{1,2}})\s+(?:{MONTHS_FR})(?:\s+\d{{4}})?|(?:en\s+)?(?:{MONTHS_FR})\s+\d{{4}})(?!\w)",
    re.I,
)
_DATE_EN = re.compile(
    rf"(?<![\w])(?:(?:{MONTHS_EN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS_EN})(?:,?\s+\d{{4}})?)(?!\w)"
)
_DATE_NUM = re.compile(r"(?<![\w/.])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/])")
_BIRTH_YEAR = re.compile(r"(?<![\w])(?:née?s?|born)\s+(?:en|in)\s+(?:19|20)\d{2}(?!\d)", re.I)
_AGE_FR = re.compile(
    r"(?<![\w,.])(\d{1,3})\s*(?:ans|an|a)(?:\s+et\s+demi)?(?!\w)|(?<![\w,.])(\d{1,2})\s*(mois|semaines|jours)(?!\w)",
    re.I,
)
_AGE_EN = re.compile(
    r"(?<![\w,.])(\d{1,3})[\s-](?:years?|yrs?|months?|weeks?)[\s-]old(?!\w)"
    r"|(?<![\w,.])(\d{1,3})\s?(?:yo|y/o|y\.o\.)(?!\w)"
    r"|(?<![\w])(?:aged|age)\s+(\d{1,3})(?!\w)",
    re.I,
)
_AGE_PREFIX = re.compile(r"(?:âgée?s?|agée?s?)\s+de\s+$|\bde\s+$|\(\s*$|,\s*$|^\s*$", re.I)
_DURATION_BEFORE = re.compile(
    r"(?:depuis|il y a|pendant|après|apres|dans|tous les|toutes les|pour|sur|durant|en|sous|plus de|moins de|"
    r"environ|ces|les|for|ago|over|in|after|within|every|since|last|next|past)\s+$",
    re.I,
)
_PERSON_NOUN = re.compile(
    rf"(?:{PERSON_NOUNS}|[A-Z]\.|\b[A-Z][a-zé]+)\s*,?\s*(?:de\s+|âgée?\s+de\s+|\(\s*)?$",
    re.I,
)


_HOSPITAL_FR = re.compile(
    rf"(?<![\w])(?:CHU|CHRU|CHR|CHI|CH|AP-HP|hôpital|hopital|clinique|polyclinique|centre hospitalier(?:\s+universitaire)?|"
    rf"EHPAD|maternité|centre de rééducation|IME|CMP|CMPP)"
    rf"(?:\s+(?:de la|de l'|du|des|de|d'|Saint-|Sainte-)?\s?[{UPPER}][\w'’-]+(?:[\s-](?:de\s+|sur\s+|la\s+|le\s+)?[{UPPER}][\w'’-]+)*)",
)
_HOSPITAL_EN = re.compile(
    rf"(?<![\w])(?:St\.?\s+|Saint\s+)?[{UPPER}][\w'’]+(?:\s+[{UPPER}][\w'’]+){{0,3}}\s+"
    r"(?:Hospital|Infirmary|Medical Cent(?:er|re)|Clinic|Children's Hospital|Memorial|Health Centre|Nursing Home|Hospice)"
    r"(?![\w])"
)
_SERVICE = re.compile(
    r"(?<![\w])(?:(?:service|unité|département)\s+(?:de\s+|d'|des\s+)?|en\s+)"
    r"(?:cardiologie|cardio|pédiatrie|pneumologie|néphrologie|neurologie|oncologie|réanimation|réa|gériatrie|"
    r"psychiatrie|maternité|néonatologie|néonat|urgences|chirurgie(?:\s+\w+)?|médecine interne|hématologie|"
    r"gastro-entérologie|gastro|dermatologie|rhumatologie|endocrinologie|ORL|ophtalmologie|orthopédie|USIC|soins intensifs)"
    r"(?![\w])",
    re.I,
)
_SCHOOL = re.compile(
    rf"(?<![\w])(?:école|ecole|collège|college|lycée|lycee|crèche)(?:\s+(?:maternelle|primaire|élémentaire|privé|public|publique))?"
    rf"\s+(?:de la\s+|de l'|du\s+|des\s+|de\s+|d')?[{UPPER}][\w'’-]+(?:[\s-][{UPPER}][\w'’-]+)*"
    rf"|(?<![\w])[{UPPER}][\w'’]+(?:\s+[{UPPER}][\w'’]+){{0,2}}\s+(?:Primary|Elementary|High|Middle|Junior|Infant)?\s?School(?![\w])"
)
_ADDRESS = re.compile(
    r"(?<![\w])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|chemin|impasse|route|quai|"
    r"lotissement|résidence)\s+(?:de la\s+|de l'|du\s+|des\s+|de\s+|d')?[\w'’-]+(?:\s+[\w'’-]+){0,3}?(?=[,.;)]|\s+(?:à|a|in)\s|$)"
    r"|(?<![\w])\d{1,5}\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way)\.?(?![\w])",
    re.I,
)
_POSTCODE = re.compile(rf"(?<![\w])\d{{5}}\s+[{UPPER}][\w'’-]+|\(\s?\d{{2}}\s?\)")
_LIVES_IN = re.compile(
    rf"(?<![\w])(?:habite|habitant|vit|domiciliée?|originaire|venant|résidant|lives|living|from|resident of|"
    rf"de la commune de|du village de|village de|commune de)\s+(?:à|a|en|de|d'|du|in|at)?\s?"
    rf"({NAME}(?:[\s-](?:sur|sous|en|le|la|les|de|lès|du)?[\s-]?{NAME})*)"
)


def _nir(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "NIR", 1.0) for m in _NIR.finditer(text) if nir_is_valid(m.group())]


def _phones(text: str) -> list[Hit]:
    out = [(m.start(), m.end(), "PHONE", 0.9) for m in _PHONE_FR.finditer(text)]
    out += [(m.start(), m.end(), "PHONE", 0.8) for m in _PHONE_EN.finditer(text)]
    return out


def _ipp(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "IPP", 0.95) for m in _IPP.finditer(text)]


def _rpps(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _RPPS.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        # ADELI numbers (9 digits) carry no checksum; RPPS (11) must pass Luhn.
        if len(digits) == 9 or (len(digits) == 11 and luhn_is_valid(digits)):
            out.append((m.start(), m.end(), "RPPS", 0.95))
    for m in _BARE_RPPS.finditer(text):
        if rpps_is_valid(m.group()):
            out.append((m.start(), m.end(), "RPPS", 0.6))
    return out


def _email(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "EMAIL", 1.0) for m in _EMAIL.finditer(text)]


def _rooms(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _ROOM.finditer(text):
        # "box" and "salle" are ordinary words; keep them only with a number right after.
        out.append((m.start(), m.end(), "WARD_ROOM", 0.85))
    return out


def _initials(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "INITIALS", 0.85) for m in _INITIALS.finditer(text)]


def _civil_names(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "PERSON", 0.9) for m in _CIVIL_NAME.finditer(text)]


def _dates(text: str) -> list[Hit]:
    out = [(m.start(), m.end(), "DATE", 0.85) for rx in (_DATE_FR, _DATE_EN) for m in rx.finditer(text)]
    for m in _DATE_NUM.finditer(text):
        parts = re.split(r"[/.-]", m.group())
        a, b = int(parts[0]), int(parts[1])
        if (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31):
            out.append((m.start(), m.end(), "DATE", 0.8))
    out += [(m.start(), m.end(), "DATE", 0.8) for m in _BIRTH_YEAR.finditer(text)]
    return out


def age_value(span_text: str) -> float | None:
    """Age in years of a matched age expression ("34 ans" -> 34, "7 mois" -> 0.58), None if unknown."""
    m = re.search(r"(\d{1,3})\s*[-\s]?(ans|an|a|years?|yrs?|yo|y/o|y\.o\.|mois|months?|semaines|weeks?|jours)?", span_text, re.I)
    if not m:
        return None
    n = int(m.group(1))
    unit = (m.group(2) or "ans").lower()
    if unit.startswith(("mois", "month")):
        return n / 12
    if unit.startswith(("semaine", "week")):
        return n / 52
    if unit.startswith("jour"):
        return n / 365
    return float(n)


def _ages(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _AGE_FR.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        n = int(m.group(1) or m.group(2))
        if n > 120 or _DURATION_BEFORE.search(before):
            continue
        after = text[m.end() : m.end() + 12].lower()
        if re.match(r"\s*(?:de|d')\s+(?:traitement|suivi|évolution|retard|chimio)", after):
            continue
        if m.group(2):  # months/weeks/days: an age only when said of a baby
            if not re.search(r"(?:âgée?|bébé|nourrisson|nouveau-né|enfant|fille|garçon|fils)\s*(?:de\s+)?$", before, re.I):
                continue
        elif not (_PERSON_NOUN.search(before) or _AGE_PREFIX.search(before)):
            continue
        out.append((m.start(), m.end(), "AGE", 0.85))
    for m in _AGE_EN.finditer(text):
        n = int(next(g for g in m.groups() if g))
        if n <= 120:
            out.append((m.start(), m.end(), "AGE", 0.85))
    return out


def _hospitals(text: str) -> list[Hit]:
    out = [(m.start(), m.end(), "HOSPITAL", 0.85) for m in _HOSPITAL_FR.finditer(text)]
    out += [(m.start(), m.end(), "HOSPITAL", 0.8) for m in _HOSPITAL_EN.finditer(text)]
    out += [(m.start(), m.end(), "SERVICE", 0.6) for m in _SERVICE.finditer(text)]
    return out


def _schools(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "SCHOOL", 0.85) for m in _SCHOOL.finditer(text)]


def _addresses(text: str) -> list[Hit]:
    out = [(m.start(), m.end(), "ADDRESS", 0.85) for m in _ADDRESS.finditer(text)]
    out += [(m.start(), m.end(), "LOCATION", 0.7) for m in _POSTCODE.finditer(text)]
    return out


def _places(text: str) -> list[Hit]:
    lx = lexicon()
    out: list[Hit] = [(m.start(), m.end(), "LOCATION", 0.9) for m in lx.places_regex.finditer(text)]
    for m in _LIVES_IN.finditer(text):
        name = m.group(1)
        if fold(name) in lx.drugs or name in lx.first_names:
            continue
        out.append((m.start(1), m.end(1), "LOCATION", 0.7))
    return out


_ROLE_NOUNS_FR = (
    r"maire|adjointe? au maire|curé|pasteur|imam|rabbin|pharmacien(?:ne)?|boulang(?:er|ère)|bouch(?:er|ère)|notaire|"
    r"institut(?:eur|rice)|instit|direct(?:eur|rice)(?: d'école| de l'école| du collège)?|garagiste|factrice|facteur|"
    r"gendarme|dentiste|vétérinaire|véto|buraliste|épici(?:er|ère)|proviseure?|principale?|député(?:e)?|"
    r"sénat(?:eur|rice)|préfète?|patron(?:ne)? du bar|cafetière|cafetier|coiffeuse|coiffeur"
)
_ROLE_FR = re.compile(
    rf"\b(?:(?:l[ea]|son|sa|un|une)\s+)?(?:fils|fille|femme|mari|épouse|père|mère|frère|s(?:œ|oe)ur|"
    rf"petit-fils|petite-fille|neveu|nièce|veuve|veuf|gamin|gamine|gosse)\s+(?:du|de la|de l'|de l’|d')\s*"
    rf"(?:{_ROLE_NOUNS_FR})\b"
    rf"|\b(?:l[ea]|l'|l’)\s*(?:{_ROLE_NOUNS_FR})(?=\s+(?:de|du|d'|d’)\s*[A-Z])"
    rf"|\b(?:le seul|la seule|l'unique|l’unique)\s+(?:[a-zéèêàç-]+\s+){{0,2}}(?:du|de la|de|d'|d’)\s*"
    rf"(?:village|commune|bourg|vallée|cirque|île|canton|quartier|lycée|collège|école|(?=[A-Z]))",
    re.I,
)
_ROLE_EN = re.compile(
    r"\b(?:the|his|her)\s+(?:mayor|vicar|priest|imam|rabbi|pharmacist|baker|butcher|headteacher|head teacher|"
    r"principal|postman|postwoman|vet|dentist|MP|councillor|sheriff)'s\s+(?:son|daughter|wife|husband|mother|"
    r"father|brother|sister|kid|child)\b"
    r"|\bthe\s+(?:mayor|vicar|priest|pharmacist|baker|headteacher|head teacher|principal|MP|sheriff)(?=\s+of\s+[A-Z])"
    r"|\bthe only\s+(?:[a-z-]+\s+){0,2}(?:in|from|of)\s+(?:the\s+)?(?:village|town|valley|island|school|(?=[A-Z]))",
    re.I,
)


def _roles(text: str) -> list[Hit]:
    """A social role that singles someone out in a small place ("la fille du pharmacien", "le maire de …",
    "le seul dialysé du village")."""
    out = [(m.start(), m.end(), "ROLE", 0.8) for m in _ROLE_FR.finditer(text)]
    out += [(m.start(), m.end(), "ROLE", 0.8) for m in _ROLE_EN.finditer(text)]
    return [(s, e if text[e - 1] != " " else e - 1, lab, sc) for s, e, lab, sc in out]


def _rare_diseases(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "RARE_DISEASE", 0.9) for m in lexicon().rare_diseases.finditer(text)]


def _first_names(text: str) -> list[Hit]:
    names = lexicon().first_names
    out: list[Hit] = []
    # The lookahead lets "Little Lily" test both words: a consumed surname would hide a first name.
    for m in re.finditer(rf"(?<![\w.])({NAME})(?=(\s+(?:{NAME}|[{UPPER}]\.))?)", text):
        if m.group(1) in names:
            nxt = (m.group(2) or "").strip()
            end = m.end(1) + len(m.group(2)) if nxt and nxt not in names else m.end(1)
            out.append((m.start(), end, "PERSON", 0.75))
    return out


FINDERS: dict[str, Finder] = {
    "nir": _nir,
    "phone": _phones,
    "ipp": _ipp,
    "rpps": _rpps,
    "email": _email,
    "room": _rooms,
    "initials": _initials,
    "civil_name": _civil_names,
    "date": _dates,
    "age": _ages,
    "hospital": _hospitals,
    "school": _schools,
    "address": _addresses,
    "place": _places,
    "rare_disease": _rare_diseases,
    "role": _roles,
    "first_name": _first_names,
}

ENTITIES: tuple[str, ...] = (
    "NIR", "PHONE", "IPP", "RPPS", "EMAIL", "WARD_ROOM", "INITIALS", "PERSON", "DATE", "AGE", "HOSPITAL",
    "SERVICE", "SCHOOL", "ADDRESS", "LOCATION", "RARE_DISEASE", "ROLE",
)


class FinderRecognizer(EntityRecognizer):  # type: ignore[misc]
    """A Presidio recognizer wrapping one of our finder functions (regex + validation + context)."""

    def __init__(self, key: str, finder: Finder, language: str) -> None:
        self._finder = finder
        super().__init__(
            supported_entities=list(ENTITIES), name=f"veilleur_{key}_{language}", supported_language=language
        )

    def load(self) -> None:  # nothing to load: regexes compile at import
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        return [
            RecognizerResult(entity_type=label, start=s, end=e, score=score)
            for s, e, label, score in self._finder(text)
            if not entities or label in entities
        ]


def build_recognizers(language: str) -> list[FinderRecognizer]:
    return [FinderRecognizer(key, f, language) for key, f in FINDERS.items()]
