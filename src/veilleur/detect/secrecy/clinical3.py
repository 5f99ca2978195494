"""Clinical writing, third round (issue 13): shapes the first two rounds left open, found on general grounds
(the way report headers, bed lists, letters, lab sheets and English notes write identifiers):

- OCR digits: an ``O`` inside a number ("14/11/2O24", "2 44 O8 99…") is read as ``0`` by every finder
  (``ocr_digits``, same length, offsets unchanged);
- NIR after its keyword in any grouping and length 12-16 (typos, a missing digit, " - " before the key), and a
  NIR-shaped number alone on its header line;
- patients named in capitals before their age or birth date ("BOUKHARI KWAME – 88 ans", "TEXIER, AGNIESZKA
  (13/08/51)"), after a bed ("lit 17 CASTAGNÈDE"), after more labels ("Pat. :", "Malade :", "Rx for:", "Re:"),
  stacked on the first lines of a label sticker, with particles ("M. de La Tour");
- staff in English notes ("Dr K Singh", "Triage RN: W. Schwartz", "Delgado, Rajesh MD") and French nursing
  notes ("IAO : Louis-Marie", "Vu par Nour");
- dates "13-Apr-2024" and day/month without a year after "le", "ce", "prévue", or a header dash;
- phones "bip 111", "p. 6695", UK "0113 496 0000", doubled spaces;
- addresses without a number ("Résidence Les Hortensias", "Lieu-dit Kerhervé"), complements ("apt 188",
  "Esc. 1, porte 11", "#30B"), foreign orders ("Strada Mihai Eminescu 82", "60, Rua das Flores"), US
  town/state/ZIP, a UK town before its postcode, "Castres (81100)", "CEDEX 4", the town of a letter's date
  line ("Vierzon, le 5 février 2025"), towns after "PMI de", "CRIP de", "Commune de décès";
- laboratories, imaging centres, GP practices and NHS trusts;
- school classes ("6e B", "CE2-CM1", "grande section") next to a school word;
- services after "Consultation (de)", "UF 5475 MED INT", "admitted to Internal Medicine";
- rooms written as trolleys, corridors, side rooms and bare values after a room key ("Ch. : 22");
- US social-security numbers, short bed-management ids ("N° 4542-B");
- ages "(79 years)", "M 78 ANS".

Each finder returns ``(start, end, label, score)`` hits and starts with a cheap pre-check.
"""

from __future__ import annotations

import re

from veilleur.detect.secrecy.clinical import _SPEC_RE, _folded_words
from veilleur.detect.secrecy.lexicon import fold, lexicon

Hit = tuple[int, int, str, float]
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
LOWER = "a-zà-ÿœ"
_HAS_DIGIT = re.compile(r"\d")

# --------------------------------------------------------------------------------------------- OCR digits
_OCR_NEAR_DIGIT = re.compile(r"\d[Oo]|[Oo]\d|\d[ ./-][Oo](?![a-zA-Z])")
_OCR_TOKEN = re.compile(
    r"(?<![\w])[\dOo][\dOo./-]*[\dOo](?![\w])|(?<=\d)[Oo](?=[\d ./-])|(?<=[\d ./-])[Oo](?=\d)"
)


def ocr_digits(text: str) -> str:
    """``text`` with an ``O``/``o`` read as ``0`` where it sits inside a number (two digits or more around it):
    "2O24" -> "2024", "O4/01/1957" -> "04/01/1957". Same length: offsets do not move."""
    if not _OCR_NEAR_DIGIT.search(text):
        return text  # no O touching a digit: nothing to read (most texts)
    chars = list(text)
    changed = False
    for m in _OCR_TOKEN.finditer(text):
        tok = m.group()
        if not re.search(r"[Oo]", tok):
            continue
        if len(tok) == 1 or sum(c.isdigit() for c in tok) < 2:
            # one letter between digits: look at the whole run of digits, separators and Os around it
            a, b = m.start(), m.end()
            while a > 0 and text[a - 1] in "0123456789Oo./- ":
                a -= 1
            while b < len(text) and text[b] in "0123456789Oo./- ":
                b += 1
            run = text[a:b]
            if sum(c.isdigit() for c in run) < 3:
                continue
        elif sum(c.isdigit() for c in tok) < 2:
            continue
        for i in range(m.start(), m.end()):
            if chars[i] in "Oo":
                chars[i] = "0"
                changed = True
    return "".join(chars) if changed else text


# ---------------------------------------------------------------------------------------------------- NIR
_NIR_KW = re.compile(
    r"(?i)(?:\bNIR|\bINSEE|\bINS\b|\bNSS|\bs[ée]cu(?:rit[ée]\s+sociale)?|\bN°\s*SS\b|\bSS\b|carte\s+vitale|"
    r"immatriculation|social\s+security|matricule)"
)
_NIR_RUN = re.compile(r"(?<![\w+/.,-])[1-478](?:[ .\-]{0,3}(?:2[AB]|\d)){11,15}(?![\w/])", re.I)


def nirs(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _NIR_RUN.finditer(text):
        raw = m.group().rstrip(" .-")
        chars = re.sub(r"[ .\-]", "", raw).upper()
        if not chars[1:5].isdigit():
            continue
        month = int(chars[3:5])
        if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 60) : m.start()]
        if _NIR_KW.search(before) and 12 <= len(chars) <= 16:
            out.append((m.start(), m.start() + len(raw), "NIR", 0.9))
            continue
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        alone = (
            not text[line_start : m.start()].strip(" \t:-–")
            and not text[m.start() + len(raw) : line_end].strip()
        )
        if alone and len(chars) in (13, 15) and chars[0] in "12" and re.search(r"[ .-]", raw):
            out.append((m.start(), m.start() + len(raw), "NIR", 0.7))
    return out


