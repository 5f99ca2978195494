"""Qualification: from a case's findings and context to candidate offences, with reasons and what
remains to be established. Pure logic over core records; always indicative, never legal advice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from veilleur.errors import InputError
from veilleur.law.calendar import PARIS, format_date_fr, last_day_or_none, paris_date
from veilleur.law.catalogue import LABEL_EN, LABEL_FR, Catalogue, Offence, load_catalogue
from veilleur.records import Case, Finding, Message
from veilleur.taxonomy import Severity, label

FUTURE_TOLERANCE = timedelta(days=1)  # clock skew and time zones; later message dates are implausible

CONTEXT_QUESTIONS: dict[str, str] = {
    "author_is_doctor": "L'auteur est-il médecin (ou professionnel de santé tenu au secret) ?",
    "target_is_patient": "La personne visée est-elle un patient ?",
    "target_is_health_professional": "La personne visée est-elle un professionnel de santé visé en cette qualité ?",
    "minor_involved": "Un mineur est-il concerné ?",
}
STRONG_SCORE = 0.7
KIND_ORDER = {"delit": 0, "contravention": 1, "civil": 2, "deontology": 3}
INTERRUPTION_EVENT = "law.interruption"
# Acts that interrupt the press-law prescription (loi 1881 art. 65). A plainte simple does not
# (Cass. crim. 16 sept. 2014); an unsigned PCPC does not (Cass. crim. 3 nov. 2020, n° 19-81.627);
# a PCPC is only open for a délit (CPP art. 85), not for a contravention.
INTERRUPTING_ACTS: dict[str, str] = {
    "pcpc": "plainte avec constitution de partie civile",
    "citation": "citation directe",
    "requisitions": "réquisitions d'enquête du procureur",
    "instruction": "acte d'instruction ou de poursuite",
}


@dataclass(frozen=True, slots=True)
class Interruption:
    """An act that interrupts the press-law prescription: the period runs again from its date."""

    day: date
    act: str
    offences: tuple[str, ...] = ()  # empty: every press-law offence of the case
    signed: bool = True

    @property
    def label(self) -> str:
        return f"{INTERRUPTING_ACTS[self.act]} du {format_date_fr(self.day)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "act": self.act,
            "offences": list(self.offences),
            "signed": self.signed,
        }


def parse_interruption(data: dict[str, Any], where: str = "interruption") -> Interruption:
    """Validates ``{date, act, offences?, signed?}``; a plainte simple or an unsigned PCPC is refused."""
    act = str(data.get("act", "")).strip()
    if act in ("plainte", "plainte_simple"):
        raise InputError(
            where,
            "a plainte simple does not interrupt the press-law prescription (Cass. crim. 16 sept. 2014) / "
            "une plainte simple n'interrompt pas la prescription",
        )
    if act not in INTERRUPTING_ACTS:
        raise InputError(where, f"act {act!r} not in {', '.join(INTERRUPTING_ACTS)}")
    try:
        day = date.fromisoformat(str(data.get("date", "")))
    except ValueError:
        raise InputError(where, "date must be YYYY-MM-DD") from None
    signed = bool(data.get("signed", True))
    if act == "pcpc" and not signed:
        raise InputError(
            where,
            "an unsigned PCPC does not interrupt the prescription (Cass. crim. 3 nov. 2020) / PCPC non signée",
        )
    return Interruption(day, act, tuple(str(o) for o in data.get("offences") or ()), signed)


def interruptions_from_events(events: Iterable[Any]) -> list[Interruption]:
    """The interruptions recorded as case events (kind ``law.interruption``)."""
    return [
        parse_interruption(dict(getattr(e, "data", {}) or {}))
        for e in events
        if getattr(e, "kind", None) == INTERRUPTION_EVENT
    ]


def _press_regime(o: Offence) -> bool:
    return o.prescription_start == "first_publication" and o.prescription_rule.startswith("Loi 1881")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One offence that the facts may constitute, with why and what a lawyer must still establish."""

    offence: Offence
    strength: str  # "probable" | "possible"
    reasons: tuple[str, ...]
    to_establish: tuple[str, ...]
    message_uids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    start: datetime | None
    start_basis: str
    manual: bool = False

    @property
    def last_day(self) -> Any:
        if self.start is None or self.offence.prescription_months is None:
            return None
        return last_day_or_none(self.start, self.offence.prescription_months)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        day = self.last_day
        return {
            "offence": self.offence.to_dict(lang),
            "strength": self.strength,
            "reasons": list(self.reasons),
            "to_establish": list(self.to_establish),
            "message_uids": list(self.message_uids),
            "finding_ids": list(self.finding_ids),
            "prescription_start": self.start.isoformat() if self.start else None,
            "prescription_start_basis": self.start_basis,
            "prescription_last_day": day.isoformat() if day else None,
            "prescription_last_day_fr": format_date_fr(day) if day else None,
            "manual": self.manual,
        }


