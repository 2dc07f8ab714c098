"""A consumer outlives its connection, and starts whenever the broker lets it (found by the
chaos run, issue 21).

RabbitMQ restarts, or a network cut closes the consumer's connection, while a batch is in the
handler. The batch commits, then its ack fails on the channel that is gone. That failure must
not end the worker task: the broker redelivers every unacked message on the new channel, the
inbox turns each redelivery into a no-op, and later messages are handled. Before the fix the
ack's exception escaped the worker loop and the consumer stayed connected but never handled
another message.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx
from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from libs.common.tests.test_bus import broker, eventually, publish_raw
from libs.common.tests.test_consumer_batches import Recorder, consumer_for, envelope

from common.messaging.broker import Broker
from common.messaging.envelope import Envelope
from common.testing.broker import BrokerNamespace

__all__ = ["broker"]  # the fixture, shared with test_bus

MANAGEMENT = "http://127.0.0.1:15672"


async def close_connections(ns: BrokerNamespace) -> int:
    """Close every client connection of the namespace's vhost (what a broker restart does);
    the management API lists a new connection only after its next stats tick."""
    url = f"/api/vhosts/{quote(ns.vhost, safe='')}/connections"
    async with httpx.AsyncClient(base_url=MANAGEMENT, auth=("guest", "guest")) as api:
        for _ in range(100):
            found = (await api.get(url)).json()
            if found:
                break
            await asyncio.sleep(0.1)
        for connection in found:
            await api.delete(f"/api/connections/{quote(connection['name'], safe='')}")
        return len(found)


async def publish_once_reconnected(broker: Broker, message: Envelope) -> None:
    """Publish as soon as the broker's connection is back (a publish on the closing one fails)."""
    for _ in range(150):
        try:
            await publish_raw(broker, message)
            return
        except (AMQPError, ChannelInvalidStateError, asyncio.CancelledError):
            # CancelledError: aiormq cancels a publish's future when its connection closes.
            await asyncio.sleep(0.2)
    raise AssertionError("the broker did not reconnect within 30 s")


async def test_a_consumer_keeps_consuming_after_its_connection_drops_mid_batch(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    rec = Recorder()
    consumer = consumer_for(scratch, broker, broker_namespace, rec)
    await consumer.start()
    try:
        await publish_raw(broker, envelope("Tock", "blocker"))
        await eventually(rec.entered.is_set)
        await publish_raw(broker, envelope("Tock", "queued"))  # delivered on the old channel
        await eventually(lambda: consumer._pending.qsize() == 1)
        assert await close_connections(broker_namespace) >= 1
        rec.gate.set()  # both commit; their acks go to a channel that is gone
        await publish_once_reconnected(broker, envelope("Tock", "after"))

        async def all_handled() -> bool:
            notes = {note for _, note in await scratch.effects()}
            return {"tock:blocker", "tock:queued", "tock:after"} <= notes

        await eventually(all_handled, timeout_s=30)
        # Redelivered after the reconnect, the first two were duplicates: each took effect once.
        counts = Counter(note for _, note in await scratch.effects())
        assert counts == {"tock:blocker": 1, "tock:queued": 1, "tock:after": 1}
        assert all(not worker.done() for worker in consumer._workers)
    finally:
        await consumer.stop()


async def test_a_process_starting_during_a_broker_restart_still_starts_its_consumer(
    broker_namespace: BrokerNamespace,
) -> None:
    """The broker accepted the connection, then closed it while the consumer declared its
    queues (a restart under way): the connect loop used to die with the on-connect error, the
    consumer never started and the process stayed unready for good. It starts over instead."""
    broker = Broker(broker_namespace.url_for("bets"), exchange_name=broker_namespace.exchange_name)
    attempts: list[str] = []

    async def declare_queues() -> None:  # stands for Consumer.start
        attempts.append("declare")
        if len(attempts) == 1:
            assert await close_connections(broker_namespace) >= 1  # the restart, mid-declare
            # Declare until the close reaches the client: that declare fails mid-callback.
            for _ in range(100):
                channel = await broker.connection.channel()
                await channel.close()
                await asyncio.sleep(0.1)
            raise AssertionError("the broker's close never reached the client")
        channel = await broker.connection.channel()
        await channel.close()

    broker.on_connect(declare_queues)
    await broker.start()
    try:
        await eventually(lambda: len(attempts) >= 2 and broker.is_ready(), timeout_s=30)
        assert attempts == ["declare", "declare"]
    finally:
        await broker.stop()
