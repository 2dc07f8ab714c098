"""Messages produced by wallet: replies to the bet saga, payment outcomes, and the paid
products' (subscriptions, packages: issue 22) news for the user."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, Strict

from common.contracts import (
    ContractModel,
    Currency,
    LimitAmount,
    LimitPeriod,
    PositiveMinor,
    ReasonCode,
    ReasonText,
    UtcDatetime,
)
from common.messaging.envelope import message


@message(producer="wallet", type="StakeReserved")
class StakeReserved(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    hold_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="StakeReservationRejected")
class StakeReservationRejected(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    reason: ReasonCode


@message(producer="wallet", type="DepositCompleted")
class DepositCompleted(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="DepositFailed")
class DepositFailed(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency
    reason: ReasonCode


@message(producer="wallet", type="WithdrawalRequested")
class WithdrawalRequested(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="WithdrawalCompleted")
class WithdrawalCompleted(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="WithdrawalRejected")
class WithdrawalRejected(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency
    reason: ReasonText


@message(producer="wallet", type="WithdrawalCancelled")
class WithdrawalCancelled(ContractModel):
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="AccountSettledForClosure")
class AccountSettledForClosure(ContractModel):
    """A wallet being closed holds nothing any more (available, held and pending withdrawals
    all zero): auth may complete the closure. Sent once per wallet."""

    user_id: uuid.UUID


# --- subscriptions (issue 22): a user's plan, charged from the balance period by period --------


@message(producer="wallet", type="SubscriptionCharged")
class SubscriptionCharged(ContractModel):
    """A period paid (the first on subscribing, a renewal, a resume or a plan change)."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    period_number: Annotated[int, Strict(), Field(ge=1)]
    period_start: UtcDatetime
    period_end: UtcDatetime
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="SubscriptionSuspended")
class SubscriptionSuspended(ContractModel):
    """A renewal found too little money: access ends at ``access_ends_at``; a top-up resumes."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    access_ends_at: UtcDatetime
    price_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="SubscriptionResumed")
class SubscriptionResumed(ContractModel):
    subscription_id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    paid_through: UtcDatetime


@message(producer="wallet", type="SubscriptionCancelled")
class SubscriptionCancelled(ContractModel):
    """No more renewals; access runs to ``access_ends_at``."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    access_ends_at: UtcDatetime


# --- packages (issue 22): prepaid units with an expiry ------------------------------------------

PackageKindName = Literal["units", "free_bet"]


@message(producer="wallet", type="PackagePurchased")
class PackagePurchased(ContractModel):
    """A paid order's units credited (once per payment)."""

    purchase_id: uuid.UUID
    order_id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    package_kind: PackageKindName
    units: Annotated[int, Strict(), Field(gt=0)]
    expires_at: UtcDatetime
    amount_minor: PositiveMinor
    currency: Currency


@message(producer="wallet", type="PackageNotice")
class PackageNotice(ContractModel):
    """Units about to expire (``expiring_soon``) or nearly used up (``running_out``): once per
    purchase and kind."""

    purchase_id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    kind: Literal["expiring_soon", "running_out"]
    units_left: Annotated[int, Strict(), Field(ge=0)]
    expires_at: UtcDatetime


@message(producer="wallet", type="PackageUnitsLapsed")
class PackageUnitsLapsed(ContractModel):
    """Units unused at expiry, written off by the lapse job (once per purchase)."""

    purchase_id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    units: Annotated[int, Strict(), Field(gt=0)]
    expired_at: UtcDatetime


# --- responsible gambling (issue 23) ----------------------------------------------------------


@message(producer="wallet", type="DepositLimitChanged")
class DepositLimitChanged(ContractModel):
    """A deposit limit set, raised, lowered or removed: ``limit`` is the new limit (``None``:
    removed), in force from ``effective_at`` (now for a decrease, after 24 h of cooling-off for
    an increase or a removal)."""

    user_id: uuid.UUID
    period: LimitPeriod
    limit: LimitAmount | None
    effective_at: UtcDatetime
