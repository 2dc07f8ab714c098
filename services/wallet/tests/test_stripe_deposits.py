"""Card deposits through Stripe (issue 8) against the Stripe simulator over HTTP, with the real
SDK, PostgreSQL and the wallet app: seed 001's Stripe table, saved cards, 3-D Secure, Checkout,
the client's amount never trusted, and the reconciliation job. Every test ends with the wallet's
ledger reconciliation (conftest)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import structlog
from services.wallet.tests.support.ledger import Api
from services.wallet.tests.support.stripe_deposits import StripeWorld, stripe_settings
from sqlalchemy import text

from wallet.entrypoints.api.app import create_app
from wallet.service_layer.stripe_jobs import (
    expire_stale_deposits,
    recheck_pending_deposits,
    recheck_pending_setups,
)
from wallet.settings import Settings

CARDS = "/api/wallet/payment-methods"


@pytest.fixture
async def world(
    make_settings: Any, app_client: Any, wallet_db: Any, token_issuer: Any, stripe_simulator: Any
) -> AsyncIterator[StripeWorld]:
    stripe_simulator.set_webhook_url(None)  # the test delivers events itself, in its own order
    app = create_app(stripe_settings(make_settings, stripe_simulator))
    async with app_client(app) as http:
        yield StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, app.state)


async def new_card_deposit(
    world: StripeWorld, user: uuid.UUID, amount: str, **body: Any
) -> dict[str, Any]:
    started = await world.deposit(user, {"amount": amount, **body}, key=str(uuid.uuid4()))
    assert started.status_code == 200, started.text
    answer: dict[str, Any] = started.json()
    assert answer["action"] == "requires_payment_form"
    return answer


async def pay(
    world: StripeWorld, answer: dict[str, Any], card: str = "pm_card_visa"
) -> dict[str, Any]:
    """The SPA confirms with Stripe.js (publishable key + client_secret)."""
    paid: dict[str, Any] = await world.sim_call(
        world.sim.confirm_as_stripe_js, answer["intent_id"], answer["client_secret"], card
    )
    return paid


async def failed_3ds_deposit(world: StripeWorld, user: uuid.UUID) -> str:
    """A new-card deposit of 75.00 whose 3-D Secure challenge fails, Stripe's payment_failed
    webhook delivered; its intent id."""
    answer = await new_card_deposit(world, user, "75.00")
    await pay(world, answer, "pm_card_authenticationRequired")
    await world.sim_call(world.sim.complete_3ds, answer["intent_id"], False)
    await world.deliver(answer["intent_id"], "payment_intent.payment_failed")
    return str(answer["intent_id"])


async def audit_actions(world: StripeWorld, user: uuid.UUID) -> list[str]:
    async with world.db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT action FROM wallet.audit_log WHERE user_id = :u ORDER BY id"), {"u": user}
        )
        return [r.action for r in rows]


# --- seed 001, "Stripe integration" table (seven cases) ----------------------------------------


async def test_1_create_payment_intent_answers_client_secret_and_a_pending_deposit(
    world: StripeWorld,
) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    assert answer["client_secret"].startswith(answer["intent_id"] + "_secret_")
    assert answer["publishable_key"] == world.sim.publishable_key
    # Where the browser's card form confirms: the simulator, as STRIPE_API_BASE (no override).
    assert answer["stripe_api_base"] == world.sim.api_base.rstrip("/")
    row = await world.deposit_row(answer["intent_id"])
    assert (row["status"], row["amount_minor"], row["currency"]) == ("pending", 5_000, "USD")
    assert await world.available(user) == 0  # nothing before Stripe says the payment succeeded
    shown = await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", user)
    assert shown.json()["deposit"]["status"] == "pending"


async def test_2_confirm_payment_then_recheck_credits_without_a_webhook(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    assert (await pay(world, answer))["status"] == "succeeded"
    shown = await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", user)
    assert shown.status_code == 200, shown.text
    deposit = shown.json()["deposit"]
    assert (deposit["status"], deposit["credited_amount"]) == ("succeeded", "50.00")
    assert deposit["transaction_id"].startswith("ch_")
    assert shown.json()["available_balance"] == "50.00"
    again = await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", user)
    assert again.json()["available_balance"] == "50.00"
    assert await world.transfers(user, "deposit") == 1


async def test_3_first_deposit_creates_the_stripe_customer_once(world: StripeWorld) -> None:
    user = await world.user()
    first = await new_card_deposit(world, user, "10.00")
    second = await new_card_deposit(world, user, "20.00")
    count = await world.db.count(
        "SELECT count(*) FROM wallet.stripe_customer WHERE user_id = :u", u=user
    )
    assert count == 1
    customer = await world.db.count(
        "SELECT count(DISTINCT d.intent_id) FROM wallet.card_deposit d WHERE d.user_id = :u", u=user
    )
    assert customer == 2
    client = world.stripe()
    one = client.v1.payment_intents.retrieve(first["intent_id"])
    two = client.v1.payment_intents.retrieve(second["intent_id"])
    assert one.customer == two.customer
    assert str(one.customer).startswith("cus_")


async def test_4_saved_card_is_charged_off_session_and_credited_at_once(world: StripeWorld) -> None:
    user = await world.user(balance_minor=500_000)
    method_id = await world.save_card(user)
    key = str(uuid.uuid4())
    charged = await world.deposit(user, {"amount": "100.00", "payment_method_id": method_id}, key)
    assert charged.status_code == 200, charged.text
    body = charged.json()
    assert body["success"] is True
    assert body["new_balance"] == "5100.00"  # seed: 5000 -> 5100
    assert body["transaction_id"].startswith("ch_")
    assert await world.available(user) == 510_000
    replay = await world.deposit(user, {"amount": "100.00", "payment_method_id": method_id}, key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == body
    # Stripe's own webhook for the same payment comes later: nothing moves twice.
    await world.deliver(body["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 510_000
    assert await world.transfers(user, "deposit") == 2  # the fixture's and this one


async def test_5_webhook_payment_intent_succeeded_credits_stripes_amount(
    world: StripeWorld,
) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    await pay(world, answer)
    assert await world.available(user) == 0
    delivered = await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    assert delivered.json()["outcome"] == "processed"
    assert await world.available(user) == 5_000
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"], h["status"]) for h in history] == [
        ("deposit", 5_000, "completed")
    ]
    assert "deposit_completed" in await audit_actions(world, user)
    completed = await world.db.emitted("DepositCompleted", user_id=user)
    assert [c["amount_minor"] for c in completed] == [5_000]


async def test_6_webhook_signature_is_checked(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    await pay(world, answer)
    event = await world.event_for(answer["intent_id"], "payment_intent.succeeded")
    body, signature = await world.sim_call(world.sim.delivery, event["id"])
    forged = signature.replace("v1=", "v1=0")
    refused = await world.post_raw(body, forged)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "webhook.invalid_signature"
    assert await world.available(user) == 0
    assert (await world.post_raw(body, signature)).status_code == 200
    assert await world.available(user) == 5_000


async def test_7_a_card_paid_with_save_method_is_attached_and_saved(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "25.00", save_method=True)
    await pay(world, answer, "pm_card_mastercard")
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [(m["card_brand"], m["card_last4"], m["is_default"]) for m in listed] == [
        ("mastercard", "4444", True)
    ]
    assert set(listed[0]) >= {"card_exp_month", "card_exp_year", "method_id"}
    # The saved card pays the next deposit off-session.
    again = await world.deposit(
        user, {"amount": "5.00", "payment_method_id": listed[0]["method_id"]}, str(uuid.uuid4())
    )
    assert again.status_code == 200, again.text
    assert again.json()["new_balance"] == "30.00"


# --- replenishBalance: refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0.99", "wallet.deposit_below_minimum"),
        ("100000.01", "wallet.deposit_above_maximum"),
    ],
)
async def test_amount_outside_the_limits_is_refused_before_stripe(
    world: StripeWorld, amount: str, code: str
) -> None:
    user = await world.user()
    refused = await world.deposit(user, {"amount": amount})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == code
    assert (
        await world.db.count("SELECT count(*) FROM wallet.card_deposit WHERE user_id = :u", u=user)
        == 0
    )


@pytest.mark.parametrize("amount", ["-5", "0", "1.001", "abc"])
async def test_malformed_amount_is_a_422(world: StripeWorld, amount: str) -> None:
    refused = await world.deposit(await world.user(), {"amount": amount})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"


async def test_a_raw_stripe_payment_method_is_not_accepted(world: StripeWorld) -> None:
    refused = await world.deposit(
        await world.user(), {"amount": "5.00", "payment_method_id": "pm_card_visa"}
    )
    assert refused.status_code == 422


async def test_declined_new_card_fails_the_deposit_and_moves_nothing(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    declined = await pay(world, answer, "pm_card_chargeDeclined")
    assert declined["error"]["decline_code"] == "generic_decline"
    await world.deliver(answer["intent_id"], "payment_intent.payment_failed")
    row = await world.deposit_row(answer["intent_id"])
    assert (row["status"], row["decline_code"]) == ("failed", "generic_decline")
    assert await world.available(user) == 0
    # The same intent paid with another card afterwards is still credited (once).
    await pay(world, answer, "pm_card_visa")
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 5_000


async def test_declined_saved_card_is_a_402_with_stripes_decline_code(world: StripeWorld) -> None:
    user = await world.user(balance_minor=1_000)
    method_id = await world.save_card(user, "pm_card_visa_chargeDeclinedInsufficientFunds")
    key = str(uuid.uuid4())
    refused = await world.deposit(user, {"amount": "40.00", "payment_method_id": method_id}, key)
    assert refused.status_code == 402, refused.text
    error = refused.json()["error"]
    assert error["code"] == "wallet.card_declined"
    assert error["details"]["decline_code"] == "insufficient_funds"
    assert await world.available(user) == 1_000
    row = await world.deposit_row(error["details"]["intent_id"])
    assert (row["status"], row["decline_code"]) == ("failed", "insufficient_funds")
    assert "deposit_failed" in await audit_actions(world, user)
    replay = await world.deposit(user, {"amount": "40.00", "payment_method_id": method_id}, key)
    assert replay.status_code == 402
    assert replay.headers.get("Idempotent-Replayed") == "true"
    charges = await world.db.count(
        "SELECT count(*) FROM wallet.card_deposit WHERE user_id = :u", u=user
    )
    assert charges == 1


# --- 3-D Secure --------------------------------------------------------------------------------


async def test_3ds_new_card_requires_action_then_webhook_credits(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "75.00")
    challenged = await pay(world, answer, "pm_card_authenticationRequired")
    assert challenged["status"] == "requires_action"
    await world.deliver(answer["intent_id"], "payment_intent.requires_action")
    assert (await world.deposit_row(answer["intent_id"]))["stripe_status"] == "requires_action"
    assert await pending_deposits(world, user) == "75.00"  # waiting for the bank's challenge
    await world.sim_call(world.sim.complete_3ds, answer["intent_id"])
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 7_500
    assert await pending_deposits(world, user) == "0.00"


async def pending_deposits(world: StripeWorld, user: uuid.UUID) -> str:
    balance = (await world.api.get("/api/wallet/balance", user)).json()["balance"]
    return str(balance["pending_deposits"])


async def test_3ds_saved_card_answers_client_secret_and_is_credited_after_the_challenge(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method_id = await world.save_card(user, "pm_card_authenticationRequired")
    needs = await world.deposit(
        user, {"amount": "60.00", "payment_method_id": method_id}, str(uuid.uuid4())
    )
    assert needs.status_code == 200, needs.text
    body = needs.json()
    assert body["action"] == "requires_action"
    assert body["client_secret"].startswith(body["intent_id"] + "_secret_")
    assert (body["publishable_key"], body["stripe_api_base"]) == (
        world.sim.publishable_key,
        world.sim.api_base.rstrip("/"),
    )
    assert await world.available(user) == 0
    # The SPA confirms on-session with the same card; the bank's challenge is passed.
    row = await world.deposit_row(body["intent_id"])
    challenged = await world.sim_call(
        world.sim.confirm_as_stripe_js,
        body["intent_id"],
        body["client_secret"],
        body["payment_method"],
    )
    assert challenged["status"] == "requires_action"
    await world.sim_call(world.sim.complete_3ds, body["intent_id"])
    await world.deliver(body["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 6_000
    assert row["status"] == "pending"
    assert (await world.deposit_row(body["intent_id"]))["status"] == "succeeded"


async def test_failed_3ds_challenge_credits_nothing(world: StripeWorld) -> None:
    user = await world.user()
    intent_id = await failed_3ds_deposit(world, user)
    assert (await world.deposit_row(intent_id))["status"] == "failed"
    assert await world.available(user) == 0


async def test_the_browser_confirms_at_stripe_browser_api_base_and_it_works_there(
    make_settings: Any, app_client: Any, token_issuer: Any, wallet_db: Any, stripe_simulator: Any
) -> None:
    """STRIPE_BROWSER_API_BASE (the simulator as browsers reach it) is what every answer the
    browser confirms carries; the browser's confirm there pays the deposit."""
    sim = stripe_simulator
    sim.set_webhook_url(None)
    browser_base = sim.api_base.rstrip("/").replace("127.0.0.1", "localhost")
    settings = stripe_settings(make_settings, sim, stripe_browser_api_base=browser_base + "/")
    app = create_app(settings)
    async with app_client(app) as http:
        world = StripeWorld(Api(http, token_issuer), wallet_db, sim, app.state)
        user = await world.user()
        answer = await new_card_deposit(world, user, "20.00")
        assert answer["stripe_api_base"] == browser_base
        setup = (await world.api.post(CARDS, user)).json()
        assert (setup["publishable_key"], setup["stripe_api_base"]) == (
            sim.publishable_key,
            browser_base,
        )
        async with httpx.AsyncClient() as browser:
            confirmed = await browser.post(
                f"{answer['stripe_api_base']}/v1/payment_intents/{answer['intent_id']}/confirm",
                data={
                    "key": answer["publishable_key"],
                    "client_secret": answer["client_secret"],
                    "payment_method": "pm_card_visa",
                },
            )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["status"] == "succeeded"
        shown = await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", user)
        assert shown.json()["deposit"]["status"] == "succeeded"


