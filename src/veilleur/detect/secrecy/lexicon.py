"""Loads the secrecy detector's reviewable word lists (data/lexicon.yaml, data/places.yaml) once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

# French number words from 0 to 16, in order (index = value): ages written in words (clinical4) and their
# generalisation by redaction share this one list.
FR_NUMBER_WORDS: tuple[str, ...] = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize",
)  # fmt: skip


def _fold_slow(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


# Accented Latin letters -> their base letters (what NFKD + dropping combining marks gives), as one table.
_FOLD_TABLE = {i: _fold_slow(chr(i)) for i in range(0xC0, 0x250) if _fold_slow(chr(i)) != chr(i)}


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case without accents, for lookups that must survive typing habits (Saint-Flour, saint flour)."""
    low = text.lower().translate(_FOLD_TABLE)
    if not low.isascii():
        low = _fold_slow(low)
    return low.replace("-", " ").replace("’", "'")


# Words that introduce a person ("la patiente", "le petit", "Mme", "sa sœur"): what follows them (a name, an
# age) is about that person. One list for the age recognizer and for telling patients from people addressed.
PERSON_NOUNS = (
    r"patiente?s?|femme|homme|enfant|garçon|fille|fillette|bébé|nourrisson|dame|monsieur|jeune|ado|"
    r"adolescente?|petite?|mme|m\.|mr|mrs|ms|résidente?|lady|man|woman|boy|girl|child|baby|infant|"
    r"gentleman|male|female|toddler|teen|teenager|son|daughter|fils|maman|papa|mère|père|mari|épouse|frère|"
    r"sœur|tonton|tata|papi|mamie|pépé|mémé"
)
_PERSON_NAMED_BEFORE = re.compile(
    rf"(?:{PERSON_NOUNS}|named|nommée?|appelée?|prénommée?|s'appelle|called)\s*,?\s*$", re.I
)


_TOKEN = re.compile(r"[\w-]+")


def care_hits(text: str) -> list[str]:
    """The care words of the text, as written (same matches as ``lexicon().care_words.finditer``, faster)."""
    return list(_care_hits(text))


@lru_cache(maxsize=1024)  # a batch of 256: the pre-filter and the care-context rule each ask once per text
def _care_hits(
    text: str,
) -> tuple[str, ...]:  # the pre-filter and the care-context rule ask for the same text
    lx = lexicon()
    multi = (
        [(m.start(), m.end(), m.group()) for m in lx.care_multi.finditer(text)]
        if lx.care_multi.pattern
        else []
    )
    single = lx.care_single
    if not multi:
        return tuple(w for w in _TOKEN.findall(text) if w.lower() in single or _medical_word(w))
    out = [
        m.group()
        for m in _TOKEN.finditer(text)
        if (m.group().lower() in single or _medical_word(m.group()))
        and not any(s <= m.start() and m.end() <= e for s, e, _ in multi)
    ]
    return tuple(out + [w for _, _, w in multi])


# Medical words by their form (issue 13, third round): the care list cannot name every condition or act
# ("rectorragies", "hématémèse", "cholécystectomie", "carcinome", "méningite"). Long words only, with the
# common words that share these endings left out.
_MEDICAL_ENDINGS = tuple(
    e + s
    for e in [
        "algie",
        "rragie",
        "ectomie",
        "otomie",
        "ostomie",
        "émie",
        "urie",
        "pathie",
        "oscopie",
        "plastie",
        "carcinome",
        "lymphome",
        "mélanome",
        "adénome",
        "hématome",
        "myélome",
        "sarcome",
        "glaucome",
        "fibrome",
        "ite",
        "ose",
        "émèse",
    ]
    for s in ("", "s")
)
_NOT_MEDICAL_WORDS = (
    "académie académies industrie industries sympathie sympathies antipathie télépathie bibliographie "
    "réussite faillite favorite favorites dynamite marguerite stalagmite hypocrite conduite conduites poursuite "
    "poursuites gratuite gratuites satellite satellites explicite implicite illicite illicites insolite "
    "émérite précipite anthracite ensuite limite limites élites grandiose virtuose hypnose apothéose pénurie "
    "termites déshérite démérite prosélyte troglodyte néophyte réhabilite facilite facilites sollicite "
    "sollicites irrite"
)
_NOT_MEDICAL = frozenset(_NOT_MEDICAL_WORDS.split())


