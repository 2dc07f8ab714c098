"""The win throttle: at most one win postback per (user, partner) per window.

State per (user, partner): ``next_free_at``, the earliest time a new win postback may go, and
the id of a win postback still waiting in the window (not yet tried). A win

- with such a waiting postback joins it (amounts summed, the last win's transaction id);
- else at or after ``next_free_at`` is sent now, and the window starts: next_free_at = now + w;
- else waits for the window's end in a new postback due at ``next_free_at``, and the window
  after it starts there: next_free_at += w.

So the partner hears of the first win at once and of the others at most once per window each,
aggregated; nothing is lost. Inbound win notices use ``is_throttled``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class WinAction(StrEnum):
    SEND_NOW = "send_now"
    SCHEDULE = "schedule"
    AGGREGATE = "aggregate"


@dataclass(frozen=True)
class WinDecision:
    action: WinAction
    due_at: datetime | None  # the new postback's due time (SEND_NOW/SCHEDULE)
    next_free_at: datetime


def decide_win(
    now: datetime, *, next_free_at: datetime | None, has_waiting: bool, window: timedelta
) -> WinDecision:
    if has_waiting:
        assert next_free_at is not None
        return WinDecision(WinAction.AGGREGATE, None, next_free_at)
    if next_free_at is None or now >= next_free_at:
        return WinDecision(WinAction.SEND_NOW, now, now + window)
    return WinDecision(WinAction.SCHEDULE, next_free_at, next_free_at + window)


def is_throttled(now: datetime, last_at: datetime | None, window: timedelta) -> bool:
    return last_at is not None and now - last_at < window
