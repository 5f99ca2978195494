"""Loads and validates the offence catalogue (``offences.yaml``), the law as reviewable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import InputError
from veilleur.taxonomy import CATEGORIES, DISCRIMINATION_GROUNDS

LABEL_FR = "Indicatif, pas un avis juridique : à faire vérifier par un avocat."
LABEL_EN = "Indicative, not legal advice: have it checked by a lawyer."

PUBLICITY = ("public", "non_public", "any")
STARTS = ("first_publication", "last_act", "commission", "knowledge")
KINDS = ("delit", "contravention", "civil", "deontology")
CONTEXT_FLAGS = ("author_is_doctor", "target_is_patient", "target_is_health_professional", "minor_involved")


@dataclass(frozen=True, slots=True)
class Reference:
    code: str
    article: str
    role: str = "penalty"

    def label(self) -> str:
        prefix = "art. " if not self.article[:1].isalpha() else ""
        return f"{self.code}, {prefix}{self.article}"


def _group(refs: list[Reference]) -> str:
    by_code: dict[str, list[str]] = {}
    for r in refs:
        by_code.setdefault(r.code, []).append(r.article)
    return " ; ".join(f"{code}, art. {' et '.join(arts)}" for code, arts in by_code.items())


@dataclass(frozen=True, slots=True)
class Offence:
    """One offence or deontological breach, as written in the catalogue."""

    id: str
    name_fr: str
    name_en: str
    kind: str
    references: tuple[Reference, ...]
    elements: tuple[tuple[str, str], ...]  # (fr, en)
    penalty_base: tuple[str, str]
    penalty_aggravated: tuple[str, str] | None
    prescription_months: int | None
    prescription_start: str
    prescription_rule: str
    publicity: str
    who_may_act: tuple[str, str]
    categories_any: tuple[str, ...]
    requires_categories_any: tuple[str, ...] = ()
    requires: dict[str, bool] = field(default_factory=dict)
    discriminatory: bool = False
    grounds: tuple[str, ...] = ()
    needs_repetition: bool = False
    manual_only: bool = False
    source_ref: str = ""
    source_url: str = ""
    reviewed: str = ""
    confidence: str = "verified"
    reason: str = ""
    notes: tuple[str, str] | None = None
    strength_cap: str = "probable"  # "possible" when a key element cannot be seen by any detector
    review: tuple[str, str] | None = None  # that element, for the "to establish" list
    penalty_online: tuple[str, str] | None = None  # the penalty when committed online (e.g. 222-33-2-2 4°)
    probable_only_with: tuple[str, ...] = ()  # capped at "possible" unless one of these categories is present

    def name(self, lang: str = "fr") -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def legal_reference(self, include_prescription: bool = True) -> str:
        """'Loi du 29 juillet 1881, art. 29 al. 1 et 32 al. 1 ; Code pénal, art. R.621-1'."""
        refs = [r for r in self.references if include_prescription or r.role != "prescription"]
        return _group(refs or list(self.references))

    def penalty_reference(self) -> str:
        """The text that sets the penalty: the one a complaint must cite (loi 1881 art. 53 logic)."""
        return _group([r for r in self.references if r.role == "penalty"] or list(self.references))

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        i = 0 if lang == "fr" else 1
        return {
            "id": self.id,
            "name": self.name(lang),
            "kind": self.kind,
            "reference": self.legal_reference(),
            "penalty_reference": self.penalty_reference(),
            "elements": [e[i] for e in self.elements],
            "penalty_base": self.penalty_base[i],
            "penalty_aggravated": self.penalty_aggravated[i] if self.penalty_aggravated else None,
            "penalty_online": self.penalty_online[i] if self.penalty_online else None,
            "prescription_months": self.prescription_months,
            "prescription_start": self.prescription_start,
            "prescription_rule": self.prescription_rule,
            "publicity": self.publicity,
            "who_may_act": self.who_may_act[i],
            "categories": list(self.categories_any),
            "source": {"ref": self.source_ref, "url": self.source_url},
            "reviewed": self.reviewed,
            "confidence": self.confidence,
            "reason": self.reason,
            "notes": self.notes[i] if self.notes else None,
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    offences: tuple[Offence, ...]
    doubtful_closed_group_size: int

    def get(self, offence_id: str) -> Offence:
        for o in self.offences:
            if o.id == offence_id:
                return o
        raise KeyError(offence_id)

    def ids(self) -> list[str]:
        return [o.id for o in self.offences]


def _bilingual(path: str, entry_id: str, key: str, value: Any) -> tuple[str, str]:
    if not isinstance(value, dict) or not value.get("fr") or not value.get("en"):
        raise InputError(path, f"offence {entry_id!r}: {key} needs non-empty 'fr' and 'en'")
    return str(value["fr"]), str(value["en"])


def _parse_offence(path: str, d: Any) -> Offence:
    if not isinstance(d, dict) or not d.get("id"):
        raise InputError(path, f"offence entry without an id: {d!r:.80}")
    oid = str(d["id"])

    def need(key: str) -> Any:
        if key not in d or d[key] in (None, ""):
            raise InputError(path, f"offence {oid!r}: missing {key!r}")
        return d[key]

    name = _bilingual(path, oid, "name", need("name"))
    kind = need("kind")
    if kind not in KINDS:
        raise InputError(path, f"offence {oid!r}: kind {kind!r} not in {KINDS}")
    refs = need("references")
    if not isinstance(refs, list) or not refs:
        raise InputError(path, f"offence {oid!r}: references must be a non-empty list")
    references = tuple(
        Reference(str(r["code"]), str(r["article"]), str(r.get("role", "penalty"))) for r in refs
    )
    elements = tuple(_bilingual(path, oid, "elements[]", e) for e in need("elements"))
    pen = need("penalties")
    base = _bilingual(path, oid, "penalties.base", pen.get("base"))
    aggr = _bilingual(path, oid, "penalties.aggravated", pen["aggravated"]) if pen.get("aggravated") else None
    presc = need("prescription")
    months = presc.get("months")
    if months is not None and (not isinstance(months, int) or months <= 0):
        raise InputError(path, f"offence {oid!r}: prescription.months must be a positive integer or null")
    start = presc.get("start")
    if start not in STARTS:
        raise InputError(path, f"offence {oid!r}: prescription.start {start!r} not in {STARTS}")
    publicity = need("publicity")
    if publicity not in PUBLICITY:
        raise InputError(path, f"offence {oid!r}: publicity {publicity!r} not in {PUBLICITY}")
    online = _bilingual(path, oid, "penalties.online", pen["online"]) if pen.get("online") else None
    cats = tuple(d.get("categories_any") or ())
    req_cats = tuple(d.get("requires_categories_any") or ())
    probable_with = tuple(d.get("probable_only_with") or ())
    for c in cats + req_cats + probable_with:
        if c not in CATEGORIES:
            raise InputError(path, f"offence {oid!r}: unknown taxonomy category {c!r}")
    grounds = tuple(d.get("grounds") or ())
    for g in grounds:
        if g not in DISCRIMINATION_GROUNDS:
            raise InputError(path, f"offence {oid!r}: unknown discrimination ground {g!r}")
    requires = dict(d.get("requires") or {})
    for k in requires:
        if k not in CONTEXT_FLAGS:
            raise InputError(path, f"offence {oid!r}: requires.{k} is not a CaseContext flag {CONTEXT_FLAGS}")
    source = need("source")
    if not source.get("ref") or not source.get("url"):
        raise InputError(path, f"offence {oid!r}: source needs 'ref' and 'url'")
    confidence = d.get("confidence", "verified")
    if confidence not in ("verified", "to_verify"):
        raise InputError(path, f"offence {oid!r}: confidence must be verified or to_verify")
    if confidence == "to_verify" and not d.get("reason"):
        raise InputError(path, f"offence {oid!r}: confidence to_verify needs a 'reason'")
    notes = _bilingual(path, oid, "notes", d["notes"]) if d.get("notes") else None
    cap = d.get("strength_cap", "probable")
    if cap not in ("probable", "possible"):
        raise InputError(path, f"offence {oid!r}: strength_cap must be probable or possible")
    return Offence(
        id=oid,
        name_fr=name[0],
        name_en=name[1],
        kind=kind,
        references=references,
        elements=elements,
        penalty_base=base,
        penalty_aggravated=aggr,
        prescription_months=months,
        prescription_start=start,
        prescription_rule=str(presc.get("rule", "")),
        publicity=publicity,
        who_may_act=_bilingual(path, oid, "who_may_act", need("who_may_act")),
        categories_any=cats,
        requires_categories_any=req_cats,
        requires={k: bool(v) for k, v in requires.items()},
        discriminatory=bool(d.get("discriminatory", False)),
        grounds=grounds,
        needs_repetition=bool(d.get("needs_repetition", False)),
        manual_only=bool(d.get("manual_only", False)),
        source_ref=str(source["ref"]),
        source_url=str(source["url"]),
        reviewed=str(need("reviewed")),
        confidence=confidence,
        reason=str(d.get("reason", "")),
        notes=notes,
        strength_cap=cap,
        review=_bilingual(path, oid, "review", d["review"]) if d.get("review") else None,
        penalty_online=online,
        probable_only_with=probable_with,
    )


def parse_catalogue(text: str, path: str = "offences.yaml") -> Catalogue:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("offences"), list):
        raise InputError(path, "expected a mapping with an 'offences' list")
    offences = tuple(_parse_offence(path, d) for d in data["offences"])
    seen: set[str] = set()
    for o in offences:
        if o.id in seen:
            raise InputError(path, f"duplicate offence id {o.id!r}")
        seen.add(o.id)
    size = int((data.get("publicity") or {}).get("doubtful_closed_group_size", 500))
    return Catalogue(version=str(data.get("version", "")), offences=offences, doubtful_closed_group_size=size)


@lru_cache(maxsize=4)
def load_catalogue(path: str | None = None) -> Catalogue:
    """The packaged catalogue, or one at ``path`` (a lawyer's reviewed copy)."""
    if path is None:
        text = resources.files("veilleur.law").joinpath("offences.yaml").read_text(encoding="utf-8")
        return parse_catalogue(text, "veilleur/law/offences.yaml")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror})") from None
    return parse_catalogue(text, str(p))
