"""Clinical writing, fourth round (issue 13): the shapes rounds 1-3 left open, found on general grounds (how
handover lists, unit names, internal phone numbers and record numbers are written), not on any test set:

- rooms written as a bare number where a list is a list of beds: a handover line opening with the room
  ("- 12 : Mme Bernard…", "14 – M. Leroy"), the next items of a room list ("ch 12 RAS ; 14 douleur ; 21
  fébrile"), several rooms after one key ("chambres 12, 14 et 21", "lits 3 et 4"), a floor said alone
  ("l'infirmière du 4e", "au 3ème, côté est");
- units: a functional unit by its number alone ("UF 2104" with no unit name after it on the line), a named
  pavilion or wing in lower case ("pavillon Charcot", "aile Pasteur"), more unit acronyms (UCSA, SMPR, UHSI…);
- internal phone numbers: "poste interne 45 21", "tél. interne : 64 12", "int. 7120", "au 4521 (bip)", "puis
  taper 6102"; half-masked numbers ("01.45.21.xx.xx");
- record numbers with letters, dashes, dots or slashes after their keyword, whole ("IPP : 2024-00123-A").

Each finder returns ``(start, end, label, score)`` hits and starts with a cheap pre-check.
"""

from __future__ import annotations

import re

from veilleur.detect.secrecy.clinical import _folded_words

Hit = tuple[int, int, str, float]
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
LOWER = "a-zà-ÿœ"
_HAS_DIGIT = re.compile(r"\d")

# ------------------------------------------------------------------------------------------------ rooms
# What a bare number in a list must NOT be followed by to be a room: a quantity, a dose, a time, a score.
_UNIT_AFTER = re.compile(
    r"(?i)[ \t]*(?:%|°|€|/\d|sur\s+\d|(?:x|h|min|mg|µg|g|kg|ml|cl|l|mmol|mmhg|cm|mm|km|ui|cp|comprimés?|gélules?|"
    r"fois|jours?|j|mois|semaines?|sem|ans?|heures?|ampoules?|gouttes?|points?|bpm|cycles?|"
    r"années?|patients?|lits|places|minutes?|sa|kcal)(?![\w]))"
)
# A handover line that opens with a room number, then a patient: "- 12 : Mme Bernard", "14 – M. LEROY", "3 bis)
# DUVAL Jean". What follows must look like a person (a civility, a name in capitals or capitalised).
_LIST_LINE = re.compile(
    rf"(?m)^[ \t]*(?:[-•*·▪►>][ \t]*)?(?P<v>\d{{1,3}}[A-Z]?(?:[ \t]?bis)?)[ \t]*(?::|–|—|\)|-(?=[ \t])|\|)[ \t]*"
    rf"(?P<who>(?:Mme|Mlle|M\.|Mr|Mrs|Ms|Miss|Monsieur|Madame|[{UPPER}]{{2,}}|[{UPPER}][{LOWER}]+[ \t]+[{UPPER}]))"
)
_HANDOVER = re.compile(
    r"(?i)\b(?:relève|releve|transmissions?|handover|hand-over|tour|visite|staff|chambres?|lits|patients?\s+du\s+service|"
    r"secteur|couloir|garde|nuit|bay|ward|beds?)\b"
)
# The next items of a room list: "ch 12 RAS ; 14 douleur ; 21 fébrile". The list must open with a room key.
_ROOM_KEY_START = re.compile(
    r"(?i)(?<![\w])(?:ch\.?|chb|chbre|chambre|lit|box|bed|room)[ \t]*:?[ \t]*\d{1,3}[A-Z]?\b"
)
_NEXT_ITEM = re.compile(r"[ \t]*[;|][ \t]*(?P<v>\d{1,3}[A-Z]?)(?=[ \t]*(?::|–|-)?[ \t]*[A-Za-zÀ-ÿ])")
_ITEM_REST = re.compile(r"[^;|\n]*")  # an item's words, up to the next separator on the same line
# Several rooms after one key: "chambres 12, 14 et 21", "lits 3 et 4", "ch. 12/14".
_ROOMS_PLURAL = re.compile(
    r"(?i)(?<![\w])(?:chambres|lits|boxes|box|ch\.?|rooms|beds)[ \t]+(?:n°[ \t]*)?\d{1,4}[A-Z]?"
    r"(?P<rest>(?:[ \t]*(?:,|/|et|and|&)[ \t]*\d{1,4}[A-Z]?(?![\w]))+)"
)
_MORE_NUM = re.compile(r"\d{1,4}[A-Z]?")
# A floor said alone: "l'infirmière du 4e", "au 3ème, côté est" (not "du 4e jour", "au 2e trimestre").
_FLOOR = re.compile(
    r"(?<![\w])(?:au|du)[ \t]+(?P<v>\d{1,2}(?:e|ème|eme|è)(?:[ \t]+étage)?)(?=[ \t]*(?:[,.;:)!?]|$|\n|[ \t]+(?:côté|aile|"
    r"gauche|droite|nord|sud|est|ouest|en|dans|chez|qui|m['’]a|a\b|est\b|pour|avec|de\b|étage)))"
)


# A place of care with a number: incubators and cots ("couveuse 3"), a dialysis or recovery-room post ("poste 4"
# near a dialysis/recovery word; a phone's "poste 4521" has more digits).
_COT = re.compile(r"(?<![\w])(?i:couveuse|isolette|berceau|incubator|cot)[ \t]*(?:n°)?[ \t]*\d{1,2}(?![\w])")
_POST = re.compile(r"(?<![\w])(?i:poste)[ \t]*(?:n°)?[ \t]*\d{1,2}(?![\w]|[ .]\d)")
_POST_CTX = re.compile(
    r"(?i)dialyse|hémodialyse|SSPI|réveil|post-interventionnelle|HDJ|hôpital de jour|chimio|perfusion"
)


_MEETING_BEFORE = re.compile(r"(?i)réunion|staff|bureau|cours|formation|amphi|secrétariat")


def _list_lines(text: str) -> list[Hit]:
    hits = [m for m in _LIST_LINE.finditer(text) if not _UNIT_AFTER.match(text, m.end("v"))]
    if not hits:
        return []
    nums = [int(re.match(r"\d+", m.group("v")).group()) for m in hits]  # type: ignore[union-attr]
    # A numbered list (1, 2, 3…) is not a list of rooms; a handover word or room-like numbers make it one.
    counting = nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] <= 1
    if counting or (len(hits) < 2 and not _HANDOVER.search(text)):
        return []
    if len(hits) < 2 and max(nums) < 2:
        return []
    return [(m.start("v"), m.end("v"), "WARD_ROOM", 0.55) for m in hits]


_ROOM_KEY_WORDS = frozenset(
    [
        "ch",
        "chb",
        "chbre",
        "chambre",
        "lit",
        "box",
        "bed",
        "room",
        "chambres",
        "lits",
        "boxes",
        "rooms",
        "beds",
    ]
)
_COT_WORDS = frozenset(["couveuse", "isolette", "berceau", "incubator", "cot"])
_FLOOR_PRE = re.compile(r"\d(?:e|ème|eme|è)\b")