# ---------------------------------------------------------------------------------------------- names
_PART = r"(?:de|du|des|d'|d’|le|la|van|von|der|den|da|dos|di|el|ben|De|Du|Des|Le|La|Van|Von|Der|Den|Da|Dos|Di|El|Ben|DE|DU|DES|LE|LA|VAN|DA|DOS|EL|BEN)"
_UPW = rf"[{UPPER}][{UPPER}'’]+(?:-[{UPPER}][{UPPER}'’]+)*"
_CAPW = rf"[{UPPER}][{LOWER}'’]+(?:-[{UPPER}][{LOWER}'’]+)*"
_UPSEQ = rf"(?:{_PART}[ \t]+)*{_UPW}(?:[ \t]+(?:{_PART}[ \t]+)*{_UPW}){{0,2}}"
# A name in capitals (optionally a comma and a first name) before an age or a birth date.
_AGE_OR_BIRTH = (
    r"(?:\d{1,3}[ \t]?(?i:ans|an|a|yo|y/o|years?|yrs?|mois)(?![\w])|\d{1,3}[FMH]\)|(?i:née?|né\(e\)|DDN|DOB|born)\b|"
    r"\(\s?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s?\)|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})"
)
_UP_BEFORE_DETAILS = re.compile(
    rf"(?<![\w'’.-])(?P<n>{_UPSEQ}(?:[ \t]*,[ \t]*(?:{_UPW}|{_CAPW})(?:[ \t-]+{_CAPW})?|[ \t]+{_CAPW}(?:[ \t-]+{_CAPW})?)?)"
    rf"[ \t]*(?:,|–|—|-|\()?[ \t]*(?:\(?[ \t]*){_AGE_OR_BIRTH}"
)
# Two or three capitalised words (a first name and a surname) before an age in brackets or after a comma.
_CAP_BEFORE_AGE = re.compile(
    rf"(?<![\w'’.-])(?P<n>{_CAPW}(?:[ \t]+(?:{_PART}[ \t]+)*{_CAPW}){{1,2}})[ \t]*(?:,|\()[ \t]*"
    r"\d{1,3}[ \t-]?(?i:ans|yo|y/o|years?(?:[ -]old)?|yrs?)(?![\w])"
)
# After a bed or room: "lit 17 CASTAGNÈDE", "ch. 7 TRAN 73a", "Bed 22 – Brenda Llewellyn", "box 3 Mme T."
_AFTER_BED = re.compile(
    rf"(?<![\w])(?i:lit|ch\.?|chb|chambre|box|bed|bay[ \t]+\d+[ \t]+bed|SR|room)[ \t]*\d{{1,4}}[A-Z]?(?:-\d)?(?:[ \t]+(?i:lit)[ \t]+\d{{1,2}})?"
    rf"[ \t]*(?:[–—:-][ \t]*)?(?P<n>{_UPSEQ}|{_CAPW}(?:[ \t]+{_CAPW})?)(?![\w])"
)
# More labels before a patient's name.
_MORE_LABELS = re.compile(
    rf"(?<![\w])(?:Pat\.|Malade(?:[ \t]+\(si[ \t]+différent\))?|Rx[ \t]+for|Re|Enfant|Mère|Père|Mother|Father|"
    rf"accompagnée?[ \t]+(?:de|par)[ \t]+son[ \t]+(?:époux|épouse|fils|mari)|Responsable[ \t]+légal(?:e)?|"
    rf"Emergency[ \t]+contact|Personne[ \t]+à[ \t]+prévenir|Identité)[ \t]*[:\-–]?[ \t]*"
    rf"(?:(?:Mme|M\.|Mr\.?|Mrs\.?|Ms\.?)[ \t]+)?"
    rf"(?P<n>(?:{_PART}[ \t]+)*(?:{_UPW}|{_CAPW})(?:(?:[ \t]*,[ \t]*|[ \t]+|-)(?:{_PART}[ \t]+)*(?:{_UPW}|{_CAPW}|[{UPPER}]\.)){{0,3}})"
)
# A civility or initial, then a particle name: "M. de La Tour", "A. de La Tour", "Mme de Villeneuve".
_PARTICLE_NAME = re.compile(
    rf"(?<![\w])(?P<t>M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Monsieur|Madame|Dr\.?|Pr\.?|[{UPPER}]\.)[ \t]+"
    rf"(?P<n>(?:de|du|des|d'|d’|van|von|da|di|le|la)(?:[ \t]+(?:La|Le|der|den|Las|Los))?[ \t]*[{UPPER}][{LOWER}'’-]+(?:[ \t-][{UPPER}][{LOWER}'’-]+)?)"
)
# Stacked names on the first lines of a label sticker: "ZEROUAL\nROGER\nNé(e) le …".
_STACKED = re.compile(
    rf"(?m)^[ \t]*(?P<a>(?:{_PART}[ \t]+)*{_UPW}(?:[ \t]+{_UPW})?)[ \t]*\n[ \t]*(?P<b>{_UPW}(?:[ \t-]+{_UPW})?|{_CAPW})[ \t]*\n"
    r"[ \t]*(?i:né|née|né\(e\)|ddn|dob|n\.|date\s+de\s+naissance)"
)
# English and nursing staff.
_EN_DR = re.compile(
    rf"(?<![\w])(?:Dr\.?|Doctor|Pr\.?|Docteur)[ \t]+(?:[{UPPER}]\.?[ \t]+){{0,2}}(?:{_PART}[ \t]+)*{_CAPW}(?:[ \t-]+(?:{_PART}[ \t]+)*{_CAPW})?"
)
_STAFF_LABEL = re.compile(
    rf"(?<![\w])(?:Triage[ \t]+RN|RN|Attending|Resident|Surgeon|Assistant|Anesthesia|Anaesthetist|Ordering|Referring|PCP|"
    rf"called[ \t]+to|cc|IAO|Vu[ \t]+par|vue[ \t]+par|frappé[ \t]+par|Aide|Secrétaire|Dicté[ \t]+par|Signé[ \t]+par|"
    rf"Opérateur|Transmis[ \t]+par|Relève[ \t]+par)[ \t]*[:\-–]?[ \t]*"
    rf"(?:(?:Dr\.?|Docteur|Pr\.?)[ \t]+)?(?P<n>(?:[{UPPER}]\.?[ \t]+)?(?:{_PART}[ \t]+)*(?:{_CAPW}|{_UPW})(?:(?:[ \t]*,[ \t]*|[ \t]+|-)(?:{_PART}[ \t]+)*{_CAPW}){{0,2}})"
)
_DEGREE = re.compile(
    rf"(?<![\w])(?P<n>(?:{_CAPW}|[{UPPER}]\.)(?:[ \t]+(?:{_PART}[ \t]+)*{_CAPW})?(?:,[ \t]*{_CAPW})?)[ \t]*,?[ \t]+(?:MD|DO|RN|NP|PA-C|MBBS|FRCP)\b"
)
_NOT_NAME = frozenset(
    fold(w)
    for w in [
        "Bed",
        "Bay",
        "Room",
        "Ward",
        "Lit",
        "Box",
        "Chambre",
        "Hallway",
        "Unit",
        "Note",
        "Notes",
        "Report",
        "Date",
        "Time",
        "Dear",
        "Hospital",
        "Clinic",
        "Service",
        "Patient",
        "Name",
        "Sex",
        "Age",
        "DOB",
        "MRN",
        "Address",
        "Phone",
        "Admission",
        "Discharge",
        "Plan",
        "History",
        "Exam",
        "Diagnosis",
        "Procedure",
        "Medicine",
        "Surgery",
        "Emergency",
        "Department",
        "Urgences",
        "Entrée",
        "Sortie",
        "Motif",
        "Mode",
        "Arrivée",
        "Tri",
        "Poids",
        "Taille",
        "Sexe",
        "Objet",
        "Madame",
        "Monsieur",
        "Docteur",
        "Cher",
        "Chère",
        "Confrère",
        "Consœur",
        "Compte",
        "Rendu",
        "Consultation",
        "Conclusion",
        "Antécédents",
        "Traitement",
        "Examen",
        "Biologie",
        "Prescripteur",
        "Prescription",
        "Ordonnance",
        "Identité",
        "Nom",
        "Prénom",
        "Adresse",
        "Tél",
        "Courriel",
        "Mail",
        "Fax",
        "Page",
        "The",
        "And",
        "With",
        "For",
        "Sur",
        "Pas",
        "Non",
        "Oui",
        "RAS",
        "Ok",
        "Mood",
        "Suicidal",
        "Plan",
        "Follow",
        "Pronounced",
        "Critical",
        "Time",
        "Taken",
        "Called",
        "Read",
        "Back",
        "Seen",
        "Vu",
        "Avis",
        "Bilan",
        "Scanner",
        "IRM",
        "TDM",
        "Echo",
        "Radio",
        "Rx",
        "Re",
        "Ref",
        "Réf",
        "Stable",
        "Agitée",
        "Agité",
        "Calme",
        "Refus",
        "Chute",
        "Fièvre",
        "Douleur",
        "Pansement",
        "Lundi",
        "Mardi",
        "Mercredi",
        "Jeudi",
        "Vendredi",
        "Samedi",
        "Dimanche",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Mme",
        "Mlle",
        "Monsieur",
        "Madame",
        "Mrs",
        "Ms",
        "Miss",
    ]
)


