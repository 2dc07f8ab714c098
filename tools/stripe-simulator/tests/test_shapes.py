"""Every object the simulator returns has the shape of Stripe's own fixture for its type
(`stripe_fixtures.json`, copied from stripe/openapi `fixtures3.json`): the same keys, and for
every field the same JSON type, or null where the fixture has null or Stripe documents the
field as nullable (Stripe's fixture generator fills nullable objects with a sample)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from stripe_simulator.pytest_plugin import StripeSimulator

FIXTURES: dict[str, Any] = json.loads((Path(__file__).parent / "stripe_fixtures.json").read_text())[
    "resources"
]

_BILLING_NULLABLE = {
    "billing_details.name",
    "billing_details.email",
    "billing_details.phone",
    *(
        f"billing_details.address.{part}"
        for part in ("city", "country", "line1", "postal_code", "state")
    ),
}
# Fields Stripe's API reference marks nullable that the fixture shows filled in.
NULLABLE = {
    "customer": {
        "address",
        "currency",
        "discount",
        "shipping",
        "invoice_settings.rendering_options",
    },
    "payment_intent": {
        "automatic_payment_methods",
        "canceled_at",
        "last_payment_error",
        "next_action",
        "payment_method_configuration_details",
        "processing",
        "shipping",
        "transfer_data",
        "managed_payments",
    },
    "payment_method": {"card.generated_from", "card.wallet", *_BILLING_NULLABLE},
    "setup_intent": {
        "automatic_payment_methods",
        "last_setup_error",
        "next_action",
        "payment_method_configuration_details",
    },
    "checkout.session": {
        "after_expiration",
        "automatic_tax.liability",
        "consent",
        "consent_collection",
        "custom_text.after_submit",
        "custom_text.shipping_address",
        "custom_text.submit",
        "custom_text.terms_of_service_acceptance",
        "customer_details",
        "invoice_creation",
        "payment_method_configuration_details",
        "saved_payment_method_options",
        "shipping_address_collection",
        "shipping_cost",
        "collected_information",
        "permissions",
        "wallet_options",
        "currency_conversion",
        "adaptive_pricing",
        "managed_payments",
        "cancel_url",
        "payment_intent",
        "customer_details.email",
    },
    "charge": {
        "shipping",
        "source",
        "transfer_data",
        "payment_method_details.card.installments",
        "payment_method_details.card.three_d_secure",
        "payment_method_details.card.wallet",
        "balance_transaction",
        "description",
        *_BILLING_NULLABLE,
    },
    "refund": set(),
    "dispute": set(),
    "event": set(),
    "balance_transaction": {"description"},
}
# Free-form maps and polymorphic objects (hashes keyed by type): only "an object" is checked.
OPEN = {
    "metadata",
    "next_action",
    "last_payment_error",
    "last_setup_error",
    "payment_method_options",
    "fraud_details",
    "amount_details.tip",
    "data.object",
    "evidence.enhanced_evidence",
    "evidence_details.enhanced_eligibility",
}


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


# Objects embedded in others: each element is checked against its own type's fixture.
EMBEDDED = {
    "refunds.data": "refund",
    "balance_transactions": "balance_transaction",
    "last_payment_error.payment_method": "payment_method",
}


def shape_errors(kind: str, actual: Any, fixture: Any, path: str = "") -> list[str]:
    if path in EMBEDDED and actual is not None:
        inner = EMBEDDED[path]
        items = actual if isinstance(actual, list) else [actual]
        return [e for item in items for e in shape_errors(inner, item, FIXTURES[inner])]
    if path == "last_payment_error" and isinstance(actual, dict):
        method = actual.get("payment_method")
        return shape_errors(kind, method, {}, "last_payment_error.payment_method")
    if fixture is None or (path in OPEN and isinstance(actual, dict)):
        return []
    if actual is None:
        return (
            [] if path in NULLABLE[kind] else [f"{kind}.{path}: null, fixture has {_type(fixture)}"]
        )
    if _type(actual) != _type(fixture):
        return [f"{kind}.{path}: {_type(actual)}, fixture has {_type(fixture)}"]
    if isinstance(fixture, dict):
        missing = sorted(set(fixture) - set(actual))
        extra = sorted(set(actual) - set(fixture))
        errors = [f"{kind}.{path}: missing {missing}" for _ in [0] if missing]
        errors += [f"{kind}.{path}: extra {extra}" for _ in [0] if extra]
        for key in set(fixture) & set(actual):
            child = f"{path}.{key}" if path else key
            errors += shape_errors(kind, actual[key], fixture[key], child)
        return errors
    if isinstance(fixture, list) and fixture and actual:
        return [e for item in actual for e in shape_errors(kind, item, fixture[0], path)]
    return []


def collect(sim: StripeSimulator) -> list[dict[str, Any]]:
    """Drive every flow once and return every object the API handed out on the way."""
    seen: list[dict[str, Any]] = []
    api = httpx.Client(base_url=sim.api_base, headers={"Authorization": f"Bearer {sim.secret_key}"})

    def post(path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = api.post(path, data=data or {}).json()
        seen.append(body["error"]["payment_intent"] if "error" in body else body)
        return body

    def get(path: str) -> dict[str, Any]:
        body: dict[str, Any] = api.get(path).json()
        seen.append(body)
        return body

    with api:
        customer = post("/v1/customers", {"email": "s@example.com", "metadata[k]": "v"})
        cid = customer["id"]
        paid = post(
            "/v1/payment_intents",
            {
                "amount": "1000",
                "currency": "usd",
                "customer": cid,
                "confirm": "true",
                "payment_method": "pm_card_visa",
                "setup_future_usage": "off_session",
            },
        )
        get(f"/v1/payment_methods/{paid['payment_method']}")
        charge = get(f"/v1/charges/{paid['latest_charge']}")
        get(f"/v1/balance_transactions/{charge['balance_transaction']}")
        post("/v1/refunds", {"payment_intent": paid["id"], "amount": "100"})
        get(f"/v1/charges/{paid['latest_charge']}")  # with a refund in `refunds.data`
        declined = post(
            "/v1/payment_intents",
            {
                "amount": "1000",
                "currency": "usd",
                "confirm": "true",
                "payment_method": "pm_card_chargeDeclined",
            },
        )
        get(f"/v1/charges/{declined['error']['charge']}")
        action = post(
            "/v1/payment_intents",
            {
                "amount": "1000",
                "currency": "usd",
                "confirm": "true",
                "payment_method": "pm_card_authenticationRequired",
            },
        )
        seen.append(sim.complete_3ds(action["id"]))
        get(f"/v1/charges/{seen[-1]['latest_charge']}")  # with three_d_secure details
        post(
            "/v1/payment_intents/{}/cancel".format(
                post("/v1/payment_intents", {"amount": "500", "currency": "usd"})["id"]
            )
        )
        setup = post("/v1/setup_intents", {"customer": cid})
        post(f"/v1/setup_intents/{setup['id']}/confirm", {"payment_method": "pm_card_visa"})
        session = post(
            "/v1/checkout/sessions",
            {
                "mode": "payment",
                "line_items[0][price_data][currency]": "usd",
                "line_items[0][price_data][unit_amount]": "700",
                "line_items[0][price_data][product_data][name]": "Deposit",
                "line_items[0][quantity]": "1",
                "success_url": "http://localhost/ok",
            },
        )
        seen.append(sim.complete_checkout(session["id"]))
        dispute = sim.create_dispute(charge["id"])
        seen.append(dispute)
        seen.append(sim.close_dispute(dispute["id"], "won"))
        get(f"/v1/disputes/{dispute['id']}")
        seen.extend(sim.events())
        seen.extend(event["data"]["object"] for event in sim.events())
    return seen


def test_every_object_has_its_fixture_shape(stripe_simulator: StripeSimulator) -> None:
    objects = collect(stripe_simulator)
    kinds = {obj["object"] for obj in objects}
    assert kinds == set(FIXTURES), f"not exercised: {set(FIXTURES) - kinds}"

    errors = sorted(
        {e for obj in objects for e in shape_errors(obj["object"], obj, FIXTURES[obj["object"]])}
    )

    assert errors == []


# Stripe's status vocabulary per type (from its API reference).
STATUSES = {
    "payment_intent": {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "requires_capture",
        "succeeded",
        "canceled",
    },
    "setup_intent": {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "succeeded",
        "canceled",
    },
    "checkout.session": {"open", "complete", "expired"},
    "charge": {"succeeded", "pending", "failed"},
    "refund": {"pending", "requires_action", "succeeded", "failed", "canceled"},
    "dispute": {
        "warning_needs_response",
        "warning_under_review",
        "warning_closed",
        "needs_response",
        "under_review",
        "won",
        "lost",
        "prevented",
    },
    "balance_transaction": {"available", "pending"},
}


def test_every_status_is_stripes(stripe_simulator: StripeSimulator) -> None:
    objects = collect(stripe_simulator)
    for kind, vocabulary in STATUSES.items():
        assert FIXTURES[kind]["status"] in vocabulary
        used = {obj["status"] for obj in objects if obj["object"] == kind}
        assert used, kind
        assert used <= vocabulary, kind
