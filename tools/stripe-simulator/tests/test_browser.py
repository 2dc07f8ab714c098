"""What a browser needs from the simulator: CORS on Stripe.js's endpoints for the app's origin
only, Checkout's `{CHECKOUT_SESSION_ID}` filled in, and 3-D Secure returning like Stripe."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stripe

from stripe_simulator.config import DEFAULT_CORS_ORIGINS, parse_origins
from stripe_simulator.pytest_plugin import StripeSimulator, start_simulator

APP = "http://127.0.0.1:8000"


def test_cors_origins_default_to_the_app_under_make_run_and_vite() -> None:
    assert APP in DEFAULT_CORS_ORIGINS
    assert "http://127.0.0.1:5173" in DEFAULT_CORS_ORIGINS
    assert parse_origins(None) == DEFAULT_CORS_ORIGINS
    assert parse_origins(" https://app.example/ , http://x:1") == (
        "https://app.example",
        "http://x:1",
    )


def new_intent(client: stripe.StripeClient, **params: object) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(params={"amount": 1500, "currency": "usd", **params})


def test_the_app_confirms_an_intent_from_the_browser_with_the_publishable_key(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator
) -> None:
    intent = new_intent(stripe_client)
    url = f"{stripe_simulator.api_base}/v1/payment_intents/{intent.id}/confirm"
    form = {
        "key": stripe_simulator.publishable_key,
        "client_secret": intent.client_secret,
        "payment_method_data[type]": "card",
        "payment_method_data[card][number]": "4242424242424242",
        "payment_method_data[card][exp_month]": "12",
        "payment_method_data[card][exp_year]": "2034",
        "payment_method_data[card][cvc]": "123",
    }

    answer = httpx.post(url, data=form, headers={"Origin": APP})

    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "succeeded"
    assert answer.headers["access-control-allow-origin"] == APP
    assert answer.headers["vary"] == "Origin"


def test_a_decline_reaches_the_browser_too(
    stripe_client: stripe.StripeClient, stripe_simulator: StripeSimulator
) -> None:
    intent = new_intent(stripe_client)
    answer = httpx.post(
        f"{stripe_simulator.api_base}/v1/payment_intents/{intent.id}/confirm",
        data={
            "key": stripe_simulator.publishable_key,
            "client_secret": intent.client_secret,
            "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds",
        },
        headers={"Origin": APP},
    )
    assert answer.status_code == 402
    assert answer.json()["error"]["decline_code"] == "insufficient_funds"
    assert answer.headers["access-control-allow-origin"] == APP


def test_preflight_is_answered_for_publishable_endpoints_and_allowed_origins_only(
    stripe_simulator: StripeSimulator,
) -> None:
    base = stripe_simulator.api_base
    asks = {"Origin": APP, "Access-Control-Request-Method": "POST"}

    ok = httpx.options(f"{base}/v1/payment_intents/pi_123/confirm", headers=asks)
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == APP
    assert "authorization" in ok.headers["access-control-allow-headers"]

    other_origin = {**asks, "Origin": "https://evil.example"}
    refused = httpx.options(f"{base}/v1/payment_intents/pi_123/confirm", headers=other_origin)
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    # A secret-key endpoint is never offered to a browser.
    secret = httpx.options(f"{base}/v1/customers", headers=asks)
    assert secret.status_code == 403


def test_no_cors_on_secret_key_endpoints_or_for_other_origins(
    stripe_simulator: StripeSimulator,
) -> None:
    base = stripe_simulator.api_base
    secret = httpx.post(
        f"{base}/v1/customers", auth=(stripe_simulator.secret_key, ""), headers={"Origin": APP}
    )
    assert secret.status_code == 200
    assert "access-control-allow-origin" not in secret.headers
    stranger = httpx.get(
        f"{base}/v1/payment_intents/pi_nope",
        params={"key": stripe_simulator.publishable_key, "client_secret": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in stranger.headers


@pytest.fixture(scope="module")
def any_origin() -> Iterator[StripeSimulator]:
    handle, server = start_simulator(cors_origins=("*",))
    try:
        yield handle
    finally:
        handle.close()
        server.stop()


def test_star_allows_any_origin(any_origin: StripeSimulator) -> None:
    answer = httpx.options(
        f"{any_origin.api_base}/v1/payment_methods",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert (answer.status_code, answer.headers["access-control-allow-origin"]) == (204, "*")


def new_session(client: stripe.StripeClient, customer: stripe.Customer) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "customer": customer.id,
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 2000,
                        "product_data": {"name": "LOOSELINE deposit"},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": f"{APP}/wallet/deposit/done?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{APP}/wallet/deposit/cancelled",
        }
    )


def test_checkout_success_url_gets_the_session_id_like_stripe(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer)
    assert session.success_url is not None
    assert session.success_url.endswith("{CHECKOUT_SESSION_ID}")  # stored as given

    answer = httpx.post(f"{session.url}/pay", data={"card": "4242424242424242"})

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{APP}/wallet/deposit/done?session_id={session.id}"


def test_checkout_page_links_back_to_the_cancel_url(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    session = new_session(stripe_client, customer)
    page = httpx.get(str(session.url)).text
    assert f"href='{APP}/wallet/deposit/cancelled'" in page


def test_failed_3ds_returns_to_the_site_with_redirect_status_failed(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    intent = new_intent(
        stripe_client, customer=customer.id, payment_method="pm_card_authenticationRequired"
    )
    confirmed = stripe_client.v1.payment_intents.confirm(
        intent.id, params={"return_url": f"{APP}/wallet/deposit/done?from=3ds"}
    )
    page_url = str(confirmed.next_action.redirect_to_url.url)  # type: ignore[union-attr]

    answer = httpx.post(page_url, data={"outcome": "fail"})

    assert answer.status_code == 303
    back = urlsplit(answer.headers["location"])
    query = parse_qs(back.query)
    assert back.path == "/wallet/deposit/done"
    assert query["from"] == ["3ds"]
    assert query["payment_intent"] == [intent.id]
    assert query["payment_intent_client_secret"] == [intent.client_secret]
    assert query["redirect_status"] == ["failed"]