def _medical_word(w: str) -> bool:
    low = w.lower()
    return len(low) >= 8 and low.endswith(_MEDICAL_ENDINGS) and low not in _NOT_MEDICAL


def person_noun_before(before: str) -> bool:
    """True when the words just before a capitalised word introduce a person ("le petit", "patiente", "Mme")."""
    return bool(_PERSON_NAMED_BEFORE.search(before))


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load(
        resources.files("veilleur.detect.secrecy").joinpath("data", name).read_text("utf-8")
    )
    assert isinstance(data, dict)
    return data


def words_regex(words: list[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """One alternation with word boundaries, longest first so 'maladie de Fabry' beats 'maladie'."""
    alts = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in alts)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


@dataclass(frozen=True)
class Place:
    name: str
    department: str
    region: str
    small: bool


@dataclass(frozen=True)
class Lexicon:
    patient_words: re.Pattern[str]
    care_words: re.Pattern[str]
    care_single: frozenset[str]  # lower-cased one-token care words (set lookup: the long regex is slow)
    care_multi: re.Pattern[str]  # the other care words (phrases, "mg/L", "A&E")
    professional_titles: re.Pattern[str]
    eponym_prefixes: re.Pattern[str]
    eponym_suffixes: tuple[str, ...]
    rare_diseases: re.Pattern[str]
    drugs: frozenset[str]
    first_names: frozenset[str]
    first_names_folded: frozenset[str]  # folded, for names written in capitals ("MARIE", "HELENE")
    header_words: frozenset[str]
    place_anchor_words: frozenset[str]  # the first folded word of each place name (a cheap pre-check)
    rare_anchor_words: frozenset[
        str
    ]  # the longest folded word of each rare-disease name (a cheap pre-check)  # folded capitalised words of forms that are never names
    minor_words: re.Pattern[str]
    school_words: re.Pattern[str]
    places: dict[str, Place]  # folded name -> place
    places_regex: re.Pattern[str]


def _both(d: dict[str, Any], key: str) -> list[str]:
    v = d[key]
    return [str(x) for x in (v["fr"] + v["en"])] if isinstance(v, dict) else [str(x) for x in v]


@cache
def lexicon() -> Lexicon:
    lx = _read("lexicon.yaml")
    pl = _read("places.yaml")
    places: dict[str, Place] = {}
    for small, key in ((True, "small_towns"), (False, "cities")):
        for name, (dept, region) in pl[key].items():
            places[fold(name)] = Place(name, str(dept), str(region), small)
    names = [p.name for p in places.values()]
    return Lexicon(
        patient_words=words_regex(_both(lx, "patient_words")),
        care_words=words_regex(_both(lx, "care_words")),
        care_single=frozenset(w.lower() for w in _both(lx, "care_words") if re.fullmatch(r"[\w-]+", w)),
        care_multi=words_regex([w for w in _both(lx, "care_words") if not re.fullmatch(r"[\w-]+", w)]),
        professional_titles=words_regex(_both(lx, "professional_titles"), case_sensitive=True),
        eponym_prefixes=words_regex(_both(lx, "eponym_prefixes")),
        eponym_suffixes=tuple(str(s).lower() for s in lx["eponym_suffixes"]),
        rare_diseases=words_regex(_both(lx, "rare_diseases")),
        drugs=frozenset(fold(d) for d in lx["drugs"]),
        first_names=frozenset(str(n) for n in lx["first_names"] + lx.get("first_names_more", [])),
        first_names_folded=frozenset(
            fold(str(n)) for n in lx["first_names"] + lx.get("first_names_more", [])
        ),
        header_words=frozenset(fold(str(w)) for w in lx.get("header_words", [])),
        rare_anchor_words=frozenset(
            max(re.findall(r"\w+", fold(d)), key=len) for d in _both(lx, "rare_diseases")
        ),
        place_anchor_words=frozenset(
            re.findall(r"\w+", fold(n))[0] for n in names if re.findall(r"\w+", fold(n))
        ),
        minor_words=words_regex(_both(lx, "minor_words")),
        school_words=words_regex(_both(lx, "school_words")),
        places=places,
        places_regex=words_regex(names, case_sensitive=True),
    )
