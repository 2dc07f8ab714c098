"""Responsible gambling in the wallet (issue 23) on the real database, the Stripe simulator and
the wallet app: the restriction read model from auth's messages (duplicates, any order); every
way money comes in refused while a time-out or self-exclusion runs and allowed once it ended;
money Stripe already took still credited; withdrawals still possible; deposit limits (a decrease
at once, an increase or removal after 24 hours, day/week/month windows, parallel starts never
passing a limit together); the audit rows; the admin's read-only view. Time is never slept:
``until`` and a pending change's time are moved into the past in the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    add_method,
    handle,
    make_reserve,
    make_wallet,
)
from services.wallet.tests.support.stripe_deposits import StripeWorld, stripe_settings
from services.wallet.tests.test_bus import eventually, inbox_has, publish, start
from services.wallet.tests.test_free_bets import free_bet_user, free_reserve, units_left
from sqlalchemy import text

from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.contracts.bets import ReserveStake
from common.messaging.envelope import wrap
from wallet.entrypoints.api.app import create_app
from wallet.service_layer import responsible_gambling, saga
from wallet.service_layer.saga import Origin
from wallet.service_layer.saga_batch import apply_saga_batch
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

LIMITS = "/api/wallet/limits"
DEPOSIT_LIMIT = "/api/wallet/limits/deposit"
CHECKOUT = "/api/wallet/deposit/checkout"
PACKAGES = "/api/wallet/packages"
RESTRICTED = "wallet.account_restricted"
LIMIT_REACHED = "wallet.deposit_limit_reached"


@pytest.fixture
async def world(
    make_settings: Any, app_client: Any, wallet_db: Any, token_issuer: Any, stripe_simulator: Any
) -> AsyncIterator[StripeWorld]:
    stripe_simulator.set_webhook_url(None)  # the test delivers events itself, in its own order
    app = create_app(stripe_settings(make_settings, stripe_simulator))
    async with app_client(app) as http:
        yield StripeWorld(Api(http, token_issuer), wallet_db, stripe_simulator, app.state)


# --- helpers -------------------------------------------------------------------------------------


def in_days(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def time_out(db: WalletDb, user: uuid.UUID, until: datetime) -> None:
    await handle(
        db, responsible_gambling.on_user_timed_out, UserTimedOut(user_id=user, until=until)
    )


async def self_exclude(db: WalletDb, user: uuid.UUID, until: datetime) -> None:
    await handle(
        db,
        responsible_gambling.on_user_self_excluded,
        UserSelfExcluded(user_id=user, until=until),
    )


async def restriction(db: WalletDb, user: uuid.UUID) -> tuple[str, datetime] | None:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT kind, until FROM wallet.account_restriction WHERE user_id = :u"),
                {"u": user},
            )
        ).one_or_none()
    return None if row is None else (row.kind, row.until)


async def end_restriction(world: StripeWorld, user: uuid.UUID) -> None:
    """The time-out's ``until`` has passed (moved into the past, not slept)."""
    moved = await world.execute(
        "UPDATE wallet.account_restriction SET until = now() - interval '1 second' "
        "WHERE user_id = :u",
        u=user,
    )
    assert moved == 1


async def audit(db: WalletDb, user: uuid.UUID, prefix: str) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action, status, amount_minor, details, ip_address FROM wallet.audit_log "
                "WHERE user_id = :u AND action LIKE :p ORDER BY id"
            ),
            {"u": user, "p": f"{prefix}%"},
        )
        return [dict(r._mapping) for r in rows]


async def set_limit(
    api: Api, user: uuid.UUID, period: str, amount: str | None, key: str | None = None
) -> httpx.Response:
    return await api.http.put(
        DEPOSIT_LIMIT,
        headers=api.headers(user, key=key),
        json={"period": period, "amount": amount},
    )


async def limit_set(api: Api, user: uuid.UUID, period: str, amount: str | None) -> dict[str, Any]:
    answer = await set_limit(api, user, period, amount)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def limits(api: Api, user: uuid.UUID) -> dict[str, dict[str, Any]]:
    answer = await api.get(LIMITS, user)
    assert answer.status_code == 200, answer.text
    return {p["period"]: p for p in answer.json()["deposit_limits"]}


