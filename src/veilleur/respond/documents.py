"""Documents drafted from a case: Jinja2 templates (data) rendered to Markdown, plain text or PDF
(fpdf2 + DejaVu fonts). Every mandatory field is checked before rendering; drafts to be reviewed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from veilleur.errors import InputError, VeilleurError
from veilleur.law.calendar import format_date_fr, format_datetime_fr
from veilleur.law.calendar import paris_date as paris_date_of
from veilleur.law.catalogue import LABEL_FR, load_catalogue
from veilleur.law.deadlines import case_deadlines
from veilleur.law.qualify import Qualification, qualify
from veilleur.records import Message
from veilleur.respond.casefile import CaseFile
from veilleur.respond.settings import DocumentsSettings
from veilleur.taxonomy import is_secrecy, label

FONT_DIR = DocumentsSettings().font_dir  # [respond] font_dir; the composition root calls ``use_settings``
FORMATS = ("pdf", "md", "txt")
MAX_QUOTE = 2000  # longer messages end with « […] » (documented in docs/respond.md)
DEFAULTS = {
    "prior_contact": "aucun contact préalable avec l'auteur à ce jour",
    "harm": (
        "Ces faits portent atteinte à mon honneur, à ma considération et à ma sérénité dans l'exercice de ma "
        "profession. Le préjudice sera précisé et chiffré ultérieurement ; un certificat médical pourra être produit."
    ),
    "witnesses": "Néant à ce jour.",
    "deadline_days": "8",
    # Optional fields: empty unless given (templates test them).
    "elected_domicile": "",
    "controller_siren": "",
    "doctor_rpps": "",
    "author_address": "",
    "target": "",
    "context": "",
    "civil_status": "",
}
PHAROS_CATEGORIES = {
    "threat": "Menaces ou incitation à la violence",
    "raid": "Harcèlement, incitation à commettre des infractions",
    "discrimination": "Discrimination, incitation à la haine",
    "secrecy": "Atteinte à la vie privée, diffusion d'informations personnelles",
}

YES = ("1", "yes", "oui", "true")
# Who sends the document: the wording follows (CPP art. 2 and 40; RGPD art. 17 and 80).
ROLES = ("victim", "third_party", "moderator", "mandated")
REFUSED_ROLES: dict[tuple[str, str], str] = {
    (
        "droit_de_reponse",
        "third_party",
    ): "only the person named or designated may exercise the droit de réponse (or their mandated representative) / réservé à la personne visée",
    (
        "droit_de_reponse",
        "moderator",
    ): "only the person named or designated may exercise the droit de réponse (or their mandated representative) / réservé à la personne visée",
    (
        "mise_en_demeure",
        "third_party",
    ): "a third party has no standing to serve a formal notice; report the content (dsa_notice) or the facts (plainte_procureur as a signalement) / pas de mise en demeure par un tiers",
    (
        "demande_effacement",
        "third_party",
    ): "an erasure request (RGPD art. 17) is made by the data subject or under their signed mandate (reporter_role=mandated) / réservé à la personne concernée",
    (
        "demande_effacement",
        "moderator",
    ): "an erasure request (RGPD art. 17) is made by the data subject or under their signed mandate (reporter_role=mandated); moderators remove the post and inform the establishment's DPO / réservé à la personne concernée",
}
REPORT_OBJECTS = {
    "plainte_procureur": "Signalement de faits susceptibles de constituer des infractions (article 40 du code de procédure pénale)",
    "cnil_complaint": "Signalement de la diffusion de données de santé de tiers",
}
ORDRE_OBJECTS = {
    "discipline": "Manquements déontologiques d'un médecin",
    "interne": "Manquements d'un interne au secret professionnel",
    "support": "Demande de soutien de l'Ordre (loi n° 2025-623 du 9 juillet 2025)",
}
# The DejaVu font has no colour emoji: the PDF names the common ones (the md/txt output keeps them).
EMOJI_FR = {
    "😂": "visage riant aux larmes", "🤣": "mort de rire", "😉": "clin d'œil", "😘": "bisou", "😏": "sourire narquois",
    "🙄": "yeux au ciel", "😡": "visage en colère", "😭": "pleurs", "🤡": "clown", "🐀": "rat", "🤮": "vomissement",
    "💩": "caca", "🖕": "doigt d'honneur", "🔪": "couteau", "🔫": "pistolet", "💀": "tête de mort", "👍": "pouce levé",
    "❤": "cœur", "🙏": "mains jointes", "😱": "visage horrifié",
}  # fmt: skip
# Platform notices and reports need the exact location of each content (DSA art. 16(2)(b)).
URL_REQUIRED = frozenset({"dsa_notice", "pharos", "demande_effacement"})
URL_PLACEHOLDER = "**[URL À COMPLÉTER AVANT ENVOI]**"
ADDRESS_KINDS = ("home", "professional", "lawyer")
OWN_OPTS = (
    "court_city",
    "ordre_department",
    "establishment",
    "principal",
    "target",
    "elected_domicile",
    "respondent",
)
# The provider's legal entity for EU users (the controller a CNIL complaint is about).
CONTROLLERS: dict[str, dict[str, str]] = {
    "facebook": {
        "name": "Meta Platforms Ireland Limited",
        "address": "Merrion Road, Dublin 4, D04 X2K5, Irlande",
    },
    "instagram": {
        "name": "Meta Platforms Ireland Limited",
        "address": "Merrion Road, Dublin 4, D04 X2K5, Irlande",
    },
}
# Kinds of identifier, named without their value, for recipients who do not need the text.
IDENTIFIER_KINDS_FR: dict[str, str] = {
    "PERSON": "prénom et/ou nom",
    "INITIALS": "initiales",
    "NIR": "numéro de sécurité sociale",
    "IPP": "numéro de dossier",
    "PHONE": "numéro de téléphone",
    "EMAIL": "adresse électronique",
    "ADDRESS": "adresse",
    "AGE": "âge",
    "BIRTH_DATE": "date de naissance",
    "DATE": "date de prise en charge",
    "SMALL_TOWN": "commune de petite taille",
    "CITY": "ville",
    "PLACE": "lieu nommé",
    "HOSPITAL": "établissement de soins nommé",
    "SERVICE": "service hospitalier",
    "WARD_ROOM": "chambre, lit ou étage",
    "SCHOOL": "établissement scolaire",
    "RARE_DISEASE": "pathologie rare",
    "ROLE": "rôle social ou familial qui singularise la personne",
}
IDENTIFIER_ORDER = tuple(IDENTIFIER_KINDS_FR)
MEDIA_KINDS_FR: dict[str, str] = {
    "patient_photo": "photographie du patient",
    "minor_in_media": "image d'un mineur",
    "nudity": "image dénudée",
    "dicom_phi": "données identifiantes d'imagerie (DICOM)",
    "exif_location": "localisation GPS d'une image",
    "text_in_image": "texte identifiant dans une image",
}
# Identifiers whose value must never reappear in a document (generic ones such as an age or a big
# city are left to the paragraph analysis, which judges combinations).
LEAK_LABELS = frozenset({
    "PERSON", "INITIALS", "NIR", "IPP", "PHONE", "EMAIL", "ADDRESS", "BIRTH_DATE", "SMALL_TOWN", "PLACE",
    "HOSPITAL", "WARD_ROOM", "SCHOOL", "RARE_DISEASE", "ROLE",
})  # fmt: skip
_SEXUAL_HEALTH = re.compile(
    r"\b(enceinte|grossesse|IVG|avortement|interruption volontaire|contracepti\w*|pilule|IST|MST|VIH|"
    r"chlamydia|\d+\s*SA|pregnan\w*|abortion|STI|HIV)\b",
    re.IGNORECASE,
)


class DocumentError(VeilleurError):
    """A document cannot be drafted (missing mandatory field, unsuitable case, fonts missing)."""


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    kind: str
    title_fr: str
    title_en: str
    template: str
    object: str
    required: tuple[str, ...]
    requires_public: bool = False


@dataclass
class Parties:
    """Who sends the document, and the per-document options (``opts``: court_city, reply_text...)."""

    name: str = ""
    email: str = ""
    address: str = ""  # lines separated by newlines or " / "
    phone: str = ""
    capacity: str = ""
    city: str = ""  # "Fait à ..."
    opts: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False  # DSA 16(2)(c) exception only (child sexual abuse offences)

    @classmethod
    def from_settings(
        cls, settings: DocumentsSettings | None = None, overrides: dict[str, str] | None = None
    ) -> Parties:
        settings = settings or DocumentsSettings()
        opts = {k: str(v) for k, v in settings.options.items()}
        p = cls()
        for k in ("name", "email", "address", "phone", "capacity", "city"):
            if getattr(settings.sender, k):
                setattr(p, k, str(getattr(settings.sender, k)))
        p.opts.update(opts)
        for k, v in (overrides or {}).items():
            if k in ("name", "email", "address", "phone", "capacity", "city"):
                setattr(p, k, v)
            else:
                p.opts[k] = v
        return p


@lru_cache(maxsize=2)
def load_specs() -> dict[str, DocumentSpec]:
    text = resources.files("veilleur.respond").joinpath("documents.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {
        kind: DocumentSpec(
            kind=kind,
            title_fr=d["title"]["fr"],
            title_en=d["title"]["en"],
            template=d["template"],
            object=d["object"],
            required=tuple(d.get("required") or ()),
            requires_public=bool(d.get("requires_public", False)),
        )
        for kind, d in data["documents"].items()
    }


def kinds() -> list[str]:
    return list(load_specs())


def _flat(text: str, limit: int = MAX_QUOTE) -> str:
    t = " ".join(text.split())
    return t if len(t) <= limit else t[:limit].rsplit(" ", 1)[0] + " […]"


def _lookup(ctx: dict[str, Any], dotted: str) -> Any:
    node: Any = ctx
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


_VOWELS = "aeiouyhàâäéèêëîïôöùûüœAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ"


def elide(word: str, prep: str = "de") -> str:
    """'de Aurillac' -> "d'Aurillac", 'de Olivier' -> "d'Olivier" (French elision before a vowel or h)."""
    word = word.strip()
    if word[:1] and word[0] in _VOWELS and prep in ("de", "le", "la", "que"):
        return f"{prep[0]}'{word}"
    return f"{prep} {word}"


def _is_secret_message(m: Message, cf: CaseFile) -> bool:
    """A message that discloses a patient: never quoted in our outputs (fail closed: every message of a
    secrecy case, and any message carrying a secrecy finding)."""
    if cf.case.kind == "secrecy":
        return True
    return any(is_secrecy(f.category) for f in cf.findings if f.message_uid == m.uid)


def _identifier_kinds(m: Message, cf: CaseFile, analysis: Any) -> tuple[list[str], bool]:
    """The kinds of identifier a message published (never their values), and whether a minor's
    sexual or reproductive health is involved."""
    labels: set[str] = set()
    minor = False
    if analysis is not None:
        labels |= {s.label for s in analysis.spans}
        labels |= set(analysis.quasi_identifiers)
        minor = bool(analysis.minor)
    for f in cf.findings:
        if f.message_uid != m.uid:
            continue
        labels |= {sp.label for sp in f.spans}
        labels |= {str(x) for x in (f.details or {}).get("quasi_identifiers", ())}
        minor = minor or bool((f.details or {}).get("minor"))
        if f.category in MEDIA_KINDS_FR:
            labels.add(f.category)
    minor = minor or (cf.case.context.minor_involved and cf.case.kind == "secrecy")
    kinds = [IDENTIFIER_KINDS_FR[lab] for lab in IDENTIFIER_ORDER if lab in labels]
    kinds += [MEDIA_KINDS_FR[c] for c in MEDIA_KINDS_FR if c in labels]
    if minor:
        kinds.append("patient mineur")
    sexual = minor and bool(_SEXUAL_HEALTH.search(m.text))
    if sexual:
        kinds.append("information relative à la santé sexuelle ou reproductive d'une mineure")
    if not kinds:
        kinds.append("informations de santé sur un patient")
    return list(dict.fromkeys(kinds)), sexual


def _secrecy_analyses(messages: Sequence[Message], authors: Sequence[str]) -> list[Any]:
    from veilleur.detect.secrecy import analyze_texts  # lazy: loads the secrecy models

    return analyze_texts([m.text for m in messages], members=authors) if messages else []


def patient_identifiers(
    cf: CaseFile, secret: Sequence[Message], analyses: Sequence[Any]
) -> list[tuple[str, str]]:
    """(text, label) of every identifier of the case's patients, from the secrecy analysis and findings."""
    out: set[tuple[str, str]] = set()
    uids = {m.uid for m in secret}
    for a in analyses:
        out |= {(s.text, s.label) for s in a.spans if s.label in LEAK_LABELS}
    for f in cf.findings:
        if f.message_uid in uids:
            msg = next((m for m in secret if m.uid == f.message_uid), None)
            for sp in f.spans:
                if sp.label in LEAK_LABELS and msg is not None and 0 <= sp.start < sp.end <= len(msg.text):
                    out.add((msg.text[sp.start : sp.end], sp.label))
    return sorted((t.strip(), lab) for t, lab in out if len(t.strip()) >= 3)


