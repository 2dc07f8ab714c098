"""A tap on the test exchange: every message published there, as envelopes, for assertions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika

from common.messaging.envelope import Envelope
from common.testing.broker import BrokerNamespace


class BusTap:
    """What a queue bound to ``#`` received (raw deliveries: duplicates are kept)."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    def event_ids(self) -> list[str]:
        return [str(e.event_id) for e in self.envelopes]

    def of(self, type_: str, **payload: Any) -> list[Envelope]:
        return [
            e
            for e in self.envelopes
            if e.type == type_ and all(e.payload.get(k) == v for k, v in payload.items())
        ]

    async def wait_for(
        self, type_: str, count: int = 1, timeout_s: float = 10.0, **payload: Any
    ) -> list[Envelope]:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(found := self.of(type_, **payload)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{count} x {type_} {payload} not published: {found}")
            await asyncio.sleep(0.05)
        return found


@asynccontextmanager
async def open_bus_tap(namespace: BrokerNamespace, name: str = "tap") -> AsyncIterator[BusTap]:
    connection = await aio_pika.connect(namespace.url)
    channel = await connection.channel()
    exchange = await channel.get_exchange(namespace.exchange_name)
    queue_name = f"{namespace.queue_prefix}{name}.{uuid.uuid4().hex[:6]}"
    namespace.track(queue_name)
    queue = await channel.declare_queue(queue_name, auto_delete=True)
    await queue.bind(exchange, routing_key="#")
    tap = BusTap()

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        tap.envelopes.append(Envelope.model_validate_json(message.body))
        await message.ack()

    await queue.consume(on_message)
    try:
        yield tap
    finally:
        await connection.close()