async def cooling_off_ends(world: StripeWorld, user: uuid.UUID) -> None:
    """The pending change's 24 hours have passed (its time moved into the past)."""
    moved = await world.execute(
        "UPDATE wallet.deposit_limit SET pending_effective_at = now() - interval '1 second' "
        "WHERE user_id = :u AND pending",
        u=user,
    )
    assert moved >= 1


async def card_deposit(
    world: StripeWorld, user: uuid.UUID, amount: str, method_id: str
) -> httpx.Response:
    return await world.deposit(
        user, {"amount": amount, "payment_method_id": method_id}, key=str(uuid.uuid4())
    )


async def deposit_rows(world: StripeWorld, user: uuid.UUID) -> int:
    return await world.db.count(
        "SELECT count(*) FROM wallet.card_deposit WHERE user_id = :u", u=user
    )


def refused(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    error: dict[str, Any] = answer.json()["error"]
    assert error["code"] == code
    return error


async def new_package(api: Api, **overrides: Any) -> str:
    body: dict[str, Any] = {
        "name": f"Package {uuid.uuid4().hex[:6]}",
        "units": 2,
        "price": "3.00",
        "validity_days": 7,
        **overrides,
    }
    created = await api.admin_post("/api/wallet/admin/packages", body)
    assert created.status_code == 201, created.text
    return str(created.json()["package"]["id"])


# --- the restriction read model ------------------------------------------------------------------


async def test_a_time_out_is_recorded_once_however_often_it_is_heard(world: StripeWorld) -> None:
    user = await world.user()
    until = in_days(2)
    await time_out(world.db, user, until)
    await time_out(world.db, user, until)  # the same news again, under a new event id

    assert await restriction(world.db, user) == ("time_out", until)
    [row] = await audit(world.db, user, "account_restricted")
    assert row["details"] == {"kind": "time_out", "until": until.isoformat()}


async def test_the_latest_until_wins_whatever_order_the_messages_come_in(
    world: StripeWorld,
) -> None:
    early, late = in_days(10), in_days(200)
    in_order, out_of_order = await world.user(), await world.user()

    await time_out(world.db, in_order, early)
    await self_exclude(world.db, in_order, late)
    await self_exclude(world.db, out_of_order, late)
    await time_out(world.db, out_of_order, early)  # older news, arriving late: changes nothing

    assert await restriction(world.db, in_order) == ("self_exclusion", late)
    assert await restriction(world.db, out_of_order) == ("self_exclusion", late)
    assert len(await audit(world.db, out_of_order, "account_restricted")) == 1


async def test_a_restriction_heard_before_the_wallet_opened_still_applies(
    world: StripeWorld,
) -> None:
    user = uuid.uuid4()
    await time_out(world.db, user, in_days(1))  # auth's messages may overtake UserRegistered
    await make_wallet(world.db, user_id=user)

    answer = await world.deposit(user, {"amount": "10.00"}, key=str(uuid.uuid4()))

    refused(answer, 403, RESTRICTED)
    assert await deposit_rows(world, user) == 0


async def test_the_worker_applies_auths_messages_from_the_bus_once_in_any_order(
    make_settings: Any, wallet_db: WalletDb
) -> None:
    """Through RabbitMQ and the wallet's subscription table: redelivered and out of order."""
    user = await make_wallet(wallet_db)
    early, late = in_days(7), in_days(365)
    runtime = await start(make_settings(Settings))
    try:
        excluded = wrap(UserSelfExcluded(user_id=user, until=late))
        timed_out = wrap(UserTimedOut(user_id=user, until=early))  # older news, arriving last
        sent = await publish(runtime, excluded, excluded, timed_out, timed_out)
        await eventually(lambda: inbox_has(wallet_db, *sent))
    finally:
        await runtime.stop()

    assert await restriction(wallet_db, user) == ("self_exclusion", late)
    assert len(await audit(wallet_db, user, "account_restricted")) == 1


# --- every way money comes in, while restricted and after -----------------------------------------


async def test_a_new_card_deposit_is_refused_while_timed_out_and_allowed_after_until(
    world: StripeWorld,
) -> None:
    user = await world.user()
    until = in_days(1)
    await time_out(world.db, user, until)

    answer = await world.deposit(user, {"amount": "50.00"}, key=str(uuid.uuid4()))
    error = refused(answer, 403, RESTRICTED)
    assert error["details"] == {"kind": "time_out", "until": until.isoformat()}
    assert await deposit_rows(world, user) == 0  # refused before any Stripe call

    await end_restriction(world, user)
    again = await world.deposit(user, {"amount": "50.00"}, key=str(uuid.uuid4()))
    assert again.status_code == 200, again.text
    assert again.json()["action"] == "requires_payment_form"


async def test_a_saved_card_charge_is_refused_while_self_excluded_and_credits_after_until(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method_id = await world.save_card(user)
    await self_exclude(world.db, user, in_days(183))

    refused(await card_deposit(world, user, "100.00", method_id), 403, RESTRICTED)
    assert await world.available(user) == 0
    assert await world.transfers(user, "deposit") == 0

    await end_restriction(world, user)
    charged = await card_deposit(world, user, "100.00", method_id)
    assert charged.status_code == 200, charged.text
    assert charged.json()["new_balance"] == "100.00"
    assert await world.available(user) == 10_000
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"], h["status"]) for h in history] == [
        ("deposit", 10_000, "completed")
    ]


async def test_a_checkout_is_refused_while_timed_out_and_allowed_after_until(
    world: StripeWorld,
) -> None:
    user = await world.user()
    await time_out(world.db, user, in_days(1))

    started = await world.api.post(CHECKOUT, user, {"amount": "30.00"}, key=str(uuid.uuid4()))
    refused(started, 403, RESTRICTED)
    assert await deposit_rows(world, user) == 0

    await end_restriction(world, user)
    again = await world.api.post(CHECKOUT, user, {"amount": "30.00"}, key=str(uuid.uuid4()))
    assert again.status_code == 200, again.text


async def test_packages_by_card_and_free_bets_by_balance_are_refused_while_restricted(
    world: StripeWorld,
) -> None:
    units = await new_package(world.api)
    free_bets = await new_package(world.api, kind="free_bet", stake="5.00")
    user = await world.user(balance_minor=1_000)
    await time_out(world.db, user, in_days(1))

    by_card = await world.api.post(
        f"{PACKAGES}/{units}/buy", user, {"method": "card"}, key=str(uuid.uuid4())
    )
    refused(by_card, 403, RESTRICTED)
    free_bet = await world.api.post(f"{PACKAGES}/{free_bets}/buy", user, {"method": "balance"})
    refused(free_bet, 403, RESTRICTED)
    orders = await world.db.count(
        "SELECT count(*) FROM wallet.package_order WHERE user_id = :u", u=user
    )
    assert (orders, await deposit_rows(world, user), await world.available(user)) == (0, 0, 1_000)

    # Units that are not bets, paid from the balance: not gambling, still sold.
    bought = await world.api.post(f"{PACKAGES}/{units}/buy", user, {"method": "balance"})
    assert bought.status_code == 201, bought.text
    assert await world.available(user) == 700

    await end_restriction(world, user)
    after = await world.api.post(f"{PACKAGES}/{free_bets}/buy", user, {"method": "balance"})
    assert after.status_code == 201, after.text
    assert await world.available(user) == 400
    assert await world.transfers(user, "package_purchase") == 2


async def test_a_payment_stripe_confirmed_before_the_time_out_is_still_credited_once(
    world: StripeWorld,
) -> None:
    user = await world.user()
    started = await world.deposit(user, {"amount": "50.00"}, key=str(uuid.uuid4()))
    assert started.status_code == 200, started.text
    answer = started.json()
    paid = await world.sim_call(
        world.sim.confirm_as_stripe_js, answer["intent_id"], answer["client_secret"], "pm_card_visa"
    )
    assert paid["status"] == "succeeded"
    await time_out(world.db, user, in_days(1))

    await world.deliver(answer["intent_id"], "payment_intent.succeeded")
    await world.deliver(answer["intent_id"], "payment_intent.succeeded")  # Stripe retries

    assert await world.available(user) == 5_000
    assert await world.transfers(user, "deposit") == 1
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"], h["status"]) for h in history] == [
        ("deposit", 5_000, "completed")
    ]


