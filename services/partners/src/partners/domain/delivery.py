"""Outbound delivery rules: what an answer means, when to try again, when to give up."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


def verdict(status_code: int | None) -> Verdict:
    """2xx delivered; 408/429/5xx (and no answer at all: ``None``) retried; other 4xx failed
    for good (the partner refuses it: sending it again changes nothing); 1xx/3xx are failures
    too (we do not follow redirects: the rendered URL is the one we signed)."""
    if status_code is None:
        return Verdict.RETRY
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code in (408, 429) or status_code >= 500:
        return Verdict.RETRY
    return Verdict.FAILED


def retry_delay_s(
    attempt: int, *, base_s: float, cap_s: float, rand: Callable[[], float] = random.random
) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(attempt - 1))) after the attempt-th try."""
    ceiling = min(cap_s, base_s * float(2 ** min(max(attempt - 1, 0), 40)))
    return float(ceiling * rand())


def next_attempt_at(
    now: datetime,
    created_at: datetime,
    attempt: int,
    *,
    base_s: float,
    cap_s: float,
    give_up_after_s: float,
    rand: Callable[[], float] = random.random,
) -> datetime | None:
    """When to try again after a retryable failure, or None when that is past the give-up time."""
    at = now + timedelta(seconds=retry_delay_s(attempt, base_s=base_s, cap_s=cap_s, rand=rand))
    if at > created_at + timedelta(seconds=give_up_after_s):
        return None
    return at
