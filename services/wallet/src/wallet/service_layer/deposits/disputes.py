"""Refunds and disputes of a paid deposit: what Stripe takes back leaves the wallet once, even
into a debt; a refund or dispute that comes before the payment's success credits it first (it
proves the money was taken). Withdrawals wait while a dispute is open or the wallet is in debt.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from common.money import format_minor
from wallet.adapters.deposits import DepositView
from wallet.adapters.stripe_payments import ChargeView, DisputeView, PaymentProvider
from wallet.domain import card_payments as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus
from wallet.domain.card_payments import DepositStatus, DisputeStatus
from wallet.domain.errors import AccountFlagged, TransferAlreadyPosted, WalletInDebt
from wallet.domain.history import HistoryLine, HistoryType
from wallet.service_layer import money_metrics
from wallet.service_layer.deposits.settle import DEFAULT_EXPIRY, settle_intent
from wallet.service_layer.deposits.shared import audit_deposit
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def _credited_deposit(
    uow: WalletUnitOfWork, provider: PaymentProvider, intent_id: str | None, expiry: timedelta
) -> DepositView | None:
    """The deposit of a refunded or disputed payment, credited first if its success has not
    reached us yet (a refund or dispute proves the money was taken)."""
    if intent_id is None:
        return None
    deposit = await uow.deposits.lock(intent_id=intent_id)
    if deposit is None or deposit.status is DepositStatus.succeeded:
        return deposit
    intent = await provider.retrieve_intent(intent_id)
    settled = await settle_intent(uow, provider, intent, expiry=expiry)
    return None if settled is None else settled.deposit


async def apply_refund(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    charge: ChargeView,
    *,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> bool:
    """``charge.refunded``: debit what was newly refunded (Stripe's cumulative total), once."""
    deposit = await _credited_deposit(uow, provider, charge.payment_intent, expiry)
    if deposit is None or deposit.status is not DepositStatus.succeeded:
        return False
    refunded_total = charge.amount_refunded_minor
    newly_refunded = refunded_total - deposit.refunded_minor
    if newly_refunded <= 0:
        return False  # an older or repeated event
    charge_id = charge.id
    try:
        await uow.ledger.post(
            rules.refund_card_payment(deposit.user_id, charge_id, refunded_total, newly_refunded),
            HistoryLine(
                type=HistoryType.refund,
                amount_minor=-newly_refunded,
                description="Card payment refunded",
                reference=str(deposit.operation_id),
                metadata={"operation_id": str(deposit.operation_id), "charge_id": charge_id},
            ),
        )
    except TransferAlreadyPosted:
        return False
    money_metrics.moved(uow, MoneyKind.card_refund, newly_refunded)
    updated = await uow.deposits.set(deposit.operation_id, refunded_minor=refunded_total)
    await audit_deposit(
        uow,
        AuditAction.deposit_refunded,
        AuditStatus.success,
        updated,
        amount_minor=newly_refunded,
        charge_id=charge_id,
        refunded_total=format_minor(refunded_total),
    )
    return True


async def open_dispute(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    dispute: DisputeView,
    *,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> bool:
    """``charge.dispute.created``: the disputed amount leaves the wallet at once (Stripe takes it
    from us when the dispute opens) — even into a debt — and the account is flagged."""
    deposit = await _credited_deposit(uow, provider, dispute.payment_intent, expiry)
    if deposit is None or deposit.status is not DepositStatus.succeeded:
        return False
    dispute_id = dispute.id
    amount_minor = dispute.amount_minor
    inserted = await uow.deposits.add_dispute(
        dispute_id=dispute_id,
        user_id=deposit.user_id,
        operation_id=deposit.operation_id,
        charge_id=dispute.charge,
        amount_minor=amount_minor,
        currency=(dispute.currency or deposit.currency).upper(),
        stripe_status=dispute.status,
        reason=dispute.reason,
    )
    if not inserted:
        return False
    await uow.ledger.post(
        rules.charge_back(deposit.user_id, dispute_id, amount_minor),
        HistoryLine(
            type=HistoryType.refund,
            amount_minor=-amount_minor,
            description="Card payment disputed (chargeback)",
            reference=dispute_id,
            metadata={"operation_id": str(deposit.operation_id), "dispute_id": dispute_id},
        ),
    )
    money_metrics.moved(uow, MoneyKind.chargeback, amount_minor)
    await audit_deposit(
        uow,
        AuditAction.deposit_disputed,
        AuditStatus.flagged,
        deposit,
        amount_minor=amount_minor,
        dispute_id=dispute_id,
        reason=dispute.reason,
    )
    return True


async def close_dispute(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    dispute: DisputeView,
    *,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> bool:
    """``charge.dispute.closed``: won → the money comes back; lost → it stays with the bank.
    Either way the flag is lifted (a debt left behind still blocks withdrawals and bets)."""
    await open_dispute(
        uow, provider, dispute, expiry=expiry
    )  # a close may come first: open it once
    dispute_id = dispute.id
    row = await uow.deposits.lock_dispute(dispute_id)
    outcome = rules.dispute_outcome(dispute.status or "")
    if row is None or row.status != DisputeStatus.open.value or outcome is DisputeStatus.open:
        return False
    user_id = row.user_id
    if outcome is DisputeStatus.won:
        await uow.ledger.post(
            rules.reverse_chargeback(user_id, dispute_id, row.amount_minor),
            HistoryLine(
                type=HistoryType.refund,
                amount_minor=row.amount_minor,
                description="Card dispute won: payment restored",
                reference=dispute_id,
                metadata={"operation_id": str(row.operation_id), "dispute_id": dispute_id},
            ),
        )
        money_metrics.moved(uow, MoneyKind.chargeback_reversal, row.amount_minor)
    await uow.deposits.close_dispute(dispute_id, outcome, dispute.status)
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.dispute_closed,
            status=AuditStatus.success,
            user_id=user_id,
            amount_minor=row.amount_minor,
            details={"dispute_id": dispute_id, "outcome": outcome.value},
        ),
    )
    return True


async def check_withdrawals_allowed(uow: WalletUnitOfWork, user_id: uuid.UUID) -> None:
    """Withdrawals wait while a card dispute is open or the wallet is in debt (§4)."""
    if await uow.deposits.has_open_dispute(user_id):
        raise AccountFlagged()
    if await uow.deposits.available_minor(user_id) < 0:
        raise WalletInDebt()
