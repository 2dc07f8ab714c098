"""Sign-in brute-force policy: how long a lockout lasts.

Failures are counted per account (the normalised email, whether or not it exists) and per
client IP inside a window. Reaching the threshold locks further *password attempts* for a
while; each further lockout within a day doubles the wait, up to a cap. Nothing ever locks an
account for good: the wait is bounded, and a password reset or an OAuth sign-in still works.
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
