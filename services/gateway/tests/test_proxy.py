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
    assert body["upstreams"] == {
        "auth": False,
        "bets": False,
        "events": True,
        "notifications": False,
        "partners": False,
        "wallet": False,
    }


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


async def test_the_clients_accept_encoding_reaches_the_service_and_none_means_identity(
    gateway: httpx.AsyncClient,
) -> None:
    """httpx adds its own ``Accept-Encoding: gzip`` to the proxy's request unless told; a client
    that sent none must not get a gzip body it cannot read."""
    told = await gateway.get("/api/events/_echo/x", headers={"Accept-Encoding": "br, gzip"})
    assert told.json()["headers"]["accept-encoding"] == "br, gzip"

    request = gateway.build_request("GET", "/api/events/_echo/x")
    del request.headers["accept-encoding"]
    silent = await gateway.send(request)
    assert silent.json()["headers"]["accept-encoding"] == "identity"


async def test_a_listing_page_arrives_gzipped_through_the_gateway_when_accepted(
    gateway: httpx.AsyncClient,
) -> None:
    plain = await gateway.get("/api/events/", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200, plain.text
    assert "content-encoding" not in plain.headers

    zipped = await gateway.get("/api/events/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # httpx decoded the relayed gzip body
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert "Accept-Encoding" in zipped.headers["vary"]
