"""The bus on real PostgreSQL and RabbitMQ: outbox, relay, inbox consumer, retries, DLQ."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import text

from common.messaging.broker import Broker
from common.messaging.consumer import Consumer, MessageContext
from common.messaging.envelope import Envelope, MessageRegistry, MessageSpec
from common.messaging.outbox import add_to_outbox
from common.messaging.relay import OutboxRelay
from common.testing.broker import BrokerNamespace
from common.testing.bus import BusTap, open_bus_tap


class Ping(BaseModel):
    note: str


TEST_REGISTRY = MessageRegistry()
# Published by bets' user (the only one allowed bets.* keys), as a real producer would be.
TEST_REGISTRY.add(MessageSpec(producer="bets", type="Ping", version=1, model=Ping))


def ping(note: str, event_id: uuid.UUID | None = None) -> Envelope:
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type="Ping",
        version=1,
        producer="bets",
        payload={"note": note},
    )


async def eventually(check: Callable[[], Any], timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def broker(broker_namespace: BrokerNamespace) -> AsyncIterator[Broker]:
    b = Broker(broker_namespace.url_for("bets"), exchange_name=broker_namespace.exchange_name)
    await b.start()
    await b.wait_connected(10)
    yield b
    await b.stop()


@pytest.fixture
async def tap(broker_namespace: BrokerNamespace) -> AsyncIterator[BusTap]:
    async with open_bus_tap(broker_namespace) as result:
        yield result


def relay_for(scratch: Any, broker: Broker, **kwargs: Any) -> OutboxRelay:
    return OutboxRelay(
        service="test",
        schema=scratch.schema,
        engine=scratch.engine,
        broker=broker,
        database_url=scratch.url,
        poll_interval_s=kwargs.pop("poll_interval_s", 0.2),
        **kwargs,
    )


@contextlib.asynccontextmanager
async def running(*coroutines: Any) -> AsyncIterator[list[asyncio.Task[Any]]]:
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        yield tasks
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def unpublished(scratch: Any) -> int:
    async with scratch.engine.connect() as conn:
        return int(
            await conn.scalar(
                text(f"SELECT count(*) FROM {scratch.schema}.outbox WHERE published_at IS NULL")
            )
        )


# --- outbox + relay --------------------------------------------------------------------


async def test_rolled_back_outbox_row_is_never_published_and_committed_one_is(
    scratch: Any, broker: Broker, tap: BusTap
) -> None:
    kept, dropped = ping("kept"), ping("dropped")
    async with scratch.sessionmaker.begin() as session:
        await add_to_outbox(session, scratch.schema, kept)
    with contextlib.suppress(RuntimeError):
        async with scratch.sessionmaker.begin() as session:
            await add_to_outbox(session, scratch.schema, dropped)
            raise RuntimeError("business rule failed after the outbox insert")

    async with running(relay_for(scratch, broker).run()):
        await eventually(lambda: str(kept.event_id) in tap.event_ids())
        await asyncio.sleep(0.5)  # give a wrongly kept row every chance to show up
    assert tap.event_ids() == [str(kept.event_id)]
    assert await unpublished(scratch) == 0


async def test_notify_wakes_the_relay_long_before_the_polling_interval(
    scratch: Any, broker: Broker, tap: BusTap
) -> None:
    relay = relay_for(scratch, broker, poll_interval_s=30)
    async with running(relay.run()):
        await asyncio.sleep(0.5)  # relay idle, listening
        message = ping("wake")
        async with scratch.sessionmaker.begin() as session:
            await add_to_outbox(session, scratch.schema, message)
        await eventually(lambda: str(message.event_id) in tap.event_ids(), timeout_s=5)


async def test_message_committed_while_relay_is_dead_is_delivered_once_after_restart(
    scratch: Any, broker: Broker, tap: BusTap
) -> None:
    first = relay_for(scratch, broker)
    task = asyncio.create_task(first.run())
    await asyncio.sleep(0.3)
    task.cancel()  # the relay dies...
    await asyncio.gather(task, return_exceptions=True)
    message = ping("after-crash")
    async with scratch.sessionmaker.begin() as session:  # ...after the commit, before publish
        await add_to_outbox(session, scratch.schema, message)
    await asyncio.sleep(0.3)
    assert tap.event_ids() == []

    async with running(relay_for(scratch, broker).run(), relay_for(scratch, broker).run()):
        await eventually(lambda: str(message.event_id) in tap.event_ids())
        await asyncio.sleep(0.5)
    assert tap.event_ids() == [str(message.event_id)]
    assert await unpublished(scratch) == 0


async def test_relay_killed_repeatedly_mid_flight_loses_nothing_and_effects_apply_once(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    consumer = make_consumer(scratch, broker, broker_namespace, record_effect)
    await consumer.start()
    messages = [ping(f"m{i}") for i in range(300)]
    async with scratch.sessionmaker.begin() as session:
        await add_to_outbox(session, scratch.schema, *messages)
    for _ in range(6):  # kill the relay at arbitrary points of its batches
        task = asyncio.create_task(relay_for(scratch, broker, batch_size=20).run())
        await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with running(relay_for(scratch, broker).run()):
        await eventually(lambda: unpublished_is_zero(scratch))
        await eventually(lambda: effects_count(scratch, 300), timeout_s=15)
    effects = await scratch.effects()
    assert sorted(e for e, _ in effects) == sorted(str(m.event_id) for m in messages)
    await consumer.stop()


async def test_two_relays_publish_every_row_exactly_once(
    scratch: Any, broker: Broker, tap: BusTap
) -> None:
    messages = [ping(f"n{i}") for i in range(500)]
    for start in range(0, 500, 50):  # many small commits, as real traffic arrives
        async with scratch.sessionmaker.begin() as session:
            await add_to_outbox(session, scratch.schema, *messages[start : start + 50])
    one = relay_for(scratch, broker, batch_size=25)
    two = relay_for(scratch, broker, batch_size=25)
    async with running(one.run(), two.run()):
        await eventually(lambda: len(tap.envelopes) >= 500, timeout_s=20)
        await asyncio.sleep(0.5)
    ids = tap.event_ids()
    assert len(ids) == 500, "a row was published twice or lost"
    assert set(ids) == {str(m.event_id) for m in messages}


async def test_relay_backs_off_while_broker_is_down_then_publishes(
    scratch: Any, broker_namespace: BrokerNamespace, broker: Broker, tap: BusTap
) -> None:
    dead = Broker("amqp://guest:guest@127.0.0.1:1/", exchange_name=broker_namespace.exchange_name)
    relay = relay_for(scratch, dead)
    dead._connected.set()  # pretend it connected once and then lost the broker
    message = ping("waits")
    async with scratch.sessionmaker.begin() as session:
        await add_to_outbox(session, scratch.schema, message)
    async with running(relay.run()):
        await asyncio.sleep(0.8)
    assert await unpublished(scratch) == 1  # kept, not dropped, while the broker is gone
    async with running(relay_for(scratch, broker).run()):
        await eventually(lambda: str(message.event_id) in tap.event_ids())


# --- consumer + inbox ------------------------------------------------------------------


async def record_effect(payload: Ping, ctx: MessageContext) -> None:
    await ctx.session.execute(
        text(f"INSERT INTO {ctx.schema}.effect (event_id, note) VALUES (:e, :n)"),
        {"e": ctx.envelope.event_id, "n": payload.note},
    )


def make_consumer(
    scratch: Any, broker: Broker, ns: BrokerNamespace, handler: Any, **kwargs: Any
) -> Consumer:
    # One queue per test (named after its scratch schema): no test sees another's messages. It
    # sits under bets' names, the only queues the bets user may create.
    service = f"bets.consumer-{scratch.schema}"
    ns.queue_names(service)
    return Consumer(
        service=service,
        schema=scratch.schema,
        broker=broker,
        sessionmaker=scratch.sessionmaker,
        subscriptions={Ping: handler},
        queue_prefix=ns.queue_prefix,
        prefetch=kwargs.pop("prefetch", 16),
        max_attempts=kwargs.pop("max_attempts", 3),
        retry_delay_ms=kwargs.pop("retry_ms", 100),
        message_registry=TEST_REGISTRY,
        **kwargs,
    )


async def unpublished_is_zero(scratch: Any) -> bool:
    return await unpublished(scratch) == 0


async def effects_count(scratch: Any, n: int) -> bool:
    return len(await scratch.effects()) >= n


async def publish_raw(broker: Broker, *envelopes: Envelope) -> None:
    await broker.publish(
        (e.routing_key, e.model_dump_json().encode(), str(e.event_id), {}) for e in envelopes
    )


async def test_duplicate_delivery_to_two_concurrent_consumers_has_one_effect(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    entered = asyncio.Event()

    async def slow_effect(payload: Ping, ctx: MessageContext) -> None:
        entered.set()
        await record_effect(payload, ctx)
        await asyncio.sleep(0.3)  # the twin arrives while this transaction is open

    first = make_consumer(scratch, broker, broker_namespace, slow_effect)
    second = make_consumer(scratch, broker, broker_namespace, slow_effect)
    await first.start()
    await second.start()
    twin = uuid.uuid4()
    await publish_raw(broker, ping("twin", twin), ping("twin", twin))
    await eventually(lambda: entered.is_set())
    await asyncio.sleep(1.0)
    # and a third, late redelivery of the same event
    await publish_raw(broker, ping("twin", twin))
    await asyncio.sleep(0.5)
    assert await scratch.effects() == [(str(twin), "twin")]
    async with scratch.engine.connect() as conn:
        inbox = await conn.scalar(text(f"SELECT count(*) FROM {scratch.schema}.inbox"))
    assert inbox == 1
    await first.stop()
    await second.stop()


@pytest.mark.parametrize("prefetch", [1, 64], ids=["one-by-one", "batched"])
async def test_poison_message_is_dead_lettered_after_n_attempts_while_others_flow(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace, prefetch: int
) -> None:
    attempts: dict[str, int] = {}

    async def fails_on_poison(payload: Ping, ctx: MessageContext) -> None:
        attempts[payload.note] = attempts.get(payload.note, 0) + 1
        if payload.note == "poison":
            raise ValueError("cannot handle this one")
        await record_effect(payload, ctx)

    # batched: the poison message shares a transaction with the others, which must still commit
    consumer = make_consumer(
        scratch, broker, broker_namespace, fails_on_poison, prefetch=prefetch, concurrency=1
    )
    await consumer.start()
    poison = ping("poison")
    behind = [ping(f"ok{i}") for i in range(20)]
    await publish_raw(broker, poison, *behind)
    # the healthy messages behind it are handled while the poison one waits out its retries
    await eventually(lambda: effects_count(scratch, 20), timeout_s=5)
    assert attempts.get("poison", 0) < 3
    assert all(attempts[f"ok{i}"] <= 2 for i in range(20))  # at most its batch's first try
    await eventually(lambda: attempts.get("poison") == 3, timeout_s=10)
    await eventually(lambda: dlq_has(consumer, 1), timeout_s=5)
    assert {note for _, note in await scratch.effects()} == {f"ok{i}" for i in range(20)}

    assert consumer.queues is not None
    dead = await consumer.queues.dead_letter.get(timeout=5)
    assert dead is not None
    assert Envelope.model_validate_json(dead.body).event_id == poison.event_id
    assert dead.headers["x-looseline-dead-reason"] == "max_attempts"
    await dead.ack()
    await consumer.stop()


async def dlq_has(consumer: Consumer, n: int) -> bool:
    return await consumer.dead_letter_depth() >= n


async def test_unreadable_and_unknown_messages_go_straight_to_the_dlq(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    consumer = make_consumer(scratch, broker, broker_namespace, record_effect)
    await consumer.start()
    unknown_version = Envelope(type="Ping", version=9, producer="bets", payload={"note": "x"})
    await broker.publish([("bets.Ping", b"{not json", "raw-1", {})])
    await publish_raw(broker, unknown_version)
    await eventually(lambda: dlq_has(consumer, 2), timeout_s=5)
    assert await scratch.effects() == []
    await consumer.stop()


async def test_follow_up_messages_carry_correlation_and_causation(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    async def reply(payload: Ping, ctx: MessageContext) -> None:
        if payload.note == "question":
            await add_to_outbox(ctx.session, ctx.schema, ping("answer"))

    consumer = make_consumer(scratch, broker, broker_namespace, reply)
    await consumer.start()
    question = Envelope(
        type="Ping",
        version=1,
        producer="bets",
        payload={"note": "question"},
        correlation_id="req-42",
    )
    await publish_raw(broker, question)

    async def answer_row() -> Any:
        async with scratch.engine.connect() as conn:
            return await conn.scalar(
                text(
                    f"SELECT body FROM {scratch.schema}.outbox "
                    "WHERE body->'payload'->>'note' = 'answer'"
                )
            )

    await eventually(answer_row)
    answer = Envelope.model_validate(await answer_row())
    assert answer.correlation_id == "req-42"  # the chain keeps the id that started it
    assert answer.causation_id == str(question.event_id)  # and names its direct cause
    await consumer.stop()