async def test_real_stripe_answers_no_browser_api_base(
    make_settings: Any, app_client: Any, token_issuer: Any, wallet_db: Any, stripe_simulator: Any
) -> None:
    """Stripe.js knows its own API: null when the browser's base is Stripe itself."""
    sim = stripe_simulator
    settings = stripe_settings(make_settings, sim, stripe_browser_api_base="https://api.stripe.com")
    app = create_app(settings)
    async with app_client(app) as http:
        world = StripeWorld(Api(http, token_issuer), wallet_db, sim, app.state)
        answer = await new_card_deposit(world, await world.user(), "20.00")
    assert answer["stripe_api_base"] is None


# --- the client's amount is never trusted -------------------------------------------------------


async def test_an_intent_for_10_cannot_credit_1000(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "10.00")
    await pay(world, answer)
    # Even if our own row were tampered with, the credit is what Stripe received.
    tampered = await world.execute(
        "UPDATE wallet.card_deposit SET amount_minor = 100000 WHERE intent_id = :i",
        i=answer["intent_id"],
    )
    assert tampered == 1
    # A forged event claiming 1000.00 (not signed with our secret) is refused.
    event = await world.event_for(answer["intent_id"], "payment_intent.succeeded")
    body, signature = await world.sim_call(world.sim.delivery, event["id"])
    forged = body.replace(b'"amount_received": 1000', b'"amount_received": 100000')
    assert forged != body
    assert (await world.post_raw(forged, signature)).status_code == 400
    assert await world.available(user) == 0
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 1_000
    assert (await world.deposit_row(answer["intent_id"]))["credited_minor"] == 1_000


