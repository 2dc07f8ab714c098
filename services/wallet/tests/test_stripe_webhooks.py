"""The Stripe webhook (issue 8): signature and timestamp, each event once (sequential and
concurrent redeliveries), the webhook racing the deposit request and the re-check, refunds and
disputes (account flagged, withdrawals refused, debts). Every test ends with the wallet's ledger
reconciliation (conftest)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from prometheus_client import REGISTRY
from services.wallet.tests.support.ledger import WITHDRAW, Api, add_method
from services.wallet.tests.support.migrations import alembic
from services.wallet.tests.support.stripe_deposits import StripeWorld, stripe_settings

from common.testing.database import TestDatabase
from wallet.adapters.stripe_payments import StripePayments
from wallet.domain.audit import ClientInfo
from wallet.entrypoints.api.app import create_app
from wallet.service_layer.deposits import start as card_deposits
from wallet.service_layer.deposits.start import DepositLimits, DepositStart
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings


@pytest.fixture
async def settings(make_settings: Any, stripe_simulator: Any) -> Settings:
    return stripe_settings(make_settings, stripe_simulator)


@pytest.fixture
async def world(
    settings: Settings, app_client: Any, wallet_db: Any, token_issuer: Any, stripe_simulator: Any
) -> AsyncIterator[StripeWorld]:
    stripe_simulator.set_webhook_url(None)  # the test delivers events itself, in its own order
    app = create_app(settings)
    async with app_client(app) as http:
        yield StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, app.state)


def sign(body: bytes, secret: str, at: int | None = None) -> str:
    """A ``Stripe-Signature`` header as Stripe computes it."""
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


async def paid_intent(world: StripeWorld, user: uuid.UUID, amount: str = "50.00") -> str:
    """A new-card deposit the user has paid with Stripe.js; its webhook not delivered yet."""
    started = await world.deposit(user, {"amount": amount}, key=str(uuid.uuid4()))
    assert started.status_code == 200, started.text
    answer = started.json()
    paid = await world.sim_call(
        world.sim.confirm_as_stripe_js, answer["intent_id"], answer["client_secret"], "pm_card_visa"
    )
    assert paid["status"] == "succeeded"
    return str(answer["intent_id"])


async def succeeded_webhook(world: StripeWorld, user: uuid.UUID) -> tuple[str, bytes, str]:
    """A paid intent (``paid_intent``) and its payment_intent.succeeded webhook as Stripe would
    send it, not sent yet: (intent id, body, signature)."""
    intent_id = await paid_intent(world, user)
    event = await world.event_for(intent_id, "payment_intent.succeeded")
    body, signature = await world.sim_call(world.sim.delivery, event["id"])
    return intent_id, body, signature


async def credited_intent(world: StripeWorld, user: uuid.UUID, amount: str = "50.00") -> str:
    intent_id = await paid_intent(world, user, amount)
    await world.deliver(intent_id, "payment_intent.succeeded")
    return intent_id


async def events_stored(world: StripeWorld) -> int:
    return await world.db.count("SELECT count(*) FROM wallet.stripe_event")


# --- signature and timestamp ---------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["missing", "wrong_secret", "stale", "tampered", "garbage"])
async def test_a_badly_signed_webhook_is_a_400_and_moves_no_money(
    world: StripeWorld, problem: str
) -> None:
    user = await world.user()
    _, body, good = await succeeded_webhook(world, user)
    secret = world.sim.webhook_secret
    signature: str | None = {
        "missing": None,
        "wrong_secret": sign(body, "whsec_someone_else"),
        "stale": sign(body, secret, int(time.time()) - 301),  # tolerance is 300 s
        "tampered": good,
        "garbage": "t=abc,v1=xyz",
    }[problem]
    if problem == "tampered":
        body = body.replace(b'"amount": 5000', b'"amount": 500000')
    before = await events_stored(world)
    refused = await world.post_raw(body, signature)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "webhook.invalid_signature"
    assert await world.available(user) == 0
    assert await events_stored(world) == before


async def test_a_signature_within_the_tolerance_is_accepted(world: StripeWorld) -> None:
    user = await world.user()
    _, body, _ = await succeeded_webhook(world, user)
    accepted = await world.post_raw(
        body, sign(body, world.sim.webhook_secret, int(time.time()) - 200)
    )
    assert accepted.status_code == 200
    assert await world.available(user) == 5_000


async def test_an_unknown_event_type_is_acknowledged(world: StripeWorld) -> None:
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "customer.tax_id.created",
            "data": {"object": {"id": "txi_1", "object": "tax_id"}},
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2026-10-28.endive",
        }
    ).encode()
    answer = await world.post_raw(body, sign(body, world.sim.webhook_secret))
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored"


# --- each event once ---------------------------------------------------------------------------


async def test_the_same_webhook_five_times_in_a_row_credits_once(world: StripeWorld) -> None:
    user = await world.user()
    intent_id = await paid_intent(world, user)
    event = await world.event_for(intent_id, "payment_intent.succeeded")
    outcomes = [(await world.post_event(event["id"])).json()["outcome"] for _ in range(5)]
    assert outcomes == ["processed"] + ["duplicate"] * 4
    assert await world.available(user) == 5_000
    assert await world.transfers(user, "deposit") == 1
    assert len(await world.db.emitted("DepositCompleted", user_id=user)) == 1


async def test_the_same_webhook_five_times_at_once_credits_once(world: StripeWorld) -> None:
    user = await world.user()
    _, body, signature = await succeeded_webhook(world, user)
    answers = await asyncio.gather(*(world.post_raw(body, signature) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert sorted(a.json()["outcome"] for a in answers) == ["duplicate"] * 4 + ["processed"]
    assert await world.available(user) == 5_000
    assert await world.transfers(user, "deposit") == 1


async def test_two_events_of_one_payment_credit_once(world: StripeWorld) -> None:
    """Stripe may send payment_intent.succeeded twice under different event ids (e.g. a
    redelivery after an account migration), and the re-check may come in between."""
    user = await world.user()
    intent_id, body, _ = await succeeded_webhook(world, user)
    copy = json.loads(body)
    copy["id"] = f"evt_{uuid.uuid4().hex}"
    copied = json.dumps(copy).encode()
    await world.post_raw(body, sign(body, world.sim.webhook_secret))
    await world.api.get(f"/api/wallet/deposits/{intent_id}", user)
    again = await world.post_raw(copied, sign(copied, world.sim.webhook_secret))
    assert again.json()["outcome"] == "processed"
    assert await world.available(user) == 5_000


async def test_recheck_and_webhook_racing_credit_once(world: StripeWorld) -> None:
    user = await world.user()
    intent_id, body, signature = await succeeded_webhook(world, user)
    answers = await asyncio.gather(
        world.api.get(f"/api/wallet/deposits/{intent_id}", user),
        world.post_raw(body, signature),
        world.api.get(f"/api/wallet/deposits/{intent_id}", user),
        world.post_raw(body, signature),
    )
    assert [a.status_code for a in answers] == [200] * 4
    assert await world.available(user) == 5_000
    assert await world.transfers(user, "deposit") == 1
    shown = (await world.api.get(f"/api/wallet/deposits/{intent_id}", user)).json()["deposit"]
    assert (shown["status"], shown["credited_amount"]) == ("succeeded", "50.00")


# --- the webhook before the deposit request's transaction committed --------------------------


@pytest.mark.parametrize("request_outcome", ["commits", "rolls_back"])
async def test_webhook_arriving_before_the_request_committed_credits_once(
    world: StripeWorld, settings: Settings, request_outcome: str
) -> None:
    """The request's transaction has created the PaymentIntent and holds its uncommitted row
    when Stripe's webhook comes: the webhook waits for it, then credits — once. If the request
    dies instead, the webhook creates the deposit from the intent's metadata and credits it."""
    user = await world.user()
    provider = StripePayments(settings)
    limits = DepositLimits(100, 10_000_000, timedelta(hours=24))
    try:
        request = world.db.sessionmaker.begin()
        session = await request.__aenter__()
        form = await card_deposits.start_card_deposit(
            WalletUnitOfWork.joining(session),
            provider,
            DepositStart(user, uuid.uuid4(), 4_200, limits, ClientInfo()),
            save_method=False,
        )
        intent_id = str(form.deposit.intent_id)
        await world.sim_call(
            world.sim.confirm_as_stripe_js, intent_id, form.client_secret, "pm_card_visa"
        )
        event = await world.event_for(intent_id, "payment_intent.succeeded")
        webhook = asyncio.create_task(world.post_event(event["id"]))
        await asyncio.sleep(0.3)
        assert not webhook.done(), "the webhook should wait for the request's row"
        if request_outcome == "commits":
            await request.__aexit__(None, None, None)
        else:
            await request.__aexit__(RuntimeError, RuntimeError("request died"), None)
        answer = await asyncio.wait_for(webhook, 10)
    finally:
        await provider.close()
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "processed"
    assert await world.available(user) == 4_200
    assert (await world.post_event(event["id"])).json()["outcome"] == "duplicate"
    shown = await world.api.get(f"/api/wallet/deposits/{intent_id}", user)
    assert shown.json()["deposit"]["status"] == "succeeded"
    assert await world.transfers(user, "deposit") == 1