async def test_withdrawing_cancelling_and_reading_stay_possible_while_self_excluded(
    world: StripeWorld,
) -> None:
    user = await world.user(balance_minor=20_000)
    method_id = await add_method(world.api, user)
    await self_exclude(world.db, user, in_days(365))

    first = await world.api.post(
        "/api/wallet/withdraw", user, {"amount": "50.00", "withdrawal_method_id": method_id}
    )
    assert first.status_code == 201, first.text
    second = await world.api.post(
        "/api/wallet/withdraw", user, {"amount": "30.00", "withdrawal_method_id": method_id}
    )
    assert second.status_code == 201, second.text
    operation = second.json()["withdrawal"]["operation_id"]
    cancelled = await world.api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["new_balance"] == "150.00"

    assert await world.available(user) == 15_000  # 200.00 - 50.00; the 30.00 came back
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"]) for h in history] == [
        ("deposit", 20_000),
        ("withdrawal", -5_000),
        ("withdrawal", -3_000),
        ("refund", 3_000),
    ]
    assert (await world.api.get("/api/wallet/history", user)).status_code == 200
    shown = await world.api.get(LIMITS, user)
    assert shown.json()["restriction"]["kind"] == "self_exclusion"
    assert shown.json()["restriction"]["active"] is True


# --- deposit limits -------------------------------------------------------------------------------


