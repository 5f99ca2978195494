"""The scan pipeline: stored messages → every registered detector in batches → stored findings,
then community-level passes (coordinated raids), then listeners (alerts) on new findings."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from veilleur.detect.base import (
    DetectionContext,
    Detector,
    DetectorRegistry,
    MemberRef,
    call_detect,
    default_registry,
)
from veilleur.records import Finding, Message
from veilleur.serialize import as_dict
from veilleur.store import Store, StoredFinding
from veilleur.taxonomy import HARM_CATEGORIES, Severity

log = logging.getLogger(__name__)

FindingListener = Callable[[Store, list[StoredFinding]], None]
# Called after each scan with the findings that did not exist before it (alerts hook in here).
finding_listeners: list[FindingListener] = []

RAID_SOURCE_CATEGORIES = {"insult", "threat", "harassment", "patient_mockery", "sexual"} | {
    c for c in HARM_CATEGORIES if c.startswith("discrimination:")
}


@dataclass
class TopItem:
    message_uid: str
    severity: Severity
    categories: list[str]
    score: float
    author: str
    created_at: str
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "severity": self.severity.name.lower()}


@dataclass
class ScanReport:
    scan_id: str
    messages: int = 0
    members: int = 0
    detectors: dict[str, str] = field(default_factory=dict)
    findings: int = 0
    new_findings: int = 0
    flagged_messages: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    top_members: list[tuple[str, str, int]] = field(default_factory=list)  # (uid, name, flagged messages)
    top_items: list[TopItem] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    detector_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(
            self,
            detectors=self.detectors,
            by_category=dict(self.by_category.most_common()),
            top_members=[{"uid": u, "name": n, "flagged_messages": c} for u, n, c in self.top_members],
            errors=self.errors,
            seconds=round(self.seconds, 3),
            detector_seconds={k: round(v, 3) for k, v in self.detector_seconds.items()},
        )


# How far back a scan reads a community's stored messages as conversation context (a live feed of a
# few messages is read in its conversation): at most HISTORY_MESSAGES messages within HISTORY_DAYS.
HISTORY_DAYS = 14
HISTORY_MESSAGES = 400


def extend_context(store: Store, ctx: DetectionContext, first: dict[str, Message]) -> None:
    """Add the members of newly seen communities and their stored messages just before the scan.

    ``first`` maps each newly seen community to its earliest message in the batch."""
    from datetime import timedelta

    for cu, m in first.items():
        try:
            ctx.members.update(
                {mi.uid: MemberRef(mi.uid, mi.display_name, (), cu) for mi in store.list_members(cu)}
            )
        except Exception:  # an old store without members: authors are added as messages arrive
            log.debug("members of %s not listed", cu)
        ctx.communities[cu] = m.community_name
        since = m.created_at - timedelta(days=HISTORY_DAYS)
        before = store.message_uids(community_uid=cu, since=since, until=m.created_at)[-HISTORY_MESSAGES:]
        if before:
            ctx.add(store.get_messages(before), history=True)
            ctx.prior_findings.extend(
                sf.finding
                for sf in store.list_findings(community_uid=cu, since=since, until=m.created_at)
                if sf.status != "dismissed"
            )


def _load_parents(store: Store, ctx: DetectionContext, batch: Sequence[Message]) -> None:
    missing = [m.parent_uid for m in batch if m.parent_uid and m.parent_uid not in ctx.messages]
    if missing:
        ctx.add(store.get_messages(list(dict.fromkeys(p for p in missing if p))), history=True)


def _community_passes(
    ctx: DetectionContext,
    findings: list[Finding],
    report: ScanReport,
    options: dict[str, dict[str, Any]] | None,
    store: Store | None = None,
    registry: DetectorRegistry | None = None,
) -> list[Finding]:
    """Run every community pass of the registry (raids, conversations) over the context and the findings.

    A pass's options are its ``[detectors.<name>]`` settings section updated with ``options[name]``."""
    registry = registry or default_registry()
    out: list[Finding] = []
    for name in registry.available_passes():
        t = time.perf_counter()
        try:
            opts = {
                **(store.settings.detector_options(name) if store is not None else {}),
                **(options or {}).get(name, {}),
            }
            p = registry.create_pass(name, **opts)
            new = p.run(ctx, [*ctx.prior_findings, *findings, *out])
            # A pass may flag earlier (history) messages too: a raid found when its third message arrives
            # covers the first two. Stable finding ids make this an update, never a duplicate.
            out.extend(new)
        except Exception as exc:  # one broken pass must not lose the detectors' findings
            report.errors[name] = f"{type(exc).__name__}: {exc}"
            log.exception("community pass %s failed", name)
        report.detector_seconds[name] = report.detector_seconds.get(name, 0.0) + time.perf_counter() - t
    return out