def _name_ok(frag: str) -> bool:
    lx = lexicon()
    words = [w for w in re.split(r"[\s,]+", frag) if w and w.lower() not in _PARTICLE_WORDS]
    if not words:
        return False
    for w in words:
        f = fold(w.strip(".'’"))
        if f in _NOT_NAME or f in lx.header_words or f in lx.drugs or lx.care_words.fullmatch(w):
            return False
    caps = [w for w in words if len(w) > 2 and w.isupper()]
    if caps and not all(re.search(r"[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ]", w) for w in caps):
        return False  # acronyms ("CRP", "TDM")
    return any(len(w.strip(".")) >= 2 for w in words)


_PARTICLE_WORDS = frozenset(
    {"de", "du", "des", "d'", "d’", "le", "la", "van", "von", "der", "den", "da", "dos", "di", "el", "ben"}
)
_NAME_PRECHECK = re.compile(rf"[{UPPER}][{UPPER}]|[{UPPER}][{LOWER}]")


def _trim_trailing(text: str, s: int, e: int) -> int:
    """End of a name span without the field name or label that follows it ("Okonkwo   Assistant")."""
    frag = text[s:e]
    gap = re.search(r"[ ]{3,}|\t", frag)
    if gap:
        frag = frag[: gap.start()]
    header = lexicon().header_words
    words = list(re.finditer(r"[^\s,]+", frag))
    while words and (
        fold(words[-1].group().strip(".")) in _NOT_NAME
        or fold(words[-1].group().strip(".")) in header
        or words[-1].group().lower() in _PARTICLE_WORDS
    ):
        words.pop()
    return s + words[-1].end() if words else s


_MORE_LABEL_WORDS = frozenset(
    [
        "pat",
        "malade",
        "rx",
        "re",
        "enfant",
        "mere",
        "pere",
        "mother",
        "father",
        "accompagne",
        "accompagnee",
        "responsable",
        "emergency",
        "personne",
        "identite",
    ]
)
_STAFF_LABEL_WORDS = frozenset(
    [
        "triage",
        "rn",
        "attending",
        "resident",
        "surgeon",
        "assistant",
        "anesthesia",
        "anaesthetist",
        "ordering",
        "referring",
        "pcp",
        "called",
        "cc",
        "iao",
        "vu",
        "vue",
        "frappe",
        "aide",
        "secretaire",
        "dicte",
        "signe",
        "operateur",
        "transmis",
        "releve",
    ]
)
_DETAILS_PRE = re.compile(_AGE_OR_BIRTH + r"|\d{1,3}-(?i:years?|yrs?)")  # what the two patterns below need
_BED_WORDS = frozenset(["lit", "ch", "chb", "chambre", "box", "bed", "bay", "sr", "room"])
_TITLE_WORDS = frozenset({"dr", "doctor", "pr", "docteur"})
_DEGREE_WORDS = frozenset({"md", "do", "rn", "np", "pa", "mbbs", "frcp"})
_PARTICLE_PRE = frozenset({"de", "du", "des", "d", "van", "von", "da", "di", "le", "la"})


def names(text: str) -> list[Hit]:
    if not _NAME_PRECHECK.search(text):
        return []
    words = _folded_words(text)
    out: list[Hit] = []
    digits = bool(_HAS_DIGIT.search(text))
    details = digits and _DETAILS_PRE.search(text)
    if details:
        for m in _UP_BEFORE_DETAILS.finditer(text):
            frag = m.group("n")
            if _name_ok(frag) and re.search(rf"[{UPPER}]{{3}}", frag):
                out.append((m.start("n"), m.end("n"), "PERSON", 0.75))
        for m in _CAP_BEFORE_AGE.finditer(text):
            if _name_ok(m.group("n")):
                out.append((m.start("n"), m.end("n"), "PERSON", 0.7))
    if digits and words & _BED_WORDS:
        for m in _AFTER_BED.finditer(text):
            frag = m.group("n")
            e = _trim_trailing(text, m.start("n"), m.end("n"))
            frag = text[m.start("n") : e]
            if e > m.start("n") and _name_ok(frag) and (not frag.isupper() or len(frag) >= 3):
                out.append((m.start("n"), e, "PERSON", 0.7))
    for m in _MORE_LABELS.finditer(text) if words & _MORE_LABEL_WORDS else ():
        e = _trim_trailing(text, m.start("n"), m.end("n"))
        frag = text[m.start("n") : e]
        if e > m.start("n") and _name_ok(frag):
            if m.group().startswith("Re") and not re.match(r"Re[ \t]*:", m.group()):
                continue
            out.append((m.start("n"), e, "PERSON", 0.75))
    for m in _PARTICLE_NAME.finditer(text) if words & _PARTICLE_PRE else ():
        lab = "PROFESSIONAL" if m.group("t").startswith(("Dr", "Pr")) else "PERSON"
        out.append((m.start(), m.end(), lab, 0.8))
    for m in _STACKED.finditer(text) if "\n" in text else ():
        for g in ("a", "b"):
            if _name_ok(m.group(g)):
                out.append((m.start(g), m.end(g), "PERSON", 0.75))
    for m in _EN_DR.finditer(text) if words & _TITLE_WORDS else ():
        e = _trim_trailing(text, m.start(), m.end())
        if e > m.start() and _name_ok(text[m.start() : e].split(None, 1)[-1]):
            out.append((m.start(), e, "PROFESSIONAL", 0.8))
    for m in _STAFF_LABEL.finditer(text) if words & _STAFF_LABEL_WORDS else ():
        e = _trim_trailing(text, m.start("n"), m.end("n"))
        frag = text[m.start("n") : e]
        if e > m.start("n") and _name_ok(frag):
            out.append((m.start("n"), e, "PROFESSIONAL", 0.75))
    for m in _DEGREE.finditer(text) if words & _DEGREE_WORDS else ():
        if _name_ok(m.group("n")):
            out.append((m.start("n"), m.end(), "PROFESSIONAL", 0.75))
    return out


