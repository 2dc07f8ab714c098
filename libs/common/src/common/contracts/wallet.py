"""Messages produced by wallet: replies to the bet saga and payment outcomes."""

from __future__ import annotations

import uuid

from common.contracts import ContractModel, Currency, PositiveMinor, ReasonCode, ReasonText
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
