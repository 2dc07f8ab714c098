"""Stripe's webhook events, each applied once: the event id is stored in the transaction of its
effect (``stripe_event``). A second delivery — sequential or concurrent (the insert waits for the
first to commit) — finds the id and changes nothing. Unknown types are acknowledged.

The table names, for each event type, the typed view its object is read into and the service
function that applies it; nothing stands between the two.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from wallet.adapters.stripe_payments import (
    JSON,
    ChargeView,
    CheckoutView,
    DisputeView,
    IntentView,
    PaymentProvider,
    SetupView,
)
from wallet.service_layer import payment_methods
from wallet.service_layer.deposits import disputes, settle
from wallet.service_layer.unit_of_work import WalletUnitOfWork

View = TypeVar("View")
ViewIn = TypeVar("ViewIn", contravariant=True)


class Apply(Protocol[ViewIn]):
    """A service function applying one Stripe object; None or False: nothing of ours to do.
    ``expiry`` is the deposit expiry, for a deposit the event has to create by its metadata."""

    def __call__(
        self,
        uow: WalletUnitOfWork,
        provider: PaymentProvider,
        view: ViewIn,
        /,
        *,
        expiry: timedelta,
    ) -> Awaitable[object]: ...


@dataclass(frozen=True)
class On(Generic[View]):
    """An event's object read into its view and handed to its service function."""

    read: Callable[[JSON], View]
    apply: Apply[View]

    async def __call__(
        self, uow: WalletUnitOfWork, provider: PaymentProvider, obj: JSON, expiry: timedelta
    ) -> bool:
        applied = await self.apply(uow, provider, self.read(obj), expiry=expiry)
        return applied is not None and applied is not False


_INTENT = On(IntentView.of, settle.settle_intent)
_CHECKOUT = On(CheckoutView.of, settle.settle_checkout)

HANDLERS: dict[str, On[Any]] = {
    "payment_intent.succeeded": _INTENT,
    "payment_intent.payment_failed": _INTENT,
    "payment_intent.requires_action": _INTENT,
    "payment_intent.processing": _INTENT,
    "payment_intent.canceled": _INTENT,
    "checkout.session.completed": _CHECKOUT,
    "checkout.session.async_payment_succeeded": _CHECKOUT,
    "checkout.session.expired": _CHECKOUT,
    "setup_intent.succeeded": On(SetupView.of, payment_methods.settle_setup),
    "charge.refunded": On(ChargeView.of, disputes.apply_refund),
    "charge.dispute.created": On(DisputeView.of, disputes.open_dispute),
    "charge.dispute.closed": On(DisputeView.of, disputes.close_dispute),
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
