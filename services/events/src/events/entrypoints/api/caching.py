"""Cacheable reads: a weak ETag over the body, ``304`` on ``If-None-Match``, and
``Cache-Control: public, max-age=N`` for anonymous callers (the answer is the same for all)."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response
from pydantic import BaseModel


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:  # weak comparison
            return True
    return False


def cached_json(request: Request, answer: BaseModel, *, max_age_s: int) -> Response:
    body = answer.model_dump_json().encode()
    return cached_body(request, body, etag_of(body), max_age_s=max_age_s)


def cached_body(request: Request, body: bytes, etag: str, *, max_age_s: int) -> Response:
    """The rendered JSON ``body`` with its ``etag``: 304 when the client has it already."""
    anonymous = "authorization" not in request.headers
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age_s}" if anonymous else "private, no-cache",
        "Vary": "Authorization",
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
