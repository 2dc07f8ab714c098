"""PaymentIntents through the real SDK and Stripe.js-style calls: every test card and test
PaymentMethod id, 3-D Secure, saved cards off-session, keys and states."""

from __future__ import annotations

import httpx
import pytest
import stripe

from stripe_simulator.pytest_plugin import StripeSimulator


def new_intent(
    client: stripe.StripeClient, customer: stripe.Customer, **params: object
) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "usd", "customer": customer.id, **params}  # type: ignore[typeddict-item]
    )


@pytest.mark.parametrize(
    ("card_number", "brand", "last4"),
    [("4242424242424242", "visa", "4242"), ("5555555555554444", "mastercard", "4444")],
)
def test_stripe_js_confirm_with_a_good_card_succeeds_with_a_charge(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    customer: stripe.Customer,
    card_number: str,
    brand: str,
    last4: str,
) -> None:
    intent = new_intent(stripe_client, customer)
    assert intent.status == "requires_payment_method"

    confirmed = stripe_simulator.confirm_as_stripe_js(
        intent.id, intent.client_secret or "", card_number=card_number
    )

    assert confirmed["status"] == "succeeded"
    assert confirmed["amount_received"] == 1000
    charge = stripe_client.v1.charges.retrieve(confirmed["latest_charge"])
    card = charge.payment_method_details.card  # type: ignore[union-attr]
    assert (charge.status, charge.paid, charge.amount, charge.payment_intent) == (
        "succeeded",
        True,
        1000,
        intent.id,
    )
    assert (card.brand, card.last4, card.exp_month) == (brand, last4, 12)  # type: ignore[union-attr]
    assert card.fingerprint  # type: ignore[union-attr]
    txn = stripe_client.v1.balance_transactions.retrieve(str(charge.balance_transaction))
    assert (txn.amount, txn.fee, txn.net) == (1000, 59, 941)


@pytest.mark.parametrize(
    ("card_number", "decline_code", "message"),
    [
        ("4000000000009995", "insufficient_funds", "Your card has insufficient funds."),
        ("4000000000000002", "generic_decline", "Your card was declined."),
    ],
)
def test_stripe_js_confirm_with_a_declining_card_answers_402_and_reopens_the_intent(
    stripe_client: stripe.StripeClient,
    stripe_simulator: StripeSimulator,
    customer: stripe.Customer,
    card_number: str,
    decline_code: str,
    message: str,
) -> None:
    intent = new_intent(stripe_client, customer)

    answer = stripe_simulator.confirm_as_stripe_js(
        intent.id, intent.client_secret or "", card_number=card_number
    )

    error = answer["error"]
    assert (error["type"], error["code"], error["decline_code"], error["message"]) == (
        "card_error",
        "card_declined",
        decline_code,
        message,
    )
    assert error["charge"].startswith("ch_")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    again = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert again.status == "requires_payment_method"
    assert again.last_payment_error.decline_code == decline_code  # type: ignore[union-attr]
    failed = stripe_client.v1.charges.retrieve(error["charge"])
    assert (failed.status, failed.paid, failed.failure_code) == ("failed", False, "card_declined")


@pytest.mark.parametrize(
    ("test_method", "brand", "last4", "decline_code"),
    [
        ("pm_card_visa", "visa", "4242", None),
        ("pm_card_mastercard", "mastercard", "4444", None),
        ("pm_card_chargeDeclined", "visa", "0002", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "visa", "9995", "insufficient_funds"),
    ],
)
def test_sdk_confirm_with_test_payment_method_ids(
    stripe_client: stripe.StripeClient,
    customer: stripe.Customer,
    test_method: str,
    brand: str,
    last4: str,
    decline_code: str | None,
) -> None:
    if decline_code is None:
        intent = new_intent(stripe_client, customer, payment_method=test_method, confirm=True)
        assert intent.status == "succeeded"
        method_id = str(intent.payment_method)
    else:
        with pytest.raises(stripe.CardError) as declined:
            new_intent(stripe_client, customer, payment_method=test_method, confirm=True)
        assert declined.value.http_status == 402
        assert declined.value.code == "card_declined"
        assert declined.value.error.decline_code == decline_code  # type: ignore[union-attr]
        method_id = declined.value.error.payment_method.id  # type: ignore[union-attr]

    # Using a test id clones a concrete pm_… as Stripe does.
    assert method_id.startswith("pm_")
    assert method_id != test_method
    method = stripe_client.v1.payment_methods.retrieve(method_id)
    assert (method.card.brand, method.card.last4) == (brand, last4)  # type: ignore[union-attr]


