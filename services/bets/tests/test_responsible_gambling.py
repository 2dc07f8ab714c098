"""Responsible gambling in bets (issue 23): auth's time-outs and self-exclusions stop new bets
from the read model, and the user's loss limits are enforced at placement — over HTTP with the
saga run for real (bets' and wallet's apps, their relays and consumers on RabbitMQ)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from services.bets.tests.builders import BetsDb, handle, offer, settle_event
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from sqlalchemy import text

from bets.entrypoints.api.app import create_app
from bets.entrypoints.worker import SUBSCRIPTIONS
from bets.service_layer import responsible_gambling
from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.testing.bus import BusTap
from wallet.entrypoints.api.app import create_app as create_wallet_app
from wallet.settings import Settings as WalletSettings


@dataclass
class Apps:
    bets: httpx.AsyncClient
    wallet: httpx.AsyncClient
    issuer: Any

    def auth(self, user_id: uuid.UUID, *, role: str = "user", key: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.issuer.issue(user_id=user_id, role=role)}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    async def place(
        self, user_id: uuid.UUID, event: Any, odds: Any, amount: str, **extra: Any
    ) -> httpx.Response:
        body = {
            "event_id": str(event.event_id),
            "odds_id": str(odds.odds_id),
            "bet_amount": amount,
            **extra,
        }
        return await self.bets.post("/api/bets/place", json=body, headers=self.auth(user_id))

    async def set_limit(
        self, user_id: uuid.UUID, period: str, amount: str | None, *, key: str | None = None
    ) -> httpx.Response:
        return await self.bets.put(
            "/api/bets/limits/loss",
            json={"period": period, "amount": amount},
            headers=self.auth(user_id, key=key),
        )

    async def limits(self, user_id: uuid.UUID) -> dict[str, Any]:
        answer = await self.bets.get("/api/bets/limits", headers=self.auth(user_id))
        assert answer.status_code == 200, answer.text
        return {p["period"]: p for p in answer.json()["limits"]}


@pytest.fixture(scope="module")
async def apps(
    bets_db: BetsDb,
    wallet_db: WalletDb,
    make_settings: Any,
    bets_settings: Any,
    app_client: Any,
    token_issuer: Any,
) -> AsyncIterator[Apps]:
    wallet = create_wallet_app(make_settings(WalletSettings))
    bets = create_app(bets_settings(placement_wait_s=5.0))
    async with app_client(wallet) as wallet_client, app_client(bets) as client:
        for each in (wallet_client, client):
            for _ in range(200):
                if (await each.get("/health/ready")).status_code == 200:
                    break
                await asyncio.sleep(0.05)
            assert (await each.get("/health/ready")).status_code == 200
        yield Apps(client, wallet_client, token_issuer)


async def restrict(
    db: BetsDb, user_id: uuid.UUID, until: datetime, *, kind: Any = UserTimedOut
) -> None:
    await handle(db, responsible_gambling.on_user_restricted, kind(user_id=user_id, until=until))


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 10
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.05)


async def write(db: BetsDb, sql: str, **params: Any) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(sql), params)


async def bets_of(db: BetsDb, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return await db.rows(
        "SELECT id, status, stake_minor, free_bet FROM bets.bet WHERE user_id = :u"
        " ORDER BY created_at",
        u=user_id,
    )


# --- the read model of auth's messages ---------------------------------------------------------


def test_the_worker_consumes_auths_time_outs_and_self_exclusions() -> None:
    assert SUBSCRIPTIONS[UserTimedOut] is responsible_gambling.on_user_restricted
    assert SUBSCRIPTIONS[UserSelfExcluded] is responsible_gambling.on_user_restricted


async def test_the_read_model_keeps_the_latest_until_in_any_order(bets_db: BetsDb) -> None:
    user_id = uuid.uuid4()
    now = datetime.now(UTC).replace(microsecond=0)
    excluded, timed_out = now + timedelta(days=183), now + timedelta(days=2)
    await restrict(bets_db, user_id, excluded, kind=UserSelfExcluded)
    await restrict(bets_db, user_id, timed_out)  # older and shorter, arriving late
    await restrict(bets_db, user_id, excluded, kind=UserSelfExcluded)  # a duplicate
    row = await bets_db.one("SELECT until FROM bets.restriction WHERE user_id = :u", u=user_id)
    assert row["until"] == excluded
    longer = now + timedelta(days=400)
    await restrict(bets_db, user_id, longer, kind=UserSelfExcluded)
    row = await bets_db.one("SELECT until FROM bets.restriction WHERE user_id = :u", u=user_id)
    assert row["until"] == longer


# --- placement while restricted ---------------------------------------------------------------


async def test_placement_is_refused_while_restricted_and_allowed_after_until(
    apps: Apps, bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    await restrict(bets_db, user_id, until)

    for extra in ({}, {"use_free_bet": True}):
        refused = await apps.place(user_id, event, odds, "10.00", **extra)
        assert refused.status_code == 403, refused.text
        error = refused.json()["error"]
        assert error["code"] == "bet.account_restricted"
        assert datetime.fromisoformat(error["details"]["until"]) == until
    assert await bets_of(bets_db, user_id) == []
    assert await wallet_db.balances(user_id) == (10_000, 0)

    # The time-out is over (moved into the past rather than waited for).
    await write(
        bets_db,
        "UPDATE bets.restriction SET until = now() - interval '1 second' WHERE user_id = :u",
        u=user_id,
    )
    placed = await apps.place(user_id, event, odds, "10.00")
    assert placed.status_code == 201, placed.text
    assert await wallet_db.balances(user_id) == (9_000, 1_000)


async def test_open_bets_still_settle_and_cancel_while_restricted(
    apps: Apps, bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    (event, odds), (later, later_odds) = await offer(bets_db, "2.10"), await offer(bets_db)
    won = await apps.place(user_id, event, odds, "10.00")
    to_cancel = await apps.place(user_id, later, later_odds, "5.00")
    assert (won.status_code, to_cancel.status_code) == (201, 201)
    year = datetime.now(UTC) + timedelta(days=365)
    await restrict(bets_db, user_id, year, kind=UserSelfExcluded)

    cancelled = await apps.bets.post(
        f"/api/bets/{to_cancel.json()['bet']['bet_id']}/cancel", headers=apps.auth(user_id)
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["bet"]["status"] == "cancelled"
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    bet = await bets_db.one(
        "SELECT status, payout_minor FROM bets.bet WHERE id = :id", id=won.json()["bet"]["bet_id"]
    )
    assert bet == {"status": "won", "payout_minor": 2_100}

    async def paid() -> bool:  # 100.00 - 10.00 + 21.00, nothing held any more
        return await wallet_db.balances(user_id) == (11_100, 0)

    await eventually(paid, "the wallet paid the winnings and released the cancelled stake")


# --- loss limits --------------------------------------------------------------------------------


def by_period(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return {p["period"]: p for p in answer.json()["limits"]}


async def test_a_first_limit_and_a_decrease_apply_at_once_an_increase_after_24_hours(
    apps: Apps, bets_db: BetsDb
) -> None:
    user_id = uuid.uuid4()
    assert (await apps.limits(user_id))["day"] == {
        "period": "day",
        "amount": None,
        "pending": None,
        "loss": "0.00",
    }
    assert by_period(await apps.set_limit(user_id, "day", "50.00"))["day"]["amount"] == "50.00"
    assert by_period(await apps.set_limit(user_id, "day", "30.00"))["day"]["amount"] == "30.00"

    before = datetime.now(UTC)
    day = by_period(await apps.set_limit(user_id, "day", "80.00"))["day"]
    assert day["amount"] == "30.00"  # still in force
    assert day["pending"]["amount"] == "80.00"
    effective = datetime.fromisoformat(day["pending"]["effective_at"])
    assert before + timedelta(hours=24) <= effective <= datetime.now(UTC) + timedelta(hours=24)
    # Asking again keeps the cooling-off's end (no reset, no new history row).
    assert by_period(await apps.set_limit(user_id, "day", "80.00"))["day"] == day
    assert (await apps.limits(user_id))["day"] == day
    assert (await apps.limits(user_id))["week"]["amount"] is None  # periods are separate

    # 24 hours later (moved in the database): the increase is in force.
    await write(
        bets_db,
        "UPDATE bets.loss_limit SET pending_effective_at = now() - interval '1 second'"
        " WHERE user_id = :u",
        u=user_id,
    )
    day = (await apps.limits(user_id))["day"]
    assert (day["amount"], day["pending"]) == ("80.00", None)
    # A removal waits too; a decrease meanwhile applies at once and cancels it.
    day = by_period(await apps.set_limit(user_id, "day", None))["day"]
    assert (day["amount"], day["pending"]["amount"]) == ("80.00", None)
    day = by_period(await apps.set_limit(user_id, "day", "20.00"))["day"]
    assert (day["amount"], day["pending"]) == ("20.00", None)

    history = await bets_db.rows(
        "SELECT old_amount_minor AS old, new_amount_minor AS new FROM bets.limit_change"
        " WHERE user_id = :u ORDER BY id",
        u=user_id,
    )
    assert history == [
        {"old": None, "new": 5_000},
        {"old": 5_000, "new": 3_000},
        {"old": 3_000, "new": 8_000},
        {"old": 8_000, "new": None},
        {"old": 8_000, "new": 2_000},
    ]


async def test_every_change_of_a_loss_limit_is_announced_once(
    apps: Apps, bus_tap: BusTap, bets_settings: Any
) -> None:
    """``bets.LossLimitChanged`` per actual change, from the outbox: the new limit (None:
    removed) and when it applies; asking for what is already so announces nothing."""
    user_id = uuid.uuid4()
    currency = bets_settings().currency
    at: dict[str, datetime] = {}

    async def change(period: str, amount: str | None, *, key: str | None = None) -> None:
        before = datetime.now(UTC)
        answer = await apps.set_limit(user_id, period, amount, key=key)
        assert answer.status_code == 200, answer.text
        at.setdefault(f"{period} {amount}", before)  # the first asking is the change

    await change("day", "50.00")  # a first limit: at once
    await change("day", "50.00")  # the same again: nothing
    await change("day", "30.00")  # a decrease: at once
    await change("day", "80.00")  # an increase: after 24 h
    await change("day", "80.00")  # the same pending increase again: nothing
    await change("day", None)  # a removal: after 24 h
    key = f"limit-{uuid.uuid4()}"
    await change("week", "10.00", key=key)
    await change("week", "10.00", key=key)  # a replay of the same request: nothing

    found = await bus_tap.wait_for("LossLimitChanged", count=5, user_id=str(user_id))
    await asyncio.sleep(0.5)  # nothing more arrives
    found = sorted(
        bus_tap.of("LossLimitChanged", user_id=str(user_id)), key=lambda e: e.occurred_at
    )
    assert all(e.producer == "bets" for e in found)
    got = [
        (
            e.payload["period"],
            e.payload["limit"],
            datetime.fromisoformat(e.payload["effective_at"]),
        )
        for e in found
    ]
    assert [(period, limit) for period, limit, _ in got] == [
        ("day", {"amount_minor": 5_000, "currency": currency}),
        ("day", {"amount_minor": 3_000, "currency": currency}),
        ("day", {"amount_minor": 8_000, "currency": currency}),
        ("day", None),
        ("week", {"amount_minor": 1_000, "currency": currency}),
    ]
    cooling = timedelta(hours=24)
    soon = timedelta(seconds=5)
    for (_, _, effective), (asked, delay) in zip(
        got,
        [
            ("day 50.00", None),
            ("day 30.00", None),
            ("day 80.00", cooling),
            ("day None", cooling),
            ("week 10.00", None),
        ],
        strict=True,
    ):
        start = at[asked] + (delay or timedelta(0))
        assert start <= effective <= start + soon, (asked, effective)
    # The pending increase's time is the one the API shows.
    pending = (await apps.limits(user_id))["day"]["pending"]
    assert datetime.fromisoformat(pending["effective_at"]) == got[3][2]


async def test_an_increase_is_enforced_only_once_in_force(
    apps: Apps, bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    await apps.set_limit(user_id, "week", "10.00")
    await apps.set_limit(user_id, "week", "30.00")  # pending for 24 hours
    assert (await apps.place(user_id, event, odds, "10.00")).status_code == 201
    refused = await apps.place(user_id, event, odds, "10.00")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["details"]["limit"] == "10.00"
    await write(
        bets_db,
        "UPDATE bets.loss_limit SET pending_effective_at = now() - interval '1 second'"
        " WHERE user_id = :u",
        u=user_id,
    )
    assert (await apps.place(user_id, event, odds, "10.00")).status_code == 201
    assert await wallet_db.balances(user_id) == (8_000, 2_000)


async def test_bad_limit_requests_are_422(apps: Apps) -> None:
    user_id = uuid.uuid4()
    for body in (
        {"period": "year", "amount": "10.00"},
        {"period": "day", "amount": "0"},
        {"period": "day", "amount": "-5.00"},
        {"period": "day", "amount": "1.001"},
        {"period": "day"},
        {"period": "day", "amount": "10.00", "user_id": str(uuid.uuid4())},
    ):
        answer = await apps.bets.put("/api/bets/limits/loss", json=body, headers=apps.auth(user_id))
        assert answer.status_code == 422, (body, answer.text)
    assert (await apps.limits(user_id))["day"]["amount"] is None


async def test_an_idempotency_key_retry_changes_the_limit_once(apps: Apps, bets_db: BetsDb) -> None:
    user_id = uuid.uuid4()
    key = f"limit-{uuid.uuid4()}"
    first = await apps.set_limit(user_id, "week", "40.00", key=key)
    retry = await apps.set_limit(user_id, "week", "40.00", key=key)
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    changes = await bets_db.rows("SELECT id FROM bets.limit_change WHERE user_id = :u", u=user_id)
    assert len(changes) == 1


async def test_the_loss_limit_is_enforced_to_the_cent(
    apps: Apps, bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db, "2.10")
    assert (await apps.set_limit(user_id, "day", "15.00")).status_code == 200
    assert (await apps.place(user_id, event, odds, "10.00")).status_code == 201

    refused = await apps.place(user_id, event, odds, "5.01")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == {
        "code": "bet.loss_limit_reached",
        "message": refused.json()["error"]["message"],
        "details": {"period": "day", "limit": "15.00", "loss_so_far": "10.00", "stake": "5.01"},
    }
    assert (await apps.place(user_id, event, odds, "5.00")).status_code == 201  # up to the limit
    assert [b["stake_minor"] for b in await bets_of(bets_db, user_id)] == [1_000, 500]
    assert await wallet_db.balances(user_id) == (8_500, 1_500)
    assert (await apps.limits(user_id))["day"]["loss"] == "15.00"

    # Payouts of bets settled in the window come off the loss: 15.00 - (21.00 + 10.50).
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    assert (await apps.limits(user_id))["day"]["loss"] == "-16.50"
    another, another_odds = await offer(bets_db)
    assert (await apps.place(user_id, another, another_odds, "30.00")).status_code == 201


async def test_parallel_placements_never_pass_the_limit_together(
    apps: Apps, bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=100_000)
    event, odds = await offer(bets_db)
    assert (await apps.set_limit(user_id, "month", "25.00")).status_code == 200
    answers = await asyncio.gather(*(apps.place(user_id, event, odds, "10.00") for _ in range(8)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 201, 403, 403, 403, 403, 403, 403], [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 403} == {
        "bet.loss_limit_reached"
    }
    assert [b["status"] for b in await bets_of(bets_db, user_id)] == ["open", "open"]
    assert await wallet_db.balances(user_id) == (98_000, 2_000)


async def test_free_bets_are_not_counted(apps: Apps, bets_db: BetsDb, wallet_db: WalletDb) -> None:
    admin = apps.auth(uuid.uuid4(), role="admin")
    package = await apps.wallet.post(
        "/api/wallet/admin/packages",
        json={
            "name": f"Free bets {uuid.uuid4().hex[:6]}",
            "kind": "free_bet",
            "units": 2,
            "price": "3.00",
            "validity_days": 7,
            "stake": "5.00",
        },
        headers=admin,
    )
    assert package.status_code == 201, package.text
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bought = await apps.wallet.post(
        f"/api/wallet/packages/{package.json()['package']['id']}/buy",
        json={"method": "balance"},
        headers=apps.auth(user_id),
    )
    assert bought.status_code == 201, bought.text
    event, odds = await offer(bets_db)
    await apps.set_limit(user_id, "day", "10.00")
    assert (await apps.place(user_id, event, odds, "10.00")).status_code == 201  # at the limit

    free = await apps.place(user_id, event, odds, "5.00", use_free_bet=True)
    assert free.status_code == 201, free.text
    assert (await apps.limits(user_id))["day"]["loss"] == "10.00"
    refused = await apps.place(user_id, event, odds, "1.00")
    assert refused.status_code == 403
    assert refused.json()["error"]["details"]["loss_so_far"] == "10.00"
    assert [(b["stake_minor"], b["free_bet"]) for b in await bets_of(bets_db, user_id)] == [
        (1_000, False),
        (500, True),
    ]
    # 100.00 - 3.00 for the package - 10.00 held; the free bet holds no money.
    assert await wallet_db.balances(user_id) == (8_700, 1_000)


# --- administration -----------------------------------------------------------------------------


async def test_an_admin_sees_a_users_limits_pending_and_history(
    apps: Apps, bets_db: BetsDb
) -> None:
    user_id = uuid.uuid4()
    await apps.set_limit(user_id, "day", "20.00")
    await apps.set_limit(user_id, "day", "60.00")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    await restrict(bets_db, user_id, until)
    seen = await apps.bets.get(
        f"/api/bets/admin/users/{user_id}/limits", headers=apps.auth(uuid.uuid4(), role="admin")
    )
    assert seen.status_code == 200, seen.text
    body = seen.json()
    day = {p["period"]: p for p in body["limits"]}["day"]
    assert (day["amount"], day["pending"]["amount"]) == ("20.00", "60.00")
    assert datetime.fromisoformat(body["restriction"]["until"]) == until
    assert [(h["old_amount"], h["new_amount"]) for h in body["history"]] == [
        ("20.00", "60.00"),
        (None, "20.00"),
    ]


async def test_a_bettor_on_the_admin_route_is_403(apps: Apps) -> None:
    user_id = uuid.uuid4()
    answer = await apps.bets.get(
        f"/api/bets/admin/users/{uuid.uuid4()}/limits", headers=apps.auth(user_id)
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "auth.admin_required"
