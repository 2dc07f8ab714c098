"""Traces across HTTP and the bus (common.tracing), on real PostgreSQL and RabbitMQ.

The SDK's own in-memory exporter collects the spans. A request to a service app that writes an
outbox message leaves the request span's context in the envelope; the relay publishes it and a
consumer on the real broker handles it in a CONSUMER span of the same trace, the request span
its parent. With tracing off the envelope has no ``trace`` and nothing is exported.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from libs.common.tests.test_bus import broker, eventually, publish_raw, relay_for, running
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import BaseModel
from sqlalchemy import text

from common import tracing
from common.app import create_app
from common.messaging.broker import Broker
from common.messaging.consumer import BatchContext, Batched, BatchItems, Consumer, MessageContext
from common.messaging.envelope import Envelope, MessageSpec, registry
from common.messaging.outbox import add_to_outbox
from common.runtime import ServiceRuntime
from common.settings import CommonSettings
from common.testing.broker import BrokerNamespace

__all__ = ["broker"]  # the fixture, shared with test_bus


class TraceProbe(BaseModel):
    note: str


class TraceBatchProbe(BaseModel):
    note: str


class ProbeSettings(CommonSettings):
    service_name: ClassVar[str] = "probe"


@pytest.fixture(scope="module", autouse=True)
def probe_messages() -> Iterator[None]:
    # Registered in the global registry: wrap() looks the payload up there.
    registry.add(MessageSpec(producer="bets", type="TraceProbe", version=1, model=TraceProbe))
    registry.add(
        MessageSpec(producer="bets", type="TraceBatchProbe", version=1, model=TraceBatchProbe)
    )
    yield
    registry.remove(TraceProbe)
    registry.remove(TraceBatchProbe)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """Tracing on for one test, into the SDK's in-memory exporter; off again afterwards."""
    tracing.shutdown_tracing()
    spans = InMemorySpanExporter()
    settings = ProbeSettings(environment="test")  # no OTLP endpoint: the exporter is the sink
    assert tracing.configure_tracing(settings, exporter=spans)
    yield spans
    tracing.shutdown_tracing()


@pytest.fixture
def tracing_off() -> Iterator[InMemorySpanExporter]:
    """Tracing as a process without OTEL_EXPORTER_OTLP_ENDPOINT has it: not installed."""
    tracing.shutdown_tracing()
    assert not tracing.configure_tracing(ProbeSettings(environment="test"))
    yield InMemorySpanExporter()
    tracing.shutdown_tracing()


def probe_app(scratch: Any, make_settings: Callable[..., Any]) -> FastAPI:
    router = APIRouter()

    @router.post("/probe/{note}")
    async def write(note: str, request: Request) -> dict[str, str]:
        async with scratch.sessionmaker.begin() as session:
            [envelope] = await add_to_outbox(session, scratch.schema, TraceProbe(note=note))
        return {"event_id": str(envelope.event_id)}

    settings = make_settings(ProbeSettings)
    return create_app(settings, ServiceRuntime(settings=settings), title="probe", routers=[router])


async def outbox_envelopes(scratch: Any) -> list[Envelope]:
    async with scratch.engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT body FROM {scratch.schema}.outbox ORDER BY id"))
        return [Envelope.model_validate(r[0]) for r in rows]


def consumer_for(
    scratch: Any, broker: Broker, ns: BrokerNamespace, subscriptions: dict[Any, Any]
) -> Consumer:
    service = f"bets.consumer-{scratch.schema}"
    ns.queue_names(service)
    return Consumer(
        service=service,
        schema=scratch.schema,
        broker=broker,
        sessionmaker=scratch.sessionmaker,
        subscriptions=subscriptions,
        queue_prefix=ns.queue_prefix,
        prefetch=16,
        max_attempts=2,
        retry_delay_ms=100,
        concurrency=1,
    )


def spans_of(exporter: InMemorySpanExporter, kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.kind == kind]


async def test_one_trace_from_the_request_through_the_outbox_and_broker_to_the_consumer(
    scratch: Any,
    broker: Broker,
    broker_namespace: BrokerNamespace,
    make_settings: Callable[..., Any],
    app_client: Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]],
    exporter: InMemorySpanExporter,
) -> None:
    handled: list[tuple[str, str]] = []

    async def handle(payload: TraceProbe, ctx: MessageContext) -> None:
        handled.append((payload.note, str(ctx.envelope.event_id)))

    consumer = consumer_for(scratch, broker, broker_namespace, {TraceProbe: handle})
    await consumer.start()
    async with app_client(probe_app(scratch, make_settings)) as http:
        answer = await http.post("/probe/one")
    assert answer.status_code == 200

    [server] = spans_of(exporter, SpanKind.SERVER)
    assert server.name == "POST /probe/{note}"
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/probe/{note}"
    assert server.attributes["http.response.status_code"] == 200
    [envelope] = await outbox_envelopes(scratch)
    assert envelope.trace is not None
    server_ctx = server.get_span_context()
    assert server_ctx is not None
    # traceparent = version-traceid-spanid-flags: the request span is the message's parent
    assert envelope.trace["traceparent"].startswith(
        f"00-{server_ctx.trace_id:032x}-{server_ctx.span_id:016x}-"
    )

    async with running(relay_for(scratch, broker).run()):
        await eventually(lambda: handled)
    assert handled == [("one", str(envelope.event_id))]
    await eventually(lambda: spans_of(exporter, SpanKind.CONSUMER))
    [consumed] = spans_of(exporter, SpanKind.CONSUMER)
    assert consumed.name == "process bets.TraceProbe"
    assert consumed.context is not None
    assert consumed.parent is not None
    assert consumed.context.trace_id == server_ctx.trace_id
    assert consumed.parent.span_id == server_ctx.span_id
    assert consumed.parent.is_remote
    assert consumed.attributes is not None
    assert consumed.attributes["messaging.message.id"] == str(envelope.event_id)


