"""More shapes of clinical writing (issue 13, second round): services and units as reports write them,
rooms and floors, lab/prescription/insurance numbers, stay numbers, rare diseases by name, pattern and
acronym, ages in record headers. Each finder returns ``(start, end, label, score)`` hits like the ones in
``recognizers`` and starts with a cheap pre-check (a word or a digit), so that chat without them costs a
set lookup.

Measured on ``tests/data/secrecy_dev/clinical_dev2.jsonl`` (team-written, not blind): see docs/secrecy.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from veilleur.detect.secrecy.lexicon import fold

Hit = tuple[int, int, str, float]
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_HAS_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[\w'’-]+")


@lru_cache(maxsize=16)
def _folded_words(text: str) -> frozenset[str]:
    """Folded words of the text, computed once for the finders' pre-checks (they run one after another)."""
    return frozenset(re.findall(r"\w+", fold(text)))


@lru_cache(maxsize=16)
def _raw_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text))


# ------------------------------------------------------------------------------------------- services
# Specialties, full and the short forms clinicians write ("néphro", "réa", "pédopsy"), with their qualifiers.
_SPEC = (
    r"cardiologie|cardio|pneumologie|pneumo|néphrologie|néphro|neurologie|neuro|oncologie|onco|hématologie|hémato|"
    r"hémato-oncologie|onco-hématologie|oncohématologie|réanimation|réa|gériatrie|psychiatrie|psy|pédopsychiatrie|pédopsy|"
    r"pédiatrie|pédia|néonatologie|néonatalogie|néonat|urgences|chirurgie|médecine|rhumatologie|rhumato|endocrinologie|"
    r"endocrino|endoc|diabétologie|dermatologie|dermato|gastro-entérologie|gastroentérologie|gastro|hépato-gastro-entérologie|"
    r"hépato-gastro|hépatologie|ophtalmologie|ophtalmo|orthopédie|ortho|traumatologie|urologie|uro|gynécologie|gynéco|"
    r"obstétrique|maternité|infectiologie|maladies\s+infectieuses|addictologie|anesthésie|radiologie|radiothérapie|"
    r"imagerie|médecine\s+nucléaire|rythmologie|angiologie|allergologie|immunologie|génétique|oncogénétique|"
    r"soins\s+palliatifs|soins\s+intensifs|soins\s+continus|soins\s+de\s+suite|rééducation|neurochirurgie|"
    r"neuro-vasculaire|neurovasculaire|néphro-pédiatrie|gastro-pédiatrie|dialyse|hémodialyse|néphrologie-dialyse|"
    r"médecine\s+polyvalente|médecine\s+interne|gériatrie\s+aiguë|court\s+séjour|ORL|stomatologie|odontologie|"
    r"cancérologie|hépato-gastro|pédiatrie\s+générale|chirurgie\s+pédiatrique|bloc\s+opératoire|salle\s+de\s+naissance|"
    r"cardiology|nephrology|neurology|oncology|haematology|hematology|paediatrics|pediatrics|geriatrics|"
    r"psychiatry|emergency(?:\s+department)?|intensive\s+care|surgery|radiology|dermatology|rheumatology|"
    r"endocrinology|gastroenterology|maternity|obstetrics|renal|respiratory|stroke"
)
_SPEC_QUALIFIER = (
    r"(?:[ \t-]+(?:adulte|adultes|pédiatrique|pédiatriques|pediatrique|pediatriques|médicale|chirurgicale|polyvalente|aiguë|digestive|viscérale|"
    r"néonatale|néonatal|gériatrique|gériatriques|cardiaque|cardio-vasculaire|cardio-thoracique|thoracique|orthopédique|vasculaire|générale|interne|infantile|"
    r"et\s+[\wéèàç-]+|B|A|C|D|\d{1,2}|Nord|Sud|Est|Ouest|ward|unit|department))*"
)
_SPEC_RE = rf"(?:{_SPEC}){_SPEC_QUALIFIER}"
# Unit acronyms written alone ("UHCD lit 6", "transfert USIC").
_UNIT_ACRONYMS = (
    "USIC|USIP|USINV|UNV|UHCD|SAU|SMUR|SAMU|SSPI|USC|HDJ|HDS|HAD|USP|EMSP|UGA|SSR|SMR|USLD|PASS|UMJ|CMP|CATTP|UCC|UHR|"
    "UMG|USIN|UCA|UMD|UHSA|ICU|NICU|PICU|MICU|SICU|CICU|HDU|CCU|A&E|ED|MAU|AMU|SCBU"
)
_SERVICE_TRIGGERS = r"service|serv\.|unité|département|dépt\.?|pôle|secteur|hôpital\s+de\s+jour|HDJ|UF|clinique|ward|unit|department"
_SERVICE_AFTER_TRIGGER = re.compile(
    rf"(?<![\w])(?i:{_SERVICE_TRIGGERS})[ \t]*(?::|-|–)?[ \t]*(?i:de\s+la\s+|de\s+l['’]|de\s+|d['’]|des\s+|du\s+)?"
    rf"(?i:{_SPEC_RE})(?![\w])"
)
# A bare specialty where a record puts one: opening a line, after a dash, comma, slash or parenthesis, or after
# "en", "au", "aux", "du", "avis", "transfert" ("Dr MOREAU, néphrologie", "en réa médicale", "avis neuro").
_SERVICE_BARE = re.compile(
    rf"(?:(?<=^)|(?<=\n)|(?<=[–,(/|:→])[ \t]*|(?<=\s-)[ \t]*|(?<![\w])(?i:en|au|aux|du|avis|transfert|transféré(?:e)?\s+en|muté(?:e)?\s+en|"
    rf"hospitalisée?\s+en|admise?\s+en|dans\s+(?:le|la|les)|on\s+the|to|in)[ \t]+(?:l['’])?)"
    rf"(?P<svc>(?i:{_SPEC_RE}))(?![\w]|-[a-zé])"
)
_UNIT_RE = re.compile(rf"(?<![\w&])(?:{_UNIT_ACRONYMS})(?![\w&])")
_UNIT_NAMED = re.compile(
    rf"(?<![\w])(?:Unité|Unite|Pavillon|Centre\s+de\s+référence|Centre\s+de\s+compétence|Centre\s+expert)"
    rf"(?:[ \t]+(?:des|de\s+la|de\s+l['’]|du|de|d['’]))?[ \t]+(?:[{UPPER}][\w'’-]+|[a-zéè][\w'’-]+)(?:[ \t]+(?:[\w'’-]+)){{0,6}}?"
    rf"(?=[ \t]*(?:[\n,.;:)(/|–]|[ \t]-[ \t]|$))"
)
_SERVICE_WORDS = frozenset(
    fold(w)
    for w in re.findall(
        r"[\w-]+",
        _SPEC.replace(r"\s+", " ")
        + " service unite departement pole secteur hdj uf ward unit pavillon centre",
    )
    if len(w) > 2
)
_SERVICE_WORDS = _SERVICE_WORDS - {"des", "de", "et", "the", "aux"}