@dataclass(frozen=True, slots=True)
class Qualification:
    """The legal picture of one case. ``label_fr``/``label_en`` must be shown wherever it is shown."""

    case_id: str
    candidates: tuple[Candidate, ...]
    public: bool
    author_known: bool
    first_publication: datetime | None
    first_publication_basis: str
    warnings: tuple[str, ...] = ()
    publicity_doubtful: bool = False  # a closed group large enough to be arguably public
    catalogue_version: str = ""
    label_fr: str = LABEL_FR
    label_en: str = LABEL_EN
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def offence_ids(self) -> list[str]:
        return [c.offence.id for c in self.candidates]

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "label": self.label_fr if lang == "fr" else self.label_en,
            "label_fr": self.label_fr,
            "label_en": self.label_en,
            "public": self.public,
            "publicity_doubtful": self.publicity_doubtful,
            "author_known": self.author_known,
            "first_publication": self.first_publication.isoformat() if self.first_publication else None,
            "first_publication_basis": self.first_publication_basis,
            "candidates": [c.to_dict(lang) for c in self.candidates],
            "warnings": list(self.warnings),
            "catalogue_version": self.catalogue_version,
            "generated_at": self.generated_at.isoformat(),
        }


def _ground(category: str) -> str | None:
    return category.split(":", 1)[1] if category.startswith("discrimination:") else None


def _publicity_fit(offence: Offence, case: Case, cat: Catalogue) -> tuple[bool, list[str], list[str]]:
    """Whether the offence's public/non-public variant fits the context; (fits, reasons, to_establish)."""
    ctx = case.context
    size = ctx.community_size
    size_txt = f" ({size} membres)" if size is not None else ""
    if offence.publicity == "any":
        return True, [], []
    if ctx.public:
        if offence.publicity == "public":
            return True, [f"Diffusion publique{size_txt}"], []
        return False, [], []
    # A closed group: non-public, unless its size makes the "communauté d'intérêts" doubtful.
    doubtful = size is not None and size >= cat.doubtful_closed_group_size
    if offence.publicity == "non_public":
        reasons = [
            f"Diffusion dans un espace fermé{size_txt}"
            + (" (variante retenue à défaut de publicité)" if doubtful else "")
        ]
        todo = ["Absence de publicité : groupe fermé formant une communauté d'intérêts"] if doubtful else []
        return True, reasons, todo
    if doubtful:
        return (
            True,
            [f"Groupe fermé de grande taille{size_txt} : publicité discutable"],
            ["Caractère public de la diffusion (taille, paramètres d'accès, homogénéité du groupe)"],
        )
    return False, [], []


