"""Loss limits (issue 23; ARCHITECTURE.md §9: the bets service's): optional, per period.

- A period's loss is the rolling window's (24 h, 7 d, 30 d): Σ stakes of the bets placed in it
  (rejected and cancelled ones aside; pending ones count: their stake is being held) minus
  Σ payouts of the bets settled in it. Free bets stake none of the user's money: they count in
  neither sum.
- A bet is refused if the loss plus its stake would exceed the limit.
- A first limit or a decrease applies at once; an increase or a removal only after
  ``COOLING_OFF`` (kept as the pending change, with the time it takes effect). A decrease
  cancels a pending increase; asking for the same pending change again keeps its time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from bets.domain.errors import LossLimitReached
from common.money import format_minor


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"


WINDOW: Final[dict[Period, timedelta]] = {
    Period.day: timedelta(hours=24),
    Period.week: timedelta(days=7),
    Period.month: timedelta(days=30),
}
COOLING_OFF: Final = timedelta(hours=24)


@dataclass(frozen=True)
class LossLimit:
    """A period's limit as stored: the amount in force (None: none) and a pending change (to
    ``pending_amount_minor``, None for a removal) taking effect at ``pending_effective_at``."""

    period: Period
    amount_minor: int | None = None
    pending_amount_minor: int | None = None
    pending_effective_at: datetime | None = None

    @property
    def has_pending(self) -> bool:
        return self.pending_effective_at is not None

    def as_of(self, now: datetime) -> LossLimit:
        """The limit with a pending change folded in once its time has come."""
        if self.pending_effective_at is None or now < self.pending_effective_at:
            return self
        return LossLimit(self.period, self.pending_amount_minor)

    def in_force(self, now: datetime) -> int | None:
        return self.as_of(now).amount_minor


@dataclass(frozen=True)
class LimitChange:
    """What a request changes: the limit to store and when the requested amount applies."""

    limit: LossLimit
    old_amount_minor: int | None
    new_amount_minor: int | None
    effective_at: datetime


def change(
    stored: LossLimit | None, period: Period, requested: int | None, now: datetime
) -> LimitChange | None:
    """Apply the cooling-off rule to a request; None if it changes nothing."""
    current = (stored or LossLimit(period)).as_of(now)
    old = current.amount_minor
    if requested is not None and (old is None or requested <= old):
        if requested == old and not current.has_pending:
            return None
        return LimitChange(LossLimit(period, requested), old, requested, now)
    if requested is None and old is None:
        return None
    # An increase or a removal: only after the cooling-off.
    if current.has_pending and current.pending_amount_minor == requested:
        return None
    at = now + COOLING_OFF
    pending = replace(current, pending_amount_minor=requested, pending_effective_at=at)
    return LimitChange(pending, old, requested, at)


def check_loss(period: Period, limit_minor: int, loss_minor: int, stake_minor: int) -> None:
    """Refuse a stake that would take the period's loss past its limit."""
    if loss_minor + stake_minor > limit_minor:
        raise LossLimitReached(
            details={
                "period": period.value,
                "limit": format_minor(limit_minor),
                "loss_so_far": format_minor(loss_minor),
                "stake": format_minor(stake_minor),
            }
        )
