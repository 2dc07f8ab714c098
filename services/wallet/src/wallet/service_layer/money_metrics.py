"""Money moved, by kind, as Prometheus counters (one set per process; ARCHITECTURE.md §7).

``moved(uow, kind, amount_minor)`` is called where a handler has posted a movement; the
counters move only once that unit of work's transaction commits (``common.commit_hooks``): a
rolled-back batch, a redelivered message or a duplicate request that moves nothing counts
nothing. Amounts are in minor units of the deployment's one ``CURRENCY`` (always positive: the
kind says the direction).

Kinds (what the user's money did):

- ``stake_held`` (available → held), ``stake_released`` (held → available: a bet rejected or
  cancelled), ``stake_captured`` (held → house: a bet settled won or lost), ``refund`` (held →
  available: a bet settled void), ``payout`` (house → available: a won bet);
- ``resettlement_credit`` / ``resettlement_debit`` (a corrected result paying more / less);
- ``deposit``; ``withdrawal_requested`` (available → payable), ``withdrawal_completed`` (paid
  out), ``withdrawal_rejected`` / ``withdrawal_cancelled`` (payable → available);
- ``card_refund`` (a deposit refunded to the card), ``chargeback`` (a disputed payment taken
  back), ``chargeback_reversal`` (a dispute won: the payment restored);
- ``subscription_charged`` / ``subscription_refunded`` (a period paid / the unused part of a plan
  change back), ``package_purchased``, ``free_bet_winnings`` (promotions → available).
"""

from __future__ import annotations

from enum import StrEnum

from prometheus_client import Counter

from wallet.service_layer.unit_of_work import WalletUnitOfWork


class MoneyKind(StrEnum):
    stake_held = "stake_held"
    stake_released = "stake_released"
    stake_captured = "stake_captured"
    refund = "refund"
    payout = "payout"
    resettlement_credit = "resettlement_credit"
    resettlement_debit = "resettlement_debit"
    deposit = "deposit"
    withdrawal_requested = "withdrawal_requested"
    withdrawal_completed = "withdrawal_completed"
    withdrawal_rejected = "withdrawal_rejected"
    withdrawal_cancelled = "withdrawal_cancelled"
    card_refund = "card_refund"
    chargeback = "chargeback"
    chargeback_reversal = "chargeback_reversal"
    subscription_charged = "subscription_charged"
    subscription_refunded = "subscription_refunded"
    package_purchased = "package_purchased"
    free_bet_winnings = "free_bet_winnings"


money_moved_minor = Counter(
    "looseline_wallet_money_moved_minor_total",
    "Money moved, in minor units of CURRENCY, by kind (counted once its transaction commits)",
    ["kind"],
)
money_movements = Counter(
    "looseline_wallet_money_movements_total",
    "Money movements by kind (counted once their transaction commits)",
    ["kind"],
)

# Every kind is exported from the start (at 0), so a rate() never misses a first increment.
for _kind in MoneyKind:
    money_moved_minor.labels(_kind.value)
    money_movements.labels(_kind.value)


def moved(uow: WalletUnitOfWork, kind: MoneyKind, amount_minor: int) -> None:
    """Count ``amount_minor`` of ``kind`` once the unit of work's transaction commits."""
    amount = abs(amount_minor)

    def count() -> None:
        money_moved_minor.labels(kind.value).inc(amount)
        money_movements.labels(kind.value).inc()

    uow.on_commit(count)


def resettled(uow: WalletUnitOfWork, delta_minor: int) -> None:
    """A resettlement's signed payout delta: a credit or a debit of the user."""
    kind = MoneyKind.resettlement_credit if delta_minor > 0 else MoneyKind.resettlement_debit
    moved(uow, kind, delta_minor)
