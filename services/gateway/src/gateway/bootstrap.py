"""Composition root of the gateway: no database, no broker of its own; one pooled HTTP client,
the shared token verifier (JWKS + Redis deny-list) and the Redis rate limiter."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass

import httpx

from common.auth.tokens import TokenVerifier
from common.runtime import ServiceRuntime, build_runtime
from gateway.proxy import Upstreams
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings
from gateway.stream import StreamHub, Tickets

# Upstream connections per httpx pool (see ``upstream_clients``), and at most this many pools.
CONNECTIONS_PER_POOL = 16
MAX_POOLS = 32


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
    clients = upstream_clients(settings)
    runtime.closers.extend(client.aclose for client in clients)
    assert runtime.redis is not None
    assert runtime.token_verifier is not None
    limiter = RateLimiter(runtime.redis, prefix=settings.redis_prefix)
    tickets = Tickets(
        runtime.redis, prefix=settings.redis_prefix, ttl_s=settings.stream_ticket_ttl_s
    )
    return Gateway(
        runtime,
        Upstreams(settings, clients),
        runtime.token_verifier,
        limiter,
        StreamHub(settings, runtime.revocations),
        tickets,
    )


def upstream_clients(settings: Settings) -> list[httpx.AsyncClient]:
    """Pools of HTTP/1.1 keep-alive connections to the upstreams, together
    ``upstream_max_connections`` connections; each request takes the next pool in turn.

    Several small pools, not one large one: httpcore walks every connection of a pool (a
    readability syscall each) twice per request, which made one pool of 64 busy connections
    over a quarter of the gateway's CPU (py-spy). Every connection may stay alive: httpcore
    closes an idle one whenever its pool holds more connections *in all* than
    ``max_keepalive_connections``, so a lower figure would reconnect on every request under
    load. Waiting for a free connection is bounded by ``upstream_pool_wait_s`` (then
    ``httpx.PoolTimeout``: the proxy answers 503 + Retry-After).
    """
    _remember_missing_sniffio()
    total = settings.upstream_max_connections
    pools = max(1, min(MAX_POOLS, total // CONNECTIONS_PER_POOL))
    return [_pool(settings, total // pools + (1 if i < total % pools else 0)) for i in range(pools)]


def _pool(settings: Settings, size: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.upstream_timeout_s, pool=settings.upstream_pool_wait_s),
        limits=httpx.Limits(
            max_connections=size,
            max_keepalive_connections=size,
            keepalive_expiry=settings.upstream_keepalive_s,
        ),
        follow_redirects=False,
    )


def _remember_missing_sniffio() -> None:
    """httpcore tries ``import sniffio`` on every request; without the package each miss
    searched sys.path on disk again (a tenth of the gateway's CPU under load, py-spy). A
    ``None`` entry makes the miss immediate; httpcore then assumes asyncio, as it did."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
