"""RabbitMQ connection and topology (aio-pika).

One durable topic exchange; per consuming service a durable quorum queue bound by routing
key, a retry queue whose TTL is the retry delay (it dead-letters back into the main queue),
and a dead-letter queue behind a direct DLX. The connection is made in the background with
backoff, so a service starts (and reports not-ready) while the broker is down.

Each process logs in as its own user (``common.messaging.users``) and stamps that user on every
message it publishes as the AMQP ``user_id``, which RabbitMQ checks against the login and
consumers check against the envelope's producer (``common.messaging.identity``). The two
exchanges are the platform's, created by provisioning: a service only looks them up (it has no
right to create or delete them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractQueue,
    AbstractRobustConnection,
)
from pamqp.commands import Basic

from common.aio import being_cancelled
from common.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class QueueNames:
    main: str
    retry: str
    dead_letter: str

    @classmethod
    def for_service(cls, prefix: str, service: str) -> QueueNames:
        base = f"{prefix}{service}"
        return cls(main=base, retry=f"{base}.retry", dead_letter=f"{base}.dlq")


@dataclass
class ServiceQueues:
    names: QueueNames
    main: AbstractQueue
    retry: AbstractQueue
    dead_letter: AbstractQueue


class Broker:
    def __init__(
        self,
        url: str,
        *,
        exchange_name: str,
        connect_timeout_s: float = 5.0,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.url = url
        # The login, as RabbitMQ will name it in ``user_id`` (AMQP's default user is guest).
        self.user = unquote(urlsplit(url).username or "guest")
        self.exchange_name = exchange_name
        self.dlx_name = f"{exchange_name}.dlx"
        self._connect_timeout_s = connect_timeout_s
        self._max_backoff_s = max_backoff_s
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._on_connect: list[Callable[[], Awaitable[None]]] = []

    # lifecycle -----------------------------------------------------------------------
    def on_connect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run once the first connection is up (robust connections restore what it declares)."""
        self._on_connect.append(callback)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._connect_with_backoff(), name="broker-connect")

    async def _connect_with_backoff(self) -> None:
        delay = 0.2
        while True:
            connection = await self._connect_once(delay)
            if connection is not None:
                try:
                    await self._started(connection)
                    return
                except _CONNECTION_LOST as exc:
                    # The broker went away while the consumer declared its queues (a process
                    # starting during a broker restart): start over, or the consumer would never
                    # start and the process stay unready for good (found by the chaos run).
                    if isinstance(exc, asyncio.CancelledError) and being_cancelled():
                        raise
                    log.warning("broker.lost_while_starting", error=repr(exc), retry_in_s=delay)
                    self._connected.clear()
                    await _close_quietly(connection)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_backoff_s)

    async def _connect_once(self, delay: float) -> AbstractRobustConnection | None:
        """A connection whose platform exchange exists, or None (logged) to try again."""
        try:
            connection = await aio_pika.connect_robust(self.url, timeout=self._connect_timeout_s)
        except (TimeoutError, OSError, aio_pika.exceptions.AMQPError) as exc:
            log.warning("broker.connect_failed", error=str(exc), retry_in_s=delay)
            return None
        try:
            # Bounded too: a broker (or a proxy holding the bytes) silent after the handshake
            # would otherwise keep this attempt waiting for ever (found by the chaos run).
            async with asyncio.timeout(self._connect_timeout_s):
                channel = await connection.channel(publisher_confirms=True)
                self._exchange = await channel.get_exchange(self.exchange_name)  # passive
        except TimeoutError:
            log.warning("broker.connect_stalled", retry_in_s=delay)
            await _close_quietly(connection, self._connect_timeout_s)
            return None
        except aio_pika.exceptions.AMQPError as exc:
            log.error(
                "broker.exchange_missing",
                exchange=self.exchange_name,
                error=str(exc),
                hint="provision the bus: python -m common.messaging.users",
                retry_in_s=delay,
            )
            await _close_quietly(connection)
            return None
        self._publish_channel = channel
        return connection

    async def _started(self, connection: AbstractRobustConnection) -> None:
        """Publish on ``connection`` and run the on-connect callbacks (the consumer's start)."""
        self._connection = connection
        self._connected.set()
        log.info("broker.connected", exchange=self.exchange_name)
        for callback in self._on_connect:
            try:
                await callback()
            except _CONNECTION_LOST:
                raise  # the connection, not the callback: _connect_with_backoff starts over
            except Exception:  # e.g. a queue declared with other arguments: loud, not silent
                log.exception("broker.on_connect_failed", callback=repr(callback))
                raise

    async def wait_connected(self, timeout_s: float | None = None) -> None:
        async with asyncio.timeout(timeout_s):
            await self._connected.wait()

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()
        self._connected.clear()

    def is_ready(self) -> bool:
        connection = self._connection
        return connection is not None and not connection.is_closed and self._connected.is_set()

    @property
    def connection(self) -> AbstractRobustConnection:
        if self._connection is None:
            raise ConnectionError("broker not connected")
        return self._connection

    # publishing ----------------------------------------------------------------------
    async def publish(self, messages: Iterable[tuple[str, bytes, str, dict[str, Any]]]) -> int:
        """Publish (routing_key, body, message_id, headers) with confirms; wait for every ack.

        Raises if any message is nacked or the connection fails: the caller keeps the rows.
        """
        if self._publish_channel is None or not self.is_ready():
            raise ConnectionError("broker not connected")
        # aiormq's channel directly: ~2.5x aio-pika's Message path (docs/benchmarks.md). The
        # underlay channel is fetched per call because a robust reconnect replaces it.
        channel = await self._publish_channel.get_underlay_channel()
        confirmations = [
            channel.basic_publish(
                body,
                exchange=self.exchange_name,
                routing_key=routing_key,
                properties=Basic.Properties(
                    message_id=message_id,
                    content_type="application/json",
                    delivery_mode=2,  # persistent
                    headers=headers or None,
                    # RabbitMQ refuses any other value: consumers trust it (identity.py).
                    user_id=self.user,
                ),
            )
            for routing_key, body, message_id, headers in messages
        ]
        for confirmation in await asyncio.gather(*confirmations):
            if not isinstance(confirmation, Basic.Ack):
                raise ConnectionError(f"broker did not confirm a publish: {confirmation!r}")
        return len(confirmations)

    # topology ------------------------------------------------------------------------
    async def declare_service_queues(
        self,
        channel: AbstractChannel,
        names: QueueNames,
        routing_keys: Iterable[str],
        *,
        retry_delay_ms: int,
        delivery_limit: int = 50,
    ) -> ServiceQueues:
        exchange = await channel.get_exchange(self.exchange_name)  # the platform's: passive
        dlx = await channel.get_exchange(self.dlx_name)
        dead_letter = await channel.declare_queue(
            names.dead_letter, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dead_letter.bind(dlx, routing_key=names.dead_letter)
        main = await channel.declare_queue(
            names.main,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                # Safety net for a consumer that crashes mid-message over and over: the broker
                # itself dead-letters after this many redeliveries.
                "x-delivery-limit": delivery_limit,
                "x-dead-letter-exchange": self.dlx_name,
                "x-dead-letter-routing-key": names.dead_letter,
            },
        )
        for key in sorted(set(routing_keys)):
            await main.bind(exchange, routing_key=key)
        retry = await channel.declare_queue(
            names.retry,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-message-ttl": retry_delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": names.main,
                # A money message is never lost on its way back from the retry queue.
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )
        return ServiceQueues(names=names, main=main, retry=retry, dead_letter=dead_letter)


# What a connection lost mid-call raises in aio-pika/aiormq: a closed connection or channel, the
# futures it cancels, and aio-pika's RuntimeError for a robust connection or channel that is
# closed or not ready again yet. A refusal by the broker (PRECONDITION_FAILED, ACCESS_REFUSED) is
# not among them: that is a configuration error and stays loud.
_CONNECTION_LOST = (
    aiormq.exceptions.ConnectionClosed,
    aiormq.exceptions.ChannelInvalidStateError,
    aiormq.exceptions.AMQPConnectionError,
    ConnectionError,
    RuntimeError,
    asyncio.CancelledError,
)


_CLOSE_TIMEOUT_S: Final = 5.0  # a silent broker never answers Close: do not wait for it


async def _close_quietly(
    connection: AbstractRobustConnection, timeout_s: float = _CLOSE_TIMEOUT_S
) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await connection.close()
    except Exception as exc:  # already gone (or silent): nothing left to wait for
        log.debug("broker.close_failed", error=repr(exc))
