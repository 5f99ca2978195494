"""Raid detection: many distinct authors posting harmful messages at the same person within a short window.

A pure function over a scan's messages and per-message findings, run by the pipeline after the detectors
as the ``raid`` community pass. The conversation pass (``veilleur.detect.conversation``) adds pile-ons in
flat chats, small groups and campaigns.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from veilleur.detect.context import DetectionContext
from veilleur.records import Finding, Message
from veilleur.taxonomy import DISCRIMINATION_GROUNDS, Severity

DETECTOR = "raid"
VERSION = "1.0"
HARMFUL: frozenset[str] = frozenset(
    {"insult", "harassment", "threat", "patient_mockery"}
    | {f"discrimination:{g}" for g in DISCRIMINATION_GROUNDS}
)
_PARIS = ZoneInfo("Europe/Paris")
# "@Martin", "Dr Martin", "Dre Lefebvre", "docteur Girard", "Pr Roux", "Mme Durand", "M. Blanc"
_NAMED = re.compile(
    r"(?:@([\w.\-]{2,40}))|(?:\b(?:Dr|Dre|Docteur|docteur|Doctor|doctor|Pr|Professeur|professeur|Mme|Madame|"
    r"M\.|Monsieur|Mr|Mrs|Ms)\.?\s+([A-ZÀ-Ý][\w\-']+))"
)


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in folded if c.isalnum())


def _named_people(text: str, known: dict[str, str]) -> set[str]:
    """Normalised names of people a message names: titles, @mentions, and authors of the scan."""
    found = {_key(m.group(1) or m.group(2)) for m in _NAMED.finditer(text)}
    low = text.lower()
    for k, display in known.items():
        if len(k) >= 4 and re.search(rf"\b{re.escape(display.lower())}\b", low):
            found.add(k)
    return {f for f in found if f}


def detect_raids(
    messages: Sequence[Message],
    findings: Sequence[Finding],
    *,
    window: timedelta = timedelta(hours=6),
    min_authors: int = 4,
    harmful: frozenset[str] = HARMFUL,
) -> list[Finding]:
    """``raid`` findings, one per message taking part in a raid (see module docstring)."""
    by_uid = {m.uid: m for m in messages}
    hostile: dict[str, float] = {}
    for f in findings:
        if f.category in harmful and f.message_uid in by_uid:
            hostile[f.message_uid] = max(hostile.get(f.message_uid, 0.0), f.score)
    if not hostile:
        return []

    def root(m: Message) -> Message:
        seen = {m.uid}
        while m.parent_uid and m.parent_uid in by_uid and m.parent_uid not in seen:
            m = by_uid[m.parent_uid]
            seen.add(m.uid)
        return m

    # A person's display name, from the authors and from the names the messages use.
    known: dict[str, str] = {}
    for m in messages:
        if m.author.name:
            known.setdefault(_key(m.author.name), m.author.name)
            last = m.author.name.split()[-1]
            known.setdefault(_key(last), last)

    groups: dict[tuple[str, str, str], list[Message]] = defaultdict(list)
    target_name: dict[tuple[str, str, str], str] = {}
    for uid in hostile:
        m = by_uid[uid]
        if m.parent_id is not None:
            r = root(m) if m.parent_uid in by_uid else None
            key = ("thread", m.community_uid, r.uid if r is not None else (m.parent_uid or ""))
            groups[key].append(m)
            if r is not None:
                target_name.setdefault(key, r.author.name)
        for person in _named_people(m.text, known):
            key = ("person", m.community_uid, person)
            groups[key].append(m)
            target_name.setdefault(key, known.get(person, person))

    involved: dict[str, dict[str, Any]] = {}
    for key, msgs in groups.items():
        msgs.sort(key=lambda x: x.created_at)
        target = target_name.get(key, key[2])
        tkey = _key(target)
        best: list[Message] = []
        lo = 0
        for hi in range(len(msgs)):
            while msgs[hi].created_at - msgs[lo].created_at > window:
                lo += 1
            win = [x for x in msgs[lo : hi + 1] if _key(x.author.name) != tkey]  # the target is no raider
            authors = {x.author_uid for x in win}
            if len(authors) >= min_authors and len(authors) >= len({x.author_uid for x in best}):
                best = win
        if not best:
            continue
        authors_names = sorted({x.author.name for x in best})
        uids = [x.uid for x in best]
        info: dict[str, Any] = {
            "target": target,
            "target_kind": key[0],
            "authors": authors_names,
            "n_authors": len(authors_names),
            "message_uids": uids,
            "window_start": best[0].created_at.isoformat(),
            "window_end": best[-1].created_at.isoformat(),
            "window_hours": window.total_seconds() / 3600,
        }
        for x in best:
            prev = involved.get(x.uid)
            if prev is None or info["n_authors"] > prev["n_authors"]:
                involved[x.uid] = info

    out: list[Finding] = []
    for uid, info in involved.items():
        start = _paris(info["window_start"])
        end = _paris(info["window_end"])
        expl = (
            f"Raid probable : {info['n_authors']} auteurs distincts ont publié {len(info['message_uids'])} "
            f"messages hostiles visant « {info['target']} » entre {start} et {end} (heure de Paris). "
            f"/ Likely raid: {info['n_authors']} distinct authors posted {len(info['message_uids'])} hostile "
            f"messages at {info['target']}."
        )
        score = min(1.0, 0.6 + 0.05 * (info["n_authors"] - min_authors + 1))
        sev = Severity.CRITICAL if info["n_authors"] >= 2 * min_authors else Severity.HIGH
        out.append(
            Finding(
                message_uid=uid,
                detector=DETECTOR,
                detector_version=VERSION,
                category="raid",
                severity=sev,
                score=score,
                explanation=expl,
                excerpt=by_uid[uid].text[:200],
                details=dict(info),
            )
        )
    out.sort(key=lambda f: (by_uid[f.message_uid].created_at, f.message_uid))
    return out


def _paris(iso: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(iso).astimezone(_PARIS).strftime("%d/%m/%Y %H:%M")


class RaidPass:
    """The thread/name raid rule above as a community pass (registered as ``raid``)."""

    name = DETECTOR
    version = VERSION

    def __init__(self, window_hours: float = 6.0, min_authors: int = 4) -> None:
        self.window = timedelta(hours=float(window_hours))
        self.min_authors = int(min_authors)

    def run(self, ctx: DetectionContext, findings: Sequence[Finding]) -> list[Finding]:
        harmful = [f for f in findings if f.category in HARMFUL and f.message_uid in ctx.messages]
        if not harmful:
            return []
        # Messages the conversation pass already put in a pile-on keep that (richer) finding.
        covered = {f.message_uid for f in findings if f.category == "raid" and f.detector != DETECTOR}
        uids = {f.message_uid for f in harmful}
        for u in list(uids):
            p = ctx.messages[u].parent_uid
            if p and p in ctx.messages:
                uids.add(p)
        msgs = [ctx.messages[u] for u in uids]
        found = detect_raids(msgs, harmful, window=self.window, min_authors=self.min_authors)
        return [f for f in found if f.message_uid not in covered]
