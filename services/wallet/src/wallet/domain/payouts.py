"""The payout cap: a bet never pays more than its own potential win, nor the configured maximum
(ARCHITECTURE.md §9). A forged or buggy ``BetSettled``/``BetResettled`` is refused, not paid.

What is capped is the bet's running total: everything the bet has put back into the available
balance (the payout, or the stake returned, plus every resettlement delta). Capping each message
alone would let a string of corrections pay the cap again and again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# 100 000.00 per bet (ARCHITECTURE.md §4), WALLET_MAX_PAYOUT_MINOR.
DEFAULT_MAX_PAYOUT_MINOR: Final = 10_000_000


class PayoutRefusal(StrEnum):
    above_potential_win = "above_potential_win"
    above_max_payout = "above_max_payout"
    below_zero = "below_zero"  # a correction taking back more than the bet ever paid


@dataclass(frozen=True)
class PayoutCap:
    stake_minor: int
    # From the bet's ReserveStake; None for a command sent before it carried one.
    potential_win_minor: int | None
    max_payout_minor: int

    @property
    def limit_minor(self) -> int:
        """The most the bet may pay in all; the stake itself can always come back (a void)."""
        limit = self.max_payout_minor
        if self.potential_win_minor is not None:
            limit = min(limit, self.potential_win_minor)
        return max(limit, self.stake_minor)

    def refusal(self, total_paid_minor: int) -> PayoutRefusal | None:
        """Why a bet whose total payout would become ``total_paid_minor`` is refused, if it is."""
        if total_paid_minor < 0:
            return PayoutRefusal.below_zero
        if total_paid_minor <= self.limit_minor:
            return None
        # Named after the limit that binds: the bet's own, or the deployment's.
        own = self.potential_win_minor
        if own is not None and own < self.max_payout_minor:
            return PayoutRefusal.above_potential_win
        return PayoutRefusal.above_max_payout
