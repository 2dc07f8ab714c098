"""Forwarding public paths to the service that owns them, unchanged, over one pooled client."""

from __future__ import annotations

import asyncio
import ipaddress
import re

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from common.context import request_id_var
from common.errors import error_body
from gateway.settings import Settings

# Hop-by-hop headers are the connection's own, never forwarded (RFC 9110 §7.6.1).
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


# Set again by the gateway's own server/middleware: forwarding them would duplicate them.
_UPSTREAM_OWN = frozenset({"content-encoding", "x-request-id", "date", "server"})
_UNSAFE_PATH = re.compile(r"%2f|%5c|%2e|\\", re.IGNORECASE)
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)")


class Upstreams:
    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self.services = settings.upstreams()
        self.routes = sorted(
            ((prefix, self.services[name]) for prefix, name in settings.routes().items()),
            key=lambda route: -len(route[0]),
        )
        self.client = client
        self.trusted = {
            ipaddress.ip_address(p.strip())
            for p in settings.trusted_proxies.split(",")
            if p.strip()
        }

    def target(self, path: str) -> str | None:
        for prefix, base in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return base
        return None

    def client_chain(self, request: Request) -> str:
        peer = request.client.host if request.client else ""
        forwarded = request.headers.get("x-forwarded-for", "")
        try:
            trusted_peer = ipaddress.ip_address(peer) in self.trusted
        except ValueError:
            trusted_peer = False
        return f"{forwarded}, {peer}" if forwarded and trusted_peer else peer

    async def health(self) -> dict[str, bool]:
        """Service name → its /health/ready answered 200 (addresses stay internal)."""
        names = sorted(self.services)

        async def ready(base: str) -> bool:
            try:
                answer = await self.client.get(f"{base}/health/ready", timeout=2.0)
            except httpx.HTTPError:
                return False
            return answer.status_code == 200

        results = await asyncio.gather(*(ready(self.services[n]) for n in names))
        return dict(zip(names, results, strict=True))


def proxy_router(upstreams: Upstreams) -> APIRouter:
    router = APIRouter()

    @router.api_route(
        "/api/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def forward(request: Request, path: str) -> Response:
        # Route and forward the path exactly as the client sent it; a dot segment or an encoded
        # slash could otherwise match one prefix's rules and reach another path upstream.
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        if _UNSAFE_PATH.search(raw_path) or _DOT_SEGMENT.search(request.url.path):
            return JSONResponse(error_body("bad_request", "Malformed path."), status_code=400)
        base = upstreams.target(request.url.path)
        if base is None:
            return JSONResponse(error_body("not_found", "No such API path."), status_code=404)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["x-request-id"] = request_id_var.get() or ""
        headers["x-forwarded-for"] = upstreams.client_chain(request)
        query = f"?{request.url.query}" if request.url.query else ""
        try:
            answer = await upstreams.client.request(
                request.method,
                f"{base}{raw_path}{query}",
                content=await request.body(),
                headers=headers,
            )
        except httpx.HTTPError:
            return JSONResponse(
                error_body("upstream_unavailable", "The service is unavailable, retry shortly."),
                status_code=503,
            )
        out_headers = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in _HOP_BY_HOP and k.lower() not in _UPSTREAM_OWN
        }
        return Response(answer.content, status_code=answer.status_code, headers=out_headers)

    return router


def gateway_health_router(upstreams: Upstreams) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> JSONResponse:
        upstream = await upstreams.health()
        ok = all(upstream.values())
        return JSONResponse(
            {"status": "ok" if ok else "degraded", "gateway": True, "upstreams": upstream},
            status_code=200 if ok else 503,
        )

    return router
