"""Bet statuses and the transitions between them (ARCHITECTURE.md §3).

```
pending ──reserved──▶ open ──settle──▶ won | lost | void ──resettle──▶ won | lost | void
   │                  │                                  (a newer settlement version)
   │                  └──cancel──▶ cancelled
   └──refused──▶ rejected
```

A pending bet is opened once the wallet holds its stake and its selections still take bets, or
rejected (the wallet refused, the offer turned invalid while pending, the watchdog gave up). An
open bet is settled from its legs or cancelled by its user before any leg's event starts. A
settled bet moves again only when a corrected result changes it (to any settled status, the same
one included when only the payout changes). Rejected and cancelled bets never move again.

A settled bet's ``result`` and a resolved leg's ``outcome`` are spelled as the settled statuses.
The read model's event and market statuses are the events service's words.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from bets.domain.errors import (
    BetNotCancellable,
    BetTransitionNotAllowed,
    EventNotOpen,
    EventStarted,
    MarketSuspended,
)
from common.errors import DomainError


class BetStatus(StrEnum):
    """A bet's status; the values are what the database, the API and the messages carry."""

    PENDING = "pending"
    OPEN = "open"
    REJECTED = "rejected"
    WON = "won"
    LOST = "lost"
    VOID = "void"
    CANCELLED = "cancelled"


# Settled: the bet's legs decided it (void hands the stake back).
SETTLED: Final[tuple[BetStatus, ...]] = (BetStatus.WON, BetStatus.LOST, BetStatus.VOID)
# What the statistics and the payout rate count: void bets only hand the stake back.
WON_OR_LOST: Final[tuple[BetStatus, ...]] = (BetStatus.WON, BetStatus.LOST)
# Accepted: the wallet holds (or held) the stake — every status but pending and rejected.
ACCEPTED: Final[tuple[BetStatus, ...]] = (BetStatus.OPEN, *SETTLED, BetStatus.CANCELLED)

TRANSITIONS: Final[Mapping[BetStatus, frozenset[BetStatus]]] = {
    BetStatus.PENDING: frozenset({BetStatus.OPEN, BetStatus.REJECTED}),
    BetStatus.OPEN: frozenset({*SETTLED, BetStatus.CANCELLED}),
    BetStatus.REJECTED: frozenset(),
    BetStatus.WON: frozenset(SETTLED),
    BetStatus.LOST: frozenset(SETTLED),
    BetStatus.VOID: frozenset(SETTLED),
    BetStatus.CANCELLED: frozenset(),
}

# The events service's statuses as the read model keeps them.
EVENT_LIVE: Final = "live"
EVENT_CANCELLED: Final = "cancelled"
# An event takes bets while scheduled or live (postponed, finished and cancelled ones do not).
EVENT_TAKING_BETS: Final = frozenset({"scheduled", EVENT_LIVE})
# A bet may be cancelled while each leg's event is still to come (scheduled or postponed).
EVENT_TO_COME: Final = frozenset({"scheduled", "postponed"})
MARKET_OPEN: Final = "open"


def can_transition(current: BetStatus, target: BetStatus) -> bool:
    return target in TRANSITIONS[current]


def next_status(current: BetStatus, target: BetStatus) -> BetStatus:
    """``target``, or the error saying a bet in ``current`` cannot move there."""
    if not can_transition(current, target):
        raise BetTransitionNotAllowed(
            f"A {current} bet cannot become {target}.",
            details={"status": str(current), "target": str(target)},
        )
    return target


# --- cancellation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LegClock:
    """What decides whether a leg's event has started: the read model's event and the leg."""

    event_id: uuid.UUID
    event_status: str | None
    starts_at: datetime | None
    outcome: str | None  # the leg's, once its event resolved


def cancel_changes_bet(status: BetStatus) -> bool:
    """Whether cancelling a bet in ``status`` changes it: an open bet is cancelled, a cancelled
    one stays as it is (a repeated cancel answers the bet); any other refuses."""
    if status == BetStatus.CANCELLED:
        return False
    if not can_transition(status, BetStatus.CANCELLED):
        raise BetNotCancellable(details={"status": str(status)})
    return True


def leg_started(leg: LegClock, now: datetime) -> bool:
    """The event is no longer to come, its start time has passed, or the leg has resolved.

    An unknown status or start time proves nothing (as SQL's ``NULL`` in the same test).
    """
    return (
        (leg.event_status is not None and leg.event_status not in EVENT_TO_COME)
        or (leg.starts_at is not None and leg.starts_at <= now)
        or leg.outcome is not None
    )


def check_no_leg_started(legs: Sequence[LegClock], now: datetime) -> None:
    """A bet is cancelled only before any of its legs' events starts."""
    for leg in legs:
        if leg_started(leg, now):
            raise EventStarted(
                "A leg's event has started.", details={"event_id": str(leg.event_id)}
            )


# --- the offer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionOffer:
    """A selection as the read model offers it now."""

    event_status: str | None
    starts_at: datetime | None
    market_status: str
    live_betting: bool  # the market takes bets while its event is live


def offer_refusal(
    offer: SelectionOffer, now: datetime, *, details: Mapping[str, str]
) -> DomainError | None:
    """Why the selection cannot take a bet now, or None; ``details`` name the leg."""
    if not _start_allows_bets(offer, now):
        return EventStarted(details=dict(details))
    if offer.event_status not in EVENT_TAKING_BETS:
        return EventNotOpen(details={**details, "status": offer.event_status})
    if offer.market_status != MARKET_OPEN:
        return MarketSuspended(details={**details, "market_status": offer.market_status})
    return None


def _start_allows_bets(offer: SelectionOffer, now: datetime) -> bool:
    """Whether the event's start no longer stops bets on the market: a live event takes them
    on its live-betting markets only; a scheduled one until its start time."""
    if offer.event_status == EVENT_LIVE:
        return offer.live_betting
    return offer.starts_at is None or offer.starts_at > now
