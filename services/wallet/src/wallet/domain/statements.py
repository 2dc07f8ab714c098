"""Monthly statements: which month is due, and what a statement says.

A statement covers the user's history rows of one UTC calendar month: the available balance
at its start and end, money in and out by kind, and the bets **settled** in the month (§4
statistics over won/lost). ``closing = opening + deposits - withdrawals - stakes + winnings +
refunds + adjustments`` always holds (the table refuses anything else).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from common.errors import NotFound
from common.money import format_minor

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class StatementNotFound(NotFound):
    code = "statement.not_found"
    default_message = "No statement for that month."


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    def end(self) -> datetime:
        """The first instant of the next month (exclusive bound)."""
        return self.next().start()

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


def month_due(now: datetime, grace: timedelta) -> Month:
    """The last month that ended at least ``grace`` ago (late commits land before we close it)."""
    moment = (now - grace).astimezone(UTC)
    return Month(moment.year, moment.month).previous()


@dataclass(frozen=True)
class Statement:
    user_id: uuid.UUID
    month: Month
    currency: str
    opening_balance_minor: int
    closing_balance_minor: int
    deposits_minor: int
    withdrawals_minor: int
    stakes_minor: int
    winnings_minor: int
    refunds_minor: int
    adjustments_minor: int
    total_bet_minor: int
    total_won_minor: int
    net_profit_minor: int
    roi_percent: Decimal
    win_rate_percent: Decimal
    bets_placed: int
    bets_won: int
    bets_lost: int
    transaction_count: int
    generated_at: datetime

    def metrics(self) -> list[tuple[str, str]]:
        return [
            ("Opening balance", format_minor(self.opening_balance_minor)),
            ("Closing balance", format_minor(self.closing_balance_minor)),
            ("Deposits", format_minor(self.deposits_minor)),
            ("Withdrawals", format_minor(self.withdrawals_minor)),
            ("Stakes", format_minor(self.stakes_minor)),
            ("Winnings", format_minor(self.winnings_minor)),
            ("Refunds", format_minor(self.refunds_minor)),
            ("Adjustments", format_minor(self.adjustments_minor)),
            ("Net profit", format_minor(self.net_profit_minor)),
            ("ROI %", str(self.roi_percent)),
            ("Win rate %", str(self.win_rate_percent)),
            ("Bets placed", str(self.bets_placed)),
            ("Bets won", str(self.bets_won)),
            ("Bets lost", str(self.bets_lost)),
            ("History rows", str(self.transaction_count)),
        ]
