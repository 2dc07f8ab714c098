"""OpenTelemetry traces across HTTP and the bus, exported by OTLP — off unless configured.

``configure_tracing(settings)`` (called once by the app factory, so by every API and worker
process) installs the SDK's tracer provider only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set;
otherwise nothing is installed and every helper here is a cheap no-op (``enabled()`` is one
module-global read). What makes spans:

- ``common.app.RequestContextMiddleware``: a SERVER span per HTTP request (``GET /api/bets/{id}``),
  continuing an incoming W3C ``traceparent``;
- ``gateway.proxy``: a CLIENT span per upstream call, whose context goes on as ``traceparent``;
- ``common.messaging.envelope.wrap``: the current span's context is written INTO THE ENVELOPE
  (``trace``: ``{"traceparent": …, "tracestate": …}``), so the outbox row keeps it and the relay
  publishes it whenever it does;
- ``common.messaging.consumer``: a CONSUMER span per message handled (``process bets.BetPlaced``),
  a child of the context its envelope carries; what its handler emits carries the consumer span's
  context on, so one bet is one trace from the gateway through bets, the broker, the wallet and
  back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

    from common.settings import CommonSettings

TRACER_NAME = "looseline"
# Only the W3C trace context: ``traceparent`` and ``tracestate`` (no baggage crosses services).
_PROPAGATOR = TraceContextTextMapPropagator()
_NOOP_TRACER: Tracer = trace.NoOpTracer()

_provider: TracerProvider | None = None
_tracer: Tracer = _NOOP_TRACER


def enabled() -> bool:
    """A tracer provider is installed in this process (``OTEL_EXPORTER_OTLP_ENDPOINT`` set)."""
    return _provider is not None


def tracer() -> Tracer:
    """The process's tracer: the SDK's when tracing is on, the API's no-op one otherwise."""
    return _tracer


def configure_tracing(settings: CommonSettings, *, exporter: SpanExporter | None = None) -> bool:
    """Install the SDK tracer provider once per process; returns whether tracing is on.

    ``exporter`` replaces OTLP (tests pass the SDK's ``InMemorySpanExporter``, exported
    synchronously); without it and without an endpoint nothing is installed.
    """
    global _provider, _tracer
    if _provider is not None:
        return True
    endpoint = settings.otel_exporter_otlp_endpoint
    if exporter is None and not endpoint:
        return False
    # Imported only here: a process with tracing off never loads the SDK.
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    resource = Resource.create(
        {
            "service.name": settings.service_name,
            "service.namespace": "looseline",
            "deployment.environment.name": settings.environment.value,
        }
    )
    provider = TracerProvider(
        resource=resource, sampler=ParentBased(TraceIdRatioBased(settings.otel_sample_ratio))
    )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        assert endpoint is not None
        # The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT means it: traces go to /v1/traces.
        # OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT / _CERTIFICATE are read by the exporter itself.
        url = endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url)))
    _provider = provider
    _tracer = provider.get_tracer(TRACER_NAME)
    return True


def shutdown_tracing() -> None:
    """Flush and uninstall the provider (tests turn tracing off again with it)."""
    global _provider, _tracer
    provider, _provider, _tracer = _provider, None, _NOOP_TRACER
    if provider is not None:
        provider.shutdown()


# propagation ---------------------------------------------------------------------------------
def current_carrier() -> dict[str, str] | None:
    """The current span's W3C context (``traceparent``, maybe ``tracestate``), or ``None``
    when tracing is off or no span is current (nothing to carry)."""
    if _provider is None:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier or None


def carrier_of(span: Span) -> dict[str, str] | None:
    """``span``'s own context as a carrier (its children name it as their parent)."""
    if _provider is None or not span.get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=trace.set_span_in_context(span))
    return carrier or None


def inject_headers(headers: dict[str, str]) -> None:
    """Write the current context as ``traceparent``/``tracestate`` into outgoing headers."""
    if _provider is not None:
        _PROPAGATOR.inject(headers)


def extract(carrier: Mapping[str, str] | None) -> otel_context.Context | None:
    """The parent context a carrier names (``None``: none, a new trace starts)."""
    if not carrier:
        return None
    parent = _PROPAGATOR.extract(carrier)
    span = trace.get_current_span(parent)
    if isinstance(span, NonRecordingSpan) and span.get_span_context().is_valid:
        return parent
    return None


def extract_headers(headers: list[tuple[bytes, bytes]]) -> otel_context.Context | None:
    """The parent context of an ASGI request's ``traceparent``/``tracestate`` headers."""
    carrier: dict[str, str] = {}
    for name, value in headers:
        if name in (b"traceparent", b"tracestate"):
            carrier[name.decode("latin-1")] = value.decode("latin-1")
    return extract(carrier)


# spans ---------------------------------------------------------------------------------------
@contextmanager
def consumer_span(
    name: str, carrier: Mapping[str, str] | None, attributes: Mapping[str, Any]
) -> Iterator[Span]:
    """A current CONSUMER span, child of the context a message carried (a root without one)."""
    with _tracer.start_as_current_span(
        name,
        context=extract(carrier),
        kind=SpanKind.CONSUMER,
        attributes=dict(attributes),
        record_exception=True,
        set_status_on_exception=True,
    ) as span:
        yield span


def start_consumer_span(
    name: str, carrier: Mapping[str, str] | None, attributes: Mapping[str, Any]
) -> Span:
    """A CONSUMER span that is not made current (one per message of a batch); end it."""
    return _tracer.start_span(
        name, context=extract(carrier), kind=SpanKind.CONSUMER, attributes=dict(attributes)
    )


def fail(span: Span, exc: BaseException) -> None:
    """Mark ``span`` failed by ``exc``."""
    if span.is_recording():
        span.record_exception(exc)
        span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
