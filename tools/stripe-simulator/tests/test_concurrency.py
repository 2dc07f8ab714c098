"""Concurrent requests: one intent confirmed by many clients at once is charged once; one
idempotency key used by many clients at once creates one object."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import stripe

from stripe_simulator.pytest_plugin import StripeSimulator


def test_parallel_confirms_of_one_intent_charge_it_once(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "usd", "customer": customer.id}
    )

    def confirm(_: int) -> int:
        answer = httpx.post(
            f"{stripe_simulator.api_base}/v1/payment_intents/{intent.id}/confirm",
            data={"payment_method": "pm_card_visa"},
            auth=(stripe_simulator.secret_key, ""),
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(confirm, range(10)))

    assert statuses == [200] + [400] * 9
    assert len(stripe_simulator.events_for(intent.id, "payment_intent.succeeded")) == 1
    charges = [
        e
        for e in stripe_simulator.events("charge.succeeded")
        if e["data"]["object"]["payment_intent"] == intent.id
    ]
    assert len(charges) == 1


def test_parallel_requests_with_one_idempotency_key_create_one_intent(
    stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    def create(_: int) -> httpx.Response:
        return httpx.post(
            f"{stripe_simulator.api_base}/v1/payment_intents",
            data={"amount": "700", "currency": "usd", "customer": customer.id},
            headers={
                "Authorization": f"Bearer {stripe_simulator.secret_key}",
                "Idempotency-Key": f"parallel-{customer.id}",
            },
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(create, range(8)))

    assert {answer.json()["id"] for answer in answers} == {answers[0].json()["id"]}
    assert sum(answer.headers.get("idempotent-replayed") == "true" for answer in answers) == 7