# ---------------------------------------------------------------------------------------------- dates
_MON_EN = r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_MON_FR = r"janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec"
_DATE_DASH = re.compile(
    rf"(?<![\w-])\d{{1,2}}[-. ](?i:{_MON_EN}|{_MON_FR})\.?[-. ](?:19|20)?\d{{2}}(?![\w-])"
)
_DATE_DM_MORE = re.compile(r"(?<![\w/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\w/])")
_DM_BEFORE = re.compile(
    r"(?i)(?:\b(?:le|ce|prévue?|prevue?|depuis|jusqu'au|avant|après|apres|du|au|on|since|from|until|sortie|entrée|entree|"
    r"RDV|retour|transfert|revu|revue|vu|vue)|[–—-]|\bIDE|\blits)[ \t]*$"
)


_NUM_WORD = (
    r"premier|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    r"dix-sept|dix-huit|dix-neuf|vingt(?:[- ]et[- ]un|-deux|-trois|-quatre|-cinq|-six|-sept|-huit|-neuf)?|"
    r"trente(?:[- ]et[- ]un)?"
)
_MONTHS_FR = r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
# A birth date written in words: "né le douze mars mil neuf cent cinquante-deux".
_DATE_WORDS = re.compile(
    rf"(?i)(?<=\ble )(?:{_NUM_WORD})[ \t]+(?:{_MONTHS_FR})[ \t]+(?:mil|deux[ \t]+mille)(?:[ \t-]+[a-zé]+){{0,6}}"
)


def dates(text: str) -> list[Hit]:
    out: list[Hit] = []
    if "mil" in text:
        out += [(m.start(), m.end(), "DATE", 0.7) for m in _DATE_WORDS.finditer(text)]
    if not _HAS_DIGIT.search(text):
        return out
    out += [(m.start(), m.end(), "DATE", 0.8) for m in _DATE_DASH.finditer(text)]
    for m in _DATE_DM_MORE.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            continue
        before = text[max(0, m.start() - 20) : m.start()]
        if not _DM_BEFORE.search(before):
            continue
        if re.search(r"(?i)(?:EVA|EN|TA|PA|score|NIHSS|Glasgow|GCS|dose|x|/)\s*[:=]?\s*$", before):
            continue
        out.append((m.start(), m.end(), "DATE", 0.65))
    return out


# ---------------------------------------------------------------------------------------------- phones
_PHONE_MORE = re.compile(
    r"(?<![\w+])(?:\+33[ \t]{0,2}(?:\(0\)[ \t]{0,2})?[1-9]|\(\+33\)[ \t]?(?:\(0\)[ \t]?)?[1-9]|0[1-9])(?:[ .\-]{0,2}\d){8}(?!\d)"
    r"|(?<![\w+])0\d{3}[ \t]\d{3}[ \t]\d{4}(?!\d)|(?<![\w+])0\d{4}[ \t]\d{6}(?!\d)"
    r"|(?<![\w])(?i:bip|DECT|poste|ext\.?|extension)[ \t]*(?:n°|:)?[ \t]*\d{3,5}(?!\d)"
    r"|(?<![\w])p\.[ \t]?\d{4}(?!\d)"
)


