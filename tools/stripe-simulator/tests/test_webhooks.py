"""Events and webhooks: pushed signed as Stripe signs them (the SDK verifies them), retried,
redelivered, held and released in reverse order, or fetched signed to post by hand."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest
import stripe

from stripe_simulator.config import SimulatorConfig
from stripe_simulator.pytest_plugin import StripeSimulator
from stripe_simulator.store import Account, StoredEvent
from stripe_simulator.webhooks import WebhookDispatcher

from .conftest import WebhookReceiver


def pay(client: stripe.StripeClient, customer: stripe.Customer, amount: int = 1000) -> str:
    intent = client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    return intent.id


def test_events_are_pushed_signed_and_the_sdk_verifies_them(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    webhooks: WebhookReceiver,
    customer: stripe.Customer,
) -> None:
    intent_id = pay(stripe_client, customer)

    received = webhooks.wait_for(2)

    events = [
        stripe.Webhook.construct_event(item.body, item.signature, stripe_simulator.webhook_secret)
        for item in received
    ]
    assert [e.type for e in events] == ["charge.succeeded", "payment_intent.succeeded"]
    succeeded = events[1]
    assert succeeded.data.object.id == intent_id
    assert succeeded.data.object.amount_received == 1000
    assert succeeded.request.id.startswith("req_")  # type: ignore[union-attr]
    assert succeeded.livemode is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received[0].body, received[0].signature, "whsec_other")
    # The same event read back through the API is the same event.
    fetched = stripe_client.v1.events.retrieve(succeeded.id)
    assert (fetched.type, fetched.data.object["id"]) == ("payment_intent.succeeded", intent_id)
    assert fetched.pending_webhooks == 0


def test_a_failing_endpoint_is_retried_until_it_answers_2xx(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    webhooks: WebhookReceiver,
    customer: stripe.Customer,
) -> None:
    webhooks.fail_next = 3  # both first pushes and the first retry fail
    intent_id = pay(stripe_client, customer)
    events = (
        stripe_simulator.events_for(intent_id)
        + stripe_simulator.events(type="charge.succeeded")[-1:]
    )

    for event in events:
        stripe_simulator.wait_delivered(event["id"])

    outcomes = sorted(
        [(a["attempt"], a["status_code"]) for a in stripe_simulator.attempts(e["id"])]
        for e in events
    )
    assert outcomes == [[(1, 500), (2, 200)], [(1, 500), (2, 500), (3, 200)]]
    assert sorted(webhooks.event_ids()) == sorted(e["id"] for e in events)


def test_redelivery_sends_the_identical_event_again_freshly_signed(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    webhooks: WebhookReceiver,
    customer: stripe.Customer,
) -> None:
    pay(stripe_client, customer)
    first = webhooks.wait_for(2)[1]
    event_id = json.loads(first.body)["id"]

    stripe_simulator.redeliver(event_id)
    stripe_simulator.redeliver(event_id)
    again = webhooks.wait_for(4)

    assert [json.loads(item.body)["id"] for item in again[2:]] == [event_id, event_id]
    assert again[2].body == first.body
    for item in again[2:]:
        stripe.Webhook.construct_event(item.body, item.signature, stripe_simulator.webhook_secret)


def test_held_webhooks_are_released_in_reverse_order(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    webhooks: WebhookReceiver,
    customer: stripe.Customer,
) -> None:
    stripe_simulator.pause_webhooks()
    intent_id = pay(stripe_client, customer)
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent_id})
    time.sleep(0.1)
    assert webhooks.received == []

    assert stripe_simulator.resume_webhooks(order="reverse") == 3

    received = webhooks.wait_for(3)
    types = [json.loads(item.body)["type"] for item in received]
    assert types == ["charge.refunded", "payment_intent.succeeded", "charge.succeeded"]
    assert json.loads(received[0].body)["data"]["object"]["amount_refunded"] == refund.amount


def test_delivery_gives_a_signed_body_to_post_by_hand(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent_id = pay(stripe_client, customer)
    event = stripe_simulator.events_for(intent_id, "payment_intent.succeeded")[0]

    body, signature = stripe_simulator.delivery(event["id"])

    verified = stripe.Webhook.construct_event(body, signature, stripe_simulator.webhook_secret)
    assert (verified.id, verified.type) == (event["id"], "payment_intent.succeeded")
    timestamp = int(signature.split(",")[0].removeprefix("t="))
    assert abs(timestamp - time.time()) < 5
    # A stale signature is refused by the SDK's tolerance check, as Stripe intends.
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            body, signature, stripe_simulator.webhook_secret, tolerance=-10
        )


def test_events_list_through_the_api_newest_first_and_by_type(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent_id = pay(stripe_client, customer)

    listed = stripe_client.v1.events.list(params={"type": "payment_intent.succeeded", "limit": 1})

    assert listed.data[0].data.object["id"] == intent_id
    assert all(e.type == "payment_intent.succeeded" for e in listed.data)


async def test_duplicate_webhooks_send_each_event_again_behind_newer_ones() -> None:
    """``--duplicate-webhooks 1``: every event is queued twice, the copy after later events."""
    config = SimulatorConfig(webhook_url="http://127.0.0.1:9/hook", duplicate_webhooks=1.0)
    dispatcher = WebhookDispatcher(Account(config), replace(config, duplicate_delay_s=0.05))
    for number in (1, 2):
        dispatcher.submit(StoredEvent({"id": f"evt_{number}"}, "{}"))
    sent_first = [dispatcher._queue.get_nowait()[0] for _ in range(2)]
    await asyncio.sleep(0.2)  # the copies' delay
    sent_again = sorted(dispatcher._queue.get_nowait()[0] for _ in range(2))

    assert sent_first == ["evt_1", "evt_2"]
    assert sent_again == ["evt_1", "evt_2"]
    assert dispatcher._queue.empty()


def test_no_duplicates_unless_asked() -> None:
    config = SimulatorConfig(webhook_url="http://127.0.0.1:9/hook")
    dispatcher = WebhookDispatcher(Account(config), config)
    for number in range(50):
        dispatcher.submit(StoredEvent({"id": f"evt_{number}"}, "{}"))

    assert dispatcher._queue.qsize() == 50
    assert not dispatcher._tasks
