"""Composition root of the gateway: no database, no broker yet; one pooled HTTP client."""

from __future__ import annotations

import httpx

from common.runtime import ServiceRuntime, build_runtime
from gateway.proxy import Upstreams
from gateway.settings import Settings


def build(settings: Settings) -> tuple[ServiceRuntime, Upstreams]:
    runtime = build_runtime(settings)
    client = httpx.AsyncClient(
        timeout=settings.upstream_timeout_s,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        follow_redirects=False,
    )
    runtime.closers.append(client.aclose)
    return runtime, Upstreams(settings, client)
