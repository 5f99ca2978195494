"""Turns recognizer hits into patient identifiers: cleans names, tells colleagues from patients, decides
whether the text is about care, and scores a re-identification risk that explains itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veilleur.detect.secrecy.lexicon import care_hits, fold, lexicon, person_noun_before
from veilleur.records import Span

if TYPE_CHECKING:  # presidio pulls torch/transformers: import it only when analysing
    from presidio_analyzer import RecognizerResult


@dataclass(frozen=True)
class SecrecyAnalysis:
    """What the secrecy detector makes of one text."""

    spans: tuple[Span, ...]  # every identifier or quasi-identifier found (label = entity type)
    health_context: bool  # the text is about a patient / care
    risk: str  # "none" | "low" | "medium" | "high"
    identifying: bool  # would let someone recognise the patient
    explanation: str  # French, e.g. "âge + commune + maladie rare"
    minor: bool = False
    lang: str = "fr"
    points: float = 0.0
    quasi_identifiers: tuple[str, ...] = field(default=())


# Labels whose presence alone names the patient in a care context.
DIRECT = frozenset({"PERSON", "NIR", "IPP", "STAY_NUMBER", "PHONE", "EMAIL", "ADDRESS"})
# Weight of each quasi-identifier (counted once per kind). Three points single someone out.
WEIGHTS: dict[str, float] = {
    "AGE": 1.0,
    "DATE": 1.0,
    "BIRTH_DATE": 3.0,
    "INITIALS": 1.0,
    "HOSPITAL": 1.0,
    "SERVICE": 0.5,
    "WARD_ROOM": 2.0,
    "RARE_DISEASE": 2.0,
    "SCHOOL": 2.0,
    "SMALL_TOWN": 2.0,
    "CITY": 0.5,
    "PLACE": 1.0,
    "ROLE": 2.0,
    "POSTCODE": 1.0,
    "OTHER_ID": 1.0,
}
# French names of what was found, for explanations moderators read.
FR_NAMES: dict[str, str] = {
    "PERSON": "nom",
    "NIR": "NIR",
    "IPP": "numéro de dossier",
    "PHONE": "téléphone",
    "EMAIL": "e-mail",
    "ADDRESS": "adresse",
    "AGE": "âge",
    "DATE": "date",
    "BIRTH_DATE": "date de naissance",
    "INITIALS": "initiales",
    "HOSPITAL": "établissement",
    "SERVICE": "service",
    "WARD_ROOM": "chambre/lit",
    "RARE_DISEASE": "maladie rare",
    "SCHOOL": "école",
    "SMALL_TOWN": "commune",
    "CITY": "ville",
    "PLACE": "lieu",
    "ROLE": "rôle social",
    "STAY_NUMBER": "numéro de séjour",
    "POSTCODE": "code postal",
    "OTHER_ID": "numéro",
}
RISK_FR = {"none": "aucun risque", "low": "risque faible", "medium": "risque moyen", "high": "risque élevé"}

_NER_LABELS = frozenset({"PERSON", "LOCATION"})
_BIRTH_BEFORE = re.compile(
    r"(?:n[ée]e?s?(?:\s*\(e\))?|naissance|born|DOB|DDN|date of birth|birthday)\s*(?:le|on|:)?\s*(?:le|:)?\s*$",
    re.I,
)


def _professional(text: str, start: int, span_text: str) -> bool:
    lx = lexicon()
    if lx.professional_titles.match(span_text):
        return True
    before = text[max(0, start - 30) : start]
    last = None
    for m in lx.professional_titles.finditer(before):
        last = m
    return last is not None and before[last.end() :].strip(" .") == ""


def _eponym(text: str, start: int, end: int) -> bool:
    lx = lexicon()
    before = text[max(0, start - 30) : start]
    if any(
        before.endswith(m.group() + " ") or before.endswith(m.group())
        for m in lx.eponym_prefixes.finditer(before)
    ):
        return True
    after = text[end : end + 20].lower()
    return any(after.startswith(s) or after.startswith(" " + s) for s in lx.eponym_suffixes)


# Words before a name that make it the person spoken to or quoted in the group, not a patient.
_ADDRESS_BEFORE = re.compile(
    r"(?:^|[\s(])(?:@|salut|bonjour|bonsoir|coucou|merci|bravo|hello|hi|hey|thanks|thank you|dear|cher|chère|"
    r"avec|comme|comme (?:le |l'a )?dit|comme (?:le )?disait|comme (?:l'a )?écrit|d'après|selon|dixit|d'accord avec|agree with|"
    r"like|as|pour|sorry|désolée?)\s*,?\s*$",
    re.I,
)
_ADDRESS_AFTER = re.compile(
    r"^\s*(?:[,!?:…]|\.\.\.|\s(?:tu|t'|te|toi|you|a raison|is right|sérieusement|franchement|honnêtement|"
    r"stp|s'il te plaît|please|seriously|honestly)\b)",
    re.I,
)
_GREETING = re.compile(
    r"(?:salut|bonjour|bonsoir|coucou|merci|bravo|hello|hi|hey|thanks|dear|cher|chère)[\s,]+", re.I
)
_SECOND_PERSON = re.compile(r"\b(?:tu|t'|te|toi|ton|ta|tes|you|your)\b", re.I)
_ARTICLE_BEFORE = re.compile(
    r"(?:\b(?:le|la|les|du|de|des|the|a|an|my|mon|ma|notre)\s+\w*\s*|[A-Z]\.\s*)$", re.I
)
# A name followed by an age, a number or a date is a patient being described, not someone spoken to.
_DETAILS_AFTER = re.compile(r"^\s*[,(]?\s*(?:\d|(?:née?|âgée?|aged|born)\b)", re.I)
_NAME_PARTICLES = frozenset(
    {"de", "du", "des", "d'", "le", "la", "van", "von", "da", "di", "el", "ben", "bin"}
)


def _addressee(text: str, start: int, end: int, members: frozenset[str]) -> bool:
    """A first name (no civility) that names a member of the group, or the person spoken to:
    "Julie, enlève le nom", "D'accord avec Paul", "Bruno tu te rends compte", "... identifiable Mathieu.".
    Never when the name introduces a patient's details ("Kevin, 8 ans, …", "le petit Noah")."""
    frag = text[start:end]
    before = text[max(0, start - 40) : start]
    after = text[end : end + 20]
    if _DETAILS_AFTER.match(after) or person_noun_before(before):
        return False
    if " " in frag.strip():
        return fold(frag) in members
    if fold(frag) in members:
        return True
    speaks_to = bool(_SECOND_PERSON.search(text))
    if _ADDRESS_BEFORE.search(before):
        return True
    if (before.strip() == "" or re.search(r"[.!?…]\s*$", before)) and _ADDRESS_AFTER.match(after):
        # "Julie, enlève…" speaks to Julie only if the message speaks to someone; "Thierry sérieusement…",
        # "Paul a raison", "Bruno !" always do.
        # "Franck… les patients…": a name then an ellipsis at the start of a message is said to someone.
        return speaks_to or not re.match(r"\s*,", after)
    # Last word of the message, after a comma or in a message that speaks to someone ("tu", "you").
    if after.strip(" .!?…)😉🙂🙏") == "" and not _ARTICLE_BEFORE.search(before):
        return before.rstrip().endswith(",") or speaks_to
    return False


