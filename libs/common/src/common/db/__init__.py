"""Async SQLAlchemy 2 on asyncpg: one pooled engine per process, metadata per schema."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Constraint names are deterministic so Alembic migrations can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def schema_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


class DatabaseUnreachable(ConnectionError):
    """A new connection to the database failed while connecting (refused, reset, timed out): the
    server is restarting or out of reach, and no statement ran on it (a 503 at the HTTP edge,
    common.backpressure). An ``OSError`` still, for the loops that retry on one."""


def _connect_or_unreachable(
    dialect: Dialect, _record: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> Any:
    # asyncpg raises the socket's own error (or TimeoutError) from connect, which SQLAlchemy
    # passes through unwrapped: named here, so the edge can tell it from a fault of ours.
    try:
        return dialect.loaded_dbapi.connect(*cargs, **cparams)
    except OSError as exc:
        raise DatabaseUnreachable(f"cannot connect to the database: {exc!r}") from exc


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout_s: float = 30.0,
    application_name: str = "looseline",
) -> AsyncEngine:
    """``pool_timeout_s``: how long a checkout waits for a free connection before SQLAlchemy
    raises its pool ``TimeoutError`` (a 503 at the HTTP edge, common.backpressure)."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        # No ping per checkout (a round trip on every request, ~a quarter of a read's cost):
        # a connection the server dropped fails its first statement, SQLAlchemy then drops
        # the whole pool's stale connections, and the request gets 503 + Retry-After
        # (common.backpressure) with nothing written.
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={
            "server_settings": {"application_name": application_name},
            "timeout": 5,
        },
    )
    event.listen(engine.sync_engine, "do_connect", _connect_or_unreachable)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def libpq_url(url: str) -> str:
    """The same URL for asyncpg/psql (``postgresql://``) without SQLAlchemy's driver suffix."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


class DatabaseHandles:
    """The runtime's engine and sessionmaker as a service's request dependencies carry them.

    A service's ``<Svc>Services`` dataclass declares ``engine`` and ``sessionmaker`` fields
    (``None`` until the app factory binds the runtime's) and inherits the accessors.
    """

    engine: AsyncEngine | None
    sessionmaker: async_sessionmaker[AsyncSession] | None

    def bind(self, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.engine, self.sessionmaker = engine, sessionmaker

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        assert self.sessionmaker is not None, "the runtime has no database"
        return self.sessionmaker

    @property
    def db_engine(self) -> AsyncEngine:
        assert self.engine is not None, "the runtime has no database"
        return self.engine
