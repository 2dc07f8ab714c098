"""Placement limits: stake range, maximum payout per bet, coupon size, one leg per event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from bets.domain.errors import (
    CouponDuplicateEvent,
    CouponTooFewLegs,
    CouponTooManyLegs,
    PayoutAboveMaximum,
    StakeAboveMaximum,
    StakeBelowMinimum,
)
from common.money import format_minor


@dataclass(frozen=True)
class BetLimits:
    min_stake_minor: int = 100
    max_stake_minor: int = 1_000_000
    max_payout_minor: int = 10_000_000
    min_coupon_legs: int = 2
    max_coupon_legs: int = 15

    def check_stake(self, stake_minor: int) -> None:
        if stake_minor < self.min_stake_minor:
            raise StakeBelowMinimum(
                f"The minimum stake is {format_minor(self.min_stake_minor)}.",
                details={"min_stake": format_minor(self.min_stake_minor)},
            )
        if stake_minor > self.max_stake_minor:
            raise StakeAboveMaximum(
                f"The maximum stake is {format_minor(self.max_stake_minor)}.",
                details={"max_stake": format_minor(self.max_stake_minor)},
            )

    def check_payout(self, payout_minor: int) -> None:
        if payout_minor > self.max_payout_minor:
            raise PayoutAboveMaximum(
                f"The maximum payout per bet is {format_minor(self.max_payout_minor)}.",
                details={
                    "max_payout": format_minor(self.max_payout_minor),
                    "potential_win": format_minor(payout_minor),
                },
            )

    def check_coupon_legs(self, event_ids: Sequence[uuid.UUID]) -> None:
        if len(event_ids) < self.min_coupon_legs:
            raise CouponTooFewLegs(
                f"A coupon needs at least {self.min_coupon_legs} legs.",
                details={"min_legs": self.min_coupon_legs},
            )
        if len(event_ids) > self.max_coupon_legs:
            raise CouponTooManyLegs(
                f"A coupon takes at most {self.max_coupon_legs} legs.",
                details={"max_legs": self.max_coupon_legs},
            )
        seen: set[uuid.UUID] = set()
        for event_id in event_ids:
            if event_id in seen:
                raise CouponDuplicateEvent(details={"event_id": str(event_id)})
            seen.add(event_id)
