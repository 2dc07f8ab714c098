"""An isolated RabbitMQ namespace per test session: its own exchange and queue prefix."""

from __future__ import annotations

import contextlib
import uuid

import aio_pika

from common.messaging.broker import QueueNames


class BrokerNamespace:
    def __init__(self, url: str) -> None:
        token = uuid.uuid4().hex[:10]
        self.url = url
        self.exchange_name = f"looseline_test_{token}"
        self.queue_prefix = f"test_{token}."
        self._queues: set[str] = set()

    def queue_names(self, service: str) -> QueueNames:
        names = QueueNames.for_service(self.queue_prefix, service)
        self._queues.update((names.main, names.retry, names.dead_letter))
        return names

    def track(self, queue: str) -> None:
        self._queues.add(queue)

    async def cleanup(self) -> None:
        connection = await aio_pika.connect(self.url)
        async with connection:
            for name in sorted(self._queues):
                channel = await connection.channel()
                with contextlib.suppress(Exception):
                    await channel.queue_delete(name)
            for exchange in (self.exchange_name, f"{self.exchange_name}.dlx"):
                channel = await connection.channel()
                with contextlib.suppress(Exception):
                    await channel.exchange_delete(exchange)
