"""The FastAPI application: server-rendered moderator pages plus the ``/v1`` REST API.

``create_app(settings, store)`` builds it on the same ``Store`` the CLI uses; pages and API call the
same ``actions`` and ``queries`` modules, so nothing is implemented twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from veilleur import __version__
from veilleur.accounts import auth
from veilleur.config import Settings, load_settings
from veilleur.errors import VeilleurError
from veilleur.i18n import LANGS
from veilleur.notify import alerts
from veilleur.store import Store
from veilleur.taxonomy import label
from veilleur.web.analyze import AnalyzeService
from veilleur.web.conversations import router as conversations_router
from veilleur.web.limits import BodyLimitMiddleware
from veilleur.web.names import balance_bidi
from veilleur.web.pages import router as pages_router
from veilleur.web.rendering import PARIS, full_path, paris, render
from veilleur.web.security import (
    CsrfFailed,
    Forbidden,
    LoginRequired,
    safe_url,
)
from veilleur.web.settings import WebSettings

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The workspace app on ``store`` (opened from ``settings`` when not given)."""
    settings = settings or (store.settings if store else load_settings())
    store = store or Store.open(settings)
    analyzer = AnalyzeService(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        analyzer.start()  # loads the /v1/analyze detectors in the background (/readyz: 503 until done)
        yield
        analyzer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="veilleur",
        version=__version__,
        description="veilleur REST API: analyse text and images, ingest messages, review findings and cases.",
        docs_url=None,  # the Swagger UI loads from a CDN: nothing may load from the network
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.analyzer = analyzer
    app.state.settings = settings
    web = settings.section(WebSettings)
    app.state.limiter = auth.LoginLimiter(
        max_failures=web.login_max_failures,
        window_s=web.login_window_s,
        max_per_ip=web.login_max_per_address,
        max_concurrent=web.login_concurrency,
    )
    app.state.audit_throttle = auth.AuditThrottle(web.login_audit_interval_s)
    # A request waits at most this long for another process's write lock (a long import), then 503.
    store.set_busy_timeout(web.db_busy_timeout_s)
    app.state.secure_cookies = web.secure_cookies
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Every printed value has its bidi controls closed: a name cannot reverse the text after it (I11).
    templates.env.finalize = lambda v: balance_bidi(v) if isinstance(v, str) else v
    templates.env.filters["safe_url"] = safe_url
    templates.env.globals.update(label=label, version=__version__, LANGS=LANGS)
    templates.env.filters["paris"] = paris
    templates.env.filters["paris_date"] = lambda dt: dt.astimezone(PARIS).strftime("%d/%m/%Y") if dt else ""
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    alerts.install_listener()

    from veilleur.web.api import router as api_router

    app.include_router(api_router)
    _install_handlers(app)
    app.include_router(pages_router)
    mb = 1024 * 1024
    app.add_middleware(
        BodyLimitMiddleware,
        limits=[
            ("/login", 16 * 1024),
            ("/v1/analyze", int(web.max_body_analyze_mb * mb)),
            ("/v1/messages", int(web.max_body_messages_mb * mb)),
        ],
        default=int(web.max_body_mb * mb),
        token_ok=lambda token: auth.user_for_token(store, token, touch=False) is not None,
    )
    app.include_router(conversations_router)
    return app


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    from veilleur.web.api import ApiError, api_error_response

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        return api_error_response(exc)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login?" + urlencode({"next": full_path(request)}), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        from veilleur.web.security import page_principal

        return render(
            request,
            "error.html",
            page_principal(request),
            status_code=403,
            code=403,
            message_key="err.forbidden",
        )

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "error.html", None, status_code=403, code=403, message_key="err.csrf")

    @app.exception_handler(VeilleurError)
    async def _veilleur(request: Request, exc: VeilleurError) -> Response:
        """Every ``VeilleurError`` by the status, code and headers it carries (404, 503 busy, 400...)."""
        headers = dict(exc.headers) or None
        if request.url.path.startswith("/v1"):
            return JSONResponse(
                {"error": exc.code, "detail": str(exc)}, status_code=exc.status, headers=headers
            )
        from veilleur.web.security import page_principal

        try:
            who = page_principal(request)
        except VeilleurError:  # the database may be what failed
            who = None
        key = {404: "err.not_found", 503: "err.busy"}.get(exc.status, "err.bad_request")
        extra = {"detail": str(exc)} if key == "err.bad_request" else {}
        return render(
            request,
            "error.html",
            who,
            status_code=exc.status,
            code=exc.status,
            message_key=key,
            headers=headers,
            **extra,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/v1") or request.url.path.startswith("/static"):
            return JSONResponse(
                {"error": "http_error", "detail": exc.detail},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        return render(
            request,
            "error.html",
            None,
            status_code=exc.status_code,
            code=exc.status_code,
            message_key="err.http",
        )
