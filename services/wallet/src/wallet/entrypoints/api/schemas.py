"""Request and response bodies of the wallet API (amounts: two-decimal strings)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from common.api import RequestModel
from common.money import AmountMinor, MoneyStr, format_minor
from wallet.domain.payout_destinations import CryptoNetwork
from wallet.domain.stats import BetTotals, Streaks
from wallet.service_layer.queries import BalanceView, HistoryPage
from wallet.service_layer.withdrawal_methods import (
    AccountDestination,
    CryptoDestination,
    Destination,
    IbanDestination,
    MethodView,
)
from wallet.service_layer.withdrawals import LimitsView, WithdrawalView


class Request(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WithdrawRequest(Request):
    amount: AmountMinor
    # None: the user's default method (422 wallet.no_default_withdrawal_method without one)
    withdrawal_method_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=500)


class WithdrawalMethodRequest(Request):
    """One of: ``bank_transfer`` with ``iban`` (+ ``swift_code``?), ``bank_transfer`` with
    ``account_number`` + ``bank_code`` + ``country`` (+ ``swift_code``?), or ``crypto`` with
    ``network`` + ``address``. Any other combination is a 422."""

    withdrawal_type: Literal["bank_transfer", "crypto"] = "bank_transfer"
    iban: str | None = Field(default=None, min_length=5, max_length=64)
    account_number: str | None = Field(default=None, min_length=1, max_length=64)
    bank_code: str | None = Field(default=None, min_length=1, max_length=32)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    swift_code: str | None = Field(default=None, max_length=20)
    account_holder_name: str | None = Field(default=None, min_length=1, max_length=100)
    bank_name: str | None = Field(default=None, max_length=100)
    network: CryptoNetwork | None = None
    address: str | None = Field(default=None, min_length=1, max_length=128)

    @field_validator("swift_code", "bank_name")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _one_destination(self) -> WithdrawalMethodRequest:
        def given(*names: str) -> list[str]:
            return [n for n in names if getattr(self, n) is not None]

        if self.withdrawal_type == "crypto":
            extra = given(
                "iban",
                "account_number",
                "bank_code",
                "country",
                "swift_code",
                "account_holder_name",
            ) + given("bank_name")
            if self.network is None or self.address is None or extra:
                raise ValueError(
                    "a crypto method takes network and address only"
                    + (f" (not {', '.join(extra)})" if extra else "")
                )
            return self
        if given("network", "address"):
            raise ValueError("network and address belong to a crypto method")
        by_iban = self.iban is not None
        by_account = bool(given("account_number", "bank_code", "country"))
        if by_iban == by_account:
            raise ValueError("give exactly one of iban, or account_number + bank_code + country")
        if by_account and len(given("account_number", "bank_code", "country")) != 3:
            raise ValueError("account_number, bank_code and country go together")
        if self.account_holder_name is None:
            raise ValueError("account_holder_name is required for a bank transfer")
        return self

    def destination(self) -> Destination:
        if self.withdrawal_type == "crypto":
            assert self.network is not None
            assert self.address is not None
            return CryptoDestination(network=self.network, address=self.address)
        if self.iban is not None:
            return IbanDestination(iban=self.iban, swift_code=self.swift_code)
        assert self.account_number
        assert self.bank_code
        assert self.country
        return AccountDestination(
            account_number=self.account_number,
            bank_code=self.bank_code,
            country=self.country,
            swift_code=self.swift_code,
        )


class RejectRequest(Request):
    reason: str = Field(min_length=1, max_length=500)


# --- answers -------------------------------------------------------------------------------


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


def percent(value: Decimal) -> float:
    """Percentages go out as JSON numbers with at most two decimals (already rounded half-up)."""
    return float(value)


class Balance(Answer):
    user_id: uuid.UUID
    currency: str
    status: str
    current_balance: MoneyStr
    available_balance: MoneyStr
    locked_in_bets: MoneyStr
    pending_withdrawals: MoneyStr
    pending_deposits: MoneyStr
    debt: MoneyStr
    total_deposited: MoneyStr
    total_withdrawn: MoneyStr
    total_bet: MoneyStr
    total_won: MoneyStr
    total_lost: MoneyStr
    net_profit: MoneyStr
    roi_percent: float
    win_count: int
    lose_count: int
    win_rate: float
    last_transaction: datetime | None
    account_created: datetime

    @classmethod
    def of(cls, view: BalanceView) -> Balance:
        t = view.totals
        return cls(
            user_id=view.user_id,
            currency=view.currency,
            status=view.status,
            current_balance=view.current_minor,
            available_balance=view.available_minor,
            locked_in_bets=view.held_minor,
            pending_withdrawals=view.pending_withdrawals_minor,
            pending_deposits=view.pending_deposits_minor,
            debt=view.debt_minor,
            total_deposited=view.total_deposited_minor,
            total_withdrawn=view.total_withdrawn_minor,
            total_bet=t.total_bet_minor,
            total_won=t.total_won_minor,
            total_lost=t.total_lost_minor,
            net_profit=t.net_profit_minor,
            roi_percent=percent(t.roi_percent),
            win_count=t.wins,
            lose_count=t.losses,
            win_rate=percent(t.win_rate),
            last_transaction=view.last_transaction_at,
            account_created=view.created_at,
        )


class Method(Answer):
    method_id: uuid.UUID
    withdrawal_type: str
    destination: str  # masked, whatever the kind
    iban: str | None  # masked
    account_number: str | None  # masked
    bank_code: str | None
    country: str | None
    network: str | None
    address: str | None  # masked: first four and last four
    swift_code: str | None
    account_holder_name: str | None
    bank_name: str | None
    is_verified: bool
    verification_status: Literal["pending", "verified"]
    is_default: bool
    created_at: datetime
    verified_at: datetime | None

    @classmethod
    def of(cls, view: MethodView) -> Method:
        return cls(
            method_id=view.method_id,
            withdrawal_type=view.withdrawal_type,
            destination=view.destination_masked,
            iban=view.iban_masked,
            account_number=view.account_number_masked,
            bank_code=view.bank_code,
            country=view.country,
            network=view.crypto_network,
            address=view.destination_masked if view.crypto_network else None,
            swift_code=view.swift_code,
            account_holder_name=view.account_holder_name,
            bank_name=view.bank_name,
            is_verified=view.is_verified,
            verification_status="verified" if view.is_verified else "pending",
            is_default=view.is_default,
            created_at=view.created_at,
            verified_at=view.verified_at,
        )


class WithdrawalLimitsOut(Answer):
    """Per request (``min``, ``max``) and per UTC day: pending + completed count as used."""

    min: MoneyStr
    max: MoneyStr
    daily_limit: MoneyStr
    used_today: MoneyStr
    remaining: MoneyStr
    currency: str


class WithdrawalLimitsAnswer(Answer):
    success: Literal[True] = True
    limits: WithdrawalLimitsOut

    @classmethod
    def of(cls, view: LimitsView) -> WithdrawalLimitsAnswer:
        return cls(
            limits=WithdrawalLimitsOut(
                min=view.limits.min_minor,
                max=view.limits.max_minor,
                daily_limit=view.limits.daily_minor,
                used_today=view.used_today_minor,
                remaining=view.remaining_minor,
                currency=view.currency,
            )
        )


class WithdrawalApproval(Answer):
    admin_id: uuid.UUID
    approved_at: datetime


class Withdrawal(Answer):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount: MoneyStr
    currency: str
    withdrawal_method_id: uuid.UUID
    status: str
    reason: str | None
    rejection_reason: str | None
    created_at: datetime
    decided_at: datetime | None
    flags: list[str] | None = None  # admin views only
    # four eyes (admin views only): who approved so far, and how many approvals it needs
    approvals: list[WithdrawalApproval] | None = None
    approvals_required: int | None = None

    @classmethod
    def of(cls, view: WithdrawalView, *, admin: bool = False) -> Withdrawal:
        return cls(
            operation_id=view.operation_id,
            user_id=view.user_id,
            amount=view.amount_minor,
            currency=view.currency,
            withdrawal_method_id=view.method_id,
            status=view.status,
            reason=view.reason,
            rejection_reason=view.rejection_reason,
            created_at=view.created_at,
            decided_at=view.decided_at,
            flags=view.flags if admin else None,
            approvals=(
                [
                    WithdrawalApproval(admin_id=a.admin_id, approved_at=a.approved_at)
                    for a in view.approvals
                ]
                if admin
                else None
            ),
            approvals_required=view.approvals_required if admin else None,
        )

    def user_json(self) -> dict[str, Any]:
        """The user's own view: without the admin-only fields."""
        return self.model_dump(mode="json", exclude={"flags", "approvals", "approvals_required"})


