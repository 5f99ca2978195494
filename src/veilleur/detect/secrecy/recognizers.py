"""Recognizers for French (and English) patient identifiers that Presidio lacks: NIR, phones, IPP,
RPPS/ADELI, ages, dates, rooms, initials, hospitals, schools, addresses, towns, rare diseases."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from veilleur.detect.secrecy.clinical import FINDERS_MORE
from veilleur.detect.secrecy.clinical3 import FINDERS_ROUND3
from veilleur.detect.secrecy.clinical4 import FINDERS_ROUND4
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


_HAS_DIGIT = re.compile(r"\d")  # most finders need a digit: skipping them on texts without one is free speed


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


@lru_cache(maxsize=16)
def _tokens(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The text's words as written and folded (computed once per text for the finders' pre-checks)."""
    return frozenset(re.findall(r"\w+", text)), frozenset(re.findall(r"\w+", fold(text)))


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per (start, end, label), the best score kept (several patterns may find the same span)."""
    best: dict[tuple[int, int, str], Hit] = {}
    for h in hits:
        k = (h[0], h[1], h[2])
        if k not in best or h[3] > best[k][3]:
            best[k] = h
    return sorted(best.values())


MONTHS_FR = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    r"janv\.?|févr\.?|fevr\.?|fév\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|déc\.?|dec\.?"
)
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
NAME = rf"[{UPPER}][a-zà-ÿ'’]+(?:-[{UPPER}][a-zà-ÿ]+)?"

_NIR = re.compile(r"(?<![\w])[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}(?!\w)", re.I)
_PHONE_FR = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[ .\-]?\d){8}(?![\d])"
    r"(?:\s*(?:poste|postes|p\.|ext\.?)\s*\d{2,5})?",
    re.I,
)
# Other international numbers: +CC then 7 to 12 digits in any grouping.
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)(?!33)[1-9]\d{0,2}(?:[ .\-]?\(?\d\)?){7,12}(?!\d)")
# After a phone word, any number of 4+ digits (internal extensions, DECT, bips).
_PHONE_WORD = re.compile(
    r"(?:\bt[ée]l(?:[ée]phone)?\.?|\bportable|\bmobile|\bfax|\bstandard|\bDECT|\bbip|\bposte|\bphone|\bjoignable|"
    r"\bappele[rz]?|\brappele[rz]?|☎|📞)\s*(?:au|le|:|n°|direct|perso)?\s*:?\s*"
    r"((?:\+\d{1,3}[ .\-]?)?\d(?:[ .\-]?\d){3,11})(?!\d)",
    re.I,
)
_PHONE_EN = re.compile(
    r"(?<![\w+])(?:\+44\s?\d{4}|\b0\d{4})\s?\d{3}\s?\d{3}(?!\d)"  # UK
    r"|(?<![\w+])(?:\+1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"  # North America
)
_IPP = re.compile(
    r"(?<![\w])(?:IPP|NIP|NDA|MRN|NHS(?:\s+number)?|n°\s*(?:de\s+)?dossier|num[ée]ro\s+de\s+dossier|"
    r"dossier(?:\s+n°)?|patient\s+ID|hospital\s+number|record\s+(?:number|no\.?))"
    r"[ \t]*(?:n°|no\.?|#|:)?[ \t]*[A-Z]{0,3}[ \t-]?\d[\d \t-]{4,14}\d(?!\d)",
    re.I,
)
_RPPS = re.compile(r"(?<![\w])(?:RPPS|ADELI)\s*(?:n°|no\.?|:)?\s*(\d[\d\s]{7,13}\d)(?!\d)", re.I)
_BARE_RPPS = re.compile(r"(?<!\d)10\d{9}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+\w")
_ROOM = re.compile(
    r"(?<![\w])(?:chambre|ch\.|lit|box|salle|bed|room|bay|cubicle|rm\.?)\s*(?:n°|no\.?|#|:)?\s*\d{1,4}[A-Z]?(?:\s*(?:-|,)?\s*lit\s*(?:\d{1,2}|(?-i:[A-D])\b))?(?!\w)"
    r"|(?<![\w])lit\s+(?-i:[A-D])(?![\w'’])",
    re.I,
)
_INITIALS = re.compile(
    rf"(?<![\w])(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame)\s+[{UPPER}]\.(?:\s?[{UPPER}]\.)?"
    # "patient M. Dupont": after a patient word, "M." is a civility when a name follows it (round 4)
    rf"|(?<![\w])(?:patiente?|patient)\s+[{UPPER}]\.(?:\s?[{UPPER}]\.)?(?![ \t]?[{UPPER}][a-zà-ÿ]{{2,}})"
    rf"|(?<![\w.])[{UPPER}]\.[{UPPER}]\.(?!\w)"
)
_CIVIL_NAME = re.compile(
    rf"(?<![\w])(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame)\s+{NAME}(?:\s+{NAME})?"
)
_DATE_FR = re.compile(
    rf"(?<![\w])(?:(?:le\s+)?(?:1er|\d{{1,2}})[\s-]+(?:{MONTHS_FR})(?:[\s-]+\d{{4}})?|(?:en\s+)?(?:{MONTHS_FR})\s+\d{{4}})(?![\w])",
    re.I,
)
_DATE_EN = re.compile(
    rf"(?<![\w])(?:(?:{MONTHS_EN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS_EN})(?:,?\s+\d{{4}})?)(?!\w)"
)
_DATE_NUM = re.compile(r"(?<![\w/.])\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?(?:\d{4}|\d{2})(?![\w/])")
_DATE_ISO = re.compile(r"(?<![\w/.-])(?:19|20)\d{2}-\d{2}-\d{2}(?![\w/])")
# After a birth or date word, also "12 03 1985", "12031985" and "03/1985".
_DATE_AFTER_WORD = re.compile(
    r"(?:\bn[ée]e?(?:\(e\))?s?\s+le|\bDDN|\bdate\s+de\s+naissance|\bn[ée]e?\(?e?\)?\s*:|\bdate|\ble|\bdu|\bau|\bDOB)\s*:?\s*"
    r"(\d{2}\s\d{2}\s(?:19|20)\d{2}|\d{2}(?:0[1-9]|1[0-2])(?:19|20)\d{2}|(?:0?[1-9]|1[0-2])/(?:19|20)\d{2})(?![\w/])",
    re.I,
)
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
_AGE_PREFIX = re.compile(
    r"(?:âgée?s?|agée?s?)\s+de\s+$|\bde\s+$|\(\s*$|,\s*$|^\s*$|\bâge\s*:?\s*$|\bage\s*:\s*$|[-–/|]\s*$|\n\s*$",
    re.I,
)
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
    rf"(?<![\w])(?:(?:CHU|CHRU|CHR|CHIC|CHI|CHS|CHD|CHG|CH|GHU|GHT|GHI|GHPSO|GH|HIA|AP-HP|APHP|AP-HM|APHM|HCL|EPSM)(?![\w-])|"
    rf"(?i:hôpital|hopital|hospices?\s+civils|clinique|polyclinique|centre\s+hospitalier(?:\s+universitaire|\s+intercommunal|"
    rf"\s+régional|\s+spécialisé)?|groupe\s+hospitalier|groupement\s+hospitalier|institut|fondation|ehpad|maternité|"
    rf"centre\s+de\s+rééducation|centre\s+de\s+lutte\s+contre\s+le\s+cancer|IME|CMPP|CMP|SSR))"
    rf"(?:[ \t]+(?i:privée?|universitaire|mutualiste|psychiatrique|pédiatrique|militaire|d'instruction des armées|"
    rf"intercommunal|régional|départemental))?"
    rf"(?:[ \t]*[-–]?[ \t]*(?:de la |de l'|du |des |de |d'|Saint-|Sainte-|St-|Ste-|(?i:DE LA |DU |DES |DE |D'))?[{UPPER}][\w'’-]+"
    rf"(?:(?:[ \t]+[-–&][ \t]+|[ \t-])(?:de[ \t]+|sur[ \t]+|la[ \t]+|le[ \t]+|les[ \t]+|et[ \t]+|(?i:DE |SUR |LA |LE ))?[{UPPER}][\w'’-]+){{0,5}})"
    rf"|(?<![\w])(?:AP-HP|APHP|AP-HM|APHM|HCL|HEGP|CHU|CHRU|(?!CHF|CHEST|CHIR|CHOP|CHOC)CH[A-Z]{{1,5}}|GH[A-Z]{{1,4}})(?![\w-])(?:[ \t]+[{UPPER}][\w'’-]+(?:-[{UPPER}][\w'’-]+)*)?"
    rf"|(?<![\w])Centre\s+(?:Léon\s+Bérard|Oscar\s+Lambret|François\s+Baclesse|Antoine\s+Lacassagne|Jean\s+Perrin|Eugène\s+Marquis|Henri\s+Becquerel)",
)
_HOSPITAL_EN = re.compile(
    rf"(?<![\w])(?:St\.?[ \t]+|Saint[ \t]+)?[{UPPER}][\w'’]+(?:[ \t]+[{UPPER}][\w'’]+){{0,3}}[ \t]+"
    r"(?:Hospital|Infirmary|Medical Cent(?:er|re)|Clinic|Children's Hospital|Memorial|Health Centre|Nursing Home|Hospice)"
    r"(?![\w])"
)
_SPECIALTIES = (
    r"cardiologie|cardio|pédiatrie|pneumologie|néphrologie|neurologie|oncologie|réanimation|réa|gériatrie|"
    r"psychiatrie|maternité|néonatologie|néonat|urgences|chirurgie(?:\s+[a-zé-]+)?|médecine(?:\s+[a-zé-]+)?|hématologie|"
    r"gastro-entérologie|hépato-gastro-entérologie|gastro|dermatologie|rhumatologie|endocrinologie|ORL|ophtalmologie|"
    r"orthopédie|USIC|soins\s+intensifs(?:\s+[a-zé-]+)?|soins\s+continus|soins\s+palliatifs|gynécologie(?:[-\s]obstétrique)?|"
    r"obstétrique|urologie|infectiologie|maladies\s+infectieuses(?:\s+et\s+tropicales)?|addictologie|anesthésie|radiologie|"
    r"imagerie(?:\s+médicale)?|biologie(?:\s+médicale)?|explorations\s+fonctionnelles|rééducation|SSR|allergologie|"
    r"hépatologie|diabétologie|court\s+séjour|hospitalisation\s+de\s+courte\s+durée|courte\s+durée|accueil\s+des\s+urgences|"
    r"neurochirurgie|neurologie\s+vasculaire|pédopsychiatrie|néonatalogie|femme-enfant|mère-enfant|tête\s+et\s+cou"
)
_SERVICE_HEAD = re.compile(
    rf"(?<![\w])(?i:service|unité|département|pôle|hôpital\s+de\s+jour|HDJ|UF)\s+(?i:de\s+la\s+|de\s+l'|de\s+|d'|des\s+|du\s+)?"
    rf"(?:(?i:{_SPECIALTIES})|[{UPPER}][\w'’-]+(?:\s+(?:et\s+|de\s+|d')?[\w'’-]+){{0,3}}?)(?=\s*(?:[\n,.;:)(/|]|-\s|$))"
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
    r"(?<![\w])\d{1,4}(?:\s?(?:bis|ter|[A-C]))?,?[ \t]+(?:rue|avenue|av\.|boulevard|bd|place|allée|chemin|impasse|route|quai|"
    r"lotissement|résidence|cours|square|sentier|voie|hameau|lieu-dit|cité|faubourg|rond-point|parvis|esplanade|promenade)"
    r"[ \t]+(?:de la[ \t]+|de l'|du[ \t]+|des[ \t]+|de[ \t]+|d')?[\w'’-]+(?:[ \t]+[\w'’-]+){0,4}?"
    r"(?=[,.;)\n]|[ \t]+(?:à|a|in)[ \t]|[ \t]+[-–—][ \t]|[ \t]+\d{5}|$)"
    # Belgian, Swiss, Italian, Spanish, Portuguese, German orders: street word, name, number.
    r"|(?<![\w])(?:Rue|Avenue|Chaussée|Chemin|Boulevard|Place|Quai|Route|Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Paseo|Carrer|"
    r"Rua|Travessa|Largo)[ \t]+(?:[\w'’-]+[ \t]+){0,4}?\d{1,4}[a-zA-Z]?(?![\w])"
    r"|(?<![\w])[A-ZÄÖÜ][\wäöüß-]*(?:strasse|straße|gasse|weg|platz|allee|ring|damm|laan|straat|plein)[ \t]+\d{1,4}[a-zA-Z]?(?![\w])"
    r"|(?<![\w])\d{1,5}[A-Z]?[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+(?:Street|Road|Avenue|Lane|Drive|Close|Way|Crescent|Terrace|Gardens|Square|Place)(?![\w])"
    r"|(?<![\w])\d{1,5}\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way)\.?(?![\w])",
    re.I,
)
_POSTCODE = re.compile(rf"(?<![\w])\d{{5}}\s+[{UPPER}][\w'’-]+|\(\s?\d{{2}}\s?\)")
_TOWN = rf"[{UPPER}][\w'’]+(?:[ \t-](?:sur|sous|en|le|la|les|lès|de|du|des|SUR|SOUS|EN|LE|LA|LES|DE|DU|DES|aux|AUX)?[ \t-]?(?!CEDEX|Cedex)[{UPPER}][\w'’]+)*"
# Postcode and town, as two spans: French 5 digits ("75013 Paris", "29200 BREST CEDEX"), foreign forms after a
# country prefix or an address ("B-1040", "CH-1208 Genève", "1100-053 Lisboa", "NW1 6XE London").
_POSTCODE_TOWN = re.compile(
    rf"(?<![\w.,/-])(?P<pc>(?:F-|B-|CH-|L-|D-|I-|E-)?\d{{5}}|(?:B-|CH-|L-)\d{{4}}|\d{{4}}-\d{{3}})[ \t]+(?P<town>{_TOWN})(?:[ \t]+CEDEX(?:[ \t]+\d{{1,2}})?)?"
)
_POSTCODE_AFTER_ADDRESS = re.compile(
    rf"(?:,|\s-)?[ \t\n]*(?P<pc>\d{{4,5}}|\d{{4}}-\d{{3}}|[A-Z]{{1,2}}\d[A-Z\d]?[ \t]?\d[A-Z]{{2}})[ \t]+(?P<town>{_TOWN})"
)
_UK_POSTCODE = re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}(?![\w])")
_LIVES_IN = re.compile(
    rf"(?<![\w])(?:habite|habitant|vit|domiciliée?|originaire|venant|résidant|lives|living|from|resident of|"
    rf"de la commune de|du village de|village de|commune de)\s+(?:à|a|en|de|d'|du|in|at)?\s?"
    rf"({NAME}(?:[\s-](?:sur|sous|en|le|la|les|de|lès|du)?[\s-]?{NAME})*)"
)


# A NIR written in any grouping: digits (and 2A/2B) with single spaces, dots or dashes between any of them.
_NIR_LOOSE = re.compile(r"(?<![\w+/.,-])[1-478](?:[ .\-]?(?:2[AB]|\d)){12,14}(?![\w/])", re.I)
# Words that announce a social-security number: after them a NIR-shaped number is one even if its key is wrong.
NIR_CONTEXT = re.compile(
    r"(?:\bNIR|\bINSEE|\bINS\b|\bNSS|s[ée]cu(?:rit[ée] sociale)?|\bS\.?S\.?\b|carte vitale|immatriculation|"
    r"social security|matricule)[^\n\d]{0,20}$",
    re.I,
)


def nir_candidates(text: str) -> list[tuple[int, int, str, bool, bool]]:
    """NIR-shaped numbers: (start, end, digits, key checks, announced by a keyword). 13 characters (no key)
    or 15; month 01-12 (or the 20-42/50-99 codes of unknown months)."""
    out: list[tuple[int, int, str, bool, bool]] = []
    for m in _NIR_LOOSE.finditer(text):
        raw = m.group()
        chars = re.sub(r"[ .\-]", "", raw).upper()
        if len(chars) not in (13, 15) or not chars[1:5].isdigit():
            continue
        month = int(chars[3:5])
        if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
            continue
        keyword = bool(NIR_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]))
        out.append((m.start(), m.end(), chars, len(chars) == 15 and nir_is_valid(chars), keyword))
    return out


def _nir(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = [
        (m.start(), m.end(), "NIR", 1.0) for m in _NIR.finditer(text) if nir_is_valid(m.group())
    ]
    for s, e, chars, valid, keyword in nir_candidates(text):
        if valid or keyword:
            out.append((s, e, "NIR", 1.0 if valid else 0.9))
        elif len(chars) == 15 and chars[0] in "12":
            # 15 digits grouped like a NIR, starting with a sex digit: nothing else in care writing looks so.
            out.append((s, e, "NIR", 0.6))
    return _dedupe(out)


def _phones(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out = [(m.start(), m.end(), "PHONE", 0.9) for m in _PHONE_FR.finditer(text)]
    out += [(m.start(), m.end(), "PHONE", 0.8) for m in _PHONE_INTL.finditer(text)]
    out += [(m.start(1), m.end(1), "PHONE", 0.7) for m in _PHONE_WORD.finditer(text)]
    out = _dedupe(out)
    out += [(m.start(), m.end(), "PHONE", 0.8) for m in _PHONE_EN.finditer(text)]
    return out


# Record and stay numbers after their keyword, in any spacing: "IPP : 8001234567", "NDA 2301234567",
# "N° de séjour : 123456789", "Venue n° 2024012345", "N° patient : 00123456".
_NUM_AFTER = r"\s*(?:n°|no\.?|num(?:[ée]ro)?\.?|#|:|-)?\s*(?:n°|:)?\s*((?-i:[A-Z]{0,3})[\s-]?\d(?:[ ./-]?\d){4,15})(?![\d])"
_IPP_KW = re.compile(
    r"(?<![\w])(?:IPP|NIP|MRN|ID\s+patient|identifiant(?:\s+patient)?|n°\s*(?:de\s+)?patient|num[ée]ro\s+(?:de\s+)?patient|"
    r"n°\s*(?:de\s+)?dossier|num[ée]ro\s+de\s+dossier|dossier(?:\s+patient)?|patient\s+ID|hospital\s+number|"
    r"n°\s*(?:de\s+)?demande|NHS(?:\s+number)?|record\s+(?:number|no\.?))" + _NUM_AFTER,
    re.I,
)
_STAY_KW = re.compile(
    r"(?<![\w])(?:NDA|N\.D\.A\.|n°\s*(?:de\s+)?s[ée]jour|num[ée]ro\s+de\s+s[ée]jour|s[ée]jour\s*(?=n°|:)|venue\s*(?=n°|:)|"
    r"n°\s*(?:de\s+)?venue|n°\s*d'?\s*admission|admission\s+n°|[ée]pisode(?:\s+de\s+soins)?\s*(?=n°|:)|visite\s+n°|n°\s*(?:de\s+)?passage|"
    r"encounter|visit\s+(?:number|no\.?))" + _NUM_AFTER,
    re.I,
)
_OTHER_ID_KW = re.compile(
    r"(?<![\w])(?:FINESS|ADELI|RPPS|AMC|mutuelle|n°\s*(?:d'?)?adh[ée]rent|matricule|n°\s*(?:de\s+)?(?:prescription|"
    r"ordonnance|r[ée]f[ée]rence|r[ée]f\.?|facture|pr[ée]l[èe]vement)|r[ée]f\.?(?:\s+(?:labo|patient|dossier|externe|interne|examen))?)"
    + _NUM_AFTER,
    re.I,
)
# A bare long number (8-13 digits, no separators) that is neither a phone nor a date: in a pasted record it
# is a record, stay or lab number.
_BARE_ID = re.compile(r"(?<![\w+,./-])\d{8,13}(?![\w,/-]|\.\d)")


def _ipp(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out = [(m.start(), m.end(), "IPP", 0.95) for m in _IPP.finditer(text)]
    out += [(m.start(1), m.end(1), "IPP", 0.95) for m in _IPP_KW.finditer(text)]
    out += [
        (m.start(1), m.end(1), "STAY_NUMBER", 0.95)
        for m in _STAY_KW.finditer(text)
        if not _DATE_NUM.fullmatch(m.group(1))
    ]
    out += [(m.start(1), m.end(1), "OTHER_ID", 0.8) for m in _OTHER_ID_KW.finditer(text)]
    for m in _BARE_ID.finditer(text):
        d = m.group()
        if d.startswith("0") and len(d) == 10 and d[1] != "0":
            continue  # a phone number written without spaces
        out.append((m.start(), m.end(), "OTHER_ID", 0.5))
    # A number inside a longer hit ("IPP 4471203" holds "4471203") is the same identifier.
    return [
        h
        for h in _dedupe(out)
        if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0]) for o in out)
    ]


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
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _ROOM.finditer(text):
        # "box" and "salle" are ordinary words; keep them only with a number right after.
        out.append((m.start(), m.end(), "WARD_ROOM", 0.85))
    return out


def _initials(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "INITIALS", 0.85) for m in _INITIALS.finditer(text)]


def _civil_names(text: str) -> list[Hit]:
    return [(m.start(), m.end(), "PERSON", 0.9) for m in _CIVIL_NAME.finditer(text)]


# --- names written the way records write them: "DUPONT Marie", "Marie DUPONT", "DUPONT, MARIE", "Nom : LE GOFF"
UP_WORD = (
    rf"(?:(?:LE|LA|DE|DU|DA|DOS|VAN|EL|BEN|MAC|MC)[ \t])?[{UPPER}][{UPPER}'’]+(?:-[{UPPER}][{UPPER}'’]+)*"
)
CAP_WORD = rf"[{UPPER}][a-zà-ÿ'’]+(?:-[{UPPER}][a-zà-ÿ'’]+)*"
_UP_SEQ = rf"{UP_WORD}(?:[ \t]+(?:épouse[ \t]+|ép\.[ \t]+|née[ \t]+|nee[ \t]+|NÉE[ \t]+|NEE[ \t]+)?{UP_WORD}){{0,2}}"
_UP_FIRST = re.compile(
    rf"(?<![\w])({_UP_SEQ})([ \t]*,[ \t]*|[ \t]+)({CAP_WORD}(?:[ \t]+{CAP_WORD})?|{UP_WORD})(?![\w])"
)
_FIRST_UP = re.compile(rf"(?<![\w])({CAP_WORD})[ \t]+({_UP_SEQ})(?![\w])")
# A label, civility or title, then a name in any case (up to four words, first names included).
_PERSON_TRIGGER = (
    r"Nom(?:\s+de\s+naissance|\s+d'usage|\s+marital|\s*/\s*Prénoms?|\s+et\s+prénoms?|\s+-\s+Prénoms?)?|Prénoms?|NOM(?:\s+PRÉNOM|\s+PRENOM)?|"
    r"Patiente?|PATIENTE?|Identité|IDENTITÉ|Enfant|Assurée?|Bénéficiaire|Pour|POUR|Concerne|Objet|Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?|"
    r"Monsieur|Madame|Mademoiselle|MME|MR|MONSIEUR|MADAME|Epouse|Épouse|épouse|née|NÉE|Name|Patient\s+name"
)
_STAFF_TRIGGER = (
    r"Dr\.?|Dre|DR\.?|Docteur|DOCTEUR|Pr\.?|PR\.?|Professeur|PROFESSEUR|Interne|INTERNE|Externe|EXTERNE|IDE|IDEL|Infirmi[eè]re?|"
    r"Cadre(?:\s+de\s+santé)?|Sage-femme|Kiné(?:sithérapeute)?|Chef\s+de\s+(?:clinique|service)|Praticien(?:\s+hospitalier)?|PH|"
    r"Assistante?|Médecin(?:\s+(?:senior|traitant|adresseur|responsable|référent|prescripteur))?|MÉDECIN|Prescripteur|Biologiste|"
    r"Pharmacien(?:ne)?|Rédigé\s+par|Dicté\s+par|Signé\s+(?:par)?|Validé\s+par|Copie\s+(?:à|au|:)|Destinataire|Opérateur|Anesthésiste|"
    r"Radiologue|Psychologue|Diététicienne?|Senior|Co-interne|Résident"
)
_NAME_WORD = rf"(?:{UP_WORD}|{CAP_WORD}|[{UPPER}]\.(?:\s?-?[{UPPER}]\.)?)"
_TRIGGERED = re.compile(
    rf"(?<![\w])(?:(?P<staff>{_STAFF_TRIGGER})|(?P<person>{_PERSON_TRIGGER}))(?![\w'’])\s*(?:\(e\))?\s*[:\-]?\s*"
    rf"(?:(?:le|la)\s+(?:Dr\.?|Docteur|Pr\.?)\s+|(?:Dr\.?|Pr\.?|Docteur|Professeur)\s+|(?:Mme|Mlle|M\.|Mr\.?|Monsieur|Madame|MME|MR|M)[ \t]+)?"
    rf"(?P<name>{_NAME_WORD}(?:(?:[ \t]*,[ \t]*|[ \t]+|[ \t]+(?:épouse|ép\.|née|nee)[ \t]+){_NAME_WORD}){{0,3}})"
)


def _is_name_word(w: str) -> bool:
    lx = lexicon()
    f = fold(w.strip(",.'’"))
    if re.fullmatch(r"[xX*]+", f):
        return False  # a placeholder ("XXXXX", "***"), not a name
    return bool(f) and f not in lx.header_words and fold(w) not in lx.drugs and not lx.care_words.fullmatch(w)


def _is_first(w: str) -> bool:
    lx = lexicon()
    return (
        w in lx.first_names
        or fold(w) in lx.first_names_folded
        or any(fold(p) in lx.first_names_folded for p in w.split("-") if len(p) > 2)
    )


def _upper_ok(seq: str) -> bool:
    """Capitals that are a surname, not an acronym or a header word (CRP, HTA, COMPTE RENDU)."""
    words = [
        w for w in re.split(r"[\s,]+", seq) if w and w not in ("épouse", "ép.", "née", "nee", "NÉE", "NEE")
    ]
    if not words:
        return False
    for w in words:
        core = w.strip("'’")
        if len(core) < 2 or not _is_name_word(core) or not re.search(r"[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ]", core):
            return False
    return any(len(w) >= 3 for w in words)


def _trim_name(text: str, s: int, e: int) -> tuple[int, int] | None:
    """Drop header words at the end of a triggered name ("DUPONT Marie Motif" -> "DUPONT Marie")."""
    frag = text[s:e]
    words = list(re.finditer(r"[^\s,]+", frag))
    keep = 0
    for i, w in enumerate(words):
        tok = w.group()
        if i and "," in frag[words[i - 1].end() : w.start()] and not (tok.isupper() or _is_first(tok)):
            break  # "LEFEVRE, Via Roma": after a comma only a first name or capitals continue a name
        particle = tok.lower() in (
            "le",
            "la",
            "de",
            "du",
            "da",
            "dos",
            "van",
            "von",
            "el",
            "ben",
            "mac",
            "mc",
            "des",
            "di",
        ) and i + 1 < len(words)
        if not particle and not re.match(r"[A-Z]\.", tok) and not _is_name_word(tok):
            break
        if fold(tok) in lexicon().drugs:
            break
        keep += 1
    if keep == 0:
        return None
    return s, s + words[keep - 1].end()


_TRIGGER_TOKENS = _wordset(
    "Nom NOM Prénom Prénoms PRENOM PRÉNOM Patient Patiente PATIENT PATIENTE Identité IDENTITÉ Enfant Assuré Assurée "
    "Bénéficiaire Pour POUR Concerne Objet Mme Mlle M Mr Mrs Ms Monsieur Madame Mademoiselle MME MR MONSIEUR MADAME "
    "Epouse Épouse épouse née NÉE Name Dr Dre DR Docteur DOCTEUR Pr PR Professeur PROFESSEUR Interne INTERNE Externe "
    "EXTERNE IDE IDEL Infirmier Infirmière Infirmiere Infirmièr Cadre Sage Kiné Kinésithérapeute Chef Praticien PH Assistant "
    "Assistante Médecin MÉDECIN Prescripteur Biologiste Pharmacien Pharmacienne Rédigé Dicté Signé Validé Copie "
    "Destinataire Opérateur Anesthésiste Radiologue Psychologue Diététicien Diététicienne Senior Co Résident"
)
_TWO_CAPITALS = re.compile(rf"[{UPPER}][{UPPER}]")


def _record_names(text: str) -> list[Hit]:
    """Names as records write them. Upper-case surnames need a first name next to them (from our list) or
    a label/civility/title before them; a title makes the name a professional's (STAFF)."""
    out: list[Hit] = []
    triggered = bool(_TRIGGER_TOKENS & _tokens(text)[0])
    capitals = bool(_TWO_CAPITALS.search(text))
    if not triggered and not capitals:
        return out
    pos = 0
    while triggered:
        m = _TRIGGERED.search(text, pos)
        if m is None:
            break
        span = _trim_name(text, m.start("name"), m.end("name"))
        # Search again right after what was kept: "…MARTIN, Nom de naissance : BERNARD" holds a second label.
        pos = max(m.start("name") + 1, span[1] if span else m.start("name") + 1)
        if span is None:
            continue
        s, e = span
        frag = text[s:e]
        words = frag.replace(",", " ").split()
        if (
            len(words) == 1
            and words[0].istitle()
            and not _is_first(words[0])
            and m.group("person") in ("Pour", "POUR", "Objet", "Concerne", "Enfant")
        ):
            continue  # "Pour Marseille", "Objet Demande": one capitalised word after a weak label
        if all(re.fullmatch(r"[A-Z]\.", w) for w in words) and m.group("staff") is None:
            continue  # initials alone are the INITIALS recognizer's
        start = (
            m.start()
            if m.group("person")
            in ("Mme", "Mlle", "M.", "Mr", "Mr.", "Monsieur", "Madame", "MME", "MR", "MONSIEUR", "MADAME")
            else s
        )
        if m.group("staff"):
            # Keep "Interne :" or "Rédigé par" out of the span; keep the title (the pseudonym keeps it: "Dr A").
            title = None
            for t in re.finditer(r"\b(?:Dr|Pr|Docteur|Professeur|DR|PR)\b\.?", text[m.start() : s]):
                title = t
            out.append((m.start() + title.start() if title else s, e, "PROFESSIONAL", 0.85))
        else:
            out.append((start, e, "PERSON", 0.85))
    for m in _UP_FIRST.finditer(text) if capitals else ():
        up, first = m.group(1), m.group(3)
        first_words = first.split()
        if _upper_ok(up) and (_is_first(first_words[0]) or (first.isupper() and _is_first(first))):
            end = m.end(3) if all(_is_name_word(w) for w in first_words) else m.start(3) + len(first_words[0])
            out.append((m.start(), end, "PERSON", 0.8))
    for m in _FIRST_UP.finditer(text) if capitals else ():
        if _is_first(m.group(1)) and _upper_ok(m.group(2)):
            out.append((m.start(), m.end(), "PERSON", 0.8))
    return out


