"""Session lifetimes and refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

REFRESH_TOKEN_BYTES = 32


def session_expiry(
    now: datetime, *, remember_me: bool, session_ttl_s: int, remember_me_ttl_s: int
) -> datetime:
    """A session lasts a day, or thirty days with "remember me"; refreshing never extends it."""
    return now + timedelta(seconds=remember_me_ttl_s if remember_me else session_ttl_s)


def access_token_expiry(
    now: datetime, *, access_ttl_s: int, session_expires_at: datetime
) -> datetime:
    """An access token never outlives its session."""
    return min(now + timedelta(seconds=access_ttl_s), session_expires_at)


def new_refresh_token() -> str:
    """Opaque, 256 bits of randomness; only its hash is stored."""
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_refresh_token(token: str) -> bytes:
    """SHA-256 is right here: the token is random and long, so there is nothing to brute-force."""
    return hashlib.sha256(token.encode()).digest()
