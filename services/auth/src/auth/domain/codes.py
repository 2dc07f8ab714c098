"""Emailed one-time codes (email verification, password reset).

Six random digits, stored only as HMAC-SHA256 under a server-side pepper (six digits are a
million possibilities: a plain hash would be reversed instantly from a leaked table), single
use, expiring, with a bounded number of attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CODE_DIGITS = 6


class CodePurpose(StrEnum):
    verify_email = "verify_email"
    reset_password = "reset_password"  # noqa: S105


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw if not ch.isspace() and ch != "-")


def hash_code(pepper: str, purpose: CodePurpose, subject: str, code: str) -> bytes:
    """Keyed hash bound to the purpose and the user, so a code works only where it was sent."""
    message = f"{purpose}\x00{subject}\x00{normalise_code(code)}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).digest()


class CodeVerdict(StrEnum):
    accepted = "accepted"
    wrong = "wrong"
    expired = "expired"
    used = "used"
    exhausted = "exhausted"


@dataclass(frozen=True)
class CodeCheck:
    verdict: CodeVerdict
    attempts_left: int


def check_code(
    *,
    stored_hash: bytes,
    presented_hash: bytes,
    expires_at: datetime,
    attempts: int,
    max_attempts: int,
    used_at: datetime | None,
    now: datetime,
) -> CodeCheck:
    """Judge a presented code. The caller counts a ``wrong`` verdict as one more attempt."""
    if used_at is not None:
        return CodeCheck(CodeVerdict.used, 0)
    if attempts >= max_attempts:
        return CodeCheck(CodeVerdict.exhausted, 0)
    if now >= expires_at:
        return CodeCheck(CodeVerdict.expired, max_attempts - attempts)
    if hmac.compare_digest(stored_hash, presented_hash):
        return CodeCheck(CodeVerdict.accepted, max_attempts - attempts)
    return CodeCheck(CodeVerdict.wrong, max(0, max_attempts - attempts - 1))
