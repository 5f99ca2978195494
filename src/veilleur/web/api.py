"""The ``/v1`` REST API: analyse without storing, ingest a live feed, list and update findings and cases.

Authentication is by API token (``Authorization: Bearer vt_...``), created with ``veilleur user token-create``;
the token acts with its user's role. Errors are JSON ``{"error": ..., "detail": ...}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from veilleur.accounts import auth
from veilleur.accounts.auth import User
from veilleur.accounts.models import Role
from veilleur.errors import InputError, NotFoundError
from veilleur.moderate import actions
from veilleur.records import Attachment, Author, FindingStatus, Message
from veilleur.store import Store
from veilleur.taxonomy import CATEGORIES, Severity
from veilleur.web.analyze import AnalyzeService, DetectorFailed, DetectorUnavailable
from veilleur.web.deps import get_store
from veilleur.web.settings import ApiSettings

bearer = HTTPBearer(auto_error=False, description="API token from `veilleur user token-create`")
router = APIRouter(prefix="/v1", tags=["v1"])
MAX_TEXT = 20_000
MAX_IMAGE_B64 = 14_000_000  # about 10 MB of image


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        self.status, self.error, self.detail = status, error, detail


def api_error_response(exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"error": exc.error, "detail": exc.detail}, status_code=exc.status, headers=headers)


def api_user(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User:
    if creds is None or not creds.credentials:
        raise ApiError(401, "unauthorized", "missing API token (Authorization: Bearer ...)")
    user = auth.user_for_token(get_store(request), creds.credentials)
    if user is None:
        raise ApiError(401, "unauthorized", "invalid or revoked API token")
    return user


def role(minimum: Role) -> Any:
    def check(user: Annotated[User, Depends(api_user)]) -> User:
        if minimum != "target" and not user.can(minimum):
            raise ApiError(403, "forbidden", f"role {user.role!r} may not do this (needs {minimum})")
        return user

    return check


Viewer = Annotated[User, Depends(role("viewer"))]
Moderator = Annotated[User, Depends(role("moderator"))]
AnyUser = Annotated[User, Depends(role("target"))]


# -- models ------------------------------------------------------------------------------------------------
class AnalyzeRequest(BaseModel):
    text: str | None = Field(None, max_length=MAX_TEXT, description="Text to analyse")
    image: str | None = Field(None, max_length=MAX_IMAGE_B64, description="Image bytes, base64")
    languages: list[Literal["fr", "en"]] | None = Field(None, max_length=2, description="Expected languages")
    categories: list[str] | None = Field(
        None, max_length=len(CATEGORIES), description="Categories to score (default all)"
    )

    @model_validator(mode="after")
    def _one_input(self) -> AnalyzeRequest:
        if not self.text and not self.image:
            raise ValueError("give a text or an image")
        for c in self.categories or []:
            if c not in CATEGORIES:
                raise ValueError(f"unknown category {c!r}")
        return self


class SpanOut(BaseModel):
    start: int
    end: int
    label: str
    text: str
    category: str
    detector: str
    score: float


class AnalyzeResponse(BaseModel):
    language: str | None
    scores: dict[str, float]
    spans: list[SpanOut]
    findings: list[dict[str, Any]]
    detectors: dict[str, str]


class AuthorIn(BaseModel):
    id: str = Field(..., min_length=1, max_length=255)
    name: str = Field(..., max_length=500)


class MessageIn(BaseModel):
    source: str = Field(..., min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    community_id: str = Field(..., min_length=1, max_length=255)
    community_name: str | None = Field(None, max_length=500)
    message_id: str = Field(..., min_length=1, max_length=255)
    author: AuthorIn
    created_at: AwareDatetime
    text: str = Field("", max_length=100_000)
    kind: Literal["post", "comment", "reply", "message"] = "message"
    parent_id: str | None = Field(None, max_length=255)
    url: str | None = Field(None, max_length=2000)
    reactions: dict[str, Annotated[int, Field(ge=0, le=10**9)]] = Field(default_factory=dict, max_length=50)


class IngestRequest(BaseModel):
    messages: list[MessageIn] = Field(..., min_length=1, max_length=1000)
    scan: bool = True


class IngestResponse(BaseModel):
    import_id: str
    messages_seen: int
    messages_new: int
    findings: int
    new_findings: int
    scan_errors: dict[str, str]


class FindingOut(BaseModel):
    id: str
    message_uid: str
    detector: str
    detector_version: str
    category: str
    severity: str
    score: float
    explanation: str
    spans: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    excerpt: str
    details: dict[str, Any]
    status: str
    created_at: str
    message_created_at: str
    member_uid: str
    community_uid: str
    status_by: str | None
    status_note: str | None


class FindingUpdate(BaseModel):
    status: FindingStatus
    note: str | None = Field(None, max_length=2000)


class ActionRequest(BaseModel):
    action: Literal["dismiss", "hide", "remove", "warn", "suspend", "ban", "escalate"]
    note: str = Field("", max_length=2000)
    text: str = Field("", max_length=10_000, description="Warning text sent to the member")
    days: int | None = Field(None, ge=1, le=3650, description="Suspension length")
    target_user: str | None = Field(
        None, max_length=255, description="Login of the targeted person (escalate)"
    )


class ActionOut(BaseModel):
    action: str
    finding_id: str
    case_id: str | None
    decision_id: int | None


class CaseOut(BaseModel):
    id: str
    title: str
    kind: str
    community_uid: str | None
    message_uids: list[str]
    finding_ids: list[str]
    member_uids: list[str]
    context: dict[str, Any]
    state: str
    created_at: str | None
    target_user: str | None


class CaseUpdate(BaseModel):
    state: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[a-z_]+$")
    title: str | None = Field(None, min_length=1, max_length=500)
    target_user: str | None = Field(None, max_length=255)


class CaseCreate(BaseModel):
    finding_id: str = Field(..., min_length=1, max_length=40)
    title: str = Field("", max_length=500)
    target_user: str | None = Field(None, max_length=255)


class MeOut(BaseModel):
    login: str
    role: str
    display_name: str


# -- detectors for /analyze (veilleur.web.analyze: loaded at start-up, micro-batched, no global lock) --------
def _service(request: Request) -> AnalyzeService:
    svc: AnalyzeService = request.app.state.analyzer
    return svc


def _sniff_image(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if len(data) > 132 and data[128:132] == b"DICM":
        return "application/dicom"
    raise ApiError(422, "invalid_image", "the image is not JPEG, PNG, GIF, WebP or DICOM")


# -- routes ----------------------------------------------------------------------------------------------------
@router.get("/me", response_model=MeOut)
def me(user: AnyUser) -> MeOut:
    return MeOut(login=user.login, role=user.role, display_name=user.display_name)


@router.post("/analyze", response_model=AnalyzeResponse)
async def analyze(request: Request, body: AnalyzeRequest, user: Viewer) -> AnalyzeResponse:
    """Score a text and/or an image against the taxonomy without storing anything (Perspective-like)."""
    api = request.app.state.settings.section(ApiSettings)
    names: list[str] = []
    if body.text:
        names += list(api.text_detectors)
    tmp = tempfile.TemporaryDirectory(prefix="veilleur-analyze-") if body.image else None
    try:
        attachments: tuple[Attachment, ...] = ()
        if body.image and tmp is not None:
            attachments = (await run_in_threadpool(_image_attachment, body.image, Path(tmp.name)),)
            names += [n for n in api.image_detectors if n not in names]
        msg = Message(
            source="api",
            community_id="analyze",
            community_name="analyze",
            message_id="analyze-" + uuid.uuid4().hex,
            author=Author("api", "api"),
            created_at=datetime.now(UTC),
            text=body.text or "",
            attachments=attachments,
        )
        try:
            outcome = await asyncio.wrap_future(
                _service(request).submit(msg, names, list(body.languages) if body.languages else None)
            )
        except DetectorUnavailable as exc:
            raise ApiError(503, "detector_unavailable", str(exc)) from None
        except DetectorFailed as exc:
            raise ApiError(503, "detector_failed", str(exc)) from None
    finally:
        if tmp is not None:
            await run_in_threadpool(tmp.cleanup)
    wanted = set(body.categories or CATEGORIES)
    findings = [f for f in outcome.findings if f.category in wanted]
    scores: dict[str, float] = {c: 0.0 for c in (body.categories or [])}
    for f in findings:
        scores[f.category] = max(scores.get(f.category, 0.0), round(f.score, 4))
    spans = [
        SpanOut(
            start=s.start,
            end=s.end,
            label=s.label,
            text=s.text,
            category=f.category,
            detector=f.detector,
            score=round(f.score, 4),
        )
        for f in findings
        for s in f.spans
    ]
    out = []
    for f in findings:
        d = f.to_dict()
        d.pop("message_uid", None)
        d.pop("id", None)
        out.append(d)
    return AnalyzeResponse(
        language=outcome.language, scores=scores, spans=spans, findings=out, detectors=outcome.versions
    )


def _image_attachment(image_b64: str, folder: Path) -> Attachment:
    try:
        data = base64.b64decode(image_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_image", "image is not valid base64") from None
    media_type = _sniff_image(data)
    path = folder / "upload"
    path.write_bytes(data)
    return Attachment(
        name="upload",
        media_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        path=str(path),
    )


@router.post("/messages", response_model=IngestResponse)
def ingest(request: Request, body: IngestRequest, user: Moderator) -> IngestResponse:
    """Store messages from a live feed and (by default) scan them; new serious findings raise alerts."""
    from veilleur.ingest.importer import import_messages

    store = get_store(request)
    msgs = []
    for m in body.messages:
        d = m.model_dump()
        d["created_at"] = m.created_at.isoformat()
        d["community_name"] = m.community_name or m.community_id
        msgs.append(Message.from_dict(d))
    report = import_messages(store, msgs, actor=user.login, source_label="api")
    store.audit(
        user.login, "api.ingest", report.import_id, {"seen": report.messages_seen, "new": report.messages_new}
    )
    findings = new = 0
    errors: dict[str, str] = {}
    if body.scan:
        from veilleur.pipeline import scan

        names = list(request.app.state.settings.section(ApiSettings).scan_detectors)
        try:
            rep = scan(store, message_uids=[m.uid for m in msgs], detectors=names or None)
        except Exception as exc:  # detectors named explicitly but not loadable
            raise ApiError(503, "detector_unavailable", f"scan failed: {exc}") from None
        findings, new, errors = rep.findings, rep.new_findings, dict(rep.errors)
    return IngestResponse(
        import_id=report.import_id,
        messages_seen=report.messages_seen,
        messages_new=report.messages_new,
        findings=findings,
        new_findings=new,
        scan_errors=errors,
    )


def _visible_finding_ids(store: Store, user: User) -> set[str] | None:
    if user.role != "target":
        return None
    return {fid for c in store.list_cases(target_user=user.login) for fid in c.finding_ids}


@router.get("/findings", response_model=list[FindingOut])
def list_findings(
    request: Request,
    user: AnyUser,
    category: str | None = Query(None, max_length=64),
    status: FindingStatus | None = None,
    min_severity: Literal["info", "low", "medium", "high", "critical"] | None = None,
    community_uid: str | None = Query(None, max_length=40),
    member_uid: str | None = Query(None, max_length=40),
    detector: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> list[FindingOut]:
    store = get_store(request)
    if category and category not in CATEGORIES:
        raise ApiError(422, "invalid_category", f"unknown category {category!r}")
    allowed = _visible_finding_ids(store, user)
    rows = store.list_findings(
        category=category,
        status=status,
        min_severity=Severity.parse(min_severity) if min_severity else None,
        community_uid=community_uid,
        member_uid=member_uid,
        detector=detector,
        limit=None if allowed is not None else limit,
        offset=0 if allowed is not None else offset,
    )
    if allowed is not None:
        rows = [r for r in rows if r.finding.id in allowed][offset : offset + limit]
    return [FindingOut(**r.to_dict()) for r in rows]


def _finding_for(store: Store, user: User, finding_id: str) -> Any:
    allowed = _visible_finding_ids(store, user)
    if allowed is not None and finding_id not in allowed:
        raise ApiError(404, "not_found", f"no finding {finding_id!r}")
    return store.get_finding(finding_id)


@router.get("/findings/{finding_id}", response_model=FindingOut)
def get_finding(request: Request, finding_id: str, user: AnyUser) -> FindingOut:
    return FindingOut(**_finding_for(get_store(request), user, finding_id).to_dict())


@router.patch("/findings/{finding_id}", response_model=FindingOut)
def update_finding(request: Request, finding_id: str, body: FindingUpdate, user: Moderator) -> FindingOut:
    sf = get_store(request).set_finding_status(finding_id, body.status, user.login, body.note)
    return FindingOut(**sf.to_dict())


@router.post("/findings/{finding_id}/actions", response_model=ActionOut)
def act(request: Request, finding_id: str, body: ActionRequest, user: Moderator) -> ActionOut:
    """Take a moderation action: dismiss, hide, remove, warn, suspend, ban or escalate to a case."""
    res = actions.apply(
        get_store(request),
        finding_id,
        body.action,
        user.login,
        note=body.note,
        text=body.text,
        days=body.days,
        target_user=body.target_user,
    )
    return ActionOut(**res.to_dict())


@router.get("/cases", response_model=list[CaseOut])
def list_cases(
    request: Request, user: AnyUser, state: str | None = Query(None, max_length=32)
) -> list[CaseOut]:
    store = get_store(request)
    found = (
        store.list_cases(target_user=user.login, state=state)
        if user.role == "target"
        else store.list_cases(state=state)
    )
    return [CaseOut(**c.to_dict()) for c in found]


def _case_for(store: Store, user: User, case_id: str) -> Any:
    case = store.get_case(case_id)
    if user.role == "target" and case.target_user != user.login:
        raise ApiError(404, "not_found", f"no case {case_id!r}")
    return case


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(request: Request, case_id: str, user: AnyUser) -> CaseOut:
    return CaseOut(**_case_for(get_store(request), user, case_id).to_dict())


@router.post("/cases", response_model=CaseOut)
def create_case(request: Request, body: CaseCreate, user: Moderator) -> CaseOut:
    """Escalate a finding (and the other findings on its message) to a new case."""
    store = get_store(request)
    res = actions.apply(
        store, body.finding_id, "escalate", user.login, note=body.title, target_user=body.target_user
    )
    assert res.case_id is not None
    return CaseOut(**store.get_case(res.case_id).to_dict())


@router.patch("/cases/{case_id}", response_model=CaseOut)
def update_case(request: Request, case_id: str, body: CaseUpdate, user: Moderator) -> CaseOut:
    from dataclasses import replace

    store = get_store(request)
    case = store.get_case(case_id)
    changes: dict[str, Any] = {k: v for k, v in body.model_dump().items() if v is not None}
    if not changes:
        raise InputError("body", "nothing to update")
    case = store.update_case(replace(case, **changes), user.login)
    return CaseOut(**case.to_dict())


__all__ = ["ApiError", "NotFoundError", "api_error_response", "router"]
