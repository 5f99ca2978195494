"""The workspace's server-rendered pages (login, dashboard, queue, item, media, member, audit, cases).

A router: ``create_app`` includes it. Each page reads the store through ``request.app.state`` and calls
``moderate`` (actions, read models), ``accounts`` and ``law``; nothing here writes SQL.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from veilleur.accounts import auth
from veilleur.errors import InputError, NotFoundError
from veilleur.i18n import pick_lang, translate, warning_text
from veilleur.moderate import actions, queries
from veilleur.notify import alerts
from veilleur.records import CLOSED_CASE_STATES, FINDING_STATUSES, Region
from veilleur.store import Store, StoredFinding
from veilleur.taxonomy import CATEGORIES, Severity, label
from veilleur.web.analyze import AnalyzeService
from veilleur.web.blur import blur_image
from veilleur.web.charts import bar_chart, weekly_chart
from veilleur.web.deps import get_store
from veilleur.web.names import confusable_with, invisible_chars
from veilleur.web.rendering import PARIS, lang_of, paris, render
from veilleur.web.security import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfFailed,
    Forbidden,
    Principal,
    check_csrf,
    client_ip,
    require_page,
    safe_next,
)
from veilleur.web.settings import WebSettings

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
REVEAL_MINUTES = 10


# -- helpers shared by the pages ----------------------------------------------------------------------------
def _parse_date(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise InputError(field, f"expected a date YYYY-MM-DD, got {value!r}") from None
    return d.replace(tzinfo=PARIS).astimezone(UTC)


def highlight(
    text: str, stored: list[StoredFinding]
) -> tuple[list[tuple[str, str | None]], list[dict[str, Any]]]:
    """Message text cut into (segment, label or None) for <mark>, plus spans that belong elsewhere (OCR)."""
    marks: list[tuple[int, int, str]] = []
    other: list[dict[str, Any]] = []
    for sf in stored:
        for sp in sf.finding.spans:
            if 0 <= sp.start < sp.end <= len(text) and (not sp.text or text[sp.start : sp.end] == sp.text):
                marks.append(
                    (
                        sp.start,
                        sp.end,
                        f"{sp.label or sf.finding.category} · {sf.finding.detector} {sf.finding.score:.2f}",
                    )
                )
            else:
                other.append({"label": sp.label, "text": sp.text, "detector": sf.finding.detector})
    marks.sort()
    segments: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, lab in marks:
        if start < pos:  # overlapping spans: extend the current mark instead of nesting
            if end > pos:
                prev_text, prev_label = segments.pop()
                segments.append((prev_text + text[pos:end], prev_label))
                pos = end
            continue
        if start > pos:
            segments.append((text[pos:start], None))
        segments.append((text[start:end], lab))
        pos = end
    if pos < len(text):
        segments.append((text[pos:], None))
    return segments, other


def _communities(store: Store) -> list[Any]:
    return store.list_communities()


def _member_names(store: Store, uids: set[str]) -> dict[str, str]:
    return {m.uid: m.display_name for m in store.list_members() if m.uid in uids}


def _deadlines(store: Store, community_uid: str | None, within_days: int = 90) -> list[dict[str, Any]]:
    """Legal deadlines of open cases expiring within ``within_days``, from ``veilleur.law``."""
    from veilleur.law.deadlines import case_deadlines
    from veilleur.law.qualify import qualify

    now = datetime.now(UTC)
    out: list[dict[str, Any]] = []
    for case in store.list_cases():
        if case.state in CLOSED_CASE_STATES or (community_uid and case.community_uid != community_uid):
            continue
        q = qualify(
            case, store.get_messages(list(case.message_uids)), store.get_findings(list(case.finding_ids))
        )
        deadlines = case_deadlines(q)
        for d in deadlines:
            if not d.expired(now) and d.days_left(now) <= within_days:
                item = d.to_dict(now)
                item["title"] = case.title
                out.append(item)
    out.sort(key=lambda d: d["days_left"])
    return out[:10]


def _can_see_finding(store: Store, p: Principal, finding_id: str) -> bool:
    if p.user.role != "target":
        return True
    return any(finding_id in c.finding_ids for c in store.list_cases(target_user=p.user.login))


# -- pages ---------------------------------------------------------------------------------------------------
@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """200 once the /v1/analyze detectors are loaded (503 before): route traffic here only then."""
    svc: AnalyzeService = request.app.state.analyzer
    svc.start()  # normally started with the app; idempotent
    st = svc.status()
    return JSONResponse(
        {"status": st["status"], "detectors": sorted(st["detectors"]), "unavailable": sorted(st["errors"])},
        status_code=200 if svc.ready else 503,
    )


@router.get("/")
def root(request: Request) -> Response:
    p = require_page(request, "target")
    return RedirectResponse("/cases" if p.user.role == "target" else "/dashboard", status_code=303)


def _set_cookie(request: Request, response: Response, name: str, value: str, **options: Any) -> None:
    """Every workspace cookie: HTTP only, same site strict, secure when the deployment says so."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=request.app.state.secure_cookies, **options
    )