def _ner_noise(text: str, start: int, frag: str) -> bool:
    """spaCy tags capitalised common words as people ("Bonne année", "Néphro :", "Ramadan commence",
    "Urgences de Perpignan", "Aïd moubarak"). Keep a name it found only when it looks like one: a known
    first name, a word after a person noun ("le petit Tiago", "Mme"), or capitalised words only."""
    lx = lexicon()
    words = frag.split()
    if any(w in lx.first_names for w in words):
        return False
    if any(lx.care_words.fullmatch(w) or lx.patient_words.fullmatch(w) for w in words):
        return True
    if len(words) == 1:
        return not person_noun_before(text[max(0, start - 40) : start])
    return not all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _label_word(text: str, s: int, e: int, frag: str) -> bool:
    """One word that opens its line, or is followed by a colon or an abbreviation dot, and is not a place
    we know: the NER's LOC on a record's field names and result lines ("Assurée :", "Créatinine 182")."""
    if " " in frag.strip() or "-" in frag or fold(frag) in lexicon().places:
        return False
    after = text[e : e + 3]
    if re.match(r"\s*:|\.\s*\d", after):
        return True
    line_start = text.rfind("\n", 0, s) + 1
    return not text[line_start:s].strip(" \t-–•*>") and not re.match(r"\s*[,(]", after)


