"""The user's history rows (``balance_transaction``): the user's view of the ledger.

A row is written by the same code path as its transfer, never separately; ``balance_before``
and ``balance_after`` are the *available* balance around it, so the signed amounts of a user's
rows add up to the available balance (ARCHITECTURE.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from common.contracts import Outcome


class HistoryType(StrEnum):
    deposit = "deposit"
    withdrawal = "withdrawal"
    bet_placed = "bet_placed"
    bet_won = "bet_won"
    bet_lost = "bet_lost"
    bet_cancelled = "bet_cancelled"
    coupon_won = "coupon_won"
    coupon_lost = "coupon_lost"
    bonus_added = "bonus_added"
    fee_charged = "fee_charged"
    refund = "refund"
    bet_resettled = "bet_resettled"
    # paid products (issue 22)
    subscription = "subscription"  # a period charged (metadata: plan, period)
    subscription_refund = "subscription_refund"  # the unused part on a plan change
    package_purchase = "package_purchase"  # a package bought from the balance
    free_bet_won = "free_bet_won"  # a free bet's winnings


class HistoryStatus(StrEnum):
    completed = "completed"
    pending = "pending"
    failed = "failed"
    cancelled = "cancelled"
    rejected = "rejected"


@dataclass(frozen=True)
class HistoryLine:
    """What a transfer shows the user: one row, signed amount, status."""

    type: HistoryType
    amount_minor: int
    description: str
    reference: str
    status: HistoryStatus = HistoryStatus.completed
    metadata: dict[str, Any] = field(default_factory=dict)


def settlement_type(result: Outcome, *, is_coupon: bool) -> HistoryType:
    """``bet_won``/``coupon_won``, ``bet_lost``/``coupon_lost``, or ``refund`` for a void."""
    if result == "won":
        return HistoryType.coupon_won if is_coupon else HistoryType.bet_won
    if result == "lost":
        return HistoryType.coupon_lost if is_coupon else HistoryType.bet_lost
    return HistoryType.refund
