"""Card deposits through Stripe: PaymentIntents (new and saved card, 3-D Secure), Checkout,
the settlement of what Stripe reports (webhook or re-check), refunds and disputes.

Exactly once, whatever the order of request, webhook and re-check:

- every deposit is a ``card_deposit`` row keyed by our ``operation_id``, which also travels in the
  PaymentIntent's / Checkout Session's metadata and keys the Stripe idempotency key;
- whoever settles (webhook, re-check, the saved-card request itself) first locks that row; a
  webhook that comes before the request's transaction committed inserts the row by its metadata
  ``ON CONFLICT DO NOTHING``, which waits for the request's uncommitted row, then locks it;
- the credit is ``deposits.credit`` (transfer ``(deposit, operation_id)`` unique), with Stripe's
  amount and currency — never the client's.

Every function works in the caller's ``WalletUnitOfWork`` (the route's, or the job's), the SQL in
``adapters/deposits.py``; a Stripe call happens inside it, so the deposit row written before the
call commits with what the call returned.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from common.contracts.wallet import DepositFailed
from common.money import format_minor
from wallet.adapters.deposits import DepositView as DepositView
from wallet.adapters.deposits import deposit_view as deposit_view
from wallet.adapters.stripe_payments import (
    AuthenticationRequired,
    CheckoutView,
    IntentView,
    PaymentProvider,
    ProviderObjectMissing,
)
from wallet.domain import card_payments as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.card_payments import DepositStatus, DisputeStatus
from wallet.domain.errors import (
    AccountFlagged,
    CardDeclined,
    CardDepositsPending,
    DepositNotFound,
    TransferAlreadyPosted,
    WalletInDebt,
)
from wallet.domain.history import HistoryLine, HistoryType
from wallet.service_layer import money_metrics, payment_methods, stripe_metrics
from wallet.service_layer.deposits import credit
from wallet.service_layer.money_metrics import MoneyKind
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


# --- what the API answers --------------------------------------------------------------------


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


# --- starting a deposit ------------------------------------------------------------------------


async def _check_pending_cap(
    uow: WalletUnitOfWork, user_id: uuid.UUID, operation_id: uuid.UUID, limits: DepositLimits
) -> None:
    """Refuse a new deposit (before any Stripe call) while the user has too many unpaid ones;
    a retry of this very operation is not counted against itself."""
    await uow.deposits.lock_starts_of(user_id)
    pending = await uow.deposits.count_pending(user_id, besides=operation_id)
    if pending >= limits.pending_max:
        raise CardDepositsPending(details={"pending": pending, "limit": limits.pending_max})


async def _audit(
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


async def _announce_failure(uow: WalletUnitOfWork, deposit: DepositView) -> None:
    await uow.emit(
        DepositFailed(
            operation_id=deposit.operation_id,
            user_id=deposit.user_id,
            amount_minor=deposit.amount_minor,
            currency=deposit.currency,
            reason=failure_reason(deposit),
        ),
    )


async def start_card_deposit(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    amount_minor: int,
    save_method: bool,
    limits: DepositLimits,
    client: ClientInfo,
) -> PaymentForm:
    """A new card: a PaymentIntent (saving the card for later when asked) and a pending deposit."""
    rules.check_deposit_amount(amount_minor, min_minor=limits.min_minor, max_minor=limits.max_minor)
    found = check_usable(await uow.wallets.find(user_id))
    await _check_pending_cap(uow, user_id, operation_id, limits)
    customer = await payment_methods.customer_for(uow, provider, user_id)
    await uow.deposits.add_pending(
        operation_id=operation_id,
        user_id=user_id,
        kind="new_card",
        amount_minor=amount_minor,
        currency=found.currency,
        expiry=limits.expiry,
        save_method=save_method,
    )
    intent = await provider.create_payment_intent(
        operation_id=operation_id,
        user_id=user_id,
        amount_minor=amount_minor,
        currency=found.currency,
        customer=customer,
        save_card=save_method,
    )
    deposit = await uow.deposits.set(operation_id, intent_id=intent.id, stripe_status=intent.status)
    await _audit(uow, AuditAction.deposit_initiated, AuditStatus.pending, deposit, client=client)
    stripe_metrics.deposits.labels("new_card", "started").inc()
    assert intent.client_secret is not None, "Stripe returns a PaymentIntent's client_secret"
    return PaymentForm(deposit, intent.client_secret)


async def charge_saved_card(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    amount_minor: int,
    method_id: uuid.UUID,
    limits: DepositLimits,
    client: ClientInfo,
) -> SavedCardOutcome:
    """A saved card, off-session: credited at once when Stripe says succeeded."""
    rules.check_deposit_amount(amount_minor, min_minor=limits.min_minor, max_minor=limits.max_minor)
    found = check_usable(await uow.wallets.find(user_id))
    method = await payment_methods.find_method(uow, user_id, method_id)
    await _check_pending_cap(uow, user_id, operation_id, limits)
    customer = await payment_methods.customer_for(uow, provider, user_id)
    await uow.deposits.add_pending(
        operation_id=operation_id,
        user_id=user_id,
        kind="saved_card",
        amount_minor=amount_minor,
        currency=found.currency,
        expiry=limits.expiry,
        method_id=method_id,
    )
    await payment_methods.mark_used(uow, method_id)
    try:
        intent = await provider.charge_saved_card(
            operation_id=operation_id,
            user_id=user_id,
            amount_minor=amount_minor,
            currency=found.currency,
            customer=customer,
            payment_method=method.stripe_payment_method_id,
        )
    except AuthenticationRequired as needed:
        return await _action_required(
            uow, operation_id, needed.intent, client, method.stripe_payment_method_id
        )
    except CardDeclined as declined:
        return await _declined(uow, operation_id, declined, client)
    if intent.status == "requires_action":
        return await _action_required(
            uow, operation_id, intent, client, method.stripe_payment_method_id
        )
    settled = await settle_intent(uow, provider, intent, locked_by_caller=operation_id)
    assert settled is not None
    if settled.deposit.status is DepositStatus.succeeded:
        available = await uow.ledger.lock_available(user_id)
        return Credited(settled.deposit, available)
    return Processing(settled.deposit)


async def _action_required(
    uow: WalletUnitOfWork,
    operation_id: uuid.UUID,
    intent: IntentView,
    client: ClientInfo,
    payment_method: str,
) -> ActionRequired:
    deposit = await uow.deposits.set(operation_id, intent_id=intent.id, stripe_status=intent.status)
    await _audit(uow, AuditAction.deposit_initiated, AuditStatus.pending, deposit, client=client)
    stripe_metrics.deposits.labels(deposit.kind, "requires_action").inc()
    assert intent.client_secret is not None
    return ActionRequired(deposit, intent.client_secret, intent.next_action, payment_method)


async def _declined(
    uow: WalletUnitOfWork, operation_id: uuid.UUID, error: CardDeclined, client: ClientInfo
) -> Declined:
    details = error.details if isinstance(error.details, dict) else {}
    before = await uow.deposits.lock(operation_id=operation_id)
    deposit = await uow.deposits.set(
        operation_id,
        intent_id=details.get("intent_id"),
        status=DepositStatus.failed.value,
        stripe_status="requires_payment_method",
        decline_code=details.get("decline_code"),
        failure_message=error.message,
    )
    await _audit(
        uow,
        AuditAction.deposit_failed,
        AuditStatus.failed,
        deposit,
        client=client,
        decline_code=deposit.decline_code,
    )
    stripe_metrics.deposits.labels(deposit.kind, "declined").inc()
    if before is not None and before.status is DepositStatus.pending:
        await _announce_failure(uow, deposit)
    return Declined(deposit, error)


async def start_checkout(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    amount_minor: int,
    limits: DepositLimits,
    success_url: str,
    cancel_url: str,
    client: ClientInfo,
) -> tuple[DepositView, str]:
    """A Stripe Checkout Session (seed 002): the user pays on Stripe's page."""
    rules.check_deposit_amount(amount_minor, min_minor=limits.min_minor, max_minor=limits.max_minor)
    found = check_usable(await uow.wallets.find(user_id))
    await _check_pending_cap(uow, user_id, operation_id, limits)
    customer = await payment_methods.customer_for(uow, provider, user_id)
    await uow.deposits.add_pending(
        operation_id=operation_id,
        user_id=user_id,
        kind="checkout",
        amount_minor=amount_minor,
        currency=found.currency,
        expiry=limits.expiry,
    )
    checkout = await provider.create_checkout(
        operation_id=operation_id,
        user_id=user_id,
        amount_minor=amount_minor,
        currency=found.currency,
        customer=customer,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    deposit = await uow.deposits.set(
        operation_id, checkout_session_id=checkout.id, stripe_status=checkout.status
    )
    await _audit(uow, AuditAction.deposit_initiated, AuditStatus.pending, deposit, client=client)
    stripe_metrics.deposits.labels("checkout", "started").inc()
    assert checkout.url is not None, "a Checkout Session in payment mode has a url"
    return deposit, checkout.url


# --- settling what Stripe reports ----------------------------------------------------------------


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
            await _audit(
                uow,
                AuditAction.deposit_failed,
                AuditStatus.failed,
                updated,
                decline_code=updated.decline_code,
            )
        if deposit.status is DepositStatus.pending and updated.status in UNPAID:
            await _announce_failure(uow, updated)
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
        await _announce_failure(uow, deposit)
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
        if card_to_save is not None:
            await payment_methods.save_card(
                uow, provider, user_id=deposit.user_id, stripe_payment_method_id=card_to_save
            )
    return Settled(updated, credited.credited_now)


# --- reading and re-checking ---------------------------------------------------------------------


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


# ``stripe_status`` of a deposit whose PaymentIntent / Checkout Session Stripe no longer knows.
MISSING_AT_PROVIDER = "missing"


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
    await _audit(
        uow,
        AuditAction.deposit_failed,
        AuditStatus.failed,
        updated,
        reason="provider_missing",
        checkout_session_id=updated.checkout_session_id,
    )
    stripe_metrics.deposits.labels(updated.kind, "expired").inc()
    if deposit.status is DepositStatus.pending:
        await _announce_failure(uow, updated)
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
            await _announce_failure(uow, after)  # it was pending: once
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


# --- refunds and disputes --------------------------------------------------------------------


async def _credited_deposit(
    uow: WalletUnitOfWork, provider: PaymentProvider, *, intent_id: str | None
) -> DepositView | None:
    """The deposit of a refunded or disputed payment, credited first if its success has not
    reached us yet (a refund or dispute proves the money was taken)."""
    if intent_id is None:
        return None
    deposit = await uow.deposits.lock(intent_id=intent_id)
    if deposit is None or deposit.status is DepositStatus.succeeded:
        return deposit
    settled = await settle_intent(uow, provider, await provider.retrieve_intent(intent_id))
    return None if settled is None else settled.deposit


async def apply_refund(
    uow: WalletUnitOfWork, provider: PaymentProvider, charge: dict[str, Any]
) -> bool:
    """``charge.refunded``: debit what was newly refunded (Stripe's cumulative total), once."""
    deposit = await _credited_deposit(uow, provider, intent_id=_str(charge.get("payment_intent")))
    if deposit is None or deposit.status is not DepositStatus.succeeded:
        return False
    refunded_total = int(charge.get("amount_refunded") or 0)
    newly_refunded = refunded_total - deposit.refunded_minor
    if newly_refunded <= 0:
        return False  # an older or repeated event
    charge_id = str(charge["id"])
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
    money_metrics.moved(uow.db, MoneyKind.card_refund, newly_refunded)
    updated = await uow.deposits.set(deposit.operation_id, refunded_minor=refunded_total)
    await _audit(
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
    uow: WalletUnitOfWork, provider: PaymentProvider, dispute: dict[str, Any]
) -> bool:
    """``charge.dispute.created``: the disputed amount leaves the wallet at once (Stripe takes it
    from us when the dispute opens) — even into a debt — and the account is flagged."""
    deposit = await _credited_deposit(uow, provider, intent_id=_str(dispute.get("payment_intent")))
    if deposit is None or deposit.status is not DepositStatus.succeeded:
        return False
    dispute_id = str(dispute["id"])
    amount_minor = int(dispute.get("amount") or 0)
    inserted = await uow.deposits.add_dispute(
        dispute_id=dispute_id,
        user_id=deposit.user_id,
        operation_id=deposit.operation_id,
        charge_id=_str(dispute.get("charge")),
        amount_minor=amount_minor,
        currency=str(dispute.get("currency") or deposit.currency).upper(),
        stripe_status=dispute.get("status"),
        reason=dispute.get("reason"),
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
    money_metrics.moved(uow.db, MoneyKind.chargeback, amount_minor)
    await _audit(
        uow,
        AuditAction.deposit_disputed,
        AuditStatus.flagged,
        deposit,
        amount_minor=amount_minor,
        dispute_id=dispute_id,
        reason=dispute.get("reason"),
    )
    return True


async def close_dispute(
    uow: WalletUnitOfWork, provider: PaymentProvider, dispute: dict[str, Any]
) -> bool:
    """``charge.dispute.closed``: won → the money comes back; lost → it stays with the bank.
    Either way the flag is lifted (a debt left behind still blocks withdrawals and bets)."""
    await open_dispute(uow, provider, dispute)  # a close may come first: open it once
    dispute_id = str(dispute["id"])
    row = await uow.deposits.lock_dispute(dispute_id)
    outcome = rules.dispute_outcome(str(dispute.get("status") or ""))
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
        money_metrics.moved(uow.db, MoneyKind.chargeback_reversal, row.amount_minor)
    await uow.deposits.close_dispute(dispute_id, outcome, dispute.get("status"))
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
    if await available_minor(uow, user_id) < 0:
        raise WalletInDebt()


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return str(value["id"])
    return str(value)
