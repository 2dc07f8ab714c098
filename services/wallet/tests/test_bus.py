"""The wallet's consumers on the real bus (RabbitMQ + outbox/inbox): redelivery of every message
type moves money once, early messages are retried until they apply, 50 concurrent reservations
through two competing consumer replicas never overdraw."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY
from pydantic import BaseModel
from services.wallet.tests.support.ledger import (
    WalletDb,
    deposit,
    make_cancelled,
    make_placed,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
)
from sqlalchemy import text

from common.contracts.auth import UserBlocked, UserRegistered
from common.messaging.envelope import Envelope, wrap
from common.runtime import ServiceRuntime
from common.testing.broker import publish_as_producers
from wallet.bootstrap import build
from wallet.settings import Settings


async def eventually(check: Callable[[], Any], timeout_s: float = 15.0) -> Any:
    """The check's first truthy result, polled until ``timeout_s``."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def start(settings: Settings) -> ServiceRuntime:
    runtime = build(settings)
    await runtime.start()
    try:
        assert runtime.broker is not None
        await runtime.broker.wait_connected(10)
        await eventually(
            lambda: runtime.consumer is not None and runtime.consumer.queues is not None
        )
    except BaseException:
        await runtime.stop()
        raise
    return runtime


@pytest.fixture
async def replicas(make_settings: Any, wallet_db: WalletDb) -> AsyncIterator[list[ServiceRuntime]]:
    """Two wallet workers competing on the wallet queue (small batches, quick retries).

    The retry delay is the session's (make_settings): it is part of the retry queue's declaration.
    """
    settings = make_settings(
        Settings, consumer_batch_size=10, consumer_concurrency=2, consumer_max_attempts=20
    )
    runtimes: list[ServiceRuntime] = []
    try:
        for _ in range(2):
            runtimes.append(await start(settings))
        yield runtimes
    finally:
        for runtime in runtimes:
            await runtime.stop()


async def saga_audit(db: WalletDb, user: uuid.UUID) -> dict[str, int]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action, count(*) AS n FROM wallet.audit_log WHERE user_id = :u"
                " AND (action LIKE 'stake_%' OR action LIKE 'bet_%') GROUP BY action"
            ),
            {"u": user},
        )
        return {r.action: int(r.n) for r in rows}


async def publish(runtime: ServiceRuntime, *messages: BaseModel | Envelope) -> list[Envelope]:
    """Onto ``runtime``'s bus, each message as its producer's own broker user (bets, auth)."""
    envelopes = [m if isinstance(m, Envelope) else wrap(m) for m in messages]
    settings = runtime.settings
    await publish_as_producers(settings.rabbitmq_url, settings.exchange_name, *envelopes)
    return envelopes


async def inbox_has(db: WalletDb, *envelopes: Envelope) -> bool:
    ids = [e.event_id for e in envelopes]
    found = await db.count("SELECT count(*) FROM wallet.inbox WHERE event_id = ANY(:ids)", ids=ids)
    return found == len(set(ids))


async def test_every_message_type_delivered_twice_and_renamed_moves_money_once(
    wallet_db: WalletDb, replicas: list[ServiceRuntime]
) -> None:
    bus = replicas[0]
    user = uuid.uuid4()
    registered = wrap(UserRegistered(user_id=user, email="a@b.cd", name="Anna"))
    first = await publish(bus, registered, registered)
    await eventually(lambda: inbox_has(wallet_db, *first))

    await deposit(wallet_db, user, 10_000)
    won, lost, void, released, cancelled = (make_reserve(user, 1_000) for _ in range(5))
    steps: list[BaseModel] = [
        *(r for r in (won, lost, void, released, cancelled)),
        *(make_placed(r) for r in (won, lost, void, released, cancelled)),
        make_settled(won, "won", payout_minor=2_100),
        make_settled(lost, "lost"),
        make_settled(void, "void"),
        make_release(released),
        make_cancelled(cancelled),
        make_release(cancelled),
    ]
    for step in steps:
        envelope = wrap(step)
        # the same envelope twice (a redelivery) and the same payload under a new event_id
        sent = await publish(bus, envelope, envelope, wrap(step))
        await eventually(lambda sent=sent: inbox_has(wallet_db, *sent))
    resettled = make_resettled(won, "won", "lost", -2_100)
    sent = await publish(bus, *(3 * [wrap(resettled)]), wrap(resettled))
    await eventually(lambda: inbox_has(wallet_db, *sent))
    blocked = await publish(bus, *(2 * [wrap(UserBlocked(user_id=user, reason="x"))]))
    await eventually(lambda: inbox_has(wallet_db, *blocked))
    again = await publish(bus, UserRegistered(user_id=user, email="a@b.cd", name="Anna"))
    await eventually(lambda: inbox_has(wallet_db, *again))

    # 100.00 - 10.00 (lost) + 21.00 - 10.00 (won, 2.10) - 21.00 (resettled to lost)
    assert await wallet_db.balances(user) == (10_000 - 1_000 - 1_000, 0)
    assert [
        await wallet_db.hold_status(r.bet_id) for r in (won, lost, void, released, cancelled)
    ] == ["posted", "posted", "voided", "voided", "voided"]
    types = [r["type"] for r in await wallet_db.history(user)]
    assert types.count("bet_placed") == 5
    assert types.count("refund") == 3
    assert types.count("bet_won") == types.count("bet_lost") == types.count("bet_resettled") == 1
    replies = await wallet_db.emitted("StakeReserved", user_id=user)
    assert len(replies) == 10  # each reservation answered twice (two event_ids), one hold each
    assert len({r["hold_id"] for r in replies}) == 5
    # one audit row per money action, none for a redelivery or a renamed duplicate
    assert await saga_audit(wallet_db, user) == {
        "stake_reserved": 5,
        "bet_settled": 3,
        "stake_released": 2,
        "bet_resettled": 1,
    }
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.wallet WHERE user_id = :u AND status = 'blocked'", u=user
        )
        == 1
    )


