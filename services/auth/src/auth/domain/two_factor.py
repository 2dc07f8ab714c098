"""TOTP (RFC 6238) and one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

# Accept the previous and the next 30-second step too (clock drift between phone and server).
TOTP_VALID_WINDOW = 1
TOTP_INTERVAL_S = 30
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_GROUP = 5


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def totp_now(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def looks_like_totp(code: str) -> bool:
    code = code.strip().replace(" ", "")
    return len(code) == 6 and code.isdigit()


def matching_totp_step(
    secret: str, code: str, *, at: datetime, last_used_step: int | None
) -> int | None:
    """The time step ``code`` belongs to, if valid and newer than the last one used.

    Refusing a step at or before the last accepted one stops a code seen over a shoulder (or
    intercepted) from being replayed within its 30 seconds.
    """
    code = code.strip().replace(" ", "")
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(at.timestamp()) // TOTP_INTERVAL_S
    found: int | None = None
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    if found is None or (last_used_step is not None and found <= last_used_step):
        return None
    return found


def new_recovery_codes(count: int) -> list[str]:
    """``count`` codes like ``k7m2p-x9qre`` (about 50 bits each)."""

    def one() -> str:
        chars = [secrets.choice(RECOVERY_ALPHABET) for _ in range(2 * RECOVERY_GROUP)]
        return "".join(chars[:RECOVERY_GROUP]) + "-" + "".join(chars[RECOVERY_GROUP:])

    return [one() for _ in range(count)]


def normalise_recovery_code(raw: str) -> str:
    return "".join(ch for ch in raw.lower() if ch in RECOVERY_ALPHABET)


def hash_recovery_code(pepper: str, user_id: str, code: str) -> bytes:
    message = f"recovery\x00{user_id}\x00{normalise_recovery_code(code)}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).digest()
