"""Composition root of the gateway: no database, no broker of its own; one pooled HTTP client,
the shared token verifier (JWKS + Redis deny-list) and the Redis rate limiter."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from common.auth.tokens import TokenVerifier
from common.runtime import ServiceRuntime, build_runtime
from gateway.proxy import Upstreams
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings
from gateway.stream import StreamHub, Tickets


@dataclass
class Gateway:
    runtime: ServiceRuntime
    upstreams: Upstreams
    verifier: TokenVerifier
    limiter: RateLimiter
    hub: StreamHub
    tickets: Tickets


def build(settings: Settings) -> Gateway:
    runtime = build_runtime(settings)
    client = httpx.AsyncClient(
        timeout=settings.upstream_timeout_s,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        follow_redirects=False,
    )
    runtime.closers.append(client.aclose)
    assert runtime.redis is not None
    assert runtime.token_verifier is not None
    limiter = RateLimiter(runtime.redis, prefix=settings.redis_prefix)
    tickets = Tickets(
        runtime.redis, prefix=settings.redis_prefix, ttl_s=settings.stream_ticket_ttl_s
    )
    return Gateway(
        runtime,
        Upstreams(settings, client),
        runtime.token_verifier,
        limiter,
        StreamHub(settings, runtime.revocations),
        tickets,
    )