@router.get("/lang/{code}")
def set_lang(request: Request, code: str, next: str = "/") -> Response:
    r = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, r, "lang", pick_lang(code), max_age=365 * 86400)
    return r


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    r = render(request, "login.html", None, next=safe_next(next), prelogin=token, error=None)
    _set_cookie(request, r, PRELOGIN_COOKIE, token, max_age=3600)
    return r


@router.post("/login")
def login(
    request: Request,
    login: str = Form("", max_length=255),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=200),
    next: str = Form("/", max_length=2000),
) -> Response:
    store = get_store(request)
    pre = request.cookies.get(PRELOGIN_COOKIE)
    if not pre or not secrets.compare_digest(pre, csrf):
        raise CsrfFailed()
    limiter: auth.LoginLimiter = request.app.state.limiter
    throttle: auth.AuditThrottle = request.app.state.audit_throttle
    ip = client_ip(request)

    def refused(status: int, error: str, action: str, key: str | None) -> Response:
        # Written after the response (same timing for known and unknown logins); floods aggregated per address.
        skipped = throttle.admit(key) if key else 0
        r = render(
            request, "login.html", None, status_code=status, next=safe_next(next), prelogin=csrf, error=error
        )
        if skipped is not None:
            data: dict[str, Any] = {"ip": ip}
            if key:
                data["similar_not_logged"] = skipped
            r.background = BackgroundTask(store.audit, login[:255] or "?", action, None, data)
        return r

    if not limiter.begin(
        login, ip
    ):  # check and reserve in one step: concurrent attempts cannot pass the limit
        return refused(429, "login.throttled", "login.throttled", f"throttled:{ip}")
    verdict: bool | None = None  # None (no slot, database busy): the attempt is released, not counted
    try:
        with limiter.slot() as got:
            if not got:  # too many password checks running: refuse rather than queue without bound
                return render(
                    request,
                    "login.html",
                    None,
                    status_code=503,
                    next=safe_next(next),
                    prelogin=csrf,
                    error="login.busy",
                    headers={"Retry-After": "5"},
                )
            user, known = auth.check_password(store, login, password)
        verdict = user is not None
    finally:
        limiter.end(login, ip, verdict)
    if user is None:
        return refused(401, "login.failed", "login.failed", None if known else f"unknown:{ip}")
    hours = request.app.state.settings.section(WebSettings).session_hours
    sid, _csrf = auth.retry_busy(lambda: auth.log_in(store, user.login, hours=hours, ip=ip))
    default = "/cases" if user.role == "target" else "/dashboard"
    r = RedirectResponse(safe_next(next if next != "/" else default, default), status_code=303)
    _set_cookie(request, r, SESSION_COOKIE, sid, path="/")
    r.delete_cookie(PRELOGIN_COOKIE)
    return r


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    p = require_page(request, "target")
    check_csrf(p, csrf)
    sid = request.cookies.get(SESSION_COOKIE, "")
    auth.end_session(get_store(request), sid)
    get_store(request).audit(p.user.login, "logout", None, {})
    r = RedirectResponse("/login", status_code=303)
    r.delete_cookie(SESSION_COOKIE, path="/")
    return r