# Identifiers that name a patient's record whatever the context, and direct identifiers that do in a care context.
_RECORD_LABELS = frozenset({"NIR", "IPP", "STAY_NUMBER"})
_DIRECT_IN_CARE = frozenset({"PERSON", "INITIALS", "PHONE", "EMAIL", "ADDRESS"})


def check_no_redisclosure(
    markup: str,
    cf: CaseFile,
    identifiers: Sequence[tuple[str, str]],
    members: Sequence[str],
    own_strings: Sequence[str] = (),
) -> None:
    """Refuses a document that still lets a patient of the case be recognised: any identifier of the
    case's patients, or any paragraph the secrecy analysis finds identifying."""
    from veilleur.detect.secrecy import analyze_texts
    from veilleur.detect.secrecy.analysis import FR_NAMES
    from veilleur.detect.secrecy.lexicon import fold
    from veilleur.detect.secrecy.recognizers import nir_candidates

    body = _body_lines(markup)
    folded = fold("\n".join(body))
    left = []
    for text, lab in identifiers:
        if re.search(rf"(?<!\w){re.escape(fold(text))}(?!\w)", folded):
            left.append(f"{FR_NAMES.get(lab, lab)} « {text} »")
    # Our own words (the parties, the authors, the group, the addresses) are not a patient's: neutralised
    # before the analysis, so that only what could identify a patient is judged.
    own = sorted({o for o in own_strings if o and len(o) >= 3}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(o) for o in own), re.IGNORECASE) if own else None
    paragraphs = [pattern.sub("X", ln) if pattern else ln for ln in body if ln.strip()]
    for para, a in zip(paragraphs, analyze_texts(paragraphs, members=members), strict=True):
        if a.identifying:
            left.append(f"combinaison identifiante ({a.explanation}) dans : {para[:80]}…")
        # Record numbers are a patient's whatever the context; a NIR counts with a wrong key too when a
        # keyword announces it (recall first, as in redaction).
        for sp in a.spans:
            if sp.label in _RECORD_LABELS or (a.health_context and sp.label in _DIRECT_IN_CARE):
                left.append(f"{FR_NAMES.get(sp.label, sp.label)} « {sp.text} »")
        for start, end, _chars, valid, keyword in nir_candidates(para):
            if valid or keyword:
                left.append(f"{FR_NAMES.get('NIR', 'NIR')} « {para[start:end]} »")
    if left:
        raise DocumentError(
            f"{cf.case.id}: the document would disclose a patient again / le document divulguerait de nouveau "
            "un patient ; reste : " + " ; ".join(dict.fromkeys(left))
        )