def test_authentication_required_card_on_session_needs_3ds_then_succeeds(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer)
    pending = stripe_simulator.confirm_as_stripe_js(
        intent.id, intent.client_secret or "", card_number="4000002500003155"
    )
    assert pending["status"] == "requires_action"
    assert pending["next_action"]["type"] == "use_stripe_sdk"
    assert stripe_simulator.events_for(intent.id, "payment_intent.requires_action")

    done = stripe_simulator.complete_3ds(intent.id)

    assert done["status"] == "succeeded"
    charge = stripe_client.v1.charges.retrieve(done["latest_charge"])
    three_ds = charge.payment_method_details.card.three_d_secure  # type: ignore[union-attr]
    assert three_ds.result == "authenticated"  # type: ignore[union-attr]
    assert [e["type"] for e in stripe_simulator.events_for(intent.id)] == [
        "payment_intent.requires_action",
        "payment_intent.succeeded",
    ]


def test_failed_3ds_sends_the_intent_back_without_a_charge(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer, payment_method="pm_card_authenticationRequired")
    confirmed = stripe_client.v1.payment_intents.confirm(
        intent.id, params={"return_url": "http://localhost/back"}
    )
    assert confirmed.status == "requires_action"
    assert confirmed.next_action.type == "redirect_to_url"  # type: ignore[union-attr]
    assert confirmed.next_action.redirect_to_url.return_url == "http://localhost/back"  # type: ignore[union-attr]

    failed = stripe_simulator.complete_3ds(intent.id, succeed=False)

    assert failed["status"] == "requires_payment_method"
    assert failed["latest_charge"] is None
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert stripe_simulator.events_for(intent.id, "payment_intent.payment_failed")


def test_3ds_page_completes_the_challenge_and_returns_to_the_site(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer, payment_method="pm_card_authenticationRequired")
    confirmed = stripe_client.v1.payment_intents.confirm(
        intent.id, params={"return_url": "http://localhost/back"}
    )
    page_url = confirmed.next_action.redirect_to_url.url  # type: ignore[union-attr]
    assert "3-D Secure" in httpx.get(str(page_url)).text

    answer = httpx.post(str(page_url), data={"outcome": "succeed"})

    assert answer.status_code == 303
    back = f"http://localhost/back?payment_intent={intent.id}"
    assert answer.headers["location"].startswith(back + "&payment_intent_client_secret=pi_")
    assert answer.headers["location"].endswith("&redirect_status=succeeded")
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_saved_card_is_charged_off_session_and_3ds_card_is_refused_off_session(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    first = new_intent(stripe_client, customer, setup_future_usage="off_session")
    stripe_simulator.confirm_as_stripe_js(first.id, first.client_secret or "", "pm_card_visa")
    saved = stripe_client.v1.customers.payment_methods.list(customer.id).data
    assert [m.card.last4 for m in saved] == ["4242"]  # type: ignore[union-attr]

    again = new_intent(
        stripe_client, customer, payment_method=saved[0].id, confirm=True, off_session=True
    )
    assert again.status == "succeeded"

    risky = stripe_client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", params={"customer": customer.id}
    )
    with pytest.raises(stripe.CardError) as declined:
        new_intent(stripe_client, customer, payment_method=risky.id, confirm=True, off_session=True)
    assert declined.value.code == "authentication_required"
    assert declined.value.error.decline_code == "authentication_required"  # type: ignore[union-attr]
    assert declined.value.error.payment_intent.status == "requires_payment_method"  # type: ignore[union-attr]


async def test_async_sdk_creates_and_confirms(
    async_stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent = await async_stripe_client.v1.payment_intents.create_async(
        params={"amount": 2500, "currency": "usd", "customer": customer.id}
    )
    confirmed = await async_stripe_client.v1.payment_intents.confirm_async(
        intent.id, params={"payment_method": "pm_card_visa"}
    )
    assert (confirmed.status, confirmed.amount_received) == ("succeeded", 2500)
    fetched = await async_stripe_client.v1.payment_intents.retrieve_async(
        intent.id, params={"expand": ["latest_charge", "payment_method"]}
    )
    assert fetched.latest_charge.amount == 2500  # type: ignore[union-attr]
    assert fetched.payment_method.card.last4 == "4242"  # type: ignore[union-attr]


def test_update_then_cancel_and_states_that_refuse(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer, metadata={"deposit": "d1", "drop": "x"})
    updated = stripe_client.v1.payment_intents.update(
        intent.id, params={"amount": 1500, "metadata": {"drop": ""}}
    )
    assert (updated.amount, updated.metadata.to_dict()) == (1500, {"deposit": "d1"})

    canceled = stripe_client.v1.payment_intents.cancel(intent.id)
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "requested_by_customer")
    assert stripe_simulator.events_for(intent.id, "payment_intent.canceled")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_visa"}
        )
    assert refused.value.code == "payment_intent_unexpected_state"

    with pytest.raises(stripe.InvalidRequestError) as small:
        new_intent(stripe_client, customer, amount=10)
    assert small.value.code == "amount_too_small"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.payment_intents.retrieve("pi_nope")
    assert (unknown.value.http_status, unknown.value.code) == (404, "resource_missing")