@router.get("/dashboard")
def dashboard(request: Request, community: str | None = None, top: int = 10) -> Response:
    p = require_page(request, "viewer")
    store = get_store(request)
    comms = _communities(store)
    if community is None and len(comms) == 1:
        community = comms[0].uid
    current = next((c for c in comms if c.uid == community), None)
    starts, series = queries.findings_per_week(store, community)
    lang = lang_of(request)
    chart = weekly_chart(starts, series, lang)
    by_sev = queries.open_by_severity(store, community)
    sev_rows = [(Severity(s).name.lower(), by_sev.get(int(s), 0)) for s in sorted(Severity, reverse=True)]
    sev_chart = bar_chart([(translate("sev." + n, lang), v, "sev-" + n) for n, v in sev_rows])
    top = max(1, min(top, 100))
    conc = queries.concentration(store, community, top_n=top)
    names = _member_names(store, {u for u, _ in conc.top})
    return render(
        request,
        "dashboard.html",
        p,
        communities=comms,
        community=current,
        chart=chart,
        sev_chart=sev_chart,
        sev_rows=sev_rows,
        open_total=sum(by_sev.values()),
        conc=conc,
        names=names,
        deadlines=_deadlines(store, community),
        notifications=alerts.recent_notifications(store, community, 8),
        member_count=current.member_count if current else sum(c.member_count for c in comms),
    )


@router.get("/queue")
def queue(
    request: Request,
    category: str = "",
    member: str = "",
    detector: str = "",
    community: str = "",
    since: str = "",
    until: str = "",
    status: str = "open",
    page: int = 1,
) -> Response:
    p = require_page(request, "viewer")
    store = get_store(request)
    if category and category not in CATEGORIES:
        raise InputError("category", f"unknown category {category!r}")
    if status not in FINDING_STATUSES:
        raise InputError("status", f"unknown status {status!r}")
    items = queries.review_queue(
        store,
        category=category or None,
        member_uid=member or None,
        detector=detector or None,
        community_uid=community or None,
        since=_parse_date(since, "since"),
        until=_parse_date(until, "until"),
        status=status,
    )
    page = max(1, page)
    total = len(items)
    shown = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    msgs = {m.uid: m for m in store.get_messages([it.stored.finding.message_uid for it in shown])}
    from veilleur.detect.base import available_detectors

    try:
        detectors = available_detectors()
    except Exception:
        detectors = []
    detectors = sorted(set(detectors) | {it.stored.finding.detector for it in items})
    filters = {
        "category": category,
        "member": member,
        "detector": detector,
        "community": community,
        "since": since,
        "until": until,
        "status": status,
    }
    return render(
        request,
        "queue.html",
        p,
        items=shown,
        msgs=msgs,
        total=total,
        page=page,
        pages=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        filters=filters,
        categories=CATEGORIES,
        detectors=detectors,
        communities=_communities(store),
        members=store.list_members(community or None) if member or community else [],
        query=urlencode({k: v for k, v in filters.items() if v}),
    )


