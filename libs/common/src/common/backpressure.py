"""Back-pressure at the HTTP edge: a busy database pool answers 503 with ``Retry-After``.

So does a request whose pooled connection turns out to be dead (the database restarted): the
engines do not ping on checkout, so the first statement finds out, nothing was written, and the
client retries on a fresh connection. And one that cannot open a new connection at all
(``common.db.DatabaseUnreachable``: refused, reset or timed out while connecting).

A request that cannot get a pooled connection within the engine's ``pool_timeout``
(``<PREFIX>DB_POOL_TIMEOUT_S``) gets SQLAlchemy's pool ``TimeoutError``. Unanswered it would be
a 500, and an unbounded wait a gateway 504 after the client had already given up; instead the
client is told the service is busy and when to try again, in the one error shape.

A handler reaches its first checkout before it writes anything, so a 503 from the first
checkout means nothing was written. A route that writes and then reads again must not let a
second checkout turn its committed work into a 503 (the bets placement answers 202 instead).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from common.db import DatabaseUnreachable
from common.errors import error_body
from common.logging import get_logger

log = get_logger(__name__)

SERVICE_BUSY: Final = "service_busy"
# Connections come back within milliseconds once a burst passes: a second is long enough for a
# retry to find one, short enough that a client does not give up.
RETRY_AFTER_S: Final = 1
_MESSAGE: Final = "The service is busy. Try again shortly."


def connection_lost(exc: DBAPIError) -> JSONResponse | None:
    """503 for a pooled connection the server had dropped (restart, failover): its transaction
    never committed, SQLAlchemy has discarded the pool's stale connections, a retry gets a
    fresh one. None for any other database error."""
    if not exc.connection_invalidated:
        return None
    log.warning("http.db_connection_lost", error=type(exc.orig).__name__)
    return service_busy()


def service_busy() -> JSONResponse:
    """503 ``service_busy`` with ``Retry-After``."""
    return JSONResponse(
        error_body(SERVICE_BUSY, _MESSAGE, {"retry_after_s": RETRY_AFTER_S}),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def install_backpressure(app: FastAPI) -> None:
    """Answer a pool checkout that timed out with 503 ``service_busy``."""

    @app.exception_handler(PoolTimeout)
    async def pool_exhausted(request: Request, _exc: PoolTimeout) -> JSONResponse:
        log.warning("http.pool_exhausted", path=request.url.path, retry_after_s=RETRY_AFTER_S)
        return service_busy()

    @app.exception_handler(DatabaseUnreachable)
    async def database_unreachable(request: Request, exc: DatabaseUnreachable) -> JSONResponse:
        cause = type(exc.__cause__).__name__
        log.warning("http.db_unreachable", path=request.url.path, error=cause)
        return service_busy()


_BUSY_RESPONSE: Final[dict[str, Any]] = {
    "description": "The service is busy (no database connection free in time); retry after"
    " the `Retry-After` seconds. Nothing was done.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


def document_service_busy(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation may answer 503 ``service_busy`` (after ``document_error_shape``)."""
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("503", _BUSY_RESPONSE)
    return document