async def test_a_first_limit_applies_at_once_and_is_audited(world: StripeWorld) -> None:
    user = await world.user()
    assert (await limits(world.api, user))["day"]["amount"] is None

    body = await limit_set(world.api, user, "day", "100.00")

    assert body["change"]["outcome"] == "applied"
    day = {p["period"]: p for p in body["deposit_limits"]}["day"]
    assert (day["amount"], day["pending"], day["used"], day["remaining"]) == (
        "100.00",
        None,
        "0.00",
        "100.00",
    )
    assert (await limits(world.api, user))["day"]["amount"] == "100.00"
    [row] = await audit(world.db, user, "deposit_limit")
    assert (row["action"], row["status"], row["amount_minor"]) == (
        "deposit_limit_set",
        "success",
        10_000,
    )
    assert row["details"]["period"] == "day"
    assert str(row["ip_address"]) == "203.0.113.7"


async def test_a_decrease_applies_at_once_and_an_increase_only_after_24_hours(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method_id = await world.save_card(user)
    await limit_set(world.api, user, "day", "100.00")
    decreased = await limit_set(world.api, user, "day", "50.00")
    assert decreased["change"]["outcome"] == "applied"

    increased = await limit_set(world.api, user, "day", "200.00")

    assert increased["change"]["outcome"] == "scheduled"
    effective_at = datetime.fromisoformat(increased["change"]["effective_at"])
    assert timedelta(hours=23, minutes=59) < effective_at - datetime.now(UTC) <= timedelta(hours=24)
    day = (await limits(world.api, user))["day"]
    assert day["amount"] == "50.00"
    assert day["pending"] == {"amount": "200.00", "effective_at": effective_at.isoformat()}
    # The deposit check applies the limit in force, not the pending one.
    error = refused(await card_deposit(world, user, "60.00", method_id), 422, LIMIT_REACHED)
    assert error["details"] == {
        "period": "day",
        "limit": "50.00",
        "used": "0.00",
        "remaining": "50.00",
    }

    await cooling_off_ends(world, user)

    day = (await limits(world.api, user))["day"]
    assert (day["amount"], day["pending"]) == ("200.00", None)
    charged = await card_deposit(world, user, "60.00", method_id)
    assert charged.status_code == 200, charged.text
    assert await world.available(user) == 6_000
    actions = [r["action"] for r in await audit(world.db, user, "deposit_limit")]
    assert actions == ["deposit_limit_set", "deposit_limit_set", "deposit_limit_scheduled"]


async def test_a_removal_waits_24_hours_and_a_decrease_drops_a_pending_increase(
    world: StripeWorld,
) -> None:
    user = await world.user()
    await limit_set(world.api, user, "week", "100.00")

    removal = await limit_set(world.api, user, "week", None)
    assert removal["change"]["outcome"] == "scheduled"
    week = (await limits(world.api, user))["week"]
    assert week["amount"] == "100.00"
    assert week["pending"]["amount"] is None

    # Changing one's mind to a tighter limit applies at once and forgets the pending removal.
    tighter = await limit_set(world.api, user, "week", "80.00")
    assert tighter["change"]["outcome"] == "applied"
    week = (await limits(world.api, user))["week"]
    assert (week["amount"], week["pending"]) == ("80.00", None)

    await limit_set(world.api, user, "week", None)
    await cooling_off_ends(world, user)
    week = (await limits(world.api, user))["week"]
    assert (week["amount"], week["pending"]) == (None, None)


async def test_limits_count_credited_and_pending_deposits_in_each_rolling_window(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method_id = await world.save_card(user)
    for period, amount in (("day", "100.00"), ("week", "150.00"), ("month", "200.00")):
        await limit_set(world.api, user, period, amount)

    assert (await card_deposit(world, user, "80.00", method_id)).status_code == 200
    day = refused(await card_deposit(world, user, "30.00", method_id), 422, LIMIT_REACHED)
    assert (day["details"]["period"], day["details"]["used"]) == ("day", "80.00")

    await age_deposits(world, user, days=2)  # out of the day's window, inside the week's
    assert (await card_deposit(world, user, "60.00", method_id)).status_code == 200
    week = refused(await card_deposit(world, user, "20.00", method_id), 422, LIMIT_REACHED)
    assert (week["details"]["period"], week["details"]["used"]) == ("week", "140.00")

    await age_deposits(world, user, days=10)  # out of the week's window, inside the month's
    # A new card's deposit started and not paid yet counts too.
    pending = await world.deposit(user, {"amount": "40.00"}, key=str(uuid.uuid4()))
    assert pending.status_code == 200, pending.text
    month = refused(await card_deposit(world, user, "30.00", method_id), 422, LIMIT_REACHED)
    assert (month["details"]["period"], month["details"]["used"]) == ("month", "180.00")
    assert (await card_deposit(world, user, "20.00", method_id)).status_code == 200

    shown = await limits(world.api, user)
    assert [shown[p]["used"] for p in ("day", "week", "month")] == ["60.00", "60.00", "200.00"]
    assert shown["month"]["remaining"] == "0.00"
    assert await world.available(user) == 16_000  # 80 + 60 + 20 credited; the 40 unpaid
    assert await world.transfers(user, "deposit") == 3


async def age_deposits(world: StripeWorld, user: uuid.UUID, *, days: int) -> None:
    """Every deposit of the user made ``days`` earlier (started and credited then)."""
    await world.execute(
        "UPDATE wallet.card_deposit SET created_at = created_at - make_interval(days => :d), "
        "completed_at = completed_at - make_interval(days => :d) WHERE user_id = :u",
        u=user,
        d=days,
    )


async def test_parallel_saved_card_deposits_never_pass_the_limit_together(
    world: StripeWorld,
) -> None:
    user = await world.user()
    method_id = await world.save_card(user)
    await limit_set(world.api, user, "day", "100.00")

    answers = await asyncio.gather(
        *(card_deposit(world, user, "30.00", method_id) for _ in range(6))
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 200, 200, 422, 422, 422], [a.text for a in answers]
    assert all(a.json()["error"]["code"] == LIMIT_REACHED for a in answers if a.status_code == 422)
    assert await world.available(user) == 9_000  # three deposits of 30.00, to the cent
    assert await world.transfers(user, "deposit") == 3
    credited = await world.db.count(
        "SELECT coalesce(sum(credited_minor), 0) FROM wallet.card_deposit WHERE user_id = :u",
        u=user,
    )
    assert credited == 9_000
    history = await world.db.history(user)
    assert [(h["type"], h["amount_minor"]) for h in history] == [("deposit", 3_000)] * 3


async def test_parallel_new_card_starts_never_pass_the_limit_together(world: StripeWorld) -> None:
    user = await world.user()
    await limit_set(world.api, user, "day", "100.00")

    answers = await asyncio.gather(
        *(world.deposit(user, {"amount": "45.00"}, key=str(uuid.uuid4())) for _ in range(4))
    )

    assert sorted(a.status_code for a in answers) == [200, 200, 422, 422]
    pending = await world.db.count(
        "SELECT coalesce(sum(amount_minor), 0) FROM wallet.card_deposit "
        "WHERE user_id = :u AND status = 'pending'",
        u=user,
    )
    assert pending == 9_000


async def test_a_limit_change_retried_with_its_key_is_applied_once(world: StripeWorld) -> None:
    user = await world.user()
    key = str(uuid.uuid4())
    first = await set_limit(world.api, user, "month", "500.00", key=key)
    again = await set_limit(world.api, user, "month", "500.00", key=key)

    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    changes = await world.db.count(
        "SELECT count(*) FROM wallet.deposit_limit_change WHERE user_id = :u", u=user
    )
    assert changes == 1
    assert len(await audit(world.db, user, "deposit_limit")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"period": "year", "amount": "10.00"},
        {"period": "day", "amount": "-5.00"},
        {"period": "day", "amount": "0"},
        {"period": "day", "amount": "1.001"},
        {"period": "day"},
        {"amount": "10.00"},
        {"period": "day", "amount": "10.00", "user_id": str(uuid.uuid4())},
    ],
)
async def test_a_malformed_limit_is_a_422_and_changes_nothing(
    world: StripeWorld, body: dict[str, Any]
) -> None:
    user = await world.user()
    answer = await world.api.http.put(DEPOSIT_LIMIT, headers=world.api.headers(user), json=body)

    assert answer.status_code == 422, answer.text
    assert set(answer.json()) == {"error"}
    assert [p["amount"] for p in (await limits(world.api, user)).values()] == [None] * 3


