"""Postback signatures, both ways (HMAC-SHA256 with the partner's secret, hex).

Outbound (we sign, the partner verifies)::

    X-Looseline-Signature: t=<unix>,v1=<hex HMAC(secret, "<t>.<METHOD> <path?query>\\n<body>")>

``<path?query>`` is the request target exactly as sent (the rendered URL without scheme and
host); ``<body>`` is the raw body (empty for our GET).

Inbound (the partner signs, we verify) over ``"<t>.<canonical>"``: canonical is the raw body for
JSON, or, for the query form, the query parameters except ``signature`` and ``timestamp``,
sorted by name (then value), each ``quote(name)=quote(value)`` (RFC 3986, ``safe="-_.~"``)
joined with ``&``. ``t`` and the hex come in ``X-Signature: t=<unix>,v1=<hex>`` or as the query
parameters ``timestamp`` and ``signature``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

from partners.domain.errors import BadSignature, StaleSignature

SIGNED_OUT: Final = "X-Looseline-Signature"
SIGNED_IN: Final = "X-Signature"
UNSIGNED_PARAMS: Final = frozenset({"signature", "timestamp"})
_MAX_HEADER_CHARS: Final = 1000


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# --- outbound --------------------------------------------------------------------------------


def request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def outbound_message(timestamp: int, method: str, url: str, body: bytes = b"") -> bytes:
    head = f"{timestamp}.{method.upper()} {request_target(url)}\n".encode()
    return head + body


def outbound_header(secret: str, timestamp: int, method: str, url: str, body: bytes = b"") -> str:
    digest = hmac_hex(secret, outbound_message(timestamp, method, url, body))
    return f"t={timestamp},v1={digest}"


# --- inbound ---------------------------------------------------------------------------------


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    kept = sorted((k, v) for k, v in params if k not in UNSIGNED_PARAMS)
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in kept)


def inbound_signature(secret: str, timestamp: int, canonical: str | bytes) -> str:
    data = canonical.encode() if isinstance(canonical, str) else canonical
    return hmac_hex(secret, str(timestamp).encode() + b"." + data)


@dataclass(frozen=True)
class Presented:
    """The timestamp and signature(s) a request came with."""

    timestamp: int
    candidates: tuple[str, ...]


def presented(header: str | None, timestamp: str | None, signature: str | None) -> Presented:
    """From ``X-Signature`` if sent, else the ``timestamp``/``signature`` query parameters."""
    stamp: str | None = None
    candidates: list[str] = []
    if header:
        if len(header) > _MAX_HEADER_CHARS:
            raise BadSignature("The X-Signature header is too long.")
        for part in header.split(","):
            key, _, value = part.strip().partition("=")
            if key == "t":
                stamp = value.strip()
            elif key == "v1":
                candidates.append(value.strip().lower())
    else:
        stamp = timestamp
        if signature:
            candidates.append(signature.strip().lower())
    if not stamp or not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise BadSignature("The signature timestamp is missing or malformed.")
    if not candidates:
        raise BadSignature("The signature is missing.")
    return Presented(timestamp=int(stamp), candidates=tuple(candidates))


def verify_inbound(
    given: Presented, canonical: str | bytes, *, secret: str, now: float, tolerance_s: float
) -> None:
    """401 ``partners.stale_signature`` outside the tolerance, ``partners.bad_signature`` when
    no presented signature matches (compared in constant time)."""
    if abs(now - given.timestamp) > tolerance_s:
        raise StaleSignature(details={"tolerance_s": tolerance_s})
    expected = inbound_signature(secret, given.timestamp, canonical).encode()
    if not any(hmac.compare_digest(expected, c.encode()) for c in given.candidates):
        raise BadSignature()


def dedupe_digest(secret: str, canonical: str | bytes) -> str:
    """The key a postback without its own id is applied once by (timestamp left out, so the
    same payload signed again later is still the same postback)."""
    data = canonical.encode() if isinstance(canonical, str) else canonical
    return hmac_hex(secret, b"dedupe." + data)
