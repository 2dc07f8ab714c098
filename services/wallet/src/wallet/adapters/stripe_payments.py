"""The wallet's only door to Stripe: the official SDK's ``StripeClient`` (async calls over httpx).

``STRIPE_API_BASE`` points the same client at the local simulator (tools/stripe-simulator) or at
api.stripe.com. Every mutating call carries an idempotency key derived from our own operation
id, so a retried request never creates a second PaymentIntent or charge. Stripe's objects are
returned as plain dicts (their JSON), read by the small views below.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import stripe

from wallet.domain.errors import CardDeclined
from wallet.settings import Settings

JSON = dict[str, Any]
DESCRIPTION = "LOOSELINE wallet deposit"  # on the card statement and in Stripe's dashboard


@dataclass(frozen=True)
class IntentView:
    """What the wallet reads from a PaymentIntent."""

    id: str
    status: str
    amount_minor: int
    amount_received_minor: int
    currency: str  # upper-case ISO 4217, as the wallet stores it
    client_secret: str | None
    customer: str | None
    payment_method: str | None
    setup_future_usage: str | None
    latest_charge: str | None
    metadata: dict[str, str]
    decline_code: str | None
    failure_message: str | None
    next_action: JSON | None

    @classmethod
    def of(cls, obj: JSON) -> IntentView:
        error = obj.get("last_payment_error") or {}
        return cls(
            id=str(obj["id"]),
            status=str(obj["status"]),
            amount_minor=int(obj.get("amount") or 0),
            amount_received_minor=int(obj.get("amount_received") or 0),
            currency=str(obj.get("currency") or "").upper(),
            client_secret=obj.get("client_secret"),
            customer=_id(obj.get("customer")),
            payment_method=_id(obj.get("payment_method")),
            setup_future_usage=obj.get("setup_future_usage"),
            latest_charge=_id(obj.get("latest_charge")),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
            decline_code=error.get("decline_code") or error.get("code"),
            failure_message=error.get("message"),
            next_action=obj.get("next_action"),
        )


@dataclass(frozen=True)
class CardView:
    """A saved card as the user may see it: never the number."""

    payment_method_id: str
    customer: str | None
    payment_type: str
    brand: str | None
    last4: str | None
    exp_month: int | None
    exp_year: int | None

    @classmethod
    def of(cls, obj: JSON) -> CardView:
        card = obj.get("card") or {}
        return cls(
            payment_method_id=str(obj["id"]),
            customer=_id(obj.get("customer")),
            payment_type=str(obj.get("type") or "card"),
            brand=card.get("brand"),
            last4=card.get("last4"),
            exp_month=card.get("exp_month"),
            exp_year=card.get("exp_year"),
        )


@dataclass(frozen=True)
class SetupView:
    id: str
    status: str
    client_secret: str | None
    customer: str | None
    payment_method: str | None
    metadata: dict[str, str]

    @classmethod
    def of(cls, obj: JSON) -> SetupView:
        return cls(
            id=str(obj["id"]),
            status=str(obj["status"]),
            client_secret=obj.get("client_secret"),
            customer=_id(obj.get("customer")),
            payment_method=_id(obj.get("payment_method")),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
        )


@dataclass(frozen=True)
class CheckoutView:
    id: str
    url: str | None
    status: str | None
    payment_status: str | None
    payment_intent: str | None
    amount_total_minor: int | None
    currency: str
    metadata: dict[str, str]

    @classmethod
    def of(cls, obj: JSON) -> CheckoutView:
        total = obj.get("amount_total")
        return cls(
            id=str(obj["id"]),
            url=obj.get("url"),
            status=obj.get("status"),
            payment_status=obj.get("payment_status"),
            payment_intent=_id(obj.get("payment_intent")),
            amount_total_minor=None if total is None else int(total),
            currency=str(obj.get("currency") or "").upper(),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
        )


@dataclass(frozen=True)
class ChargeView:
    """What the wallet reads from a refunded Charge (``charge.refunded``)."""

    id: str
    payment_intent: str | None
    amount_refunded_minor: int  # cumulative: every refund of the charge so far

    @classmethod
    def of(cls, obj: JSON) -> ChargeView:
        return cls(
            id=str(obj["id"]),
            payment_intent=_id(obj.get("payment_intent")),
            amount_refunded_minor=int(obj.get("amount_refunded") or 0),
        )


@dataclass(frozen=True)
class DisputeView:
    """What the wallet reads from a Dispute (``charge.dispute.created`` / ``.closed``)."""

    id: str
    payment_intent: str | None
    charge: str | None
    amount_minor: int
    currency: str | None  # upper-case ISO 4217; None when Stripe sent none
    status: str | None  # Stripe's: needs_response…, won, lost
    reason: str | None

    @classmethod
    def of(cls, obj: JSON) -> DisputeView:
        currency, status = obj.get("currency"), obj.get("status")
        return cls(
            id=str(obj["id"]),
            payment_intent=_id(obj.get("payment_intent")),
            charge=_id(obj.get("charge")),
            amount_minor=int(obj.get("amount") or 0),
            currency=str(currency).upper() if currency else None,
            status=None if status is None else str(status),
            reason=obj.get("reason"),
        )


@dataclass(frozen=True)
class DepositCharge:
    """What every way of paying a deposit asks the provider for: this amount, for this user, by
    their customer, once per operation (its id makes the idempotency key)."""

    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: int
    currency: str  # upper-case ISO 4217, as the wallet stores it
    customer: str

    @property
    def metadata(self) -> dict[str, str]:
        """Ours on Stripe's objects: a webhook finds the deposit (or makes it) from them."""
        return {"operation_id": str(self.operation_id), "user_id": str(self.user_id)}