# Before a place: a preposition or a comma; after it: a comma, a bracket, a postcode, a letter's date.
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:à|a|de|d'|d’|du|des|en|au|aux|in|at|from|near|to|sur|vers|chez|par|près|habite|vit|of)|[,(/])\s*$",
    re.I,
)
_PLACE_AFTER = re.compile(r"^\s*(?:[,()]|\d{5}|[-–]\s*\d|le\s+\d|\s*$)")


def _loose_place(text: str, s: int, e: int, frag: str) -> bool:
    """A one-word NER place we do not know, with no place word around it: a capitalised common word or a
    lab name ("Transport en ambulance", "Coroner not required", "NT-proBNP", "Monday"), not a place."""
    if " " in frag.strip() or fold(frag) in lexicon().places:
        return False
    if re.match(r"\s*\d{1,4}(?!\d)", text[e : e + 6]):
        return True  # "Kaliémie 5,2 mmol/L": a result line, not a place
    if re.search(r"[A-Z]{2}-|^[A-Z]-", frag):
        return True  # "NT-proBNP", "D-dimères"
    if "-" in frag and frag.split("-")[1][:1].isupper():
        return False  # "Saint-Denis", "Mont-Louis"
    line_start = text.rfind("\n", 0, s) + 1
    before = text[max(line_start, s - 30) : s]
    return not _PLACE_BEFORE.search(before) and not _PLACE_AFTER.match(text[e : e + 12])


_DAY_MONTH = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
    ]
)
_SCORE_AFTER = re.compile(r"(?i)^(?:\s*[≥≤<>=]\s*\d|\s+(?:coma\s+scale|scale|score|révisée?|revised)\b)")
_SCORE_LIST = re.compile(
    r"(?i)\b(?:scores?|classifications?|échelles?|signes?|signs?|critères|criteria|scales?)\b[^.\n;]*"
    r"(?:,|\bde|\bd'|\bet|\band)\s*$"
)


def _score_name(text: str, s: int, e: int, frag: str) -> bool:
    """A place name that is a score, a sign or a test ("Glasgow Coma Scale", "Wells, Genève révisé" after
    "scores :", "classification de Gustilo, de Garden", "forme de Weil", "Western-Blot", "Rudkin ≥ 4"), or a
    day or a month ("Monday"): not where someone lives."""
    if fold(frag) in _DAY_MONTH or re.search(r"(?i)-blot$", frag):
        return True
    if _SCORE_AFTER.match(text[e : e + 16]):
        return True
    before = text[max(0, s - 60) : s]
    return bool(_SCORE_LIST.search(before) or re.search(r"(?i)\bforme\s+de\s*$", before))


_PHONE_BEFORE = re.compile(
    r"(?i)(?:t[ée]l|phone|portable|port\.|mobile|fixe|fax|joindre|appel\w*|num[ée]ro|n°)\W{0,12}$"
)


