"""Placements under load through the real bets app on a tiny pool: forty waiting placements hold
no connection and one decision each wakes them; past the waiter bound a placement answers 202
at once; a pool with no free connection answers 503 with Retry-After and writes nothing."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from services.bets.tests.builders import BetsDb, offer, refuse_stake
from sqlalchemy import text

from bets.entrypoints.api.app import create_app
from bets.entrypoints.api.deps import BetsServices


def headers(token_issuer: Any, user_id: uuid.UUID, key: str | None = None) -> dict[str, str]:
    found = {"Authorization": f"Bearer {token_issuer.issue(user_id=user_id, role='user')}"}
    if key is not None:
        found["Idempotency-Key"] = key
    return found


async def single(db: BetsDb) -> dict[str, str]:
    event, odds = await offer(db)
    return {"event_id": str(event.event_id), "odds_id": str(odds.odds_id), "bet_amount": "10"}


async def pending_bets(db: BetsDb, user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await db.rows(
        "SELECT id FROM bets.bet WHERE user_id = :u AND status = 'pending'", u=user_id
    )
    return [r["id"] for r in rows]


async def until(condition: Any) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


async def test_forty_waiting_placements_leave_the_pool_free_and_are_woken_by_their_decisions(
    bets_db: BetsDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    # No relay or consumer: the test decides the bets itself, as the wallet's replies would.
    # A generous pool timeout: forty placements queue for two connections on a busy machine.
    app = create_app(
        bets_settings(
            run_workers=False,
            db_pool_size=2,
            db_max_overflow=0,
            db_pool_timeout_s=30,
            placement_wait_s=10,
        )
    )
    services: BetsServices = app.state.bets
    user_id = uuid.uuid4()
    body = await single(bets_db)
    async with app_client(app) as http:
        await until(services.decisions.listening.is_set)
        placements = [
            asyncio.create_task(
                http.post("/api/bets/place", json=body, headers=headers(token_issuer, user_id))
            )
            for _ in range(40)
        ]
        # Each registers its waiter just before its commit: all forty committed and waiting
        # once the pool is back to no connection in use.
        await until(lambda: services.decisions.waiter_count == 40)
        await until(lambda: services.db_engine.pool.checkedout() == 0)
        bet_ids = await pending_bets(bets_db, user_id)
        assert len(bet_ids) == 40
        # While forty wait, the pool of two serves another request at once.
        looked = await http.get(f"/api/bets/{bet_ids[0]}", headers=headers(token_issuer, user_id))
        assert looked.status_code == 200
        assert looked.json()["bet"]["status"] == "pending"
        assert services.db_engine.pool.checkedout() == 0
        assert not any(p.done() for p in placements)

        for bet_id in bet_ids:
            await refuse_stake(bets_db, bet_id, user_id)
        answers: list[httpx.Response] = await asyncio.wait_for(asyncio.gather(*placements), 9)
    assert [a.status_code for a in answers] == [409] * 40
    assert {a.json()["error"]["code"] for a in answers} == {"wallet.insufficient_funds"}
    assert sorted(uuid.UUID(a.json()["error"]["details"]["bet"]["bet_id"]) for a in answers) == (
        sorted(bet_ids)
    )
    assert services.decisions.waiter_count == 0


async def test_past_the_waiter_bound_a_placement_answers_202_at_once(
    bets_db: BetsDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    app = create_app(bets_settings(run_workers=False, placement_max_waiters=1, placement_wait_s=10))
    services: BetsServices = app.state.bets
    user_id = uuid.uuid4()
    body = await single(bets_db)
    async with app_client(app) as http:
        first = asyncio.create_task(
            http.post("/api/bets/place", json=body, headers=headers(token_issuer, user_id))
        )
        await until(lambda: services.decisions.waiter_count == 1)
        second = await http.post(
            "/api/bets/place", json=body, headers=headers(token_issuer, user_id)
        )
        assert second.status_code == 202, second.text
        assert second.json()["bet"]["status"] == "pending"
        assert not first.done()  # the first still waits for its decision

        [first_id] = set(await pending_bets(bets_db, user_id)) - {
            uuid.UUID(second.json()["bet"]["bet_id"])
        }
        await refuse_stake(bets_db, first_id, user_id)
        woken = await asyncio.wait_for(first, 9)
    assert woken.status_code == 409
    assert woken.json()["error"]["details"]["bet"]["bet_id"] == str(first_id)
    # No pending bet is left to the watchdog's tests.
    await refuse_stake(bets_db, uuid.UUID(second.json()["bet"]["bet_id"]), user_id)


async def test_no_free_connection_answers_503_with_retry_after_and_writes_nothing(
    bets_db: BetsDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    app = create_app(
        bets_settings(run_workers=False, db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=0.2)
    )
    services: BetsServices = app.state.bets
    user_id = uuid.uuid4()
    body = await single(bets_db)
    key = f"busy-{uuid.uuid4()}"
    async with app_client(app) as http:
        async with services.db_engine.connect() as held:  # the pool's only connection
            await held.scalar(text("SELECT 1"))
            busy = await http.post(
                "/api/bets/place", json=body, headers=headers(token_issuer, user_id, key)
            )
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "1"
        error = busy.json()["error"]
        assert error["code"] == "service_busy"
        assert set(error) == {"code", "message", "details"}

        # Nothing written: no bet, no ReserveStake, no claim on the key.
        assert await bets_db.rows("SELECT id FROM bets.bet WHERE user_id = :u", u=user_id) == []
        assert (
            await bets_db.rows(
                "SELECT id FROM bets.outbox WHERE body->'payload'->>'user_id' = :u", u=str(user_id)
            )
            == []
        )
        assert (
            await bets_db.rows("SELECT key FROM bets.idempotency_key WHERE key = :k", k=key) == []
        )

        retried = await http.post(
            "/api/bets/place", json=body, headers=headers(token_issuer, user_id, key)
        )
    assert retried.status_code == 202, retried.text
    assert len(await bets_db.rows("SELECT id FROM bets.bet WHERE user_id = :u", u=user_id)) == 1
    await refuse_stake(bets_db, uuid.UUID(retried.json()["bet"]["bet_id"]), user_id)


async def test_a_long_poll_on_a_pending_bet_answers_once_it_is_decided(
    bets_db: BetsDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    """``GET /api/bets/{id}?wait_s=`` waits on the process's LISTEN, holding no connection, and
    answers at the decision; without ``wait_s`` it answers at once; past 10 s is a 422."""
    app = create_app(
        bets_settings(run_workers=False, db_pool_size=1, db_max_overflow=0, placement_wait_s=0)
    )
    services: BetsServices = app.state.bets
    user_id = uuid.uuid4()
    body = await single(bets_db)
    own = headers(token_issuer, user_id)
    async with app_client(app) as http:
        await until(services.decisions.listening.is_set)
        placed = await http.post("/api/bets/place", json=body, headers=own)
        assert placed.status_code == 202, placed.text
        bet_id = placed.json()["bet"]["bet_id"]
        now = await http.get(f"/api/bets/{bet_id}", headers=own)
        assert now.json()["bet"]["status"] == "pending"
        polling = asyncio.create_task(http.get(f"/api/bets/{bet_id}?wait_s=9", headers=own))
        await until(lambda: services.decisions.waiter_count == 1)
        # Its first read done, the wait itself holds no connection (the pool has just one).
        await until(lambda: services.db_engine.pool.checkedout() == 0)
        await asyncio.sleep(0.3)
        assert not polling.done()
        assert services.db_engine.pool.checkedout() == 0
        await refuse_stake(bets_db, uuid.UUID(bet_id), user_id)
        answered = await asyncio.wait_for(polling, 8)
        too_long = await http.get(f"/api/bets/{bet_id}?wait_s=11", headers=own)
    assert answered.status_code == 200, answered.text
    assert answered.json()["bet"]["status"] == "rejected"
    assert services.decisions.waiter_count == 0
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "validation_error"
