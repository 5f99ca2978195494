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
    r"(?i)[ \t]*(?:%|°|€|x\b|h\b|min|mg|µg|g\b|kg|ml|cl|l\b|mmol|mmhg|cm|mm|km|ui|cp|comprimés?|gélules?|"
    r"fois|jours?|j\b|mois|semaines?|sem\b|ans?\b|heures?|ampoules?|gouttes?|points?|/\d|sur\s+\d|bpm|cycles?|"
    r"années?|patients?\b|lits\b|places\b|minutes?|sa\b|kcal)"
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


def rooms(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out = _list_lines(text)
    for m in _ROOM_KEY_START.finditer(text):
        pos = _ITEM_REST.match(text, m.end()).end()  # type: ignore[union-attr]
        while True:
            n = _NEXT_ITEM.match(text, pos)
            if n is None or _UNIT_AFTER.match(text, n.end("v")):
                break
            out.append((n.start("v"), n.end("v"), "WARD_ROOM", 0.55))
            pos = _ITEM_REST.match(text, n.end("v")).end()  # type: ignore[union-attr]
    for m in _ROOMS_PLURAL.finditer(text):
        base = m.start("rest")
        out += [
            (base + k.start(), base + k.end(), "WARD_ROOM", 0.6) for k in _MORE_NUM.finditer(m.group("rest"))
        ]
    out += [(m.start("v"), m.end("v"), "WARD_ROOM", 0.55) for m in _FLOOR.finditer(text)]
    out += [(m.start(), m.end(), "WARD_ROOM", 0.6) for m in _COT.finditer(text)]
    if _POST_CTX.search(text):
        out += [(m.start(), m.end(), "WARD_ROOM", 0.55) for m in _POST.finditer(text)]
    return out


# --------------------------------------------------------------------------------------------- services
_UF_BARE = re.compile(r"(?<![\w])(?:UF|U\.F\.)[ \t]*(?:n°|:)?[ \t]*(?P<v>\d{4,5})(?![\w])")
_UNIT_NAME_AFTER = re.compile(rf"[ \t]*[-–:(]?[ \t]*(?:[{UPPER}]{{2,}}|[{UPPER}]?[{LOWER}]{{4,}})")
_PAVILION = re.compile(
    rf"(?<![\w])(?:pavillon|aile|bâtiment)[ \t]+(?!de\b|des\b|du\b|d['’])(?:[{UPPER}][{LOWER}'’-]+(?:[ \t]+[{UPPER}][{LOWER}'’-]+)?|[A-H]\d?)(?![\w])"
)
_MORE_ACRONYMS = re.compile(
    r"(?<![\w&])(?:UCSA|USMP|SMPR|UHSI|UHTCD|UPATOU|UAPED|UMA|USIR|USIRC|UNV|UIC|UGOMPS|UMPU|UHU|UPUP|CAMSP|CMPP|CSAPA|"
    r"UCO|UMGP|UPC|UTEP|USINV)(?![\w&])"
)
_UNIT_PRE = frozenset({"uf", "pavillon", "aile", "batiment"})
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


def numbers(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
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