# --- refunds -----------------------------------------------------------------------------------


async def test_a_refund_after_the_credit_debits_the_refunded_amount_once(
    world: StripeWorld,
) -> None:
    user = await world.user()
    intent_id = await credited_intent(world, user, "50.00")
    stripe = world.stripe()
    stripe.v1.refunds.create({"payment_intent": intent_id, "amount": 1_500})
    charge = str(stripe.v1.payment_intents.retrieve(intent_id).latest_charge)
    first = await world.event_for(charge, "charge.refunded")
    await world.post_event(first["id"])
    await world.post_event(first["id"])
    assert await world.available(user) == 3_500
    stripe.v1.refunds.create({"payment_intent": intent_id})  # the rest
    refunds = await world.events_for(charge, "charge.refunded")
    assert len(refunds) == 2
    # Delivered newest first, then the older one again: each refunded cent moves once.
    await world.post_event(refunds[1]["id"])
    await world.post_event(refunds[0]["id"])
    assert await world.available(user) == 0
    assert await world.transfers(user, "card_refund") == 2
    row = await world.deposit_row(intent_id)
    assert row["refunded_minor"] == 5_000
    history = await world.db.history(user)
    assert [h["amount_minor"] for h in history] == [5_000, -1_500, -3_500]


async def test_a_refund_of_money_already_spent_leaves_a_debt(world: StripeWorld) -> None:
    user = await world.user()
    intent_id = await credited_intent(world, user, "50.00")
    method = await add_method(world.api, user)
    withdrawn = await world.api.post(
        WITHDRAW, user, {"amount": "40.00", "withdrawal_method_id": method}
    )
    assert withdrawn.status_code == 201, withdrawn.text
    world.stripe().v1.refunds.create({"payment_intent": intent_id})
    await world.deliver(
        str(world.stripe().v1.payment_intents.retrieve(intent_id).latest_charge), "charge.refunded"
    )
    assert await world.available(user) == -4_000
    refused = await world.api.post(
        WITHDRAW, user, {"amount": "10.00", "withdrawal_method_id": method}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "wallet.in_debt"
    balance = (await world.api.get("/api/wallet/balance", user)).json()["balance"]
    assert balance["available_balance"] == "-40.00"


# --- disputes ----------------------------------------------------------------------------------


async def dispute(world: StripeWorld, intent_id: str) -> dict[str, Any]:
    charge = str(world.stripe().v1.payment_intents.retrieve(intent_id).latest_charge)
    opened: dict[str, Any] = await world.sim_call(world.sim.create_dispute, charge)
    await world.deliver(opened["id"], "charge.dispute.created")
    return opened


async def test_a_dispute_flags_the_account_and_refuses_withdrawals_until_won(
    world: StripeWorld,
) -> None:
    user = await world.user(balance_minor=10_000)
    method = await add_method(world.api, user)
    intent_id = await credited_intent(world, user, "50.00")
    opened = await dispute(world, intent_id)
    assert await world.available(user) == 10_000  # the disputed 50.00 taken back at once
    assert await world.transfers(user, "chargeback") == 1
    refused = await world.api.post(
        WITHDRAW, user, {"amount": "20.00", "withdrawal_method_id": method}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "wallet.account_flagged"
    await world.deliver(opened["id"], "charge.dispute.created")  # redelivered: nothing twice
    assert await world.available(user) == 10_000
    await world.sim_call(world.sim.close_dispute, opened["id"], "won")
    await world.deliver(opened["id"], "charge.dispute.closed")
    assert await world.available(user) == 15_000
    allowed = await world.api.post(
        WITHDRAW, user, {"amount": "20.00", "withdrawal_method_id": method}
    )
    assert allowed.status_code == 201, allowed.text
    flags = await world.db.count(
        "SELECT count(*) FROM wallet.card_dispute WHERE user_id = :u AND status = 'won'", u=user
    )
    assert flags == 1


async def test_a_lost_dispute_on_spent_money_leaves_a_debt_that_blocks_withdrawals(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method = await add_method(world.api, user)
    intent_id = await credited_intent(world, user, "50.00")
    withdrawn = await world.api.post(
        WITHDRAW, user, {"amount": "50.00", "withdrawal_method_id": method}
    )
    assert withdrawn.status_code == 201
    opened = await dispute(world, intent_id)
    assert await world.available(user) == -5_000  # a house correction: the only way below zero
    await world.sim_call(world.sim.close_dispute, opened["id"], "lost")
    await world.deliver(opened["id"], "charge.dispute.closed")
    assert await world.available(user) == -5_000
    refused = await world.api.post(
        WITHDRAW, user, {"amount": "10.00", "withdrawal_method_id": method}
    )
    assert refused.json()["error"]["code"] == "wallet.in_debt"
    # A deposit covers the debt; withdrawals open again.
    await credited_intent(world, user, "60.00")
    assert await world.available(user) == 1_000
    allowed = await world.api.post(
        WITHDRAW, user, {"amount": "10.00", "withdrawal_method_id": method}
    )
    assert allowed.status_code == 201, allowed.text


async def test_a_dispute_closed_event_first_still_opens_it_once(world: StripeWorld) -> None:
    user = await world.user(balance_minor=10_000)
    intent_id = await credited_intent(world, user, "50.00")
    charge = str(world.stripe().v1.payment_intents.retrieve(intent_id).latest_charge)
    opened = await world.sim_call(world.sim.create_dispute, charge)
    await world.sim_call(world.sim.close_dispute, opened["id"], "lost")
    await world.deliver(opened["id"], "charge.dispute.closed")
    await world.deliver(opened["id"], "charge.dispute.created")
    assert await world.available(user) == 10_000
    assert await world.transfers(user, "chargeback") == 1


# --- migration 0004 ----------------------------------------------------------------------------


async def test_migration_0004_upgrades_downgrades_and_keeps_card_rules(
    scratch: TestDatabase,
) -> None:
    await alembic(scratch, "upgrade", "0004")
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        user = uuid.uuid4()
        await conn.execute(
            "INSERT INTO wallet.wallet (user_id, currency, status) VALUES ($1, 'USD', 'active')",
            user,
        )
        card = """INSERT INTO wallet.payment_method (method_id, user_id,
            stripe_payment_method_id, payment_type, card_last4, is_default)
            VALUES ($1, $2, $3, 'card', $4, $5)"""
        await conn.execute(card, uuid.uuid4(), user, "pm_1", "4242", True)
        with pytest.raises(asyncpg.UniqueViolationError):  # one default card per user
            await conn.execute(card, uuid.uuid4(), user, "pm_2", "4444", True)
        with pytest.raises(asyncpg.CheckViolationError):  # never more than last4
            await conn.execute(card, uuid.uuid4(), user, "pm_3", "4242424242424242", False)
        with pytest.raises(asyncpg.CheckViolationError):  # succeeded needs its credit
            await conn.execute(
                """INSERT INTO wallet.card_deposit (operation_id, user_id, kind, amount_minor,
                currency, status, expires_at) VALUES ($1, $2, 'new_card', 100, 'USD',
                'succeeded', now())""",
                uuid.uuid4(),
                user,
            )
    finally:
        await conn.close()
    await alembic(scratch, "downgrade", "0003")
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        left = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'wallet' "
            "AND table_name IN ('card_deposit', 'payment_method', 'stripe_event')"
        )
    finally:
        await conn.close()
    assert left == 0
    await alembic(scratch, "upgrade", "0004")


# --- webhooks pushed by the simulator over HTTP, as Stripe pushes them --------------------------


async def test_webhooks_pushed_over_http_credit_a_deposit(
    settings: Settings, wallet_db: Any, token_issuer: Any, stripe_simulator: Any
) -> None:
    """The wallet served by uvicorn on a real port; the simulator signs and POSTs the events."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(stripe_simulator.set_webhook_url, f"{base}/api/webhook/stripe")
        async with httpx.AsyncClient(base_url=base) as http:
            world = StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, None)
            user = await world.user()
            started = (await world.deposit(user, {"amount": "12.34"})).json()
            await world.sim_call(
                stripe_simulator.confirm_as_stripe_js,
                started["intent_id"],
                started["client_secret"],
                "pm_card_visa",
            )
            event = await world.event_for(started["intent_id"], "payment_intent.succeeded")
            await world.sim_call(stripe_simulator.wait_delivered, event["id"])
            assert await world.available(user) == 1_234
    finally:
        await asyncio.to_thread(stripe_simulator.set_webhook_url, None)
        server.should_exit = True
        await serving


# --- money moved (metrics) ---------------------------------------------------------------------


def card_money_moved() -> dict[str, tuple[int, int]]:
    """{kind: (minor units, movements)} of the card kinds, as the registry has them now."""
    values = {}
    for kind in ("card_refund", "chargeback", "chargeback_reversal"):
        labels = {"kind": kind}
        minor = REGISTRY.get_sample_value("looseline_wallet_money_moved_minor_total", labels)
        count = REGISTRY.get_sample_value("looseline_wallet_money_movements_total", labels)
        values[kind] = (int(minor or 0), int(count or 0))
    return values


async def test_refunds_and_chargebacks_are_counted_once_each_despite_redeliveries(
    world: StripeWorld,
) -> None:
    user = await world.user()
    refunded = await credited_intent(world, user, "30.00")
    disputed = await credited_intent(world, user, "20.00")
    before = card_money_moved()

    world.stripe().v1.refunds.create({"payment_intent": refunded, "amount": 1_000})
    charge = str(world.stripe().v1.payment_intents.retrieve(refunded).latest_charge)
    event = await world.event_for(charge, "charge.refunded")
    await world.post_event(event["id"])
    await world.post_event(event["id"])  # redelivered: counted once
    opened = await dispute(world, disputed)
    await world.deliver(opened["id"], "charge.dispute.created")
    await world.sim_call(world.sim.close_dispute, opened["id"], "won")
    await world.deliver(opened["id"], "charge.dispute.closed")
    await world.deliver(opened["id"], "charge.dispute.closed")

    after = card_money_moved()
    moved = {
        kind: (after[kind][0] - before[kind][0], after[kind][1] - before[kind][1]) for kind in after
    }
    assert moved == {
        "card_refund": (1_000, 1),
        "chargeback": (2_000, 1),
        "chargeback_reversal": (2_000, 1),
    }
    assert await world.available(user) == 4_000  # 50.00 in, 10.00 refunded, dispute won
