"""Batch handlers in the consumer, on real PostgreSQL and RabbitMQ.

A ``Batched`` subscription gets the consecutive new deliveries routed to it at once (after
inbox de-duplication), in the batch's one transaction, the order across handlers kept; a
failure rolls the batch back and the culprit search hands it lists of one.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from libs.common.tests.test_bus import broker, dlq_has, eventually, publish_raw
from pydantic import BaseModel
from sqlalchemy import text

from common.contracts.wallet import StakeReservationRejected
from common.messaging.broker import Broker
from common.messaging.consumer import BatchContext, Batched, BatchItems, Consumer, MessageContext
from common.messaging.envelope import Envelope, MessageRegistry, MessageSpec
from common.testing.broker import BrokerNamespace

__all__ = ["broker"]  # the fixture, shared with test_bus


class Tick(BaseModel):
    note: str


class Tock(BaseModel):
    note: str


REGISTRY = MessageRegistry()
REGISTRY.add(MessageSpec(producer="bets", type="Tick", version=1, model=Tick))
REGISTRY.add(MessageSpec(producer="bets", type="Tock", version=1, model=Tock))


def envelope(kind: str, note: str, event_id: uuid.UUID | None = None) -> Envelope:
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=kind,
        version=1,
        producer="bets",
        payload={"note": note},
        correlation_id=f"corr-{note}",
    )


async def record(session: Any, schema: str, event_id: uuid.UUID, note: str) -> None:
    await session.execute(
        text(f"INSERT INTO {schema}.effect (event_id, note) VALUES (:e, :n)"),
        {"e": event_id, "n": note},
    )


def reply(note: str) -> StakeReservationRejected:
    return StakeReservationRejected(bet_id=uuid.uuid4(), user_id=uuid.uuid4(), reason=note)


class Recorder:
    """A batch handler for Tick (and a per-message one for Tock) that records what it saw."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def ticks(self, items: BatchItems, ctx: BatchContext) -> None:
        notes = [payload.note for payload, _ in items]
        self.calls.append(notes)
        if "poison" in notes:
            raise ValueError("cannot handle a poison tick")
        for payload, env in items:
            await record(ctx.session, ctx.schema, env.event_id, f"tick:{payload.note}")
        # any registered contract will do as the follow-up; its reason names the tick
        await ctx.emit([(env, reply(f"reply.{payload.note}")) for payload, env in items])

    async def tock(self, payload: Tock, ctx: MessageContext) -> None:
        if payload.note == "blocker":  # holds the worker while the rest queues up behind it
            self.entered.set()
            await self.gate.wait()
        await record(ctx.session, ctx.schema, ctx.envelope.event_id, f"tock:{payload.note}")


def consumer_for(scratch: Any, broker: Broker, ns: BrokerNamespace, rec: Recorder) -> Consumer:
    service = f"bets.consumer-{scratch.schema}"
    ns.queue_names(service)
    return Consumer(
        service=service,
        schema=scratch.schema,
        broker=broker,
        sessionmaker=scratch.sessionmaker,
        subscriptions={Tick: Batched(rec.ticks), Tock: rec.tock},
        queue_prefix=ns.queue_prefix,
        prefetch=64,
        max_attempts=2,
        retry_delay_ms=100,
        concurrency=1,
        message_registry=REGISTRY,
    )


async def queued_behind_blocker(
    broker: Broker, consumer: Consumer, rec: Recorder, *envelopes: Envelope
) -> None:
    """Publish a blocking Tock, then ``envelopes`` while it holds the worker, then release it:
    the worker's next batch is exactly ``envelopes``."""
    await publish_raw(broker, envelope("Tock", "blocker"))
    await eventually(rec.entered.is_set)
    await publish_raw(broker, *envelopes)
    await eventually(lambda: consumer._pending.qsize() == len(envelopes))
    rec.gate.set()


async def outbox_replies(scratch: Any) -> dict[str, tuple[str, str]]:
    async with scratch.engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT body FROM {scratch.schema}.outbox"))
        bodies = [Envelope.model_validate(r[0]) for r in rows]
    return {e.payload["reason"]: (str(e.correlation_id), str(e.causation_id)) for e in bodies}


async def test_consecutive_deliveries_reach_the_batch_handler_at_once_in_order(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    rec = Recorder()
    consumer = consumer_for(scratch, broker, broker_namespace, rec)
    await consumer.start()
    twin = uuid.uuid4()
    sent = [
        envelope("Tick", "a"),
        envelope("Tick", "b", twin),
        envelope("Tick", "b", twin),  # a twin in the same batch: handed over once
        envelope("Tick", "c"),
        envelope("Tock", "x"),
        envelope("Tick", "d"),
        envelope("Tick", "e"),
    ]
    await queued_behind_blocker(broker, consumer, rec, *sent)
    await eventually(lambda: _count(scratch, 7))
    # runs split by the Tock in between, the twin gone, the order kept across handlers
    assert rec.calls == [["a", "b", "c"], ["d", "e"]]
    notes = [note for _, note in await scratch.effects()]
    assert notes == [
        "tock:blocker",
        "tick:a",
        "tick:b",
        "tick:c",
        "tock:x",
        "tick:d",
        "tick:e",
    ]
    # each follow-up carries its own message's correlation and causation, not the batch's
    replies = await outbox_replies(scratch)
    by_note = {e.payload["note"]: e for e in sent}
    assert replies == {
        f"reply.{n}": (f"corr-{n}", str(by_note[n].event_id)) for n in ["a", "b", "c", "d", "e"]
    }
    await consumer.stop()


async def test_a_failing_batch_rolls_back_and_is_retried_one_message_at_a_time(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    rec = Recorder()
    consumer = consumer_for(scratch, broker, broker_namespace, rec)
    await consumer.start()
    sent = [envelope("Tick", n) for n in ["a", "poison", "c"]]
    await queued_behind_blocker(broker, consumer, rec, *sent)
    await eventually(lambda: dlq_has(consumer, 1), timeout_s=10)
    # the batch, then each message alone (the culprit search), then the poison's one retry
    assert rec.calls[:4] == [["a", "poison", "c"], ["a"], ["poison"], ["c"]]
    assert rec.calls[4:] == [["poison"]]
    assert [note for _, note in await scratch.effects()] == ["tock:blocker", "tick:a", "tick:c"]
    assert set(await outbox_replies(scratch)) == {"reply.a", "reply.c"}  # nothing of the poison
    await consumer.stop()


async def _count(scratch: Any, n: int) -> bool:
    return len(await scratch.effects()) >= n
