"""Workspace pages for conversation findings: the list of pile-ons, campaigns and doxxing (a queue grouped
by conversation), a raid view (the conversation with each author's role) and a target's page (what was
said to and about a person, by whom, in time order). A router included by ``app.create_app``; staff only."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from veilleur.errors import NotFoundError
from veilleur.i18n import DEFAULT_LANG, LANGS, catalogue
from veilleur.store import Store, StoredFinding
from veilleur.web.deps import get_store
from veilleur.web.rendering import lang_of, render
from veilleur.web.security import require_page

router = APIRouter(include_in_schema=False)
MAX_FINDINGS = 5000
MAX_MESSAGES = 600
TARGET_DAYS = 90


@lru_cache(maxsize=len(LANGS))
def page_text(lang: str) -> dict[str, str]:
    """The conversation pages' texts (``conv.*`` in the shared interface catalogue), by short key."""
    return {
        key.removeprefix("conv."): entry.get(lang, entry[DEFAULT_LANG])
        for key, entry in catalogue().items()
        if key.startswith("conv.")
    }


def _conv_findings(store: Store, community: str | None = None) -> list[StoredFinding]:
    return store.list_findings(
        detector="conversation",
        status=["open", "escalated", "actioned"],
        community_uid=community or None,
        limit=MAX_FINDINGS,
        order="time",
    )


def overview(store: Store, community: str | None = None) -> dict[str, Any]:
    """Conversation findings grouped: one row per raid episode, per campaign, per doxxing message."""
    raids: dict[str, dict[str, Any]] = {}
    campaigns: dict[str, dict[str, Any]] = {}
    doxxing: list[StoredFinding] = []
    context: list[StoredFinding] = []
    for sf in _conv_findings(store, community):
        f = sf.finding
        d = f.details
        if f.category == "raid" and d.get("episode_id"):
            r = raids.setdefault(d["episode_id"], {"details": d, "findings": [], "severity": f.severity})
            r["findings"].append(sf)
            r["severity"] = max(r["severity"], f.severity)
        elif f.category == "harassment" and d.get("kind") == "campaign":
            c = campaigns.setdefault(d["campaign_id"], {"details": d, "findings": []})
            c["findings"].append(sf)
        elif f.category == "doxxing":
            doxxing.append(sf)
        elif f.category == "harassment":
            context.append(sf)
    order = sorted(
        raids.items(), key=lambda kv: (-int(kv[1]["severity"]), kv[1]["details"].get("window_start", ""))
    )
    return {"raids": order, "campaigns": list(campaigns.items()), "doxxing": doxxing, "context": context}


def raid_view(store: Store, episode_id: str) -> dict[str, Any]:
    found = [
        sf
        for sf in store.list_findings(detector="conversation", category="raid", limit=MAX_FINDINGS)
        if sf.finding.details.get("episode_id") == episode_id
    ]
    if not found:
        raise NotFoundError(f"no raid {episode_id!r}")
    d = max(found, key=lambda sf: len(sf.finding.details.get("message_uids", []))).finding.details
    by_msg = {sf.finding.message_uid: sf for sf in found}
    from datetime import datetime

    start = datetime.fromisoformat(d["window_start"]) - timedelta(minutes=30)
    end = datetime.fromisoformat(d["window_end"]) + timedelta(minutes=30)
    cu = found[0].community_uid
    uids = store.message_uids(community_uid=cu, since=start, until=end)[:MAX_MESSAGES]
    roles: dict[str, str] = {d.get("target_uid", ""): "target", d.get("initiator_uid", ""): "initiator"}
    for u in d.get("supporter_uids", []):
        roles[u] = "supporter"
    for u in d.get("defender_uids", []):
        roles.setdefault(u, "defender")
    rows = []
    for m in store.get_messages(uids):
        rows.append(
            {
                "m": m,
                "role": roles.get(m.author_uid, ""),
                "finding": by_msg.get(m.uid),
                "in_raid": m.uid in set(d.get("message_uids", [])),
            }
        )
    return {"details": d, "rows": rows, "findings": found}


def target_view(store: Store, member_uid: str) -> dict[str, Any]:
    """Messages others addressed to or wrote about a member, read as the scan reads them (the conversation
    rules and the learned model: a turn the model found hostile is marked hostile here too)."""
    from veilleur.detect.context import DetectionContext, MemberRef
    from veilleur.detect.conversation.analyse import Settings, analyse
    from veilleur.detect.conversation.model import load_model

    member = store.get_member(member_uid)
    cu = member.community_uid
    uids = store.message_uids(community_uid=cu)[-MAX_MESSAGES * 2 :]
    msgs = store.get_messages(uids)
    ctx = DetectionContext(members=[MemberRef(x.uid, x.display_name, (), cu) for x in store.list_members(cu)])
    ctx.add(msgs)
    stored = store.list_findings(
        community_uid=cu, status=["open", "escalated", "actioned"], limit=MAX_FINDINGS
    )
    res = analyse(ctx, [sf.finding for sf in stored], Settings(model=load_model()))
    per_msg: dict[str, list[StoredFinding]] = defaultdict(list)
    for sf in stored:
        per_msg[sf.finding.message_uid].append(sf)
    rows: list[dict[str, Any]] = []
    authors: dict[str, dict[str, Any]] = {}
    for m in msgs:
        t = res.turns.get(m.uid)
        if t is None or m.author_uid == member_uid:
            continue
        rel = (
            "to"
            if member_uid in t.to or member_uid in t.addressees
            else "about"
            if (member_uid in t.about or member_uid in t.targets)
            else ""
        )
        if not rel:
            continue
        hostile = bool(t.hostile) and member_uid in t.targets
        rows.append({"m": m, "rel": rel, "hostile": hostile, "findings": per_msg.get(m.uid, [])})
        a = authors.setdefault(m.author_uid, {"name": m.author.name, "total": 0, "hostile": 0})
        a["total"] += 1
        a["hostile"] += int(hostile)
    raids = [(e.id, len(e.raiders)) for e in res.episodes if e.target == member_uid]
    return {
        "member": member,
        "rows": rows,
        "authors": sorted(authors.values(), key=lambda a: (-a["hostile"], -a["total"])),
        "raids": raids,
    }


def text(request: Request) -> dict[str, str]:
    return page_text(lang_of(request))


@router.get("/conversations")
def conversations(request: Request, community: str = "") -> Response:
    p = require_page(request, "viewer")
    data = overview(get_store(request), community or None)
    return render(request, "conversations.html", p, t=text(request), **data)


@router.get("/raid/{episode_id}")
def raid(request: Request, episode_id: str) -> Response:
    p = require_page(request, "viewer")
    return render(request, "raid.html", p, t=text(request), **raid_view(get_store(request), episode_id))


@router.get("/target/{member_uid}")
def target(request: Request, member_uid: str) -> Response:
    p = require_page(request, "viewer")
    return render(request, "target.html", p, t=text(request), **target_view(get_store(request), member_uid))
