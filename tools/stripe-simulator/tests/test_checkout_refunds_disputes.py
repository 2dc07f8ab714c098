"""Checkout Sessions (API, hosted page, completion), refunds and disputes with their events."""

from __future__ import annotations

import httpx
import pytest
import stripe

from stripe_simulator.pytest_plugin import SimulatorCallFailed, StripeSimulator


def new_session(
    client: stripe.StripeClient, customer: stripe.Customer, amount: int = 2500
) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "customer": customer.id,
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": amount,
                        "product_data": {"name": "LOOSELINE deposit"},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": "http://localhost/wallet?paid=1",
            "cancel_url": "http://localhost/wallet?cancelled=1",
            "metadata": {"deposit_id": "d-42"},
            "payment_intent_data": {
                "metadata": {"deposit_id": "d-42"},
                "setup_future_usage": "off_session",
            },
        }
    )


def test_checkout_completion_pays_and_fires_events(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer)
    assert (session.status, session.payment_status, session.amount_total) == (
        "open",
        "unpaid",
        2500,
    )
    assert session.url == f"{stripe_simulator.api_base}/checkout/{session.id}"
    assert "25.00 USD" in httpx.get(str(session.url)).text

    completed = stripe_simulator.complete_checkout(session.id)

    assert (completed["status"], completed["payment_status"]) == ("complete", "paid")
    intent = stripe_client.v1.payment_intents.retrieve(completed["payment_intent"])
    assert (intent.status, intent.amount_received) == ("succeeded", 2500)
    assert intent.metadata.to_dict() == {"deposit_id": "d-42"}
    saved = stripe_client.v1.customers.payment_methods.list(customer.id).data
    assert [m.id for m in saved] == [intent.payment_method]
    fired = stripe_simulator.events_for(session.id, "checkout.session.completed")
    assert fired[0]["data"]["object"]["metadata"] == {"deposit_id": "d-42"}
    assert stripe_simulator.events_for(intent.id, "payment_intent.succeeded")


def test_checkout_with_a_declined_card_stays_open(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer)

    with pytest.raises(SimulatorCallFailed, match="402"):
        stripe_simulator.complete_checkout(session.id, card="4000000000009995")

    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert stripe_simulator.events_for(session.id) == []


def test_hosted_page_form_pays_and_redirects_to_success_url(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer, amount=1000)

    answer = httpx.post(f"{session.url}/pay", data={"card": "4242 4242 4242 4242"})

    assert answer.status_code == 303
    assert answer.headers["location"] == "http://localhost/wallet?paid=1"
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_expired_session_cannot_be_paid(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer)
    assert stripe_client.v1.checkout.sessions.expire(session.id).status == "expired"
    with pytest.raises(SimulatorCallFailed, match="400"):
        stripe_simulator.complete_checkout(session.id)


def paid_intent(
    client: stripe.StripeClient, customer: stripe.Customer, amount: int
) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def test_partial_then_full_refund_and_over_refund_refused(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = paid_intent(stripe_client, customer, 5000)

    partial = stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 2000})
    assert (partial.status, partial.amount, partial.charge) == (
        "succeeded",
        2000,
        intent.latest_charge,
    )
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        stripe_client.v1.refunds.create(
            params={"charge": str(intent.latest_charge), "amount": 3001}
        )
    assert too_much.value.code == "amount_too_large"
    rest = stripe_client.v1.refunds.create(params={"charge": str(intent.latest_charge)})

    assert rest.amount == 3000
    charge = stripe_client.v1.charges.retrieve(str(intent.latest_charge))
    assert (charge.amount_refunded, charge.refunded) == (5000, True)
    refunded = stripe_simulator.events_for(str(intent.latest_charge), "charge.refunded")
    assert [e["data"]["object"]["amount_refunded"] for e in refunded] == [2000, 5000]
    assert stripe_client.v1.refunds.retrieve(partial.id).amount == 2000
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.refunds.create(params={"charge": str(intent.latest_charge)})
    assert again.value.code == "charge_already_refunded"


def test_dispute_created_then_lost_and_another_won(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    charge_id = str(paid_intent(stripe_client, customer, 3000).latest_charge)

    dispute = stripe_simulator.create_dispute(charge_id, amount=1000, reason="fraudulent")

    assert (dispute["status"], dispute["amount"], dispute["charge"]) == (
        "needs_response",
        1000,
        charge_id,
    )
    assert stripe_client.v1.charges.retrieve(charge_id).disputed is True
    created = stripe_simulator.events_for(dispute["id"], "charge.dispute.created")
    assert created[0]["data"]["object"]["amount"] == 1000
    with pytest.raises(stripe.InvalidRequestError) as disputed:
        stripe_client.v1.refunds.create(params={"charge": charge_id})
    assert disputed.value.code == "charge_disputed"

    closed = stripe_simulator.close_dispute(dispute["id"], "lost")
    assert closed["status"] == "lost"
    assert stripe_client.v1.disputes.retrieve(dispute["id"]).status == "lost"
    assert (
        stripe_simulator.events_for(dispute["id"], "charge.dispute.closed")[0]["data"]["object"][
            "status"
        ]
        == "lost"
    )

    other = stripe_simulator.create_dispute(
        str(paid_intent(stripe_client, customer, 1000).latest_charge)
    )
    assert other["amount"] == 1000
    won = stripe_simulator.close_dispute(other["id"], "won")
    assert won["status"] == "won"
    assert [t["amount"] for t in won["balance_transactions"]] == [-1000, 1000]
    with pytest.raises(SimulatorCallFailed, match="400"):
        stripe_simulator.close_dispute(other["id"], "lost")
