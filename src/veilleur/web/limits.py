"""Request body limits, applied before the application reads a byte (and, on ``/v1``, before big bodies from
callers without a valid API token are read at all).

A pure ASGI middleware: a declared ``Content-Length`` over the route's limit is answered 413 at once; a body
without a length (chunked) is counted as it streams and cut at the limit. On ``/v1``, a body larger than
``preauth_above`` bytes (or of unknown length) is read only after the bearer token has been checked: six
unauthenticated 50 MB uploads cost nothing but a 401 each.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HEADERS = [
    (b"content-type", b"application/json"),
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"connection", b"close"),
]


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: Sequence[tuple[str, int]],
        default: int,
        token_ok: Callable[[str], bool] | None = None,
        preauth_above: int = 64 * 1024,
    ) -> None:
        self.app = app
        self.limits = sorted(limits, key=lambda x: -len(x[0]))  # longest prefix first
        self.default = default
        self.token_ok = token_ok
        self.preauth_above = preauth_above

    def limit_for(self, path: str) -> int:
        return next(
            (n for prefix, n in self.limits if path == prefix or path.startswith(prefix.rstrip("/") + "/")),
            self.default,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.limit_for(path)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared: int | None = None
        if b"content-length" in headers:
            try:
                declared = int(headers[b"content-length"])
            except ValueError:
                await _reply(send, 400, "bad_request", "invalid Content-Length")
                return
        if declared is not None and declared > limit:
            await _reply(send, 413, "payload_too_large", f"request body over {limit} bytes for {path}")
            return
        if declared == 0 or (declared is None and b"transfer-encoding" not in headers):
            await self.app(scope, receive, send)  # no body
            return
        if (
            self.token_ok is not None
            and path.startswith("/v1/")
            and (declared is None or declared > self.preauth_above)
            and not await run_in_threadpool(self.token_ok, _bearer(headers.get(b"authorization", b"")))
        ):
            await _reply(
                send,
                401,
                "unauthorized",
                "missing, invalid or revoked API token (checked before reading the body)",
                extra=[(b"www-authenticate", b"Bearer")],
            )
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await _reply(send, 413, "payload_too_large", f"request body over {limit} bytes for {path}")
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        del chunks
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _bearer(value: bytes) -> str:
    text = value.decode("latin-1").strip()
    scheme, _, token = text.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _reply(
    send: Send, status: int, error: str, detail: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_HEADERS, *(extra or []), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