SYSTEM_ACTOR = "system:conversation"


def _evidence_in(ctx: DetectionContext, f: Finding) -> bool:
    """Whether every message a conversation finding rests on was read by this scan (a live scan reads a
    limited history: a campaign over older messages must not be dismissed for want of them)."""
    d = f.details
    uids = {
        f.message_uid,
        *d.get("message_uids", []),
        *([d["antecedent_uid"]] if d.get("antecedent_uid") else []),
    }
    return all(u in ctx.messages for u in uids)


def _supersede(store: Store, ctx: DetectionContext, emitted: list[Finding]) -> None:
    """Conversation findings no longer supported by the conversation as now read (e.g. a raid target that
    changed once later messages arrived) are dismissed by the system, unless a human already decided."""
    keep = {f.id for f in emitted}
    for cu in ctx.community_uids():
        msgs = ctx.community_messages(cu)
        if not msgs:
            continue
        stale = [
            sf
            for sf in store.list_findings(
                detector="conversation", community_uid=cu, status="open", since=msgs[0].created_at
            )
            if sf.finding.id not in keep and _evidence_in(ctx, sf.finding)
        ]
        for sf in stale:
            store.set_finding_status(
                sf.finding.id,
                "dismissed",
                actor=SYSTEM_ACTOR,
                note="superseded: no longer supported by the conversation as a whole",
            )
        for sf in store.list_findings(
            detector="conversation", community_uid=cu, status="dismissed", since=msgs[0].created_at
        ):
            if sf.finding.id in keep and sf.status_by == SYSTEM_ACTOR:  # supported again: reopen
                store.set_finding_status(
                    sf.finding.id, "open", actor=SYSTEM_ACTOR, note="supported again by the conversation"
                )


