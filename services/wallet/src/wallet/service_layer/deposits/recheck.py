"""Asking Stripe again: a client polling a deposit's status (a lost or late webhook) and the
reconciliation job's pass over pending deposits (settled as Stripe reports them, or expired and
canceled at Stripe). A payment Stripe no longer knows ends ``expired`` once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from wallet.adapters.deposits import DepositView
from wallet.adapters.stripe_payments import (
    CheckoutView,
    IntentView,
    PaymentProvider,
    ProviderObjectMissing,
)
from wallet.domain.audit import AuditAction, AuditStatus
from wallet.domain.card_payments import DepositStatus
from wallet.domain.errors import DepositNotFound
from wallet.service_layer import stripe_metrics
from wallet.service_layer.deposits.settle import settle_checkout, settle_intent
from wallet.service_layer.deposits.shared import (
    MISSING_AT_PROVIDER,
    UNPAID,
    announce_failure,
    audit_deposit,
)
from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def find_deposit(uow: WalletUnitOfWork, *, user_id: uuid.UUID, intent_id: str) -> DepositView:
    """The user's deposit by PaymentIntent (or Checkout Session) id; anyone else's is a 404."""
    found = await uow.deposits.find_of_user(user_id, intent_id)
    if found is None:
        raise DepositNotFound()
    return found


RECHECKED = frozenset({DepositStatus.pending, DepositStatus.failed})


async def recheck(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    deposit: DepositView,
    *,
    at_most_every: timedelta = timedelta(0),
) -> DepositView:
    """Ask Stripe about a deposit still open here (a lost or late webhook) and settle it.

    At most once per ``at_most_every`` per deposit: a client polling the status (or many at
    once) costs one Stripe call per interval, not one per request. The claim is a conditional
    UPDATE, so concurrent polls wait for the one that asks, then answer what it found.
    """
    if deposit.status not in RECHECKED or deposit.intent_id is None:
        return deposit
    if not await uow.deposits.claim_recheck(deposit.operation_id, at_most_every):
        # asked recently: the row is what Stripe said then (or a webhook since)
        return await uow.deposits.get(deposit.operation_id)
    try:
        intent = await provider.retrieve_intent(deposit.intent_id)
    except ProviderObjectMissing:
        return await _missing_at_provider(uow, deposit.operation_id)
    settled = await settle_intent(uow, provider, intent)
    return deposit if settled is None else settled.deposit


async def _missing_at_provider(uow: WalletUnitOfWork, operation_id: uuid.UUID) -> DepositView:
    """Stripe answers 404 ``resource_missing`` for the deposit's intent (or Checkout Session):
    nothing can ever be paid on it, so it is ``expired`` once — audited, and announced when it
    was still pending — and no job asks Stripe about it again."""
    deposit = await uow.deposits.lock(operation_id=operation_id)
    assert deposit is not None
    if deposit.status not in RECHECKED:
        return deposit  # settled meanwhile
    updated = await uow.deposits.set(
        operation_id,
        status=DepositStatus.expired.value,
        stripe_status=MISSING_AT_PROVIDER,
        failure_message="Stripe no longer knows this payment.",
    )
    await audit_deposit(
        uow,
        AuditAction.deposit_failed,
        AuditStatus.failed,
        updated,
        reason="provider_missing",
        checkout_session_id=updated.checkout_session_id,
    )
    stripe_metrics.deposits.labels(updated.kind, "expired").inc()
    if deposit.status is DepositStatus.pending:
        await announce_failure(uow, updated)
    return updated


async def reconcile_with_stripe(
    uow: WalletUnitOfWork, provider: PaymentProvider, operation_id: uuid.UUID, *, expire: bool
) -> bool:
    """The reconciliation job's step for one pending deposit: settle it as Stripe reports it;
    with ``expire``, cancel it at Stripe first (still credited if it was paid after all).
    True when this credited it."""
    deposit = await uow.deposits.lock(operation_id=operation_id)
    if deposit is None or deposit.status is not DepositStatus.pending:
        return False  # settled meanwhile by a webhook or a re-check
    try:
        credited = await _reconcile(uow, provider, deposit, expire=expire)
    except ProviderObjectMissing:
        await _missing_at_provider(uow, operation_id)
        return False
    if expire and not credited:
        after = await uow.deposits.lock(operation_id=operation_id)
        if after is not None and after.status in UNPAID:
            await announce_failure(uow, after)  # it was pending: once
    return credited


async def _reconcile(
    uow: WalletUnitOfWork, provider: PaymentProvider, deposit: DepositView, *, expire: bool
) -> bool:
    # Asked before it is marked: an intent Stripe no longer knows is handled on its own.
    checkout: CheckoutView | None = None
    intent: IntentView | None = None
    if deposit.intent_id is None and deposit.checkout_session_id is not None:
        checkout = await provider.retrieve_checkout(deposit.checkout_session_id)
    elif deposit.intent_id is not None:
        intent = await provider.retrieve_intent(deposit.intent_id)
    if expire:
        deposit = await uow.deposits.set(deposit.operation_id, status=DepositStatus.expired.value)
        stripe_metrics.deposits.labels(deposit.kind, "expired").inc()
    if checkout is not None:
        if expire and checkout.status == "open":
            checkout = await provider.expire_checkout(checkout.id)
        settled = await settle_checkout(uow, provider, checkout)
        return settled is not None and settled.credited_now
    if intent is None:
        return False  # Stripe was never reached for it
    if expire and intent.status in CANCELABLE_INTENT_STATUSES:
        intent = await provider.cancel_intent(intent.id)
    settled_intent = await settle_intent(uow, provider, intent)
    return settled_intent is not None and settled_intent.credited_now


# Stripe refuses to cancel an intent that is processing or finished.
CANCELABLE_INTENT_STATUSES = frozenset(
    {"requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"}
)


async def available_minor(uow: WalletUnitOfWork, user_id: uuid.UUID) -> int:
    """The available balance as committed (a read: no lock)."""
    return await uow.deposits.available_minor(user_id)
