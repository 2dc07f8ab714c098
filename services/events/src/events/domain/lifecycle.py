"""Event statuses and the transitions between them.

```
scheduled ──start──▶ live ──settle──▶ finished ──settle(force)──▶ finished (resettled)
    │  ▲                │
    │  └──reschedule── postponed ◀──postpone── (scheduled, live)
    └──────cancel──────▶ cancelled ◀──cancel── (live, postponed)
```

A scheduled event whose start time has passed may be settled directly (a match never marked
live). Odds and markets change only while the event is scheduled, live or postponed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from events.domain.errors import EventAlreadySettled, EventClosed, TransitionNotAllowed

EventStatus = Literal["scheduled", "live", "finished", "cancelled", "postponed"]
Action = Literal["start", "postpone", "reschedule", "cancel", "settle", "score"]

TRANSITIONS: Final[dict[tuple[EventStatus, Action], EventStatus]] = {
    ("scheduled", "start"): "live",
    ("postponed", "start"): "live",
    ("scheduled", "postpone"): "postponed",
    ("live", "postpone"): "postponed",
    ("postponed", "reschedule"): "scheduled",
    ("scheduled", "cancel"): "cancelled",
    ("live", "cancel"): "cancelled",
    ("postponed", "cancel"): "cancelled",
    ("live", "settle"): "finished",
    ("scheduled", "settle"): "finished",
    ("finished", "settle"): "finished",
    ("live", "score"): "live",
}
TRADING: Final[frozenset[EventStatus]] = frozenset({"scheduled", "live", "postponed"})


def next_status(
    current: EventStatus,
    action: Action,
    *,
    starts_at: datetime | None = None,
    now: datetime | None = None,
    settlement_version: int = 0,
    force: bool = False,
) -> EventStatus:
    """The status after ``action``, or the error that refuses it."""
    if action == "settle" and settlement_version > 0 and not force:
        raise EventAlreadySettled()
    target = TRANSITIONS.get((current, action))
    if target is None:
        raise TransitionNotAllowed(
            f"A {current} event cannot be {_verb(action)}.",
            details={"status": current, "action": action},
        )
    not_started = starts_at is None or now is None or starts_at > now
    if action == "settle" and current == "scheduled" and not_started:
        raise TransitionNotAllowed(
            "An event that has not started cannot be settled.",
            details={"status": current, "action": action},
        )
    return target


def check_trading(status: EventStatus) -> None:
    """Markets and odds change only while the event can still take bets or resume."""
    if status not in TRADING:
        raise EventClosed(details={"status": status})


def _verb(action: Action) -> str:
    return {
        "start": "started",
        "postpone": "postponed",
        "reschedule": "rescheduled",
        "cancel": "cancelled",
        "settle": "settled",
        "score": "given a live score",
    }[action]
