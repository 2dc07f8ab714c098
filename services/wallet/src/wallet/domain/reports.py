"""Exports: what a report request may ask for, and the signed links that download it.

A download link carries no bearer token (browsers cannot add one to a link): it is
``/api/wallet/reports/{id}/download?exp=<unix s>&sig=<hex>``, with ``sig`` an HMAC-SHA256 over
the report id, its owner and the expiry. The report (its file) is kept ``retention``; each link
lives ``link_ttl`` and a fresh one comes from ``GET /api/wallet/reports/{id}``.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from common.errors import DomainError, NotFound
from common.money import format_minor
from wallet.domain.stats import BetTotals

DEFAULT_PERIOD = timedelta(days=30)


class ReportFormat(StrEnum):
    csv = "csv"
    pdf = "pdf"


class ReportStatus(StrEnum):
    pending = "pending"
    ready = "ready"
    failed = "failed"
    expired = "expired"  # past retention: the file is gone


CONTENT_TYPES = {
    ReportFormat.csv: "text/csv; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
}


class ReportPeriodInvalid(DomainError):
    code = "report.period_invalid"
    status_code = 422
    default_message = "The report period is not valid."


class ReportNotFound(NotFound):
    code = "report.not_found"
    default_message = "Report not found."


class ReportLinkInvalid(DomainError):
    code = "report.link_invalid"
    status_code = 403
    default_message = "This download link is not valid."


class ReportLinkExpired(DomainError):
    code = "report.link_expired"
    status_code = 410
    default_message = "This download link has expired; ask for a fresh one."


class ReportExpired(DomainError):
    code = "report.expired"
    status_code = 410
    default_message = "This report is no longer kept; export it again."


class ReportFailed(DomainError):
    code = "report.failed"
    status_code = 409
    default_message = "This report could not be generated; export it again."


@dataclass(frozen=True)
class ReportRequest:
    format: ReportFormat
    date_from: date
    date_to: date  # inclusive (UTC days)
    include_bets: bool = True
    include_transactions: bool = True
    include_statistics: bool = True

    @classmethod
    def of(
        cls,
        *,
        format: ReportFormat,
        date_from: date | None,
        date_to: date | None,
        today: date,
        max_period_days: int,
        include_bets: bool = True,
        include_transactions: bool = True,
        include_statistics: bool = True,
    ) -> ReportRequest:
        """The request with its defaults (the last 30 days), or ``ReportPeriodInvalid``."""
        end = date_to or (today if date_from is None else min(today, date_from + DEFAULT_PERIOD))
        start = date_from or end - DEFAULT_PERIOD
        if end < start:
            raise ReportPeriodInvalid(
                "date_to is before date_from.",
                details={"date_from": start.isoformat(), "date_to": end.isoformat()},
            )
        days = (end - start).days + 1
        if days > max_period_days:
            raise ReportPeriodInvalid(
                f"The period is longer than {max_period_days} days.",
                details={"days": days, "max_days": max_period_days},
            )
        if not (include_bets or include_transactions or include_statistics):
            raise ReportPeriodInvalid(
                "Include at least one of bets, transactions, statistics.",
                details={"include": []},
            )
        return cls(
            format=format,
            date_from=start,
            date_to=end,
            include_bets=include_bets,
            include_transactions=include_transactions,
            include_statistics=include_statistics,
        )

    def filename(self) -> str:
        return (
            f"betting_report_{self.date_from:%Y_%m_%d}-{self.date_to:%Y_%m_%d}.{self.format.value}"
        )


def human_size(size_bytes: int | None) -> str | None:
    """The seed's ``"45 KB"`` (binary units, rounded up so a small file never shows 0 KB)."""
    if size_bytes is None:
        return None
    if size_bytes < 1024 * 1024:
        return f"{max(1, -(-size_bytes // 1024))} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


# --- signed links --------------------------------------------------------------------------


def link_signature(key: str, report_id: uuid.UUID, user_id: uuid.UUID, expires_at_s: int) -> str:
    message = f"report-download|{report_id}|{user_id}|{expires_at_s}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def check_link(
    key: str,
    *,
    report_id: uuid.UUID,
    user_id: uuid.UUID,
    expires_at_s: int,
    signature: str,
    now_s: int,
) -> None:
    """The signature first (so an expiry is never reported for a forged link), then the time."""
    expected = link_signature(key, report_id, user_id, expires_at_s)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        raise ReportLinkInvalid()
    if now_s >= expires_at_s:
        raise ReportLinkExpired()


# --- what a report shows -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportHeader:
    title: str
    holder_name: str
    holder_email: str
    user_id: uuid.UUID
    currency: str
    date_from: date
    date_to: date
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class BetLine:
    bet_id: uuid.UUID
    placed_at: datetime | None
    settled_at: datetime | None
    bet_type: str | None
    selections: str
    stake_minor: int
    coefficient: Decimal | None
    potential_win_minor: int | None
    status: str
    payout_minor: int | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    created_at: datetime
    type: str
    amount_minor: int
    balance_before_minor: int
    balance_after_minor: int
    status: str
    description: str
    reference: str


@dataclass(frozen=True)
class PeriodSummary:
    """The period's figures: bets placed in it (stats over those settled won/lost, §4) and
    its history rows (money in and out, available balance at both ends)."""

    totals: BetTotals
    bets_placed: int
    open_bets: int
    void_bets: int
    deposits_minor: int
    withdrawals_minor: int
    opening_balance_minor: int
    closing_balance_minor: int
    transaction_count: int

    def metrics(self) -> list[tuple[str, str]]:
        t = self.totals
        return [
            ("Opening balance", format_minor(self.opening_balance_minor)),
            ("Closing balance", format_minor(self.closing_balance_minor)),
            ("Deposits", format_minor(self.deposits_minor)),
            ("Withdrawals", format_minor(self.withdrawals_minor)),
            ("Bets placed", str(self.bets_placed)),
            ("Bets won", str(t.wins)),
            ("Bets lost", str(t.losses)),
            ("Bets void", str(self.void_bets)),
            ("Bets open", str(self.open_bets)),
            ("Total staked (settled)", format_minor(t.total_bet_minor)),
            ("Total won", format_minor(t.total_won_minor)),
            ("Net profit", format_minor(t.net_profit_minor)),
            ("ROI %", str(t.roi_percent)),
            ("Win rate %", str(t.win_rate)),
            ("History rows", str(self.transaction_count)),
        ]


def odds_text(coefficient: Decimal | None) -> str:
    """Odds as people write them: two decimals, three only when the third is used (2.10, 1.875)."""
    if coefficient is None:
        return ""
    cents = coefficient.quantize(Decimal("0.01"))
    return str(cents if cents == coefficient else coefficient.normalize())


def describe_legs(legs: list[dict[str, Any]]) -> str:
    """``Event: market selection @ 2.10; …`` from the bet's legs as stored."""
    return "; ".join(
        f"{leg.get('event_name', '')}: {leg.get('market', '')} {leg.get('selection', '')}"
        f" @ {leg.get('coefficient', '')}"
        for leg in legs
    )
