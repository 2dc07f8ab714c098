"""One OpenAPI document for the whole public API, and a Swagger UI page for it.

``GET /api/openapi.json`` merges every upstream's ``/openapi.json`` (paths are already public
``/api/...`` paths) with the gateway's own (the stream): components whose names clash with
different content are renamed ``<service>_<Name>`` and their ``$ref``s rewritten. Protected
operations carry the ``bearerAuth`` security scheme; public ones none. An upstream that does
not answer is left out and named in ``info.x-unavailable``. Cached for ``ttl_s``.
"""

from __future__ import annotations

import asyncio
import copy
import html
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from gateway.access import is_public
from gateway.proxy import Upstreams

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SWAGGER = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value in renames:
                out[key] = renames[value]
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


_PARAMETER = re.compile(r"\{[^}/]+\}")
# The gateway's own routes that take no bearer token: the stream's credential is its ticket.
_OWN_PUBLIC = frozenset({("GET", "/api/stream")})


def needs_bearer(method: str, template: str) -> bool:
    """Whether the gateway asks for a token on this operation of the document.

    Judged on a concrete path (each ``{parameter}`` filled in) so that templates match the
    same patterns requests do; only ``/api`` is behind the token check (health is not).
    """
    if not template.startswith("/api/") or (method, template) in _OWN_PUBLIC:
        return False
    return not is_public(method, _PARAMETER.sub("x", template))


def merge(documents: dict[str, dict[str, Any]], *, title: str) -> dict[str, Any]:
    """Merge ``service → OpenAPI document`` into one (services in the given order)."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": {},
        "components": {"securitySchemes": {"bearerAuth": BEARER}},
    }
    components: dict[str, dict[str, Any]] = merged["components"]
    for service, original in documents.items():
        document = copy.deepcopy(original)
        renames: dict[str, str] = {}
        for section, items in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(items, dict):
                continue
            target = components.setdefault(section, {})
            for name, value in items.items():
                if name in target and target[name] != value:
                    new_name = f"{service}_{name}"
                    renames[f"#/components/{section}/{name}"] = f"#/components/{section}/{new_name}"
        document = _rewrite_refs(document, renames)
        for section, items in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(items, dict):
                continue
            target = components.setdefault(section, {})
            for name, value in items.items():
                renamed = renames.get(f"#/components/{section}/{name}")
                target[renamed.rsplit("/", 1)[1] if renamed else name] = value
        for path, operations in (document.get("paths") or {}).items():
            slot = merged["paths"].setdefault(path, {})
            for method, operation in operations.items():
                if method in _METHODS and isinstance(operation, dict):
                    operation.pop("security", None)
                    if needs_bearer(method.upper(), path):
                        operation["security"] = [{"bearerAuth": []}]
                slot[method] = operation
    return merged


class MergedOpenApi:
    def __init__(
        self, upstreams: Upstreams, own: Callable[[], dict[str, Any]], *, ttl_s: float = 60
    ) -> None:
        self._upstreams = upstreams
        self._own = own
        self._ttl_s = ttl_s
        self._cached: tuple[float, dict[str, Any]] | None = None
        self._lock = asyncio.Lock()

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        for base in self._upstreams.addresses(service):
            try:
                answer = await self._upstreams.client.get(f"{base}/openapi.json", timeout=3.0)
            except httpx.HTTPError:
                continue
            if answer.status_code == 200:
                body = answer.json()
                return body if isinstance(body, dict) else None
        return None

    async def document(self) -> dict[str, Any]:
        async with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self._ttl_s:
                return self._cached[1]
            services = sorted(self._upstreams.services)
            fetched = await asyncio.gather(*(self._fetch(s) for s in services))
            documents = {"gateway": self._own()}
            documents.update({s: d for s, d in zip(services, fetched, strict=True) if d})
            merged = merge(documents, title="LOOSELINE API")
            missing = [s for s, d in zip(services, fetched, strict=True) if d is None]
            if missing:
                merged["info"]["x-unavailable"] = missing
            else:  # a partial document is not cached: the next call tries again
                self._cached = (time.monotonic(), merged)
            return merged


def docs_router(merged: MergedOpenApi) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/api/openapi.json")
    async def openapi() -> JSONResponse:
        return JSONResponse(await merged.document())

    @router.get("/api/docs")
    async def docs() -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>LOOSELINE API</title>
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script nonce="{html.escape(nonce)}">
SwaggerUIBundle({{url: "/api/openapi.json", dom_id: "#swagger-ui"}});
</script></body></html>"""
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}' {SWAGGER}/; "
            f"style-src {SWAGGER}/ 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        return HTMLResponse(page, headers={"content-security-policy": csp})

    return router