# --- the admin's view --------------------------------------------------------------------------


async def test_the_admin_sees_limits_history_and_restriction_read_only(world: StripeWorld) -> None:
    user = await world.user()
    await limit_set(world.api, user, "day", "100.00")
    await limit_set(world.api, user, "day", "300.00")
    until = in_days(200)
    await self_exclude(world.db, user, until)
    path = f"/api/wallet/admin/users/{user}/limits"

    shown = await world.api.get(path, uuid.uuid4(), role="admin")

    assert shown.status_code == 200, shown.text
    body = shown.json()
    day = {p["period"]: p for p in body["deposit_limits"]}["day"]
    assert (day["amount"], day["pending"]["amount"]) == ("100.00", "300.00")
    assert [
        (c["outcome"], c["previous_amount"], c["requested_amount"]) for c in body["history"]
    ] == [
        ("scheduled", "100.00", "300.00"),
        ("applied", None, "100.00"),
    ]
    assert body["pagination"]["total_items"] == 2
    assert body["restriction"] == {
        "kind": "self_exclusion",
        "until": until.isoformat(),
        "active": True,
    }
    # A bettor is refused; an unknown user is a 404; the admin has no way to change anything.
    assert (await world.api.get(path, user)).status_code == 403
    unknown = await world.api.get(
        f"/api/wallet/admin/users/{uuid.uuid4()}/limits", user, role="admin"
    )
    assert unknown.status_code == 404
    written = await world.api.http.put(
        path, headers=world.api.headers(uuid.uuid4(), role="admin"), json={}
    )
    assert written.status_code == 405
    assert (await restriction(world.db, user)) == ("self_exclusion", until)


