"""The gateway over real HTTP: a real events upstream served by uvicorn, down upstreams refused."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest


async def test_upstream_404_reaches_client_in_error_shape_with_request_id(
    gateway: httpx.AsyncClient,
) -> None:
    request_id = f"gw-test-{uuid.uuid4().hex}"
    answer = await gateway.get("/api/events/no/such/thing", headers={"x-request-id": request_id})
    assert answer.status_code == 404
    # The upstream's own 404 ("Not Found"), not the gateway's "No such API path."
    assert answer.json() == {
        "error": {"code": "not_found", "message": "Not Found", "details": None}
    }
    assert answer.headers["x-request-id"] == request_id


async def test_path_query_and_request_id_are_forwarded_to_upstream(
    gateway: httpx.AsyncClient,
) -> None:
    request_id = f"gw-test-{uuid.uuid4().hex}"
    answer = await gateway.get(
        "/api/events/_echo/a/b",
        params=[("sport", "football"), ("sport", "tennis"), ("live", "1")],
        headers={"x-request-id": request_id},
    )
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/api/events/_echo/a/b"
    assert seen["query"] == [["live", "1"], ["sport", "football"], ["sport", "tennis"]]
    assert seen["request_id"] == request_id
    assert seen["real_ip"] == "127.0.0.1"  # the gateway names the client it saw
    assert answer.headers["x-request-id"] == request_id


async def test_health_is_503_with_upstreams_map_when_some_are_down(
    gateway: httpx.AsyncClient,
) -> None:
    answer = await gateway.get("/health")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "degraded"
    # keyed by service name: internal addresses are not published
    assert body["upstreams"] == {"auth": False, "bets": False, "events": True, "wallet": False}


async def test_unknown_api_prefix_is_404_in_error_shape(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/api/nothing/here")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {"code": "not_found", "message": "No such API path.", "details": None}
    }


async def test_down_upstream_is_503_upstream_unavailable(
    gateway: httpx.AsyncClient, token_issuer: Any
) -> None:
    token = token_issuer.issue()
    answer = await gateway.post(
        "/api/bets/place", json={"stake": "10.00"}, headers={"authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "upstream_unavailable"


async def test_gateway_ready_without_database_or_broker(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/health/ready")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/..%2F..%2Fapi%2Fwallet%2Fx",
        "/api/events/%2e%2e/wallet/x",
        "/api/events/a%5Cb",
    ],
)
async def test_encoded_slashes_and_dot_segments_are_refused(
    gateway: httpx.AsyncClient, path: str
) -> None:
    # httpx would normalise a literal "/../" itself, so send the raw target as the client did.
    request = gateway.build_request("GET", "http://test")
    request.url = request.url.copy_with(raw_path=path.encode())
    answer = await gateway.send(request)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"
