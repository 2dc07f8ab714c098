"""Betting statistics (ARCHITECTURE.md §4): over bets settled won/lost only.

``net_profit = total_won - total_bet``, ``roi_percent = net_profit / total_bet * 100``,
``win_rate = wins / (wins + losses) * 100``; ``total_won`` is gross payouts; percentages are
rounded half-up to two decimals. Void, cancelled, rejected and open bets are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Result = Literal["won", "lost"]
_CENT = Decimal("0.01")


def percent(numerator: int, denominator: int) -> Decimal:
    """``numerator / denominator * 100``, rounded half-up to 2 decimals (0 if nothing to divide)."""
    if denominator == 0:
        return Decimal("0.00")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(_CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class BetTotals:
    """Sums over the user's bets settled won or lost."""

    wins: int = 0
    losses: int = 0
    # Won + lost bets staked with the user's money (not free bets): what the average is over.
    staked_bets: int = 0
    total_bet_minor: int = 0  # stakes of won + lost bets (free bets stake none)
    total_won_minor: int = 0  # gross payouts of won bets
    total_lost_minor: int = 0  # stakes of lost bets
    biggest_win_minor: int = 0  # largest gross payout
    biggest_loss_minor: int = 0  # largest stake lost

    @property
    def settled(self) -> int:
        return self.wins + self.losses

    @property
    def net_profit_minor(self) -> int:
        return self.total_won_minor - self.total_bet_minor

    @property
    def roi_percent(self) -> Decimal:
        return percent(self.net_profit_minor, self.total_bet_minor)

    @property
    def win_rate(self) -> Decimal:
        return percent(self.wins, self.settled)

    @property
    def average_bet_minor(self) -> int:
        """Mean stake of the bets staked with the user's money, rounded half-up to the cent."""
        if self.staked_bets == 0:
            return 0
        mean = Decimal(self.total_bet_minor) / Decimal(self.staked_bets)
        return int(mean.quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class Streaks:
    longest_win: int = 0
    longest_loss: int = 0
    current: int = 0  # > 0: wins in a row now, < 0: losses in a row now


def streaks(results: Iterable[Result]) -> Streaks:
    """Streaks over results in settlement order (oldest first)."""
    longest_win = longest_loss = current = 0
    for result in results:
        if result == "won":
            current = current + 1 if current > 0 else 1
            longest_win = max(longest_win, current)
        else:
            current = current - 1 if current < 0 else -1
            longest_loss = max(longest_loss, -current)
    return Streaks(longest_win=longest_win, longest_loss=longest_loss, current=current)