def _date_not_phone(text: str, s: int, e: int) -> bool:
    """A phone whose digits open with a valid spaced date ("05 12 2025 14"), with no phone word before it."""
    from veilleur.detect.secrecy.clinical4 import SPACED_DATE

    return bool(SPACED_DATE.match(text, s)) and not _PHONE_BEFORE.search(text[max(0, s - 30) : s])


def clean_hits(
    text: str, results: Sequence[RecognizerResult], members: frozenset[str] = frozenset()
) -> list[Span]:
    """Resolve overlaps (longest span wins), drop NER mistakes, relabel colleagues as PROFESSIONAL and the
    people spoken to (group members, vocatives) as ADDRESSEE. ``members``: folded names of the group's
    members (full names and first names) — a colleague named in the thread is not a patient."""
    lx = lexicon()
    cands: list[tuple[int, int, str, float]] = []
    for r in results:
        s, e, label = r.start, r.end, r.entity_type
        frag = text[s:e]
        # NER spans sometimes swallow trailing punctuation or spaces.
        while e > s and text[e - 1] in " ,;:":
            e -= 1
        frag = text[s:e]
        if label == "PERSON":  # NER sometimes takes the greeting with the name ("Hi Tom", "Merci Julie")
            g = _GREETING.match(frag)
            if g and g.end() < len(frag):
                s += g.end()
                frag = text[s:e]
        if not frag.strip():
            continue
        if (
            label in _NER_LABELS
            and r.recognition_metadata
            and "Spacy" in str(r.recognition_metadata.get("recognizer_name", ""))
        ):
            cut = re.search(r"\n|[ ]{3,}|\t", frag)
            if cut:  # a name does not run over a line break or a column gap ("LEROY Paul\nAdresse", "F      Poids")
                e = s + cut.start()
                while e > s and text[e - 1] in " ,;:":
                    e -= 1
                frag = text[s:e]
                if not frag.strip():
                    continue
            if fold(frag) in lx.drugs or frag.isupper() and len(frag) <= 5 or any(c.isdigit() for c in frag):
                continue
            if not frag[0].isupper() or _eponym(text, s, e):
                continue
            if (
                label == "PERSON"
                and len(frag.split()) == 1
                and (
                    lx.patient_words.fullmatch(frag)
                    or lx.minor_words.fullmatch(frag)
                    or lx.care_words.fullmatch(frag)
                )
            ):
                continue
            if label == "PERSON" and _ner_noise(text, s, frag):
                continue
            if label == "LOCATION" and _label_word(text, s, e, frag):
                continue  # "Créatinine 182", "Opérateur : …", "Port. 06…": a header word opening a line, not a place
            if label == "LOCATION" and _loose_place(text, s, e, frag):
                continue  # "Transport en ambulance", "Coroner not required", "NT-proBNP": no place word around it
            if label == "LOCATION" and any(
                w[0].islower()
                and w.lower() not in _NAME_PARTICLES
                and w.lower() not in ("sur", "sous", "en", "lès", "les", "aux")
                for w in frag.split()
            ):
                continue  # "IEC + spironolactone": places are capitalised words
            words = frag.split()
            if all(w.isupper() for w in words) and not any(fold(w) in lx.first_names_folded for w in words):
                continue  # capitals read through the title-cased view: names need a first name ("HAS-BLED", "DUPONT")
            if any(fold(w) in lx.header_words and w.lower() not in _NAME_PARTICLES for w in words):
                continue  # "Laboratoire Bio-Santé", "Secrétariat", "Cher confrère"
            if any(w.isupper() and len(w) >= 2 for w in frag.split()) and any(
                fold(w) in lx.header_words or lx.care_words.fullmatch(w) for w in frag.split()
            ):
                continue  # a header in capitals read as a name through the title-cased view

        if label in ("PERSON", "PROFESSIONAL"):
            gap = re.search(r"[ ]{3,}", frag)
            if gap and re.search(
                r"\w", frag[: gap.start()]
            ):  # "FAURE Régine   Ch. : 12": a name ends at a column gap
                e = s + gap.start()
                frag = text[s:e]
        if label == "PHONE" and _date_not_phone(text, s, e):
            continue  # "05 12 2025 14 30": a date and its time, not a phone in an odd grouping
        if label == "PERSON" and (fold(frag) in lx.drugs or _eponym(text, s, e)):
            continue
        if label == "LOCATION" and fold(frag) in lx.header_words:
            continue  # "Cher confrère" is not the Cher department
        if label == "LOCATION" and (_eponym(text, s, e) or _score_name(text, s, e, frag)):
            continue  # "score de Glasgow", "Glasgow Coma Scale", "Western-Blot", "jusqu'à Rudkin ≥ 4", "Monday"
        cands.append((s, e, label, r.score))
    priority = {
        "NIR": 0,
        "EMAIL": 1,
        "IPP": 2,
        "STAY_NUMBER": 2,
        "RPPS": 3,
        "PHONE": 4,
        "ADDRESS": 5,
        "RARE_DISEASE": 6,
        "PROFESSIONAL": 7,
        "PERSON": 8,
        "HOSPITAL": 9,
        "OTHER_ID": 60,
    }
    cands.sort(key=lambda c: (-(c[1] - c[0]), priority.get(c[2], 50), -c[3]))
    kept: list[tuple[int, int, str, float]] = []
    for c in cands:
        if all(c[1] <= k[0] or c[0] >= k[1] for k in kept):
            kept.append(c)
    kept.sort()
    spans: list[Span] = []
    for s, e, label, _ in kept:
        frag = text[s:e]
        if label in ("PERSON", "INITIALS") and _professional(text, s, frag):
            label = "PROFESSIONAL"
        elif label == "PERSON" and _addressee(text, s, e, members):
            label = "ADDRESSEE"
        spans.append(Span(start=s, end=e, label=label, text=frag))
    return context_only(text, spans)


