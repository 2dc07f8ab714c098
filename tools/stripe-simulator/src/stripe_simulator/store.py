"""The simulated Stripe account: objects, their state machines, and the events they raise.

All state is in memory behind one re-entrant lock: the simulator is a test double of an outside
system, and one lock keeps concurrent requests (and their idempotency records) consistent.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stripe_simulator import shapes
from stripe_simulator.cards import (
    AUTHENTICATION_REQUIRED_MESSAGE,
    TEST_PAYMENT_METHODS,
    Outcome,
    TestCard,
    card_for_number,
)
from stripe_simulator.config import SimulatorConfig
from stripe_simulator.errors import StripeError, invalid, missing, unexpected_state

JsonObject = dict[str, Any]

_CANCELABLE = {"requires_payment_method", "requires_confirmation", "requires_action"}
_CONFIRMABLE = {"requires_payment_method", "requires_confirmation", "requires_action"}
_AUTH_FAILED_MESSAGE = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data "
    "or a new PaymentMethod to attempt to fulfill this PaymentIntent again."
)


@dataclass(frozen=True)
class RequestContext:
    """Who asked, and what the events a request raises record in `request`."""

    request_id: str | None = None
    idempotency_key: str | None = None
    publishable: bool = False
    api_version: str | None = None


CONTROL = RequestContext()


@dataclass
class StoredEvent:
    event: JsonObject
    payload: str  # the exact body every delivery sends


def to_int(params: JsonObject, name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid integer: {value}", name) from None


def to_bool(params: JsonObject, name: str) -> bool:
    value = params.get(name)
    if value in (None, "", "false", False):
        return False
    if value in ("true", True, "one_off", "recurring"):
        return True
    raise invalid(f"Invalid boolean: {value}", name)


class Account:
    """One Stripe test-mode account."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.webhook_url = config.webhook_url
        self.objects: dict[str, JsonObject] = {}
        self.events: dict[str, StoredEvent] = {}
        # Checkout's `payment_intent_data`, which Stripe does not echo on the session.
        self._intent_data: dict[str, JsonObject] = {}
        # The test card behind each payment method (Stripe keeps the number; we keep the card).
        self._cards: dict[str, TestCard] = {}
        # Where the 3-D Secure page sends the customer back (`return_url` of the confirm).
        self.return_urls: dict[str, str] = {}
        self.on_event: Callable[[StoredEvent], None] | None = None

    def reset(self) -> None:
        with self.lock:
            self.objects.clear()
            self.events.clear()
            self._intent_data.clear()
            self._cards.clear()
            self.return_urls.clear()

    # -- lookup -------------------------------------------------------------------------

    def get(self, kind: str, object_id: str, param: str = "id") -> JsonObject:
        found = self.objects.get(object_id)
        if found is None or found["object"] != kind:
            raise missing(kind, object_id, param)
        return found

    def forget(self, object_id: str) -> JsonObject:
        """Drop an object as if Stripe no longer knew it (an intent older than Stripe keeps, or
        made with another key): later calls on it answer 404 ``resource_missing``."""
        found = self.objects.pop(object_id, None)
        if found is None:
            raise missing("object", object_id)
        self._intent_data.pop(object_id, None)
        self.return_urls.pop(object_id, None)
        return {"id": object_id, "object": found["object"], "forgotten": True}

    def _save(self, obj: JsonObject) -> JsonObject:
        self.objects[obj["id"]] = obj
        return obj

    def expand(self, obj: JsonObject, paths: list[str]) -> JsonObject:
        """Stripe's `expand[]`: replace ids by their objects along dotted paths."""
        result = copy.deepcopy(obj)
        for path in paths:
            self._expand_path(result, path.split("."))
        return result

    def _expand_path(self, node: Any, parts: list[str]) -> None:
        if not isinstance(node, dict) or not parts:
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and isinstance(node.get("data"), list):
            for item in node["data"]:
                self._expand_path(item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects:
            value = copy.deepcopy(self.objects[value])
            node[head] = value
        self._expand_path(value, rest)

    def list_of(self, url: str, items: list[JsonObject], params: JsonObject) -> JsonObject:
        """A Stripe list, newest first, honouring `limit` and `starting_after`.

        `items` come in creation order (dicts keep insertion order); `created` has only
        one-second resolution, so it cannot order objects made in the same second.
        """
        ordered = items[::-1]
        after = params.get("starting_after")
        if after:
            ids = [item["id"] for item in ordered]
            ordered = ordered[ids.index(after) + 1 :] if after in ids else []
        limit = to_int(params, "limit") or 10
        return {
            "object": "list",
            "data": ordered[:limit],
            "has_more": len(ordered) > limit,
            "url": url,
        }

    # -- events -------------------------------------------------------------------------

    def emit(self, kind: str, obj: JsonObject, ctx: RequestContext) -> JsonObject:
        event = shapes.event(
            kind,
            copy.deepcopy(obj),
            api_version=ctx.api_version or self.config.api_version,
            request_id=ctx.request_id,
            idempotency_key=ctx.idempotency_key,
            pending_webhooks=1 if self.webhook_url else 0,
        )
        stored = StoredEvent(event=event, payload=json.dumps(event, indent=2))
        self.events[event["id"]] = stored
        if self.on_event is not None:
            self.on_event(stored)
        return event

    def list_events(self, kind: str | None = None) -> list[JsonObject]:
        """Events oldest first (the order they happened)."""
        with self.lock:
            return [
                stored.event
                for stored in self.events.values()
                if kind is None or stored.event["type"] == kind
            ]

    def get_event(self, event_id: str) -> StoredEvent:
        stored = self.events.get(event_id)
        if stored is None:
            raise missing("event", event_id)
        return stored

    # -- customers ----------------------------------------------------------------------

    def create_customer(self, params: JsonObject, ctx: RequestContext) -> JsonObject:
        customer = self._save(shapes.customer(params))
        method_ref = params.get("payment_method")
        if method_ref:
            self.attach_payment_method(method_ref, {"customer": customer["id"]}, ctx)
        default = (params.get("invoice_settings") or {}).get("default_payment_method")
        if default:
            self._check_owned(default, customer["id"])
        return customer

    def update_customer(self, customer_id: str, params: JsonObject) -> JsonObject:
        customer = self.get("customer", customer_id)
        for field in ("email", "name", "phone", "description"):
            if field in params:
                customer[field] = params[field] or None
        _merge_metadata(customer, params)
        settings = params.get("invoice_settings")
        if isinstance(settings, dict) and "default_payment_method" in settings:
            default = settings["default_payment_method"] or None
            if default:
                self._check_owned(default, customer_id)
            customer["invoice_settings"]["default_payment_method"] = default
        return customer

    def _check_owned(self, method_id: str, customer_id: str) -> None:
        method = self.get("payment_method", method_id, "invoice_settings[default_payment_method]")
        if method["customer"] != customer_id:
            raise invalid(
                f"No such PaymentMethod: '{method_id}'; it is not attached to customer "
                f"'{customer_id}'.",
                "invoice_settings[default_payment_method]",
                "resource_missing",
            )

    def customer_payment_methods(self, customer_id: str, params: JsonObject) -> JsonObject:
        self.get("customer", customer_id)
        methods = self._methods_of(customer_id, params.get("type"))
        return self.list_of(f"/v1/customers/{customer_id}/payment_methods", methods, params)

    def list_payment_methods(self, params: JsonObject) -> JsonObject:
        customer_id = params.get("customer")
        if not customer_id:
            raise invalid("Missing required param: customer.", "customer", "parameter_missing")
        self.get("customer", customer_id, "customer")
        methods = self._methods_of(customer_id, params.get("type"))
        return self.list_of("/v1/payment_methods", methods, params)

    def _methods_of(self, customer_id: str, kind: str | None) -> list[JsonObject]:
        return [
            obj
            for obj in self.objects.values()
            if obj["object"] == "payment_method"
            and obj["customer"] == customer_id
            and kind in (None, obj["type"])
        ]

    # -- payment methods ----------------------------------------------------------------

    def create_payment_method(self, params: JsonObject) -> JsonObject:
        if params.get("type") != "card":
            raise invalid("Only `type=card` is simulated.", "type")
        return self._method_from_data(params, "card")

    def _method_from_data(self, data: JsonObject, param: str) -> JsonObject:
        raw = data.get("card")
        if not isinstance(raw, dict):
            raise invalid(f"Missing required param: {param}.", param, "parameter_missing")
        token = raw.get("token")
        if token:
            number = TEST_PAYMENT_METHODS.get(token)
            if number is None:
                raise missing("token", token, f"{param}[token]")
            return self._clone_test_method(number, data)
        card = card_for_number(str(raw.get("number", "")))
        if card is None:
            raise StripeError(
                402,
                "Your card number is incorrect.",
                type_="card_error",
                code="incorrect_number",
                param=f"{param}[number]",
            )
        exp_month = to_int(raw, "exp_month", required=True)
        exp_year = to_int(raw, "exp_year", required=True)
        assert exp_month is not None
        assert exp_year is not None
        if not 1 <= exp_month <= 12:
            raise StripeError(
                402,
                "Your card's expiration month is invalid.",
                type_="card_error",
                code="invalid_expiry_month",
                param=f"{param}[exp_month]",
            )
        if exp_year < 100:
            exp_year += 2000
        if exp_year < shapes.current_year():
            raise StripeError(
                402,
                "Your card's expiration year is invalid.",
                type_="card_error",
                code="invalid_expiry_year",
                param=f"{param}[exp_year]",
            )
        method = shapes.payment_method(
            card,
            exp_month=exp_month,
            exp_year=exp_year,
            billing=data.get("billing_details"),
            metadata=data.get("metadata"),
        )
        self._cards[method["id"]] = card
        return self._save(method)

    def _clone_test_method(self, number: str, data: JsonObject | None = None) -> JsonObject:
        card = card_for_number(number)
        assert card is not None
        method = shapes.payment_method(
            card,
            exp_month=12,
            exp_year=shapes.current_year() + 3,
            billing=(data or {}).get("billing_details"),
            metadata=(data or {}).get("metadata"),
        )
        self._cards[method["id"]] = card
        return self._save(method)

    def resolve_payment_method(self, ref: str, param: str = "payment_method") -> JsonObject:
        """A stored `pm_…`, or a fresh clone of one of Stripe's test PaymentMethod ids."""
        if ref in TEST_PAYMENT_METHODS:
            return self._clone_test_method(TEST_PAYMENT_METHODS[ref])
        return self.get("payment_method", ref, param)

    def update_payment_method(self, method_id: str, params: JsonObject) -> JsonObject:
        method = self.get("payment_method", method_id)
        _merge_metadata(method, params)
        if isinstance(params.get("billing_details"), dict):
            method["billing_details"] = shapes.billing_details(params["billing_details"])
        return method

    def attach_payment_method(
        self, method_ref: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        customer_id = params.get("customer")
        if not customer_id:
            raise invalid("Missing required param: customer.", "customer", "parameter_missing")
        self.get("customer", customer_id, "customer")
        method = self.resolve_payment_method(method_ref, "payment_method")
        self._attach(method, customer_id)
        return method

    def _attach(self, method: JsonObject, customer_id: str) -> None:
        if method["customer"] not in (None, customer_id):
            raise invalid(
                "The payment method you provided has already been attached to a customer.",
                "payment_method",
                "payment_method_unexpected_state",
            )
        method["customer"] = customer_id

    def detach_payment_method(self, method_id: str) -> JsonObject:
        method = self.get("payment_method", method_id)
        if method["customer"] is None:
            raise invalid(
                "The payment method you provided is not attached to a customer so detachment "
                "is impossible.",
                "payment_method",
                "payment_method_unexpected_state",
            )
        owner = self.objects.get(method["customer"])
        if owner and owner["invoice_settings"]["default_payment_method"] == method_id:
            owner["invoice_settings"]["default_payment_method"] = None
        method["customer"] = None
        return method

    # -- payment intents ----------------------------------------------------------------

    def create_payment_intent(self, params: JsonObject, ctx: RequestContext) -> JsonObject:
        amount = to_int(params, "amount", required=True)
        assert amount is not None
        if amount < 50:
            raise invalid("Amount must be at least 50 cents.", "amount", "amount_too_small")
        currency = str(params.get("currency") or "").lower()
        if len(currency) != 3 or not currency.isalpha():
            raise invalid("Missing required param: currency.", "currency", "parameter_missing")
        if params.get("customer"):
            self.get("customer", params["customer"], "customer")
        sfu = params.get("setup_future_usage") or None
        if sfu not in (None, "on_session", "off_session"):
            raise invalid(f"Invalid setup_future_usage: {sfu}", "setup_future_usage")
        off_session = to_bool(params, "off_session")
        confirm = to_bool(params, "confirm")
        if off_session and not confirm:
            raise invalid("You can only pass `off_session` when `confirm=true`.", "off_session")
        intent = self._save(
            shapes.payment_intent({**params, "amount": amount, "currency": currency})
        )
        method = self._method_param(params)
        if method is not None:
            self._use_method(intent, method)
        if confirm:
            self._confirm(intent, params, ctx, off_session=off_session)
        return intent

    def _method_param(self, params: JsonObject) -> JsonObject | None:
        if params.get("payment_method"):
            return self.resolve_payment_method(str(params["payment_method"]))
        data = params.get("payment_method_data")
        if isinstance(data, dict):
            if data.get("type") != "card":
                raise invalid(
                    "Only card payment methods are simulated.", "payment_method_data[type]"
                )
            return self._method_from_data(data, "payment_method_data[card]")
        return None

    def _use_method(self, intent: JsonObject, method: JsonObject) -> None:
        owner = method["customer"]
        if owner is not None and owner != intent["customer"]:
            raise invalid(
                f"The provided PaymentMethod {method['id']} belongs to another customer.",
                "payment_method",
            )
        intent["payment_method"] = method["id"]
        intent["last_payment_error"] = None
        if intent["status"] in ("requires_payment_method", "requires_action"):
            # A new payment method replaces any pending challenge: confirm again to pay.
            intent.update(status="requires_confirmation", next_action=None)

    def get_payment_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("payment_intent", intent_id, "intent")
        if ctx.publishable:
            _check_client_secret(intent, params)
        return intent

    def list_payment_intents(self, params: JsonObject) -> JsonObject:
        customer_id = params.get("customer")
        intents = [
            obj
            for obj in self.objects.values()
            if obj["object"] == "payment_intent" and customer_id in (None, obj["customer"])
        ]
        return self.list_of("/v1/payment_intents", intents, params)

    def update_payment_intent(self, intent_id: str, params: JsonObject) -> JsonObject:
        intent = self.get("payment_intent", intent_id, "intent")
        if intent["status"] not in _CONFIRMABLE:
            raise unexpected_state(
                f"This PaymentIntent's status is {intent['status']}; it can no longer be updated."
            )
        if "amount" in params:
            amount = to_int(params, "amount", required=True)
            assert amount is not None
            if amount < 50:
                raise invalid("Amount must be at least 50 cents.", "amount", "amount_too_small")
            intent["amount"] = amount
        if params.get("currency"):
            intent["currency"] = str(params["currency"]).lower()
        if params.get("customer"):
            self.get("customer", params["customer"], "customer")
            intent["customer"] = params["customer"]
        for field in ("description", "receipt_email", "setup_future_usage"):
            if field in params:
                intent[field] = params[field] or None
        _merge_metadata(intent, params)
        method = self._method_param(params)
        if method is not None:
            self._use_method(intent, method)
        return intent

    def confirm_payment_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("payment_intent", intent_id, "intent")
        if ctx.publishable:
            _check_client_secret(intent, params)
        if intent["status"] not in _CONFIRMABLE:
            raise unexpected_state(
                f"This PaymentIntent's status is {intent['status']}, but it must be one of "
                "requires_payment_method, requires_confirmation or requires_action to be confirmed."
            )
        method = self._method_param(params)
        if method is not None:
            self._use_method(intent, method)
        if params.get("setup_future_usage"):
            intent["setup_future_usage"] = params["setup_future_usage"]
        if params.get("receipt_email"):
            intent["receipt_email"] = params["receipt_email"]
        self._confirm(intent, params, ctx, off_session=to_bool(params, "off_session"))
        return intent

    def _confirm(
        self, intent: JsonObject, params: JsonObject, ctx: RequestContext, *, off_session: bool
    ) -> None:
        if intent["payment_method"] is None:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method. "
                "To confirm the PaymentIntent, provide a payment_method or payment_method_data.",
                "payment_method",
                "payment_intent_unexpected_state",
            )
        method = self.get("payment_method", intent["payment_method"])
        card = self._cards[method["id"]]
        if card.outcome is Outcome.SUCCEED:
            self._succeed(intent, method, ctx)
        elif card.outcome is Outcome.DECLINE:
            assert card.decline_code is not None
            self._decline(intent, method, (card.error_code, card.decline_code, card.message), ctx)
        elif off_session:
            failure = (
                "authentication_required",
                "authentication_required",
                AUTHENTICATION_REQUIRED_MESSAGE,
            )
            self._decline(intent, method, failure, ctx)
        else:
            self._require_action(intent, params.get("return_url"), ctx)

    def _succeed(
        self,
        intent: JsonObject,
        method: JsonObject,
        ctx: RequestContext,
        *,
        three_d_secure: bool = False,
    ) -> None:
        charged = shapes.charge(intent, method, balance_transaction=None, failure=None)
        txn = self._save(
            shapes.balance_transaction(
                amount=intent["amount"],
                currency=intent["currency"],
                source=charged["id"],
                kind="charge",
                description=intent["description"],
            )
        )
        charged["balance_transaction"] = txn["id"]
        if three_d_secure:
            charged["payment_method_details"]["card"]["three_d_secure"] = shapes.three_d_secure()
        self._save(charged)
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charged["id"],
            next_action=None,
            last_payment_error=None,
        )
        if intent["setup_future_usage"] and intent["customer"]:
            self._attach(method, intent["customer"])
        self.emit("charge.succeeded", charged, ctx)
        self.emit("payment_intent.succeeded", intent, ctx)

    def _decline(
        self,
        intent: JsonObject,
        method: JsonObject,
        failure: tuple[str, str, str],
        ctx: RequestContext,
    ) -> None:
        code, decline_code, message = failure
        failed = self._save(
            shapes.charge(intent, method, balance_transaction=None, failure=failure)
        )
        error = {
            "charge": failed["id"],
            "code": code,
            "decline_code": decline_code,
            "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
            "message": message,
            "payment_method": copy.deepcopy(method),
            "type": "card_error",
        }
        intent.update(
            status="requires_payment_method",
            latest_charge=failed["id"],
            last_payment_error=error,
            payment_method=None,
            next_action=None,
        )
        self.emit("charge.failed", failed, ctx)
        self.emit("payment_intent.payment_failed", intent, ctx)
        raise StripeError(
            402,
            message,
            type_="card_error",
            code=code,
            extra={
                "decline_code": decline_code,
                "charge": failed["id"],
                "payment_intent": copy.deepcopy(intent),
                "payment_method": copy.deepcopy(method),
                "request_log_url": None,
            },
        )

    def _require_action(
        self, intent: JsonObject, return_url: str | None, ctx: RequestContext
    ) -> None:
        challenge_url = f"{self.config.public_base_url}/3ds/{intent['id']}"
        if return_url:
            self.return_urls[intent["id"]] = return_url
            next_action: JsonObject = {
                "type": "redirect_to_url",
                "redirect_to_url": {"return_url": return_url, "url": challenge_url},
            }
        else:
            next_action = {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {
                    "type": "three_d_secure_redirect",
                    "stripe_js": challenge_url,
                    "source": shapes.new_id("src"),
                },
            }
        intent.update(status="requires_action", next_action=next_action)
        self.emit("payment_intent.requires_action", intent, ctx)

    def complete_3ds(self, intent_id: str, *, succeed: bool) -> JsonObject:
        """The customer passes (or fails) the 3-D Secure challenge of an intent."""
        intent = self.get("payment_intent", intent_id, "intent")
        if intent["status"] != "requires_action":
            raise unexpected_state(
                f"This PaymentIntent's status is {intent['status']}; no 3-D Secure challenge "
                "is waiting."
            )
        method = self.get("payment_method", intent["payment_method"])
        if succeed:
            self._succeed(intent, method, CONTROL, three_d_secure=True)
            return intent
        intent.update(
            status="requires_payment_method",
            next_action=None,
            payment_method=None,
            last_payment_error={
                "code": "payment_intent_authentication_failure",
                "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
                "message": _AUTH_FAILED_MESSAGE,
                "payment_method": copy.deepcopy(method),
                "type": "invalid_request_error",
            },
        )
        self.emit("payment_intent.payment_failed", intent, CONTROL)
        return intent

    def mark_processing(self, intent_id: str) -> JsonObject:
        """Put an intent in `processing` (as a slow payment method would), for webhook tests."""
        intent = self.get("payment_intent", intent_id, "intent")
        if intent["status"] not in _CONFIRMABLE or intent["payment_method"] is None:
            raise unexpected_state(
                f"This PaymentIntent's status is {intent['status']}; it cannot start processing."
            )
        intent.update(status="processing", next_action=None, processing=None)
        self.emit("payment_intent.processing", intent, CONTROL)
        return intent

    def settle_processing(self, intent_id: str, *, succeed: bool) -> JsonObject:
        intent = self.get("payment_intent", intent_id, "intent")
        if intent["status"] != "processing":
            raise unexpected_state(f"This PaymentIntent's status is {intent['status']}.")
        method = self.get("payment_method", intent["payment_method"])
        if succeed:
            self._succeed(intent, method, CONTROL)
            return intent
        try:
            failure = ("card_declined", "generic_decline", "Your card was declined.")
            self._decline(intent, method, failure, CONTROL)
        except StripeError:
            pass  # a control call reports the failed intent, not the API error
        return intent

    def cancel_payment_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("payment_intent", intent_id, "intent")
        if intent["status"] not in _CANCELABLE:
            raise unexpected_state(
                f"You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses may "
                "be canceled: requires_payment_method, requires_capture, requires_confirmation, "
                "requires_action, processing."
            )
        intent.update(
            status="canceled",
            canceled_at=shapes.now(),
            cancellation_reason=params.get("cancellation_reason") or "requested_by_customer",
            next_action=None,
        )
        self.emit("payment_intent.canceled", intent, ctx)
        return intent

    # -- setup intents ------------------------------------------------------------------

    def create_setup_intent(self, params: JsonObject, ctx: RequestContext) -> JsonObject:
        if params.get("customer"):
            self.get("customer", params["customer"], "customer")
        usage = params.get("usage") or "off_session"
        if usage not in ("on_session", "off_session"):
            raise invalid(f"Invalid usage: {usage}", "usage")
        intent = self._save(shapes.setup_intent(params))
        method = self._method_param(params)
        if method is not None:
            intent["payment_method"] = method["id"]
            intent["status"] = "requires_confirmation"
        if to_bool(params, "confirm"):
            self._confirm_setup(intent, ctx)
        return intent

    def get_setup_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("setup_intent", intent_id, "intent")
        if ctx.publishable:
            _check_client_secret(intent, params)
        return intent

    def confirm_setup_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("setup_intent", intent_id, "intent")
        if ctx.publishable:
            _check_client_secret(intent, params)
        if intent["status"] not in _CONFIRMABLE:
            raise invalid(
                f"This SetupIntent's status is {intent['status']}; it cannot be confirmed.",
                code="setup_intent_unexpected_state",
            )
        method = self._method_param(params)
        if method is not None:
            intent["payment_method"] = method["id"]
        self._confirm_setup(intent, ctx)
        return intent

    def _confirm_setup(self, intent: JsonObject, ctx: RequestContext) -> None:
        if intent["payment_method"] is None:
            raise invalid(
                "You cannot confirm this SetupIntent because it's missing a payment method.",
                "payment_method",
                "setup_intent_unexpected_state",
            )
        method = self.get("payment_method", intent["payment_method"])
        if intent["customer"]:
            self._attach(method, intent["customer"])
        intent.update(
            status="succeeded",
            latest_attempt=shapes.new_id("setatt"),
            next_action=None,
            last_setup_error=None,
        )
        self.emit("setup_intent.succeeded", intent, ctx)

    def cancel_setup_intent(
        self, intent_id: str, params: JsonObject, ctx: RequestContext
    ) -> JsonObject:
        intent = self.get("setup_intent", intent_id, "intent")
        if intent["status"] in ("succeeded", "canceled"):
            raise invalid(
                f"This SetupIntent's status is {intent['status']}; it cannot be canceled.",
                code="setup_intent_unexpected_state",
            )
        intent.update(
            status="canceled",
            cancellation_reason=params.get("cancellation_reason") or "requested_by_customer",
        )
        self.emit("setup_intent.canceled", intent, ctx)
        return intent

    # -- checkout -----------------------------------------------------------------------

    def create_checkout_session(self, params: JsonObject, ctx: RequestContext) -> JsonObject:
        if params.get("mode") != "payment":
            raise invalid("Only `mode=payment` is simulated.", "mode")
        if params.get("customer"):
            self.get("customer", params["customer"], "customer")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise invalid("Missing required param: line_items.", "line_items", "parameter_missing")
        total, currency = 0, None
        for index, item in enumerate(items):
            price = item.get("price_data") if isinstance(item, dict) else None
            if not isinstance(price, dict):
                raise invalid(
                    "Only `price_data` line items are simulated.",
                    f"line_items[{index}][price_data]",
                )
            unit_amount = to_int(price, "unit_amount", required=True)
            quantity = to_int(item, "quantity", required=True)
            assert unit_amount is not None
            assert quantity is not None
            item_currency = str(price.get("currency") or "").lower()
            if currency not in (None, item_currency):
                raise invalid("All line items must share one currency.", "line_items")
            currency = item_currency
            total += unit_amount * quantity
        assert currency is not None
        session = self._save(
            shapes.checkout_session(
                params, amount_total=total, currency=currency, base_url=self.config.public_base_url
            )
        )
        data = params.get("payment_intent_data")
        self._intent_data[session["id"]] = data if isinstance(data, dict) else {}
        return session

    def complete_checkout(self, session_id: str, card_number: str) -> JsonObject:
        """The customer pays on the hosted page (3-D Secure, if asked, is passed there)."""
        session = self.get("checkout.session", session_id, "session")
        if session["status"] != "open":
            raise invalid(
                f"This Checkout Session is {session['status']}.",
                code="checkout_session_unexpected_state",
            )
        card = card_for_number(card_number)
        if card is None:
            raise invalid("Your card number is incorrect.", "card", "incorrect_number")
        data = self._intent_data.get(session_id, {})
        intent = self._save(
            shapes.payment_intent(
                {
                    "amount": session["amount_total"],
                    "currency": session["currency"],
                    "customer": session["customer"],
                    "metadata": data.get("metadata"),
                    "setup_future_usage": data.get("setup_future_usage"),
                    "description": data.get("description"),
                }
            )
        )
        session["payment_intent"] = intent["id"]
        method = self._clone_test_method(card.number)
        self._use_method(intent, method)
        if card.outcome is Outcome.DECLINE:
            assert card.decline_code is not None
            self._decline(
                intent, method, (card.error_code, card.decline_code, card.message), CONTROL
            )
        self._succeed(intent, method, CONTROL, three_d_secure=card.outcome is Outcome.AUTHENTICATE)
        session.update(
            status="complete",
            payment_status="paid",
            customer_details={
                "address": shapes.billing_details()["address"],
                "email": session["customer_email"],
                "name": None,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
                "business_name": None,
                "individual_name": None,
            },
        )
        self.emit("checkout.session.completed", session, CONTROL)
        return session

    def expire_checkout(self, session_id: str, ctx: RequestContext) -> JsonObject:
        session = self.get("checkout.session", session_id, "session")
        if session["status"] != "open":
            raise invalid(
                f"This Checkout Session is {session['status']}; only an open session can expire.",
                code="checkout_session_unexpected_state",
            )
        session["status"] = "expired"
        self.emit("checkout.session.expired", session, ctx)
        return session

    # -- refunds and disputes -----------------------------------------------------------

    def create_refund(self, params: JsonObject, ctx: RequestContext) -> JsonObject:
        charged = self._refundable_charge(params)
        remaining = charged["amount"] - charged["amount_refunded"]
        if remaining <= 0:
            raise invalid(
                f"Charge {charged['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = to_int(params, "amount")
        amount = remaining if amount is None else amount
        if amount <= 0 or amount > remaining:
            raise invalid(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining}).",
                "amount",
                "amount_too_large",
            )
        reason = params.get("reason") or None
        refunded = shapes.refund(charged, amount, reason=reason, metadata=params.get("metadata"))
        txn = self._save(
            shapes.balance_transaction(
                amount=-amount,
                currency=charged["currency"],
                source=refunded["id"],
                kind="refund",
                description="REFUND FOR CHARGE",
            )
        )
        refunded["balance_transaction"] = txn["id"]
        self._save(refunded)
        charged["amount_refunded"] += amount
        charged["refunded"] = charged["amount_refunded"] == charged["amount"]
        charged["refunds"]["data"].insert(0, refunded)
        self.emit("charge.refunded", charged, ctx)
        return refunded

    def _refundable_charge(self, params: JsonObject) -> JsonObject:
        if params.get("charge"):
            charged = self.get("charge", params["charge"], "charge")
        elif params.get("payment_intent"):
            intent = self.get("payment_intent", params["payment_intent"], "payment_intent")
            if intent["status"] != "succeeded" or intent["latest_charge"] is None:
                raise invalid(
                    "This PaymentIntent does not have a successful charge to refund.",
                    "payment_intent",
                    "charge_not_refundable",
                )
            charged = self.get("charge", intent["latest_charge"])
        else:
            raise invalid(
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        if charged["status"] != "succeeded":
            raise invalid("This charge cannot be refunded.", "charge", "charge_not_refundable")
        if charged["disputed"]:
            raise invalid(
                f"Charge {charged['id']} has been charged back; cannot issue a refund.",
                "charge",
                "charge_disputed",
            )
        return charged

    def create_dispute(self, charge_id: str, *, amount: int | None, reason: str) -> JsonObject:
        charged = self.get("charge", charge_id, "charge")
        if charged["status"] != "succeeded" or charged["disputed"]:
            raise invalid(f"Charge {charge_id} cannot be disputed.", "charge")
        amount = charged["amount"] if amount is None else amount
        if not 0 < amount <= charged["amount"]:
            raise invalid("Dispute amount must be within the charge amount.", "amount")
        disputed = shapes.dispute(charged, amount=amount, reason=reason)
        withdrawal = self._save(
            shapes.balance_transaction(
                amount=-amount,
                currency=charged["currency"],
                source=disputed["id"],
                kind="dispute",
                description=f"Chargeback withdrawal for {charge_id}",
            )
        )
        disputed["balance_transactions"].append(copy.deepcopy(withdrawal))
        self._save(disputed)
        charged["disputed"] = True
        self.emit("charge.dispute.created", disputed, CONTROL)
        return disputed

    def close_dispute(self, dispute_id: str, status: str) -> JsonObject:
        disputed = self.get("dispute", dispute_id)
        if status not in ("won", "lost"):
            raise invalid("`status` must be won or lost.", "status")
        if disputed["status"] in ("won", "lost"):
            raise invalid(f"Dispute {dispute_id} is already closed.", "status")
        if status == "won":
            reinstated = self._save(
                shapes.balance_transaction(
                    amount=disputed["amount"],
                    currency=disputed["currency"],
                    source=disputed["id"],
                    kind="dispute",
                    description=f"Chargeback reversal for {disputed['charge']}",
                )
            )
            disputed["balance_transactions"].append(copy.deepcopy(reinstated))
        disputed["status"] = status
        self.emit("charge.dispute.closed", disputed, CONTROL)
        return disputed


def _merge_metadata(obj: JsonObject, params: JsonObject) -> None:
    """Stripe merges metadata keys; an empty value removes a key, an empty map clears all."""
    metadata = params.get("metadata")
    if metadata == "":
        obj["metadata"] = {}
    elif isinstance(metadata, dict):
        for key, value in metadata.items():
            if value == "":
                obj["metadata"].pop(key, None)
            else:
                obj["metadata"][key] = value


def _check_client_secret(intent: JsonObject, params: JsonObject) -> None:
    if params.get("client_secret") != intent["client_secret"]:
        raise invalid(
            "The client_secret provided does not match the client_secret associated with the "
            f"{intent['object'].replace('_', '')}.",
            "client_secret",
            "resource_missing",
        )
