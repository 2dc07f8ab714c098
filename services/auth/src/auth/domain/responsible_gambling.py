"""Time-out and self-exclusion (issue 23, ARCHITECTURE.md §9): the account's state is auth's.

A time-out lasts 1 to 42 days, a self-exclusion 6 to 60 calendar months. Neither is ever lifted
or shortened: a request is taken only if it ends no earlier than the restriction in force (so
a self-exclusion is never replaced by a time-out ending earlier). Bets and the wallet enforce
them from ``auth.UserTimedOut`` / ``auth.UserSelfExcluded``; sign-in keeps working (the user
must be able to withdraw).
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from auth.domain.errors import RestrictionShorter

TIME_OUT_DAYS: Final = (1, 42)
SELF_EXCLUSION_MONTHS: Final = (6, 60)
# A reality check (a display preference the web app passes to the live stream): every 10 to 240
# minutes, or off.
REALITY_CHECK_MINUTES: Final = (10, 240)


class RestrictionKind(StrEnum):
    time_out = "time_out"
    self_exclusion = "self_exclusion"


@dataclass(frozen=True)
class Restriction:
    """One accepted request (the history keeps every one)."""

    id: int
    user_id: uuid.UUID
    kind: RestrictionKind
    until: datetime
    created_at: datetime

    def in_force(self, now: datetime) -> bool:
        return now < self.until


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months, the day clamped to the target month (31 Jan + 1 = 28/29
    Feb): "6 months" means what the user reads on a calendar."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def time_out_until(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def self_exclusion_until(now: datetime, months: int) -> datetime:
    return add_months(now, months)


def in_force(latest: Restriction | None, now: datetime) -> Restriction | None:
    """The restriction in force: the one ending last (``latest``), if it has not ended."""
    return latest if latest is not None and latest.in_force(now) else None


def check_not_shorter(in_force: Restriction | None, until: datetime) -> None:
    """Refuse what would end before the restriction in force (lifting or shortening it)."""
    if in_force is not None and until < in_force.until:
        raise RestrictionShorter(
            details={"kind": in_force.kind.value, "until": in_force.until.isoformat()}
        )
