"""Emailed one-time codes (email verification, password reset).

Six random digits, stored only as HMAC-SHA256 under a server-side pepper (six digits are a
million possibilities: a plain hash would be reversed instantly from a leaked table), single
use, expiring, with a bounded number of attempts.

A code allows a few attempts, but a new code can be asked for every minute, so wrong codes are
also counted per *address*, across re-issued codes and both purposes: too many within a window
pause every emailed-code flow of that address (:class:`CodeLockoutPolicy`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
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


# attempts per address, across re-issued codes ---------------------------------------------------


def address_subject(pepper: str, address: str) -> bytes:
    """Key of an address's attempt counter. Keyed-hashed: the counter table also holds addresses
    nobody registered (counted alike, so a lockout says nothing), and never in the clear."""
    message = f"code-attempts\x00{address}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).digest()


@dataclass(frozen=True)
class CodeAttempts:
    """Wrong codes for one address in the current window, and the pause they caused."""

    failures: int
    window_started_at: datetime
    locked_until: datetime | None


@dataclass(frozen=True)
class CodeLockoutPolicy:
    """``max_failures`` wrong codes within ``window_s`` pause the address's code flows for
    ``window_s`` (so at most ``max_failures`` guesses a window, however many codes are sent)."""

    max_failures: int
    window_s: int

    def retry_after_s(self, attempts: CodeAttempts, now: datetime) -> int | None:
        """Seconds until the pause ends, or None when codes are accepted."""
        if attempts.locked_until is None or attempts.locked_until <= now:
            return None
        return max(1, math.ceil((attempts.locked_until - now).total_seconds()))

    def after_failure(self, attempts: CodeAttempts, now: datetime) -> CodeAttempts:
        """Count one more wrong code; the pause starts when the count reaches the limit."""
        window = timedelta(seconds=self.window_s)
        if attempts.window_started_at + window <= now:
            attempts = CodeAttempts(failures=0, window_started_at=now, locked_until=None)
        failures = attempts.failures + 1
        locked_until = now + window if failures >= self.max_failures else attempts.locked_until
        return CodeAttempts(
            failures=failures,
            window_started_at=attempts.window_started_at,
            locked_until=locked_until,
        )