async def test_a_reply_emitted_by_a_handler_carries_the_consumer_span_on(
    scratch: Any,
    broker: Broker,
    broker_namespace: BrokerNamespace,
    exporter: InMemorySpanExporter,
) -> None:
    """Single and batched handlers alike: each reply's parent is its own message's span."""

    entered, release = asyncio.Event(), asyncio.Event()

    async def one(payload: TraceProbe, ctx: MessageContext) -> None:
        entered.set()
        await release.wait()  # holds the worker while b and c queue up: one batch of two
        await ctx.emit(TraceBatchProbe(note=f"reply-{payload.note}"))

    async def many(items: BatchItems, ctx: BatchContext) -> None:
        await ctx.emit([(env, TraceProbe(note=f"reply-{p.note}")) for p, env in items])

    consumer = consumer_for(
        scratch, broker, broker_namespace, {TraceProbe: one, TraceBatchProbe: Batched(many)}
    )
    # Three messages from three traces, each with its own parent span.
    parents = {
        note: (f"{uuid.uuid4().hex}", f"{uuid.uuid4().hex[:16]}") for note in ("a", "b", "c")
    }

    ids: dict[str, uuid.UUID] = {}

    def sent(model: type[BaseModel], note: str) -> Envelope:
        trace_id, span_id = parents[note]
        spec = registry.spec_for(model)
        ids[note] = uuid.uuid4()
        return Envelope(
            event_id=ids[note],
            type=spec.type,
            version=1,
            producer="bets",
            payload={"note": note},
            trace={"traceparent": f"00-{trace_id}-{span_id}-01"},
        )

    await consumer.start()
    await publish_raw(broker, sent(TraceProbe, "a"))
    await eventually(entered.is_set)
    await publish_raw(broker, sent(TraceBatchProbe, "b"), sent(TraceBatchProbe, "c"))
    await eventually(lambda: consumer._pending.qsize() == 2)
    release.set()
    await eventually(lambda: len(spans_of(exporter, SpanKind.CONSUMER)) == 3)
    consumed = {
        str((s.attributes or {})["messaging.message.id"]): s
        for s in spans_of(exporter, SpanKind.CONSUMER)
    }
    batch_sizes = {
        note: (consumed[str(e)].attributes or {}).get("messaging.batch.message_count")
        for note, e in ids.items()
    }
    assert batch_sizes == {"a": None, "b": 2, "c": 2}  # b and c: one batch handler call
    replies = await outbox_envelopes(scratch)
    assert sorted(r.payload["note"] for r in replies) == ["reply-a", "reply-b", "reply-c"]
    for reply in replies:
        note = reply.payload["note"].removeprefix("reply-")
        trace_id, parent_span_id = parents[note]
        cause = consumed[str(reply.causation_id)]
        assert cause.context is not None
        assert cause.parent is not None
        assert f"{cause.context.trace_id:032x}" == trace_id  # the message's trace goes on
        assert f"{cause.parent.span_id:016x}" == parent_span_id
        assert reply.trace is not None
        assert set(reply.trace) == {"traceparent"}
        assert reply.trace["traceparent"].startswith(f"00-{trace_id}-{cause.context.span_id:016x}-")


async def test_tracing_off_leaves_no_trace_in_the_envelope_and_exports_nothing(
    scratch: Any,
    broker: Broker,
    broker_namespace: BrokerNamespace,
    make_settings: Callable[..., Any],
    app_client: Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]],
    tracing_off: InMemorySpanExporter,
) -> None:
    handled: list[str] = []

    async def handle(payload: TraceProbe, ctx: MessageContext) -> None:
        handled.append(payload.note)

    consumer = consumer_for(scratch, broker, broker_namespace, {TraceProbe: handle})
    await consumer.start()
    async with app_client(probe_app(scratch, make_settings)) as http:
        answer = await http.post(
            "/probe/off",
            # even a caller's traceparent starts nothing
            headers={"traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"},
        )
    assert answer.status_code == 200
    assert not tracing.enabled()
    async with scratch.engine.connect() as conn:
        [body] = (await conn.execute(text(f"SELECT body FROM {scratch.schema}.outbox"))).all()
    assert "trace" not in body[0]  # omitted, not null: the envelope as before
    async with running(relay_for(scratch, broker).run()):
        await eventually(lambda: handled)
    assert handled == ["off"]
    assert tracing.current_carrier() is None
    assert tracing_off.get_finished_spans() == ()


def test_an_envelope_without_trace_still_parses_and_a_bad_trace_is_dropped_not_refused() -> None:
    old = {
        "event_id": str(uuid.uuid4()),
        "type": "TraceProbe",
        "version": 1,
        "occurred_at": "2026-01-01T00:00:00Z",
        "producer": "bets",
        "correlation_id": None,
        "causation_id": None,
        "payload": {"note": "old"},
    }
    envelope = Envelope.model_validate(old)
    assert envelope.trace is None
    assert "trace" not in envelope.model_dump(mode="json")
    assert "trace" not in envelope.model_dump_json()
    odd = Envelope.model_validate({**old, "trace": {"baggage": "x", "traceparent": "00-x"}})
    assert odd.trace == {"traceparent": "00-x"}
    assert Envelope.model_validate({**old, "trace": {"baggage": "x"}}).trace is None