# --- Checkout (seed 002 confirmation_url) -------------------------------------------------------


async def test_checkout_answers_confirmation_url_and_credits_once_paid(world: StripeWorld) -> None:
    user = await world.user()
    started = await world.api.post(
        "/api/wallet/deposit/checkout", user, {"amount": "30.00"}, key=str(uuid.uuid4())
    )
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["confirmation_url"].startswith(world.sim.api_base)
    session = await world.sim_call(world.sim.complete_checkout, body["session_id"])
    assert session["payment_status"] == "paid"
    await world.deliver(body["session_id"], "checkout.session.completed")
    assert await world.available(user) == 3_000
    # The PaymentIntent behind it reports success too: credited once.
    await world.deliver(session["payment_intent"], "payment_intent.succeeded")
    assert await world.available(user) == 3_000
    shown = await world.api.get(f"/api/wallet/deposits/{session['payment_intent']}", user)
    assert shown.json()["deposit"]["status"] == "succeeded"


async def test_checkout_returns_the_payer_to_the_apps_done_page_with_the_session_id(
    world: StripeWorld,
) -> None:
    user = await world.user()
    started = await world.api.post(
        "/api/wallet/deposit/checkout", user, {"amount": "12.00"}, key=str(uuid.uuid4())
    )
    body = started.json()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(body["confirmation_url"])
        assert "href='http://127.0.0.1:8000/wallet/deposit/cancelled'" in page.text
        paid = await browser.post(
            f"{body['confirmation_url']}/pay", data={"card": "4242424242424242"}
        )
    assert paid.status_code == 303
    # Stripe's placeholder filled in: the app route polls GET /api/wallet/deposits/{session_id}.
    assert paid.headers["location"] == (
        f"http://127.0.0.1:8000/wallet/deposit/done?session_id={body['session_id']}"
    )


