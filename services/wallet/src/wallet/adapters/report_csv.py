"""CSV reports: one UTF-8 file with a BOM (so Excel reads it as UTF-8), in sections.

Each section is a title row, a header row and its data rows; sections are separated by one
empty row: REPORT (who, period), BETS, TRANSACTIONS, STATISTICS. Amounts are plain decimals
(``-12.50``), times ISO 8601 UTC. Text a user or an event feed chose (descriptions, event names,
the holder's name) is defused against spreadsheet formula injection with a leading apostrophe.
Rows are written as they arrive: the file is never held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import datetime
from typing import IO

from common.money import format_minor
from wallet.domain.reports import BetLine, HistoryEntry, ReportHeader, odds_text

BOM = "\ufeff"
BET_COLUMNS = [
    "bet_id", "placed_at", "settled_at", "bet_type", "selections", "stake", "coefficient",
    "potential_win", "status", "payout",
]  # fmt: skip
TRANSACTION_COLUMNS = [
    "id", "created_at", "type", "amount", "balance_before", "balance_after", "status",
    "description", "reference",
]  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _amount(minor: int | None) -> str:
    return "" if minor is None else format_minor(minor)


class CsvReportWriter:
    def __init__(self, handle: IO[str]) -> None:
        handle.write(BOM)
        self.writer = csv.writer(handle, lineterminator="\r\n")
        self.rows = 0
        self._first = True

    def _section(self, title: str, columns: list[str]) -> None:
        if not self._first:
            self.writer.writerow([])
        self._first = False
        self.writer.writerow([title])
        self.writer.writerow(columns)

    def header(self, header: ReportHeader) -> None:
        self._section("REPORT", ["field", "value"])
        self.writer.writerows(
            [
                ["title", header.title],
                ["account_holder", safe_text(header.holder_name)],
                ["email", safe_text(header.holder_email)],
                ["user_id", str(header.user_id)],
                ["currency", header.currency],
                ["date_from", header.date_from.isoformat()],
                ["date_to", header.date_to.isoformat()],
                ["generated_at", header.generated_at.isoformat()],
            ]
        )

    async def bets(self, lines: AsyncIterator[BetLine]) -> None:
        self._section("BETS", BET_COLUMNS)
        async for b in lines:
            self.writer.writerow(
                [
                    str(b.bet_id),
                    _iso(b.placed_at),
                    _iso(b.settled_at),
                    b.bet_type or "",
                    safe_text(b.selections),
                    format_minor(b.stake_minor),
                    odds_text(b.coefficient),
                    _amount(b.potential_win_minor),
                    b.status,
                    _amount(b.payout_minor),
                ]
            )
            self.rows += 1

    async def transactions(self, entries: AsyncIterator[HistoryEntry]) -> None:
        self._section("TRANSACTIONS", TRANSACTION_COLUMNS)
        async for e in entries:
            self.writer.writerow(
                [
                    str(e.id),
                    e.created_at.isoformat(),
                    e.type,
                    format_minor(e.amount_minor),
                    format_minor(e.balance_before_minor),
                    format_minor(e.balance_after_minor),
                    e.status,
                    safe_text(e.description),
                    safe_text(e.reference),
                ]
            )
            self.rows += 1

    def statistics(self, metrics: list[tuple[str, str]]) -> None:
        self._section("STATISTICS", ["metric", "value"])
        self.writer.writerows([[name, value] for name, value in metrics])