def test_processing_then_settled_by_the_simulator(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer, payment_method="pm_card_visa")
    assert stripe_simulator.mark_processing(intent.id)["status"] == "processing"
    assert stripe_simulator.settle_processing(intent.id)["status"] == "succeeded"
    assert [e["type"] for e in stripe_simulator.events_for(intent.id)] == [
        "payment_intent.processing",
        "payment_intent.succeeded",
    ]


def test_publishable_key_reaches_only_stripe_js_endpoints_with_the_client_secret(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer)
    public = httpx.Client(
        base_url=stripe_simulator.api_base,
        headers={"Authorization": f"Bearer {stripe_simulator.publishable_key}"},
    )
    with public:
        seen = public.get(
            f"/v1/payment_intents/{intent.id}", params={"client_secret": intent.client_secret}
        )
        assert seen.status_code == 200
        assert seen.json()["id"] == intent.id
        assert public.get(f"/v1/payment_intents/{intent.id}").status_code == 400
        wrong = public.post(
            f"/v1/payment_intents/{intent.id}/confirm",
            data={"client_secret": "pi_x_secret_y", "payment_method": "pm_card_visa"},
        )
        assert wrong.status_code == 400
        assert public.post("/v1/payment_intents", data={"amount": "100"}).status_code == 401
        assert public.post("/v1/customers").status_code == 401

    with pytest.raises(stripe.AuthenticationError):
        stripe.StripeClient(
            "sk_test_wrong", base_addresses={"api": stripe_simulator.api_base}
        ).v1.customers.create()
    basic = httpx.get(
        f"{stripe_simulator.api_base}/v1/payment_intents/{intent.id}",
        auth=(stripe_simulator.secret_key, ""),
    )
    assert basic.status_code == 200
    assert basic.headers["request-id"].startswith("req_")


def test_stripe_js_key_parameter_confirms_without_an_authorization_header(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer)

    answer = httpx.post(
        f"{stripe_simulator.api_base}/v1/payment_intents/{intent.id}/confirm",
        data={
            "key": stripe_simulator.publishable_key,
            "client_secret": intent.client_secret,
            "payment_method": "pm_card_visa",
            "expand[]": "payment_method",
        },
    )

    assert answer.status_code == 200
    assert answer.json()["status"] == "succeeded"
    assert answer.json()["payment_method"]["card"]["last4"] == "4242"


def test_3155_card_saved_by_setup_intent_is_declined_off_session_and_passes_on_session(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    setup = stripe_client.v1.setup_intents.create(params={"customer": customer.id})
    saved = stripe_simulator.confirm_setup_as_stripe_js(
        setup.id, setup.client_secret or "", card_number="4000002500003155"
    )["payment_method"]

    with pytest.raises(stripe.CardError) as declined:
        new_intent(stripe_client, customer, payment_method=saved, confirm=True, off_session=True)
    assert declined.value.code == "authentication_required"
    intent_id = declined.value.error.payment_intent.id  # type: ignore[union-attr]

    # The customer comes back on-session: the same intent, the same card, a 3-D Secure challenge.
    retried = stripe_client.v1.payment_intents.confirm(intent_id, params={"payment_method": saved})
    assert retried.status == "requires_action"
    assert stripe_simulator.complete_3ds(intent_id)["status"] == "succeeded"


def test_a_forgotten_intent_answers_404_resource_missing(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator, customer: stripe.Customer
) -> None:
    intent = new_intent(stripe_client, customer)
    assert stripe_simulator.forget(intent.id) == {
        "id": intent.id,
        "object": "payment_intent",
        "forgotten": True,
    }
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_intents.retrieve(intent.id)
    assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.cancel(intent.id)
    again = httpx.post(f"{stripe_simulator.api_base}/_sim/objects/{intent.id}/forget")
    assert (again.status_code, again.json()["error"]["code"]) == (404, "sim.resource_missing")
