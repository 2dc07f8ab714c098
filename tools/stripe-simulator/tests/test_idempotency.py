"""`Idempotency-Key`: the same key and parameters replay the stored answer (and move nothing
again); the same key with other parameters is an `idempotency_error`."""

from __future__ import annotations

import httpx
import pytest
import stripe

from stripe_simulator.pytest_plugin import StripeSimulator


def test_same_key_same_params_replays_without_a_second_payment(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    params: stripe.PaymentIntentService.CreateParams = {
        "amount": 4200,
        "currency": "usd",
        "customer": customer.id,
        "payment_method": "pm_card_visa",
        "confirm": True,
    }
    first = stripe_client.v1.payment_intents.create(
        params=params, options={"idempotency_key": f"dep-1-{customer.id}"}
    )
    second = stripe_client.v1.payment_intents.create(
        params=params, options={"idempotency_key": f"dep-1-{customer.id}"}
    )

    assert second.id == first.id
    assert second.latest_charge == first.latest_charge
    paid = [
        e
        for e in stripe_simulator.events("payment_intent.succeeded")
        if e["data"]["object"]["customer"] == customer.id
    ]
    assert len(paid) == 1
    assert paid[0]["request"]["idempotency_key"] == f"dep-1-{customer.id}"


def test_replay_is_marked_and_keeps_the_request_id(
    stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    form = {"amount": "1000", "currency": "usd", "customer": customer.id}
    headers = {
        "Authorization": f"Bearer {stripe_simulator.secret_key}",
        "Idempotency-Key": f"raw-1-{customer.id}",
    }
    with httpx.Client(base_url=stripe_simulator.api_base, headers=headers) as client:
        first = client.post("/v1/payment_intents", data=form)
        second = client.post("/v1/payment_intents", data=form)
        other = client.post("/v1/payment_intents", data={**form, "amount": "100000"})

    assert first.status_code == second.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["request-id"] == first.headers["request-id"]
    assert second.json()["id"] == first.json()["id"]
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"


def test_same_key_different_params_is_an_idempotency_error_in_the_sdk(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    stripe_client.v1.customers.update(
        customer.id, params={"name": "Ann"}, options={"idempotency_key": f"upd-1-{customer.id}"}
    )

    with pytest.raises(stripe.IdempotencyError):
        stripe_client.v1.customers.update(
            customer.id, params={"name": "Bob"}, options={"idempotency_key": f"upd-1-{customer.id}"}
        )
    assert stripe_client.v1.customers.retrieve(customer.id).name == "Ann"


def test_a_decline_is_replayed_too_and_charges_once(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    params: stripe.PaymentIntentService.CreateParams = {
        "amount": 1000,
        "currency": "usd",
        "customer": customer.id,
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }
    errors = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as declined:
            stripe_client.v1.payment_intents.create(
                params=params, options={"idempotency_key": f"dec-1-{customer.id}"}
            )
        errors.append(declined.value.error)

    assert errors[0].charge == errors[1].charge  # type: ignore[union-attr]
    failures = [
        e
        for e in stripe_simulator.events("charge.failed")
        if e["data"]["object"]["customer"] == customer.id
    ]
    assert len(failures) == 1


def test_malformed_parameters_are_a_400_not_a_crash(stripe_simulator: StripeSimulator) -> None:
    answer = httpx.post(
        f"{stripe_simulator.api_base}/v1/customers",
        data={"metadata": "not-a-hash"},
        auth=(stripe_simulator.secret_key, ""),
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "invalid_request_error"
    unknown = httpx.get(
        f"{stripe_simulator.api_base}/v1/subscriptions", auth=(stripe_simulator.secret_key, "")
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "resource_missing")
