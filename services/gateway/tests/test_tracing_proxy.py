"""Traces through the gateway (common.tracing): its SERVER span, a CLIENT span per upstream call
whose context reaches the real events upstream as ``traceparent``, and the upstream's SERVER span
its child — one trace. Spans collected by the OpenTelemetry SDK's in-memory exporter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from common import tracing
from gateway.settings import Settings


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    tracing.shutdown_tracing()
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing(Settings(environment="test"), exporter=exporter)
    yield exporter
    tracing.shutdown_tracing()


async def test_a_proxied_request_is_one_trace_from_the_gateway_to_the_service(
    gateway_factory: Any, spans: InMemorySpanExporter
) -> None:
    async with gateway_factory() as gateway:
        answer = await gateway.get("/api/events/_echo/traced")
    assert answer.status_code == 200, answer.text

    finished = spans.get_finished_spans()
    [client] = [s for s in finished if s.kind == SpanKind.CLIENT]
    servers = {s.name: s for s in finished if s.kind == SpanKind.SERVER}
    # The gateway's own (its proxy is a plain Starlette route: no template, the method alone)
    edge = servers["GET"]
    upstream = servers["GET /api/events/_echo/{rest:path}"]  # the events service's
    assert client.name == "GET /api/events"
    assert client.attributes is not None
    assert client.attributes["http.response.status_code"] == 200
    assert client.attributes["looseline.upstream"] == "events"
    assert edge.context is not None
    assert client.context is not None
    assert upstream.context is not None
    assert client.parent is not None
    assert upstream.parent is not None
    trace_id = edge.context.trace_id
    assert client.context.trace_id == upstream.context.trace_id == trace_id
    assert client.parent.span_id == edge.context.span_id
    assert upstream.parent.span_id == client.context.span_id  # via traceparent on the wire
    assert upstream.parent.is_remote


async def test_with_tracing_off_the_proxy_records_nothing(
    gateway_factory: Any, spans: InMemorySpanExporter
) -> None:
    tracing.shutdown_tracing()  # as a gateway without OTEL_EXPORTER_OTLP_ENDPOINT
    caller = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
    async with gateway_factory() as gateway:
        answer = await gateway.get("/api/events/_echo/off", headers={"traceparent": caller})
    assert answer.status_code == 200
    assert not tracing.enabled()
    assert spans.get_finished_spans() == ()
