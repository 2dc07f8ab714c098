"""Settling what Stripe reports (webhook, re-check, the saved-card request itself): the deposit
row is brought in line with the PaymentIntent or Checkout Session, and a paid one is credited
through ``credit`` — the one credit path, keyed by ``operation_id`` (the transfer
``(deposit, operation_id)`` is unique, so a repeated webhook or re-check credits nothing twice).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from common.contracts.wallet import DepositCompleted
from wallet.adapters.deposits import DepositView
from wallet.adapters.stripe_payments import CardView, CheckoutView, IntentView, PaymentProvider
from wallet.domain import card_payments as rules
from wallet.domain import ledger as ledger_rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.card_payments import DepositStatus
from wallet.domain.errors import CurrencyMismatch, TransferAlreadyPosted, WalletNotFound
from wallet.domain.history import HistoryLine, HistoryType
from wallet.service_layer import money_metrics, payment_methods, stripe_metrics
from wallet.service_layer.deposits.after_credit import after_deposit_credited
from wallet.service_layer.deposits.shared import UNPAID, announce_failure, audit_deposit
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
    """clearing → available, history ``deposit +A completed``, DepositCompleted; once.

    Also how fixtures and the bench seed a wallet, in a transaction they own
    (``credit(WalletUnitOfWork.joining(session), ...)``).
    """
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
        posted = await uow.ledger.post(
            ledger_rules.deposit(user_id, operation_id, amount_minor), line
        )
    except TransferAlreadyPosted:
        return DepositCredited(operation_id, credited_now=False, available_after_minor=None)
    money_metrics.moved(uow, MoneyKind.deposit, amount_minor)
    await after_deposit_credited(uow, user_id=user_id, operation_id=operation_id)
    await uow.emit(
        DepositCompleted(
            operation_id=operation_id,
            user_id=user_id,
            amount_minor=amount_minor,
            currency=found.currency,
        ),
    )
    await uow.audit.add(
        AuditEntry.money_moved(
            AuditAction.deposit_completed,
            user_id=user_id,
            operation_id=operation_id,
            amount_minor=amount_minor,
            client=client or ClientInfo(),
        )
    )
    return DepositCredited(operation_id, True, posted.available_after_minor)


@dataclass(frozen=True)
class Settled:
    deposit: DepositView
    credited_now: bool


def _ours(metadata: dict[str, str]) -> tuple[uuid.UUID, uuid.UUID] | None:
    try:
        return uuid.UUID(metadata["operation_id"]), uuid.UUID(metadata["user_id"])
    except (KeyError, ValueError):
        return None


async def _lock_or_create(
    uow: WalletUnitOfWork,
    *,
    metadata: dict[str, str],
    kind: str,
    amount_minor: int,
    currency: str,
    expiry: timedelta,
) -> DepositView | None:
    """The deposit named by the metadata's ``operation_id``, locked; created if the request has
    not committed it (the insert waits for the request's own uncommitted row, then conflicts).
    None for an intent that is not ours."""
    ours = _ours(metadata)
    if ours is None:
        return None
    operation_id, user_id = ours
    await uow.deposits.add_pending(
        operation_id=operation_id,
        user_id=user_id,
        kind=kind,
        amount_minor=amount_minor,
        currency=currency,
        expiry=expiry,
    )
    return await uow.deposits.lock(operation_id=operation_id)


DEFAULT_EXPIRY = timedelta(hours=24)


async def settle_intent(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    intent: IntentView,
    *,
    locked_by_caller: uuid.UUID | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> Settled | None:
    """Bring the deposit of ``intent`` in line with it; credit it once it succeeded."""
    if locked_by_caller is not None:
        deposit = await uow.deposits.lock(operation_id=locked_by_caller)
    else:
        deposit = await uow.deposits.lock(intent_id=intent.id)
        if deposit is None:
            deposit = await _lock_or_create(
                uow,
                metadata=intent.metadata,
                kind="new_card",
                amount_minor=intent.amount_minor,
                currency=intent.currency,
                expiry=expiry,
            )
    if deposit is None:
        return None  # not a deposit of ours (another integration on the same account)
    if deposit.intent_id not in (None, intent.id):
        # One operation, one PaymentIntent (the Stripe idempotency key): anything else is a bug.
        raise RuntimeError(f"deposit {deposit.operation_id} belongs to {deposit.intent_id}")
    if deposit.intent_id is None:
        deposit = await uow.deposits.set(deposit.operation_id, intent_id=intent.id)
    if intent.status == "succeeded":
        return await _credit(
            uow,
            provider,
            deposit,
            amount_minor=intent.amount_received_minor or intent.amount_minor,
            currency=intent.currency,
            charge_id=intent.latest_charge,
            stripe_status=intent.status,
            card_to_save=intent.payment_method if intent.setup_future_usage else None,
        )
    if deposit.status is DepositStatus.succeeded:
        return Settled(deposit, credited_now=False)  # a late, older event: credited stays
    values: dict[str, Any] = {"stripe_status": intent.status}
    if intent.status == "canceled":
        values["status"] = rules.status_after_intent(deposit.status, intent.status).value
    elif intent.status == "requires_payment_method" and intent.decline_code:
        values.update(
            status=DepositStatus.failed.value,
            decline_code=intent.decline_code,
            failure_message=intent.failure_message,
        )
    updated = await uow.deposits.set(deposit.operation_id, **values)
    if updated.status is not deposit.status:
        outcome = "declined" if updated.status is DepositStatus.failed else updated.status.value
        stripe_metrics.deposits.labels(updated.kind, outcome).inc()
        if updated.status is DepositStatus.failed:
            await audit_deposit(
                uow,
                AuditAction.deposit_failed,
                AuditStatus.failed,
                updated,
                decline_code=updated.decline_code,
            )
        if deposit.status is DepositStatus.pending and updated.status in UNPAID:
            await announce_failure(uow, updated)
    return Settled(updated, credited_now=False)


async def settle_checkout(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    checkout: CheckoutView,
    *,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> Settled | None:
    deposit = await uow.deposits.lock(checkout_session_id=checkout.id)
    if deposit is None:
        deposit = await _lock_or_create(
            uow,
            metadata=checkout.metadata,
            kind="checkout",
            amount_minor=checkout.amount_total_minor or 1,
            currency=checkout.currency,
            expiry=expiry,
        )
    if deposit is None:
        return None
    values: dict[str, Any] = {}
    if deposit.checkout_session_id is None:
        values["checkout_session_id"] = checkout.id
    if deposit.intent_id is None and checkout.payment_intent is not None:
        values["intent_id"] = checkout.payment_intent
    if values:
        deposit = await uow.deposits.set(deposit.operation_id, **values)
    if checkout.payment_status == "paid" and checkout.amount_total_minor:
        return await _credit(
            uow,
            provider,
            deposit,
            amount_minor=checkout.amount_total_minor,
            currency=checkout.currency,
            charge_id=None,
            stripe_status="succeeded",
            card_to_save=None,
        )
    if checkout.status == "expired" and deposit.status is DepositStatus.pending:
        deposit = await uow.deposits.set(deposit.operation_id, status=DepositStatus.expired.value)
        await announce_failure(uow, deposit)
    return Settled(deposit, credited_now=False)


async def _credit(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    deposit: DepositView,
    *,
    amount_minor: int,
    currency: str,
    charge_id: str | None,
    stripe_status: str,
    card_to_save: str | None,
) -> Settled:
    card = await _card_to_save(uow, provider, deposit, card_to_save)
    credited = await credit(
        uow,
        user_id=deposit.user_id,
        operation_id=deposit.operation_id,
        amount_minor=amount_minor,
        currency=currency,
        description="Card deposit",
        metadata={"intent_id": deposit.intent_id, "charge_id": charge_id, "kind": deposit.kind},
    )
    values: dict[str, Any] = {"stripe_status": stripe_status}
    if charge_id is not None:
        values["charge_id"] = charge_id
    if deposit.status is DepositStatus.succeeded:
        updated = await uow.deposits.set(deposit.operation_id, **values)
    else:
        updated = await uow.deposits.mark_succeeded(
            deposit.operation_id, credited_minor=amount_minor, **values
        )
    if credited.credited_now:
        stripe_metrics.deposits.labels(deposit.kind, "succeeded").inc()
        stripe_metrics.deposited_minor.inc(amount_minor)
        if card is not None:
            await payment_methods.store_card(uow, user_id=deposit.user_id, card=card)
    return Settled(updated, credited.credited_now)


async def _card_to_save(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    deposit: DepositView,
    payment_method: str | None,
) -> CardView | None:
    """The card a paid deposit saves, asked of Stripe *before* ``credit``: the ledger locks the
    user's balance rows until commit, and no Stripe call may wait with them held (issue 19).

    Asking first is safe: the call only reads, and if the transaction fails after it nothing was
    credited or saved, so the next webhook or re-check asks again. Not asked when the deposit
    was credited before (the card was saved with that credit) or the card is saved already.
    """
    if payment_method is None or deposit.status is DepositStatus.succeeded:
        return None
    if await uow.payment_methods.by_stripe_id(payment_method) is not None:
        return None
    return await provider.retrieve_card(payment_method)
