"""One OpenAPI: upstream documents merged with clashes renamed; bearer scheme; docs page."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.openapi import merge


async def test_merged_document_has_upstream_paths_security_and_missing_services(
    gateway: httpx.AsyncClient,
) -> None:
    answer = await gateway.get("/api/openapi.json")
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    paths = doc["paths"]
    assert "security" not in paths["/api/events/sports"]["get"]  # public read
    assert paths["/api/events/"]["post"]["security"] == [{"bearerAuth": []}]  # admin write
    assert paths["/api/stream/ticket"]["post"]["security"] == [{"bearerAuth": []}]
    assert "/api/stream" in paths
    assert doc["info"]["x-unavailable"] == ["auth", "bets", "notifications", "partners", "wallet"]
    # every $ref points at a component that exists
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.append(value)
                else:
                    collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(doc)
    for ref in refs:
        _, _, section, name = ref.split("/")
        assert name in doc["components"][section], ref


def test_clashing_component_names_are_prefixed_and_refs_rewritten() -> None:
    def document(prop: str) -> dict[str, Any]:
        return {
            "paths": {
                f"/api/{prop}/x": {
                    "get": {
                        "responses": {
                            "200": {
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Item"}
                                    }
                                }
                            }
                        }
                    }
                }
            },
            "components": {"schemas": {"Item": {"properties": {prop: {"type": "string"}}}}},
        }

    merged = merge({"bets": document("bets"), "wallet": document("wallet")}, title="t")
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"Item", "wallet_Item"}
    wallet_ref = merged["paths"]["/api/wallet/x"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    assert wallet_ref == "#/components/schemas/wallet_Item"
    assert merged["paths"]["/api/bets/x"]["get"]["security"] == [{"bearerAuth": []}]
    # identical components are shared, not duplicated
    same = merge({"bets": document("bets"), "other": document("bets")}, title="t")
    assert set(same["components"]["schemas"]) == {"Item"}


@pytest.mark.parametrize(
    ("method", "template", "bearer"),
    [
        ("GET", "/api/auth/{provider}/authorize", False),
        ("GET", "/api/auth/{provider}/callback", False),
        ("POST", "/api/auth/2fa/verify", False),
        ("GET", "/api/auth/avatars/{user_id}/{name}", False),
        ("GET", "/api/events/{event_id}", False),
        ("GET", "/api/stream", False),
        ("GET", "/health/ready", False),
        ("POST", "/api/stream/ticket", True),
        ("GET", "/api/bets/{bet_id}", True),
        ("POST", "/api/events/{event_id}/settle", True),
    ],
)
def test_the_document_asks_for_a_token_exactly_where_the_gateway_does(
    method: str, template: str, bearer: bool
) -> None:
    operation = {"responses": {"200": {"description": "ok"}}}
    merged = merge({"x": {"paths": {template: {method.lower(): operation}}}}, title="t")
    assert ("security" in merged["paths"][template][method.lower()]) is bearer


async def test_docs_page_points_at_merged_document_with_its_own_csp(
    gateway: httpx.AsyncClient,
) -> None:
    answer = await gateway.get("/api/docs")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in answer.text
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert (await gateway.get("/docs")).status_code == 404
