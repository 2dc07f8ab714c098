"""Customers, payment methods (create, attach, detach, default, lists) and SetupIntents."""

from __future__ import annotations

import pytest
import stripe

from stripe_simulator.pytest_plugin import StripeSimulator


def test_customer_create_retrieve_update_with_metadata(stripe_client: stripe.StripeClient) -> None:
    created = stripe_client.v1.customers.create(
        params={"email": "a@example.com", "name": "Anna", "metadata": {"user_id": "7"}}
    )
    assert created.id.startswith("cus_")

    updated = stripe_client.v1.customers.update(
        created.id, params={"metadata": {"tier": "vip"}, "email": "b@example.com"}
    )

    fetched = stripe_client.v1.customers.retrieve(created.id)
    assert fetched.email == updated.email == "b@example.com"
    assert fetched.metadata.to_dict() == {"user_id": "7", "tier": "vip"}


def test_card_payment_method_from_raw_number_attach_default_detach(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    method = stripe_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "5555555555554444", "exp_month": 4, "exp_year": 2031, "cvc": "314"},
            "billing_details": {"name": "Anna"},
        }
    )
    assert (method.card.brand, method.card.last4, method.card.exp_year) == (
        "mastercard",
        "4444",
        2031,
    )  # type: ignore[union-attr]
    assert method.customer is None

    stripe_client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    stripe_client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": method.id}}
    )
    listed = stripe_client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert [m.id for m in listed.data] == [method.id]
    assert (
        stripe_client.v1.customers.retrieve(customer.id).invoice_settings.default_payment_method
        == method.id
    )  # type: ignore[union-attr]

    detached = stripe_client.v1.payment_methods.detach(method.id)

    assert detached.customer is None
    assert stripe_client.v1.customers.payment_methods.list(customer.id).data == []
    assert (
        stripe_client.v1.customers.retrieve(customer.id).invoice_settings.default_payment_method
        is None
    )  # type: ignore[union-attr]


def test_payment_method_refusals(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    with pytest.raises(stripe.CardError) as bad_number:
        stripe_client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424241", "exp_month": 1, "exp_year": 2040},
            }
        )
    assert bad_number.value.code == "incorrect_number"

    other = stripe_client.v1.customers.create()
    method = stripe_client.v1.payment_methods.attach("pm_card_visa", params={"customer": other.id})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.customers.update(
            customer.id, params={"invoice_settings": {"default_payment_method": method.id}}
        )
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_methods.retrieve("pm_missing")
    assert missing.value.http_status == 404


def test_setup_intent_confirmed_by_stripe_js_attaches_the_card(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    setup = stripe_client.v1.setup_intents.create(
        params={"customer": customer.id, "usage": "off_session", "payment_method_types": ["card"]}
    )
    assert (setup.status, setup.usage) == ("requires_payment_method", "off_session")

    done = stripe_simulator.confirm_setup_as_stripe_js(
        setup.id, setup.client_secret or "", card_number="4000056655665556"
    )

    assert done["status"] == "succeeded"
    method = stripe_client.v1.payment_methods.retrieve(done["payment_method"])
    assert (method.customer, method.card.funding) == (customer.id, "debit")  # type: ignore[union-attr]
    assert stripe_simulator.events_for(setup.id, "setup_intent.succeeded")


def test_setup_intent_confirmed_by_the_server_with_a_test_id(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    setup = stripe_client.v1.setup_intents.create(params={"customer": customer.id})

    done = stripe_client.v1.setup_intents.confirm(
        setup.id, params={"payment_method": "pm_card_mastercard"}
    )

    assert done.status == "succeeded"
    fetched = stripe_client.v1.setup_intents.retrieve(
        setup.id, params={"expand": ["payment_method"]}
    )
    assert fetched.payment_method.card.brand == "mastercard"  # type: ignore[union-attr]
    assert fetched.payment_method.customer == customer.id  # type: ignore[union-attr]
