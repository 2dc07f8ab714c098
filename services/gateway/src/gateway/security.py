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
# The app's pages load nothing from another origin, unless card entry needs it (html_csp).
HTML_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# What Stripe.js needs (Stripe's CSP guide): its script, its iframes (Elements, 3-D Secure) and
# its API. Nothing else of Stripe's: the hosted Checkout page is a navigation, not a load.
STRIPE_JS = {
    "script-src": ("https://js.stripe.com", "https://*.js.stripe.com"),
    "frame-src": ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
}


def html_csp(card_origins: list[str]) -> str:
    """The pages' CSP with card entry's origins added: ``stripe`` adds Stripe.js (STRIPE_JS);
    any other origin (the local Stripe simulator) may be called by the app's card form, and
    nothing more (no script, no frame)."""
    extra: dict[str, list[str]] = {}
    for origin in card_origins:
        for directive, sources in (
            STRIPE_JS.items() if origin == "stripe" else [("connect-src", (origin,))]
        ):
            extra.setdefault(directive, [])
            extra[directive] += [s for s in sources if s not in extra[directive]]
    if not extra:
        return HTML_CSP
    directives = [d.split(" ", 1) for d in HTML_CSP.split("; ")]
    out = []
    for name, value in directives:
        out.append(" ".join([name, value, *extra.pop(name, [])]))
        if name == "connect-src" and "frame-src" in extra:
            out.append(" ".join(["frame-src", *extra.pop("frame-src")]))
    return "; ".join(out)


_FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class SecurityHeadersMiddleware:
    def __init__(
        self, app: ASGIApp, is_trusted: Callable[[str], bool], page_csp: str = HTML_CSP
    ) -> None:
        self.app = app
        self.is_trusted = is_trusted
        self.page_csp = page_csp

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
                # A 304 has no content type, and the browser merges its headers into the
                # cached answer: no CSP on it, or a cached page would get the API's.
                if message["status"] != 304:
                    csp = self.page_csp if html else API_CSP
                    headers.setdefault("content-security-policy", csp)
                if tls:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings, is_trusted: Callable[[str], bool]) -> None:
    app.add_middleware(
        SecurityHeadersMiddleware,
        is_trusted=is_trusted,
        page_csp=html_csp(settings.csp_card_origin_list),
    )
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
