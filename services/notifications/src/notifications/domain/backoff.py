"""When to try a failed send again: exponential backoff with full jitter, and when to give up.

Attempt ``n`` (1 = the first send) failed: the next try waits a random time in
``[0, min(cap, base * 2 ** (n - 1))]`` ("full jitter": retries of many deliveries spread out
instead of hammering a recovering server together). A server that says how long to wait
(Telegram's ``retry_after``) is never asked sooner.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

Random = Callable[[float, float], float]


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 5.0
    cap_s: float = 600.0
    max_attempts: int = 8
    give_up_after_s: float = 86400.0

    def ceiling_s(self, attempts: int) -> float:
        """The longest wait after ``attempts`` failed sends (before jitter)."""
        exponent = min(max(attempts - 1, 0), 60)  # 2**60 s is past any cap
        return float(min(self.cap_s, self.base_s * 2**exponent))

    def delay_s(
        self, attempts: int, *, retry_after_s: float | None = None, rand: Random = random.uniform
    ) -> float:
        delay = rand(0.0, self.ceiling_s(attempts))
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        return delay

    def gives_up(self, *, attempts: int, created_at: datetime, now: datetime) -> bool:
        """No more tries: ``max_attempts`` sends made, or the delivery older than its max age."""
        too_old = now - created_at >= timedelta(seconds=self.give_up_after_s)
        return attempts >= self.max_attempts or too_old
