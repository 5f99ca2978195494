"""Safe version of a clinical text: identifiers removed or generalised, clinical content kept, every change
listed (pseudonyms, age brackets, towns to department, dates made relative, numbers removed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from veilleur.detect.secrecy.analysis import SecrecyAnalysis
from veilleur.detect.secrecy.lexicon import FR_NUMBER_WORDS, fold, lexicon
from veilleur.detect.secrecy.recognizers import MONTHS_EN, age_value, nir_candidates
from veilleur.records import Span


@dataclass(frozen=True)
class Change:
    start: int  # in the original text
    end: int
    original: str
    replacement: str
    label: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RedactionResult:
    text: str
    changes: tuple[Change, ...]
    # What the re-analysis of ``text`` still finds (fail closed): empty when the output is safe to show.
    residual: tuple[Span, ...] = field(default=())
    # A lone quasi-identifier still there (one kind of detail: an age, a date, a town...): reported, not blocking.
    lone: tuple[Span, ...] = field(default=())

    @property
    def blocked(self) -> bool:
        return bool(self.residual)

    def residual_message(self) -> str:
        """One line naming what is left, in French (what the CLI prints when it refuses the output)."""
        from veilleur.detect.secrecy.analysis import FR_NAMES

        left = ", ".join(f"{FR_NAMES.get(s.label, s.label.lower())} « {s.text} »" for s in self.residual)
        return f"sortie bloquée : la version caviardée contient encore {left}" if left else ""

    def lone_message(self) -> str:
        """One line naming a lone quasi-identifier left in a text that is not blocked ("" when none)."""
        from veilleur.detect.secrecy.analysis import FR_NAMES

        left = ", ".join(f"{FR_NAMES.get(s.label, s.label.lower())} « {s.text} »" for s in self.lone)
        return (
            f"reste un quasi-identifiant seul (non bloquant) / lone quasi-identifier left (not blocking): {left}"
            if left
            else ""
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "changes": [c.to_dict() for c in self.changes]}
        if self.residual:
            d["blocked"] = True
            d["residual"] = [{"label": s.label, "text": s.text} for s in self.residual]
        if self.lone:
            d["lone_quasi_identifiers"] = [{"label": s.label, "text": s.text} for s in self.lone]
        return d


# Clinical content that stays: the disease and the department of care are what colleagues need.
KEPT_LABELS = frozenset({"SERVICE", "RARE_DISEASE"})
# Staff and people spoken to: removed or kept according to the ``staff`` option.
STAFF_LABELS = frozenset({"PROFESSIONAL", "ADDRESSEE"})

_REMOVED_FR = {
    "NIR": "[NIR supprimé]",
    "PHONE": "[téléphone supprimé]",
    "IPP": "[n° de dossier supprimé]",
    "RPPS": "[n° RPPS supprimé]",
    "EMAIL": "[e-mail supprimé]",
    "ADDRESS": "[adresse supprimée]",
    "ROLE": "[fonction retirée]",
    "STAY_NUMBER": "[n° de séjour supprimé]",
    "OTHER_ID": "[numéro supprimé]",
    "POSTCODE": "[code postal supprimé]",
}
_REMOVED_EN = {
    "NIR": "[social security number removed]",
    "PHONE": "[phone removed]",
    "IPP": "[record number removed]",
    "RPPS": "[professional number removed]",
    "EMAIL": "[e-mail removed]",
    "ADDRESS": "[address removed]",
    "ROLE": "[role removed]",
    "STAY_NUMBER": "[stay number removed]",
    "OTHER_ID": "[number removed]",
    "POSTCODE": "[postcode removed]",
}
_REASONS = {
    "PERSON": "nom remplacé par un pseudonyme",
    "PROFESSIONAL": "nom de soignant remplacé par un pseudonyme",
    "INITIALS": "initiales remplacées par un pseudonyme",
    "AGE": "âge généralisé",
    "DATE": "date rendue relative",
    "LOCATION": "lieu remplacé par le département ou la région",
    "HOSPITAL": "établissement rendu anonyme",
    "SCHOOL": "école rendue anonyme",
    "WARD_ROOM": "numéro de chambre/lit supprimé",
    "ROLE": "rôle social qui désigne la personne retiré",
}

_FR_NUM = list(FR_NUMBER_WORDS[:13])
_EN_NUM = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_MONTHS_FR = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_MONTHS_EN = {m.lower()[:3]: i for i, m in enumerate(MONTHS_EN.split("|")[:12], start=1)}
_DECADE_ADJ = {
    2: None,
    3: "trentenaire",
    4: "quadragénaire",
    5: "quinquagénaire",
    6: "sexagénaire",
    7: "septuagénaire",
    8: "octogénaire",
}
_DECADE_NOUN = {
    2: "vingtaine",
    3: "trentaine",
    4: "quarantaine",
    5: "cinquantaine",
    6: "soixantaine",
    7: "",
    8: "",
}


def _letters(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _age_fr(years: float, with_de: bool) -> str:
    """French age bracket; ``with_de`` when the text said "de 34 ans" (the "de" is part of the change)."""
    if years < 1:
        return "de quelques mois" if with_de else "quelques mois"
    if years < 3:
        return "de moins de 3 ans" if with_de else "moins de 3 ans"
    if years < 6:
        return "d'âge préscolaire" if with_de else "âge préscolaire"
    if years < 12:
        return "d'âge scolaire" if with_de else "âge scolaire"
    if years < 18:
        return "adolescent" if with_de else "adolescence"
    if years >= 90:
        return "de plus de 90 ans" if with_de else "plus de 90 ans"
    if years < 20:
        return "jeune adulte"
    decade = int(years // 10)
    adj = _DECADE_ADJ.get(decade)
    if with_de or decade >= 7:
        return adj if adj else f"d'une {_DECADE_NOUN[decade]} d'années"
    return f"la {_DECADE_NOUN[decade]}"


_EN_DECADES = {
    2: "twentysomething",
    3: "thirtysomething",
    4: "fortysomething",
    5: "fiftysomething",
    6: "sixtysomething",
    7: "seventysomething",
    8: "eightysomething",
}


def _age_en(span_text: str, years: float) -> str:
    """An English age bracket written in words, so no digit of the original age survives."""
    if years < 1:
        return "infant"
    if years < 3:
        return "toddler"
    if years < 6:
        return "preschool-age"
    if years < 12:
        return "school-age"
    if years < 18:
        return "teenage"
    if years >= 90:
        return "over-90"
    if years < 20:
        return "young adult"
    return _EN_DECADES[int(years // 10)]


def parse_date(text: str, lang: str, ref: date) -> date | None:
    """A date from a French or English expression; a missing year is the latest one not after ``ref``."""
    t = text.lower().replace("1er", "1")
    year_m = re.search(r"(?<!\d)(\d{4})(?!\d)", t)
    iso = re.search(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)", t)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    m = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", t)
    try:
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            y = y + (2000 if y < 50 else 1900) if y < 100 else y
            day, month = (b, a) if (lang == "en" and a <= 12 and b <= 31) or a > 31 or b > 12 else (a, b)
            if month > 12:
                day, month = month, day
            return date(y, month, day)
        found: int | None = next((v for k, v in _MONTHS_FR.items() if re.search(rf"\b{k}\b", t)), None)
        if found is None:
            found = next((v for k, v in _MONTHS_EN.items() if re.search(rf"\b{k}", t)), None)
        if found is None:
            return date(int(year_m.group(1)), 7, 1) if year_m else None
        month = found
        day_m = re.search(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)", t)
        day = int(day_m.group(1)) if day_m else 1
        if year_m:
            return date(int(year_m.group(1)), month, day)
        d = date(ref.year, month, day)
        return d if d <= ref else date(ref.year - 1, month, day)
    except ValueError:
        return None


def relative_date(d: date, ref: date, lang: str, birth: bool = False) -> str:
    days = (ref - d).days
    num = _FR_NUM if lang == "fr" else _EN_NUM
    if birth or abs(days) > 2 * 365:
        decade = d.year // 10 * 10
        return f"dans les années {decade}" if lang == "fr" else f"in the {decade}s"
    future = days < 0
    days = abs(days)
    if days == 0:
        return "aujourd'hui" if lang == "fr" else "today"
    if days == 1:
        return ("demain" if future else "hier") if lang == "fr" else ("tomorrow" if future else "yesterday")
    if days < 7:
        n, unit_fr, unit_en = days, "jours", "days"
    elif days < 28:
        n, unit_fr, unit_en = round(days / 7), "semaines", "weeks"
    elif days < 365:
        n, unit_fr, unit_en = max(1, round(days / 30.4)), "mois", "months"
    else:
        n, unit_fr, unit_en = 1, "an", "year"
    if n == 1:
        unit_fr = {"semaines": "semaine"}.get(unit_fr, unit_fr)
        unit_en = unit_en.rstrip("s")
    word = num[n] if n < len(num) else str(n)
    if n == 1 and lang == "fr":
        word = "une" if unit_fr == "semaine" else "un"
    if lang == "fr":
        return f"dans {word} {unit_fr}" if future else f"il y a {word} {unit_fr}"
    return f"in {word} {unit_en}" if future else f"{word} {unit_en} ago"


def _extra_occurrences(text: str, spans: Sequence[Span]) -> list[Span]:
    """Other mentions of a removed name or place that the recognizers did not catch on their own."""
    covered = [(s.start, s.end) for s in spans]
    extra: list[Span] = []
    for s in spans:
        if s.label not in ("PERSON", "LOCATION", "PROFESSIONAL", "HOSPITAL", "SCHOOL"):
            continue
        needles = {s.text}
        if s.label in ("PERSON", "PROFESSIONAL"):
            last = s.text.split()[-1]
            if len(last) > 2 and last[0].isupper() and not last.endswith("."):
                needles.add(last)
        for needle in needles:
            for m in re.finditer(rf"(?<![\w]){re.escape(needle)}(?![\w])", text):
                if all(m.end() <= a or m.start() >= b for a, b in covered):
                    covered.append((m.start(), m.end()))
                    extra.append(Span(m.start(), m.end(), s.label, m.group()))
    return extra


class _Pseudonyms:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.patients: dict[str, str] = {}
        self.staff: dict[str, str] = {}

    @staticmethod
    def _key(name: str) -> str:
        words = [
            w
            for w in re.split(r"\s+", name)
            if w.strip(".").lower()
            not in {
                "m",
                "mme",
                "mlle",
                "mr",
                "mrs",
                "ms",
                "miss",
                "monsieur",
                "madame",
                "dr",
                "pr",
                "docteur",
                "doctor",
                "professeur",
                "patient",
                "patiente",
            }
        ]
        return fold(words[-1] if words else name)

    def patient(self, name: str) -> str:
        letter = self.patients.setdefault(self._key(name), _letters(len(self.patients)))
        female = re.match(r"(?:Mme|Mlle|Madame|Mrs\.?|Ms\.?|Miss|patiente)\b", name, re.I) is not None
        if self.lang == "fr":
            return f"{'Patiente' if female else 'Patient'} {letter}"
        return f"Patient {letter}"

    def staff_member(self, name: str) -> str:
        letter = self.staff.setdefault(self._key(name), _letters(len(self.staff)))
        title = re.match(r"(Dr\.?|Pr\.?|Docteur|Doctor|Professeur|Professor|Prof\.?)\s", name)
        if title:
            return f"{title.group(1)} {letter}"
        return f"soignant {letter}" if self.lang == "fr" else f"clinician {letter}"


def _kind_word(label: str, original: str, lang: str) -> str:
    o = original.lower()
    if label == "HOSPITAL":
        if lang == "en":
            return (
                "hospital"
                if "hospital" in o or "infirmary" in o
                else "clinic"
                if "clinic" in o
                else "care home"
                if "home" in o
                else "hospital"
            )
        for word, out in (
            ("chu", "CHU"),
            ("chr", "CHR"),
            ("centre hospitalier", "centre hospitalier"),
            ("ch ", "centre hospitalier"),
            ("polyclinique", "clinique"),
            ("clinique", "clinique"),
            ("ehpad", "EHPAD"),
            ("maternité", "maternité"),
            ("ap-hp", "hôpital"),
            ("ime", "IME"),
            ("cmp", "CMP"),
        ):
            if o.startswith(word) or o == word.strip():
                return out
        return "hôpital"
    if label == "SCHOOL":
        if lang == "en":
            return "school"
        for word in ("école", "ecole", "collège", "lycée", "crèche"):
            if o.startswith(word):
                return {"ecole": "école"}.get(word, word)
        return "école"
    if label == "WARD_ROOM":
        m = re.match(r"[^\d\s#]+", original)
        return m.group().rstrip(".") if m else "chambre"
    return ""


# Report shapes: label lines, record numbers, signatures. In such a pasted fragment every name is personal data,
# the staff's included.
_REPORT_MARKS = re.compile(
    r"(?m)^\s*(?:Nom|Prénom|Patiente?|IPP|NDA|N° (?:de )?séjour|Date de naissance|DDN|Service|Interne|Externe|Dr|"
    r"Docteur|Motif|Conclusion|Prescripteur|Rédigé par|Dicté par|Signé|Copie|Tél|Objet|Compte[ -]rendu|Ordonnance)\b"
    r"|\b(?:IPP|NDA|né\(e\) le|DDN|Cher confrère|Chère consœur|Confraternellement|compte[ -]rendu|CRH|ordonnance)\b",
    re.I,
)


def pasted_report(text: str) -> bool:
    """Does the text carry a pasted report, prescription or record (header lines, record numbers, letter
    formulas)? Two marks, or one in a text of three lines or more."""
    marks = len(_REPORT_MARKS.findall(text))
    return marks >= 2 or (marks >= 1 and text.count("\n") >= 2)


# Recall first: shapes removed even when detection would not report them (a NIR whose key is wrong, a long
# number with no keyword).
_LONG_NUMBER = re.compile(r"(?<![\w+])\d(?:[ .\-]?\d){7,}(?![\w])")


def recall_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """Extra spans for redaction: every NIR-shaped number (key checked or not) and every number of 8 digits
    or more, where no span covers them yet."""
    covered = [(s.start, s.end) for s in spans]
    out: list[Span] = []

    def add(s: int, e: int, label: str) -> None:
        if all(e <= a or s >= b for a, b in covered):
            covered.append((s, e))
            out.append(Span(s, e, label, text[s:e]))

    for s, e, _chars, _valid, _kw in nir_candidates(text):
        add(s, e, "NIR")
    for m in _LONG_NUMBER.finditer(text):
        add(m.start(), m.end(), "OTHER_ID")
    return out


def redact_analysis(
    text: str, analysis: SecrecyAnalysis, *, reference_date: date | None = None, staff: bool | None = None
) -> RedactionResult:
    """Apply the redaction rules to spans already found (lets callers analyse once, redact cheaply).
    ``staff``: also remove staff names (PROFESSIONAL) and the names of people spoken to (ADDRESSEE). None
    (default): staff names are pseudonymised, people spoken to are kept unless the text is a pasted report;
    False: both kept; True: both removed. No re-analysis here: ``redact_text`` does the fail-closed check."""
    lang = analysis.lang
    ref = reference_date or date.today()
    keep = set(KEPT_LABELS)
    if staff is False:
        keep |= STAFF_LABELS
    elif staff is None and not pasted_report(text):
        keep.add("ADDRESSEE")
    spans = [s for s in analysis.spans if s.label not in keep]
    spans = [s if s.label != "ADDRESSEE" else replace(s, label="PROFESSIONAL") for s in spans]
    spans = sorted(spans + _extra_occurrences(text, spans), key=lambda s: s.start)
    pseudo = _Pseudonyms(lang)
    places = lexicon().places
    removed = _REMOVED_FR if lang == "fr" else _REMOVED_EN
    changes: list[Change] = []
    for s in spans:
        start, end, original = s.start, s.end, s.text
        label = s.label
        if label in removed:
            repl = removed[label]
        elif label in ("PERSON", "INITIALS"):
            repl = pseudo.patient(original)
            if re.search(r"(?i)\b(?:patiente?|patient)\s+$", text[max(0, start - 12) : start]):
                repl = repl.split()[-1]  # "Patiente Mme Lefort" -> "Patiente A", not "Patiente Patiente A"
        elif label == "PROFESSIONAL":
            repl = pseudo.staff_member(original)
        elif label == "AGE":
            years = age_value(original)
            if years is None:
                repl = "[âge]" if lang == "fr" else "[age]"
            elif lang == "fr":
                with_de = bool(
                    re.search(r"(?<![âa]g[ée] )(?<![âa]g[ée]e )\bde\s$", text[max(0, start - 10) : start])
                )
                if with_de:
                    start -= 3
                    original = text[start:end]
                repl = _age_fr(years, with_de)
            else:
                repl = _age_en(original, years)
        elif label == "DATE":
            before = text[max(0, start - 25) : start]
            birth = bool(
                re.search(r"(?:née?s?|naissance|born|DOB|birth)\s*(?:le|on|:|en|in)?\s*$", before, re.I)
            ) or bool(re.match(r"(?:née?|born)\s", original, re.I))
            d = parse_date(original, lang, ref)
            if d is None:
                repl = "[date]"
            else:
                if lang == "en" and re.search(r"\bon\s$", text[max(0, start - 3) : start]):
                    start -= 3
                    original = text[start:end]
                if birth and lang == "fr" and re.search(r"\ble\s$", text[max(0, start - 3) : start]):
                    start -= 3  # "née le 12/03/1985" -> "née dans les années 1980"
                    original = text[start:end]
                rel = relative_date(d, ref, lang, birth=birth)
                prefix = re.match(r"(?:née?s?|born)\s+", original, re.I)
                repl = (prefix.group() if prefix else "") + rel
        elif label == "LOCATION":
            place = places.get(fold(original))
            if place is None:
                repl = "[lieu]" if lang == "fr" else "[place]"
            elif place.small:
                repl = re.sub(r"^(?:le|la|les|l')\s?", "", place.department)
            else:
                repl = place.region
        elif label in ("HOSPITAL", "SCHOOL", "WARD_ROOM"):
            repl = _kind_word(label, original, lang)
        else:
            continue
        changes.append(Change(start, end, original, repl, label, _REASONS.get(label, "identifiant supprimé")))
    out = text
    for c in sorted(changes, key=lambda c: c.start, reverse=True):
        out = out[: c.start] + c.replacement + out[c.end :]
    return RedactionResult(text=out, changes=tuple(changes))


def _inserted(changes: Sequence[Change]) -> list[tuple[int, int, int]]:
    """(output start, output end, shift after) of each replacement, in output order."""
    out: list[tuple[int, int, int]] = []
    shift = 0
    for c in sorted(changes, key=lambda c: c.start):
        s = c.start + shift
        out.append((s, s + len(c.replacement), shift + len(c.replacement) - (c.end - c.start)))
        shift = out[-1][2]
    return out


_PLACE_LABELS = frozenset({"HOSPITAL", "LOCATION", "WARD_ROOM"})


def _generic_words(frag: str) -> bool:
    """True when every word of a residual fragment is a care, unit or header word or a short acronym."""
    from veilleur.detect.secrecy.clinical import _SERVICE_WORDS

    lx = lexicon()
    words = re.findall(r"[\w'’-]+", frag)
    return bool(words) and all(
        (w.isupper() and len(w) <= 4 and not any(c.isdigit() for c in w))
        or fold(w) in lx.header_words
        or fold(w) in _SERVICE_WORDS
        or bool(lx.care_words.fullmatch(w))
        for w in words
    )


def residual_spans(
    original: str, result: RedactionResult, *, lang: str | None = None, staff: bool | None = None
) -> list[Span]:
    """Re-analyse the redacted text (full analysis, no pre-filter, recall-first spans) and return what is
    still there, as spans of the ORIGINAL text: any identifier outside the replacements we wrote (a
    department, "Patiente A", "[NIR supprimé]" are ours and do not count)."""
    from veilleur.detect.secrecy import analyze_text

    out_text = result.text
    a = analyze_text(out_text, lang)
    spans = list(a.spans) + recall_spans(out_text, a.spans)
    keep = set(KEPT_LABELS)
    if staff is False:
        keep |= STAFF_LABELS
    elif staff is None and not pasted_report(original):
        keep.add("ADDRESSEE")
    ins = _inserted(result.changes)
    left: list[Span] = []
    for sp in spans:
        if sp.label in keep:
            continue
        # Characters of the span outside our replacements, mapped back to the original text.
        pos, chunk = sp.start, []
        while pos < sp.end:
            inside = next((r for r in ins if r[0] <= pos < r[1]), None)
            if inside:
                pos = inside[1]
                continue
            before = [r for r in ins if r[1] <= pos]
            shift = before[-1][2] if before else 0
            chunk.append(pos - shift)
            pos += 1
        if not chunk:
            continue
        o_start, o_end = chunk[0], chunk[-1] + 1
        frag = original[o_start:o_end]
        if not re.search(r"\w", frag) or frag.strip() in ("", "A", "B"):
            continue
        # Trim to word characters at both ends (a leftover space or comma is not an identifier).
        lead = len(frag) - len(frag.lstrip(" ,.;:()-'’"))
        trail = len(frag) - len(frag.rstrip(" ,.;:()-'’"))
        o_start, o_end = o_start + lead, o_end - trail
        if o_end - o_start < 2 and not original[o_start:o_end].isdigit():
            continue
        if sp.label in _PLACE_LABELS and _generic_words(original[o_start:o_end]):
            continue  # "Maternité –" left of our "Salle", "SHU – Secteur": unit words name no one (round 4)
        left.append(Span(o_start, o_end, sp.label, original[o_start:o_end]))
    return left


# Fail closed (issue 13, round 4): what blocks an output. Anything that names or numbers someone blocks on its
# own (a name, a record number, a phone, an address, a full birth date...). Quasi-identifiers (an age, a date,
# a town, a hospital, a room...) block when two kinds or more are left, since together they single someone
# out (the detector's own rule: one kind of detail alone describes a case, not a person); ONE kind left alone
# ("50 ans", "en mars", "à Quimper") does not block and is reported as a note. This rule is the check of a text
# redacted elsewhere (``check_text``, ``veilleur redact --check``). Redaction itself stays recall-first:
# ``redact_text`` removes every quasi-identifier it finds, and refuses its own output when anything it detects
# is still there (it could not remove it), a lone quasi-identifier included.
QUASI_LABELS = frozenset({"AGE", "DATE", "LOCATION", "HOSPITAL", "WARD_ROOM", "SCHOOL", "ROLE", "SERVICE"})
_FULL_DATE = re.compile(r"\d{1,2}\D+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_BIRTH_WORDS = re.compile(r"(?i)(?:née?s?|naissance|born|DOB|birth|DDN)\s*(?:le|on|:|en|in)?\s*$")


def _quasi(text: str, span: Span) -> str | None:
    """The kind of quasi-identifier a residual span is, or None when it blocks by itself."""
    if span.label not in QUASI_LABELS:
        return None
    if span.label == "DATE":
        birth = _BIRTH_WORDS.search(text[max(0, span.start - 25) : span.start]) or re.match(
            r"(?i)(?:née?|born)\s", span.text
        )
        if birth and _FULL_DATE.search(span.text):
            return None  # a full birth date singles someone out
    return span.label


def split_residual(text: str, spans: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """(blocking, lone): the spans of ``text`` that make an output unsafe, and a lone quasi-identifier (one kind
    of detail, possibly repeated) that does not."""
    kinds = {_quasi(text, s) for s in spans}
    if None in kinds or len(kinds) >= 2:
        return list(spans), []
    return [], list(spans)


def _settle(original: str, res: RedactionResult, left: Sequence[Span]) -> RedactionResult:
    blocking, lone = split_residual(original, left)
    return replace(res, residual=tuple(blocking), lone=tuple(lone))


def check_text(text: str, lang: str | None = None, *, staff: bool | None = None) -> RedactionResult:
    """The fail-closed check alone, on a text that is meant to be safe already (redacted by hand or by
    another tool): the text unchanged, with ``residual`` naming every identifier still in it (``blocked``
    True when there is one). Same rules as the check ``redact_text`` runs on its own output."""
    unchanged = RedactionResult(text, ())
    from veilleur.detect.secrecy import analyze_text

    lang = lang or analyze_text(text).lang
    return _settle(text, unchanged, residual_spans(text, unchanged, lang=lang, staff=staff))


def redact_text(
    text: str,
    lang: str | None = None,
    *,
    reference_date: date | None = None,
    staff: bool | None = None,
    max_passes: int = 3,
) -> RedactionResult:
    """A safe version of ``text`` that keeps its clinical content, with the list of changes made.

    Recall first: NIR-shaped numbers (even with a wrong key) and long numbers are removed too. Fail closed:
    the output is analysed again; what is still found is added and the text redacted again (up to
    ``max_passes``); what remains after that is returned in ``residual`` (``blocked`` is then True and the
    text must not be shown — the CLI refuses it)."""
    from veilleur.detect.secrecy import analyze_text

    analysis = analyze_text(text, lang)
    spans = list(analysis.spans)
    spans += recall_spans(text, spans)
    res = RedactionResult(text, ())
    for _ in range(max(1, max_passes)):
        res = redact_analysis(
            text,
            replace(analysis, spans=tuple(sorted(spans, key=lambda s: s.start))),
            reference_date=reference_date,
            staff=staff,
        )
        left = residual_spans(text, res, lang=analysis.lang, staff=staff)
        if not left:
            return res
        covered = [(s.start, s.end) for s in spans]
        new = [s for s in left if all(s.end <= a or s.start >= b for a, b in covered)]
        if not new:  # found again where we already replaced: nothing more we can do
            return replace(res, residual=tuple(left))
        spans += new
    # Our own output: whatever we detect and could not remove blocks it, a lone quasi-identifier included (the
    # lone-quasi-identifier rule is for texts redacted elsewhere, ``check_text``).
    return replace(res, residual=tuple(residual_spans(text, res, lang=analysis.lang, staff=staff)))
