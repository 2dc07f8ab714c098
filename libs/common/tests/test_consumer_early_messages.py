"""A message that comes before the one it builds on waits for it (found by the chaos run,
issue 21): a wallet correction (``BetResettled``) whose settlement a paused replica held for
longer than the bounded retries was dead-lettered, and the correction never paid. A handler
raising ``EarlierMessagePending`` is retried past ``max_attempts`` while the message is younger
than ``wait_for_earlier_s``; then it is dead-lettered like any other failure.
"""

from __future__ import annotations

import asyncio
from typing import Any

from libs.common.tests.test_bus import (
    Ping,
    broker,
    dlq_has,
    eventually,
    make_consumer,
    ping,
    publish_raw,
    record_effect,
)

from common.errors import EarlierMessagePending
from common.messaging.broker import Broker
from common.messaging.consumer import MessageContext
from common.testing.broker import BrokerNamespace

__all__ = ["broker"]  # the fixture, shared with test_bus


class SettlementNotHereYet(EarlierMessagePending):
    pass


def waiting_for(predecessor: asyncio.Event, attempts: list[str]) -> Any:
    async def handler(payload: Ping, ctx: MessageContext) -> None:
        attempts.append(payload.note)
        if not predecessor.is_set():
            raise SettlementNotHereYet(f"{payload.note}: its settlement is still on its way")
        await record_effect(payload, ctx)

    return handler


async def test_an_early_message_outlives_max_attempts_until_its_predecessor_arrives(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    predecessor, attempts = asyncio.Event(), []
    consumer = make_consumer(
        scratch, broker, broker_namespace, waiting_for(predecessor, attempts), max_attempts=2
    )
    await consumer.start()
    try:
        early = ping("correction")
        await publish_raw(broker, early)
        # Far more tries than max_attempts (2, 100 ms apart): still retried, not dead-lettered.
        await eventually(lambda: len(attempts) >= 6, timeout_s=10)
        assert not await dlq_has(consumer, 1)
        predecessor.set()
        await eventually(lambda: _effects_are(scratch, [(str(early.event_id), "correction")]))
        assert not await dlq_has(consumer, 1)
    finally:
        await consumer.stop()


async def test_an_early_message_is_dead_lettered_once_it_has_waited_long_enough(
    scratch: Any, broker: Broker, broker_namespace: BrokerNamespace
) -> None:
    predecessor, attempts = asyncio.Event(), []
    consumer = make_consumer(
        scratch,
        broker,
        broker_namespace,
        waiting_for(predecessor, attempts),
        max_attempts=2,
        wait_for_earlier_s=0.5,
    )
    await consumer.start()
    try:
        await publish_raw(broker, ping("orphan"))
        await eventually(lambda: dlq_has(consumer, 1), timeout_s=10)
        assert consumer.queues is not None
        dead = await consumer.queues.dead_letter.get(timeout=5)
        assert dead is not None
        assert dead.headers["x-looseline-dead-reason"] == "max_attempts"
        await dead.ack()
        assert await scratch.effects() == []
    finally:
        await consumer.stop()


async def _effects_are(scratch: Any, expected: list[tuple[str, str]]) -> bool:
    return await scratch.effects() == expected