def rooms(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out = _list_lines(text)
    words = _folded_words(text)
    keyed = bool(words & _ROOM_KEY_WORDS)
    for m in _ROOM_KEY_START.finditer(text) if keyed else ():
        pos = _ITEM_REST.match(text, m.end()).end()  # type: ignore[union-attr]
        while True:
            n = _NEXT_ITEM.match(text, pos)
            if n is None or _UNIT_AFTER.match(text, n.end("v")):
                break
            out.append((n.start("v"), n.end("v"), "WARD_ROOM", 0.55))
            pos = _ITEM_REST.match(text, n.end("v")).end()  # type: ignore[union-attr]
    for m in _ROOMS_PLURAL.finditer(text) if keyed else ():
        base = m.start("rest")
        out += [
            (base + k.start(), base + k.end(), "WARD_ROOM", 0.6) for k in _MORE_NUM.finditer(m.group("rest"))
        ]
    out += [
        (m.start("v"), m.end("v"), "WARD_ROOM", 0.55)
        for m in (_FLOOR.finditer(text) if _FLOOR_PRE.search(text) else ())
        if not _MEETING_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
    ]
    if words & _COT_WORDS:
        out += [(m.start(), m.end(), "WARD_ROOM", 0.6) for m in _COT.finditer(text)]
    if _POST_CTX.search(text):
        out += [(m.start(), m.end(), "WARD_ROOM", 0.55) for m in _POST.finditer(text)]
    return out


# --------------------------------------------------------------------------------------------- services
_UF_BARE = re.compile(r"(?<![\w])(?:UF|U\.F\.)[ \t]*(?:n°|:)?[ \t]*(?P<v>\d{4,5})(?![\w])")
_UNIT_NAME_AFTER = re.compile(rf"[ \t]*[-–:(]?[ \t]*(?:[{UPPER}]{{2,}}|[{UPPER}]?[{LOWER}]{{4,}})")
_CAPS_NAME_AFTER = re.compile(rf"[ \t]*[-–:]?[ \t]*[{UPPER}]{{2,}}(?:[ \t][{UPPER}]{{2,}})?(?![\w])")
_PAVILION = re.compile(
    rf"(?<![\w])(?:pavillon|aile|bâtiment)[ \t]+(?!de\b|des\b|du\b|d['’])(?:[{UPPER}][{LOWER}'’-]+(?:[ \t]+[{UPPER}][{LOWER}'’-]+)?|[A-H]\d?)(?![\w])"
)
_MORE_ACRONYMS = re.compile(
    r"(?<![\w&])(?:UCSA|USMP|SMPR|UHSI|UHTCD|UPATOU|UAPED|UMA|USIR|USIRC|UNV|UIC|UGOMPS|UMPU|UHU|UPUP|CAMSP|CMPP|CSAPA|"
    r"UCO|UMGP|UPC|UTEP|USINV)(?![\w&])"
)
_UNIT_PRE = frozenset({"uf", "pavillon", "aile", "batiment"})
_ACRONYM_WORDS = frozenset(
    w.lower()
    for w in [
        "UCSA",
        "USMP",
        "SMPR",
        "UHSI",
        "UHTCD",
        "UPATOU",
        "UAPED",
        "UMA",
        "USIR",
        "USIRC",
        "UNV",
        "UIC",
        "UGOMPS",
        "UMPU",
        "UHU",
        "UPUP",
        "CAMSP",
        "CMPP",
        "CSAPA",
        "UCO",
        "UMGP",
        "UPC",
        "UTEP",
        "USINV",
    ]
)
# Short and compound unit names where a record or a colleague puts them ("en chir ortho", "en gynéco-obstétrique",
# "unité protégée", "post-urgences", "salle de surveillance post-interventionnelle").
_CHIR = re.compile(
    r"(?<![\w])(?i:chir\.?|chirurgie)[ \t]+(?i:ortho|orthopédique|dig|digestive|visc|viscérale|vasc|vasculaire|thoracique|"
    r"cardiaque|cardio|plastique|pédia|pédiatrique|infantile|maxillo(?:-faciale)?|uro|urologique|gynéco|ambu|ambulatoire|"
    r"générale|gé|carcino|bariatrique|onco|oncologique|main|rachis|hépato-biliaire)(?![\w])"
)
_UNIT_MORE = re.compile(
    r"(?<![\w])(?i:gynéco-obstétrique|gynécologie-obstétrique|gyneco-obstetrique|post-urgences|unité[ \t]+protégée|"
    r"secteur[ \t]+fermé|secteur[ \t]+protégé|unité[ \t]+d['’]hospitalisation(?:[ \t]+(?:sécurisée|temporaire|"
    r"psychiatrique|de[ \t]+semaine))?|salle[ \t]+de[ \t]+surveillance[ \t]+post-interventionnelle|"
    r"hôpital[ \t]+de[ \t]+semaine|soins[ \t]+intensifs[ \t]+de[ \t]+cardiologie|unité[ \t]+kangourou|"
    r"unité[ \t]+mère-enfant|unité[ \t]+neuro-vasculaire|unité[ \t]+de[ \t]+surveillance[ \t]+continue)(?![\w])"
)
_UNIT_MORE_WORDS = frozenset(
    {
        "chir",
        "chirurgie",
        "obstetrique",
        "post",
        "protegee",
        "ferme",
        "protege",
        "hospitalisation",
        "semaine",
        "kangourou",
        "mere",
        "surveillance",
        "intensifs",
        "vasculaire",
    }
)


def services(text: str) -> list[Hit]:
    out: list[Hit] = []
    words = _folded_words(text)
    if words & _UNIT_PRE:
        for m in _UF_BARE.finditer(text):
            le = text.find("\n", m.end())
            rest = text[m.end() : le if le >= 0 else len(text)]
            # "UF 5475 MED INT", "UF : 3198 service de gériatrie": the unit's name is the span (round 3)
            caps = _CAPS_NAME_AFTER.match(rest)
            if caps:  # "UF 4402 GYN   NDA …": the number and the unit's short name, one span
                out.append((m.start(), m.end() + caps.end(), "SERVICE", 0.55))
                continue
            if _UNIT_NAME_AFTER.match(rest) and not re.match(
                r"[ \t]*(?:Lit|Ch|Chambre|Box|Date|Entrée)\b", rest
            ):
                continue
            out.append((m.start(), m.end(), "SERVICE", 0.55))
        for m in _PAVILION.finditer(text):
            if m.group().startswith("bâtiment") and not re.search(
                r"(?i)hospitalis|transf|admis|service", text
            ):
                continue
            out.append(
                (m.start(), m.end(), "SERVICE" if m.group().lower().startswith("pav") else "WARD_ROOM", 0.55)
            )
    if words & _ACRONYM_WORDS:
        out += [(m.start(), m.end(), "SERVICE", 0.55) for m in _MORE_ACRONYMS.finditer(text)]
    if words & _UNIT_MORE_WORDS:
        out += [(m.start(), m.end(), "SERVICE", 0.55) for m in _CHIR.finditer(text)]
        out += [(m.start(), m.end(), "SERVICE", 0.55) for m in _UNIT_MORE.finditer(text)]
    return out


# ------------------------------------------------------------------------------------------------ phones
_INTERNAL = re.compile(
    r"(?i)(?<![\w])(?:poste(?:[ \t]+interne)?|tél\.?[ \t]+interne|tel\.?[ \t]+interne|n°[ \t]+interne|int\.|ligne[ \t]+directe|"
    r"ext(?:ension)?\.?|puis[ \t]+(?:taper|composer|faire)(?:[ \t]+le)?|secrétariat|sécrétariat)[ \t]*:?[ \t]*"
    r"(?P<v>\d{2}[ .]?\d{2}|\d{3,5})(?![\w]|[ .]\d)"
)
_BIP = re.compile(r"(?i)(?<![\w])(?:au|le)[ \t]+(?P<v>\d{3,5})[ \t]*\((?:bip|dect|poste|interne)\)")
_HALF_MASKED = re.compile(r"(?<![\w+])0[1-9](?:[ .-]?\d{2}){1,3}(?:[ .-]?(?:[xX*]{2}|\.\.)){1,3}(?![\w*])")


def phones(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = [(m.start("v"), m.end("v"), "PHONE", 0.55) for m in _INTERNAL.finditer(text)]
    out += [(m.start("v"), m.end("v"), "PHONE", 0.55) for m in _BIP.finditer(text)]
    out += [(m.start(), m.end(), "PHONE", 0.55) for m in _HALF_MASKED.finditer(text) if len(m.group()) >= 12]
    return out


# ----------------------------------------------------------------------------------------------- numbers
# A record number after its keyword, whole, with letters, dashes, dots or slashes ("IPP : 2024-00123-A").
_ID_KEYS = (
    r"IPP|NIP|NDA|IEP|N°[ \t]*(?:de[ \t]+|d['’])?(?:dossier|patient|séjour|sejour|venue|passage|entrée|admission)|(?:n°[ \t]*)?dossier(?:[ \t]+n°)?|"
    r"séjour(?:[ \t]+n°)?|venue(?:[ \t]+n°)?"
)
_ID_WHOLE = re.compile(
    rf"(?<![\w])(?i:{_ID_KEYS})[ \t]*(?:n°|#)?[ \t]*:?[ \t]*"
    r"(?P<v>(?=[A-Z0-9./-]*\d[A-Z0-9./-]*\d[A-Z0-9./-]*\d)[A-Z0-9]+(?:[./-][A-Z0-9]+)*)(?![\w./-])"
)
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?")
_STAY_KEYS = re.compile(r"(?i)NDA|IEP|séjour|sejour|venue|passage|entrée|admission")


_ID_WORDS = frozenset(
    ["ipp", "nip", "nda", "iep", "dossier", "patient", "sejour", "venue", "passage", "entree", "admission"]
)


def numbers(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    if not _folded_words(text) & _ID_WORDS:
        return out
    for m in _ID_WHOLE.finditer(text):
        v = m.group("v")
        if _DATE_LIKE.fullmatch(v):
            continue  # "séjour : 12/03/2024" is a date
        if not re.search(r"[./-]", v) and len(re.findall(r"\d", v)) < 5:
            continue  # "séjour 2024", "dossier 12": a year or a count
        key = text[m.start() : m.start("v")]
        label = "STAY_NUMBER" if _STAY_KEYS.search(key) else "IPP"
        # The span holds its keyword, as round 1's does: the longer span wins, so the whole number goes.
        out.append((m.start(), m.end("v"), label, 0.6))
    return out


FINDERS_ROUND4 = {
    "room_4": rooms,
    "service_4": services,
    "phone_4": phones,
    "number_4": numbers,
}


# =====================================================================================================
# Round 4, second part: shapes read in the misses of the sixth writer's development set (c6, tuned on
# from this point; see docs/secrecy.md), each written as a general rule.
# =====================================================================================================
from veilleur.detect.secrecy.clinical import _SPEC_RE  # noqa: E402
from veilleur.detect.secrecy.lexicon import FR_NUMBER_WORDS, fold, lexicon  # noqa: E402

# ------------------------------------------------------------------------------------------------ phones
# A French number written with dots and spaces in any grouping ("03 89 . 41 . 22 . 67", "01 46 30 . 2 2 . 9 1"),
# possibly broken over a line after a phone word ("… en dessous 06 84\n17 22 39").
_FR_LOOSE = re.compile(
    r"(?<![\d+])0[1-9](?:(?:[ \t]*[.\-]?[ \t]*|[ \t]*\n[ \t]*)\d){8}(?![ \t]*[.\-]?[ \t]*\d)"
)
_DATE_START = re.compile(r"0[1-9][ \t]*[ ./-][ \t]*(?:0[1-9]|1[0-2])[ \t]*[ ./-][ \t]*(?:19|20)\d\d")
_PHONE_WORDS = re.compile(
    r"(?i)t[ée]l|phone|portable|numéro|joindre|appel|contact|fixe|domicile|mobile|fax|standard"
)
# Internal numbers after a pager or extension word: "bleep 2231", "bip 5 12", "pager 4-3318", "ext 64 402",
# "x5-2219", "DECT IDE 4 52 17", "appel au 4 4 8 2".
_PAGER = re.compile(
    r"(?<![\w])(?:(?i:bleep|bip|pager|ext\.?|extension|DECT)(?:[ \t]+(?:IDE|AS|IADE|IDEC|cadre|interne))?[ \t]*:?[ \t]*"
    r"|x(?=\d)|(?i:appel(?:er|ez)?|appelle)[ \t]+au[ \t]+)"
    r"(?P<v>\d(?:[ \t.\-]?\d){1,5})(?![\d\w]|[ \t]*(?:mg|ml|h\b|min|%|€))"
)
_SWITCHBOARD = re.compile(r"(?i)switchboard|standard")
_UK_LONDON = re.compile(r"(?<![\d+])0[1-9]\d[ \t]\d{4}[ \t]\d{4}(?!\d)")


_PAGER_WORDS = frozenset(
    ["bleep", "bip", "pager", "ext", "extension", "dect", "appel", "appeler", "appelez", "appelle"]
)
_X_DIGIT = re.compile(r"(?<![\w])x\d")


def phones_more(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in [*_FR_LOOSE.finditer(text), *_UK_LONDON.finditer(text)]:
        if _DATE_START.match(m.group()) or _SWITCHBOARD.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # a date, or a hospital's switchboard (not a person's number)
        if "\n" in m.group() and (
            m.group().count("\n") > 1 or not _PHONE_WORDS.search(text[max(0, m.start() - 60) : m.start()])
        ):
            continue
        out.append((m.start(), m.end(), "PHONE", 0.6))
    pager = bool(_folded_words(text) & _PAGER_WORDS) or bool(_X_DIGIT.search(text))
    for m in _PAGER.finditer(text) if pager else ():
        if len(re.sub(r"\D", "", m.group("v"))) >= 3:
            out.append((m.start("v"), m.end("v"), "PHONE", 0.55))
    return out


# -------------------------------------------------------------------------------------------------- ages
_UNITS_FR = r"un|deux|trois|quatre|cinq|six|sept|huit|neuf"
_TEENS_FR = r"dix|onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf"
_TENS_FR = r"vingt|trente|quarante|cinquante|soixante"
_NUM_WORDS_FR = (
    rf"(?:quatre-vingts?(?:-(?:{_TEENS_FR}|{_UNITS_FR}))?|soixante(?:-(?:{_TEENS_FR})|-et-onze|[ -]et[ -]onze)|"
    rf"(?:{_TENS_FR})(?:-(?:{_UNITS_FR})|[ -]et[ -]un)?|cent(?:[ -](?:{_TENS_FR}|{_UNITS_FR}|{_TEENS_FR}))?|{_TEENS_FR}|{_UNITS_FR})"
)
_WORD_VALUES = {w: i for i, w in enumerate(FR_NUMBER_WORDS)}
_TENS_VALUES = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100}


def words_number(text: str) -> int | None:
    """The value of a French number written in words, up to 199 ("quatre-vingt-sept" -> 87), else None."""
    words = [w for w in re.split(r"[ \t-]+", text.lower().replace("vingts", "vingt")) if w and w != "et"]
    total, i = 0, 0
    while i < len(words):
        w = words[i]
        if w == "quatre" and i + 1 < len(words) and words[i + 1] == "vingt":
            total += 80
            i += 2
            continue
        if w == "dix" and i + 1 < len(words) and words[i + 1] in ("sept", "huit", "neuf"):
            total += 10 + _WORD_VALUES[words[i + 1]]
            i += 2
            continue
        if w in _TENS_VALUES:
            total += _TENS_VALUES[w]
        elif w in _WORD_VALUES:
            total += _WORD_VALUES[w]
        else:
            return None
        i += 1
    return total if words else None


_AGE_WORDS = re.compile(
    rf"(?:(?<=[,(])|(?<=[,(][ \t])|(?<![\w])(?:de|âgée?|agée?|a|avoir)[ \t]+)(?P<a>(?i:{_NUM_WORDS_FR})[ \t]+ans)(?![\w])"
)
_DURATION = re.compile(
    r"(?i)(?:depuis|il\s+y\s+a|pendant|durant|dans|après|apres|en|pour|tous\s+les|toutes\s+les|plus\s+de|moins\s+de)\s*$"
)
_CIVIL = r"(?:Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Monsieur|Madame)"
# A bare age after a civility and a name: "Mrs Patel 71 – IECOPD", "Mr. Dmitri Volkov, 52, on…", "Tyler Brennan, 16M".
_AGE_AFTER_NAME = re.compile(
    rf"(?<![\w]){_CIVIL}[ \t]+(?:[A-Z]\.[ \t]*)?[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){{0,2}},?[ \t]+"
    r"(?P<a>\d{1,3})(?=[ \t]*(?:–|—|-[ \t]|,|\||:|$|\n)|[ \t]{2,})"
    rf"|(?<![\w])[A-Z][a-z]+[ \t]+[A-Z][a-z]+,[ \t]+(?P<b>\d{{1,3}}[ \t]?(?:[MF]|y|yo|mo))(?![\w])"
)
# A list line "HERVÉ 74 post-op", "RAKOTOMALALA Hery   88   sortie", "| BLANC Hugo | 23 |": a name in capitals
# opening the line (after a room token), then an age, in a handover list.
_ROOM_TOKEN = r"(?:\d{1,3}[A-Z]?(?:[ \t]?bis)?|[A-Z]{1,2}\d{1,2}|\d[A-Z]-\d{1,2}|\d{3}-\d)"
_CAPS_LINE = re.compile(
    rf"(?m)^[ \t]*(?:[-•*][ \t]*)?(?:{_ROOM_TOKEN}[ \t]*(?:[:–|)-][ \t]*|[ \t]))?"
    rf"(?P<n>[{UPPER}][{UPPER}'’]{{2,}}(?:[- ][{UPPER}][{UPPER}'’]+)*(?:[ \t]+[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)?)"
    r"[ \t]*(?:\|[ \t]*|[ \t])(?P<a>\d{2,3})(?=[ \t]*\||[ \t]+[A-Za-zÀ-ÿ]|[ \t]*$)"
)


# "il a 36 ans", "Mme Jacquier ? 56 ans", "(Mme P., 101 ans", "mon patient… 19 ans", "Mme Grosjean : 100 ans":
# an age in years said shortly after a person (civility and name, a patient word, "il/elle a").
_AGE_NEAR_PERSON = re.compile(
    rf"(?:(?<![\w])(?:il|elle)[ \t]+a[ \t]+|(?<![\w]){_CIVIL}[ \t]+[\w.'’-]+(?:[ \t]+[A-Z][\w'’-]+)?[ \t]*[,:?…)]+[ \t]*"
    r"|(?<![\w])(?:patiente?|patient)[ \t]*…[ \t]*)(?P<a>\d{1,3}[ \t]?ans)(?![\w])"
)


def ages_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _AGE_WORDS.finditer(text) if " ans" in text else ():
        if not _DURATION.search(text[max(0, m.start() - 25) : m.start()]):
            out.append((m.start("a"), m.end("a"), "AGE", 0.6))
    if not _HAS_DIGIT.search(text):
        return out
    if " ans" in text:
        for m in _AGE_NEAR_PERSON.finditer(text):
            if int(re.match(r"\d+", m.group("a")).group()) <= 120:  # type: ignore[union-attr]
                out.append((m.start("a"), m.end("a"), "AGE", 0.6))
    for m in _AGE_AFTER_NAME.finditer(text):
        g = "a" if m.group("a") else "b"
        n = int(re.match(r"\d+", m.group(g)).group())  # type: ignore[union-attr]
        if n <= 110 and not _UNIT_AFTER.match(text, m.end(g)):
            out.append((m.start(g), m.end(g), "AGE", 0.55))
    lx = lexicon()
    hits = []
    for m in _CAPS_LINE.finditer(text):
        words = m.group("n").split()
        if any(fold(w) in lx.header_words or fold(w) in lx.drugs for w in words) or len(m.group("n")) < 3:
            continue
        if int(m.group("a")) > 110 or _UNIT_AFTER.match(text, m.end("a")):
            continue
        hits.append(m)
    if len(hits) >= 2 or (hits and _HANDOVER.search(text)):
        for m in hits:
            out.append((m.start("n"), m.end("n"), "PERSON", 0.55))
            out.append((m.start("a"), m.end("a"), "AGE", 0.55))
    return out


# ------------------------------------------------------------------------------------------------ rooms
# Handover lines with room tokens other than plain numbers ("- U1 : Mme Perrot", "- A4 Mrs Baxter", "6B-12 M.
# Laurent", "501-1 | BLANC Hugo", "403P SCHMITT", "1 vide"), with a space as separator in a handover.
_LIST_LINE_MORE = re.compile(
    rf"(?m)^[ \t]*(?:[-•*·▪►>][ \t]*)?(?P<v>{_ROOM_TOKEN})[ \t]*(?P<sep>:|–|—|\)|-(?=[ \t])|\||[ \t])[ \t]*"
    rf"(?P<who>(?:Mme|Mlle|M\.|Mr|Mrs|Ms|Miss|Monsieur|Madame|[{UPPER}][{UPPER}'’]+|[{UPPER}][{LOWER}]+[ \t]+[{UPPER}]|"
    r"vide|libre|empty|(?i:vide)\b))"
)
# Rooms said in speech or notes: "Mme Hoarau la 214", "mr gautier de la 312", "le patient de la 17", "(la 208)",
# "lit-porte de la 9".
_ROOM_SPOKEN_MORE = re.compile(
    r"(?:(?<![\w])(?i:mme|m\.|mr|monsieur|madame)[ \t]+[\w'’-]+[ \t]+(?:(?:de|dans)[ \t]+)?"
    r"|(?<![\w])(?i:patiente?|dame|monsieur|lit-porte)[ \t]+(?:de|dans)[ \t]+|\()"
    r"la[ \t]+(?P<v>\d{1,3}[A-Z]?)(?=[ \t]*[),.;:!?]|[ \t]+(?:est|a|qui|sonne|confuse|refuse|de|pour)\b|$)"
)
# A room key followed by a coded room ("ch12", "Ch. : B-207", "Chambre : C3.14", "Lit : RM-HTP-07"), qualified
# rooms ("chambre individuelle 226", "chambre sécurisée n°3"), and more places of care ("berceau 21b", "logement
# n° 17", "CI n°2", "SAUV 2", "Resus 2", "SR 2", "Hallway bed H3", "stretcher 9", "box gyn 2", "salle de suture 2",
# "salle d'attente 2", "Perf 3", "lit-porte").
_ROOM_CODED = re.compile(
    r"(?<![\w])(?:(?i:ch)(?=\d)\d{1,3}[A-Z]?"
    r"|(?:Ch\.|CH\.|Ch|Chambre|CHAMBRE|Lit|LIT|Box|BOX|Room|Rm)[ \t]*(?:n°)?[ \t]*:?[ \t]*"
    r"(?:[A-Z]{1,4}(?:-[A-Z]{1,4})*-\d{1,3}|[A-Z]\d{1,2}\.\d{1,2}|[A-Z]-?\d{1,3}|\d{1,3}-[A-Z]))(?![\w])"
)
_ROOM_QUALIFIED = re.compile(
    r"(?<![\w])(?i:chambre)[ \t]+(?i:individuelle|seule|double|sécurisée|securisee|d['’]isolement|mère-enfant|mere-enfant|"
    r"stérile|protégée|de[ \t]+soins[ \t]+intensifs)[ \t]*(?:n°[ \t]*)?\d{1,4}[A-Za-z]?(?![\w])"
    r"|(?<![\w])(?i:berceau|couveuse|isolette|incubator)[ \t]*(?:n°[ \t]*)?\d{1,2}[a-zA-Z]?(?![\w])"
    r"|(?<![\w])(?i:logement|appartement)[ \t]+n°[ \t]*\d{1,3}(?![\w])"
    r"|(?<![\w])CI[ \t]*n°[ \t]*\d{1,2}(?![\w])"
    r"|(?<![\w])(?:SAUV|Sauv|Resus|RESUS|Déchoc|déchoc|Majors[ \t]+cubicle|Pod[ \t]+[A-Z][ \t]+stretcher|stretcher|"
    r"Hallway[ \t]+bed|hallway[ \t]+bed|SR)[ \t]*[A-Z]?\d{1,2}(?![\w])"
    r"|(?<![\w])(?i:box)[ \t]+(?:gyn|gynéco|pédia|ortho|IAO|psy|traumato|suture)[ \t]+\d{1,2}(?![\w])"
    r"|(?<![\w])(?i:salle)[ \t]+(?:de[ \t]+(?:suture|naissance|déchocage|soins|plâtre|examen|surveillance)|"
    r"d['’]attente)[ \t]+\d{1,2}(?![\w])"
    r"|(?<![\w])(?:Perf|PERF)[ \t]+\d{1,2}(?![\w])"
    r"|(?<![\w])(?i:lit-porte)(?![\w])"
)
_LA_NUMBER = re.compile(r"(?i)\bla[ \t]+\d")
_CH_DIGIT = re.compile(r"(?i)\bch\d")
_CODED_WORDS = frozenset(["ch", "chambre", "lit", "box", "room", "rm"])
_HANDOVER_MORE = re.compile(r"(?i)\b(?:planning|relève|releve|transmissions?|handover|visite|tour|lits)\b")


_ROOM_MORE_WORDS = frozenset(
    [
        "chambre",
        "berceau",
        "couveuse",
        "isolette",
        "incubator",
        "logement",
        "appartement",
        "ci",
        "sauv",
        "resus",
        "dechoc",
        "cubicle",
        "stretcher",
        "hallway",
        "sr",
        "box",
        "salle",
        "perf",
        "porte",
    ]
)


def rooms_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    if not _HAS_DIGIT.search(text) and "lit-porte" not in text:
        return out
    if _HAS_DIGIT.search(text):
        hand = bool(_HANDOVER_MORE.search(text))
        keep = []
        for m in _LIST_LINE_MORE.finditer(text):
            if _UNIT_AFTER.match(text, m.end("v")):
                continue
            if m.group("sep").strip() == "" and not hand:
                continue  # "12 Mme X" with a space only: a room list only in a handover
            keep.append(m)
        nums = [int(v) for v in (m.group("v") for m in keep) if v.isdigit()]
        counting = bool(nums) and len(nums) == len(keep) and nums == list(range(nums[0], nums[0] + len(nums)))
        if keep and (hand or (len(keep) >= 2 and not counting)):
            out += [(m.start("v"), m.end("v"), "WARD_ROOM", 0.55) for m in keep]
        if _LA_NUMBER.search(text):
            out += [(m.start("v"), m.end("v"), "WARD_ROOM", 0.55) for m in _ROOM_SPOKEN_MORE.finditer(text)]
        if _folded_words(text) & _CODED_WORDS or _CH_DIGIT.search(text):
            out += [(m.start(), m.end(), "WARD_ROOM", 0.6) for m in _ROOM_CODED.finditer(text)]
    if _folded_words(text) & _ROOM_MORE_WORDS:
        out += [(m.start(), m.end(), "WARD_ROOM", 0.6) for m in _ROOM_QUALIFIED.finditer(text)]
    return out


# --------------------------------------------------------------------------------------------- services
# The value of a unit field ("Service : Endoscopie digestive", "LOC: 5N/5N-22A", "Service demandeur : GYN-OBS
# consultations"); psychiatric sectors ("secteur 72G03"); "unité coronarienne", "unité 6B", "unité de
# psychogériatrie"; compound specialties ("neuropédiatrie", "pédo-endocrinologie"); "réa chir", "en rea", "de la
# pneumo"; operating suites ("bloc 4", "bloc central", "Bloc des urgences"); a specialty after a handover title
# ("RELÈVE PÉDIATRIE GÉNÉRALE", "Relève IDE réa chir"); English wards and departments ("Farley Ward", "Department of
# Orthopaedic Surgery", "Acute Medical Unit", "4 North", "Med-Surg 3", "Paediatric Neurology").
_SVC_FIELD = re.compile(
    r"(?<![\w])(?:Service|SERVICE|Unité|UNITÉ|UNITE|Pôle|PÔLE|Ward|Dept\.?|Loc|LOC|Location)"
    r"(?:[ \t]+(?:demandeur|d['’]hospitalisation|de[ \t]+soins|prescripteur))?[ \t]*:[ \t]*"
    r"(?P<s>(?!Dr\b|Pr\b|Docteur|\d{1,2}/)[^\n|;()–:,]{2,40}?)(?=[ \t]*(?:$|\n|–|\||;|\(|/| - |,|[ \t]{2,}))"
)
_SVC_MORE = re.compile(
    r"(?<![\w])(?:secteur[ \t]+\d{2}[A-Z]\d{2}"
    r"|(?i:unité)[ \t]+(?:\d{1,2}[A-Z]?|[A-Z]\d?|[a-zé]{4,}(?:ienne|ique|aire|ale|elle))(?![\w])"
    r"|(?i:unité)[ \t]+(?:de|d['’])[ \t]*[a-zé-]+(?:iatrie|ologie|ogie)"
    r"|(?i:neuro|pédo|pedo|psycho|onco|cardio|gastro|hépato|néphro|pneumo|endocrino|gynéco|hémato|rhumato|dermato)-?"
    r"(?i:pédiatrie|gériatrie|endocrinologie|psychiatrie|chirurgie|hématologie|oncologie|gynécologie|néphrologie|"
    r"cardiologie|obstétrique|réanimation|traumatologie|gastro-entérologie|gastroentérologie|pneumologie)"
    r"|(?i:réa|rea)[ \t]+(?:chir|méd|med|polyvalente|neurochir|CV|pédiatrique|néonatale|médicale|chirurgicale)"
    r"|(?<=en[ \t])rea|(?<=de la[ \t])(?:pneumo|néonat|neuro|cardio|gastro|rhumato|néphro|pédia|psy|gériatrie|réa)"
    r"|(?i:bloc)[ \t]+(?:central|des[ \t]+urgences|opératoire|obstétrical|ambulatoire|\d{1,2})"
    r"|[A-Z][a-z]+[ \t]+Ward|Department[ \t]+of[ \t]+[A-Z]\w+(?:[ \t]+[A-Z]\w+){0,2}"
    r"|(?:Acute|Medical)[ \t]+(?:Medical|Assessment)[ \t]+Unit|\d{1,2}[ \t](?:North|South|East|West)|Med-Surg(?:[ \t]+\d)?"
    r"|(?:Paediatric|Pediatric|Adolescent|adolescent|peds|Peds)[ \t]+(?:[A-Z]{2,4}[ \t]+clinic|(?i:medicine|neurology|"
    r"cardiology|surgery|oncology|rheumatology|endocrinology|gastroenterology|nephrology|psychiatry))"
    r"|inpatient[ \t]+psych(?:iatry)?|SMIT|CVICU|CTICU|SICU|NSICU"
    r"|SSR[ \t]+(?:neurologique|gériatrique|cardiologique|locomoteur|pédiatrique|polyvalent|addictologique)"
    r"|(?<=interne[ \t])médecine[ \t]+[A-D]\b|\d(?:e|ème)[ \t]+SSR)(?![\w])"
)
_SVC_AFTER_TITLE = re.compile(
    r"(?<![\w])(?i:relève|releve|transmissions|handover|staff[ \t]+de|sortie[ \t]+de|orientation)"
    r"(?:[ \t]+(?:IDE|AS|de|du|\d{1,2}[hH]\d{0,2}|nuit|jour|matin|soir))*[ \t]+"
    rf"(?P<s>(?i:{_SPEC_RE}|soins[ \t]+intermédiaires|réa[ \t]+chir))(?![\w])"
)


_SVC_MORE_WORDS = frozenset(
    [
        "service",
        "unite",
        "pole",
        "ward",
        "dept",
        "loc",
        "location",
        "secteur",
        "rea",
        "bloc",
        "department",
        "releve",
        "transmissions",
        "handover",
        "staff",
        "sortie",
        "orientation",
        "medical",
        "acute",
        "north",
        "south",
        "east",
        "west",
        "paediatric",
        "pediatric",
        "adolescent",
        "peds",
        "inpatient",
        "smit",
        "cvicu",
        "cticu",
        "sicu",
        "nsicu",
        "med",
        "interne",
        "ssr",
    ]
)
_SVC_PREFIXES = (
    "neuro",
    "pedo",
    "psycho",
    "onco",
    "cardio",
    "gastro",
    "hepato",
    "nephro",
    "pneumo",
    "endocrino",
    "gyneco",
    "hemato",
    "rhumato",
    "dermato",
    "neonat",
    "psy",
    "pedia",
    "geria",
)


_TITLE_WORDS = frozenset(["releve", "transmissions", "handover", "staff", "sortie", "orientation"])


def services_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    words = _folded_words(text)
    if not words & _SVC_MORE_WORDS and not any(w.startswith(_SVC_PREFIXES) for w in words):
        return out
    for m in _SVC_FIELD.finditer(text) if ":" in text else ():
        v = m.group("s").strip()
        if v and re.search(r"[A-Za-zÀ-ÿ]{2}", v) and not re.match(r"(?i)(?:Dr|Pr|Mme|M\.|Mr)\b", v):
            out.append((m.start("s"), m.start("s") + len(v), "SERVICE", 0.55))
    out += [(m.start(), m.end(), "SERVICE", 0.55) for m in _SVC_MORE.finditer(text)]
    if words & _TITLE_WORDS:
        out += [(m.start("s"), m.end("s"), "SERVICE", 0.55) for m in _SVC_AFTER_TITLE.finditer(text)]
    return out


# ------------------------------------------------------------------------------------------------- other ids
# A number after an id keyword of a health or social system (Belgian national register, Swiss AVS, Québec RAMQ,
# UK GMC/CHI, Ontario HCN, SAMU case numbers, tube labels, insurance numbers, lab references, queue tickets).
_OID_KEYS = (
    r"(?:Mutuelle|Mutualité)[ \t]*:?[ \t]*[A-Z]{2,6}[ \t]+n°|(?<=[/|][ \t])ID|registre[ \t]+national|n°[ \t]+AVS|AVS|RAMQ|GMC|CHI|HCN|N°[ \t]+d['’]affaire(?:[ \t]+SAMU)?|[Dd]ossier[ \t]+SAMU|"
    r"[ÉE]tiquette|Référence|Reference|Code-barres(?:[ \t]+tube)?|MGEN[ \t]+n°|Mutuelle(?:[ \t]+n°)?|Mutualité|"
    r"N°[ \t]+d['’]examen|ticket|Case[ \t]+no\.?|Mouvement|N°[ \t]+d['’]ordre"
)
_OID = re.compile(
    rf"(?<![\w])(?:{_OID_KEYS})[ \t]*(?:n°)?[ \t]*:?[ \t]*"
    r"(?P<v>[A-Z0-9](?:[A-Z0-9]|[ .\-/]{1,3}(?=[A-Z0-9]))*)"
)


_OID_WORDS = frozenset(
    [
        "registre",
        "avs",
        "ramq",
        "gmc",
        "chi",
        "hcn",
        "affaire",
        "samu",
        "etiquette",
        "reference",
        "code",
        "mgen",
        "mutuelle",
        "mutualite",
        "examen",
        "ticket",
        "case",
        "mouvement",
        "ordre",
    ]
)


def other_ids(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    if not _folded_words(text) & _OID_WORDS and "/ ID" not in text and "| ID" not in text:
        return out
    for m in _OID.finditer(text):
        v = m.group("v")
        # stop at a double space (the next field) and keep ids with three digits or more
        v = re.split(r"[ \t]{2,}", v)[0].rstrip(" ./-")
        v = re.sub(r"[ \t]+/[ \t]+\d{1,2}$", "", v)  # "ID 8800412 / 09-déc-2025": the date is not part of it
        if len(re.findall(r"\d", v)) >= 3:
            out.append((m.start(), m.start("v") + len(v), "OTHER_ID", 0.55))
    return out


FINDERS_ROUND4.update(
    {
        "phone_4b": phones_more,
        "age_4b": ages_more,
        "room_4b": rooms_more,
        "service_4b": services_more,
        "other_id_4b": other_ids,
    }
)


# --------------------------------------------------------------------------------------------- hospitals
_HOSP_STOP = frozenset(
    [
        "prive",
        "privee",
        "public",
        "publique",
        "psychiatrique",
        "general",
        "generale",
        "la",
        "le",
        "les",
        "de",
        "du",
        "des",
        "ou",
        "qui",
        "que",
        "et",
        "pour",
        "avec",
        "sans",
        "en",
        "au",
        "a",
        "ce",
        "cet",
        "cette",
        "mon",
        "ma",
        "son",
        "sa",
        "notre",
        "votre",
        "leur",
        "jour",
        "semaine",
        "proximite",
        "reference",
        "universitaire",
        "voisin",
        "voisine",
        "militaire",
        "pediatrique",
        "veterinaire",
        "ici",
        "la-bas",
        "anonymise",
        "anonymisee",
        "xxx",
        "xx",
    ]
)
_HOSP_PARTICLES = frozenset(["de", "du", "des", "d", "la", "le", "st", "ste", "saint", "sainte"])
# Hospitals named in chat, in lower case ("au chu de limoges", "hopital vauban", "clinique st gildas").
_HOSP_LOWER = re.compile(
    r"(?<![\w])(?:chu|chru|chr|hopital|hôpital|clinique|polyclinique)[ \t]+(?P<n>(?:(?:de|du|des|d['’]|la|le|st|ste|"
    r"saint|sainte)[ \t-]*)*[a-zà-ÿ][a-zà-ÿ'’-]{2,}(?:[ \t]+(?:de|du|d['’])[ \t]*[a-zà-ÿ][a-zà-ÿ'’-]{2,})?)"
)
_HOSP_MORE = re.compile(
    r"(?<![\w])(?:CMS|Centre[ \t]+de[ \t]+santé(?:[ \t]+municipal)?|Centre[ \t]+médico-social|Hôpital[ \t]+cantonal|"
    r"Cliniques?[ \t]+universitaires?|CIUSSS|CISSS|Résidence[ \t]+autonomie|[Ff]oyer[ \t]+d['’]accueil[ \t]+médicalisé|"
    r"[Cc]entre[ \t]+de[ \t]+traitement[ \t]+des[ \t]+brûlés|GIE[ \t]+Imagerie|Centre[ \t]+d['’]imagerie(?:[ \t]+médicale)?)"
    r"(?:[ \t]+(?:de[ \t]+la|de|du|des|d['’]))?[ \t]*(?:[A-Z][\w'’-]+(?:[ \t-]+[A-Z][\w'’-]+){0,3}|Les[ \t]+[A-Z][\w'’-]+)?"
    r"|(?<![\w])(?!(?:Attorney|Surgeon|Director|Secretary|Inspector|Consul)\b)(?:[A-Z][a-z]+(?:'s)?[ \t]+){1,3}"
    r"(?:Children's|General|Infirmary|Cancer[ \t]+Institute|Medical[ \t]+Center|Memorial)(?:[ \t]+Hospital)?(?![\w])"
    r"|(?<![\w])St\.?[ \t]+[A-Z][a-z]+'s(?![\w])"
    # "Clinique du Val d'Yzeron", "Hôpital de la Croix-Rousse": the whole name, particles and elisions included
    r"|(?<![\w])(?:Clinique|Polyclinique|Hôpital|Hopital|Centre[ \t]+hospitalier)[ \t]+(?:du|de[ \t]+la|des|de|d['’])[ \t]*"
    r"[A-Z][\w'’-]+(?:[ \t]+(?:d['’]|de[ \t]+|du[ \t]+|des[ \t]+|la[ \t]+)?[A-Z][\w'’-]+){1,3}"
)


_HOSP_MORE_WORDS = frozenset(
    [
        "cms",
        "centre",
        "hopital",
        "clinique",
        "cliniques",
        "ciusss",
        "cisss",
        "residence",
        "foyer",
        "gie",
        "children",
        "general",
        "infirmary",
        "cancer",
        "medical",
        "memorial",
        "st",
    ]
)


def hospitals_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    low = text.lower()
    if any(w in low for w in ("chu", "chr", "hopital", "hôpital", "clinique")):
        for m in _HOSP_LOWER.finditer(text):
            words = [w for w in re.split(r"[ \t'’-]+", fold(m.group("n"))) if w not in _HOSP_PARTICLES]
            if not words or words[0] in _HOSP_STOP:
                continue
            out.append((m.start(), m.end(), "HOSPITAL", 0.55))
    if _folded_words(text) & _HOSP_MORE_WORDS:
        out += [(m.start(), m.end(), "HOSPITAL", 0.55) for m in _HOSP_MORE.finditer(text)]
    return out


# ------------------------------------------------------------------------------------------------ places
# A town closing an institutional header line after a dash ("Centre d'imagerie du Lac – Annecy", "Dr Goncalves –
# Vénissieux"), after "site de", "SMUR de", "SAMU de".
_HEADER_TOWN = re.compile(
    r"(?m)^(?P<line>[^\n]*?(?:Centre|Hôpital|Hopital|Clinique|GIE|Service|EHPAD|Laboratoire|LBM|Cabinet|Imagerie|Dr|"
    r"Institut|Résidence|CHU|CH|Maison)\b[^\n]*?)[ \t]+[–-][ \t]+(?P<t>[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*)[ \t]*$"
)
_TOWN_AFTER_UNIT = re.compile(
    r"(?<![\w])(?:site[ \t]+de|SMUR[ \t]+de|SAMU[ \t]+de|SDIS[ \t]+de|campus)[ \t]+(?P<t>[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*)"
)


_TOWN_UNIT_WORDS = frozenset(["site", "smur", "samu", "sdis", "campus"])


def places_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    lx = lexicon()
    finders = []
    if " – " in text or " - " in text:
        finders.append(_HEADER_TOWN)
    if _folded_words(text) & _TOWN_UNIT_WORDS:
        finders.append(_TOWN_AFTER_UNIT)
    for rx in finders:
        for m in rx.finditer(text):
            t = m.group("t")
            f = fold(t)
            if (
                f in lx.header_words
                or lx.care_words.fullmatch(t)
                or f in lx.first_names_folded
                or f in lx.drugs
            ):
                continue
            if re.fullmatch(r"(?i)(?:[a-zé-]*(?:logie|iatrie|ique|ie))", t):
                continue  # a specialty ("Dr Martin – Cardiologie")
            out.append((m.start("t"), m.end("t"), "LOCATION", 0.55))
    return out


# ------------------------------------------------------------------------------------------------ names
_NAME_W = r"[A-ZÀ-Ý][\w'’-]+"
_LABEL_NAME = re.compile(
    r"(?m)^[ \t]*(?:NOM[ \t]*[,/][ \t]*PR[ÉE]NOMS?|NOM(?:[ \t]+DE[ \t]+NAISSANCE|[ \t]+D['’]USAGE|[ \t]+PATRONYMIQUE)?|Nom(?:[ \t]+de[ \t]+naissance|"
    r"[ \t]+d['’]usage|[ \t]+patronymique)|PRÉNOMS?|PRENOMS?|Prénom(?:\(s\)|s)?)[ \t]*(?::[ \t]*|\t+)"
    rf"(?P<n>{_NAME_W}(?:,?[ \t]+{_NAME_W}){{0,2}})"
    rf"|(?<![\w])(?:ép\.|épouse)[ \t]+(?P<e>[A-ZÀ-Ý][A-ZÀ-Ý'’-]+)"
)
_NAME_STOP = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "du",
        "des",
        "un",
        "une",
        "votre",
        "notre",
        "et",
        "est",
        "a",
        "qui",
        "que",
        "en",
        "au",
        "aux",
        "pour",
        "avec",
        "sans",
        "sur",
        "ce",
        "cet",
        "cette",
        "son",
        "sa",
        "ses",
        "leur",
        "la-bas",
        "ici",
        "aussi",
        "deja",
        "bien",
        "tres",
        "patient",
        "patiente",
    ]
)
_LOWER_CIVIL = re.compile(r"(?<![\w])(?P<c>mr|mme|mlle|dr)[ \t]+(?P<n>[a-zà-ÿ]{3,}(?:[ \t]+[a-zà-ÿ]{3,})?)")
_RELATIVE = re.compile(
    r"(?<![\w])(?:Wife|Husband|Mom|Mum|Dad|Mother|Father|Son|Daughter|Baby[ \t]+(?:girl|boy)|famille|épouse|époux)[ \t]+"
    r"(?P<n>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)(?![\w])"
)


_STAFF_ROLE_WORDS = frozenset(["attn", "worker", "fy1", "fy2", "sho", "spr", "reg", "operateur"])
_LABEL_WORDS = frozenset(["nom", "prenom", "prenoms", "ep", "epouse"])
_RELATIVE_WORDS = frozenset(
    [
        "wife",
        "husband",
        "mom",
        "mum",
        "dad",
        "mother",
        "father",
        "son",
        "daughter",
        "baby",
        "famille",
        "epouse",
        "epoux",
    ]
)


_STAFF_ROLE = re.compile(
    r"(?<![\w])(?:Attn|Social[ \t]+worker|FY[12]|SHO|SpR|Med[ \t]+reg|ED[ \t]+reg|Opérateur[ \t]*:[ \t]*(?:IDE|AS|IADE))"
    r"[ \t]*:?[ \t]+(?P<n>[A-Z]\.[ \t]*[A-Z][\w'’-]+|[A-Z][\w'’-]+(?:[ \t]+[A-Z][a-z][\w'’-]*)?)"
)


def names_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    lx = lexicon()
    words_ = _folded_words(text)
    for m in _LABEL_NAME.finditer(text) if words_ & _LABEL_WORDS else ():
        g = "n" if m.group("n") else "e"
        words = m.group(g).replace(",", " ").split()
        if any(fold(w) in lx.header_words for w in words):
            continue
        out.append((m.start(g), m.end(g), "PERSON", 0.6))
    if re.search(r"(?<![\w])(?:mr|mme|mlle|dr)[ \t]", text):
        for m in _LOWER_CIVIL.finditer(text):
            words = m.group("n").split()
            if fold(words[0]) in _NAME_STOP or lx.care_words.fullmatch(words[0]):
                continue
            if len(words) > 1 and (fold(words[1]) in _NAME_STOP or lx.care_words.fullmatch(words[1])):
                words = words[:1]
            end = m.start("n") + len(" ".join(words))
            out.append((m.start(), end, "PROFESSIONAL" if m.group("c") == "dr" else "PERSON", 0.55))
    if words_ & _STAFF_ROLE_WORDS:
        out += [(m.start("n"), m.end("n"), "PROFESSIONAL", 0.55) for m in _STAFF_ROLE.finditer(text)]
    for m in _RELATIVE.finditer(text) if words_ & _RELATIVE_WORDS else ():
        n = m.group("n")
        if fold(n.split()[0]) in lx.header_words or lx.care_words.fullmatch(n.split()[0]):
            continue
        out.append((m.start("n"), m.end("n"), "PERSON", 0.55))
    return out


# ------------------------------------------------------------------------------------------------- dates
# A day/month on a note's header: before a time ("06/12 14h", "12/07 1930"), closing a title line ("Night
# handover AMU 3/12"), after "since/on/from/until" (US order, "since 11/30").
_DM = r"(?P<d>\d{1,2})/(?P<m>\d{1,2})"
_DM_TIME = re.compile(
    rf"(?<![\w/.,]){_DM}(?![\w/])(?=[ \t]+(?:à[ \t]+)?(?:\d{{1,2}}[hH:]\d{{0,2}}|[0-2]\d[0-5]\d\b))"
)
_DM_TITLE = re.compile(
    rf"(?im)^[^\n]*\b(?:relève|releve|handover|transmissions?|note|obs|consult|visite|entrée|staff)\b[^\n]*?[ \t]{_DM}[ \t]*(?:$|[–:](?=[ \t]))"
)
_DM_AFTER = re.compile(rf"(?<![\w])(?:since|on|from|until|by)[ \t]+{_DM}(?![\w/])")
_NOT_DATE_BEFORE = re.compile(r"(?i)(?:TA|PA|BP|EVA|score|tension|NIHSS|GCS|ratio|dose)[ \t:]*$")


def dates_more(text: str) -> list[Hit]:
    if "/" not in text:
        return []
    out: list[Hit] = []
    for rx in (_DM_TIME, _DM_TITLE, _DM_AFTER):
        for m in rx.finditer(text):
            d, mo = int(m.group("d")), int(m.group("m"))
            us = rx is _DM_AFTER and mo > 12
            if not ((1 <= d <= 31 and 1 <= mo <= 12) or (us and 1 <= d <= 12 and mo <= 31)):
                continue
            if _NOT_DATE_BEFORE.search(text[max(0, m.start("d") - 10) : m.start("d")]):
                continue
            out.append((m.start("d"), m.end("m"), "DATE", 0.55))
    return out


FINDERS_ROUND4.update(
    {
        "hospital_4b": hospitals_more,
        "place_4b": places_more,
        "name_4b": names_more,
        "date_4b": dates_more,
    }
)


# ----------------------------------------------------------------------------------------- addresses, NIR
# A street named without a number ("place du Ralliement", "Quartier des Mas-Neufs", "rue de la Roquette"), US streets
# ("6120 E. Juniper Rd", "1400 block of E. 63rd St").
_STREET_NO_NUMBER = re.compile(
    r"(?<![\w])(?:place|rue|avenue|boulevard|impasse|allée|chemin|quai|quartier|Quartier|Place|Rue|"
    r"Avenue|Boulevard|Impasse|Allée|Chemin|Quai|cours|Cours|square|Square|résidence)[ \t]+(?:du|de[ \t]+la|des|de|d['’])"
    r"[ \t]*[A-Z][a-zà-ÿ][\w'’-]*(?:[ \t]+[A-Z][a-zà-ÿ][\w'’-]*)?"
)
_US_STREET_MORE = re.compile(
    r"(?<![\w])\d{2,5}[ \t]+(?:block[ \t]+of[ \t]+)?(?:[NSEW]\.?[ \t]+)?(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][a-z]+)"
    r"[ \t]+(?:Rd|St|Ave|Blvd|Dr|Ln|Way|Ct|Pl|Pkwy|Hwy)\.?(?![\w])"
)
# A NIR whose key is written apart: "2 92 11 99 216 045  clé 63" (the key is part of it, and redacted with it).
_NIR_KEY_APART = re.compile(
    r"(?<![\d])[1-478](?:[ .]?[\dAB]){12}[ \t]*,?[ \t]*(?i:clé|cle|key)[ \t]*:?[ \t]*\d{2}(?!\d)"
)


def addresses_more(text: str) -> list[Hit]:
    out: list[Hit] = []
    words = _folded_words(text)
    if words & _STREET_WORDS:
        for m in _STREET_NO_NUMBER.finditer(text):
            if re.search(r"\d[ \t,]*$", text[max(0, m.start() - 6) : m.start()]):
                continue  # "12 rue de …": the numbered address finders have it
            # Without a number a street names a place, not someone's home: a quasi-identifier (LOCATION), not a
            # direct one ("elle consulte … avenue de la République" is a workplace).
            out.append((m.start(), m.end(), "LOCATION", 0.55))
    if _HAS_DIGIT.search(text):
        if words & _US_STREET_WORDS:
            out += [(m.start(), m.end(), "ADDRESS", 0.55) for m in _US_STREET_MORE.finditer(text)]
        if words & _KEY_WORDS:
            out += [(m.start(), m.end(), "NIR", 0.7) for m in _NIR_KEY_APART.finditer(text)]
    return out


_STREET_WORDS = frozenset(
    [
        "place",
        "rue",
        "avenue",
        "boulevard",
        "impasse",
        "allee",
        "chemin",
        "quai",
        "quartier",
        "cours",
        "square",
        "residence",
    ]
)
_KEY_WORDS = frozenset(["cle", "key"])
_US_STREET_WORDS = frozenset(["rd", "st", "ave", "blvd", "dr", "ln", "way", "ct", "pl", "pkwy", "hwy"])
FINDERS_ROUND4["address_4b"] = addresses_more


# ------------------------------------------------------------------------------------------------- noise
# Codes of products, forms and classifications are not people's numbers: a drug lot ("Lot n° 4K8821B", "lots n°
# 23D0417"), a Cerfa form, UCD/CIP/AMM drug codes, GHM/GHS/CIM groups. The SAMU named as the emergency number
# ("composez le 15 (SAMU)", "SAMU 15") or as a form's title ("Fiche SMUR –") is not the patient's unit.
_CODE_BEFORE = re.compile(
    r"(?i)\b(?:lots?|cerfa|UCD|CIP(?:13)?|AMM|GHM|GHS|CIM(?:-10)?|EAN|NDC)\b[ \t]*(?:n°|:|#)?[ \t]*"
    r"(?:[A-Z0-9*]+[ \t]*(?:,|et|and)[ \t]*)*$"
)
_SAMU_NUMBER = re.compile(r"\b(?:15|112)\b")


def code_noise(text: str, start: int, end: int, label: str) -> bool:
    """True when an OTHER_ID span is a product or classification code, or a SERVICE span is the SAMU as a number
    or a form title."""
    if label == "OTHER_ID":
        return bool(_CODE_BEFORE.search(text[max(0, start - 40) : start]))
    if label == "SERVICE" and text[start:end] in ("SAMU", "SMUR"):
        around = text[max(0, start - 14) : end + 6]
        if _SAMU_NUMBER.search(around):
            return True
        return bool(re.search(r"(?i)\b(?:fiche|feuille)[ \t]*$", text[max(0, start - 10) : start]))
    return False


# ------------------------------------------------------------------------------------- dates with spaces
# Round 4b: a date written with spaces, often with its time ("05 12 2025 14 30", "21 11 2025 à 08 15"): the
# digits also read as a phone number in an odd grouping ("05 12 2025 14"); a valid day, month and year say a
# date (``analysis.clean_hits`` drops such a phone unless a phone word comes just before it).
SPACED_DATE = re.compile(
    r"(?<![\d+.,/])(?:0[1-9]|[12]\d|3[01])[ \t](?:0[1-9]|1[0-2])[ \t](?:19\d\d|20[0-3]\d)"
    r"(?:[ \t]+(?:à[ \t]+)?(?:[01]\d|2[0-3])(?:[ \t]|[ \t]?[h:][ \t]?)[0-5]\d)?(?![\d,.]\d)"
)


def spaced_dates(text: str) -> list[Hit]:
    if not re.search(r"\d\d[ \t]\d\d[ \t](?:19|20)\d\d", text):
        return []
    return [(m.start(), m.end(), "DATE", 0.6) for m in SPACED_DATE.finditer(text)]


FINDERS_ROUND4["date_4c"] = spaced_dates


# ------------------------------------------------------------------------------------------------- ages
# Round 4b: ages in months or weeks right after a child word or a name ("patient de 20 mois", "Ch 1 Adam B.
# 18 mois", "2 mo infant"), and a bare age between commas after a full name ("Maria Gonzalez, 68, admitted").
# Never a duration ("depuis 18 mois", "pendant 3 semaines"): the word before must be a person.
_CHILD_AGE = re.compile(
    r"(?i:\b(?:patiente?|enfant|bébé|bebe|nourrisson|garçon|garcon|fille|fillette|petite?|nné|infant|baby|boy|girl|"
    r"toddler|child)s?[ \t]+(?:de[ \t]+|of[ \t]+)?)"
    r"(?P<v>\d{1,2}[ \t]?(?i:mois|semaines|sem\b|months?|mo\b|weeks?|wk\b|jours|days?))"
)
_NAME_THEN_AGE = re.compile(
    r"\b[A-ZÀ-Ý][a-zà-ÿ'-]+[ \t]+[A-ZÀ-Ý](?:\.|[a-zà-ÿ'-]+)[ \t]*,?[ \t]+"
    r"(?P<v>\d{1,2}[ \t]?(?:mois|semaines|mo\b|months?))"
)
_MO_INFANT = re.compile(
    r"(?i)\b(?P<v>\d{1,2}[ \t-]?(?:mo|mos|month|months)[ \t-](?:old|infant|baby|boy|girl))\b"
)
_NAME_COMMA_AGE = re.compile(
    r"\b[A-ZÀ-Ý][a-zà-ÿ'-]+[ \t]+[A-ZÀ-Ý][a-zà-ÿ'-]+,[ \t](?P<v>\d{1,3}),[ \t]+(?=[a-zà-ÿ])"
)


def ages_more_b(text: str) -> list[Hit]:
    if not re.search(r"\d", text):
        return []
    out: list[Hit] = []
    for rx in (_CHILD_AGE, _NAME_THEN_AGE, _MO_INFANT, _NAME_COMMA_AGE):
        for m in rx.finditer(text):
            v = m.group("v")
            n = int(re.match(r"\d+", v).group())  # type: ignore[union-attr]
            if 0 < n <= 110:
                out.append((m.start("v"), m.end("v"), "AGE", 0.6))
    return out


FINDERS_ROUND4["age_4c"] = ages_more_b


# ------------------------------------------------------------------------------------------------ rooms
# Round 4b: one handover line with no handover title: a room number of two to four digits opening the line,
# right before a civility ("12 Mme Martin douleur abdo", "204B M. Petit"). One digit stays a counted item.
_ROOM_CIVILITY = re.compile(
    r"(?m)^[ \t]*(?!(?:19|20)\d\d\b)(?P<v>\d{2,4}[A-Za-z]?)[ \t]*[-–:]?[ \t]+(?=(?:Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?)[ \t]+[A-ZÀ-Ý])"
)


def room_before_civility(text: str) -> list[Hit]:
    return [(m.start("v"), m.end("v"), "WARD_ROOM", 0.6) for m in _ROOM_CIVILITY.finditer(text)]


FINDERS_ROUND4["room_4c"] = room_before_civility
