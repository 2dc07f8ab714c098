"""Packages bought by card through the existing deposit flow (issue 22), against the Stripe
simulator with signed webhooks: units only once the payment is confirmed, exactly once however
often the webhook comes; a saved card; a deposit eaten by a debt fails the order and keeps the
money; an unpaid card payment fails the order (the packages' job)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from services.wallet.tests.support.ledger import Api
from services.wallet.tests.support.stripe_deposits import StripeWorld, stripe_settings

from wallet.entrypoints.api.app import create_app
from wallet.service_layer.package_jobs import fail_unpaid_card_orders

PACKAGES = "/api/wallet/packages"


@pytest.fixture
async def world(
    make_settings: Any, app_client: Any, wallet_db: Any, token_issuer: Any, stripe_simulator: Any
) -> AsyncIterator[StripeWorld]:
    stripe_simulator.set_webhook_url(None)  # the test delivers events itself, in its own order
    app = create_app(stripe_settings(make_settings, stripe_simulator))
    async with app_client(app) as http:
        yield StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, app.state)


async def new_package(world: StripeWorld, price: str = "12.50", units: int = 10) -> str:
    body = {"name": "Tips by card", "units": units, "price": price, "validity_days": 30}
    created = await world.api.admin_post("/api/wallet/admin/packages", body)
    assert created.status_code == 201, created.text
    return str(created.json()["package"]["id"])


async def buy_by_card(
    world: StripeWorld, user: uuid.UUID, package_id: str, **body: Any
) -> dict[str, Any]:
    answer = await world.api.post(
        f"{PACKAGES}/{package_id}/buy", user, {"method": "card", **body}, key=str(uuid.uuid4())
    )
    assert answer.status_code in (200, 201), answer.text
    found: dict[str, Any] = answer.json()
    return found


async def paid_checkout(world: StripeWorld, user: uuid.UUID, package_id: str) -> dict[str, Any]:
    """A card order whose Checkout the user paid on Stripe's page; no webhook delivered yet."""
    started = await buy_by_card(world, user, package_id)
    assert started["action"] == "redirect"
    assert started["confirmation_url"].startswith(world.sim.api_base)
    session = await world.sim_call(world.sim.complete_checkout, started["session_id"])
    assert session["payment_status"] == "paid"
    return {**started, "payment_intent": session["payment_intent"]}


async def purchases(world: StripeWorld, user: uuid.UUID) -> int:
    return await world.db.count(
        "SELECT count(*) FROM wallet.package_purchase WHERE user_id = :u", u=user
    )


async def orders(world: StripeWorld, user: uuid.UUID) -> list[dict[str, Any]]:
    listed = await world.api.get(f"{PACKAGES}/orders", user)
    assert listed.status_code == 200, listed.text
    found: list[dict[str, Any]] = listed.json()["orders"]
    return found


async def test_a_checkout_order_credits_the_units_once_the_webhook_confirms_it(
    world: StripeWorld,
) -> None:
    package = await new_package(world)
    user = await world.user()
    started = await paid_checkout(world, user, package)

    # Paid at Stripe but not confirmed to us yet: no units, the order pending, no money.
    assert started["order"]["status"] == "pending"
    assert started["order"]["method"] == "card"
    assert started["order"]["amount"] == "12.50"
    assert await purchases(world, user) == 0
    assert await world.available(user) == 0

    await world.deliver(started["session_id"], "checkout.session.completed")

    assert await purchases(world, user) == 1
    assert await world.available(user) == 0  # +12.50 by card, -12.50 for the package
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"]) for h in history] == [
        ("deposit", 1_250),
        ("package_purchase", -1_250),
    ]
    assert await world.transfers(user, "package_purchase") == 1
    [order] = await orders(world, user)
    assert (order["status"], order["operation_id"]) == ("paid", started["operation_id"])
    assert order["paid_at"] is not None
    mine = (await world.api.get(f"{PACKAGES}/mine", user)).json()
    assert [p["units_left"] for p in mine["purchases"]] == [10]
    assert len(await world.db.emitted("PackagePurchased", user_id=user)) == 1


async def test_a_webhook_delivered_twice_still_buys_once(world: StripeWorld) -> None:
    package = await new_package(world)
    user = await world.user()
    started = await paid_checkout(world, user, package)

    await world.deliver(started["session_id"], "checkout.session.completed")
    await world.deliver(started["session_id"], "checkout.session.completed")
    # The PaymentIntent behind the Checkout reports success too: nothing moves again.
    await world.deliver(started["payment_intent"], "payment_intent.succeeded")

    assert await purchases(world, user) == 1
    assert await world.transfers(user, "deposit") == 1
    assert await world.transfers(user, "package_purchase") == 1
    assert await world.available(user) == 0
    assert [o["status"] for o in await orders(world, user)] == ["paid"]
    assert len(await world.db.emitted("PackagePurchased", user_id=user)) == 1


