"""The process's one decision listener on a real PostgreSQL: a NOTIFY from another connection
wakes every request waiting for that bet, waiting holds no pooled connection, nothing is missed
between reading the bet and waiting, timeouts leave nothing behind, and a terminated listener
reconnects and wakes its waiters to read their bet again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from services.bets.tests.builders import BetsDb, pending_bet, refuse_stake
from sqlalchemy import event, text

from bets.adapters.decisions import DECIDED_CHANNEL, DecisionListener
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.views import bet_view, wait_until_decided
from common.db import create_engine, create_sessionmaker


@pytest.fixture
async def decisions(test_database: Any, bets_db: BetsDb) -> AsyncIterator[DecisionListener]:
    listener = DecisionListener(test_database.url_for("bets"), max_waiters=100)
    await listener.start()
    await asyncio.wait_for(listener.listening.wait(), 10)
    yield listener
    await listener.stop()


async def notify(db: BetsDb, bet_id: uuid.UUID) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(
            text("SELECT pg_notify(:channel, :id)"), {"channel": DECIDED_CHANNEL, "id": str(bet_id)}
        )


async def test_forty_waiters_hold_no_pooled_connection_and_one_decision_wakes_them_all(
    test_database: Any, bets_db: BetsDb, decisions: DecisionListener
) -> None:
    # The pool of 2 + 0 the old per-request LISTEN exhausted at the second waiter.
    engine = create_engine(test_database.url_for("bets"), pool_size=2, max_overflow=0)
    sessionmaker = create_sessionmaker(engine)
    user_id = uuid.uuid4()
    bet_id = await pending_bet(bets_db, user_id)

    async def wait_for_bet() -> dict[str, Any]:
        with decisions.waiting(bet_id) as waiter:
            return await wait_until_decided(
                sessionmaker, waiter, bet_id, user_id=user_id, timeout_s=30
            )

    returned: list[object] = []
    all_read = asyncio.Event()  # every waiter has read the bet pending and given back

    def checked_in(*_: object) -> None:
        returned.append(None)
        if len(returned) == 40:
            all_read.set()

    event.listen(engine.sync_engine.pool, "checkin", checked_in)
    try:
        waits = [asyncio.create_task(wait_for_bet()) for _ in range(40)]
        await asyncio.wait_for(all_read.wait(), 30)
        assert decisions.waiter_count == 40
        assert engine.pool.checkedout() == 0
        assert not any(w.done() for w in waits)
        async with engine.connect() as conn:  # the pool still serves anyone else
            assert await conn.scalar(text("SELECT count(*) FROM bets.bet")) >= 1
            assert engine.pool.checkedout() == 1

        await refuse_stake(bets_db, bet_id, user_id)  # decided on another connection
        views = await asyncio.wait_for(asyncio.gather(*waits), 10)
    finally:
        await engine.dispose()
    assert [v["status"] for v in views] == ["rejected"] * 40
    assert decisions.waiter_count == 0
    assert decisions.bets_waited_for() == 0


async def test_a_decision_between_reading_the_bet_and_waiting_is_not_missed(
    bets_db: BetsDb, decisions: DecisionListener
) -> None:
    user_id = uuid.uuid4()
    bet_id = await pending_bet(bets_db, user_id)
    deadline = asyncio.get_running_loop().time() + 10
    with decisions.waiting(bet_id) as waiter, decisions.waiting(bet_id) as probe:
        assert probe is not None
        async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
            seen = await bet_view(uow, bet_id, user_id=user_id)
        assert seen["status"] == "pending"
        await refuse_stake(bets_db, bet_id, user_id)  # decided before this request starts waiting
        assert await probe.woken(deadline)  # the notification has reached the listener
        view = await wait_until_decided(
            bets_db.sessionmaker, waiter, bet_id, user_id=user_id, timeout_s=30, seen=seen
        )
    assert view["status"] == "rejected"
    assert view["reason"] == "wallet.insufficient_funds"


async def test_timeouts_answer_the_bet_pending_and_leave_no_waiter_behind(
    bets_db: BetsDb, decisions: DecisionListener
) -> None:
    user_id = uuid.uuid4()
    bet_id = await pending_bet(bets_db, user_id)

    async def wait_briefly() -> dict[str, Any]:
        with decisions.waiting(bet_id) as waiter:
            return await wait_until_decided(
                bets_db.sessionmaker, waiter, bet_id, user_id=user_id, timeout_s=0.1
            )

    views = await asyncio.gather(*(wait_briefly() for _ in range(5)))
    assert [v["status"] for v in views] == ["pending"] * 5
    assert decisions.waiter_count == 0
    assert decisions.bets_waited_for() == 0
    await refuse_stake(bets_db, bet_id, user_id)  # leave no pending bet to the watchdog's tests


async def test_a_notification_wakes_only_the_waiters_of_that_bet(
    decisions: DecisionListener, bets_db: BetsDb
) -> None:
    mine, other = uuid.uuid4(), uuid.uuid4()
    loop = asyncio.get_running_loop()
    with (
        decisions.waiting(mine) as a,
        decisions.waiting(mine) as b,
        decisions.waiting(other) as c,
    ):
        assert a is not None
        assert b is not None
        assert c is not None
        assert decisions.bets_waited_for() == 2
        await notify(bets_db, mine)
        assert await a.woken(loop.time() + 10)
        assert await b.woken(loop.time() + 10)
        assert not await c.woken(loop.time() + 0.2)
    assert decisions.waiter_count == 0


async def test_past_max_waiters_a_request_gets_no_waiter(test_database: Any) -> None:
    listener = DecisionListener(test_database.url_for("bets"), max_waiters=2)
    bet_id = uuid.uuid4()
    with (
        listener.waiting(bet_id) as first,
        listener.waiting(bet_id) as second,
        listener.waiting(uuid.uuid4()) as third,
    ):
        assert first is not None
        assert second is not None
        assert third is None
        assert listener.waiter_count == 2
    with listener.waiting(bet_id) as again:  # room again once the others left
        assert again is not None


async def test_a_terminated_listener_reconnects_and_wakes_its_waiters(
    test_database: Any, bets_db: BetsDb, decisions: DecisionListener
) -> None:
    bet_id = uuid.uuid4()
    loop = asyncio.get_running_loop()
    pid = decisions.backend_pid()
    assert pid is not None
    with decisions.waiting(bet_id) as waiter:
        assert waiter is not None
        admin = await asyncpg.connect(test_database.admin_dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        # Listening again, it wakes everyone: a decision may have gone unheard meanwhile.
        assert await waiter.woken(loop.time() + 15)
        assert decisions.generation == 2
        assert decisions.backend_pid() not in (None, pid)
        await notify(bets_db, bet_id)  # and it hears the next decision on the new connection
        assert await waiter.woken(loop.time() + 10)