def _body_lines(markup: str) -> list[str]:
    """The lines outside the layout blocks (letterhead, recipient, date, signature)."""
    out, block = [], False
    for line in markup.splitlines():
        if line.startswith(":::"):
            block = bool(line[3:].strip())
            continue
        if not block:
            out.append(line)
    return out


def _pick_address(
    kind: str, parties: Parties, opts: dict[str, str], exposed: bool
) -> tuple[str, str, str, list[str]]:
    """(address printed, its kind, the "demeurant…" phrase, warnings). In a raid, threat or doxxing case
    the sender's home address must not reach the authors: professional or lawyer's address by default
    (loi n° 2025-623: a health professional may declare the professional address as domicile)."""
    warnings: list[str] = []
    if opts.get("lawyer_address"):
        addr, akind = opts["lawyer_address"], "lawyer"
    elif opts.get("professional_address"):
        addr, akind = opts["professional_address"], "professional"
    else:
        addr, akind = parties.address, opts.get("address_kind", "")
    if akind and akind not in ADDRESS_KINDS:
        raise InputError("--set address_kind", f"expected one of {', '.join(ADDRESS_KINDS)}")
    inline = ", ".join(x.strip() for x in re.split(r"\n| / ", addr) if x.strip())
    if exposed and addr and akind not in ("professional", "lawyer"):
        if akind != "home":
            raise DocumentError(
                f"{kind}: this case exposes you to its authors (raid, threat or doxxing): your home address must "
                "not be printed by default. Give --set professional_address=… or --set lawyer_address=… "
                "(élection de domicile, loi n° 2025-623), or confirm a home address with --set address_kind=home / "
                "ne pas imprimer l'adresse personnelle"
            )
        warnings.append(
            f"{kind}: your HOME address is printed in a document about a raid, threat or doxxing case; "
            "the authors or the defence may read it / adresse personnelle imprimée"
        )
    if akind == "lawyer":
        phrase = f"élisant domicile au cabinet de mon conseil, {inline}"
    elif akind == "professional":
        phrase = f"élisant domicile à mon adresse professionnelle, {inline}"
    else:
        phrase = f"demeurant {inline}"
    return addr, akind, phrase, warnings


