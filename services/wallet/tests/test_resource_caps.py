"""Per-user caps on work one user can make the wallet do (issue 20): Stripe calls and reports.

- at most ``WALLET_CARD_SETUPS_PENDING_MAX`` unfinished SetupIntents, and listing the cards asks
  Stripe nothing (a lost webhook is made up for by the periodic job, once per interval);
- at most ``WALLET_CARD_DEPOSITS_PENDING_MAX`` unpaid card deposits;
- ``GET /deposits/{intent_id}`` asks Stripe at most once per ``WALLET_DEPOSIT_STATUS_RECHECK_S``;
- at most ``WALLET_REPORTS_IN_PROGRESS_MAX`` reports waiting or being generated.

Refusals are 429 with ``Retry-After`` and a stable code. The Stripe simulator answers over HTTP;
the app's payment provider is wrapped to count the calls it makes.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet
from services.wallet.tests.support.stripe_deposits import StripeWorld, stripe_settings

from wallet.adapters.report_storage import FilesystemStorage
from wallet.adapters.stripe_payments import StripePayments
from wallet.entrypoints.api.app import create_app
from wallet.service_layer import reports
from wallet.service_layer.stripe_jobs import recheck_pending_setups
from wallet.settings import Settings

CARDS = "/api/wallet/payment-methods"
EXPORT = "/api/wallet/export"


class CountingProvider:
    """The real Stripe adapter, counting each call the app makes through it."""

    def __init__(self, inner: StripePayments) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.inner, name)
        if not inspect.iscoroutinefunction(found) or name == "close":
            return found

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return await found(*args, **kwargs)

        return counted


@pytest.fixture
async def settings(make_settings: Any, stripe_simulator: Any) -> Settings:
    return stripe_settings(make_settings, stripe_simulator)


@pytest.fixture
async def counted(settings: Settings) -> AsyncIterator[CountingProvider]:
    provider = CountingProvider(StripePayments(settings))
    try:
        yield provider
    finally:
        await provider.inner.close()


@pytest.fixture
async def world(
    settings: Settings,
    counted: CountingProvider,
    app_client: Any,
    wallet_db: Any,
    token_issuer: Any,
    stripe_simulator: Any,
) -> AsyncIterator[StripeWorld]:
    stripe_simulator.set_webhook_url(None)  # the test delivers events itself
    app = create_app(settings)
    app.state.payment_provider = counted
    async with app_client(app) as http:
        yield StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, app.state)


def refused(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["error"]["code"] == code
    assert int(answer.headers["retry-after"]) > 0


async def start_setup(world: StripeWorld, user: uuid.UUID) -> dict[str, Any]:
    started = await world.api.post(CARDS, user)
    assert started.status_code == 201, started.text
    return dict(started.json())


async def confirm_setup(world: StripeWorld, setup: dict[str, Any]) -> None:
    await world.sim_call(
        world.sim.confirm_setup_as_stripe_js,
        setup["setup_intent_id"],
        setup["client_secret"],
        "pm_card_visa",
    )


async def age_setups(world: StripeWorld, user: uuid.UUID, interval: str) -> None:
    await world.execute(
        f"UPDATE wallet.card_setup SET created_at = created_at - interval '{interval}'"
        " WHERE user_id = :u",
        u=user,
    )


# --- saved cards: SetupIntents ------------------------------------------------------------------


async def test_listing_cards_never_asks_stripe_whatever_is_pending(
    world: StripeWorld, counted: CountingProvider
) -> None:
    user = await world.user()
    setups = [await start_setup(world, user) for _ in range(3)]
    await confirm_setup(world, setups[0])  # its webhook is lost
    counted.calls.clear()
    for _ in range(5):
        listed = await world.api.get(CARDS, user)
        assert listed.status_code == 200, listed.text
        assert listed.json()["methods"] == []
    assert sum(counted.calls.values()) == 0


async def test_the_job_saves_a_card_whose_webhook_was_lost_asking_each_setup_once_per_interval(
    world: StripeWorld, settings: Settings
) -> None:
    user = await world.user()
    setups = [await start_setup(world, user) for _ in range(3)]
    await confirm_setup(world, setups[0])
    await age_setups(world, user, "5 minutes")  # older than the re-check age (2 minutes)

    assert await recheck_pending_setups(world.db.engine, settings) == 1
    listed = (await world.api.get(CARDS, user)).json()["methods"]
    assert [(m["card_brand"], m["card_last4"]) for m in listed] == [("visa", "4242")]
    rechecked = await world.db.count(
        "SELECT count(*) FROM wallet.card_setup WHERE user_id = :u AND rechecked_at IS NOT NULL",
        u=user,
    )
    assert rechecked == 3
    # again at once: nothing is due (each was just asked), nothing is saved twice
    assert await recheck_pending_setups(world.db.engine, settings) == 0
    await world.deliver(setups[0]["setup_intent_id"], "setup_intent.succeeded")  # late webhook
    assert len((await world.api.get(CARDS, user)).json()["methods"]) == 1
    # abandoned ones (older than the window) are no longer asked about
    await age_setups(world, user, "2 hours")
    due = await world.db.count(
        "SELECT count(*) FROM wallet.card_setup WHERE user_id = :u"
        " AND status NOT IN ('succeeded', 'canceled') AND created_at > now() - interval '1 hour'",
        u=user,
    )
    assert due == 0


async def test_a_user_may_have_five_unfinished_card_setups_at_once(
    world: StripeWorld, counted: CountingProvider
) -> None:
    user = await world.user()
    setups = [await start_setup(world, user) for _ in range(5)]
    counted.calls.clear()
    sixth = await world.api.post(CARDS, user)
    refused(sixth, "wallet.too_many_pending_card_setups")
    assert sixth.json()["error"]["details"] == {"pending": 5, "limit": 5}
    assert sum(counted.calls.values()) == 0  # refused before any Stripe call

    # one finished (its webhook saved the card): room for one more
    await confirm_setup(world, setups[0])
    await world.deliver(setups[0]["setup_intent_id"], "setup_intent.succeeded")
    await start_setup(world, user)
    refused(await world.api.post(CARDS, user), "wallet.too_many_pending_card_setups")
    # abandoned ones stop counting after the window
    await age_setups(world, user, "2 hours")
    await start_setup(world, user)


async def test_parallel_card_setups_of_one_user_cannot_pass_the_cap_together(
    world: StripeWorld,
) -> None:
    user = await world.user()
    answers = await asyncio.gather(*(world.api.post(CARDS, user) for _ in range(8)))
    assert sorted(a.status_code for a in answers) == [201] * 5 + [429] * 3
    assert (
        await world.db.count("SELECT count(*) FROM wallet.card_setup WHERE user_id = :u", u=user)
        == 5
    )


# --- card deposits ------------------------------------------------------------------------------


async def test_a_user_may_have_five_unpaid_card_deposits_at_once(
    world: StripeWorld, counted: CountingProvider
) -> None:
    user = await world.user()
    keys = [str(uuid.uuid4()) for _ in range(5)]
    started = [await world.deposit(user, {"amount": "10.00"}, key=key) for key in keys]
    assert [s.status_code for s in started] == [200] * 5
    counted.calls.clear()
    refused(await world.deposit(user, {"amount": "10.00"}), "wallet.too_many_pending_deposits")
    refused(
        await world.api.post("/api/wallet/deposit/checkout", user, {"amount": "10.00"}),
        "wallet.too_many_pending_deposits",
    )
    assert sum(counted.calls.values()) == 0
    # a retry of an earlier request replays its answer
    replay = await world.deposit(user, {"amount": "10.00"}, key=keys[0])
    assert replay.headers.get("Idempotent-Replayed") == "true"
    # one paid: room for one more
    paid = started[0].json()
    await world.sim_call(
        world.sim.confirm_as_stripe_js, paid["intent_id"], paid["client_secret"], "pm_card_visa"
    )
    await world.deliver(paid["intent_id"], "payment_intent.succeeded")
    assert (await world.deposit(user, {"amount": "10.00"})).status_code == 200
    assert await world.available(user) == 1_000


async def test_polling_a_deposit_asks_stripe_at_most_once_per_interval(
    world: StripeWorld, counted: CountingProvider
) -> None:
    user = await world.user()
    form = (await world.deposit(user, {"amount": "25.00"}, key=str(uuid.uuid4()))).json()
    path = f"/api/wallet/deposits/{form['intent_id']}"
    counted.calls.clear()
    polls = await asyncio.gather(*(world.api.get(path, user) for _ in range(6)))
    assert [p.json()["deposit"]["status"] for p in polls] == ["pending"] * 6
    for _ in range(4):
        assert (await world.api.get(path, user)).status_code == 200
    assert counted.calls["retrieve_intent"] == 1

    await world.sim_call(
        world.sim.confirm_as_stripe_js, form["intent_id"], form["client_secret"], "pm_card_visa"
    )
    await world.execute(
        "UPDATE wallet.card_deposit SET rechecked_at = now() - interval '11 seconds'"
        " WHERE intent_id = :i",
        i=form["intent_id"],
    )
    shown = (await world.api.get(path, user)).json()
    assert (shown["deposit"]["status"], shown["available_balance"]) == ("succeeded", "25.00")
    assert counted.calls["retrieve_intent"] == 2


# --- reports ------------------------------------------------------------------------------------


async def test_a_user_may_have_two_reports_in_progress_at_once(
    make_api: Any, make_settings: Any, wallet_db: WalletDb, tmp_path: Path
) -> None:
    overrides = {
        "report_inline_max_rows": 0,  # every report goes to the background
        "report_kick_in_process": False,  # and stays pending until the test makes it
        "report_dir": str(tmp_path),
    }
    # a deposit each: one row to report, so the report is not made inline
    user, other = [await make_wallet(wallet_db, balance_minor=5_000) for _ in range(2)]
    async with make_api(**overrides) as api:
        made = [await api.post(EXPORT, user, {"format": "csv"}) for _ in range(2)]
        assert [m.status_code for m in made] == [201, 201]
        third = await api.post(EXPORT, user, {"format": "pdf"})
        refused(third, "wallet.too_many_reports_in_progress")
        assert third.json()["error"]["details"] == {"in_progress": 2, "limit": 2}
        assert (await api.post(EXPORT, other, {"format": "csv"})).status_code == 201

        settings = make_settings(Settings, **overrides)
        storage = FilesystemStorage(tmp_path)
        first_id = uuid.UUID(made[0].json()["report"]["report_id"])
        done = await reports.generate_next(wallet_db.engine, storage, settings, report_id=first_id)
        assert done is not None
        assert (await api.post(EXPORT, user, {"format": "pdf"})).status_code == 201

        # parallel requests of a fresh user: two pass, the rest wait their turn
        racer = await make_wallet(wallet_db, balance_minor=5_000)
        answers = await asyncio.gather(
            *(api.post(EXPORT, racer, {"format": "csv"}) for _ in range(5))
        )
        assert sorted(a.status_code for a in answers) == [201, 201, 429, 429, 429]
        await reports.generate_pending(wallet_db.engine, storage, settings)
