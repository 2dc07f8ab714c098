"""Inbox-backed consumer: a message's effects and its inbox row commit together, then ack.

Deliveries are handled in batches (whatever has arrived, up to ``batch_size``) in one
transaction with one inbox INSERT; if a batch fails, its messages are retried one by one so
only the culprit goes to the retry queue.

A subscription may be a batch handler (``Batched(handler)``): within one received batch, the
consecutive new deliveries (after inbox de-duplication) routed to the same ``Batched`` are handed
to it at once, as a list of ``(payload, envelope)`` in arrival order, inside the same
transaction; other handlers still get one message at a time, the order across them kept. A batch
handler takes the correlation/causation ids each effect records from each item's envelope (the
context variables are only set when its list holds one message). If it raises, the whole batch
rolls back and the culprit search below calls it again with lists of one, so a failure has
exactly the one-at-a-time outcome.

A redelivered or duplicated message (same ``event_id``) finds its inbox row and changes
nothing; two consumers racing on one ``event_id`` serialise on the inbox primary key. A
failing handler is retried through the retry queue (fixed delay) up to ``max_attempts``,
then dead-lettered — never acked and dropped; one that only came before the message it builds on
(``common.errors.EarlierMessagePending``) keeps being retried while it is younger than
``wait_for_earlier_s``. A message that cannot be parsed, or whose
type/version is unknown, goes to the DLQ at once (no retry can fix it) and stays visible.

Before anything else, a message must come from the producer it claims: its AMQP ``user_id``
(which RabbitMQ vouches for) must name the envelope's ``producer`` (``identity.py``). A forgery —
another service's user, or no user at all — goes straight to the DLQ (reason
``forged_producer``), is counted in ``looseline_messages_rejected_total`` and logged as an error;
no handler ever sees it. The consumer's own copies (retry, DLQ) carry its user and the verified
publisher, so an honest message survives its retries and a forgery stays one when replayed.
"""

from __future__ import annotations

import asyncio
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from pydantic import BaseModel, ValidationError
from sqlalchemy import Uuid, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common import tracing
from common.aio import being_cancelled
from common.context import causation_id_var, correlation_id_var
from common.errors import EarlierMessagePending, PoisonMessage
from common.logging import get_logger
from common.messaging import metrics
from common.messaging.broker import Broker, QueueNames, ServiceQueues
from common.messaging.envelope import Envelope, MessageRegistry, UnknownMessage, registry, wrap
from common.messaging.identity import FORGED_PRODUCER, PUBLISHER_HEADER, forged, publisher_of
from common.messaging.outbox import add_to_outbox
from common.messaging.tables import messaging_tables

log = get_logger(__name__)

ATTEMPT_HEADER = "x-looseline-attempt"


@dataclass
class MessageContext:
    """What a handler gets besides its payload: the open transaction and the envelope."""

    session: AsyncSession
    envelope: Envelope
    schema: str

    async def emit(self, *payloads: BaseModel) -> None:
        """Emit follow-up messages in this transaction (correlation/causation carried on)."""
        await add_to_outbox(self.session, self.schema, *payloads)


Handler = Callable[[Any, MessageContext], Awaitable[None]]


@dataclass
class BatchContext:
    """What a batch handler gets besides its items: the open transaction and the schema."""

    session: AsyncSession
    schema: str
    # event_id → the trace context of that message's consumer span (tracing on, common.tracing)
    traces: Mapping[uuid.UUID, dict[str, str]] = field(default_factory=dict)

    async def emit(self, replies: Sequence[tuple[Envelope, BaseModel]]) -> None:
        """Emit follow-ups in ONE outbox insert, each carrying on its own message's chain
        (ids and, tracing on, its trace: the reply's span parent is its cause's span)."""
        await add_to_outbox(
            self.session,
            self.schema,
            *(
                wrap(
                    payload,
                    correlation_id=cause.correlation_id,
                    causation_id=str(cause.event_id),
                    trace=self.traces.get(cause.event_id) or cause.trace,
                )
                for cause, payload in replies
            ),
        )


BatchItems = list[tuple[Any, Envelope]]
BatchHandlerFn = Callable[[BatchItems, BatchContext], Awaitable[None]]


@dataclass(frozen=True, eq=False)
class Batched:
    """A subscription that takes consecutive deliveries at once (one object = one group)."""

    handle: BatchHandlerFn


@dataclass
class _Delivery:
    message: AbstractIncomingMessage
    envelope: Envelope
    payload: BaseModel
    handler: Handler | Batched


# {payload model: handler}; the queue's bindings are derived from it.
Subscriptions = Mapping[type[BaseModel], Handler | Batched]


