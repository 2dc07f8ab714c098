"""The app factory every service uses: ids, one error shape, health, metrics, lifespan."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common import tracing
from common.api import RequestTextMiddleware
from common.backpressure import connection_lost, document_service_busy, install_backpressure
from common.context import correlation_id_var, request_id_var
from common.db.refusals import refusal_for, sqlstate_of
from common.errors import DomainError, error_body
from common.logging import configure_logging, get_logger
from common.runtime import ServiceRuntime
from common.settings import CommonSettings

log = get_logger(__name__)

REQUEST_LATENCY = Histogram(
    "looseline_http_request_duration_seconds",
    "HTTP request latency by route template and status",
    ["service", "method", "route", "status"],
)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class RequestContextMiddleware:
    """Request id in/out (``X-Request-Id``), contextvars for logs/outbox, latency histogram."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else str(uuid.uuid4())
        req_token = request_id_var.set(request_id)
        corr_token = correlation_id_var.set(request_id)
        status = 500
        started = time.perf_counter()
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        # Tracing on (common.tracing): a SERVER span around the request, continuing the
        # caller's traceparent; named by the route template once routing has matched.
        span_cm: AbstractContextManager[Span | None] = (
            tracing.tracer().start_as_current_span(
                scope["method"],
                context=tracing.extract_headers(scope["headers"]),
                kind=SpanKind.SERVER,
                attributes={
                    "http.request.method": scope["method"],
                    "url.path": scope["path"],
                    "looseline.request_id": request_id,
                },
                record_exception=False,
                set_status_on_exception=False,
            )
            if tracing.enabled()
            else nullcontext(None)
        )
        with span_cm as span:
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                # Answered here, not by Starlette's outermost handler, so the 500 and its log
                # line still carry the request id.
                log.exception("http.unhandled", error=repr(exc))
                if span is not None:
                    tracing.fail(span, exc)
                if response_started:
                    raise
                await _error(500, "internal", "Internal error.")(scope, receive, send_with_id)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                REQUEST_LATENCY.labels(
                    self.service, scope["method"], template, str(status)
                ).observe(time.perf_counter() - started)
                if span is not None:
                    _end_server_span(span, scope["method"], template, status)
                request_id_var.reset(req_token)
                correlation_id_var.reset(corr_token)


def _end_server_span(span: Span, method: str, template: str, status: int) -> None:
    if template != "unmatched":  # else the span keeps the method alone as its name
        span.update_name(f"{method} {template}")
        span.set_attribute("http.route", template)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


def _error(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    install_backpressure(app)

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        response = _error(exc.status_code, exc.code, exc.message, exc.details)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The offending input is not echoed back: it may be a password or a card number.
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return _error(422, "validation_error", "The request is not valid.", details)

    @app.exception_handler(DBAPIError)
    async def database_refusal(_: Request, exc: DBAPIError) -> JSONResponse:
        lost = connection_lost(exc)
        if lost is not None:
            return lost
        refusal = refusal_for(exc)
        if refusal is None:
            raise exc  # a server fault: RequestContextMiddleware logs it and answers 500
        # The statement and its parameters stay out of the log too: they are the client's input.
        log.warning("http.database_refused", sqlstate=sqlstate_of(exc), code=refusal.code)
        return _error(refusal.status_code, refusal.code, refusal.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        response = _error(exc.status_code, code, message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


# The one error shape, as the OpenAPI document states it (FastAPI's default 422 is another).
ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorResponse",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def _with_error_shape(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("$ref") == _FASTAPI_422:
            return dict(_ERROR_REF)
        return {key: _with_error_shape(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_error_shape(value) for value in node]
    return node


def document_error_shape(document: dict[str, Any]) -> dict[str, Any]:
    """Every 422 and every other 4xx of every operation answers ``ErrorResponse``."""
    document = _with_error_shape(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    # FastAPI's 422 body and its item, referenced by nothing once the refs are rewritten.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorResponse"] = ERROR_SCHEMA
    error = {"description": "Error", "content": {"application/json": {"schema": _ERROR_REF}}}
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("4XX", error)
    return document


def health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "checks": checks},
            status_code=200 if ok else 503,
        )

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def create_app(
    settings: CommonSettings,
    runtime: ServiceRuntime,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    openapi_prefix: str = "",
) -> FastAPI:
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    tracing.configure_tracing(settings)  # once per process; nothing unless OTLP is configured

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        log.info("service.started", port=settings.port)
        try:
            yield
        finally:
            await runtime.stop()
            log.info("service.stopped")

    app = FastAPI(
        title=title,
        lifespan=lifespan,
        openapi_url=f"{openapi_prefix}/openapi.json",
        docs_url=f"{openapi_prefix}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health_router(runtime))
    for router in routers:
        app.include_router(router)
    fastapi_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_service_busy(document_error_shape(fastapi_openapi()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # Inside the request context (ids, latency), before any route or body is read.
    app.add_middleware(RequestTextMiddleware)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    return app