def qualify(
    case: Case,
    messages: Iterable[Message],
    findings: Iterable[Finding],
    *,
    add: Sequence[str] = (),
    catalogue: Catalogue | None = None,
    now: datetime | None = None,
    interruptions: Sequence[Interruption] = (),
) -> Qualification:
    """Candidate offences for ``case``; ``add`` forces catalogue entries a human retained (e.g. identity theft)."""
    cat = catalogue or load_catalogue()
    ctx = case.context
    msgs = {m.uid: m for m in messages}
    finds = [f for f in findings if not case.finding_ids or f.id in case.finding_ids]
    case_msgs = [msgs[u] for u in case.message_uids if u in msgs] or list(msgs.values())
    first_pub = min((m.created_at for m in case_msgs), default=None)
    first_basis = ""
    if first_pub is not None:
        first_msg = min(case_msgs, key=lambda m: m.created_at)
        first_basis = f"première publication du message {first_msg.message_id} ({first_msg.community_name})"
    present = {f.category for f in finds}
    warnings: list[str] = []
    unknown_ids = [a for a in add if a not in cat.ids()]
    if unknown_ids:
        raise InputError("offences.yaml", f"unknown offence id(s): {', '.join(unknown_ids)}")

    candidates: list[Candidate] = []
    for o in cat.offences:
        manual = o.id in add
        if o.manual_only and not manual:
            continue
        matched = [f for f in finds if f.category in o.categories_any]
        if not matched and not manual:
            continue
        if o.requires_categories_any and not manual and not present & set(o.requires_categories_any):
            continue
        reasons: list[str] = []
        todo: list[str] = []
        if o.discriminatory:
            protected = [f for f in finds if _ground(f.category) in o.grounds]
            if not protected and not manual:
                continue
            for g in sorted({f.category for f in protected}):
                reasons.append(f"Motif protégé signalé : {label(g)}")
            matched = matched + [f for f in protected if f not in matched]
        fits, pub_reasons, pub_todo = _publicity_fit(o, case, cat)
        if not fits and not manual:
            continue
        reasons += pub_reasons
        todo += pub_todo
        excluded = False
        for flag, wanted in o.requires.items():
            value = getattr(ctx, flag)
            if value is None:
                todo.append(CONTEXT_QUESTIONS[flag])
            elif bool(value) != wanted and not manual:
                excluded = True
            elif bool(value) == wanted:
                reasons.append(
                    {
                        "author_is_doctor": "Auteur médecin",
                        "target_is_patient": "Personne visée : un patient",
                        "target_is_health_professional": "Personne visée : un professionnel de santé",
                        "minor_involved": "Mineur concerné",
                    }[flag]
                )
        if excluded:
            continue
        msg_uids = sorted({f.message_uid for f in matched})
        authors = {msgs[u].author_uid for u in msg_uids if u in msgs}
        if o.needs_repetition and not manual:
            collective = bool(present & {"raid"})
            if len(msg_uids) >= 2 or collective:
                if collective:
                    reasons.append("Action concertée ou successive de plusieurs auteurs (raid) signalée")
                reasons.append(f"{len(msg_uids)} message(s) de {max(len(authors), 1)} auteur(s)")
            elif "harassment" in present:
                todo.append("Répétition des propos ou action de plusieurs personnes")
            else:
                continue
        by_cat: dict[str, list[Finding]] = {}
        for f in matched:
            by_cat.setdefault(f.category, []).append(f)
        for c_name, fs in sorted(by_cat.items()):
            best = max(f.score for f in fs)
            reasons.append(f"{len(fs)} constat(s) « {label(c_name)} » (score max {best:.2f})")
        if manual:
            reasons.append("Retenue manuellement par un membre de l'équipe")
        if ctx.public and o.publicity == "public" and not ctx.author_known:
            todo.append("Identification de l'auteur (anonyme) : réquisitions à l'hébergeur")
        if o.review:
            todo.insert(0, f"À vérifier : {o.review[0]}")
        todo += [f"Élément : {e[0]}" for e in o.elements]
        dated = [msgs[u] for u in msg_uids if u in msgs] or case_msgs
        start: datetime | None = None
        basis = "date de publication inconnue"
        if dated:
            pick = (
                max(dated, key=lambda m: m.created_at)
                if o.prescription_start == "last_act"
                else min(dated, key=lambda m: m.created_at)
            )
            start = pick.created_at
            basis = {
                "first_publication": "première publication",
                "last_act": "dernier acte connu",
                "commission": "date des faits",
                "knowledge": "date de publication (par prudence)",
            }[o.prescription_start] + f" : message {pick.message_id}"
        if start is not None and _press_regime(o):
            mine = [i for i in interruptions if not i.offences or o.id in i.offences]
            if any(i.act == "pcpc" for i in mine) and o.kind != "delit":
                warnings.append(
                    f"{o.name_fr} : la plainte avec constitution de partie civile n'est pas ouverte pour une "
                    "contravention (CPP art. 85) ; seule une citation directe devant le tribunal de police interrompt."
                )
            acts = [
                i for i in mine
                if i.day >= paris_date(start) and not (i.act == "pcpc" and o.kind != "delit")
            ]  # fmt: skip
            if acts:
                latest = max(acts, key=lambda i: i.day)
                start = datetime.combine(latest.day, time(12, 0), tzinfo=PARIS).astimezone(UTC)
                basis = f"acte interruptif : {latest.label} (le délai court à nouveau)"
                reasons.append(f"Prescription interrompue : {latest.label}")
        strong = (
            bool(matched)
            and max(f.score for f in matched) >= STRONG_SCORE
            and max(f.severity for f in matched) >= Severity.MEDIUM
            and not pub_todo
            and all(getattr(ctx, k) is not None for k in o.requires)
            and o.strength_cap == "probable"
            and (not o.probable_only_with or bool(present & set(o.probable_only_with)))
        )
        candidates.append(
            Candidate(
                offence=o,
                strength="probable" if strong else "possible",
                reasons=tuple(dict.fromkeys(reasons)),
                to_establish=tuple(dict.fromkeys(todo)),
                message_uids=tuple(msg_uids),
                finding_ids=tuple(sorted({f.id for f in matched})),
                start=start,
                start_basis=basis,
                manual=manual,
            )
        )

    ids = {c.offence.id for c in candidates}
    if any(c.offence.discriminatory and c.offence.prescription_months == 12 for c in candidates):
        short = [c.last_day for c in candidates if c.offence.prescription_months == 3 and c.last_day]
        when = f" (avant le {format_date_fr(min(short))})" if short else ""
        warnings.append(
            "Si le caractère discriminatoire n'est pas retenu, la prescription de 3 mois s'applique : "
            f"agir dans le délai le plus court{when}."
        )
    if ids & {"injure_publique", "injure_non_publique"} and ids & {
        "diffamation_publique",
        "diffamation_non_publique",
    }:
        warnings.append(
            "Un même passage ne peut être poursuivi à la fois comme injure et comme diffamation : "
            "qualifier chaque passage une seule fois (loi 1881, art. 53)."
        )
    if any(c.offence.prescription_months == 3 and c.offence.kind == "delit" for c in candidates):
        warnings.append(
            "Une plainte simple n'interrompt pas la prescription de 3 mois des délits de presse : "
            "prévoir une plainte avec constitution de partie civile ou une citation directe à temps."
        )
    if any(c.offence.prescription_months == 3 and c.offence.kind == "contravention" for c in candidates):
        warnings.append(
            "Contraventions de presse (non publiques) : la plainte avec constitution de partie civile n'est pas "
            "ouverte (CPP art. 85) ; seule une citation directe devant le tribunal de police (ou des réquisitions "
            "d'enquête du procureur) interrompt la prescription de 3 mois."
        )
    if interruptions and any(_press_regime(c.offence) for c in candidates):
        warnings.append(
            "Après un acte interruptif, le délai de prescription de presse court à nouveau : il faut l'interrompre "
            "encore avant chaque échéance, jusqu'au jugement (loi 1881, art. 65)."
        )
    unprotected = sorted(
        {f.category for f in finds if _ground(f.category) in ("body_weight", "age", "other")}
    )
    if unprotected:
        warnings.append(
            "Motif(s) non protégé(s) par la loi de 1881 ("
            + ", ".join(label(c) for c in unprotected)
            + ") : seules l'injure ou la diffamation simples (personne identifiable) ou la déontologie "
            "(auteur médecin, art. R.4127-7) peuvent s'appliquer."
        )
    today = paris_date(now or datetime.now(UTC))
    future = sorted(
        (m for m in case_msgs if m.created_at > (now or datetime.now(UTC)) + FUTURE_TOLERANCE),
        key=lambda m: m.created_at,
    )
    if future:
        warnings.append(
            "Date invraisemblable (dans le futur) : "
            + " ; ".join(
                f"message {m.message_id} daté du {m.created_at.date().isoformat()}" for m in future[:5]
            )
            + (f" (et {len(future) - 5} autre(s))" if len(future) > 5 else "")
            + ". Vérifier l'export : les délais calculés à partir de ces dates sont faux ou, hors calendrier, absents."
        )
    expired = [c for c in candidates if c.last_day is not None and c.last_day < today]
    if expired:
        warnings.append(
            "Prescription probablement acquise, sauf acte interruptif : "
            + " ; ".join(f"{c.offence.name_fr} ({format_date_fr(c.last_day)})" for c in expired)
            + "."
        )
    if ctx.minor_involved and present & {"insult", "threat", "harassment", "raid", "sexual", "doxxing"}:
        warnings.append(
            "Mineur visé par des violences en ligne : orienter vers le 3018 (e-Enfance) et Point de Contact."
        )
    elif ctx.minor_involved:
        warnings.append(
            "Mineur concerné : informer l'établissement qui le suit (DPO) et, selon le cas, les titulaires de "
            "l'autorité parentale ; le 3018 s'adresse aux jeunes victimes de violences en ligne."
        )
    if not candidates:
        warnings.append("Aucune qualification pénale ou déontologique suggérée par les constats.")

    candidates.sort(
        key=lambda c: (
            KIND_ORDER.get(c.offence.kind, 9),
            c.strength != "probable",
            c.last_day.toordinal() if c.last_day else 10**9,
        )
    )
    return Qualification(
        case_id=case.id,
        candidates=tuple(candidates),
        public=ctx.public,
        author_known=ctx.author_known,
        first_publication=first_pub,
        first_publication_basis=first_basis,
        warnings=tuple(warnings),
        publicity_doubtful=(
            not ctx.public
            and ctx.community_size is not None
            and ctx.community_size >= cat.doubtful_closed_group_size
        ),
        catalogue_version=cat.version,
        generated_at=now or datetime.now(UTC),
    )
