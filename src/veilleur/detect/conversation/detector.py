"""The conversation pass itself (``ConversationPass``) and the findings it makes; see ``__init__``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from veilleur.detect.context import DetectionContext
from veilleur.detect.conversation.analyse import (
    ConversationResult,
    Episode,
    Settings,
    Turn,
    analyse,
)
from veilleur.records import Finding
from veilleur.taxonomy import Severity

DETECTOR = "conversation"
VERSION = "1.0"
PARIS = ZoneInfo("Europe/Paris")


def _finding(**fields: Any) -> Finding:
    """A finding of this pass (its detector name and version)."""
    return Finding(detector=DETECTOR, detector_version=VERSION, **fields)


__all__ = ["ConversationPass", "Settings", "analyse", "factory", "findings_from"]


def _when(dt: Any) -> str:
    return dt.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _name(res: ConversationResult, uid: str) -> str:
    return res.names.get(uid, uid)


class ConversationPass:
    """Community pass (see the module docstring)."""

    name = DETECTOR
    version = VERSION

    def __init__(
        self,
        min_authors: int = 2,
        min_messages: int = 3,
        gap_hours: float = 48.0,
        campaign_days: int = 2,
        finding_threshold: float = 0.0,
        model: bool = True,
        model_threshold: float | None = None,
        raider_min: float = 0.6,
    ) -> None:
        from veilleur.detect.conversation.model import load_model

        self.settings = Settings(
            min_authors=int(min_authors),
            min_messages=int(min_messages),
            gap=timedelta(hours=float(gap_hours)),
            campaign_days=int(campaign_days),
            finding_threshold=float(finding_threshold),
            model=load_model() if model else None,
            model_threshold=float(model_threshold) if model_threshold is not None else None,
            raider_min=float(raider_min),
        )

    def run(self, ctx: DetectionContext, findings: Sequence[Finding]) -> list[Finding]:
        return findings_from(analyse(ctx, findings, self.settings), findings)


def _episode_details(res: ConversationResult, ep: Episode) -> dict[str, Any]:
    roles: dict[str, str] = {}
    for t in ep.messages:
        roles[t.uid] = "initiator" if t.author == ep.initiator else "supporter"
    return {
        "kind": "pile_on",
        "episode_id": ep.id,
        "primary": ep.primary,  # the chat's main raid (the person attacked on most days, most, by most)
        "community_uid": ep.community_uid,
        "target": _name(res, ep.target),
        "target_uid": ep.target,
        "initiator": _name(res, ep.initiator),
        "initiator_uid": ep.initiator,
        "supporters": [_name(res, a) for a in ep.raiders if a != ep.initiator],
        "supporter_uids": [a for a in ep.raiders if a != ep.initiator],
        "defenders": [_name(res, a) for a in ep.defenders],
        "defender_uids": list(ep.defenders),
        "conciliators": [_name(res, a) for a in ep.conciliators],
        "authors": [_name(res, a) for a in ep.raiders],
        "n_authors": len(ep.raiders),
        "message_uids": [t.uid for t in ep.messages],
        "hostile_uids": [t.uid for t in ep.hostile],
        "roles": roles,
        "window_start": ep.start.isoformat(),
        "window_end": ep.end.isoformat(),
    }


def _why(t: Turn, res: ConversationResult) -> str:
    if t.hostile == "context" and t.antecedent:
        ante = res.turns.get(t.antecedent)
        who = _name(res, ante.author) if ante else "?"
        return f"approuve un message hostile de {who}"
    if t.hostile == "model":
        return f"hostile dans son contexte (modèle appris, p = {t.p_h:.2f})"
    return {
        "finding": "message hostile (détecteur)",
        "lexicon": "propos hostile (registre de conversation)",
    }.get(t.hostile, "message de l'auteur pendant le raid")


def findings_from(res: ConversationResult, prior: Sequence[Finding] = ()) -> list[Finding]:
    """Findings: ``raid`` per raid message, ``harassment`` for campaigns and contextual approvals, ``doxxing``."""
    legacy_raid = {f.message_uid for f in prior if f.category == "raid" and f.detector != DETECTOR}
    flagged = {
        f.message_uid for f in prior if f.detector != DETECTOR and f.category not in ("raid", "doxxing")
    }
    out: dict[tuple[str, str], Finding] = {}
    for ep in res.episodes:
        info = _episode_details(res, ep)
        n = len(ep.raiders)
        threat = any("menace" in t.m.text.lower() for t in ep.hostile)
        for t in ep.messages:
            if t.uid in legacy_raid or (t.uid, "raid") in out:
                continue  # a message in two raids keeps the chat's main one (episodes come main raid first)
            role = info["roles"][t.uid]
            expl = (
                f"Raid probable (action concertée ou successive) : {n} auteurs hostiles envers « {info['target']} » "
                f"entre {_when(ep.start)} et {_when(ep.end)} (heure de Paris) ; initié par {info['initiator']}"
                + (f", soutenu par {', '.join(info['supporters'])}" if info["supporters"] else "")
                + f". Ce message ({role}) : {_why(t, res)}. "
                f"/ Likely pile-on: {n} authors hostile to {info['target']}."
            )
            out[(t.uid, "raid")] = _finding(
                message_uid=t.uid,
                category="raid",
                severity=Severity.CRITICAL if n >= 4 or threat else Severity.HIGH,
                score=min(0.95, 0.6 + 0.08 * n + (0.05 if t.hostile else 0.0)),
                explanation=expl,
                excerpt=t.m.text[:200],
                details={**info, "message_role": role},
            )
    for cp in res.campaigns:
        timeline = [
            {
                "message_uid": t.uid,
                "at": t.m.created_at.isoformat(),
                "author": t.m.author.name,
                "community": t.m.community_name,
                "excerpt": t.m.text[:120],
            }
            for t in cp.turns
        ]
        info = {
            "kind": "campaign",
            "campaign_id": cp.id,
            "target": cp.target,
            "authors": sorted({t.m.author.name for t in cp.turns}),
            "days": cp.days,
            "message_uids": [t.uid for t in cp.turns],
            "timeline": timeline,
            "window_start": cp.turns[0].m.created_at.isoformat(),
            "window_end": cp.turns[-1].m.created_at.isoformat(),
            "communities": sorted({t.m.community_uid for t in cp.turns}),
        }
        for t in cp.turns:
            out[(t.uid, "harassment")] = _finding(
                message_uid=t.uid,
                category="harassment",
                severity=Severity.HIGH,
                score=min(0.95, 0.6 + 0.05 * len(cp.turns)),
                explanation=(
                    f"Harcèlement répété : {len(cp.turns)} messages hostiles envers « {cp.target} » sur "
                    f"{len(cp.days)} jours ({', '.join(info['authors'])}). / Repeated harassment campaign."
                ),
                excerpt=t.m.text[:200],
                details=info,
            )
    for t in res.turns.values():
        if t.hostile != "context" or t.uid in flagged or (t.uid, "harassment") in out:
            continue
        ante = res.turns.get(t.antecedent or "")
        out[(t.uid, "harassment")] = _finding(
            message_uid=t.uid,
            category="harassment",
            severity=Severity.MEDIUM,
            score=0.6,
            explanation=(
                f"Réponse hostile dans son contexte : {_why(t, res)} visant "
                f"« {', '.join(_name(res, x) for x in t.targets)} ». / Harmful in context (approves an attack)."
            ),
            excerpt=t.m.text[:200],
            details={
                "kind": "context",
                "antecedent_uid": t.antecedent,
                "antecedent_excerpt": ante.m.text[:160] if ante else "",
                "target": ", ".join(_name(res, x) for x in t.targets),
                "target_uids": list(t.targets),
            },
        )
    for t in res.doxxing:
        target = ", ".join(_name(res, x) for x in t.targets) or "?"
        sev = Severity.CRITICAL if t.dox_call and {"address", "phone"} & set(t.dox) else Severity.HIGH
        out[(t.uid, "doxxing")] = _finding(
            message_uid=t.uid,
            category="doxxing",
            severity=sev,
            score=0.85 if t.dox_call or t.hostile else 0.7,
            explanation=(
                f"Divulgation d'informations personnelles ({', '.join(t.dox)}) visant « {target} »"
                + (" avec appel à s'y rendre" if t.dox_call else " dans un contexte hostile")
                + " (CP 223-1-1). / Doxxing."
            ),
            excerpt=t.m.text[:200],
            details={
                "kind": "doxxing",
                "info": list(t.dox),
                "call_to_go": t.dox_call,
                "target": target,
                "target_uids": list(t.targets),
                "author": t.m.author.name,
                "at": t.m.created_at.isoformat(),
            },
        )
    return sorted(out.values(), key=lambda f: (f.message_uid, f.category))


def factory(**options: Any) -> ConversationPass:
    """The ``conversation`` entry point (group ``veilleur.passes``): the pass from its options."""
    return ConversationPass(**options)