def _dates(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out = [(m.start(), m.end(), "DATE", 0.85) for rx in (_DATE_FR, _DATE_EN) for m in rx.finditer(text)]
    for m in _DATE_NUM.finditer(text):
        parts = re.split(r"[/.-]", m.group())
        a, b = int(parts[0]), int(parts[1])
        if (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31):
            out.append((m.start(), m.end(), "DATE", 0.8))
    out += [(m.start(), m.end(), "DATE", 0.8) for m in _BIRTH_YEAR.finditer(text)]
    out += [(m.start(), m.end(), "DATE", 0.8) for m in _DATE_ISO.finditer(text)]
    out += [(m.start(1), m.end(1), "DATE", 0.75) for m in _DATE_AFTER_WORD.finditer(text)]
    return out


def age_value(span_text: str) -> float | None:
    """Age in years of a matched age expression ("34 ans" -> 34, "7 mois" -> 0.58), None if unknown."""
    m = re.search(
        r"(\d{1,3})\s*[-\s]?(ans|an|a|years?|yrs?|yo|y/o|y\.o\.|mois|months?|semaines|weeks?|jours)?",
        span_text,
        re.I,
    )
    if not m:
        from veilleur.detect.secrecy.clinical4 import words_number

        w = re.match(r"(?i)\s*(.+?)\s+ans\b", span_text)  # "quatre-vingt-sept ans" (round 4)
        n_words = words_number(w.group(1)) if w else None
        return float(n_words) if n_words is not None else None
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
    if not _HAS_DIGIT.search(text):
        return []
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
            if not re.search(
                r"(?:âgée?|bébé|nourrisson|nouveau-né|enfant|fille|garçon|fils)\s*(?:de\s+)?$", before, re.I
            ):
                continue
        elif not (_PERSON_NOUN.search(before) or _AGE_PREFIX.search(before)):
            continue
        out.append((m.start(), m.end(), "AGE", 0.85))
    for m in _AGE_EN.finditer(text):
        n = int(next(g for g in m.groups() if g))
        if n <= 120:
            out.append((m.start(), m.end(), "AGE", 0.85))
    return out


_HOSPITAL_WORDS = _wordset(
    "chu chru chr chic chi chs chd chg ch ghu ght ghi ghpso gh hia ap aphp aphm hcl epsm hegp hopital hospices hospice "
    "clinique polyclinique centre groupe groupement institut fondation ehpad maternite ime cmpp cmp ssr hospital "
    "infirmary medical clinic clinique memorial health nursing service unite departement pole hdj uf"
)
_HOSPITAL_ACRONYM = re.compile(r"(?:CH|GH)[A-Z]{1,5}")


def _hospitals(text: str) -> list[Hit]:
    raw, folded = _tokens(text)
    if not (
        _HOSPITAL_WORDS & folded or any(_HOSPITAL_ACRONYM.fullmatch(w) for w in raw)
    ):  # only "en cardiologie" then
        return [(m.start(), m.end(), "SERVICE", 0.6) for m in _SERVICE.finditer(text)]
    out = [(m.start(), m.end(), "HOSPITAL", 0.85) for m in _HOSPITAL_FR.finditer(text)]
    out += [(m.start(), m.end(), "HOSPITAL", 0.8) for m in _HOSPITAL_EN.finditer(text)]
    out += [(m.start(), m.end(), "SERVICE", 0.6) for m in _SERVICE.finditer(text)]
    out += [(m.start(), m.end(), "SERVICE", 0.6) for m in _SERVICE_HEAD.finditer(text)]
    return out


_SCHOOL_WORDS = frozenset({"ecole", "college", "lycee", "creche", "school"})


def _schools(text: str) -> list[Hit]:
    if not _SCHOOL_WORDS & _tokens(text)[1]:
        return []
    return [(m.start(), m.end(), "SCHOOL", 0.85) for m in _SCHOOL.finditer(text)]


def _town_ok(town: str) -> bool:
    lx = lexicon()
    words = town.split()
    w = next((x for x in words if fold(x) not in ("le", "la", "les")), words[0])
    return fold(w) not in lx.drugs and fold(w) not in lx.header_words and not lx.care_words.fullmatch(w)


def _addresses(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _ADDRESS.finditer(text):
        out.append((m.start(), m.end(), "ADDRESS", 0.85))
        after = _POSTCODE_AFTER_ADDRESS.match(text, m.end())
        if after:
            out.append((after.start("pc"), after.end("pc"), "POSTCODE", 0.85))
            if _town_ok(after.group("town")):
                out.append((after.start("town"), after.end("town"), "LOCATION", 0.8))
    for m in _POSTCODE_TOWN.finditer(text):
        if not _town_ok(m.group("town")):
            continue
        out.append((m.start("pc"), m.end("pc"), "POSTCODE", 0.8))
        out.append((m.start("town"), m.end("town"), "LOCATION", 0.75))
    out += [(m.start(), m.end(), "POSTCODE", 0.6) for m in _UK_POSTCODE.finditer(text)]
    out += [(m.start(), m.end(), "LOCATION", 0.7) for m in re.finditer(r"\(\s?\d{2}\s?\)", text)]
    return out


_LIVES_WORDS = _wordset(
    "habite habitant vit domicilie domiciliee originaire venant residant lives living from resident commune village"
)


def _places(text: str) -> list[Hit]:
    lx = lexicon()
    raw, folded = _tokens(text)
    out: list[Hit] = []
    if lx.place_anchor_words & folded:
        out += [(m.start(), m.end(), "LOCATION", 0.9) for m in lx.places_regex.finditer(text)]
    for m in _LIVES_IN.finditer(text) if _LIVES_WORDS & folded else ():
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


# Every role match holds one of these words (folded): a cheap pre-check before the long patterns.
_ROLE_WORDS = _wordset(
    "maire adjoint adjointe cure pasteur imam rabbin pharmacien pharmacienne boulanger boulangere boucher bouchere "
    "notaire instituteur institutrice instit directeur directrice garagiste factrice facteur gendarme dentiste "
    "veterinaire veto buraliste epicier epiciere proviseur proviseure principal principale depute deputee senateur "
    "senatrice prefet prefete patron patronne cafetiere cafetier coiffeuse coiffeur seul seule unique only mayor vicar "
    "priest rabbi pharmacist baker butcher headteacher head postman postwoman vet dentist mp councillor sheriff"
)


def _roles(text: str) -> list[Hit]:
    """A social role that singles someone out in a small place ("la fille du pharmacien", "le maire de …",
    "le seul dialysé du village")."""
    if not _ROLE_WORDS & _tokens(text)[1]:
        return []
    out = [(m.start(), m.end(), "ROLE", 0.8) for m in _ROLE_FR.finditer(text)]
    out += [(m.start(), m.end(), "ROLE", 0.8) for m in _ROLE_EN.finditer(text)]
    return [(s, e if text[e - 1] != " " else e - 1, lab, sc) for s, e, lab, sc in out]


def _rare_diseases(text: str) -> list[Hit]:
    if not lexicon().rare_anchor_words & _tokens(text)[1]:
        return []  # none of the diseases' words is in the text: skip the long alternation
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
    "record_name": _record_names,
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
FINDERS.update(FINDERS_MORE)  # issue 13, second round: services, rooms, numbers, rare diseases, ages, dates
FINDERS.update(FINDERS_ROUND3)  # issue 13, third round: see clinical3
FINDERS.update(FINDERS_ROUND4)  # issue 13, fourth round: see clinical4

ENTITIES: tuple[str, ...] = (
    "NIR",
    "PHONE",
    "IPP",
    "RPPS",
    "EMAIL",
    "WARD_ROOM",
    "INITIALS",
    "PERSON",
    "DATE",
    "AGE",
    "HOSPITAL",
    "SERVICE",
    "SCHOOL",
    "ADDRESS",
    "LOCATION",
    "RARE_DISEASE",
    "ROLE",
    "PROFESSIONAL",
    "STAY_NUMBER",
    "OTHER_ID",
    "POSTCODE",
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
