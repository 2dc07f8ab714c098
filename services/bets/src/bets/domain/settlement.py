"""Settling a bet from its legs' outcomes (ARCHITECTURE §3.5).

A single is won, lost or void. A coupon is settled once every leg has resolved: lost if any leg
lost, void if every leg is void (stake back), otherwise won with the void legs counted at 1.00
and the payout recomputed with the coupon rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from bets.domain.odds import combined_coefficient, payout_minor

LegOutcome = Literal["won", "lost", "void"]
BetResult = Literal["won", "lost", "void"]


@dataclass(frozen=True)
class LegState:
    coefficient: Decimal
    outcome: LegOutcome | None  # None while the leg's event has not resolved


@dataclass(frozen=True)
class Settlement:
    result: BetResult
    payout_minor: int


def settle(*, is_coupon: bool, stake_minor: int, legs: Sequence[LegState]) -> Settlement | None:
    """The bet's result and gross payout, or None while a leg is unresolved."""
    if not legs or any(leg.outcome is None for leg in legs):
        return None
    if any(leg.outcome == "lost" for leg in legs):
        return Settlement("lost", 0)
    winning = [leg.coefficient for leg in legs if leg.outcome == "won"]
    if not winning:
        return Settlement("void", stake_minor)
    if not is_coupon:
        return Settlement("won", payout_minor(stake_minor, winning[0]))
    return Settlement("won", payout_minor(stake_minor, combined_coefficient(winning)))