def pagination(limit: int, offset: int, total: int) -> dict[str, int]:
    """Where a list's page starts and how many items the list has in all."""
    return {"limit": limit, "offset": offset, "total_items": total}


def withdrawals_body(
    found: list[WithdrawalView], total: int, *, limit: int, offset: int, admin: bool = False
) -> dict[str, Any]:
    """A page of withdrawals: the user's own, or as an admin sees them (flags, approvals)."""
    return {
        "success": True,
        "withdrawals": [
            Withdrawal.of(w, admin=True).model_dump(mode="json")
            if admin
            else Withdrawal.of(w).user_json()
            for w in found
        ],
        "pagination": pagination(limit, offset, total),
    }


def statistics(totals: BetTotals, runs: Streaks) -> dict[str, Any]:
    return {
        "total_bets": totals.settled,
        "total_wins": totals.wins,
        "total_losses": totals.losses,
        "win_rate": percent(totals.win_rate),
        "total_amount_bet": format_minor(totals.total_bet_minor),
        "total_amount_won": format_minor(totals.total_won_minor),
        "total_amount_lost": format_minor(totals.total_lost_minor),
        "net_profit": format_minor(totals.net_profit_minor),
        "roi_percent": percent(totals.roi_percent),
        "average_bet": format_minor(totals.average_bet_minor),
        "biggest_win": format_minor(totals.biggest_win_minor),
        "biggest_loss": format_minor(totals.biggest_loss_minor),
        "longest_win_streak": runs.longest_win,
        "longest_loss_streak": runs.longest_loss,
        "current_streak": runs.current,
    }