class Consumer:
    def __init__(
        self,
        *,
        service: str,
        schema: str,
        broker: Broker,
        sessionmaker: async_sessionmaker[AsyncSession],
        subscriptions: Subscriptions,
        queue_prefix: str = "",
        prefetch: int = 64,
        max_attempts: int = 5,
        retry_delay_ms: int = 2000,
        wait_for_earlier_s: float = 3600.0,
        batch_size: int = 100,
        concurrency: int = 2,
        message_registry: MessageRegistry = registry,
    ) -> None:
        self.service = service
        self.schema = schema
        self.broker = broker
        self.sessionmaker = sessionmaker
        self.names = QueueNames.for_service(queue_prefix, service)
        self.prefetch = prefetch
        self.max_attempts = max_attempts
        self.retry_delay_ms = retry_delay_ms
        self.wait_for_earlier = timedelta(seconds=wait_for_earlier_s)
        self.registry = message_registry
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._pending: asyncio.Queue[_Delivery] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._handlers: dict[str, Handler | Batched] = {}
        for model, handler in subscriptions.items():
            spec = self.registry.spec_for(model)
            self._handlers[spec.routing_key] = handler
        self._channel: AbstractChannel | None = None
        self.queues: ServiceQueues | None = None
        _, self._inbox = messaging_tables(schema)
        # Arrays, not a VALUES list per batch size: one SQL text, compiled and prepared once,
        # whatever the batch holds (a multi-row VALUES is a new statement for every size).
        self._claim_inbox = text(
            f"INSERT INTO {self._inbox.fullname} (consumer, event_id, message_type)"  # noqa: S608
            " SELECT :consumer, e, t"
            " FROM unnest(CAST(:event_ids AS uuid[]), CAST(:types AS text[])) AS v(e, t)"
            " ON CONFLICT DO NOTHING RETURNING event_id"
        ).columns(event_id=Uuid)

    @property
    def routing_keys(self) -> list[str]:
        return sorted(self._handlers)

    async def start(self) -> None:
        """Declare the topology and start consuming (call once the broker is connected)."""
        channel = await self.broker.connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        self._channel = channel
        self.queues = await self.broker.declare_service_queues(
            channel, self.names, self.routing_keys, retry_delay_ms=self.retry_delay_ms
        )
        self._workers = [
            asyncio.create_task(self._work(), name=f"{self.service}-consumer-{i}")
            for i in range(self.concurrency)
        ]
        self._workers.append(
            asyncio.create_task(self._watch_dead_letters(), name=f"{self.service}-dlq-depth")
        )
        await self.queues.main.consume(self.on_message)
        log.info("consumer.started", queue=self.names.main, routing_keys=self.routing_keys)

    async def declare(self) -> ServiceQueues:
        """Declare this consumer's queues and bindings without consuming (a deploy step).

        RabbitMQ drops a message no queue is bound for: a publisher that starts before a
        consumer has ever run would lose what it sends. ``common.messaging.declare`` runs this
        for every service before any of them starts.
        """
        channel = await self.broker.connection.channel()
        try:
            return await self.broker.declare_service_queues(
                channel, self.names, self.routing_keys, retry_delay_ms=self.retry_delay_ms
            )
        finally:
            await channel.close()

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()
        # Deliveries still queued here were never acked: closing the channel returns them.
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()

    async def _watch_dead_letters(self, interval_s: float = 30.0) -> None:
        """Keep ``looseline_dlq_depth`` current for alerting (every replica reports it)."""
        while True:
            try:
                await self.dead_letter_depth()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker reconnecting: try again next time
                log.warning("consumer.dlq_depth_failed", error=repr(exc))
            await asyncio.sleep(interval_s)

    async def dead_letter_depth(self) -> int:
        if self.queues is None:
            return 0
        declared = await self.queues.dead_letter.declare()
        depth = declared.message_count or 0
        metrics.dlq_depth.labels(self.service).set(depth)
        return depth

    # deliveries → batches -------------------------------------------------------------------
    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError as exc:
            await self._dead_letter(message, "unreadable", repr(exc), "unknown")
            return
        refusal = forged(self.service, message, envelope, self.broker.user)
        if refusal is not None:
            # The claimed type is the forger's choice: only a type we handle becomes a label.
            known = envelope.routing_key in self._handlers
            await self._dead_letter(
                message, FORGED_PRODUCER, refusal, envelope.type if known else "unknown"
            )
            return
        try:
            payload = self.registry.parse(envelope)
            handler = self._handlers[envelope.routing_key]
        except (ValidationError, UnknownMessage, KeyError, ValueError) as exc:
            await self._dead_letter(message, "unreadable", repr(exc), "unknown")
            return
        await self._pending.put(_Delivery(message, envelope, payload, handler))

    async def _work(self) -> None:
        """Take what has arrived (up to ``batch_size``, never waiting for more) as one batch."""
        while True:
            batch = [await self._pending.get()]
            while len(batch) < self.batch_size and not self._pending.empty():
                batch.append(self._pending.get_nowait())
            try:
                await self._process(batch)
            except asyncio.CancelledError as exc:
                if being_cancelled():
                    raise  # stop(): this task is cancelled
                # aiormq cancels the futures of a connection that closes (a publish's confirm)
                self._unsettled(batch, exc)
            except Exception as exc:
                # What failed is telling the broker (an ack, a retry copy): the delivery's channel
                # closed under it — a broker restart, a network cut. The batch's effect is
                # committed or rolled back; the broker redelivers every unacked message on the
                # new channel and the inbox makes each a no-op. The worker must go on: an escaped
                # exception would end this task and the consumer would never handle another
                # message (found by the chaos run, issue 21).
                self._unsettled(batch, exc)

    def _unsettled(self, batch: list[_Delivery], exc: BaseException) -> None:
        metrics.unsettled.labels(self.service).inc(len(batch))
        log.warning(
            "consumer.delivery_unsettled",
            deliveries=len(batch),
            types=sorted({d.envelope.type for d in batch}),
            error=repr(exc),
        )

    async def _process(self, batch: list[_Delivery]) -> None:
        try:
            outcomes = await self._handle_batch(batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if len(batch) > 1:  # find the culprit: the others still commit, one by one
                for delivery in batch:
                    await self._process([delivery])
                return
            await self._failed(batch[0], exc)
            return
        for delivery, outcome in zip(batch, outcomes, strict=True):
            await delivery.message.ack()
            metrics.consumed.labels(self.service, delivery.envelope.type, outcome).inc()

    async def _handle_batch(self, batch: list[_Delivery]) -> list[str]:
        """One transaction: one INSERT claims every inbox key, handlers run for the new ones."""
        async with self.sessionmaker.begin() as session:
            claimed = set(
                await session.scalars(
                    self._claim_inbox,
                    {
                        "consumer": self.service,
                        "event_ids": [d.envelope.event_id for d in batch],
                        "types": [d.envelope.type for d in batch],
                    },
                )
            )
            outcomes = []
            fresh: list[_Delivery] = []
            for delivery in batch:
                event_id = delivery.envelope.event_id
                if event_id not in claimed:  # seen before, or a twin earlier in this batch
                    outcomes.append("duplicate")
                    continue
                claimed.discard(event_id)
                fresh.append(delivery)
                outcomes.append("processed")
            for run in _runs(fresh):
                await self._dispatch(session, run)
        return outcomes

    async def _dispatch(self, session: AsyncSession, run: list[_Delivery]) -> None:
        """One batch handler call for a run, or the per-message handler for a single delivery."""
        handler = run[0].handler
        if isinstance(handler, Batched) and len(run) > 1:
            await self._dispatch_batch(session, handler, run)
            return
        envelope = run[0].envelope
        correlation = correlation_id_var.set(envelope.correlation_id)
        causation = causation_id_var.set(str(envelope.event_id))
        try:
            # Tracing on: the handler runs in a CONSUMER span, child of the context the
            # envelope carries, so what it emits (wrap) carries that span on.
            with self._span(envelope):
                if isinstance(handler, Batched):
                    await handler.handle(
                        [(run[0].payload, envelope)], BatchContext(session, self.schema)
                    )
                else:
                    await handler(run[0].payload, MessageContext(session, envelope, self.schema))
        finally:
            correlation_id_var.reset(correlation)
            causation_id_var.reset(causation)

    async def _dispatch_batch(
        self, session: AsyncSession, handler: Batched, run: list[_Delivery]
    ) -> None:
        """A batch handler call; tracing on, each message gets its own CONSUMER span (child of
        its envelope's context, not current) and its replies carry that span on."""
        items = [(d.payload, d.envelope) for d in run]
        if not tracing.enabled():
            await handler.handle(items, BatchContext(session, self.schema))
            return
        spans = {
            d.envelope.event_id: tracing.start_consumer_span(
                f"process {d.envelope.routing_key}",
                d.envelope.trace,
                {**self._span_attributes(d.envelope), "messaging.batch.message_count": len(run)},
            )
            for d in run
        }
        traces = {
            event_id: carrier
            for event_id, span in spans.items()
            if (carrier := tracing.carrier_of(span)) is not None
        }
        try:
            await handler.handle(items, BatchContext(session, self.schema, traces))
        except BaseException as exc:
            for span in spans.values():
                tracing.fail(span, exc)
            raise
        finally:
            for span in spans.values():
                span.end()

    def _span(self, envelope: Envelope) -> AbstractContextManager[object]:
        if not tracing.enabled():
            return nullcontext()
        return tracing.consumer_span(
            f"process {envelope.routing_key}", envelope.trace, self._span_attributes(envelope)
        )

    def _span_attributes(self, envelope: Envelope) -> dict[str, str]:
        return {
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "process",
            "messaging.destination.name": self.names.main,
            "messaging.message.id": str(envelope.event_id),
            "messaging.rabbitmq.destination.routing_key": envelope.routing_key,
            "messaging.consumer.group.name": self.service,
        }

    async def _failed(self, delivery: _Delivery, exc: Exception) -> None:
        envelope = delivery.envelope
        metrics.failed.labels(self.service, envelope.type).inc()
        log.warning(
            "consumer.handler_failed",
            type=envelope.type,
            event_id=str(envelope.event_id),
            correlation_id=envelope.correlation_id,
            error=repr(exc),
        )
        await self._retry_or_dead_letter(delivery.message, envelope, exc)

    async def _retry_or_dead_letter(
        self, message: AbstractIncomingMessage, envelope: Envelope, exc: Exception
    ) -> None:
        if isinstance(exc, PoisonMessage):  # the verdict is on the message: retries change nothing
            await self._dead_letter(message, exc.dead_letter_reason, repr(exc), envelope.type)
            return
        raw = (message.headers or {}).get(ATTEMPT_HEADER, 1)
        attempt = raw if isinstance(raw, int) else 1
        if attempt >= self.max_attempts and not self._still_early(exc, envelope):
            await self._dead_letter(message, "max_attempts", repr(exc), envelope.type)
            return
        await self._republish(message, self.names.retry, exchange="", attempt=attempt + 1)
        await message.ack()

    def _still_early(self, exc: Exception, envelope: Envelope) -> bool:
        """An early message (its predecessor still on its way) within its waiting time."""
        age = datetime.now(UTC) - envelope.occurred_at
        return isinstance(exc, EarlierMessagePending) and age < self.wait_for_earlier

    async def _dead_letter(
        self, message: AbstractIncomingMessage, reason: str, error: str, type_: str
    ) -> None:
        extra = {"x-looseline-dead-reason": reason, "x-looseline-error": error[:1000]}
        await self._republish(
            message, self.names.dead_letter, exchange=self.broker.dlx_name, extra_headers=extra
        )
        await message.ack()
        metrics.dead_lettered.labels(self.service, type_, reason).inc()
        log.error(
            "consumer.dead_lettered",
            queue=self.names.dead_letter,
            reason=reason,
            error=error,
            message_id=message.message_id,
            trace=traceback.format_exc(limit=3) if reason == "max_attempts" else None,
        )

    async def _republish(
        self,
        message: AbstractIncomingMessage,
        routing_key: str,
        *,
        exchange: str,
        attempt: int | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        """Publish a copy with confirms before the original is acked: nothing is lost.

        The copy is ours (our ``user_id``); the publisher RabbitMQ vouched for on delivery goes
        with it, believed later only because RabbitMQ says we sent the copy (identity.py).
        """
        assert self._channel is not None
        headers: dict[str, Any] = dict(message.headers or {})
        # Kept from the first delivery: later hops arrive with the retry queue's name.
        headers.setdefault("x-looseline-original-routing-key", message.routing_key or "")
        headers[PUBLISHER_HEADER] = publisher_of(message, self.broker.user) or ""
        if attempt is not None:
            headers[ATTEMPT_HEADER] = attempt
        headers.update(extra_headers or {})
        target = (
            self._channel.default_exchange
            if exchange == ""
            else await self._channel.get_exchange(exchange, ensure=False)
        )
        await target.publish(
            aio_pika.Message(
                message.body,
                message_id=message.message_id,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                headers=headers,
                user_id=self.broker.user,
            ),
            routing_key=routing_key,
        )


def _runs(deliveries: list[_Delivery]) -> list[list[_Delivery]]:
    """Consecutive deliveries for the same ``Batched`` form one run; any other is a run of one."""
    runs: list[list[_Delivery]] = []
    for delivery in deliveries:
        previous = runs[-1][-1].handler if runs else None
        if isinstance(delivery.handler, Batched) and previous is delivery.handler:
            runs[-1].append(delivery)
        else:
            runs.append([delivery])
    return runs
