"""Starting a deposit: a PaymentIntent for a new card (the SPA confirms it), an off-session
charge of a saved card (credited at once when Stripe says succeeded), a Checkout Session.

Each is refused before any Stripe call when the amount is out of limits, the wallet is not
usable, a time-out or self-exclusion runs, the user's own deposit limit would be passed, or the
user has too many unpaid deposits; the pending row is written before the call so a webhook racing
the request finds it (and the next start counts it against the deposit limits).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wallet.adapters.deposits import DepositView
from wallet.adapters.stripe_payments import (
    AuthenticationRequired,
    DepositCharge,
    IntentView,
    PaymentProvider,
)
from wallet.domain import card_payments as rules
from wallet.domain.audit import AuditAction, AuditStatus, ClientInfo
from wallet.domain.card_payments import DepositStatus
from wallet.domain.errors import CardDeclined, CardDepositsPending
from wallet.service_layer import payment_methods, responsible_gambling, stripe_metrics
from wallet.service_layer.deposits.settle import settle_intent
from wallet.service_layer.deposits.shared import announce_failure, audit_deposit
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import check_usable

# Operation ids derived from the client's Idempotency-Key: a retried request reuses the same
# Stripe idempotency key, so a crash after Stripe answered never makes a second PaymentIntent.
_OPERATION_NS = uuid.UUID("5b0d3f52-6c1e-4c36-9d0f-1f7a3f0c8e11")


def operation_id_for(user_id: uuid.UUID, idempotency_key: str | None) -> uuid.UUID:
    if idempotency_key is None:
        return uuid.uuid4()
    return uuid.uuid5(_OPERATION_NS, f"{user_id}:{idempotency_key}")


@dataclass(frozen=True)
class DepositLimits:
    min_minor: int
    max_minor: int
    expiry: timedelta
    # Unpaid deposits a user may have open at once: each one started is a Stripe call, and each
    # is re-checked by the reconciliation job until it is paid or expires.
    pending_max: int = 5


@dataclass(frozen=True)
class DepositStart:
    """What every way of starting a deposit is given: whose, under which operation id, how much,
    within which limits, and from where (for the audit)."""

    user_id: uuid.UUID
    operation_id: uuid.UUID
    amount_minor: int
    limits: DepositLimits
    client: ClientInfo


@dataclass(frozen=True)
class PaymentForm:
    """A new card: the SPA shows Stripe's form and confirms with ``client_secret``."""

    deposit: DepositView
    client_secret: str


@dataclass(frozen=True)
class ActionRequired:
    """3-D Secure: the SPA completes ``next_action`` with Stripe.js and ``client_secret``."""

    deposit: DepositView
    client_secret: str
    next_action: dict[str, Any] | None
    # The saved card's Stripe id: Stripe.js confirms on-session with it (Stripe clears the
    # intent's payment_method after an off-session authentication_required).
    payment_method: str | None = None


@dataclass(frozen=True)
class Credited:
    deposit: DepositView
    available_after_minor: int


@dataclass(frozen=True)
class Declined:
    deposit: DepositView
    error: CardDeclined


@dataclass(frozen=True)
class Processing:
    deposit: DepositView


SavedCardOutcome = Credited | ActionRequired | Declined | Processing


async def _usable_currency(uow: WalletUnitOfWork, req: DepositStart) -> str:
    """The wallet's currency, once the amount is within the limits and the wallet may take money
    in: usable, and no time-out or self-exclusion running (refused before any Stripe call)."""
    limits = req.limits
    rules.check_deposit_amount(
        req.amount_minor, min_minor=limits.min_minor, max_minor=limits.max_minor
    )
    currency = check_usable(await uow.wallets.find(req.user_id)).currency
    await responsible_gambling.check_money_in(uow, req.user_id)
    return currency


async def _check_start_caps(uow: WalletUnitOfWork, req: DepositStart) -> None:
    """Refuse a new deposit (before any Stripe call) while the user has too many unpaid ones
    or it would pass their own deposit limit; a retry of this very operation is not counted
    against itself. The lock is held until the pending row is written and committed, so the
    user's parallel starts are counted one after the other."""
    await uow.deposits.lock_starts_of(req.user_id)
    pending = await uow.deposits.count_pending(req.user_id, besides=req.operation_id)
    if pending >= req.limits.pending_max:
        raise CardDepositsPending(details={"pending": pending, "limit": req.limits.pending_max})
    await responsible_gambling.check_deposit_limits(
        uow, req.user_id, req.amount_minor, operation_id=req.operation_id
    )


async def _open_pending(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    req: DepositStart,
    *,
    currency: str,
    kind: str,
    method_id: uuid.UUID | None = None,
    save_method: bool = False,
) -> DepositCharge:
    """What every start does before it asks Stripe for the payment: the cap on unpaid deposits,
    the user's Stripe customer, and the pending row (written before the call, so a webhook
    racing the request finds it). Nothing here locks the user's balance rows: the cap is an
    advisory lock on deposit starts, so Stripe is never called with a balance row held."""
    await _check_start_caps(uow, req)
    customer = await payment_methods.customer_for(uow, provider, req.user_id)
    await uow.deposits.add_pending(
        operation_id=req.operation_id,
        user_id=req.user_id,
        kind=kind,
        amount_minor=req.amount_minor,
        currency=currency,
        expiry=req.limits.expiry,
        method_id=method_id,
        save_method=save_method,
    )
    return DepositCharge(req.operation_id, req.user_id, req.amount_minor, currency, customer)