def services(text: str) -> list[Hit]:
    folded = _folded_words(text)
    out: list[Hit] = []
    if folded & _SERVICE_WORDS:
        out += [
            (m.start(), m.end(), "SERVICE", 0.6)
            for m in _SERVICE_AFTER_TRIGGER.finditer(text)
            if not fold(m.group()).endswith("medecine generale")
        ]
        for m in _SERVICE_BARE.finditer(text):
            w = m.group("svc")
            if w.lower() in (
                "psy",
                "ortho",
                "uro",
                "neuro",
                "onco",
                "réa",
                "gastro",
                "cardio",
                "renal",
                "stroke",
                "surgery",
                "respiratory",
                "ed",
                "médecine",
                "chirurgie",
            ) and not _short_ok(text, m.start("svc"), w):
                continue
            if fold(w).startswith("medecine generale"):
                continue  # a GP's specialty in a signature, not a hospital unit
            out.append((m.start("svc"), m.end("svc"), "SERVICE", 0.55))
        out += [(m.start(), m.end(), "SERVICE", 0.6) for m in _UNIT_NAMED.finditer(text)]
    out += [
        (m.start(), m.end(), "SERVICE", 0.55)
        for m in _UNIT_RE.finditer(text)
        if m.group() not in ("ED", "SSR") or _short_ok(text, m.start(), m.group())
    ]
    return out


def _short_ok(text: str, start: int, word: str) -> bool:
    """A short or general specialty word counts as a unit only after a locating word or in a header line."""
    before = text[max(0, start - 25) : start]
    if re.search(
        r"(?i)(?:\ben|\bau|\baux|\bdu|\bde\s+la|\bservice(?:\s+de)?|\bunité|\bavis|\bpassage|\btransfert|\bto|\bin|\bon\s+the)\s*(?:l['’])?$",
        before,
    ):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip(" \t-–•*>") or text[start - 2 : start] in (", ", "– ", "- ")


