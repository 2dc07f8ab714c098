"""Cacheable reads: a weak ETag over the body, ``304`` on ``If-None-Match``,
``Cache-Control: public, max-age=N`` for anonymous callers (the answer is the same for all), and
the gzip copy a cached page keeps when the client accepts it."""

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


def accepts_gzip(accept_encoding: str | None) -> bool:
    """``gzip`` in Accept-Encoding, else ``*``, and not refused by ``q=0`` (RFC 9110 §12.5.3)."""
    weights: dict[str, bool] = {}
    for item in (accept_encoding or "").split(","):
        coding, *params = (part.strip().lower() for part in item.split(";"))
        weights[coding] = not any(_is_zero_weight(param) for param in params)
    return weights.get("gzip", weights.get("*", False))


def _is_zero_weight(param: str) -> bool:
    name, _, value = param.replace(" ", "").partition("=")
    try:
        return name == "q" and float(value) == 0
    except ValueError:
        return False


def cached_body(
    request: Request, body: bytes, etag: str, *, max_age_s: int, gzipped: bytes | None = None
) -> Response:
    """The rendered JSON ``body`` with its ``etag``: 304 when the client has it already, the
    ``gzipped`` copy (when given) to a client that accepts it. The weak ETag is shared by both
    encodings: they are the same representation (RFC 9110 §8.8.1)."""
    anonymous = "authorization" not in request.headers
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age_s}" if anonymous else "private, no-cache",
        "Vary": "Authorization" if gzipped is None else "Authorization, Accept-Encoding",
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if gzipped is not None and accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(gzipped, media_type="application/json", headers=headers)
    return Response(body, media_type="application/json", headers=headers)