# --- limit changes announced (wallet.DepositLimitChanged) ----------------------------------------


async def test_every_change_of_a_deposit_limit_is_announced_once_with_the_change(
    world: StripeWorld, make_settings: Any
) -> None:
    """In the outbox with the change (its transaction): the new limit (None: removed) and the
    time it applies, the very time the answer gives; a request that changes nothing, or the
    replay of one, announces nothing."""
    user = await world.user()
    currency = make_settings(Settings).currency
    answers: list[dict[str, Any]] = []

    async def change(period: str, amount: str | None, key: str | None = None) -> None:
        answer = await set_limit(world.api, user, period, amount, key=key)
        assert answer.status_code == 200, answer.text
        answers.append(answer.json()["change"])

    start = datetime.now(UTC)
    await change("day", "100.00")  # a first limit: at once
    await change("day", "100.00")  # the same again: nothing
    await change("day", "50.00")  # a decrease: at once
    await change("day", "200.00")  # an increase: after 24 hours
    await change("day", None)  # a removal: after 24 hours
    await change("week", None)  # no week limit to remove: nothing
    key = str(uuid.uuid4())
    await change("month", "900.00", key=key)
    await change("month", "900.00", key=key)  # a replay of the same request: nothing

    def money_limit(amount_minor: int) -> dict[str, Any]:
        return {"amount_minor": amount_minor, "currency": currency}

    announced = await world.db.emitted("DepositLimitChanged", user_id=user)
    assert [(m["period"], m["limit"]) for m in announced] == [
        ("day", money_limit(10_000)),
        ("day", money_limit(5_000)),
        ("day", money_limit(20_000)),
        ("day", None),
        ("month", money_limit(90_000)),
    ]
    announced_at = [datetime.fromisoformat(m["effective_at"]) for m in announced]
    # The time each message gives is the time the answer gave for that change.
    changed = [answers[i] for i in (0, 2, 3, 4, 6)]
    assert announced_at == [datetime.fromisoformat(c["effective_at"]) for c in changed]
    assert [c["outcome"] for c in changed] == [
        "applied",
        "applied",
        "scheduled",
        "scheduled",
        "applied",
    ]
    cooling = timedelta(hours=24)
    late = datetime.now(UTC)
    for at, delay in zip(announced_at, [0, 0, 1, 1, 0], strict=True):
        assert start + delay * cooling <= at <= late + delay * cooling, at