# ---------------------------------------------------------------------------------------- rooms, floors
_ROOM_MORE = re.compile(
    r"(?<![\w])(?:chambres?|chbre|chb|ch|lits?|box|bureau|salle|bed|room|ward|bay|cubicle|unit)"
    r"\.?[ \t]*(?:n°|no\.?|#|:)?[ \t]*\d{1,4}(?:[ \t]?[A-Z])?(?![\w])"
    r"(?:[ \t]*(?:[,-–/][ \t]*)?(?:lit|bed)[ \t]*(?:\d{1,2}|[A-D](?![\w])|porte|fenêtre|fenetre|window|door))?"
    r"|(?<![\w])(?:\d{1,2}(?:e|è|ème|eme|er|re|st|nd|rd|th)[ \t]+(?:étage|etage|floor))(?:[ \t,]+(?:aile|secteur|wing)[ \t]+[\w-]+)?"
    r"|(?<![\w])(?:aile|secteur|bâtiment|bât\.|bat\.|pavillon|wing|building)[ \t]+(?:[A-Z]\d?|\d{1,3})(?![\w])"
    r"|(?<![\w])(?:Lit|LIT|Ch\.?|CH)[ \t]*:?[ \t]*\d{1,4}[A-Z]?(?![\w])",
    re.I,
)
_ROOM_WORDS = frozenset(
    {
        "chambre",
        "chambres",
        "chbre",
        "chb",
        "ch",
        "lit",
        "lits",
        "box",
        "bureau",
        "salle",
        "porte",
        "bed",
        "room",
        "ward",
        "bay",
        "cubicle",
        "unit",
        "etage",
        "floor",
        "aile",
        "secteur",
        "batiment",
        "bat",
        "pavillon",
        "wing",
        "building",
    }
)


def rooms(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text) and "aile" not in text.lower():
        return []
    if not _folded_words(text) & _ROOM_WORDS:
        return []
    out: list[Hit] = []
    for m in _ROOM_MORE.finditer(text):
        frag = m.group()
        low = frag.lower()
        if (
            low.startswith(("salle", "porte", "bureau", "unit"))
            and re.search(r"(?i)\b(?:salle|porte|bureau)\s+\d{3,}", frag) is None
            and not re.search(r"\d", frag)
        ):
            continue
        if (
            low.startswith("ch")
            and not low.startswith(("chambre", "chbre", "chb"))
            and re.match(r"(?i)ch\.?\s*\d{1,4}", frag) is None
        ):
            continue
        out.append((m.start(), m.end(), "WARD_ROOM", 0.75))
    return out


# --------------------------------------------------------------------------------- numbers with a label
# An identifier-shaped token: digits, letters and dashes/slashes, with at least four digits.
_ID_TOKEN = r"(?=[\w/-]*\d[\w/-]*\d[\w/-]*\d[\w/-]*\d)[A-Z0-9][A-Z0-9]*(?:[-/.][A-Z0-9]+)*"
_OTHER_KW = (
    r"n°\s*(?:d['’]\s*)?(?:échantillon|echantillon|tube|examen|ordonnance|prescription|prélèvement|prelevement|ALD|adhérent|"
    r"adherent|assuré|assure|contrat|mutuelle|AMC|AMO|lot|anapath|bon|commande|demande|dossier|compte|carte|facture|accession)|"
    r"(?:échantillon|echantillon|code[- ]barres?|tube|accession|specimen(?:\s+ID)?|sample(?:\s+(?:ID|no\.?|number))?|"
    r"lab\s+(?:no\.?|number|ID)|Rx|prescription(?:\s+(?:no\.?|number|ID))?|ordonnance|insurance(?:\s+(?:ID|no\.?|number))?|"
    r"member\s+ID|policy(?:\s+(?:no\.?|number))?|NPI|DEA|licen[cs]e|NHS\s+(?:No\.?|number)|Medicare|Medicaid|"
    r"examen|anapath|ALD|AMC|AMO|mutuelle|adhérent|adherent|CPAM|MSA|RPPS|ADELI|FINESS|SIRET|lot)"
)
_OTHER_AFTER_KW = re.compile(
    rf"(?<![\w])(?i:{_OTHER_KW})[ \t]*(?:n°|no\.?|num(?:éro)?\.?|#|:|ID)?[ \t]*(?:n°|:|#)?[ \t]*"
    rf"(?P<id>(?i:{_ID_TOKEN})(?:[ \t]\d{{2,4}}){{0,4}})(?![\w])"
)
# "n° 456123", "N° : A-778812", "#6671203", "No. 88231": a number of five digits or more after a number sign.
_NUMBER_SIGN = re.compile(rf"(?<![\w])(?:n°|N°|No\.|NO\.|#)[ \t]*:?[ \t]*(?P<id>(?i:{_ID_TOKEN}))(?![\w])")
# Bare identifier-shaped tokens mixing letters and digits ("H24-018832", "24B0451123", "RX2406-55123").
_MIXED_ID = re.compile(
    r"(?<![\w/.-])(?=[A-Z0-9-]*[A-Z])(?=(?:[A-Z-]*\d){5})[A-Z0-9]{1,6}(?:-?[A-Z0-9]{2,12}){1,3}(?![\w/-])"
)
_STAY_MORE = re.compile(
    r"(?<![\w])(?i:s[ée]jour|venue|passage|hospitalisation|admission|visit|encounter|episode|épisode)[ \t]*(?:n°|no\.?|#|:)?[ \t]*"
    r"(?P<id>(?i:[A-Z]{0,3}[-]?\d{2,4}[-/]?\d{3,10}))(?![\w])"
)
_DATE_LIKE = re.compile(r"^(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}[-/.]\d{4}|\d{4}[-/.]\d{1,2})$")


