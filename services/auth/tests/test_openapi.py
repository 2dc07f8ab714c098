"""The OpenAPI document builds (the gateway merges it into /api/docs)."""

from __future__ import annotations

from typing import Any


async def test_openapi_lists_the_auth_api(api: Any) -> None:
    response = await api.client.get("/openapi.json")
    assert response.status_code == 200, response.text
    paths = response.json()["paths"]
    for path in (
        "/api/auth/sign-up",
        "/api/auth/sign-in",
        "/api/auth/refresh",
        "/api/auth/.well-known/jwks.json",
        "/api/auth/{provider}/callback",
        "/api/auth/admin/users",
        "/api/auth/2fa/enable",
        "/api/auth/user",
    ):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/auth/user"]["put"]["requestBody"]["content"]
