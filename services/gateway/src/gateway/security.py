"""Browser-facing hardening: CORS for configured origins only, and security headers.

Every answer gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
``Referrer-Policy`` and a CSP with ``frame-ancestors 'none'``; HTML without a CSP of its own
gets a strict one; HSTS is sent only when the client reached us over TLS (the connection
itself, or ``X-Forwarded-Proto: https`` from a trusted proxy).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.settings import Settings

HSTS = "max-age=63072000; includeSubDomains"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HTML_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, is_trusted: Callable[[str], bool]) -> None:
        self.app = app
        self.is_trusted = is_trusted

    def _behind_tls(self, scope: Scope) -> bool:
        if scope.get("scheme") == "https":
            return True
        peer = scope.get("client") or ("", 0)
        proto = dict(scope["headers"]).get(b"x-forwarded-proto", b"").decode("latin-1")
        return proto.split(",")[0].strip().lower() == "https" and self.is_trusted(peer[0])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = self._behind_tls(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _FIXED.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy", HTML_CSP if html else API_CSP)
                if tls:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings, is_trusted: Callable[[str], bool]) -> None:
    app.add_middleware(SecurityHeadersMiddleware, is_trusted=is_trusted)
    origins = settings.cors_origin_list
    if origins:
        # Outermost: a preflight is answered before anything else runs.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "authorization",
                "content-type",
                "idempotency-key",
                "last-event-id",
                "x-request-id",
            ],
            expose_headers=["x-request-id", "retry-after"],
            allow_credentials=False,  # bearer tokens, not cookies
            max_age=600,
        )
