"""What every deposit step shares: its audit entry and the one announcement of a deposit that
ends unpaid (``DepositFailed``)."""

from __future__ import annotations

import re
from typing import Any

from common.contracts.wallet import DepositFailed
from wallet.adapters.deposits import DepositView
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.card_payments import DepositStatus
from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def audit_deposit(
    uow: WalletUnitOfWork,
    action: AuditAction,
    status: AuditStatus,
    deposit: DepositView,
    amount_minor: int | None = None,
    client: ClientInfo | None = None,
    **details: Any,
) -> None:
    await uow.audit.add(
        AuditEntry(
            action=action,
            status=status,
            user_id=deposit.user_id,
            amount_minor=deposit.amount_minor if amount_minor is None else amount_minor,
            details={
                "operation_id": str(deposit.operation_id),
                "intent_id": deposit.intent_id,
                **details,
            },
            client=client or ClientInfo(),
        ),
    )


# A deposit that ends unpaid: announced once (DepositFailed), when it leaves ``pending``. No path
# returns a deposit to ``pending``, and every transition happens with the row locked, so the
# pending → failed/expired/canceled step happens once per deposit. (A declined deposit paid
# afterwards with another card is still credited: DepositCompleted follows.)
UNPAID = frozenset({DepositStatus.failed, DepositStatus.expired, DepositStatus.canceled})


_REASON = re.compile(r"^[a-z][a-z0-9_.]{0,99}$")


def failure_reason(deposit: DepositView) -> str:
    """DepositFailed's ``reason``: Stripe's decline code (``insufficient_funds``,
    ``payment_intent_authentication_failure``…), else ``card_declined``, ``expired``,
    ``canceled``; ``provider_missing`` when Stripe no longer knows the payment."""
    if deposit.status is DepositStatus.failed:
        code = (deposit.decline_code or "").lower()
        return code if _REASON.match(code) else "card_declined"
    if deposit.stripe_status == MISSING_AT_PROVIDER:
        return "provider_missing"
    return deposit.status.value


async def announce_failure(uow: WalletUnitOfWork, deposit: DepositView) -> None:
    await uow.emit(
        DepositFailed(
            operation_id=deposit.operation_id,
            user_id=deposit.user_id,
            amount_minor=deposit.amount_minor,
            currency=deposit.currency,
            reason=failure_reason(deposit),
        ),
    )


# ``stripe_status`` of a deposit whose PaymentIntent / Checkout Session Stripe no longer knows.
MISSING_AT_PROVIDER = "missing"