async def test_a_saved_card_buys_the_package_at_once(world: StripeWorld) -> None:
    package = await new_package(world, price="7.00", units=3)
    user = await world.user(balance_minor=100)
    method_id = await world.save_card(user)

    answer = await buy_by_card(world, user, package, payment_method_id=method_id)

    assert answer["order"]["status"] == "paid", answer
    assert answer["new_balance"] == "1.00"  # 1.00 + 7.00 by card - 7.00 for the package
    assert await purchases(world, user) == 1
    intent = await world.db.count(
        "SELECT count(*) FROM wallet.card_deposit WHERE user_id = :u AND amount_minor = 700",
        u=user,
    )
    assert intent == 1
    # Stripe's own webhook for the same payment comes later: nothing moves twice.
    await world.deliver(await intent_of(world, user), "payment_intent.succeeded")
    assert await purchases(world, user) == 1
    assert await world.available(user) == 100


async def intent_of(world: StripeWorld, user: uuid.UUID) -> str:
    async with world.db.engine.connect() as conn:
        found = await conn.exec_driver_sql(
            "SELECT intent_id FROM wallet.card_deposit WHERE user_id = $1", (user,)
        )
        return str(found.scalar_one())


async def test_a_deposit_eaten_by_a_debt_fails_the_order_and_keeps_the_money(
    world: StripeWorld,
) -> None:
    package = await new_package(world, price="12.50")
    user = await world.user()
    # A 20.00 card deposit spent, then disputed: the chargeback leaves a 20.00 debt.
    first = await world.deposit(user, {"amount": "20.00"}, key=str(uuid.uuid4()))
    paid = await world.sim_call(
        world.sim.confirm_as_stripe_js,
        first.json()["intent_id"],
        first.json()["client_secret"],
        "pm_card_visa",
    )
    assert paid["status"] == "succeeded"
    await world.deliver(first.json()["intent_id"], "payment_intent.succeeded")
    spend = await new_package(world, price="20.00")
    spent = await world.api.post(f"{PACKAGES}/{spend}/buy", user, {"method": "balance"})
    assert spent.status_code == 201, spent.text
    charge = str(
        world.stripe().v1.payment_intents.retrieve(first.json()["intent_id"]).latest_charge
    )
    opened = await world.sim_call(world.sim.create_dispute, charge)
    await world.deliver(opened["id"], "charge.dispute.created")
    assert await world.available(user) == -2_000

    started = await paid_checkout(world, user, package)
    await world.deliver(started["session_id"], "checkout.session.completed")

    # The 12.50 came in and stays on the balance (paying the debt down); no units for it.
    assert await world.available(user) == -750
    assert await purchases(world, user) == 1  # the 20.00 package bought before the dispute
    card_order = [o for o in await orders(world, user) if o["method"] == "card"]
    assert [(o["status"], o["failure_reason"]) for o in card_order] == [
        ("failed", "insufficient_funds")
    ]
    assert await world.transfers(user, "package_purchase") == 1


async def test_an_unpaid_card_payment_fails_the_order(world: StripeWorld) -> None:
    package = await new_package(world)
    user = await world.user()
    started = await buy_by_card(world, user, package)
    # The Checkout expired unpaid (as the deposit flow's expiry job marks it).
    await world.execute(
        "UPDATE wallet.card_deposit SET status = 'expired' WHERE operation_id = :o",
        o=uuid.UUID(started["operation_id"]),
    )

    await fail_unpaid_card_orders(world.db.engine)
    await fail_unpaid_card_orders(world.db.engine)

    [order] = await orders(world, user)
    assert (order["status"], order["failure_reason"]) == ("failed", "card_payment_expired")
    assert await purchases(world, user) == 0
    assert await world.available(user) == 0
    assert (
        await world.db.count(
            "SELECT count(*) FROM wallet.audit_log WHERE user_id = :u"
            " AND action = 'package_order_failed'",
            u=user,
        )
        == 1
    )


async def test_a_card_purchase_of_an_inactive_package_starts_no_payment(
    world: StripeWorld,
) -> None:
    package = await new_package(world)
    off = await world.api.admin_post(
        f"/api/wallet/admin/packages/{package}/active", {"active": False}
    )
    assert off.status_code == 200, off.text
    user = await world.user()

    refused = await world.api.post(f"{PACKAGES}/{package}/buy", user, {"method": "card"})

    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "package.inactive"
    assert (
        await world.db.count("SELECT count(*) FROM wallet.card_deposit WHERE user_id = :u", u=user)
        == 0
    )
    assert await orders(world, user) == []