class ProviderUnreachable(Exception):
    """Stripe could not be reached or failed (network, rate limit, 5xx). Not a refusal: the
    HTTP edge answers 503 and frees the Idempotency-Key, so the client's retry runs again (the
    Stripe idempotency keys make that retry safe)."""


class ProviderObjectMissing(Exception):
    """Stripe no longer knows the object (404 ``resource_missing``): an intent or Checkout
    Session older than Stripe keeps, or made under other keys. Asking again will not help."""

    def __init__(self, object_id: str) -> None:
        super().__init__(object_id)
        self.object_id = object_id


class AuthenticationRequired(Exception):
    """An off-session payment needs the customer (3-D Secure): the intent to complete on-session."""

    def __init__(self, intent: IntentView) -> None:
        super().__init__(intent.id)
        self.intent = intent


class PaymentProvider(Protocol):
    """The seam other rails (YooKassa, Sberbank; ARCHITECTURE.md §8) would implement too."""

    async def create_customer(self, user_id: uuid.UUID) -> str: ...

    async def create_payment_intent(
        self, charge: DepositCharge, *, save_card: bool
    ) -> IntentView: ...

    async def charge_saved_card(
        self, charge: DepositCharge, *, payment_method: str
    ) -> IntentView: ...

    async def retrieve_intent(self, intent_id: str) -> IntentView: ...

    async def cancel_intent(self, intent_id: str) -> IntentView: ...

    async def create_checkout(
        self, charge: DepositCharge, *, success_url: str, cancel_url: str
    ) -> CheckoutView: ...

    async def retrieve_checkout(self, session_id: str) -> CheckoutView: ...

    async def expire_checkout(self, session_id: str) -> CheckoutView: ...

    async def create_setup_intent(self, *, user_id: uuid.UUID, customer: str) -> SetupView: ...

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SetupView: ...

    async def retrieve_card(self, payment_method: str) -> CardView: ...

    async def detach_card(self, payment_method: str) -> None: ...

    def verify_event(self, payload: bytes, signature: str | None) -> JSON: ...

    async def close(self) -> None: ...