def numbers(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _STAY_MORE.finditer(text):
        if not _DATE_LIKE.match(m.group("id")) and sum(c.isdigit() for c in m.group("id")) >= 6:
            out.append((m.start("id"), m.end("id"), "STAY_NUMBER", 0.8))
    for rx, score in ((_OTHER_AFTER_KW, 0.8), (_NUMBER_SIGN, 0.7)):
        for m in rx.finditer(text):
            tok = m.group("id").rstrip(".-/")
            if _DATE_LIKE.match(tok) or sum(c.isdigit() for c in tok) < 5:
                continue
            out.append((m.start("id"), m.start("id") + len(tok), "OTHER_ID", score))
    for m in _MIXED_ID.finditer(text):
        tok = m.group()
        if _DATE_LIKE.match(tok) or re.fullmatch(r"[A-Z]+-?\d{1,4}", tok):
            continue
        out.append((m.start(), m.end(), "OTHER_ID", 0.6))
    return out


# --------------------------------------------------------------------------------------- rare diseases
# Named rare diseases (Orphanet names as clinicians write them), beyond the lexicon's list.
_RARE_NAMES_FR = (
    "amylose AL|amylose|sclérodermie systémique|sclérodermie|myasthénie|myasthenie|maladie de Takayasu|artérite de Takayasu|"
    "syndrome de Lynch|syndrome de Brugada|maladie de Horton|artérite de Horton|artérite temporale|syndrome de Li-Fraumeni|"
    "syndrome des antiphospholipides(?: catastrophique)?|SAPL catastrophique|neuropathie optique héréditaire de Leber|"
    "aplasie médullaire|purpura thrombopénique immunologique|purpura thrombopénique idiopathique|hémoglobinurie paroxystique nocturne|purpura thrombotique thrombocytopénique|"
    "syndrome hémolytique et urémique|microangiopathie thrombotique|histiocytose|sarcoïdose cardiaque|"
    "maladie de Castleman|maladie d'Erdheim-Chester|maladie de Still|lupus systémique pédiatrique|"
    "vascularite à ANCA|granulomatose avec polyangéite|maladie de Wegener|polyangéite microscopique|"
    "maladie de Berger|néphropathie à IgA|syndrome d'Alport|polykystose rénale|cystinose|cystinurie|"
    "maladie de Cacchi-Ricci|syndrome de Bartter|syndrome de Gitelman|syndrome néphrotique congénital|"
    "hyperoxalurie primitive|maladie de Dent|syndrome de Smith-Magenis|syndrome de Cornelia de Lange|"
    "syndrome de Sotos|syndrome de Kabuki|syndrome de Pierre Robin|syndrome de Beckwith-Wiedemann|"
    "syndrome de Silver-Russell|syndrome d'Usher|syndrome de Bardet-Biedl|syndrome d'Alström|"
    "syndrome de Wolf-Hirschhorn|syndrome du cri du chat|trisomie 13|trisomie 18|syndrome de Patau|syndrome d'Edwards|"
    "syndrome de Rubinstein-Taybi|syndrome de Joubert|syndrome de Zellweger|syndrome de Menkes|"
    "syndrome de Crigler-Najjar|maladie de Byler|syndrome d'Alagille|cholangite sclérosante primitive|"
    "cholangite biliaire primitive|hépatite auto-immune|maladie de Caroli|maladie de Budd-Chiari|syndrome de Budd-Chiari|"
    "mucopolysaccharidose|maladie de Hunter|maladie de Hurler|maladie de Sanfilippo|maladie de Morquio|"
    "glycogénose|maladie de McArdle|maladie de Krabbe|maladie de Canavan|maladie d'Alexander|"
    "maladie de Pelizaeus-Merzbacher|adrénomyéloneuropathie|leucoencéphalopathie|leucodystrophie métachromatique|"
    "CADASIL|MELAS|MERRF|syndrome de Leigh|syndrome de Kearns-Sayre|mitochondriopathie|cytopathie mitochondriale|"
    "myopathie de Becker|dystrophie myotonique|maladie de Steinert|myopathie de Steinert|dystrophie facio-scapulo-humérale|"
    "myopathie|myosite à inclusions|dermatomyosite|polymyosite|maladie de Charcot-Marie-Tooth|Charcot-Marie-Tooth|"
    "ataxie télangiectasie|ataxie spinocérébelleuse|ataxie|paraplégie spastique héréditaire|chorée de Huntington|"
    "syndrome de Gilles de la Tourette|narcolepsie|narcolepsie-cataplexie|syndrome de Kleine-Levin|"
    "paralysie supranucléaire progressive|atrophie multisystématisée|démence fronto-temporale|"
    "sclérose latérale primitive|syndrome de Lambert-Eaton|syndrome de Stiff-Person|neuromyélite optique|"
    "maladie de Devic|encéphalite de Rasmussen|syndrome de Lennox-Gastaut|sclérose tubéreuse|"
    "maladie de von Hippel-Lindau|von Hippel-Lindau|maladie de Von Willebrand sévère|maladie de Willebrand|"
    "maladie de Rendu-Osler|Rendu-Osler|télangiectasie hémorragique héréditaire|maladie de Glanzmann|"
    "thrombasthénie de Glanzmann|hémophilie A|hémophilie B|déficit en facteur [VIX]+|thalassémie|bêta-thalassémie|"
    "anémie de Blackfan-Diamond|anémie de Diamond-Blackfan|sphérocytose héréditaire|maladie de Minkowski-Chauffard|"
    "mastocytose|maladie de Vaquez|polyglobulie de Vaquez|thrombocytémie essentielle|myélofibrose|"
    "macroglobulinémie de Waldenström|maladie de Waldenström|leucémie lymphoïde chronique|leucémie aiguë|"
    "lymphome de Hodgkin|maladie de Hodgkin|lymphome de Burkitt|myélome multiple|maladie de Kahler|"
    "mésothéliome(?: pleural| péritonéal)?|rétinoblastome|neuroblastome|néphroblastome|tumeur de Wilms|médulloblastome|"
    "hépatoblastome|ostéosarcome|sarcome d'Ewing|rhabdomyosarcome|liposarcome|léiomyosarcome|chondrosarcome|sarcome|"
    "glioblastome|gliome du tronc|épendymome|craniopharyngiome|phéochromocytome|paragangliome|corticosurrénalome|"
    "carcinome médullaire de la thyroïde|tumeur neuroendocrine|cholangiocarcinome|GIST|"
    "néoplasie endocrinienne multiple|NEM ?[12]|maladie d'Addison|insuffisance surrénale congénitale|"
    "hyperplasie congénitale des surrénales|syndrome de Conn|acromégalie|maladie de Cushing|syndrome de Kallmann|"
    "diabète insipide|diabète néonatal|MODY|hypophosphatasie|rachitisme vitaminorésistant|"
    "ostéopétrose|achondroplasie|dysplasie fibreuse|maladie de Paget juvénile|fibrodysplasie ossifiante progressive|"
    "syndrome de Marfan|syndrome de Loeys-Dietz|syndrome d'Ehlers-Danlos(?: vasculaire)?|pseudoxanthome élastique|"
    "cardiomyopathie hypertrophique|cardiomyopathie arythmogène|dysplasie arythmogène du ventricule droit|"
    "syndrome du QT long|QT long congénital|tachycardie ventriculaire catécholergique|non-compaction du ventricule gauche|"
    "tétralogie de Fallot|transposition des gros vaisseaux|ventricule unique|syndrome d'Eisenmenger|"
    "hypertension artérielle pulmonaire|HTAP|maladie veino-occlusive pulmonaire|fibrose pulmonaire idiopathique|"
    "lymphangioléiomyomatose|protéinose alvéolaire|dyskinésie ciliaire primitive|déficit en alpha-1-antitrypsine|"
    "maladie de Kawasaki|maladie périodique|fièvre méditerranéenne familiale|syndrome de Muckle-Wells|CAPS|TRAPS|"
    "déficit immunitaire commun variable|DICV|agammaglobulinémie|granulomatose septique chronique|"
    "syndrome de Wiskott-Aldrich|syndrome de Di George|syndrome de DiGeorge|délétion 22q11|syndrome de Job|"
    "épidermolyse bulleuse(?: dystrophique| jonctionnelle)?|pemphigus|pemphigoïde bulleuse|ichtyose(?: lamellaire)?|"
    "xeroderma pigmentosum|albinisme|maladie de Darier|maladie de Hailey-Hailey|sclérose systémique|"
    "maladie de Fabry|maladie de Gaucher|maladie de Pompe|maladie de Niemann-Pick|maladie de Wilson|"
    "hémochromatose juvénile|porphyrie(?: aiguë intermittente| érythropoïétique)?|maladie de Gilbert sévère|"
    "syndrome de Rett|syndrome d'Angelman|syndrome de Prader-Willi|syndrome de l'X fragile|X fragile|"
    "syndrome de Williams(?:-Beuren)?|syndrome de Noonan|syndrome de Turner|syndrome de Klinefelter|"
    "neurofibromatose(?: de type [12])?|NF1|NF2|amyotrophie spinale(?: infantile)?(?: de type [1-4I]+)?|"
    "sclérose latérale amyotrophique|SLA|maladie de Charcot|myopathie de Duchenne|maladie de Huntington|"
    "ataxie de Friedreich|syndrome de Dravet|syndrome de West|maladie de Batten|céroïde-lipofuscinose|"
    "syndrome de Guillain-Barré|maladie de Creutzfeldt-Jakob|maladie de Behçet|maladie de Hirschsprung|"
    "atrésie de l'œsophage|atrésie des voies biliaires|hernie diaphragmatique congénitale|laparoschisis|gastroschisis|omphalocèle|"
    "spina bifida|myéloméningocèle|syndrome de Moebius|syndrome CHARGE|syndrome de Goldenhar|fente labio-palatine|"
    "mucoviscidose|drépanocytose|phénylcétonurie|progéria|ostéogenèse imparfaite|maladie des os de verre|"
    "maladie de Lyme chronique|anémie de Fanconi|syndrome de Wolfram|maladie de Kennedy|amylose à transthyrétine|"
    "amylose héréditaire|maladie de Crohn pédiatrique|syndrome de Sjögren juvénile|syndrome de Sjögren|"
    "lupus érythémateux systémique|maladie de Horton|syndrome de Susac|syndrome de Cogan|polychondrite atrophiante|"
    "syndrome de Churg-Strauss|granulomatose éosinophilique|maladie de Buerger|maladie de Moyamoya|moyamoya|"
    "syndrome de Klippel-Trenaunay|syndrome de Sturge-Weber|syndrome de Parkes Weber|syndrome de Protée|"
    "syndrome d'Ondine|syndrome de Rapunzel|syndrome de Münchhausen|maladie de Ménétrier"
)
_RARE_NAMES_EN = (
    "AL amyloidosis|amyloidosis|systemic sclerosis|scleroderma|myasthenia gravis|Takayasu arteritis|Lynch syndrome|"
    "Brugada syndrome|giant cell arteritis|Li-Fraumeni syndrome|antiphospholipid syndrome|aplastic anaemia|aplastic anemia|"
    "paroxysmal nocturnal haemoglobinuria|thrombotic thrombocytopenic purpura|haemolytic uraemic syndrome|"
    "hemolytic uremic syndrome|Castleman disease|Alport syndrome|polycystic kidney disease|cystinosis|"
    "Smith-Magenis syndrome|Cornelia de Lange syndrome|Beckwith-Wiedemann syndrome|Usher syndrome|Bardet-Biedl syndrome|"
    "Alagille syndrome|primary sclerosing cholangitis|mucopolysaccharidosis|Hunter syndrome|Hurler syndrome|"
    "glycogen storage disease|Krabbe disease|mitochondrial disease|myotonic dystrophy|Becker muscular dystrophy|"
    "Charcot-Marie-Tooth(?: disease)?|ataxia telangiectasia|Tourette syndrome|narcolepsy|progressive supranuclear palsy|"
    "multiple system atrophy|neuromyelitis optica|Lennox-Gastaut syndrome|von Hippel-Lindau(?: disease)?|"
    "von Willebrand disease|hereditary haemorrhagic telangiectasia|hereditary hemorrhagic telangiectasia|"
    "thalassaemia|thalassemia|Diamond-Blackfan anaemia|hereditary spherocytosis|mastocytosis|polycythaemia vera|"
    "polycythemia vera|myelofibrosis|Waldenström macroglobulinaemia|Hodgkin lymphoma|Burkitt lymphoma|multiple myeloma|"
    "mesothelioma|retinoblastoma|neuroblastoma|nephroblastoma|Wilms tumou?r|medulloblastoma|osteosarcoma|"
    "Ewing sarcoma|rhabdomyosarcoma|sarcoma|glioblastoma|DIPG|phaeochromocytoma|pheochromocytoma|cholangiocarcinoma|"
    "Addison's disease|Addison disease|congenital adrenal hyperplasia|Kallmann syndrome|achondroplasia|"
    "Loeys-Dietz syndrome|hypertrophic cardiomyopathy|arrhythmogenic cardiomyopathy|long QT syndrome|"
    "tetralogy of Fallot|pulmonary arterial hypertension|PAH|idiopathic pulmonary fibrosis|"
    "lymphangioleiomyomatosis|primary ciliary dyskinesia|alpha-1 antitrypsin deficiency|"
    "familial Mediterranean fever|common variable immunodeficiency|chronic granulomatous disease|"
    "Wiskott-Aldrich syndrome|22q11 deletion|pemphigus|ichthyosis|xeroderma pigmentosum|albinism|porphyria|"
    "motor neurone disease|motor neuron disease|MND|Batten disease|spina bifida|Sturge-Weber syndrome|moyamoya disease"
)
_RARE_RE = re.compile(rf"(?<![\w-])(?:{_RARE_NAMES_FR}|{_RARE_NAMES_EN})(?![\w-])", re.I)
_RARE_ACRONYMS = frozenset(
    {
        "SLA",
        "HTAP",
        "CADASIL",
        "MELAS",
        "MERRF",
        "NF1",
        "NF2",
        "HPN",
        "PTT",
        "SHU",
        "DICV",
        "GIST",
        "MND",
        "PAH",
        "DIPG",
        "CAPS",
        "TRAPS",
        "MODY",
        "NEM",
    }
)
# Eponymous syndromes and diseases not in the lists ("syndrome de Xyz-Abc"), except the common ones.
_EPONYM_DISEASE = re.compile(
    rf"(?<![\w])(?:syndrome|maladie|myopathie|dystrophie|ataxie|anémie|amylose|chorée|neuropathie|encéphalopathie|"
    rf"leucodystrophie|glycogénose|artérite|angiœdème|angioedème)\s+(?:de\s+|d['’])(?:[{UPPER}][\w'’]+(?:-[{UPPER}][\w'’]+)*)"
    rf"|(?<![\w])[{UPPER}][a-z]+(?:-[{UPPER}][a-z]+)*(?:'s)?\s+(?:syndrome|disease)(?![\w])"
)
_COMMON_EPONYMS = frozenset(
    fold(w)
    for w in [
        "Parkinson",
        "Alzheimer",
        "Basedow",
        "Hashimoto",
        "Raynaud",
        "Gilbert",
        "Dupuytren",
        "Osgood",
        "Ménière",
        "Crohn",
        "Lyme",
        "Paget",
        "Quervain",
        "Tietze",
        "Verneuil",
        "Biermer",
        "Bouveret",
        "Scheuermann",
        "Sever",
        "Barlow",
        "Bowen",
        "Down",
        "Korsakoff",
        "Wernicke",
        "Graves",
        "Bell",
        "Reiter",
        "Kaposi",
        "Mallory",
        "Mondor",
        "Morton",
        "Baker",
        "Horner",
        "Pott",
        "Osler",
        "Lhermitte",
        "Ogilvie",
        "Münchhausen",
        "Munchhausen",
        "Asperger",
        "Stockholm",
        "Peter",
        "Diogène",
        "Takotsubo",
        "Bourneville",
        "Schmorl",
        "Leriche",
        "Buerger",
        "Tako",
        "Minkowski",
        "Lobstein",
        "Hirschsprung",
        "Scheie",
        "Cushing",
        "Horton",
        "Addison",
        "Prinzmetal",
        "Buruli",
        "Guillain",
        "Barré",
        "Willebrand",
    ]
)


def _anchor(name: str) -> str:
    """The longest folded word of a disease name (its optional parts removed): a cheap pre-check."""
    plain = re.sub(r"\(\?:[^)]*\)\??|\[[^\]]*\][+*?]?|\?", " ", name)
    words = re.findall(r"[^\W\d_]{3,}", fold(plain)) or [fold(plain).strip() or name]
    return max(words, key=len)


# One word per disease name (its longest) plus the eponym pattern's heads: the finder runs only when one is there.
_RARE_ANCHORS = frozenset(_anchor(n) for n in (_RARE_NAMES_FR + "|" + _RARE_NAMES_EN).split("|")) | {
    "syndrome",
    "maladie",
    "disease",
    "myopathie",
    "dystrophie",
    "ataxie",
    "anemie",
    "amylose",
    "choree",
    "neuropathie",
    "encephalopathie",
    "leucodystrophie",
    "glycogenose",
    "arterite",
    "angioedeme",
    "angiœdeme",
}


def rare_diseases(text: str) -> list[Hit]:
    acr = _RARE_ACRONYMS & _raw_words(text)
    out: list[Hit] = []
    if acr:
        for m in re.finditer(
            r"(?<![\w-])(?:" + "|".join(sorted(set(acr), key=len, reverse=True)) + r")(?![\w-])", text
        ):
            out.append((m.start(), m.end(), "RARE_DISEASE", 0.7))
    if _RARE_ANCHORS.isdisjoint(_folded_words(text)):
        return out
    out += [(m.start(), m.end(), "RARE_DISEASE", 0.85) for m in _RARE_RE.finditer(text)]
    for m in _EPONYM_DISEASE.finditer(text):
        name = re.sub(r"(?i)^(?:\w+\s+(?:de\s+|d['’]))|(?:'s)?\s+(?:syndrome|disease)$", "", m.group())
        if fold(name.split("-")[0]) in _COMMON_EPONYMS:
            continue
        out.append((m.start(), m.end(), "RARE_DISEASE", 0.7))
    return out


# ------------------------------------------------------------------------------------------------ ages
# Ages in record headers: "F 29a", "H, 45 ans", "Âge : 79", "[AGE] 63 ans" after a name in capitals.
_AGE_HEADER = re.compile(
    r"(?<![\w])(?:âge|age|Âge|AGE)\s*:\s*(?P<a>\d{1,3})(?:\s*(?:ans|a|years?|yrs?|y))?(?![\w])"
    r"|(?<![\w])(?:[FMH]|F\.|M\.|H\.)[ \t]*[,/]?[ \t]*(?P<b>\d{1,3}[ \t]?(?:ans|an|a|y|yo))(?![\w])"
    r"|(?<=[A-ZÀ-ÖØ-Þ][a-zà-ÿ])[ \t]+(?P<c>\d{1,3}[ \t]?(?:ans|a))(?![\w])"
    r"|(?<=[A-ZÀ-ÖØ-Þ]{3})[ \t]+(?P<d>\d{1,3}[ \t]?(?:ans|a))(?![\w])"
    r"|(?<=[,(])[ \t]*(?P<e>\d{1,2}[ \t]?(?:mois|semaines|months?|weeks?)(?:[ \t]+(?:et|and)[ \t]+\d{1,2}[ \t]?(?:jours|days))?)(?![\w])"
    r"|(?P<f>\d{1,2}[ \t]?ans[ \t]+(?:\d[ \t]?/[ \t]?2|et\s+demi|½))(?![\w])"
)


def ages(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    out: list[Hit] = []
    for m in _AGE_HEADER.finditer(text):
        for g in "abcdef":
            if m.group(g):
                n = int(re.match(r"\d+", m.group(g)).group())  # type: ignore[union-attr]
                if n <= 120:
                    out.append((m.start(g), m.end(g), "AGE", 0.7))
                break
    return out


# ----------------------------------------------------------------------------------------------- dates
# Day and month without a year after a day name or "le/du/au" ("mardi 12/11", "le 3/2").
_DATE_DM = re.compile(
    r"(?<![\w])(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun\.|mar\.|mer\.|jeu\.|ven\.|sam\.|dim\.)"
    r"[ \t]+(?:\d{1,2}[ \t]*/[ \t]*\d{1,2}|\d{1,2}|1er)(?:[ \t]+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
    r"octobre|novembre|décembre))?)(?![\w/])"
    r"|(?<=\bdu )\d{1,2}(?=[ \t]+au[ \t]+\d{1,2}[ \t/])"
    r"|(?<=\ble )\d{1,2}/\d{1,2}(?![\w/])|(?<=\bdu )\d{1,2}/\d{1,2}(?![\w/])|(?<=\bau )\d{1,2}/\d{1,2}(?![\w/])",
    re.I,
)


# English street types the main address pattern lacks ("14 Elm Grove", "3 Church Mews").
_EN_STREET = re.compile(
    r"(?<![\w])\d{1,5}[A-Z]?[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?[ \t]+"
    r"(?:Grove|Park|Hill|Row|Mews|Court|Rise|View|Walk|Parade|Green|Boulevard|Blvd|Highway|Hwy|Place|Pl)\.?(?![\w])"
)


def addresses(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    return [(m.start(), m.end(), "ADDRESS", 0.75) for m in _EN_STREET.finditer(text)]


# English name announcements: "My name is Siiri", "last name? Magnusson", "a boy named Leif Olsen".
_NAME_EN = re.compile(
    rf"(?i:\bmy\s+name\s+is|\bname\s+is|\bnamed|\bcalled|\bknown\s+as|\blast\s+name\??|\bsurname\s*:?|"
    rf"\bfirst\s+name\s*:?|\bpatient\s+name\s*:?|\bje\s+m['’]appelle|\bs['’]appelle|\bappelée?)[ \t]+"
    rf"(?P<n>[{UPPER}][\w'’-]+(?:[ \t]+[{UPPER}]\.?)?(?:[ \t]+[{UPPER}][\w'’-]+)?)"
)
_NAME_EN_WORDS = frozenset({"name", "named", "called", "known", "surname", "appelle", "appele", "appelee"})


def names(text: str) -> list[Hit]:
    if not _folded_words(text) & _NAME_EN_WORDS:
        return []
    return [(m.start("n"), m.end("n"), "PERSON", 0.7) for m in _NAME_EN.finditer(text)]


def dates(text: str) -> list[Hit]:
    if not _HAS_DIGIT.search(text):
        return []
    return [(m.start(), m.end(), "DATE", 0.7) for m in _DATE_DM.finditer(text)]


FINDERS_MORE = {
    "service_more": services,
    "room_more": rooms,
    "number_more": numbers,
    "rare_more": rare_diseases,
    "age_more": ages,
    "date_more": dates,
    "address_more": addresses,
    "name_more": names,
}