@router.get("/item/{finding_id}")
def item(request: Request, finding_id: str, reveal: str = "", next: str = "/queue") -> Response:
    p = require_page(request, "viewer")
    store = get_store(request)
    sf = store.get_finding(finding_id)
    f = sf.finding
    msg = store.get_message(f.message_uid)
    on_msg = store.list_findings(message_uid=f.message_uid)
    segments, other_spans = highlight(msg.text, on_msg)
    thread = store.thread(msg.uid)
    member = store.get_member(sf.member_uid)
    comm = next_or_none(c for c in store.list_communities() if c.uid == sf.community_uid)
    lang = lang_of(request)
    warn = warning_text(
        lang,
        member=msg.author.name,
        community=comm.name if comm else msg.community_name,
        category=f.category,
        category_label=label(f.category, lang),
        date=paris(msg.created_at),
    )
    images = [a for a in msg.attachments if a.media_type.startswith("image/") and a.sha256]
    revealed = {reveal} if reveal and _recently_revealed(store, p.user.login, reveal) else set()
    cases = [c for c in store.list_cases() if finding_id in c.finding_ids]
    next_item = _next_in_queue(store, finding_id)
    return render(
        request,
        "item.html",
        p,
        author_confusable=_confusable(store, member),
        author_invisible=invisible_chars(msg.author.name),
        sf=sf,
        f=f,
        msg=msg,
        on_msg=on_msg,
        segments=segments,
        other_spans=other_spans,
        thread=thread,
        member=member,
        community=comm,
        warn=warn,
        images=images,
        revealed=revealed,
        visibility=store.message_visibility(msg.uid),
        cases=cases,
        next=safe_next(next, "/queue"),
        next_item=next_item,
        repeat=queries.is_repeat_offender(store, sf.member_uid),
        member_status=queries.member_status(store, sf.member_uid),
    )


@router.post("/item/{finding_id}/action")
def item_action(
    request: Request,
    finding_id: str,
    action: str = Form(...),
    csrf: str = Form(""),
    note: str = Form(""),
    text: str = Form(""),
    days: int | None = Form(None),
    target_user: str = Form(""),
    next: str = Form("/queue"),
) -> Response:
    p = require_page(request, "moderator")
    check_csrf(p, csrf)
    res = actions.apply(
        get_store(request),
        finding_id,
        action,
        p.user.login,
        note=note,
        text=text,
        days=days,
        target_user=target_user or None,
    )
    if res.case_id:
        return RedirectResponse(f"/cases/{res.case_id}", status_code=303)
    return RedirectResponse(safe_next(next, "/queue"), status_code=303)


@router.post("/bulk")
async def bulk(request: Request) -> Response:
    p = require_page(request, "moderator")
    form = await request.form()
    check_csrf(p, str(form.get("csrf", "")))
    action = str(form.get("action", ""))
    if action not in ("dismiss", "hide", "remove", "escalate"):
        raise InputError("action", f"not a bulk action: {action!r}")
    ids = [str(v) for v in form.getlist("finding_ids")]
    store = get_store(request)
    done = 0
    for fid in ids:
        if store.get_finding(fid).status == "open":  # an earlier item of the batch may have settled it
            actions.apply(store, fid, action, p.user.login, note=str(form.get("note", "")))
            done += 1
    store.audit(p.user.login, "bulk." + action, None, {"findings": ids, "applied": done})
    return RedirectResponse(safe_next(str(form.get("next", "/queue")), "/queue"), status_code=303)


@router.post("/media/{finding_id}/{sha}/reveal")
def reveal(request: Request, finding_id: str, sha: str, csrf: str = Form("")) -> Response:
    p = require_page(request, "moderator")
    check_csrf(p, csrf)
    store = get_store(request)
    store.get_finding(finding_id)
    store.audit(p.user.login, "media.reveal", sha, {"finding": finding_id})
    return RedirectResponse(f"/item/{finding_id}?reveal={sha}#media", status_code=303)


@router.get("/media/{finding_id}/{sha}")
def media(request: Request, finding_id: str, sha: str, original: int = 0) -> Response:
    p = require_page(request, "target")
    store = get_store(request)
    if not _can_see_finding(store, p, finding_id):
        raise Forbidden()
    sf = store.get_finding(finding_id)
    msg = store.get_message(sf.finding.message_uid)
    att = next_or_none(a for a in msg.attachments if a.sha256 == sha)
    if att is None or not store.blobs.has(sha):
        raise NotFoundError(f"no attachment {sha}")
    data = store.blobs.read(sha)
    if original:
        if not p.user.can("moderator") or not _recently_revealed(store, p.user.login, sha):
            raise Forbidden()
        return Response(
            data,
            media_type=att.media_type if att.media_type.startswith("image/") else "application/octet-stream",
        )
    regions: list[Region] = []
    whole = False
    for x in store.list_findings(message_uid=msg.uid):
        rs = [r for r in x.finding.regions if r.attachment_sha256 == sha]
        regions.extend(rs)
        if not rs and x.finding.category in ("patient_photo", "nudity", "minor_in_media"):
            whole = True  # a sensitive image without boxes is blurred entirely
    try:
        out, mt = blur_image(data, regions, whole=whole)
    except ValueError:
        raise NotFoundError(f"attachment {sha} is not a displayable image") from None
    return Response(out, media_type=mt)


