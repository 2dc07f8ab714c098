"""Forwarding public paths to the service that owns them, unchanged, over one pooled client.

Per request: path guard → route → the client's address (resolved once, ``gateway.clientip``)
→ per-IP (and strict) rate limits → bearer verification and admin check → per-user limits →
body size limit → forward to one of the service's addresses (round-robin; a refused address is
skipped) with the address as ``X-Real-IP`` → stream the answer back.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram
from starlette.background import BackgroundTask
from starlette.routing import Route

from common import tracing
from common.auth.tokens import TokenVerifier
from common.client_address import REAL_IP_HEADER
from common.context import request_id_var
from common.errors import DomainError, error_body
from gateway.access import authorize
from gateway.ratelimit import Limit, RateLimiter, is_strict
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


# What a client may say about its own address or connection: never forwarded. The gateway
# alone tells the services who the client is (X-Real-IP, ARCHITECTURE.md §9); anything else
# would let the client choose the address audits record and rate limits count.
_CLIENT_CLAIMS = frozenset(
    {
        "x-real-ip",
        "x-forwarded-for",
        "forwarded",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-forwarded-prefix",
        "x-original-forwarded-for",
        "x-client-ip",
        "x-cluster-client-ip",
        "true-client-ip",
        "cf-connecting-ip",
        "fastly-client-ip",
    }
)

# Set again by the gateway's own server/middleware: forwarding them would duplicate them.
_UPSTREAM_OWN = frozenset({"x-request-id", "date", "server"})
# Up to this size an upstream's answer is read whole and sent at once (see ``_answer``).
_WHOLE_BODY_BYTES = 1_048_576
_UNSAFE_PATH = re.compile(r"%2f|%5c|%2e|\\", re.IGNORECASE)
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)")

GATEWAY_REQUESTS = Counter(
    "looseline_gateway_requests_total",
    "Requests answered by the gateway's proxy, by route prefix, status and upstream",
    ["route", "status", "upstream"],
)
UPSTREAM_LATENCY = Histogram(
    "looseline_gateway_upstream_seconds",
    "Time until the upstream's response headers, by upstream",
    ["upstream"],
)
RATE_LIMITED = Counter(
    "looseline_gateway_rate_limited_total", "Requests refused with 429, by bucket", ["bucket"]
)


class BodyTooLarge(Exception):
    pass


class Upstreams:
    def __init__(self, settings: Settings, clients: Sequence[httpx.AsyncClient]) -> None:
        self.services = settings.upstreams()
        self.routes = sorted(
            ((prefix, name) for prefix, name in settings.routes().items()),
            key=lambda route: -len(route[0]),
        )
        self.client = clients[0]  # health checks and the OpenAPI merge
        self._clients = itertools.cycle(clients)
        self.proxies = settings.proxies
        self._turns = {name: itertools.count() for name in self.services}

    def target(self, path: str) -> tuple[str, str] | None:
        """(route prefix, service name) owning ``path``."""
        for prefix, name in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return prefix, name
        return None

    def next_client(self) -> httpx.AsyncClient:
        """The connection pool this request uses (pools take turns)."""
        return next(self._clients)

    def addresses(self, service: str) -> list[str]:
        """The service's addresses, starting with the next one's turn (round-robin)."""
        urls = self.services[service]
        start = next(self._turns[service]) % len(urls)
        return urls[start:] + urls[:start]

    def is_trusted(self, host: str) -> bool:
        return host in self.proxies

    def client_ip(self, request: Request) -> str:
        """The client's address: the peer, or behind our proxies the first address from the
        right of X-Forwarded-For that is not one of them."""
        peer = request.client.host if request.client else "unknown"
        return self.proxies.client_address(peer, request.headers.getlist("x-forwarded-for"))

    async def health(self) -> dict[str, bool]:
        """Service name → one of its addresses' /health/ready answered 200 (addresses stay
        internal)."""
        names = sorted(self.services)

        async def ready(base: str) -> bool:
            try:
                answer = await self.client.get(f"{base}/health/ready", timeout=2.0)
            except httpx.HTTPError:
                return False
            return answer.status_code == 200

        async def any_ready(name: str) -> bool:
            return any(await asyncio.gather(*(ready(u) for u in self.services[name])))

        results = await asyncio.gather(*(any_ready(n) for n in names))
        return dict(zip(names, results, strict=True))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def proxy_router(
    upstreams: Upstreams, settings: Settings, verifier: TokenVerifier, limiter: RateLimiter
) -> APIRouter:
    router = APIRouter()
    window = settings.rate_limit_window_s
    strict_window = settings.rate_limit_strict_window_s

    async def limited(limits: Iterator[tuple[Limit, str]]) -> JSONResponse | None:
        for limit, subject in limits:
            wait_s = await limiter.retry_after(limit, subject)
            if wait_s:
                RATE_LIMITED.labels(limit.bucket).inc()
                answer = _error(429, "rate_limited", "Too many requests; retry later.")
                answer.headers["Retry-After"] = str(wait_s)
                return answer
        return None

    async def forward(request: Request) -> Response:
        # Route and forward the path exactly as the client sent it; a dot segment or an encoded
        # slash could otherwise match one prefix's rules and reach another path upstream.
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        if _UNSAFE_PATH.search(raw_path) or _DOT_SEGMENT.search(request.url.path):
            return _error(400, "bad_request", "Malformed path.")
        found = upstreams.target(request.url.path)
        if found is None:
            return _error(404, "not_found", "No such API path.")
        prefix, service = found
        try:
            answer = await _handle(request, raw_path, prefix, service)
        except DomainError as exc:  # 401/403/503 from verification, counted like the rest
            answer = JSONResponse(
                error_body(exc.code, exc.message, exc.details),
                status_code=exc.status_code,
                headers=exc.headers,
            )
        GATEWAY_REQUESTS.labels(prefix, str(answer.status_code), service).inc()
        return answer

    # A plain Starlette route, not FastAPI's: the proxy takes no parameters to validate and
    # no dependencies, and FastAPI's handler machinery around it was a sixth of the gateway's
    # CPU per proxied request (py-spy, 64 balance reads in flight).
    router.routes.append(
        Route(
            "/api/{path:path}",
            forward,
            methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            include_in_schema=False,
        )
    )

    async def _handle(request: Request, raw_path: str, prefix: str, service: str) -> Response:
        method, path = request.method, request.url.path
        ip = upstreams.client_ip(request)
        strict = is_strict(method, path)

        def ip_limits() -> Iterator[tuple[Limit, str]]:
            yield Limit("ip", settings.rate_limit_per_ip, window), ip
            if strict:
                yield Limit(f"strict-ip:{path}", settings.rate_limit_strict, strict_window), ip

        refused = await limited(ip_limits())
        if refused is not None:
            return refused
        principal = await authorize(verifier, request)  # DomainError → 401/403 error shape
        if principal is not None:
            user = str(principal.user_id)

            def user_limits() -> Iterator[tuple[Limit, str]]:
                yield Limit("user", settings.rate_limit_per_user, window), user
                if strict:
                    bucket = f"strict-user:{path}"
                    yield Limit(bucket, settings.rate_limit_strict, strict_window), user

            refused = await limited(user_limits())
            if refused is not None:
                return refused
        try:
            body = await _read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return _error(413, "payload_too_large", "The request body is too large.")
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in _HOP_BY_HOP and k.lower() not in _CLIENT_CLAIMS
        }
        headers["x-request-id"] = request_id_var.get() or ""
        headers[REAL_IP_HEADER] = ip
        # The client's Accept-Encoding or none: without this, httpx's own default (gzip) would
        # reach the service, and its compressed answer is relayed raw to a client that never
        # asked for it.
        headers.setdefault("accept-encoding", "identity")
        query = f"?{request.url.query}" if request.url.query else ""
        client = upstreams.next_client()
        for base in upstreams.addresses(service):
            url = f"{base}{raw_path}{query}"
            with _client_span(method, prefix, service, url) as span:
                if span is not None:  # tracing on: the service's span is this one's child
                    headers.pop("tracestate", None)
                    tracing.inject_headers(headers)
                outgoing = client.build_request(method, url, content=body, headers=headers)
                started = time.perf_counter()
                try:
                    answer = await client.send(outgoing, stream=True)
                except httpx.ConnectError as exc:
                    _failed(span, exc)
                    continue  # refused or unresolvable: the next address may answer
                except httpx.PoolTimeout as exc:
                    _failed(span, exc)
                    # Every upstream connection busy: back-pressure the client, the service is
                    # fine.
                    return _busy(settings.upstream_retry_after_s)
                except httpx.TimeoutException as exc:
                    _failed(span, exc)
                    return _error(504, "upstream_timeout", "The service did not answer in time.")
                except httpx.HTTPError as exc:
                    _failed(span, exc)
                    break
                UPSTREAM_LATENCY.labels(service).observe(time.perf_counter() - started)
                if span is not None:
                    span.set_attribute("http.response.status_code", answer.status_code)
                    if answer.status_code >= 500:
                        span.set_status(Status(StatusCode.ERROR))
            return await _answer(answer)
        return _error(503, "upstream_unavailable", "The service is unavailable, retry shortly.")

    return router


def _client_span(
    method: str, prefix: str, service: str, url: str
) -> AbstractContextManager[Span | None]:
    """Tracing on: a CLIENT span per upstream attempt (until its response headers)."""
    if not tracing.enabled():
        return nullcontext(None)
    return tracing.tracer().start_as_current_span(
        f"{method} {prefix}",
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": method,
            "url.full": url,
            "server.address": service,
            "looseline.upstream": service,
        },
        record_exception=False,
        set_status_on_exception=False,
    )


def _failed(span: Span | None, exc: Exception) -> None:
    if span is not None:
        tracing.fail(span, exc)


def _busy(retry_after_s: int) -> JSONResponse:
    answer = _error(503, "upstream_busy", "The service is busy, retry shortly.")
    answer.headers["Retry-After"] = str(retry_after_s)
    return answer


async def _answer(answer: httpx.Response) -> Response:
    """The upstream's answer (status, headers, raw bytes; its Retry-After on a 503 too).

    A body of known, small length is read whole and sent as one response: a streamed one costs
    a task per request (Starlette listens for the client's disconnect), a tenth of the proxy's
    CPU under load. Longer or unsized bodies (reports, exports) are streamed."""
    headers = {
        k: v
        for k, v in answer.headers.items()
        if k.lower() not in _HOP_BY_HOP and k.lower() not in _UPSTREAM_OWN
    }
    length = answer.headers.get("content-length")
    if length is not None:  # raw bytes relayed: the length holds
        headers["content-length"] = length
        if length.isdigit() and int(length) <= _WHOLE_BODY_BYTES:
            try:
                body = b"".join([chunk async for chunk in answer.aiter_raw()])
            except httpx.TimeoutException:
                return _error(504, "upstream_timeout", "The service did not answer in time.")
            except httpx.HTTPError:
                return _error(503, "upstream_unavailable", "The service is unavailable.")
            finally:
                await answer.aclose()
            return Response(body, status_code=answer.status_code, headers=headers)
    return StreamingResponse(
        _relay(answer),
        status_code=answer.status_code,
        headers=headers,
        background=BackgroundTask(answer.aclose),
    )


async def _relay(answer: httpx.Response) -> AsyncIterator[bytes]:
    # Raw bytes: the upstream's Content-Encoding is passed through unchanged.
    async for chunk in answer.aiter_raw():
        yield chunk


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