def scan(
    store: Store,
    *,
    message_uids: Sequence[str] | None = None,
    detectors: Sequence[str] | None = None,
    detector_options: dict[str, dict[str, Any]] | None = None,
    registry: DetectorRegistry | None = None,
    batch_size: int = 256,
    progress: Callable[[int], None] | None = None,
    notify: bool = True,
    **filters: Any,
) -> ScanReport:
    """Run detectors over stored messages (all, a list of uids, or ``filters`` as in ``Store.message_uids``).

    ``registry``: the detectors and passes to choose from (default: the built-ins and installed plugins).
    A detector's options are its settings section (``store.settings.detector_options(name)``) updated with
    ``detector_options[name]``."""
    t0 = time.perf_counter()
    registry = registry or default_registry()
    names = list(detectors) if detectors else registry.default_detectors()
    instances: list[Detector] = []
    report_errors: dict[str, str] = {}
    for name in names:
        try:
            opts = {**store.settings.detector_options(name), **(detector_options or {}).get(name, {})}
            instances.append(registry.create_detector(name, **opts))
        except Exception as exc:
            if detectors:  # explicitly asked for: fail loudly
                raise
            report_errors[name] = f"not loaded: {exc}"
            log.warning("detector %s not loaded: %s", name, exc)
    versions = {d.name: d.version for d in instances}
    scan_id = store.start_scan(versions)
    report = ScanReport(scan_id=scan_id, detectors=versions, errors=report_errors)
    uids = list(message_uids) if message_uids is not None else store.message_uids(**filters)
    all_findings: list[Finding] = []
    members: set[str] = set()
    ctx = DetectionContext()
    for batch in store.iter_messages(uids, batch_size=batch_size):
        first: dict[str, Message] = {}
        for m in batch:
            if m.community_uid not in ctx.communities and (
                m.community_uid not in first or m.created_at < first[m.community_uid].created_at
            ):
                first[m.community_uid] = m
        if first:
            extend_context(store, ctx, first)
        ctx.add(batch)
        _load_parents(store, ctx, batch)
        for m in batch:
            members.add(m.author_uid)
        batch_findings: list[Finding] = []
        for det in instances:
            t = time.perf_counter()
            try:
                batch_findings.extend(call_detect(det, batch, ctx))
            except Exception as exc:
                report.errors[det.name] = f"{type(exc).__name__}: {exc}"
                log.exception("detector %s failed on a batch", det.name)
            report.detector_seconds[det.name] = (
                report.detector_seconds.get(det.name, 0.0) + time.perf_counter() - t
            )
        all_findings.extend(batch_findings)
        report.messages += len(batch)
        if progress:
            progress(len(batch))
    if ctx.messages:
        passed = _community_passes(ctx, all_findings, report, detector_options, store, registry)
        all_findings.extend(passed)
        _supersede(store, ctx, passed)
    # Keep the highest-scoring finding when two detectors emit the same (message, detector, category).
    unique: dict[str, Finding] = {}
    for f in all_findings:
        if f.id not in unique or f.score > unique[f.id].score:
            unique[f.id] = f
    findings = list(unique.values())
    before = {sf.finding.id for sf in store.list_findings()} if findings else set()
    store.save_findings(findings, scan_id=scan_id)
    store.finish_scan(scan_id, report.messages, len(findings))
    report.members = len(members)
    _summarise(store, report, findings)
    new = [f.id for f in findings if f.id not in before]
    report.new_findings = len(new)
    if notify and new and finding_listeners:
        stored = [store.get_finding(i) for i in new]
        for listener in finding_listeners:
            try:
                listener(store, stored)
            except Exception:
                log.exception("finding listener %r failed", listener)
    report.seconds = time.perf_counter() - t0
    return report


def _summarise(store: Store, report: ScanReport, findings: list[Finding]) -> None:
    report.findings = len(findings)
    report.by_category = Counter(f.category for f in findings)
    report.by_severity = Counter(f.severity.name.lower() for f in findings)
    per_msg: dict[str, list[Finding]] = {}
    for f in findings:
        per_msg.setdefault(f.message_uid, []).append(f)
    report.flagged_messages = len(per_msg)
    if not per_msg:
        return
    msgs = {m.uid: m for m in store.get_messages(list(per_msg))}
    member_counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for uid in per_msg:
        m = msgs.get(uid)
        if m:
            member_counts[m.author_uid] += 1
            names[m.author_uid] = m.author.name
    report.top_members = [(u, names[u], c) for u, c in member_counts.most_common(10)]
    ranked = sorted(
        per_msg.items(),
        key=lambda kv: (max(f.severity for f in kv[1]), max(f.score for f in kv[1])),
        reverse=True,
    )
    for uid, fs in ranked[:10]:
        m = msgs.get(uid)
        if not m:
            continue
        excerpt = next((f.excerpt for f in fs if f.excerpt), "") or m.text[:160]
        report.top_items.append(
            TopItem(
                message_uid=uid,
                severity=max(f.severity for f in fs),
                categories=sorted({f.category for f in fs}),
                score=max(f.score for f in fs),
                author=m.author.name,
                created_at=m.created_at.isoformat(),
                excerpt=excerpt,
            )
        )