async def _initiated(
    uow: WalletUnitOfWork, req: DepositStart, **stripe_ids: str | None
) -> DepositView:
    """The pending deposit with what Stripe answered (its object's id and status), audited."""
    deposit = await uow.deposits.set(req.operation_id, **stripe_ids)
    await audit_deposit(
        uow, AuditAction.deposit_initiated, AuditStatus.pending, deposit, client=req.client
    )
    return deposit


async def start_card_deposit(
    uow: WalletUnitOfWork, provider: PaymentProvider, req: DepositStart, *, save_method: bool
) -> PaymentForm:
    """A new card: a PaymentIntent (saving the card for later when asked) and a pending deposit."""
    currency = await _usable_currency(uow, req)
    charge = await _open_pending(
        uow, provider, req, currency=currency, kind="new_card", save_method=save_method
    )
    intent = await provider.create_payment_intent(charge, save_card=save_method)
    deposit = await _initiated(uow, req, intent_id=intent.id, stripe_status=intent.status)
    stripe_metrics.deposits.labels("new_card", "started").inc()
    assert intent.client_secret is not None, "Stripe returns a PaymentIntent's client_secret"
    return PaymentForm(deposit, intent.client_secret)


async def charge_saved_card(
    uow: WalletUnitOfWork, provider: PaymentProvider, req: DepositStart, *, method_id: uuid.UUID
) -> SavedCardOutcome:
    """A saved card, off-session: credited at once when Stripe says succeeded."""
    currency = await _usable_currency(uow, req)
    method = await payment_methods.find_method(uow, req.user_id, method_id)
    charge = await _open_pending(
        uow, provider, req, currency=currency, kind="saved_card", method_id=method_id
    )
    await payment_methods.mark_used(uow, method_id)
    # Stripe is called before anything locks the user's balance rows: the ledger locks them
    # only in settle_intent's credit, after Stripe answered.
    card = method.stripe_payment_method_id
    try:
        intent = await provider.charge_saved_card(charge, payment_method=card)
    except AuthenticationRequired as needed:
        return await _action_required(uow, req, needed.intent, card)
    except CardDeclined as declined:
        return await _declined(uow, req, declined)
    if intent.status == "requires_action":
        return await _action_required(uow, req, intent, card)
    settled = await settle_intent(uow, provider, intent, locked_by_caller=req.operation_id)
    assert settled is not None
    if settled.deposit.status is DepositStatus.succeeded:
        available = await uow.ledger.lock_available(req.user_id)
        return Credited(settled.deposit, available)
    return Processing(settled.deposit)


async def _action_required(
    uow: WalletUnitOfWork, req: DepositStart, intent: IntentView, payment_method: str
) -> ActionRequired:
    deposit = await _initiated(uow, req, intent_id=intent.id, stripe_status=intent.status)
    stripe_metrics.deposits.labels(deposit.kind, "requires_action").inc()
    assert intent.client_secret is not None
    return ActionRequired(deposit, intent.client_secret, intent.next_action, payment_method)


async def _declined(uow: WalletUnitOfWork, req: DepositStart, error: CardDeclined) -> Declined:
    details = error.details if isinstance(error.details, dict) else {}
    before = await uow.deposits.lock(operation_id=req.operation_id)
    deposit = await uow.deposits.set(
        req.operation_id,
        intent_id=details.get("intent_id"),
        status=DepositStatus.failed.value,
        stripe_status="requires_payment_method",
        decline_code=details.get("decline_code"),
        failure_message=error.message,
    )
    await audit_deposit(
        uow,
        AuditAction.deposit_failed,
        AuditStatus.failed,
        deposit,
        client=req.client,
        decline_code=deposit.decline_code,
    )
    stripe_metrics.deposits.labels(deposit.kind, "declined").inc()
    if before is not None and before.status is DepositStatus.pending:
        await announce_failure(uow, deposit)
    return Declined(deposit, error)


async def start_checkout(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    req: DepositStart,
    *,
    success_url: str,
    cancel_url: str,
) -> tuple[DepositView, str]:
    """A Stripe Checkout Session (seed 002): the user pays on Stripe's page."""
    currency = await _usable_currency(uow, req)
    charge = await _open_pending(uow, provider, req, currency=currency, kind="checkout")
    checkout = await provider.create_checkout(
        charge, success_url=success_url, cancel_url=cancel_url
    )
    deposit = await _initiated(
        uow, req, checkout_session_id=checkout.id, stripe_status=checkout.status
    )
    stripe_metrics.deposits.labels("checkout", "started").inc()
    assert checkout.url is not None, "a Checkout Session in payment mode has a url"
    return deposit, checkout.url