async def test_settle_that_arrives_before_its_reservation_is_retried_until_it_applies(
    wallet_db: WalletDb, replicas: list[ServiceRuntime]
) -> None:
    user = await make_wallet(wallet_db, balance_minor=5_000)
    reserve = make_reserve(user, 2_000)
    settled = await publish(replicas[0], make_settled(reserve, "won", payout_minor=4_200))
    await asyncio.sleep(0.5)  # it has failed at least once by now
    assert await wallet_db.balances(user) == (5_000, 0)
    assert not await inbox_has(wallet_db, *settled)
    reserved = await publish(replicas[1], reserve)
    await eventually(lambda: inbox_has(wallet_db, *settled, *reserved))
    assert await wallet_db.balances(user) == (5_000 - 2_000 + 4_200, 0)
    assert await wallet_db.hold_status(reserve.bet_id) == "posted"


async def test_fifty_reservations_through_two_competing_consumers(
    wallet_db: WalletDb, replicas: list[ServiceRuntime]
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10 * 1_000)
    commands = [make_reserve(user, 1_000) for _ in range(50)]
    sent = await publish(replicas[0], *commands)
    await eventually(lambda: inbox_has(wallet_db, *sent), timeout_s=30)
    assert len(await wallet_db.emitted("StakeReserved", user_id=user)) == 10
    assert len(await wallet_db.emitted("StakeReservationRejected", user_id=user)) == 40
    assert await wallet_db.balances(user) == (0, 10_000)
    assert await saga_audit(wallet_db, user) == {"stake_reserved": 10, "stake_rejected": 40}


async def test_a_forged_settlement_is_dead_lettered_credits_nothing_and_is_counted_once(
    make_settings: Any, wallet_db: WalletDb
) -> None:
    """Issue 20: BetSettled paying past the bet's potential win (from its ReserveStake)."""
    settings = make_settings(Settings, consumer_max_attempts=20)
    runtime = await start(settings)
    try:
        user = await make_wallet(wallet_db, balance_minor=10_000)
        reserve = make_reserve(user, 1_000, potential_win_minor=1_850)  # 10.00 at 1.85
        reserved = await publish(runtime, reserve)
        await eventually(lambda: inbox_has(wallet_db, *reserved))
        before = await wallet_db.balances(user)
        counted = refused_payouts()

        [forged] = await publish(runtime, make_settled(reserve, "won", payout_minor=100_000_000))
        assert runtime.consumer is not None
        queues = runtime.consumer.queues
        assert queues is not None
        # At once, by its verdict, not after the retries (there are 20 to spare).
        assert await eventually(lambda: dead_lettered(queues, forged)) == "payout_refused"

        assert await wallet_db.balances(user) == before == (9_000, 1_000)
        assert await wallet_db.hold_status(reserve.bet_id) == "pending"
        assert not await inbox_has(wallet_db, forged)
        assert refused_payouts() == counted + 1  # once, though handled twice (and in a batch)
        refusals = await wallet_db.count(
            "SELECT count(*) FROM wallet.audit_log WHERE action = 'payout_refused'"
            " AND details ->> 'event_id' = :e",
            e=str(forged.event_id),
        )
        assert refusals == 1
        # the genuine settlement, paying exactly the potential win, goes through
        genuine = await publish(runtime, make_settled(reserve, "won", payout_minor=1_850))
        await eventually(lambda: inbox_has(wallet_db, *genuine))
        assert await wallet_db.balances(user) == (9_000 + 1_850, 0)
    finally:
        await runtime.stop()


def refused_payouts() -> float:
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "wallet_payouts_refused"
        for sample in metric.samples
        if sample.name == "wallet_payouts_refused_total"
    )


async def dead_lettered(queues: Any, envelope: Envelope) -> str | None:
    """Why the envelope is in the wallet's DLQ, once it is (other dead messages are taken out
    on the way); None while it is not."""
    while (message := await queues.dead_letter.get(fail=False, timeout=5)) is not None:
        await message.ack()
        if Envelope.model_validate_json(message.body).event_id == envelope.event_id:
            return str((message.headers or {}).get("x-looseline-dead-reason"))
    return None
