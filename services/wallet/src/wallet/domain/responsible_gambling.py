"""Responsible gambling in the wallet (issue 23, docs/wallet.md "Responsible gambling").

- A restriction (a time-out or a self-exclusion, auth's decision announced on the bus) stops
  every way money comes in until ``until``; the latest ``until`` heard wins.
- Deposit limits per rolling day / week / month are the user's own: a first limit or a decrease
  applies at once, an increase or a removal only after ``COOLING_OFF`` (the pending change is
  kept with its effective time and becomes current once that time has come — ``resolved``, the
  one rule both the reads and the deposit check apply).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from common.money import format_minor
from wallet.domain.errors import AccountRestricted, DepositLimitReached

COOLING_OFF: Final = timedelta(hours=24)


class RestrictionKind(StrEnum):
    time_out = "time_out"
    self_exclusion = "self_exclusion"


@dataclass(frozen=True)
class Restriction:
    kind: RestrictionKind
    until: datetime

    def active(self, now: datetime) -> bool:
        return now < self.until


def check_money_in_allowed(restriction: Restriction | None, now: datetime) -> None:
    """403 ``wallet.account_restricted`` while a time-out or self-exclusion runs."""
    if restriction is not None and restriction.active(now):
        raise AccountRestricted(
            details={"kind": restriction.kind.value, "until": restriction.until.isoformat()}
        )


class LimitPeriod(StrEnum):
    day = "day"
    week = "week"
    month = "month"

    @property
    def window(self) -> timedelta:
        """The rolling window the period's limit counts deposits in."""
        return _WINDOWS[self]


_WINDOWS: Final = {
    LimitPeriod.day: timedelta(hours=24),
    LimitPeriod.week: timedelta(days=7),
    LimitPeriod.month: timedelta(days=30),
}


@dataclass(frozen=True)
class PendingChange:
    """An increase or removal waiting out its cooling-off; ``amount_minor`` None: removal."""

    amount_minor: int | None
    effective_at: datetime


@dataclass(frozen=True)
class DepositLimit:
    period: LimitPeriod
    amount_minor: int | None  # None: no limit for this period
    pending: PendingChange | None = None

    def resolved(self, now: datetime) -> DepositLimit:
        """The limit as it stands at ``now``: a pending change whose time has come is current."""
        if self.pending is None or self.pending.effective_at > now:
            return self
        return DepositLimit(self.period, self.pending.amount_minor, None)


class ChangeOutcome(StrEnum):
    applied = "applied"  # current at once
    scheduled = "scheduled"  # pending until ``effective_at``


@dataclass(frozen=True)
class LimitChange:
    """What a request to change one period's limit decided."""

    before: DepositLimit  # resolved at the request's time
    after: DepositLimit
    requested_minor: int | None
    outcome: ChangeOutcome
    effective_at: datetime


def change_limit(current: DepositLimit, requested_minor: int | None, now: datetime) -> LimitChange:
    """A first limit or a decrease (or the same amount) applies at once and drops any pending
    increase; an increase or a removal waits ``COOLING_OFF`` from now (a new request restarts
    the wait, so asking again never shortens it)."""
    before = current.resolved(now)
    tighter = requested_minor is not None and (
        before.amount_minor is None or requested_minor <= before.amount_minor
    )
    if tighter or before.amount_minor is None:
        # A removal with no limit in force is already what was asked.
        after = DepositLimit(before.period, requested_minor, None)
        return LimitChange(before, after, requested_minor, ChangeOutcome.applied, now)
    effective_at = now + COOLING_OFF
    after = replace(before, pending=PendingChange(requested_minor, effective_at))
    return LimitChange(before, after, requested_minor, ChangeOutcome.scheduled, effective_at)


def check_deposit_limits(
    limits: Sequence[DepositLimit],
    used_minor: Mapping[LimitPeriod, int],
    amount_minor: int,
    now: datetime,
) -> None:
    """422 ``wallet.deposit_limit_reached`` when the deposit would take any period's deposits
    (credited + started and pending in its rolling window) past its limit in force at ``now``."""
    for found in limits:
        limit = found.resolved(now).amount_minor
        if limit is None:
            continue
        used = used_minor.get(found.period, 0)
        if used + amount_minor > limit:
            raise DepositLimitReached(
                details={
                    "period": found.period.value,
                    "limit": format_minor(limit),
                    "used": format_minor(used),
                    "remaining": format_minor(max(limit - used, 0)),
                }
            )