def phones(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _PHONE_MORE.finditer(text):
        if m.group().startswith("p.") and not re.search(
            r"(?i)(?:contact|poste|t[ée]l|secr[ée]tariat|joindre|bip|appeler)[^\n]{0,40}$", text[: m.start()]
        ):
            continue
        out.append((m.start(), m.end(), "PHONE", 0.75))
    return out


# ------------------------------------------------------------------------------------ addresses, places
_TOWN = rf"[{UPPER}][\w'’]+(?:[ \t-](?:sur|sous|en|le|la|les|lès|de|du|des|SUR|SOUS|EN|LE|LA|LES|DE|DU|DES|aux|AUX)?[ \t-]?(?!CEDEX|Cedex)[{UPPER}][\w'’]+)*"
_NAMED_PLACE = re.compile(
    rf"(?<![\w])(?P<w>Résidence|Residence|RÉSIDENCE|Lieu-dit|Lieu[ \t]+dit|LIEU-DIT|Ferme|Domaine|Hameau|Mas|Villa|Cité|Le[ \t]+Clos|Moulin|"
    rf"Place|Rue|Avenue|Boulevard|Allée|Chemin|Impasse|Quai|Route|Square)"
    rf"[ \t]+(?:(?:de[ \t]+la|de[ \t]+l'|du|des|de|d'|Les|Le|La|L'|les|le|la)[ \t]*)?[{UPPER}][\w'’-]+(?:[ \t-](?:de[ \t]+|du[ \t]+|des[ \t]+)?[{UPPER}][\w'’-]+){{0,3}}"
)
_ADDRESS_CONTEXT = re.compile(
    r"(?i)(?:adresse|address|demeurant|domicil|domicile|vit|habite|au|à la|lives at|prise en charge|du)\s*[:\-–]?\s*$"
)
_COMPLEMENT = re.compile(
    r"(?<=,)[ \t]*(?P<c>(?i:apt\.?|appt\.?|appartement|bât\.?|bâtiment|bat\.|esc\.?|escalier|unit|suite|apartment)[ \t]*[A-Z0-9][\w-]*"
    r"(?:[ \t]*,[ \t]*(?i:porte|étage|etage|appt?\.?|apt\.?)[ \t]*[\w-]+|[ \t]*,[ \t]*\d{1,2}e[ \t]+étage)*|#[ \t]?[A-Z0-9]{1,5})(?=[ \t]*(?:,|\n))"
)
_FOREIGN_STREET = re.compile(
    r"(?<![\w])(?:Strada|Str\.|Ulica|ul\.|Calea|Aleja|Rruga|Carrer|Rua|Avenida|Calle|Via|Rue|Boulevard|Avenue|Chaussée)[ \t]+"
    r"(?:[\w'’.-]+[ \t]+){0,4}?\d{1,4}[a-zA-Z]?(?![\w])"
    r"|(?<![\w])\d{1,4},[ \t]+(?:Rua|Rue|Via|Calle|Avenida|Strada|Ulica|Travessa|Largo)[ \t]+(?:[\w'’-]+[ \t]*){1,4}?(?=,)"
)
_US_STREET = re.compile(
    r"(?<![\w])\d{1,5}[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+(?:Ct|Cir|Pkwy|Ter|Trl|Ln|Dr|Rd|St|Ave|Blvd|Way|Pl)\.?(?![\w])"
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|"
    "PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_US_TOWN_STATE_ZIP = re.compile(
    rf"(?P<town>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?),[ \t]*(?P<st>{_US_STATES})[ \t]+(?P<zip>\d{{5}}(?:-\d{{4}})?)(?!\d)"
)
_UK_TOWN_PC = re.compile(
    r"(?P<town>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)[ \t]+(?P<pc>[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2})(?![\w])"
)
_TOWN_PAREN_PC = re.compile(rf"(?P<town>{_TOWN})[ \t]*\([ \t]*(?P<pc>\d{{5}})[ \t]*\)")
_PC_TOWN = re.compile(
    rf"(?<![\w.,/-])(?P<pc>\d{{4,6}}|\d{{4}}-\d{{3}})[ \t]+(?P<town>{_TOWN})(?:[ \t]+(?P<cedex>CEDEX|Cedex|cedex)(?:[ \t]+\d{{1,2}})?)?"
)
_PC_LABEL = re.compile(
    r"(?<![\w])(?:CP|C\.P\.|Code[ \t]+postal|Postcode|ZIP)[ \t]*:?[ \t]*(?P<pc>\d{5}|\d{4}|[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2})(?![\w])"
)
_LETTER_PLACE = re.compile(
    rf"(?m)^[ \t]*(?:(?i:fait)[ \t]+à[ \t]+(?P<town2>{_TOWN}),?|(?P<town>{_TOWN}),)[ \t]+(?:le|the)[ \t]+(?:\d|1er|premier)"
)
_PLACE_AFTER = re.compile(
    rf"(?<![\w])(?:PMI|CRIP|CMP|CMPP|CAMSP|Mairie|mairie|Commune[ \t]+de[ \t]+décès|Lieu[ \t]+de[ \t]+naissance|Ville|"
    rf"née?[ \t]+à|né\(e\)[ \t]+à|born[ \t]+in|commune[ \t]+de)[ \t]*(?:de[ \t]+|d'|du[ \t]+|[:\-–\t][ \t]*)?(?P<town>{_TOWN})"
)
_TOWN_STOP = frozenset(
    fold(w)
    for w in [
        "Le",
        "La",
        "Les",
        "Nom",
        "Date",
        "Service",
        "Patient",
        "Né",
        "Née",
        "Tél",
        "Urgences",
        "Cedex",
        "CEDEX",
        "Madame",
        "Monsieur",
        "Docteur",
        "Objet",
    ]
)


def _town_ok(town: str) -> bool:
    lx = lexicon()
    words = [w for w in re.split(r"[ \t-]+", town) if w]
    if not words:
        return False
    first = next((w for w in words if fold(w) not in ("le", "la", "les", "l'")), words[0])
    f = fold(first)
    if f in _TOWN_STOP or f in lx.drugs or lx.care_words.fullmatch(first):
        return False
    return f not in lx.header_words or fold(town) in lx.places


_THREE_DIGITS = re.compile(r"\d{3}")
_UK_PC_TAIL = re.compile(r"[A-Z\d] \d[A-Z]{2}\b")
_FOREIGN_STREET_WORDS = frozenset(
    [
        "strada",
        "str",
        "ulica",
        "ul",
        "calea",
        "aleja",
        "rruga",
        "carrer",
        "rua",
        "avenida",
        "calle",
        "via",
        "rue",
        "boulevard",
        "avenue",
        "chaussee",
        "travessa",
        "largo",
    ]
)
_US_STREET_WORDS = frozenset(
    ["ct", "cir", "pkwy", "ter", "trl", "ln", "dr", "rd", "st", "ave", "blvd", "way", "pl"]
)
_PLACE_WORDS = frozenset(
    [
        "residence",
        "lieu",
        "ferme",
        "domaine",
        "hameau",
        "mas",
        "villa",
        "cite",
        "clos",
        "moulin",
        "place",
        "rue",
        "avenue",
        "boulevard",
        "allee",
        "chemin",
        "impasse",
        "quai",
        "route",
        "square",
    ]
)


def addresses(text: str) -> list[Hit]:
    out: list[Hit] = []
    digits = bool(_HAS_DIGIT.search(text))
    for m in _NAMED_PLACE.finditer(text) if _folded_words(text) & _PLACE_WORDS else ():
        after = text[m.end() : m.end() + 60]
        before = text[max(0, m.start() - 40) : m.start()]
        street = m.group("w")[0] in "PRABCIQS" and not m.group("w").startswith(("Rés", "Res", "RÉS", "Cit"))
        if (
            m.group("w").lower().startswith(("lieu", "hameau"))
            or re.match(r"[ \t]*(?:,[^\n]{0,40}?)?[\n,][ \t]*(?:[^\n]{0,40}?,[ \t]*)?\d{4,6}[ \t]", after)
            or (_ADDRESS_CONTEXT.search(before) and not street)
            or re.match(r"[ \t]*\n[ \t]*\d{5}[ \t]", after)
        ):
            out.append((m.start(), m.end(), "ADDRESS", 0.7))
    if digits:
        for m in _UK_TOWN_PC.finditer(text) if _UK_PC_TAIL.search(text) else ():
            if _town_ok(m.group("town")):
                out.append((m.start("town"), m.end("town"), "LOCATION", 0.7))
    if not digits or not _THREE_DIGITS.search(text):
        return out  # every shape below has a postcode (four digits or more)
    words = _folded_words(text)
    for m in _COMPLEMENT.finditer(text) if "," in text else ():
        rest = text[m.end() : m.end() + 60]
        if re.search(rf"\d{{4,6}}|{_US_STATES}", rest):
            out.append((m.start("c"), m.end("c"), "ADDRESS", 0.7))
    if words & _FOREIGN_STREET_WORDS:
        out += [(m.start(), m.end(), "ADDRESS", 0.7) for m in _FOREIGN_STREET.finditer(text)]
    if words & _US_STREET_WORDS:
        out += [(m.start(), m.end(), "ADDRESS", 0.7) for m in _US_STREET.finditer(text)]
    for m in _US_TOWN_STATE_ZIP.finditer(text) if "," in text else ():
        if (
            fold(m.group("town")) not in _NOT_NAME
        ):  # "Chicago, IL": one place (the state is part of the town's name)
            out.append((m.start("town"), m.end("st"), "LOCATION", 0.7))
        else:
            out.append((m.start("st"), m.end("st"), "LOCATION", 0.6))
        out.append((m.start("zip"), m.end("zip"), "POSTCODE", 0.75))
    for m in _TOWN_PAREN_PC.finditer(text):
        if _town_ok(m.group("town")):
            out.append((m.start("town"), m.end("town"), "LOCATION", 0.7))
        out.append((m.start("pc"), m.end("pc"), "POSTCODE", 0.75))
    for m in _PC_LABEL.finditer(text):
        out.append((m.start("pc"), m.end("pc"), "POSTCODE", 0.75))
    for m in _PC_TOWN.finditer(text):
        pc = m.group("pc")
        if len(pc) != 5 and not re.search(
            r"(?i)\b(?:rue|street|strada|str\.|rua|via|calle|avenue|avenida|chaussée|boulevard|place|road|lane|ulica)\b",
            text[max(0, m.start() - 60) : m.start()],
        ):
            continue
        if re.search(r"(?:UF|UM|U\.F\.)[ \t]*:?[ \t]*$", text[max(0, m.start() - 6) : m.start()]):
            continue
        if not _town_ok(m.group("town")):
            continue
        if re.search(
            r"(?i)(?:\b(?:mg|ml|ui|g|kg|mmol|µmol|l)\b|[<>≤≥])[ \t]*$",
            text[max(0, m.start() - 8) : m.start()],
        ):
            continue
        out.append((m.start("pc"), m.end("pc"), "POSTCODE", 0.75))
        out.append((m.start("town"), m.end("town"), "LOCATION", 0.7))
        if m.group("cedex"):
            out.append((m.start("cedex"), m.end(), "POSTCODE", 0.6))
    return out


# The town of a school: "collège Jean-Macé de Landerneau", "école du Bourg de Plourin".
_SCHOOL_TOWN = re.compile(
    rf"(?i:école|ecole|collège|college|lycée|lycee)[^\n,.;()]{{0,40}}?[ \t](?:de|d'|d’)[ \t]?(?P<town>{_TOWN})"
)


def places(text: str) -> list[Hit]:
    out: list[Hit] = []
    if _folded_words(text) & _SCHOOL_PRE:
        for m in _SCHOOL_TOWN.finditer(text):
            if _town_ok(m.group("town")) and fold(m.group("town")) not in lexicon().first_names_folded:
                out.append((m.start("town"), m.end("town"), "LOCATION", 0.65))
    for m in _LETTER_PLACE.finditer(text):
        g = "town" if m.group("town") else "town2"
        if _town_ok(m.group(g)) and fold(m.group(g).split()[0]) not in _NOT_NAME:
            out.append((m.start(g), m.end(g), "LOCATION", 0.7))
    for m in _PLACE_AFTER.finditer(text):
        if _town_ok(m.group("town")):
            out.append((m.start("town"), m.end("town"), "LOCATION", 0.7))
    return out


# ------------------------------------------------------------------------------------------- hospitals
_LAB_FR = re.compile(
    rf"(?<![\w])(?:Laboratoire|LABORATOIRE|Labo|LBM|Cabinet|CABINET|Centre[ \t]+d'imagerie|Centre[ \t]+d’imagerie|Centre[ \t]+de[ \t]+radiologie|"
    rf"Centre[ \t]+de[ \t]+dialyse|Centre[ \t]+de[ \t]+santé|Centre[ \t]+médical|Maison[ \t]+de[ \t]+santé|Maison[ \t]+médicale|"
    rf"Pôle[ \t]+de[ \t]+santé|Centre[ \t]+de[ \t]+soins|Hopital|HOPITAL)"
    rf"(?:[ \t]+(?i:de[ \t]+radiologie|d'imagerie|de[ \t]+biologie|médical|medical|medicale|médicale|pluridisciplinaire|"
    rf"d'analyses(?:[ \t]+médicales)?|prive|privé|privée|LBM))*"
    rf"[ \t]+(?:de[ \t]+la[ \t]+|de[ \t]+l'|du[ \t]+|des[ \t]+|de[ \t]+|d'|DE[ \t]+|DU[ \t]+|DES[ \t]+)?[{UPPER}][\w'’-]+"
    rf"(?:[ \t](?:de[ \t]+|du[ \t]+|des[ \t]+|la[ \t]+|le[ \t]+|d')?[{UPPER}][\w'’-]+){{0,4}}"
)
_PRACTICE_EN = re.compile(
    rf"(?<![\w])(?P<n>(?:[{UPPER}][\w'’]+[ \t]+){{1,4}})(?:Medical[ \t]+Practice|Surgery|Health[ \t]+Cent(?:re|er)|"
    rf"NHS[ \t]+(?:Foundation[ \t]+)?Trust|Family[ \t]+Practice|Medical[ \t]+Group|Medical[ \t]+Cent(?:re|er)|Laboratory|Labs?|Pathology)(?![\w])"
)
_NOT_PRACTICE = frozenset(
    fold(w)
    for w in [
        "General",
        "Cardiac",
        "Vascular",
        "Colorectal",
        "Plastic",
        "Orthopaedic",
        "Orthopedic",
        "Thoracic",
        "Paediatric",
        "Pediatric",
        "Day",
        "Breast",
        "Neuro",
        "Upper",
        "Lower",
        "Hand",
        "Oral",
        "Dental",
        "Eye",
        "Bariatric",
        "Transplant",
        "Trauma",
        "Emergency",
        "Minor",
        "Major",
        "Clinical",
        "Core",
        "Central",
        "Hematology",
        "Haematology",
        "Microbiology",
        "Pathology",
        "Chemistry",
        "Cardiothoracic",
        "Spinal",
        "Spine",
        "Robotic",
        "Laparoscopic",
        "The",
        "Her",
        "His",
    ]
)


def hospitals(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _LAB_FR.finditer(text):
        out.append((m.start(), m.end(), "HOSPITAL", 0.7))
    for m in _PRACTICE_EN.finditer(text):
        first = m.group("n").split()[0]
        if fold(first) in _NOT_PRACTICE:
            continue
        out.append((m.start(), m.end(), "HOSPITAL", 0.7))
    return out


# ---------------------------------------------------------------------------------------------- schools
_CLASS = re.compile(
    r"(?<![\w])(?:CP|CE1|CE2|CM1|CM2|CE1-CE2|CE2-CM1|CM1-CM2|GS|MS|PS|TPS|(?i:petite|moyenne|grande|toute[ \t]+petite)[ \t]+section|"
    r"[3-6](?:e|è|ème|eme)(?:[ \t]+[A-Z1-9])?|(?:1re|1ère|Tle|Terminale|Seconde|2nde|Première)(?:[ \t]+[A-Z]{0,4}\d?)?|"
    r"MAM[ \t]+[\w'’ -]+?(?=\n|$|,))(?![\w])"
)
_SCHOOL_CTX = re.compile(
    r"(?i)(?:scolaris|scolarit|élève|eleve|école|ecole|collège|college|lycée|lycee|classe|mode de garde|crèche)"
)


_SCHOOL_NAME = re.compile(
    r"(?i)(?:école|ecole|collège|college|lycée|lycee|crèche|creche|\bMAM\b|school|institut|IME\b|ITEP\b|"
    r"groupe scolaire|maternelle|élémentaire|primaire)"
)
_SCHOOL_PRE = frozenset(
    [
        "scolarise",
        "scolarisee",
        "scolarises",
        "scolarite",
        "scolarisation",
        "eleve",
        "eleves",
        "ecole",
        "college",
        "lycee",
        "classe",
        "garde",
        "creche",
    ]
)


def schools(text: str) -> list[Hit]:
    if not _folded_words(text) & _SCHOOL_PRE:
        return []
    out: list[Hit] = []
    for m in _CLASS.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        line = text[ls : len(text) if le < 0 else le]
        if not _SCHOOL_CTX.search(line):
            continue
        if (
            not re.search(r"[ \t]", m.group().strip())
            and not m.group().startswith("MAM")
            and not _SCHOOL_NAME.search(line)
        ):
            continue  # a grade alone ("scolarisé en CM1 à Bastia", "en 3e"): as coarse as an age, no school named
        if (
            m.group().isupper()
            and len(m.group()) <= 3
            and not re.search(
                r"(?i)(?:en|de|élève de|scolarité|,)\s*[:\-–]?\s*$", text[max(ls, m.start() - 20) : m.start()]
            )
            and not re.search(r"^\s*[–-]\s*(?:école|collège)", text[m.end() : m.end() + 12], re.I)
        ):
            continue
        out.append((m.start(), m.end(), "SCHOOL", 0.7))
    return out


# --------------------------------------------------------------------------------------------- services
_SPEC_WORD = (
    r"médecine[ \t]+interne|rhumatologie|cardiologie|neurologie|diabétologie|oncologie|pneumologie|néphrologie|gériatrie|"
    r"dermatologie|endocrinologie|gastro-entérologie|hépato-gastro-entérologie|hématologie|pédiatrie|psychiatrie|urologie|"
    r"ORL|ophtalmologie|chirurgie[ \t]+[\wé-]+|gynécologie|infectiologie|addictologie|allergologie|médecine[ \t]+vasculaire|"
    r"maladies[ \t]+infectieuses|hépatologie|pédopsychiatrie|rééducation|douleur|génétique"
)
_CONSULT = re.compile(
    rf"(?<![\w])(?i:consultation|CS)[ \t]+(?:de[ \t]+|d'|du[ \t]+)?(?P<s>(?i:{_SPEC_WORD}))(?![\w])"
)
_UF = re.compile(
    rf"(?<![\w])(?:UF|UM|U\.F\.|Unité[ \t]+fonctionnelle)[ \t]*:?[ \t]*\d{{3,5}}[ \t]+(?P<s>[{UPPER}][\w'’-]*(?:[ \t][\w'’-]+){{0,3}}?|(?i:{_SPEC_RE}))(?=[ \t]*(?:\n|$|\d{{1,2}}/|[,;(]))"
)
_ADMITTED = re.compile(
    r"(?<![\w])(?:admitted[ \t]+to|transferred[ \t]+to|on|in)[ \t]+(?:the[ \t]+)?(?P<s>(?:Internal|General|Acute|Geriatric|Respiratory|Renal|Cardiac)?[ \t]?"
    r"(?:Medicine|Surgery|Cardiology|Neurology|Oncology|Pediatrics|Paediatrics|Nephrology|Gastroenterology|Psychiatry|Geriatrics|"
    r"Hematology|Haematology|Labor[ \t]+&[ \t]+Delivery|Orthopedics|Orthopaedics|Urology|Obstetrics|Stroke[ \t]+Unit|ICU|MICU|SICU|CCU|"
    r"Rheumatology|Dermatology|Endocrinology|Respiratory[ \t]+Medicine))(?![\w])"
)
_UNIT_PHRASE = re.compile(
    r"(?<![\w])(?i:unité[ \t]+fermée|unite[ \t]+fermee|unité[ \t]+de[ \t]+crise|salle[ \t]+de[ \t]+réveil|salle[ \t]+de[ \t]+reveil|"
    r"SSR[ \t]+gériatrique|unité[ \t]+de[ \t]+soins[ \t]+palliatifs|unite[ \t]+de[ \t]+soins[ \t]+palliatifs|unité[ \t]+Alzheimer|"
    r"unité[ \t]+cognitivo-comportementale|UCC|unité[ \t]+d'hospitalisation[ \t]+de[ \t]+courte[ \t]+durée)(?![\w])"
)
_SVC_WORDS = re.compile(
    r"(?i)consultation|\bCS\b|\bUF\b|\bUM\b|fonctionnelle|admitted|transferred|\bon the\b|unit|salle|SSR"
)


_SVC_PRE = frozenset(
    [
        "consultation",
        "cs",
        "uf",
        "um",
        "fonctionnelle",
        "admitted",
        "transferred",
        "in",
        "on",
        "unite",
        "unit",
        "salle",
        "ssr",
    ]
)


def services(text: str) -> list[Hit]:
    if not _folded_words(text) & _SVC_PRE:
        return []
    out: list[Hit] = [(m.start("s"), m.end("s"), "SERVICE", 0.6) for m in _CONSULT.finditer(text)]
    out += [(m.start("s"), m.end("s"), "SERVICE", 0.6) for m in _UF.finditer(text)]
    out += [(m.start("s"), m.end("s"), "SERVICE", 0.6) for m in _ADMITTED.finditer(text)]
    out += [(m.start(), m.end(), "SERVICE", 0.6) for m in _UNIT_PHRASE.finditer(text)]
    return out


# ------------------------------------------------------------------------------------------------ rooms
_ROOM3 = re.compile(
    r"(?<![\w])(?:(?i:brancard|couloir|hallway|corridor|trolley|cubicle|fauteuil|SR|side[ \t]+room)[ \t]*(?:n°|#)?[ \t]*\d{1,3}[A-Z]?"
    r"|(?i:box)[ \t]+(?i:déchoc|dechoc|IAO|SAUV|UHCD|[A-Z]\d?)"
    r"|(?i:salle[ \t]+d[’']attente[ \t]+couchée)"
    r"|(?i:porte)[ \t]+\d{1,3})(?![\w])"
)
# A room said as "la 412" in speech: after a patient ("Mme Roussel de la 412") or a care visit ("passer voir
# la 412", "sonne dans la 208"); three digits, not a quantity, time or date.
_ROOM_SPOKEN = re.compile(
    r"(?:(?<![\w])(?:Mme|M\.|Mr|Mrs|Monsieur|Madame|patiente?|dame|monsieur)[ \t]+[\w'’-]+[ \t]+(?:de|dans)"
    r"|(?i:passer[ \t]+voir|passée?[ \t]+voir|sonne|a[ \t]+sonné|perfuser|transférée?[ \t]+dans|installée?[ \t]+dans)"
    r"(?:[ \t]+dans)?)[ \t]+la[ \t]+(?P<v>\d{3}[A-Z]?)(?![\w/.,:]|[ \t]*(?:€|euros?|km|mg|ml|g\b|h\b))"
)
_ROOM_KEY = re.compile(
    r"(?<![\w])(?:Lit|LIT|Ch\.|CH\.|Chambre|CHAMBRE|Chbre|Box|Room|Bed)[ \t]*:[ \t]*(?P<v>\d{1,4}[A-Z]?(?:-\d{1,2})?)(?![\w])"
)


def rooms(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text) and "attente" not in text and "box" not in text.lower():
        return []
    out: list[Hit] = []
    for m in _ROOM3.finditer(text):
        frag = m.group()
        if frag.lower().startswith("porte") and re.search(
            r"(?i)code[ \t]*$", text[max(0, m.start() - 8) : m.start()]
        ):
            continue
        if frag.upper().startswith("SR") and not re.match(r"SR\d", frag):
            continue
        out.append((m.start(), m.end(), "WARD_ROOM", 0.65))
    out += [(m.start("v"), m.end("v"), "WARD_ROOM", 0.7) for m in _ROOM_KEY.finditer(text)]
    out += [(m.start("v"), m.end("v"), "WARD_ROOM", 0.6) for m in _ROOM_SPOKEN.finditer(text)]
    return out


# ------------------------------------------------------------------------------------------------ numbers
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
_SHORT_ID = re.compile(
    r"(?<![\w])(?:ID|N°|n°|Réf\.?|Ref\.?|#)[ \t]*:?[ \t]*(?P<id>\d{3,5}-[A-Z]{1,2}|[A-Z]{1,2}-\d{3,5})(?![\w-])"
)


def numbers(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = [(m.start(), m.end(), "OTHER_ID", 0.7) for m in _SSN.finditer(text)]
    out += [(m.start("id"), m.end("id"), "OTHER_ID", 0.6) for m in _SHORT_ID.finditer(text)]
    return out


# --------------------------------------------------------------------------------------------------- ages
_AGE3 = re.compile(
    r"(?<=[(,])[ \t]*(?P<a>\d{1,3}[ \t]?(?:years?|yrs?|ans|ANS|yo|y/o))(?![\w])"
    r"|(?<![\w])(?:[FMH])[ \t]+(?P<b>\d{1,3}[ \t]?(?:ANS|Ans|ans|a))(?![\w])"
    r"|(?<![\w])(?P<c>\d{1,3}[ \t]?ANS)(?![\w])"
    r"|(?<![\w])(?i:âge|age)[ \t]*:[ \t]*(?P<d>\d{1,3})(?![\w])"
    r"|\([ \t]*(?P<e>\d{1,3}[ \t]?[FMH])[ \t]*\)"
    rf"|(?:[{UPPER}][{LOWER}]+|[{UPPER}]{{2,}})[ \t]+(?P<f>\d{{1,3}}[ \t]?(?:ans|a))(?![\w])"
)


def ages(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _AGE3.finditer(text):
        g = next(k for k in "abcdef" if m.group(k))
        n = int(re.match(r"\d+", m.group(g)).group())  # type: ignore[union-attr]
        if n <= 120:
            out.append((m.start(g), m.end(g), "AGE", 0.65))
    return out


# Units annotators do not mark as the patient's service, whatever finder proposed them (session 3b): the
# emergency department named bare (every hospital has one; "urgences pédiatriques", "service des urgences" stay),
# the SAMU/SMUR as a mode of arrival or transport, a follow-up type ("suivi CMP"), a document title ("ED TRIAGE
# NOTE", "PSYCHIATRY PROGRESS NOTE"), "Emergency contact", a billing sector ("conventionné secteur 1"), an act
# ("rééducation du genou"); rooms of a meeting or an operation ("staff jeudi salle 3", "Date de l'intervention
# ... Salle 2", "session in Room 2"): not where the patient lies.
_BARE_EMERGENCY = re.compile(r"(?i)(?:les\s+)?(?:urgences?|emergency|ED)(?:\s+adultes?|\s+générales)?")
_TRANSPORT_BEFORE = re.compile(
    r"(?i)(?:mode\s+d['’](?:arrivée|entrée)|(?:organisée?|assurée?|effectuée?)\s+par)\s*[:,]?\s*(?:le\s+|la\s+)?$"
)
_DOC_TITLE_AFTER = re.compile(
    r"(?i)^[ \t]+(?:(?:triage|progress|consult(?:ation)?|admission|discharge)[ \t]+)?note\b"
)
_CONTACT_AFTER = re.compile(r"(?i)^[ \t]+(?:contact|number|phone|kin)\b")
_ACT_AFTER = re.compile(r"(?i)^[ \t]+(?:(?:du|de\s+la|des)[ \t]+|de\s+l['’][ \t]*)\w")
_MEETING_LINE = re.compile(
    r"(?i)\b(?:staff|réunion|session|meeting|teaching|ordre\s+du\s+jour|formation|cours|intervention|"
    r"opératoire|bloc|theatre|theater)\b"
)
_BED_WORD = re.compile(r"(?i)\b(?:lit|bed|bay|chambre|ch\.|room\s+\d+\s*,?\s*bed)\b")


def unit_noise(text: str, start: int, end: int, label: str) -> bool:
    """True when a SERVICE or WARD_ROOM span is a use of the word that names no unit or room of the patient."""
    frag = text[start:end]
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    if label == "SERVICE":
        if _BARE_EMERGENCY.fullmatch(frag) and not re.search(r"(?i)\b(?:service|accueil)\s+des\s+$", before):
            return True
        if frag in ("SAMU", "SMUR") and _TRANSPORT_BEFORE.search(before):
            return True
        if frag in ("CMP", "CATTP") and re.search(r"(?i)\bsuivi\s+(?:en\s+)?$", before):
            return True
        if _DOC_TITLE_AFTER.match(after) or (frag.lower() == "emergency" and _CONTACT_AFTER.match(after)):
            return True
        return frag.lower() == "rééducation" and bool(_ACT_AFTER.match(after))
    if label == "WARD_ROOM":
        low = frag.lower()
        if re.fullmatch(r"(?i)secteur\s+[123]", frag) and re.search(
            r"(?i)conventionnée?\s+$|honoraires\s+$", before
        ):
            return True
        if re.fullmatch(r"(?i)(?:salle|room)\s+\d{1,2}", frag) and low.split()[0] in ("salle", "room"):
            ls = text.rfind("\n", 0, start) + 1
            le = text.find("\n", end)
            line = text[ls : le if le >= 0 else len(text)]
            return bool(_MEETING_LINE.search(line)) and not _BED_WORD.search(line)
    return False


FINDERS_ROUND3 = {
    "nir_3": nirs,
    "name_3": names,
    "date_3": dates,
    "phone_3": phones,
    "address_3": addresses,
    "place_3": places,
    "hospital_3": hospitals,
    "school_3": schools,
    "service_3": services,
    "room_3": rooms,
    "number_3": numbers,
    "age_3": ages,
}