# Spans that point to someone: a name, a number, an age, a room... A unit is an identifier only next to one of
# them; alone, it is the topic of a general message ("pensez-y en gériatrie", "appelez le SAMU", "the ICU
# folks", "le service de cardiologie recrute"), not a detail about a patient. Rare diseases are kept (writers
# mark them even in a webinar's announcement, and one names a patient's condition).
_ANCHOR_LABELS = frozenset(
    DIRECT
    | {
        "AGE",
        "BIRTH_DATE",
        "DATE",
        "INITIALS",
        "WARD_ROOM",
        "SCHOOL",
        "ROLE",
        "OTHER_ID",
        "RPPS",
        "PROFESSIONAL",
    }
)
_CONTEXT_LABELS = frozenset({"SERVICE"})


def context_only(text: str, spans: list[Span]) -> list[Span]:
    """Drop services from a text where nothing else points to someone (no patient or child word either)."""
    lx = lexicon()
    if (
        any(s.label in _ANCHOR_LABELS for s in spans)
        or lx.patient_words.search(text)
        or lx.minor_words.search(text)
    ):
        return spans
    return [s for s in spans if s.label not in _CONTEXT_LABELS]


# Details about one person (as opposed to an institution or a disease, which describe a service).
PERSONAL_KINDS = frozenset({"AGE", "BIRTH_DATE", "INITIALS", "WARD_ROOM", "SCHOOL", "DATE", "ROLE"})
# Unknown compound commune names ("Peyrat-le-Château", "Saint-Jean-sur-Veyle") are small places far more
# often than cities: the place list knows the cities.
_COMPOUND_COMMUNE = re.compile(
    r"^[A-ZÉÈ][\w']+(?:-[\w']+)*-(?:le|la|les|lès|sur|sous|en|de|du|des|aux?)-[\w'-]+$"
)