def money(amount_minor: int | None) -> str | None:
    return None if amount_minor is None else format_minor(amount_minor)


def history_body(page: HistoryPage, *, limit: int, offset: int) -> dict[str, Any]:
    bets = [
        {
            "bet_id": str(b["bet_id"]),
            "bet_type": b["bet_type"],
            "event": " / ".join(leg["event_name"] for leg in b["legs"]),
            "outcome": "; ".join(f"{leg['selection']} @ {leg['coefficient']}" for leg in b["legs"]),
            "bet_amount": money(b["stake_minor"]),
            "currency": b["currency"],
            "coefficient": None if b["coefficient"] is None else str(b["coefficient"]),
            "potential_win": money(b["potential_win_minor"]),
            "status": b["status"],
            "result": b["result"],
            "actual_win": money(b["payout_minor"]),
            "legs": b["legs"],
            "placed_at": _iso(b["placed_at"]),
            "settled_at": _iso(b["settled_at"]),
            "cancel_reason": b["cancel_reason"],
        }
        for b in page.bets
    ]
    transactions = [
        {
            "transaction_id": t["id"],
            "type": t["type"],
            "amount": money(t["amount_minor"]),
            "balance_before": money(t["balance_before_minor"]),
            "balance_after": money(t["balance_after_minor"]),
            "status": t["status"],
            "description": t["description"],
            "reference": t["reference"],
            "created_at": _iso(t["created_at"]),
            "updated_at": _iso(t["updated_at"]),
        }
        for t in page.transactions
    ]

    def pages(total: int) -> int:
        return (total + limit - 1) // limit

    return {
        "success": True,
        "bets": bets,
        "transactions": transactions,
        "statistics": statistics(page.totals, page.streaks),
        "totals": {
            "bets": page.total_bets,
            "transactions": page.total_transactions,
            "money_in": money(page.transactions_in_minor),
            "money_out": money(page.transactions_out_minor),
            "open_bets": page.open_bets,
            "locked_in_open_bets": money(page.open_stakes_minor),
        },
        "pagination": {
            "limit": limit,
            "offset": offset,
            "items_per_page": limit,
            "current_page": offset // limit + 1,
            "bets": {"total_items": page.total_bets, "total_pages": pages(page.total_bets)},
            "transactions": {
                "total_items": page.total_transactions,
                "total_pages": pages(page.total_transactions),
            },
        },
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