class StripePayments:
    """``PaymentProvider`` on Stripe (or the simulator, by ``STRIPE_API_BASE``)."""

    def __init__(self, settings: Settings) -> None:
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout_s)
        self._client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base else {},
            http_client=self._http,
            max_network_retries=settings.stripe_max_network_retries,
        )
        self._webhook_secret = settings.stripe_webhook_secret
        self._tolerance_s = settings.stripe_webhook_tolerance_s

    async def close(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    # --- customers and cards -------------------------------------------------------------

    async def create_customer(self, user_id: uuid.UUID) -> str:
        async with _errors():
            customer = await self._client.v1.customers.create_async(
                {"metadata": {"user_id": str(user_id)}},
                {"idempotency_key": f"customer:{user_id}"},
            )
        return str(customer.id)

    async def create_setup_intent(self, *, user_id: uuid.UUID, customer: str) -> SetupView:
        async with _errors():
            setup = await self._client.v1.setup_intents.create_async(
                {  # type: ignore[arg-type]
                    "customer": customer,
                    "usage": "off_session",
                    "payment_method_types": ["card"],
                    "metadata": {"user_id": str(user_id)},
                }
            )
        return SetupView.of(setup.to_dict())

    async def retrieve_setup_intent(self, setup_intent_id: str) -> SetupView:
        async with _errors():
            setup = await self._client.v1.setup_intents.retrieve_async(setup_intent_id)
        return SetupView.of(setup.to_dict())

    async def retrieve_card(self, payment_method: str) -> CardView:
        async with _errors():
            found = await self._client.v1.payment_methods.retrieve_async(payment_method)
        return CardView.of(found.to_dict())

    async def detach_card(self, payment_method: str) -> None:
        try:
            async with _errors():
                await self._client.v1.payment_methods.detach_async(payment_method)
        except stripe.InvalidRequestError as exc:
            if exc.code not in {"payment_method_not_attached", "resource_missing"}:
                raise
            # Detached before (a retry, or in the dashboard): the goal is reached.

    # --- payments ------------------------------------------------------------------------

    async def create_payment_intent(self, charge: DepositCharge, *, save_card: bool) -> IntentView:
        if save_card:
            return await self._create_intent(charge, setup_future_usage="off_session")
        return await self._create_intent(charge)

    async def charge_saved_card(self, charge: DepositCharge, *, payment_method: str) -> IntentView:
        """Off-session confirm. ``CardDeclined`` (with Stripe's decline code) when refused,
        ``AuthenticationRequired`` when the bank wants 3-D Secure."""
        try:
            return await self._create_intent(
                charge, payment_method=payment_method, off_session=True, confirm=True
            )
        except _Declined as declined:
            if declined.code == "authentication_required" and declined.intent is not None:
                raise AuthenticationRequired(declined.intent) from None
            raise CardDeclined(
                declined.message,
                details={
                    "decline_code": declined.decline_code,
                    "intent_id": declined.intent.id if declined.intent else None,
                },
            ) from None

    async def _create_intent(self, charge: DepositCharge, **params: Any) -> IntentView:
        """A PaymentIntent for the deposit, once per operation (Stripe's idempotency key)."""
        params = {
            "amount": charge.amount_minor,
            "currency": charge.currency.lower(),
            "customer": charge.customer,
            "payment_method_types": ["card"],
            "metadata": charge.metadata,
            "description": DESCRIPTION,
            **params,
        }
        async with _errors():
            intent = await self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"deposit:{charge.operation_id}"},
            )
        return IntentView.of(intent.to_dict())

    async def retrieve_intent(self, intent_id: str) -> IntentView:
        async with _errors(), _missing(intent_id):
            intent = await self._client.v1.payment_intents.retrieve_async(intent_id)
        return IntentView.of(intent.to_dict())

    async def cancel_intent(self, intent_id: str) -> IntentView:
        async with _errors():
            intent = await self._client.v1.payment_intents.cancel_async(
                intent_id,
                {"cancellation_reason": "abandoned"},
                {"idempotency_key": f"cancel:{intent_id}"},
            )
        return IntentView.of(intent.to_dict())

    async def create_checkout(
        self, charge: DepositCharge, *, success_url: str, cancel_url: str
    ) -> CheckoutView:
        params: dict[str, Any] = {
            "mode": "payment",
            "customer": charge.customer,
            "client_reference_id": str(charge.operation_id),
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": charge.currency.lower(),
                        "unit_amount": charge.amount_minor,
                        "product_data": {"name": DESCRIPTION},
                    },
                }
            ],
            "payment_intent_data": {"metadata": charge.metadata},
            "metadata": charge.metadata,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        async with _errors():
            session = await self._client.v1.checkout.sessions.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"checkout:{charge.operation_id}"},
            )
        return CheckoutView.of(session.to_dict())

    async def retrieve_checkout(self, session_id: str) -> CheckoutView:
        async with _errors(), _missing(session_id):
            session = await self._client.v1.checkout.sessions.retrieve_async(session_id)
        return CheckoutView.of(session.to_dict())

    async def expire_checkout(self, session_id: str) -> CheckoutView:
        async with _errors():
            session = await self._client.v1.checkout.sessions.expire_async(
                session_id, options={"idempotency_key": f"expire:{session_id}"}
            )
        return CheckoutView.of(session.to_dict())

    # --- webhooks ------------------------------------------------------------------------

    def verify_event(self, payload: bytes, signature: str | None) -> JSON:
        """The event, if signed with our secret within the tolerance; ``ValueError`` otherwise."""
        try:
            event = self._client.construct_event(
                payload, signature or "", self._webhook_secret, tolerance=self._tolerance_s
            )
        except stripe.SignatureVerificationError as exc:
            raise ValueError(str(exc.user_message or "bad signature")) from None
        return event.to_dict()


def _id(value: object) -> str | None:
    """An expandable field: an id string, or the expanded object."""
    if value is None:
        return None
    if isinstance(value, dict):
        return str(value["id"])
    return str(value)


class _Declined(Exception):
    def __init__(self, error: stripe.CardError) -> None:
        super().__init__(error.user_message)
        body = error.error
        self.message = str(error.user_message or "The card was declined.")
        self.code = error.code
        self.decline_code = (body.decline_code if body else None) or error.code
        intent = body.payment_intent if body else None
        self.intent = IntentView.of(intent.to_dict()) if intent is not None else None


@asynccontextmanager
async def _errors() -> AsyncIterator[None]:
    """Stripe's exceptions in the wallet's terms: a decline is the user's answer (402), an outage
    is retryable; anything else (a bad request) is a bug and stays as it is."""
    try:
        yield
    except stripe.CardError as exc:
        raise _Declined(exc) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise ProviderUnreachable(str(exc.user_message or type(exc).__name__)) from exc


@asynccontextmanager
async def _missing(object_id: str) -> AsyncIterator[None]:
    """A retrieval of an object Stripe no longer knows: ``ProviderObjectMissing``."""
    try:
        yield
    except stripe.InvalidRequestError as exc:
        if exc.code == "resource_missing" and exc.http_status == 404:
            raise ProviderObjectMissing(object_id) from exc
        raise