def _offence_for_platform(c: Any) -> bool:
    return c.offence.kind in ("delit", "contravention")


def build_context(
    kind: str,
    cf: CaseFile,
    parties: Parties,
    q: Qualification | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything a template may use; raises DocumentError naming each missing mandatory field."""
    specs = load_specs()
    if kind not in specs:
        raise DocumentError(f"unknown document kind {kind!r}; kinds: {', '.join(specs)}")
    spec = specs[kind]
    now = now or datetime.now(UTC)
    case = cf.case
    size = case.context.community_size
    opts = {**DEFAULTS, **{k: v for k, v in parties.opts.items() if v}}
    # A large closed group may still be "public" (no communauté d'intérêts): allowed, and said so,
    # except for PHAROS, which only handles content visible to the public (explicit override only).
    doubtful = (
        not case.context.public and size is not None and size >= load_catalogue().doubtful_closed_group_size
    )
    override = opts.get("pharos_override", "").lower() in YES
    if spec.requires_public and not case.context.public and not (doubtful and (kind != "pharos" or override)):
        raise DocumentError(
            f"{kind}: this document only applies to public content / ce document ne vaut que pour un contenu public"
            + (
                " (PHAROS: --set pharos_override=oui to report a large closed group anyway)"
                if kind == "pharos" and doubtful
                else ""
            )
        )
    from veilleur.law.qualify import interruptions_from_events

    if q is None:
        added: list[str] = []
        for e in cf.events:
            if e.kind == "law.qualified":
                added = list(e.data.get("added", added))
        q = qualify(
            case,
            cf.messages,
            cf.findings,
            add=added,
            now=now,
            interruptions=interruptions_from_events(cf.events),
        )
    deadlines = case_deadlines(q)
    cats = {f.category for f in cf.findings}
    warnings: list[str] = []

    # -- who speaks: the reporter's role decides the wording (CPP art. 2, 40; RGPD art. 17, 80)
    role = opts.get("reporter_role") or (
        "third_party"
        if case.kind == "secrecy" or (case.context.target_is_patient and any(is_secrecy(c) for c in cats))
        else "victim"
    )
    if role not in ROLES:
        raise InputError("--set reporter_role", f"expected one of {', '.join(ROLES)}")
    if (kind, role) in REFUSED_ROLES:
        raise DocumentError(f"{kind}: {REFUSED_ROLES[(kind, role)]}")
    if role == "mandated" and not (opts.get("principal") and opts.get("mandate_date")):
        raise DocumentError(
            f"{kind}: acting for someone else needs their signed mandate: --set principal=… --set mandate_date=YYYY-MM-DD "
            "(for a minor, the holders of parental authority) / mandat signé requis"
        )
    if role == "moderator" and not opts.get("signatory"):
        raise DocumentError(
            f"{kind}: a moderation team signs through a named person: --set signatory='Prénom Nom' "
            "(R.4126-1: a complaint is signed by its author) / signataire requis"
        )
    if opts.get("mandate_date"):
        try:
            opts["mandate_date_fr"] = format_date_fr(date.fromisoformat(opts["mandate_date"]))
        except ValueError:
            raise InputError("--set mandate_date", "expected a date YYYY-MM-DD") from None

    # -- messages: per respondent where the letter goes to one person or one Ordre (A11, A12)
    msgs = cf.messages_sorted()
    all_authors = sorted({m.author.name for m in msgs})
    ordre_mode = opts.get("ordre_mode") or (
        "discipline"
        if any(c.offence.kind == "deontology" for c in q.candidates)
        else ("support" if case.context.target_is_health_professional else "")
    )
    per_respondent = kind == "mise_en_demeure" or (kind == "signalement_ordre" and ordre_mode == "discipline")
    respondent = opts.get("respondent", "")
    if per_respondent:
        if respondent and respondent not in all_authors:
            raise DocumentError(
                f"{kind}: respondent {respondent!r} is not an author of the case ({', '.join(all_authors)})"
            )
        if not respondent and len(all_authors) > 1:
            raise DocumentError(
                f"{kind}: one letter per author, with only their messages: --set respondent='NAME' "
                f"(authors: {', '.join(all_authors)}) / une lettre par auteur"
            )
        respondent = respondent or (all_authors[0] if all_authors else "")
        msgs = [m for m in msgs if m.author.name == respondent]
    by_msg: dict[str, list[str]] = {}
    for f in cf.findings:
        by_msg.setdefault(f.message_uid, []).append(label(f.category))
    secret = [m for m in msgs if _is_secret_message(m, cf)]
    analyses = _secrecy_analyses(secret, all_authors) if secret else []
    analysis_of = {m.uid: a for m, a in zip(secret, analyses, strict=True)}
    piece_of: dict[str, int] = {}
    pieces = []
    msg_uids = {m.uid for m in msgs}
    case_uids = {m.uid for m in cf.messages}
    for ev in cf.evidence:
        if ev.source in case_uids and ev.source not in msg_uids:
            continue  # another author's message: not in this letter (facts and pièces match)
        d = ev.to_dict()
        m = next((x for x in msgs if x.uid == ev.source), None)
        if m is not None:
            where = m.url or f"{m.source} / {m.community_name} / message n° {m.message_id}"
            d["description"] = (
                f"Message {elide(m.author.name)} du {format_datetime_fr(m.created_at)} ({where}), "
                + (
                    "capture scellée dans le coffre de preuves"
                    if ev.sealed
                    else "export JSON canonique, non encore scellé dans le coffre"
                )
            )
        else:  # never an excerpt of a message in a pièce's title
            d["description"] = re.sub(r"\s*:\s*«.*»\s*$", "", ev.description)
        pieces.append(d)
        if m is not None:
            piece_of[m.uid] = len(pieces)
    missing_url = [m.message_id for m in msgs if not m.url]
    placeholder = opts.get("missing_url", "") == "placeholder"
    if kind in URL_REQUIRED and missing_url and not placeholder:
        raise DocumentError(
            f"{kind}: the exact location (URL) of each content is required (DSA art. 16(2)(b)); no URL for "
            f"message(s) {', '.join(missing_url)}. Import the permalinks, or --set missing_url=placeholder to print "
            "a blocking « [URL À COMPLÉTER AVANT ENVOI] » / URL manquante"
        )
    if kind in URL_REQUIRED and missing_url:
        warnings.append(f"{kind}: URL to fill in before sending for message(s) {', '.join(missing_url)}")

    # -- per-message qualification (DSA art. 16(2)(a): a reason per item, one qualification)
    live = [c for c in q.candidates if _offence_for_platform(c)]

    def primary(m: Message) -> Any:
        mine = [c for c in live if m.uid in c.message_uids]
        specific = [c for c in mine if not c.offence.needs_repetition]
        if doubtful or case.context.public:
            specific = [c for c in specific if c.offence.publicity != "non_public"] or specific
        pick = specific or mine
        if not pick:  # part of a collective harassment without a finding of its own
            pick = [c for c in live if c.offence.needs_repetition and c.message_uids]
        return pick[0] if pick else None

    facts = []
    for m in msgs:
        is_secret = m.uid in analysis_of or _is_secret_message(m, cf)
        kinds_fr, sexual = _identifier_kinds(m, cf, analysis_of.get(m.uid)) if is_secret else ([], False)
        c = primary(m)
        location = m.url or (
            URL_PLACEHOLDER
            if kind in URL_REQUIRED
            else f"{m.source} / {m.community_name} / message n° {m.message_id} (sans URL)"
        )
        facts.append(
            {
                "uid": m.uid,
                "message_id": m.message_id,
                "datetime_fr": format_datetime_fr(m.created_at),
                "date_fr": format_date_fr(m.created_at),
                "author": m.author.name,
                "where": f"{m.source}, « {m.community_name} »",
                "location": location,
                "text": "" if is_secret else _flat(m.text),
                "secret": is_secret,
                "identifier_kinds": ", ".join(kinds_fr),
                "sexual_health_minor": sexual,
                "piece": piece_of.get(m.uid, 0),
                "piece_sealed": bool(piece_of.get(m.uid)) and bool(pieces[piece_of[m.uid] - 1]["sealed"]),
                "categories": ", ".join(sorted(set(by_msg.get(m.uid, [])))),
                "qualification": (
                    {
                        "name": c.offence.name_fr,
                        "reference": c.offence.legal_reference(include_prescription=False),
                    }
                    if c
                    else None
                ),
            }
        )
    if kind == "dsa_notice":
        facts = [f for f in facts if f["qualification"] or f["secret"]]

    def offence_view(c: Any, hedge: bool = True) -> dict[str, Any]:
        o = c.offence
        # Letters give facts in words, not detector scores.
        context = [
            r[0].lower() + r[1:] for r in c.reasons if "constat(s)" not in r and "manuellement" not in r
        ]
        found = sorted({label(f.category).lower() for f in cf.findings if f.id in c.finding_ids})
        reasons = "; ".join(context + ([f"éléments relevés : {', '.join(found)}"] if found else []))
        online = o.penalty_online[0] if o.penalty_online else ""
        return {
            "id": o.id,
            "name": o.name_fr + ("" if c.strength == "probable" or not hedge else " (à confirmer)"),
            "reference": o.legal_reference(include_prescription=False),
            "penalty_reference": o.penalty_reference(),
            "penalty": online or o.penalty_base[0],
            "strength": c.strength,
            "reasons": reasons or "qualification retenue après examen",
            "last_day_fr": format_date_fr(c.last_day) if c.last_day else "",
        }

    today = paris_date_of(now)
    # No document relies on a time-barred offence (the CNIL is not told of steps that cannot be taken).
    offences = [
        offence_view(c) for c in q.candidates
        if c.offence.kind in ("delit", "contravention") and (c.last_day is None or c.last_day >= today)
        and (not per_respondent or set(c.message_uids) & msg_uids or c.offence.needs_repetition)
    ]  # fmt: skip
    deontology = [offence_view(c) for c in q.candidates if c.offence.kind == "deontology"]
    press_all = [d for d in deadlines if d.kind == "prescription" and d.rule.startswith("Loi 1881")]
    press = [d for d in press_all if not d.expired(now)]
    press_expired = [d for d in press_all if d.expired(now)]
    reply = [d for d in deadlines if d.kind == "droit_de_reponse"]
    if reply and reply[0].expired(now) and kind == "droit_de_reponse":
        raise DocumentError(
            f"{kind}: the 3-month window closed on {format_date_fr(reply[0].last_day)} / délai de 3 mois expiré"
        )
    authors = sorted({m.author.name for m in msgs})
    if "threat" in cats:
        pharos_category = PHAROS_CATEGORIES["threat"]
    elif any(c.startswith("discrimination:") for c in cats):
        pharos_category = PHAROS_CATEGORIES["discrimination"]
    elif any(is_secrecy(c) for c in cats) or "doxxing" in cats:
        pharos_category = PHAROS_CATEGORIES["secrecy"]
    else:
        pharos_category = PHAROS_CATEGORIES["raid"]
    exposed = case.kind in ("raid", "harassment") or bool(cats & {"threat", "raid", "doxxing"})
    prints_address = kind not in ("pharos", "reponse_pacifique")
    address, address_kind, residence, addr_warnings = _pick_address(
        kind, parties, opts, exposed and prints_address
    )
    warnings += addr_warnings
    if exposed and address_kind in ("professional", "lawyer") and not opts.get("elected_domicile"):
        opts["elected_domicile"] = ", ".join(x.strip() for x in re.split(r"\n| / ", address) if x.strip())
    if kind == "mise_en_demeure" and ("raid" in cats or case.kind == "raid"):
        warnings.append(
            "mise_en_demeure: in a raid, a formal notice may escalate things (CNIL advice: do not answer, block "
            "and report); send it through a lawyer if at all / une mise en demeure peut relancer le raid"
        )
    address_lines = [x.strip() for x in re.split(r"\n| / ", address) if x.strip()]
    if opts.get("prior_request_date"):
        try:
            opts["prior_request_date_fr"] = format_date_fr(date.fromisoformat(opts["prior_request_date"]))
        except ValueError:
            raise InputError("--set prior_request_date", "expected a date YYYY-MM-DD") from None
    source = msgs[0].source if msgs else (cf.messages[0].source if cf.messages else "")
    platform = parties.opts.get("platform") or source.capitalize()
    controller = parties.opts.get("controller") or CONTROLLERS.get(source, {}).get("name", platform)
    controller_address = parties.opts.get("controller_address") or CONTROLLERS.get(source, {}).get(
        "address", ""
    )
    if case.context.public:
        access = "accès public"
    elif size is not None:
        access = f"groupe fermé de {size} membres, admission sur validation des administrateurs"
    else:
        access = "espace à accès restreint"
    # The earliest live press deadline, with its condition when the 3-month forms are already time-barred (A6).
    press_condition = ""
    if press and press_expired and min(press, key=lambda d: d.last_day).months == 12:
        press_condition = (
            "sous réserve du caractère public de la diffusion et du caractère discriminatoire des propos ; à défaut, "
            f"le délai de trois mois (art. 65) est expiré depuis le {format_date_fr(max(d.last_day for d in press_expired))}"
        )
    ctx: dict[str, Any] = {
        "doc": {
            "kind": kind,
            "title": spec.title_fr,
            "object": (
                ORDRE_OBJECTS[ordre_mode if opts.get("respondent_status") != "interne" else "interne"]
                if kind == "signalement_ordre" and ordre_mode
                else REPORT_OBJECTS.get(kind, spec.object)
                if role in ("third_party", "moderator")
                else spec.object
            ),
            "date_fr": format_date_fr(now),
            "place": parties.city or "Fait",
            "anonymous": parties.anonymous
            and bool(cats & {"minor_in_media"})
            and bool(cats & {"sexual", "nudity"}),
        },
        "sender": {
            "name": parties.name,
            "email": parties.email,
            "address": address,
            "address_lines": address_lines,
            "address_inline": ", ".join(address_lines),
            "address_kind": address_kind,
            "residence": residence,
            "phone": parties.phone,
            "capacity": parties.capacity,
            "signatory": opts.get("signatory") or parties.name,
        },
        "role": role,
        "case": {"id": case.id, "title": case.title, "kind": case.kind},
        "platform": platform,
        "controller": controller,
        "controller_address": controller_address,
        "community": msgs[0].community_name
        if msgs
        else (cf.messages[0].community_name if cf.messages else ""),
        "access": access,
        "target": opts.get("target", ""),
        "facts": facts,
        "has_secret_facts": any(f["secret"] for f in facts),
        "offences": offences,
        "deontology": deontology,
        # The Ordre hears a complaint against a doctor author, or supports a targeted doctor (loi 2025-623).
        "ordre_mode": ordre_mode,
        "respondent": respondent,
        "respondent_status": opts.get("respondent_status", "medecin"),
        "authors": ", ".join(authors),
        "plural": "s" if len(authors) > 1 else "",
        "authors_known": case.context.author_known and bool(authors),
        "evidence": pieces,
        "evidence_sealed": all(e["sealed"] for e in pieces),
        "first_publication_fr": format_datetime_fr(q.first_publication) if q.first_publication else "",
        "has_press": bool(press),
        "press_deadline_fr": format_date_fr(min(d.last_day for d in press)) if press else "",
        "press_condition": press_condition,
        "interrupted": any(d.start_basis.startswith("acte interruptif") for d in press),
        "reply_deadline_fr": format_date_fr(reply[0].last_day) if reply else "",
        "has_secrecy": any(is_secrecy(c) for c in cats) or case.kind == "secrecy",
        "has_threat": "threat" in cats,
        "minor": case.context.minor_involved,
        "pharos_category": pharos_category,
        "opts": opts,
        "label": LABEL_FR,
        "warnings": warnings,
        "public_reply": opts.get("public_reply") or DEFAULT_PUBLIC_REPLY,
        "sealed_for_recipient": kind in ("plainte_procureur", "signalement_ordre"),
        "_secret_messages": secret,
        "_analyses": analyses,
        "_members": all_authors,
        "_own": [
            parties.name,
            opts.get("signatory", ""),
            parties.email,
            parties.city,
            *address_lines,
            address,
            *re.split(r",\s*", address),
            *all_authors,
            platform,
            controller,
            controller_address,
            *(m.community_name for m in cf.messages),
            *(opts.get(k, "") for k in OWN_OPTS),
        ],
    }
    if ctx["doc"]["anonymous"]:
        required = tuple(r for r in spec.required if r not in ("sender.name", "sender.email"))
    else:
        required = spec.required
    if role not in ("victim", "mandated"):  # a report, not a claim on one's own data
        required = tuple(r for r in required if r != "opts.prior_request_date")
    missing = [r for r in required if _lookup(ctx, r) in (None, "", [], {})]
    if missing:
        hints = {
            "sender.name": "--set name=…", "sender.email": "--set email=…", "sender.address": "--set address=…",
            "opts.court_city": "--set court_city=…", "opts.ordre_department": "--set ordre_department=…",
            "opts.reply_text": "--set reply_text=…", "opts.prior_request_date": "--set prior_request_date=YYYY-MM-DD",
            "opts.establishment": "--set establishment=… (CHU of the interne)",
            "platform": "--set platform=…", "offences": "(no candidate offence / aucune infraction candidate)",
            "ordre_mode": "(author not a doctor and target not a health professional / ni auteur médecin ni soignant visé)", "facts": "(no message / aucun message)",
            "evidence": "(no evidence item / aucune pièce)", "authors": "(author unknown / auteur inconnu)",
        }  # fmt: skip
        raise DocumentError(
            f"{kind}: missing mandatory field(s) / champ(s) obligatoire(s) manquant(s): "
            + ", ".join(f"{m} {hints.get(m, '')}".strip() for m in missing)
        )
    if (
        kind == "signalement_ordre"
        and ordre_mode == "discipline"
        and ctx["respondent_status"] == "interne"
        and not opts.get("establishment")
    ):
        raise DocumentError(
            f"{kind}: an interne is not on the Ordre's tableau (unless replacing a doctor): the letter goes to the "
            "director of the CHU and the dean; --set establishment='CHU de …' / un interne relève de son CHU"
        )
    return ctx


def _drawable(value: str) -> str:
    # The sealed pièce keeps the exact text; the letter shows a visible marker for each missing glyph.
    from veilleur.evidence.render import covered_codepoints

    cov = covered_codepoints(_fonts()[""])

    def draw(ch: str) -> str:
        if ord(ch) in cov or ch in "\n\t":
            return ch
        if ch in ("\ufe0f", "\u200d"):  # emoji presentation selector, zero-width joiner
            return ""
        name = EMOJI_FR.get(ch)
        return f"[émoji : {name}]" if name else f"[U+{ord(ch):04X}]"

    return "".join(draw(ch) for ch in value)


def _pdf_escape(value: str) -> str:
    # fpdf2's markdown treats **, __, ~~ and -- as style markers: escape them in user text.
    value = _drawable(value).replace("\\", "\\\\")
    for marker in ("**", "__", "~~", "--"):
        value = value.replace(marker, "\\" + marker)
    return value


def _environment(for_pdf: bool) -> jinja2.Environment:
    def finalize(value: Any) -> Any:
        if value is None:
            raise DocumentError("a template printed an empty value (None)")
        if for_pdf and isinstance(value, str):
            return _pdf_escape(value)
        return value

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("veilleur.respond", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.filters["de"] = elide
    return env


def render_markup(kind: str, ctx: dict[str, Any], for_pdf: bool = False) -> str:
    """The template's output, with layout fences (``::: sender`` ...)."""
    spec = load_specs()[kind]
    try:
        text = _environment(for_pdf).get_template(spec.template).render(**ctx)
    except jinja2.UndefinedError as exc:
        raise DocumentError(f"{kind}: template uses an unknown field ({exc.message})") from None
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    problems = [p for p in ("None", "{{", "}}", "{%") if p in text]
    if problems:
        raise DocumentError(f"{kind}: rendered text contains {problems} (unfilled field)")
    return text


def to_markdown(markup: str) -> str:
    out = [line for line in markup.splitlines() if not line.startswith(":::")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def to_text(markup: str) -> str:
    lines = []
    for line in to_markdown(markup).splitlines():
        line = line.replace("**", "")
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            line = f"{title}\n{'=' * len(title) if line.startswith('# ') else '-' * len(title)}"
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def render(kind: str, cf: CaseFile, parties: Parties, fmt: str = "md", now: datetime | None = None) -> bytes:
    """The document as bytes in ``fmt`` (pdf, md or txt)."""
    return render_checked(kind, cf, parties, fmt, now)[0]


def render_checked(
    kind: str, cf: CaseFile, parties: Parties, fmt: str = "md", now: datetime | None = None
) -> tuple[bytes, list[str]]:
    """The document and the warnings to show the user (home address printed, URL to fill in...).
    Every document is re-analysed for medical secrecy and refused if a patient can still be recognised or
    a record number, NIR or (in a care context) a direct identifier is left (fail closed)."""
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown format {fmt!r}; expected {', '.join(FORMATS)}")
    ctx = build_context(kind, cf, parties, now=now)
    markup = render_markup(kind, ctx)
    # Every document is re-analysed (fail closed), not only those about a secrecy case: a quoted message
    # may hold what the detector did not flag.
    idents = (
        patient_identifiers(cf, ctx["_secret_messages"], ctx["_analyses"]) if ctx["_secret_messages"] else []
    )
    check_no_redisclosure(markup, cf, idents, ctx["_members"], ctx["_own"])
    if kind == "reponse_pacifique":
        check_public_reply(ctx["public_reply"])
    if fmt == "pdf":
        return render_pdf(
            render_markup(kind, ctx, for_pdf=True), load_specs()[kind].title_fr, cf.case.id
        ), ctx["warnings"]
    return (to_markdown(markup) if fmt == "md" else to_text(markup)).encode("utf-8"), ctx["warnings"]


DEFAULT_PUBLIC_REPLY = (
    "Merci d'avoir pris le temps de partager votre expérience. Le secret médical m'interdit d'évoquer toute "
    "situation individuelle, y compris pour confirmer qu'une personne a consulté. Je prends chaque retour au "
    "sérieux et reste disponible pour en parler de vive voix : n'hésitez pas à contacter le cabinet pour "
    "convenir d'un rendez-vous."
)


def check_public_reply(text: str) -> None:
    """A public reply to a review must never contain patient information (CNOM « pacifique » level):
    refused if the secrecy analysis finds care context with any identifier, or an identifying combination."""
    from veilleur.detect.secrecy import analyze_texts

    a = analyze_texts([text])[0]
    personal = [s for s in a.spans if s.label in LEAK_LABELS or s.label in ("AGE", "DATE")]
    if a.identifying or (a.health_context and personal) or _SEXUAL_HEALTH.search(text):
        what = a.explanation if (a.identifying or personal) else "santé sexuelle ou reproductive"
        raise DocumentError(
            f"reponse_pacifique: the reply discloses patient information ({what}); a public reply stays general "
            "and never confirms that someone is a patient / la réponse divulgue des informations de patient"
        )


def use_settings(settings: DocumentsSettings) -> None:
    """Apply the ``[respond]`` settings that are not per document (the font folder)."""
    global FONT_DIR
    FONT_DIR = settings.font_dir


def _fonts() -> dict[str, Path]:
    files = {
        "": "DejaVuSerif.ttf",
        "B": "DejaVuSerif-Bold.ttf",
        "I": "DejaVuSerif-Italic.ttf",
        "BI": "DejaVuSerif-BoldItalic.ttf",
        "mono": "DejaVuSansMono.ttf",
    }
    paths = {k: FONT_DIR / v for k, v in files.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise DocumentError(
            f"DejaVu fonts not found ({', '.join(missing)}): install the Debian package fonts-dejavu-core "
            "or set [respond] font_dir (VEILLEUR_RESPOND__FONT_DIR) / polices DejaVu absentes"
        )
    return paths


def render_pdf(markup: str, title: str, case_id: str) -> bytes:
    """Lays out the markup as an A4 letter: sender block, recipient block, date, object, body, pièces, signature."""
    from fpdf import FPDF

    fonts = _fonts()

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("serif", "I", 7.5)
            self.set_text_color(110)
            self.cell(
                0, 3.5, f"Projet établi avec veilleur (dossier {case_id}) : à relire et compléter avant envoi.",
                align="C", new_x="LMARGIN", new_y="NEXT",
            )  # fmt: skip
            self.cell(
                0,
                3.5,
                f"Qualifications indicatives, pas un avis juridique.  Page {self.page_no()}/{{nb}}",
                align="C",
            )
            self.set_text_color(0)

    pdf = Letter(format="A4", unit="mm")
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(title)
    pdf.set_author("veilleur")
    for style in ("", "B", "I", "BI"):
        pdf.add_font("serif", style, str(fonts[style]))
    pdf.add_font("mono", "", str(fonts["mono"]))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    block: str | None = None
    block_lines: list[str] = []

    def flush_block() -> None:
        nonlocal block_lines
        if block == "sender":
            pdf.set_font("serif", "B", 10.5)
            pdf.multi_cell(90, 5, block_lines[0], markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("serif", "", 10)
            for ln in block_lines[1:]:
                pdf.multi_cell(90, 4.8, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        elif block == "recipient":
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.set_x(pdf.l_margin + width * 0.52)
                pdf.multi_cell(width * 0.48, 5, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        elif block == "right":
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.multi_cell(width, 5, ln, align="R", markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif block == "signature":
            pdf.ln(6)
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            pdf.set_font("serif", "", 10.5)
            for ln in block_lines:
                pdf.set_x(pdf.l_margin + width * 0.55)
                pdf.multi_cell(width * 0.45, 5, ln, markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(14)
        block_lines = []

    for raw in markup.splitlines():
        if raw.startswith(":::"):
            name = raw[3:].strip()
            if name:
                block = name
            else:
                flush_block()
                block = None
            continue
        if block is not None:
            if raw.strip():
                block_lines.append(raw)
            continue
        line = raw.rstrip()
        if not line:
            pdf.ln(2.5)
        elif line.startswith("# "):
            pdf.set_font("serif", "B", 14)
            pdf.multi_cell(width, 7, line[2:], align="C", markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif line.startswith("## "):
            pdf.ln(2)
            pdf.set_font("serif", "B", 11)
            pdf.multi_cell(width, 6, line[3:], markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif line.startswith("> "):
            pdf.set_font("serif", "I", 10)
            pdf.set_x(pdf.l_margin + 8)
            pdf.set_text_color(40)
            pdf.multi_cell(width - 8, 5, line[2:], markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0)
            pdf.ln(1)
        elif line.startswith("- "):
            pdf.set_font("serif", "", 10.5)
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(5, 5.2, "•")
            pdf.multi_cell(width - 7, 5.2, line[2:], markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
        elif line.startswith("  ") and "SHA-256" in line:
            pdf.set_font("mono", "", 7.8)
            pdf.set_x(pdf.l_margin + 7)
            pdf.multi_cell(width - 7, 4.2, line.strip().replace("\\", ""), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
        elif line.startswith("   "):
            pdf.set_font("serif", "", 9.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(
                width - 6, 4.8, line.strip(), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT"
            )
        else:
            pdf.set_font("serif", "", 10.5)
            pdf.multi_cell(width, 5.2, line, align="J", markdown=True, new_x="LMARGIN", new_y="NEXT")
    if block is not None:
        flush_block()
    return bytes(pdf.output())
