"""Proxy hardening: timeouts → 504, several addresses per service (a refused one skipped)."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.entrypoints.api.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings


async def test_slow_upstream_is_504_upstream_timeout(gateway_factory: Any) -> None:
    async with gateway_factory(upstream_timeout_s=0.3) as gateway:
        answer = await gateway.get("/api/events/_slow/2")
        assert answer.status_code == 504
        assert answer.json()["error"]["code"] == "upstream_timeout"


async def test_refused_address_is_skipped_round_robin(
    gateway_factory: Any, events_upstream: Any
) -> None:
    urls = f"http://127.0.0.1:1,{events_upstream.url}"
    async with gateway_factory(events_url=urls) as gateway:
        for _ in range(4):  # each address gets its turn; the refused one falls through
            assert (await gateway.get("/api/events/_echo/rr")).status_code == 200
        health = await gateway.get("/health")
        assert health.json()["upstreams"]["events"] is True


async def test_metrics_count_requests_by_route_status_upstream(gateway: Any, scrape: Any) -> None:
    await gateway.get("/api/events/_echo/m")
    await gateway.post("/api/bets/place")  # no token: refused at the edge
    text = await scrape(gateway)
    assert (
        'looseline_gateway_requests_total{route="/api/bets",status="401",upstream="bets"}' in text
    )
    assert (
        'looseline_gateway_requests_total{route="/api/events",status="200",upstream="events"}'
        in text
    )
    assert "looseline_gateway_upstream_seconds" in text


async def test_metrics_are_not_served_on_the_public_port(gateway: Any, scrape: Any) -> None:
    public = await gateway.get("/metrics")
    assert public.status_code == 404
    assert public.json()["error"]["code"] == "not_found"
    assert "looseline_gateway_requests_total" not in public.text
    assert (await gateway.post("/metrics")).status_code == 404
    assert "looseline_http_request_duration_seconds" in await scrape(gateway)


async def test_over_real_http_lengths_and_empty_answers_pass_through(
    make_settings: Any, events_upstream: Any, serve_app: Any, token_issuer: Any
) -> None:
    settings = make_settings(GatewaySettings, events_url=events_upstream.url)
    async with (
        serve_app(create_gateway_app(settings)) as served,
        httpx.AsyncClient(base_url=served.url) as http,
    ):
        answer = await http.get("/api/events/_echo/len", headers={"user-agent": "gw-test/1"})
        assert answer.status_code == 200
        assert int(answer.headers["content-length"]) == len(answer.content)
        assert answer.headers["x-content-type-options"] == "nosniff"
        headers = {"authorization": f"Bearer {token_issuer.issue()}"}
        gone = await http.delete("/api/events/_gone/now", headers=headers)
        assert gone.status_code == 204
        assert gone.content == b""
        head = await http.head("/api/events/_echo/len")
        assert head.status_code in (200, 405)