# --- payment methods ---------------------------------------------------------------------------


async def test_payment_methods_add_list_default_delete(world: StripeWorld) -> None:
    user = await world.user()
    visa = await world.save_card(user, "pm_card_visa")
    mastercard = await world.save_card(user, "pm_card_mastercard")
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [(m["method_id"], m["is_default"]) for m in listed] == [
        (visa, True),
        (mastercard, False),
    ]
    assert all("number" not in m and len(m["card_last4"]) == 4 for m in listed)
    made = await world.api.post(f"{CARDS}/{mastercard}/default", user)
    assert made.status_code == 200, made.text
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [(m["method_id"], m["is_default"]) for m in listed] == [
        (mastercard, True),
        (visa, False),
    ]
    deleted = await world.api.delete(f"{CARDS}/{mastercard}", user)
    assert deleted.status_code == 200, deleted.text
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [m["method_id"] for m in listed] == [visa]
    pm = await world.db.count(
        "SELECT count(*) FROM wallet.payment_method "
        "WHERE method_id = :m AND detached_at IS NOT NULL",
        m=uuid.UUID(mastercard),
    )
    assert pm == 1
    gone = await world.deposit(user, {"amount": "5.00", "payment_method_id": mastercard})
    assert gone.status_code == 404


async def test_a_card_added_by_setup_intent_appears_on_recheck_without_webhook(
    world: StripeWorld, make_settings: Any
) -> None:
    user = await world.user()
    started = (await world.api.post(CARDS, user)).json()
    await world.sim_call(
        world.sim.confirm_setup_as_stripe_js,
        started["setup_intent_id"],
        started["client_secret"],
        "pm_card_visa",
    )
    assert (await world.api.get(CARDS, user)).json()["methods"] == []  # a list asks no one
    await world.execute(
        "UPDATE wallet.card_setup SET created_at = now() - interval '5 minutes'"
        " WHERE setup_intent_id = :s",
        s=started["setup_intent_id"],
    )
    await recheck_pending_setups(world.db.engine, stripe_settings(make_settings, world.sim))
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [(m["card_brand"], m["card_last4"]) for m in listed] == [("visa", "4242")]
    await world.deliver(started["setup_intent_id"], "setup_intent.succeeded")  # late webhook
    assert len((await world.api.get(CARDS, user)).json()["methods"]) == 1


