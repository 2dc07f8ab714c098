"""Rules of card deposits through a payment provider (Stripe): limits, statuses, and the ledger
transfers of refunds and disputes.

A deposit is credited only once the provider says the payment succeeded, with the provider's
amount (``service_layer.deposits.settle.credit``: clearing → available). A refund or a dispute
after the credit takes the money back (available → clearing) even if the user has spent it: like
a resettlement, it is a house correction that may leave a debt (ARCHITECTURE.md §4). A dispute
won by us gives it back (clearing → available).
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Final

from common.money import format_minor
from wallet.domain.errors import DepositAboveMaximum, DepositBelowMinimum
from wallet.domain.ledger import AccountKind, AccountRef, Transfer, TransferKind, move


class DepositStatus(StrEnum):
    pending = "pending"  # waiting for the card payment (form, 3-D Secure, processing)
    succeeded = "succeeded"  # credited
    failed = "failed"  # declined; the user may retry the same PaymentIntent with another card
    canceled = "canceled"
    expired = "expired"  # not paid within the expiry; cancelled at the provider


# Stripe PaymentIntent statuses that still wait for the payer or the card network.
OPEN_INTENT_STATUSES: Final = frozenset(
    {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "requires_capture",
    }
)

# Stripe dispute statuses that are still open (money withheld, outcome unknown).
CLOSED_DISPUTE_STATUSES: Final = frozenset({"won", "lost", "warning_closed"})


class DisputeStatus(StrEnum):
    open = "open"
    won = "won"
    lost = "lost"


def check_deposit_amount(amount_minor: int, *, min_minor: int, max_minor: int) -> None:
    if amount_minor < min_minor:
        raise DepositBelowMinimum(
            f"The minimum deposit is {format_minor(min_minor)}.",
            details={"minimum": format_minor(min_minor)},
        )
    if amount_minor > max_minor:
        raise DepositAboveMaximum(
            f"The maximum deposit per payment is {format_minor(max_minor)}.",
            details={"maximum": format_minor(max_minor)},
        )


def status_after_intent(current: DepositStatus, intent_status: str) -> DepositStatus:
    """The deposit's status once the provider reports ``intent_status``.

    ``succeeded`` always wins (the money was taken: it is credited even after a decline or an
    expiry); a credited deposit never goes back; open statuses keep a pending deposit pending.
    """
    if current is DepositStatus.succeeded or intent_status == "succeeded":
        return DepositStatus.succeeded
    if intent_status == "canceled":
        return DepositStatus.expired if current is DepositStatus.expired else DepositStatus.canceled
    return current


def dispute_outcome(stripe_status: str) -> DisputeStatus:
    if stripe_status == "won" or stripe_status == "warning_closed":
        return DisputeStatus.won  # warning_closed: an inquiry closed without a chargeback
    if stripe_status == "lost":
        return DisputeStatus.lost
    return DisputeStatus.open


def _available(user_id: uuid.UUID) -> AccountRef:
    return AccountRef.user(AccountKind.available, user_id)


def _clearing(user_id: uuid.UUID) -> AccountRef:
    return AccountRef.system(AccountKind.clearing, user_id)


def refund_card_payment(
    user_id: uuid.UUID, charge_id: str, refunded_total_minor: int, amount_minor: int
) -> Transfer:
    """Debit the newly refunded part of a charge. The reference is the charge's cumulative
    refunded total, so each partial refund moves money once whatever the redeliveries."""
    return move(
        TransferKind.card_refund,
        f"{charge_id}:{refunded_total_minor}",
        user_id,
        _available(user_id),
        _clearing(user_id),
        amount_minor,
    )


def charge_back(user_id: uuid.UUID, dispute_id: str, amount_minor: int) -> Transfer:
    return move(
        TransferKind.chargeback,
        dispute_id,
        user_id,
        _available(user_id),
        _clearing(user_id),
        amount_minor,
    )


def reverse_chargeback(user_id: uuid.UUID, dispute_id: str, amount_minor: int) -> Transfer:
    return move(
        TransferKind.chargeback_reversal,
        dispute_id,
        user_id,
        _clearing(user_id),
        _available(user_id),
        amount_minor,
    )
