"""The public signing keys (JWKS) every verifier fetches."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from auth.entrypoints.api.deps import Services
from auth.service_layer import signing

router = APIRouter(prefix="/api/auth", tags=["auth: keys"])


@router.get("/.well-known/jwks.json", response_model=dict[str, Any])
async def jwks(services: Services) -> JSONResponse:
    return JSONResponse(
        await signing.jwks(services),
        headers={"Cache-Control": "public, max-age=60"},
    )