@router.get("/member/{member_uid}")
def member_page(request: Request, member_uid: str) -> Response:
    p = require_page(request, "viewer")
    store = get_store(request)
    m = store.get_member(member_uid)
    found = store.list_findings(member_uid=member_uid, order="time")
    history = store.search_messages(member_uid=member_uid, limit=100)
    return render(
        request,
        "member.html",
        p,
        m=m,
        findings=found,
        history=history,
        confusable=_confusable(store, m),
        invisible=invisible_chars(m.display_name),
        decisions=queries.decisions(store, member_uid=member_uid),
        repeat=queries.is_repeat_offender(store, member_uid),
        status=queries.member_status(store, member_uid),
        visibility={h.uid: store.message_visibility(h.uid) for h in history},
        audit=store.audit_log(target=member_uid, limit=50),
    )


@router.get("/audit")
def audit_page(request: Request, actor: str = "", action: str = "", target: str = "") -> Response:
    p = require_page(request, "moderator")
    entries = get_store(request).audit_log(
        actor=actor or None, action=action or None, target=target or None, limit=500
    )
    return render(
        request,
        "audit.html",
        p,
        entries=entries,
        filters={"actor": actor, "action": action, "target": target},
    )


@router.get("/cases")
def cases(request: Request) -> Response:
    p = require_page(request, "target")
    store = get_store(request)
    found = store.list_cases(target_user=p.user.login) if p.user.role == "target" else store.list_cases()
    return render(request, "cases.html", p, cases=found)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    p = require_page(request, "target")
    store = get_store(request)
    case = store.get_case(case_id)
    if p.user.role == "target" and case.target_user != p.user.login:
        store.audit(p.user.login, "case.refused", case_id, {})
        raise Forbidden()
    store.audit(p.user.login, "case.viewed", case_id, {}) if p.user.role == "target" else None
    msgs = store.get_messages(list(case.message_uids))
    found = [store.get_finding(i) for i in case.finding_ids if _exists(store, i)]
    return render(
        request,
        "case.html",
        p,
        case=case,
        msgs=msgs,
        findings=found,
        events=store.case_events(case_id),
        has_evidence=True,
        has_respond=True,
    )


def _confusable(store: Store, member: Any) -> list[str]:
    """Names of other members of the same community that render like this member's (impersonation)."""
    return confusable_with(
        member.display_name,
        (name for uid, name in queries.member_names(store, member.community_uid) if uid != member.uid),
    )


def _exists(store: Store, finding_id: str) -> bool:
    try:
        store.get_finding(finding_id)
        return True
    except NotFoundError:
        return False


def next_or_none(it: Any) -> Any:
    return next(iter(it), None)


def _recently_revealed(store: Store, login: str, sha: str) -> bool:
    """Originals are served only for a few minutes after an explicit, logged "reveal"."""
    entries = store.audit_log(actor=login, target=sha, action="media.reveal", limit=1)
    return bool(entries) and entries[0].at > datetime.now(UTC) - timedelta(minutes=REVEAL_MINUTES)


def _next_in_queue(store: Store, finding_id: str) -> str | None:
    items = queries.review_queue(store)
    ids = [it.stored.finding.id for it in items]
    if finding_id in ids:
        i = ids.index(finding_id)
        return ids[i + 1] if i + 1 < len(ids) else None
    return ids[0] if ids else None