async def test_another_users_card_and_deposit_are_not_found(world: StripeWorld) -> None:
    owner, other = await world.user(), await world.user()
    method_id = await world.save_card(owner)
    answer = await new_card_deposit(world, owner, "10.00")
    for response in (
        await world.deposit(other, {"amount": "5.00", "payment_method_id": method_id}),
        await world.api.delete(f"{CARDS}/{method_id}", other),
        await world.api.post(f"{CARDS}/{method_id}/default", other),
        await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", other),
    ):
        assert response.status_code == 404, response.text
    assert len((await world.api.get(CARDS, owner)).json()["methods"]) == 1


# --- reconciliation with Stripe ------------------------------------------------------------------


async def test_reconciliation_settles_old_pending_deposits_and_expires_stale_ones(
    world: StripeWorld, make_settings: Any
) -> None:
    settings = stripe_settings(make_settings, world.sim, deposit_recheck_after_min=1)
    user = await world.user()
    paid = await new_card_deposit(world, user, "20.00")
    await pay(world, paid)
    abandoned = await new_card_deposit(world, user, "30.00")
    fresh = await new_card_deposit(world, user, "40.00")
    await pay(world, fresh)
    # The first two are older than the re-check age, the abandoned one past its expiry.
    aged = await world.execute(
        "UPDATE wallet.card_deposit SET created_at = now() - interval '2 minutes', "
        "expires_at = CASE WHEN intent_id = :a THEN now() - interval '1 second' "
        "ELSE expires_at END WHERE intent_id IN (:p, :a)",
        p=paid["intent_id"],
        a=abandoned["intent_id"],
    )
    assert aged == 2
    await recheck_pending_deposits(world.db.engine, settings)
    await expire_stale_deposits(world.db.engine, settings)
    assert (await world.deposit_row(paid["intent_id"]))["status"] == "succeeded"
    assert (await world.deposit_row(abandoned["intent_id"]))["status"] == "expired"
    assert (await world.deposit_row(fresh["intent_id"]))["status"] == "pending"  # too young
    assert world.stripe().v1.payment_intents.retrieve(abandoned["intent_id"]).status == "canceled"
    assert await world.available(user) == 2_000
    await recheck_pending_deposits(world.db.engine, settings)  # again: nothing moves twice
    assert await world.available(user) == 2_000
    assert timedelta(hours=settings.deposit_expiry_h) == timedelta(hours=24)