# --- stakes refused while restricted (defence in depth behind bets) ------------------------------


async def ledger(db: WalletDb, user: uuid.UUID) -> tuple[int, int, int, int]:
    """(available, held, transfers, holds) of the user, in minor units and rows."""
    available, held = await db.balances(user)
    transfers = await db.count("SELECT count(*) FROM wallet.transfer WHERE user_id = :u", u=user)
    holds = await db.count("SELECT count(*) FROM wallet.hold WHERE user_id = :u", u=user)
    return available, held, transfers, holds


async def replies(db: WalletDb, command: ReserveStake) -> list[tuple[str, str | None]]:
    """Every answer the wallet gave the bet: (type, reason)."""
    reserved = await db.emitted("StakeReserved", bet_id=command.bet_id)
    rejected = await db.emitted("StakeReservationRejected", bet_id=command.bet_id)
    return [("StakeReserved", None)] * len(reserved) + [
        ("StakeReservationRejected", r["reason"]) for r in rejected
    ]


async def batch(db: WalletDb, *commands: ReserveStake) -> list[Any]:
    """The set-based path: the commands in one transaction, as the consumer hands a batch."""
    async with db.sessionmaker.begin() as session:
        return await apply_saga_batch(
            WalletUnitOfWork.joining(session), [(c, Origin()) for c in commands]
        )


