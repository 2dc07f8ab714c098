"""Stripe's webhook events, each applied once: the event id is stored in the transaction of its
effect (``stripe_event``). A second delivery — sequential or concurrent (the insert waits for the
first to commit) — finds the id and changes nothing. Unknown types are acknowledged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from wallet.adapters.stripe_payments import CheckoutView, IntentView, PaymentProvider, SetupView
from wallet.service_layer import card_deposits, payment_methods
from wallet.service_layer.unit_of_work import WalletUnitOfWork

Handler = Callable[[WalletUnitOfWork, PaymentProvider, dict[str, Any], timedelta], Awaitable[bool]]


async def _intent(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], expiry: timedelta
) -> bool:
    settled = await card_deposits.settle_intent(uow, provider, IntentView.of(obj), expiry=expiry)
    return settled is not None


async def _checkout(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], expiry: timedelta
) -> bool:
    settled = await card_deposits.settle_checkout(
        uow, provider, CheckoutView.of(obj), expiry=expiry
    )
    return settled is not None


async def _setup(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await payment_methods.settle_setup(uow, provider, SetupView.of(obj)) is not None


async def _refund(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.apply_refund(uow, provider, obj)


async def _dispute_created(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.open_dispute(uow, provider, obj)


async def _dispute_closed(
    uow: WalletUnitOfWork, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.close_dispute(uow, provider, obj)


HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": _intent,
    "payment_intent.payment_failed": _intent,
    "payment_intent.requires_action": _intent,
    "payment_intent.processing": _intent,
    "payment_intent.canceled": _intent,
    "checkout.session.completed": _checkout,
    "checkout.session.async_payment_succeeded": _checkout,
    "checkout.session.expired": _checkout,
    "setup_intent.succeeded": _setup,
    "charge.refunded": _refund,
    "charge.dispute.created": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
}


async def handle_event(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    event: dict[str, Any],
    *,
    expiry: timedelta,
) -> str:
    """Apply a verified event once: ``processed``, ``ignored`` (unknown type, not ours, nothing
    to do) or ``duplicate``."""
    event_id, event_type = str(event["id"]), str(event.get("type") or "")
    if not await uow.stripe_events.first_delivery(event_id, event_type):
        return "duplicate"
    handler = HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    applied = handler is not None and await handler(uow, provider, obj, expiry)
    outcome = "processed" if applied else "ignored"
    await uow.stripe_events.set_outcome(event_id, outcome)
    return outcome