async def test_stripe_unreachable_is_a_503_and_the_retry_with_the_same_key_runs(
    world: StripeWorld, make_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    user = await world.user()
    key = str(uuid.uuid4())
    down = stripe_settings(make_settings, world.sim, stripe_api_base="http://127.0.0.1:9")
    async with app_client(create_app(down)) as http:
        refused = await Api(http, token_issuer).post(
            "/api/wallet/deposit", user, {"amount": "10.00"}, key=key
        )
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "wallet.payment_provider_unavailable"
    retried = await world.deposit(user, {"amount": "10.00"}, key=key)
    assert retried.status_code == 200, retried.text
    assert retried.json()["action"] == "requires_payment_form"


def test_production_refuses_the_simulators_stripe_keys() -> None:
    dev = Settings()
    assert {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"} <= set(dev.weak_secrets())
    real = Settings(
        # Any keys but the simulator's dev defaults (made up per run: no key in the repo).
        STRIPE_SECRET_KEY=f"sk_test_{secrets.token_hex(12)}",
        STRIPE_WEBHOOK_SECRET=f"whsec_{secrets.token_hex(12)}",
    )
    assert not {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"} & set(real.weak_secrets())
    assert Settings(STRIPE_API_BASE="").stripe_api_base is None  # empty: api.stripe.com


# --- DepositFailed (issue 25, item 2) and intents Stripe forgot (item 3) --------------------------


async def deposit_failed(world: StripeWorld, user: uuid.UUID) -> list[dict[str, Any]]:
    return await world.db.emitted("DepositFailed", user_id=user)


async def test_a_declined_new_card_emits_deposit_failed_once(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "50.00")
    await pay(world, answer, "pm_card_chargeDeclined")
    await world.deliver(answer["intent_id"], "payment_intent.payment_failed")
    await pay(world, answer, "pm_card_chargeDeclined")  # a second card declined: still one
    await world.deliver(answer["intent_id"], "payment_intent.payment_failed")
    await world.api.get(f"/api/wallet/deposits/{answer['intent_id']}", user)  # the re-check
    row = await world.deposit_row(answer["intent_id"])
    assert await deposit_failed(world, user) == [
        {
            "operation_id": str(row["operation_id"]),
            "user_id": str(user),
            "amount_minor": 5_000,
            "currency": "USD",
            "reason": "generic_decline",
        }
    ]


async def test_a_declined_saved_card_emits_deposit_failed_once(world: StripeWorld) -> None:
    user = await world.user()
    method_id = await world.save_card(user, "pm_card_visa_chargeDeclinedInsufficientFunds")
    key = str(uuid.uuid4())
    refused = await world.deposit(user, {"amount": "40.00", "payment_method_id": method_id}, key)
    assert refused.status_code == 402, refused.text
    intent_id = refused.json()["error"]["details"]["intent_id"]
    await world.deliver(intent_id, "payment_intent.payment_failed")  # the webhook after it
    failed = await deposit_failed(world, user)
    assert [(f["amount_minor"], f["reason"]) for f in failed] == [(4_000, "insufficient_funds")]


async def test_a_failed_3ds_challenge_emits_deposit_failed(world: StripeWorld) -> None:
    user = await world.user()
    await failed_3ds_deposit(world, user)
    failed = await deposit_failed(world, user)
    assert [f["reason"] for f in failed] == ["payment_intent_authentication_failure"]


async def test_an_expired_deposit_emits_deposit_failed_once(
    world: StripeWorld, make_settings: Any
) -> None:
    settings = stripe_settings(make_settings, world.sim)
    user = await world.user()
    abandoned = await new_card_deposit(world, user, "30.00")
    await world.execute(
        "UPDATE wallet.card_deposit SET expires_at = now() - interval '1 second' "
        "WHERE intent_id = :a",
        a=abandoned["intent_id"],
    )
    await expire_stale_deposits(world.db.engine, settings)
    await expire_stale_deposits(world.db.engine, settings)
    await world.deliver(abandoned["intent_id"], "payment_intent.canceled")
    assert (await world.deposit_row(abandoned["intent_id"]))["status"] == "expired"
    failed = await deposit_failed(world, user)
    assert [(f["amount_minor"], f["reason"]) for f in failed] == [(3_000, "expired")]


async def test_a_paid_deposit_emits_no_deposit_failed(world: StripeWorld) -> None:
    user = await world.user()
    answer = await new_card_deposit(world, user, "20.00")
    await pay(world, answer)
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    assert await world.available(user) == 2_000
    assert await deposit_failed(world, user) == []


@pytest.mark.parametrize("job", ["recheck", "expire"])
async def test_an_intent_stripe_no_longer_knows_is_expired_once_and_left_alone(
    world: StripeWorld, make_settings: Any, job: str
) -> None:
    settings = stripe_settings(make_settings, world.sim, deposit_recheck_after_min=1)
    user = await world.user()
    lost = await new_card_deposit(world, user, "25.00")
    await world.sim_call(world.sim.forget, lost["intent_id"])  # Stripe now answers 404
    await world.execute(
        "UPDATE wallet.card_deposit SET created_at = now() - interval '2 minutes', "
        "expires_at = CASE WHEN :expire THEN now() - interval '1 second' ELSE expires_at END "
        "WHERE intent_id = :i",
        i=lost["intent_id"],
        expire=job == "expire",
    )
    run = recheck_pending_deposits if job == "recheck" else expire_stale_deposits
    with structlog.testing.capture_logs() as logs:
        assert await run(world.db.engine, settings) == 0
        assert await run(world.db.engine, settings) == 0  # a second pass: nothing to ask
    assert not [entry for entry in logs if entry["log_level"] == "error"], logs
    row = await world.deposit_row(lost["intent_id"])
    assert (row["status"], row["stripe_status"]) == ("expired", "missing")
    assert (await audit_actions(world, user)).count("deposit_failed") == 1
    failed = await deposit_failed(world, user)
    assert [(f["amount_minor"], f["reason"]) for f in failed] == [(2_500, "provider_missing")]
    assert await world.available(user) == 0
    shown = await world.api.get(f"/api/wallet/deposits/{lost['intent_id']}", user)
    assert shown.json()["deposit"]["status"] == "expired"  # the poll no longer asks Stripe


async def test_a_poll_on_an_intent_stripe_forgot_expires_it_instead_of_failing(
    world: StripeWorld,
) -> None:
    user = await world.user()
    lost = await new_card_deposit(world, user, "25.00")
    await world.sim_call(world.sim.forget, lost["intent_id"])
    shown = await world.api.get(f"/api/wallet/deposits/{lost['intent_id']}", user)
    assert shown.status_code == 200, shown.text
    assert shown.json()["deposit"]["status"] == "expired"
    assert len(await deposit_failed(world, user)) == 1