def health_context(text: str, spans: Sequence[Span]) -> bool:
    lx = lexicon()
    if lx.patient_words.search(text):
        return True
    care = {fold(w) for w in care_hits(text)}
    # A medicine named in the text is a sign of care too (the drug list doubles as a care lexicon).
    care |= lx.drugs.intersection(re.findall(r"[\w-]+", fold(text)))
    if any(s.label in ("RARE_DISEASE", "WARD_ROOM", "IPP", "STAY_NUMBER", "NIR") for s in spans):
        care.add("rare/ward/ipp")
    if len(care) >= 2:
        return True
    # One sign of care is enough when the text also names or numbers someone.
    return bool(care) and (
        bool(lx.minor_words.search(text)) or any(s.label == "AGE" or s.label in DIRECT for s in spans)
    )


def _quasi_kind(text: str, span: Span) -> str | None:
    if span.label == "LOCATION":
        place = lexicon().places.get(fold(span.text))
        if place is None:
            return "SMALL_TOWN" if _COMPOUND_COMMUNE.match(span.text) else "PLACE"
        return "SMALL_TOWN" if place.small else "CITY"
    if span.label == "DATE":
        before = text[max(0, span.start - 25) : span.start]
        if _BIRTH_BEFORE.search(before) or re.match(r"(?:née?|born)\s", span.text, re.I):
            # A full birth date singles someone out; a birth year is as coarse as an age.
            return (
                "BIRTH_DATE"
                if re.search(r"\d{1,2}\D+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", span.text)
                else "AGE"
            )
        return "DATE"
    return span.label if span.label in WEIGHTS else None


def assess(text: str, spans: Sequence[Span], lang: str = "fr") -> SecrecyAnalysis:
    """Re-identification risk of one text from its spans."""
    lx = lexicon()
    health = health_context(text, spans)
    direct = sorted({s.label for s in spans if s.label in DIRECT})
    kinds: dict[str, float] = {}
    for s in spans:
        k = _quasi_kind(text, s)
        if k is not None:
            kinds[k] = max(kinds.get(k, 0.0), WEIGHTS[k])
    from veilleur.detect.secrecy.recognizers import age_value

    ages = [a for a in (age_value(s.text) for s in spans if s.label == "AGE") if a is not None]
    minor = any(a < 18 for a in ages) or (
        bool(lx.minor_words.search(text)) and not any(a >= 18 for a in ages)
    )
    points = sum(kinds.values())
    if (len(kinds) < 2 or not PERSONAL_KINDS & kinds.keys()) and "BIRTH_DATE" not in kinds:
        # One kind of detail alone (a rare disease, a ward) describes a case, not a person.
        points = min(points, 2.0)
    if "WARD_ROOM" in kinds and ("SERVICE" in kinds or "HOSPITAL" in kinds):
        points += 0.5  # a room number in a named unit or hospital points to one bed, so to one patient
    if minor and points >= 2 and len(kinds) >= 2:
        points += 1.0  # a child with one more detail is far easier to recognise (school, village)
    quasi = tuple(sorted(kinds, key=lambda k: -WEIGHTS[k]))
    labels = [FR_NAMES[d] for d in direct] + [FR_NAMES[k] for k in quasi]
    if not health:
        risk = "low" if direct or points >= 3 else "none"
        identifying = False
        explanation = "pas de contexte de soin" + (f" ({' + '.join(labels)})" if labels else "")
    else:
        if direct or points >= 5:
            risk = "high"
        elif points >= 3:
            risk = "medium"
        elif points > 0:
            risk = "low"
        else:
            risk = "none"
        identifying = bool(direct) or points >= 3
        explanation = " + ".join(labels) if labels else "aucun identifiant"
        if minor and labels:
            explanation += " (patient mineur)"
    return SecrecyAnalysis(
        spans=tuple(spans),
        health_context=health,
        risk=risk,
        identifying=identifying,
        explanation=explanation,
        minor=minor and health,
        lang=lang,
        points=points,
        quasi_identifiers=tuple(direct) + quasi,
    )
