"""Crediting a deposit once it is known to have succeeded (the Stripe issue calls this).

``credit`` is keyed by ``operation_id``: the transfer ``(deposit, operation_id)`` is unique, so
a repeated webhook or re-check credits nothing twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from common.contracts.wallet import DepositCompleted
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import CurrencyMismatch, TransferAlreadyPosted, WalletNotFound
from wallet.domain.history import HistoryLine, HistoryType
from wallet.service_layer import money_metrics
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork


@dataclass(frozen=True)
class DepositCredited:
    operation_id: uuid.UUID
    credited_now: bool  # False: this operation had been credited before
    available_after_minor: int | None


async def credit(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    amount_minor: int,
    currency: str | None = None,
    description: str = "Deposit",
    metadata: dict[str, object] | None = None,
    client: ClientInfo | None = None,
) -> DepositCredited:
    """clearing → available, history ``deposit +A completed``, DepositCompleted; once."""
    found = await uow.wallets.find(user_id)
    if found is None:
        raise WalletNotFound()
    if currency is not None and currency != found.currency:
        raise CurrencyMismatch()
    line = HistoryLine(
        type=HistoryType.deposit,
        amount_minor=amount_minor,
        description=description,
        reference=str(operation_id),
        metadata={"operation_id": str(operation_id), **(metadata or {})},
    )
    try:
        posted = await uow.ledger.post(rules.deposit(user_id, operation_id, amount_minor), line)
    except TransferAlreadyPosted:
        return DepositCredited(operation_id, credited_now=False, available_after_minor=None)
    money_metrics.moved(uow.db, MoneyKind.deposit, amount_minor)
    await uow.emit(
        DepositCompleted(
            operation_id=operation_id,
            user_id=user_id,
            amount_minor=amount_minor,
            currency=found.currency,
        ),
    )
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.deposit_completed,
            status=AuditStatus.success,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"operation_id": str(operation_id)},
            client=client or ClientInfo(),
        ),
    )
    return DepositCredited(operation_id, True, posted.available_after_minor)


async def credit_deposit(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    amount_minor: int,
) -> DepositCredited:
    """``credit`` in a transaction the caller owns: seeding a wallet (fixtures, the bench)."""
    return await credit(
        WalletUnitOfWork.joining(session),
        user_id=user_id,
        operation_id=operation_id,
        amount_minor=amount_minor,
    )
