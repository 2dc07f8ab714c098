"""ReleaseStake before its ReserveStake (the bets watchdog gave up on a pending bet): the release
leaves a tombstone and is acknowledged; the late reservation is rejected and holds nothing.

Real handlers on real PostgreSQL, and once over RabbitMQ; money to the cent, redeliveries change
nothing, and reservation/release races of one bet end one way or the other, never half."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_release,
    make_reserve,
    make_wallet,
    reserve_on_new_wallet,
)
from sqlalchemy import text

from common.messaging.envelope import Envelope, wrap
from common.runtime import ServiceRuntime
from common.testing.broker import publish_as_producers
from wallet.bootstrap import build
from wallet.service_layer import saga
from wallet.settings import Settings

BET_RELEASED = "wallet.bet_released"


async def tombstones(db: WalletDb, bet_id: uuid.UUID) -> int:
    return await db.count(
        "SELECT count(*) FROM wallet.release_tombstone WHERE bet_id = :b", b=bet_id
    )


async def audited(db: WalletDb, user_id: uuid.UUID) -> list[tuple[str, str | None]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action, details->>'reason' AS reason FROM wallet.audit_log"
                " WHERE user_id = :u ORDER BY id"
            ),
            {"u": user_id},
        )
        return [(r.action, r.reason) for r in rows]


async def test_release_first_then_reserve_is_rejected_and_holds_nothing(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    reserve = make_reserve(user, 2_550)
    release = make_release(reserve, reason="bet.reservation_timeout")

    await handle(wallet_db, saga.on_release_stake, release)  # acknowledged, not raised
    assert await tombstones(wallet_db, reserve.bet_id) == 1
    assert await wallet_db.balances(user) == (10_000, 0)

    await handle(wallet_db, saga.on_reserve_stake, reserve)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=reserve.bet_id)
    assert reply["reason"] == BET_RELEASED
    assert await wallet_db.emitted("StakeReserved", bet_id=reserve.bet_id) == []
    assert await wallet_db.hold_status(reserve.bet_id) is None
    assert await wallet_db.balances(user) == (10_000, 0)
    assert [r["type"] for r in await wallet_db.history(user)] == ["deposit"]
    assert await audited(wallet_db, user) == [
        ("deposit_completed", None),
        ("stake_rejected", BET_RELEASED),
    ]


async def test_redelivered_release_and_reserve_change_nothing(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=5_000)
    reserve = make_reserve(user, 1_000)
    release = make_release(reserve, reason="bet.reservation_timeout")
    same_release = wrap(release)
    for envelope in (same_release, same_release, wrap(release)):  # redelivered, then renamed
        await handle(wallet_db, saga.on_release_stake, release, envelope)
    same_reserve = wrap(reserve)
    for envelope in (same_reserve, same_reserve, wrap(reserve)):
        await handle(wallet_db, saga.on_reserve_stake, reserve, envelope)
    await handle(wallet_db, saga.on_release_stake, release)  # a release after the rejection

    assert await tombstones(wallet_db, reserve.bet_id) == 1
    replies = await wallet_db.emitted("StakeReservationRejected", bet_id=reserve.bet_id)
    assert [r["reason"] for r in replies] == [BET_RELEASED] * 3  # every copy answered alike
    assert await wallet_db.hold_status(reserve.bet_id) is None
    assert await wallet_db.balances(user) == (5_000, 0)
    assert await audited(wallet_db, user) == [
        ("deposit_completed", None),
        ("stake_rejected", BET_RELEASED),  # the first rejection only
    ]


async def test_release_after_a_funds_rejection_leaves_no_tombstone(wallet_db: WalletDb) -> None:
    user, refused = await reserve_on_new_wallet(wallet_db, balance_minor=100, stake_minor=200)
    await handle(wallet_db, saga.on_release_stake, make_release(refused))
    assert await tombstones(wallet_db, refused.bet_id) == 0
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=refused.bet_id)
    assert reply["reason"] == "wallet.insufficient_funds"
    assert await wallet_db.balances(user) == (100, 0)


async def test_reserve_then_release_still_gives_the_stake_back_once(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=4_321)
    for _ in range(2):
        await handle(wallet_db, saga.on_release_stake, make_release(reserve))
    assert await wallet_db.hold_status(reserve.bet_id) == "voided"
    assert await tombstones(wallet_db, reserve.bet_id) == 0
    assert await wallet_db.balances(user) == (10_000, 0)


async def test_reservation_and_release_racing_end_one_way_or_the_other(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=100_000)
    reserves = [make_reserve(user, 1_000 + i) for i in range(8)]
    # each bet's reservation and release at the same time, each in its own transaction
    results = await asyncio.gather(
        *(
            handle(wallet_db, handler, message)
            for r in reserves
            for handler, message in (
                (saga.on_reserve_stake, r),
                (saga.on_release_stake, make_release(r)),
            )
        ),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    for r in reserves:
        status = await wallet_db.hold_status(r.bet_id)
        rejected = await wallet_db.emitted("StakeReservationRejected", bet_id=r.bet_id)
        if status is None:  # the release came first: tombstone, rejection, nothing held
            assert await tombstones(wallet_db, r.bet_id) == 1
            assert [x["reason"] for x in rejected] == [BET_RELEASED]
        else:  # the reservation came first: held, then given back
            assert status == "voided"
            assert await tombstones(wallet_db, r.bet_id) == 0
            assert rejected == []
    # whatever the order, every cent is back
    assert await wallet_db.balances(user) == (100_000, 0)


# --- over the bus ---------------------------------------------------------------------------


async def eventually(check: Callable[[], Any], timeout_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def worker(make_settings: Any, wallet_db: WalletDb) -> AsyncIterator[ServiceRuntime]:
    runtime = build(make_settings(Settings, consumer_batch_size=10, consumer_max_attempts=20))
    await runtime.start()
    try:
        assert runtime.broker is not None
        await runtime.broker.wait_connected(10)

        async def consuming() -> bool:
            return runtime.consumer is not None and runtime.consumer.queues is not None

        await eventually(consuming)
        yield runtime
    finally:
        await runtime.stop()


async def test_over_the_bus_a_release_first_is_acknowledged_and_the_reserve_rejected(
    wallet_db: WalletDb, worker: ServiceRuntime
) -> None:
    user = await make_wallet(wallet_db, balance_minor=7_000)
    reserve = make_reserve(user, 3_000)
    release = wrap(make_release(reserve, reason="bet.reservation_timeout"))
    reservation = wrap(reserve)
    settings = worker.settings

    async def deliver_twice(envelope: Envelope) -> None:
        # As bets' own broker user: the only one allowed to publish bets.* keys.
        await publish_as_producers(
            settings.rabbitmq_url, settings.exchange_name, envelope, envelope
        )

        async def handled() -> bool:
            found = await wallet_db.count(
                "SELECT count(*) FROM wallet.inbox WHERE event_id = :id", id=envelope.event_id
            )
            return found == 1

        await eventually(handled)

    await deliver_twice(release)  # handled (acknowledged) before the reservation is sent
    assert await wallet_db.balances(user) == (7_000, 0)
    await deliver_twice(reservation)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=reserve.bet_id)
    assert reply["reason"] == BET_RELEASED
    assert await wallet_db.hold_status(reserve.bet_id) is None
    assert await wallet_db.balances(user) == (7_000, 0)