async def test_a_stake_of_a_restricted_user_is_rejected_and_holds_nothing(
    wallet_db: WalletDb,
) -> None:
    """The single path (a message alone) and the one-at-a-time reference; a redelivery and the
    same bet under a new event id give the same answer and move nothing."""
    user = await make_wallet(wallet_db, balance_minor=10_000)
    await time_out(wallet_db, user, in_days(2))
    before = await ledger(wallet_db, user)
    reserve = make_reserve(user, 1_000)
    envelope = wrap(reserve)

    await handle(wallet_db, saga.on_reserve_stake, reserve, envelope)
    await handle(wallet_db, saga.on_reserve_stake, reserve, envelope)  # redelivered
    await handle(wallet_db, saga.on_reserve_stake, reserve)  # the watchdog's re-send

    assert await replies(wallet_db, reserve) == [("StakeReservationRejected", RESTRICTED)] * 3
    assert await ledger(wallet_db, user) == before == (10_000, 0, 1, 0)
    rejected = await audit(wallet_db, user, "stake_rejected")
    assert [(r["status"], r["amount_minor"]) for r in rejected] == [("rejected", 1_000)]
    assert rejected[0]["details"]["reason"] == RESTRICTED
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.stake_rejection WHERE bet_id = :b AND reason = :r",
            b=reserve.bet_id,
            r=RESTRICTED,
        )
        == 1
    )

    # The one-at-a-time reference decides the same.
    other = make_reserve(user, 2_500)
    async with wallet_db.sessionmaker.begin() as session:
        answer = await saga.reserve_stake(WalletUnitOfWork.joining(session), other)
    assert (type(answer).__name__, getattr(answer, "reason", None)) == (
        "StakeReservationRejected",
        RESTRICTED,
    )
    assert await ledger(wallet_db, user) == (10_000, 0, 1, 0)

    # Once the time-out is over: the refused bet keeps its answer, a new one is held.
    async with wallet_db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE wallet.account_restriction SET until = now() - interval '1 second'"
                " WHERE user_id = :u"
            ),
            {"u": user},
        )
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    assert (await replies(wallet_db, reserve))[-1] == ("StakeReservationRejected", RESTRICTED)
    fresh = make_reserve(user, 1_000)
    await handle(wallet_db, saga.on_reserve_stake, fresh)
    assert await replies(wallet_db, fresh) == [("StakeReserved", None)]
    assert await ledger(wallet_db, user) == (9_000, 1_000, 2, 1)


async def test_in_a_batch_only_the_restricted_users_stakes_are_rejected(
    wallet_db: WalletDb,
) -> None:
    excluded = await make_wallet(wallet_db, balance_minor=5_000)
    await self_exclude(wallet_db, excluded, in_days(200))
    first = await make_wallet(wallet_db, balance_minor=10_000)
    second = await make_wallet(wallet_db, balance_minor=1_000)
    commands = [
        make_reserve(first, 2_000),
        make_reserve(excluded, 1_000),
        make_reserve(second, 300),
        make_reserve(first, 550),
        make_reserve(excluded, 40),
    ]

    results = await batch(wallet_db, *commands)

    assert [(type(r).__name__, getattr(r, "reason", None)) for r in results] == [
        ("StakeReserved", None),
        ("StakeReservationRejected", RESTRICTED),
        ("StakeReserved", None),
        ("StakeReserved", None),
        ("StakeReservationRejected", RESTRICTED),
    ]
    expected = {
        excluded: (5_000, 0, 1, 0),
        first: (7_450, 2_550, 3, 2),
        second: (700, 300, 2, 1),
    }
    assert {u: await ledger(wallet_db, u) for u in expected} == expected

    # The same batch again (a redelivery after a lost ack): the same answers, nothing moves.
    again = await batch(wallet_db, *commands)
    assert [type(r).__name__ for r in again] == [type(r).__name__ for r in results]
    assert {u: await ledger(wallet_db, u) for u in expected} == expected
    assert [r["amount_minor"] for r in await audit(wallet_db, excluded, "stake_")] == [1_000, 40]
    for command in commands[1], commands[4]:
        assert await replies(wallet_db, command) == [("StakeReservationRejected", RESTRICTED)] * 2


async def test_a_free_bet_of_a_restricted_user_is_rejected_and_takes_no_unit(
    api: Api, wallet_db: WalletDb
) -> None:
    """Alone and in a batch (refused before it would have to be decided alone)."""
    user = await free_bet_user(api, wallet_db)
    await time_out(wallet_db, user, in_days(3))
    other = await make_wallet(wallet_db, balance_minor=1_000)
    alone, in_batch, money = free_reserve(user), free_reserve(user), make_reserve(other, 400)

    await handle(wallet_db, saga.on_reserve_stake, alone)
    results = await batch(wallet_db, money, in_batch)
    await handle(wallet_db, saga.on_reserve_stake, alone)  # redelivered

    assert await replies(wallet_db, alone) == [("StakeReservationRejected", RESTRICTED)] * 2
    assert [(type(r).__name__, getattr(r, "reason", None)) for r in results] == [
        ("StakeReserved", None),
        ("StakeReservationRejected", RESTRICTED),
    ]
    assert await units_left(wallet_db, user) == 2
    assert await wallet_db.balances(user) == (700, 0)
    assert await wallet_db.balances(other) == (600, 400)
