"""Results-feed signatures.

``X-Feed-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.

The signature covers the timestamp and the raw body bytes, so a captured message cannot be
replayed later than the tolerance nor altered; several ``v1`` entries are accepted (the
provider may sign with the old and the new secret while rotating).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from events.domain.errors import FeedSignatureInvalid

DEFAULT_TOLERANCE_S: Final = 300
_MAX_HEADER_CHARS: Final = 1000


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """What the provider sends (and what tests and the docs' example build)."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    header: str | None,
    body: bytes,
    *,
    secret: str,
    now: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> int:
    """The signed timestamp if ``header`` signs ``body`` within the tolerance; else 401."""
    if not header or len(header) > _MAX_HEADER_CHARS:
        raise FeedSignatureInvalid("The X-Feed-Signature header is missing.")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value.strip().lower())
    if timestamp is None or not candidates:
        raise FeedSignatureInvalid("The X-Feed-Signature header is malformed.")
    if abs(now - timestamp) > tolerance_s:
        raise FeedSignatureInvalid("The feed signature's timestamp is outside the tolerance.")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected.encode(), c.encode()) for c in candidates):
        raise FeedSignatureInvalid("The feed signature does not match.")
    return timestamp
