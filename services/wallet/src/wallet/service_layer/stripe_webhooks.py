"""Stripe's webhook events, each applied once: the event id is stored in the transaction of its
effect (``stripe_event``). A second delivery — sequential or concurrent (the insert waits for the
first to commit) — finds the id and changes nothing. Unknown types are acknowledged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.stripe_payments import CheckoutView, IntentView, PaymentProvider, SetupView
from wallet.adapters.stripe_tables import stripe_event
from wallet.service_layer import card_deposits, payment_methods

Handler = Callable[[AsyncSession, PaymentProvider, dict[str, Any], timedelta], Awaitable[bool]]


async def _intent(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], expiry: timedelta
) -> bool:
    settled = await card_deposits.settle_intent(
        session, provider, IntentView.of(obj), expiry=expiry
    )
    return settled is not None


async def _checkout(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], expiry: timedelta
) -> bool:
    settled = await card_deposits.settle_checkout(
        session, provider, CheckoutView.of(obj), expiry=expiry
    )
    return settled is not None


async def _setup(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await payment_methods.settle_setup(session, provider, SetupView.of(obj)) is not None


async def _refund(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.apply_refund(session, provider, obj)


async def _dispute_created(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.open_dispute(session, provider, obj)


async def _dispute_closed(
    session: AsyncSession, provider: PaymentProvider, obj: dict[str, Any], _: timedelta
) -> bool:
    return await card_deposits.close_dispute(session, provider, obj)


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
    session: AsyncSession,
    provider: PaymentProvider,
    event: dict[str, Any],
    *,
    expiry: timedelta,
) -> str:
    """Apply a verified event once: ``processed``, ``ignored`` (unknown type, not ours, nothing
    to do) or ``duplicate``."""
    event_id, event_type = str(event["id"]), str(event.get("type") or "")
    first = await session.scalar(
        insert(stripe_event)
        .values(event_id=event_id, type=event_type, outcome="processing")
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(stripe_event.c.event_id)
    )
    if first is None:
        return "duplicate"
    handler = HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    applied = handler is not None and await handler(session, provider, obj, expiry)
    outcome = "processed" if applied else "ignored"
    await session.execute(
        update(stripe_event).where(stripe_event.c.event_id == event_id).values(outcome=outcome)
    )
    return outcome
