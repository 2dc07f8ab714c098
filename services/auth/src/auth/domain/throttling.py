"""Brute-force policies: how long a sign-in lockout lasts; per-address limits on emailed codes.

Failures are counted per account (the normalised email, whether or not it exists) and per
client IP inside a window. Reaching the threshold locks further *password attempts* for a
while; each further lockout within a day doubles the wait, up to a cap. Nothing ever locks an
account for good: the wait is bounded, and a password reset or an OAuth sign-in still works.

Each attempt is counted *before* the slow password check (``adapters/throttle.py``), so requests
sent in parallel cannot all get past the limit while the first ones are still being checked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window_s: int
    base_lockout_s: int
    max_lockout_s: int

    def lockout_s(self, previous_lockouts: int) -> int:
        """Duration of the next lockout after ``previous_lockouts`` earlier ones today."""
        exponent = min(max(previous_lockouts, 0), 20)
        return min(self.base_lockout_s * (1 << exponent), self.max_lockout_s)


@dataclass(frozen=True)
class RateLimit:
    """At most ``max_hits`` in a fixed window of ``window_s`` (then wait for the window's end).

    Used per email address for the emailed-code routes: code checks (verify-email,
    reset-password) answer 429 past it; code emails (forgot-password, resend, the sign-up notice)
    are silently not sent past it, so those answers stay the same for every address.
    """

    max_hits: int
    window_s: int
