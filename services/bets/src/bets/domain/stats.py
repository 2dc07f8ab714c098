"""A user's betting statistics (ARCHITECTURE.md §4).

Over bets settled ``won`` or ``lost`` only (fully void, cancelled, rejected and open bets are left
out; a coupon with some void legs counts as won or lost). ``total_won`` is gross payouts;
``net_profit = total_won - total_bet``; ``roi_percent = net_profit / total_bet x 100``;
``win_rate = wins / (wins + losses) x 100``; percentages rounded half-up to 2 decimals. The
biggest win is the largest gross payout of a won bet (as the wallet's copy reports it: the two
must agree), the biggest loss the largest stake lost.
Streaks follow settlement order.

A free bet (issue 22) was staked with a package's unit, not the user's money: it adds nothing to
``total_bet`` (nor to the average stake or the biggest loss), and a win adds only its winnings
(payout minus stake) to ``total_won``; it counts in the wins, losses and streaks like any bet, and
``free_bets`` / ``free_bet_winnings`` say how many and what they brought.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SettledBet:
    result: Literal["won", "lost"]
    stake_minor: int
    payout_minor: int
    free_bet: bool = False

    @property
    def staked_minor(self) -> int:
        """The user's own money at stake."""
        return 0 if self.free_bet else self.stake_minor

    @property
    def returned_minor(self) -> int:
        """What the bet paid the user: a free bet's winnings only (the stake was the house's)."""
        if self.free_bet:
            return max(self.payout_minor - self.stake_minor, 0)
        return self.payout_minor


@dataclass(frozen=True)
class BetStats:
    total_bets: int
    wins: int
    losses: int
    win_rate: Decimal
    total_bet_minor: int
    total_won_minor: int
    net_profit_minor: int
    roi_percent: Decimal
    average_stake_minor: int
    biggest_win_minor: int
    biggest_loss_minor: int
    current_streak: int  # wins (positive) or losses (negative) in a row, most recent last
    longest_win_streak: int
    longest_loss_streak: int
    free_bets: int = 0
    free_bet_winnings_minor: int = 0


def _percent(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def bet_stats(bets: Sequence[SettledBet]) -> BetStats:
    """Statistics of ``bets`` given in settlement order (oldest first)."""
    wins = sum(1 for b in bets if b.result == "won")
    losses = len(bets) - wins
    total_bet = sum(b.staked_minor for b in bets)
    total_won = sum(b.returned_minor for b in bets)
    own_money = [b for b in bets if not b.free_bet]
    net = total_won - total_bet
    current = longest_win = longest_loss = 0
    for b in bets:
        if b.result == "won":
            current = current + 1 if current > 0 else 1
            longest_win = max(longest_win, current)
        else:
            current = current - 1 if current < 0 else -1
            longest_loss = max(longest_loss, -current)
    return BetStats(
        total_bets=len(bets),
        wins=wins,
        losses=losses,
        win_rate=_percent(wins, wins + losses),
        total_bet_minor=total_bet,
        total_won_minor=total_won,
        net_profit_minor=net,
        roi_percent=_percent(net, total_bet),
        average_stake_minor=(
            int((Decimal(total_bet) / len(own_money)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            if own_money
            else 0
        ),
        biggest_win_minor=max((b.returned_minor for b in bets if b.result == "won"), default=0),
        biggest_loss_minor=max((b.staked_minor for b in bets if b.result == "lost"), default=0),
        current_streak=current,
        longest_win_streak=longest_win,
        longest_loss_streak=longest_loss,
        free_bets=sum(1 for b in bets if b.free_bet),
        free_bet_winnings_minor=sum(b.returned_minor for b in bets if b.free_bet),
    )
