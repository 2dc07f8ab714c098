"""``Idempotency-Key`` for mutating HTTP calls (ARCHITECTURE.md §4), reusable by every service.

A key is scoped to ``(user, endpoint, key)`` and kept ``ttl`` (24 h). The first answer (status
and JSON body) is stored and replayed to every retry; the same key with another body (hash of
its canonical JSON) is a 422 ``idempotency.mismatch``; a retry while the first call is still
running is a 409 ``idempotency.in_progress``.

How it stays race-safe:

1. ``claim()`` runs in its own short transaction: ``INSERT … ON CONFLICT DO NOTHING`` on the
   key. Exactly one caller inserts the row (``in_progress``, with a random ``token``); the others
   read the row and get the stored answer, a mismatch or "in progress".
2. The operation runs in its own transaction and, before committing, calls ``record()`` on that
   same session: ``UPDATE … SET status = 'completed', response … WHERE token = :token``. The
   answer is stored atomically with the operation's effects: either both commit or neither.
3. A row left ``in_progress`` longer than ``lease`` belongs to a caller that died (its
   transaction, which would have recorded the answer, never committed): the next claim takes it
   over with a new token. Should the first caller still be alive, its ``record()`` finds another
   token and fails, so its transaction rolls back: one operation commits, never two.
4. A domain error (a 4xx answer) is the first answer too: ``record_failure()`` stores it in a
   short transaction of its own (the operation's was rolled back). An unexpected error releases
   the key (``release()``), so a retry runs again.

An HTTP handler uses it one way, in every service: ``run_once(store, engine, request, user_id=…,
body=…, run=…)`` claims the request's key, answers a retry with the stored answer (``Replay``), and
otherwise calls ``run(claim)`` — which opens the service's unit of work, does the operation,
``record()``s the answer on that unit of work's session when ``claim`` is not ``None`` and commits —
under ``settle_on_error``.

The service creates the table in its own schema with the frozen migration step
``create_idempotency_table_v1(op, schema)``; ``IdempotencyStore.purge_expired`` is a periodic job.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse

from common.db import schema_metadata
from common.errors import DomainError, error_body

__all__ = [
    "HEADER",
    "Claim",
    "IdempotencyInProgress",
    "IdempotencyKeyInvalid",
    "IdempotencyLost",
    "IdempotencyMismatch",
    "IdempotencyStore",
    "Replay",
    "create_idempotency_table_v1",
    "define_idempotency_table",
    "drop_idempotency_table_v1",
    "replay_response",
    "request_hash",
    "run_once",
]

HEADER: Final = "Idempotency-Key"
TABLE: Final = "idempotency_key"
IN_PROGRESS: Final = "in_progress"
COMPLETED: Final = "completed"
_KEY_RE: Final = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


class IdempotencyMismatch(DomainError):
    code = "idempotency.mismatch"
    status_code = 422
    default_message = "This Idempotency-Key was used with a different request."


class IdempotencyInProgress(DomainError):
    code = "idempotency.in_progress"
    status_code = 409
    default_message = "A request with this Idempotency-Key is still being processed."


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency.invalid_key"
    status_code = 400
    default_message = "Idempotency-Key must be 1-255 printable ASCII characters."


class IdempotencyLost(DomainError):
    """Our claim was taken over (lease expired): this operation must not commit."""

    code = "idempotency.in_progress"
    status_code = 409
    default_message = "A request with this Idempotency-Key is being processed elsewhere."


# --- the table ------------------------------------------------------------------------------


def define_idempotency_table(metadata: MetaData) -> Table:
    """``idempotency_key`` in the metadata's schema."""
    return Table(
        TABLE,
        metadata,
        Column("user_id", Text, nullable=False),
        Column("endpoint", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("request_hash", Text, nullable=False),
        Column("status", Text, nullable=False),
        Column("token", Text, nullable=False),
        Column("response_status", Integer),
        Column("response_body", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("locked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("completed_at", DateTime(timezone=True)),
        PrimaryKeyConstraint("user_id", "endpoint", "key"),
        Index(f"ix_{TABLE}_created_at", "created_at"),
    )


_tables: dict[str, Table] = {}


def idempotency_table(schema: str) -> Table:
    if schema not in _tables:
        _tables[schema] = define_idempotency_table(schema_metadata(schema))
    return _tables[schema]


def create_idempotency_table_v1(op: Any, schema: str) -> None:
    """Migration step (frozen: a later change is a new ``_v2`` step, never an edit here)."""
    define_idempotency_table(schema_metadata(schema)).create(op.get_bind())
    op.execute(
        f"ALTER TABLE {schema}.{TABLE} ADD CONSTRAINT ck_{TABLE}_status "
        f"CHECK (status IN ('{IN_PROGRESS}', '{COMPLETED}'))"
    )


def drop_idempotency_table_v1(op: Any, schema: str) -> None:
    op.execute(f"DROP TABLE IF EXISTS {schema}.{TABLE}")


# --- the protocol ---------------------------------------------------------------------------


def request_hash(body: Any) -> str:
    """SHA-256 of the canonical JSON of a request body (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    """This caller owns the key: run the operation, then ``record()`` in its transaction."""

    user_id: str
    endpoint: str
    key: str
    token: str


@dataclass(frozen=True)
class Replay:
    """The key's first answer, to send again as it was."""

    status_code: int
    body: Any


class IdempotencyStore:
    def __init__(
        self,
        schema: str,
        *,
        ttl: timedelta = timedelta(hours=24),
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.table = idempotency_table(schema)
        self.ttl = ttl
        self.lease = lease

    @staticmethod
    def validate_key(key: str) -> str:
        if not _KEY_RE.match(key):
            raise IdempotencyKeyInvalid()
        return key

    async def claim(
        self,
        engine: AsyncEngine,
        *,
        user_id: str,
        endpoint: str,
        key: str,
        body: Mapping[str, Any] | Any,
    ) -> Claim | Replay:
        """Own the key (a fresh, expired or abandoned row) or learn its first answer."""
        self.validate_key(key)
        digest = request_hash(body)
        token = secrets.token_hex(16)
        t = self.table
        async with engine.begin() as conn:
            inserted = await conn.scalar(
                insert(t)
                .values(
                    user_id=user_id,
                    endpoint=endpoint,
                    key=key,
                    request_hash=digest,
                    status=IN_PROGRESS,
                    token=token,
                )
                .on_conflict_do_nothing()
                .returning(t.c.token)
            )
            if inserted is not None:
                return Claim(user_id, endpoint, key, token)
            taken = await self._take_over(conn, user_id, endpoint, key, digest, token)
            if taken:
                return Claim(user_id, endpoint, key, token)
            row = (
                await conn.execute(
                    select(
                        t.c.request_hash, t.c.status, t.c.response_status, t.c.response_body
                    ).where(t.c.user_id == user_id, t.c.endpoint == endpoint, t.c.key == key)
                )
            ).one_or_none()
        if row is None:  # purged between our INSERT and SELECT: extremely rare, just retry
            return await self.claim(engine, user_id=user_id, endpoint=endpoint, key=key, body=body)
        if row.request_hash != digest:
            raise IdempotencyMismatch()
        if row.status != COMPLETED:
            raise IdempotencyInProgress()
        return Replay(int(row.response_status), row.response_body)

    async def _take_over(
        self,
        conn: AsyncConnection,
        user_id: str,
        endpoint: str,
        key: str,
        digest: str,
        token: str,
    ) -> bool:
        """An expired row (any body) or an abandoned in-progress one (same body) is ours now."""
        t = self.table
        now = func.now()
        expired = t.c.created_at < now - self.ttl
        abandoned = and_(
            t.c.status == IN_PROGRESS, t.c.locked_at < now - self.lease, t.c.request_hash == digest
        )
        taken = await conn.scalar(
            update(t)
            .where(t.c.user_id == user_id, t.c.endpoint == endpoint, t.c.key == key)
            .where(or_(expired, abandoned))
            .values(
                request_hash=digest,
                status=IN_PROGRESS,
                token=token,
                response_status=None,
                response_body=None,
                created_at=now,
                locked_at=now,
                completed_at=None,
            )
            .returning(t.c.token)
        )
        return taken is not None

    async def record(
        self, db: AsyncSession | AsyncConnection, claim: Claim, status_code: int, body: Any
    ) -> None:
        """Store the answer inside the operation's own transaction (call just before commit)."""
        t = self.table
        result = await db.execute(
            update(t)
            .where(
                t.c.user_id == claim.user_id,
                t.c.endpoint == claim.endpoint,
                t.c.key == claim.key,
                t.c.token == claim.token,
                t.c.status == IN_PROGRESS,
            )
            .values(
                status=COMPLETED,
                response_status=status_code,
                response_body=body,
                completed_at=func.now(),
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise IdempotencyLost()

    async def record_failure(
        self, engine: AsyncEngine, claim: Claim, status_code: int, body: Any
    ) -> None:
        """Store a refusal (4xx) as the first answer, in a transaction of its own."""
        async with engine.begin() as conn:
            # someone else owns the key now: their answer stands
            with contextlib.suppress(IdempotencyLost):
                await self.record(conn, claim, status_code, body)

    @contextlib.asynccontextmanager
    async def settle_on_error(
        self, engine: AsyncEngine, claim: Claim | None
    ) -> AsyncIterator[None]:
        """Around an operation under a claim: a refusal (DomainError) becomes the key's first
        answer; any other failure frees the key so a retry runs again."""
        try:
            yield
        except DomainError as exc:
            if claim is not None:
                body = error_body(exc.code, exc.message, exc.details)
                await self.record_failure(engine, claim, exc.status_code, body)
            raise
        except BaseException:
            if claim is not None:
                await self.release(engine, claim)
            raise

    async def release(self, engine: AsyncEngine, claim: Claim) -> None:
        """Forget an in-progress claim (an unexpected error): a retry will run again."""
        t = self.table
        async with engine.begin() as conn:
            await conn.execute(
                delete(t).where(
                    t.c.user_id == claim.user_id,
                    t.c.endpoint == claim.endpoint,
                    t.c.key == claim.key,
                    t.c.token == claim.token,
                    t.c.status == IN_PROGRESS,
                )
            )

    async def purge_expired(self, engine: AsyncEngine) -> int:
        """Delete keys older than ``ttl`` (a periodic job)."""
        t = self.table
        async with engine.begin() as conn:
            result = await conn.execute(delete(t).where(t.c.created_at < func.now() - self.ttl))
        return int(result.rowcount)


class NoContent(JSONResponse):
    """A 204 with no body at all, typed as ``run_once``'s answers are (``JSONResponse`` would
    send ``null``) and no content type (a client must not try to read JSON from it)."""

    def __init__(self, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(None, status_code=204, headers=headers)
        del self.headers["content-type"]

    def render(self, content: Any) -> bytes:
        return b""


def replay_response(replay: Replay) -> JSONResponse:
    """A retry's answer: the first call's, marked as replayed (a 204 again without a body)."""
    headers = {"Idempotent-Replayed": "true"}
    if replay.status_code == 204:
        return NoContent(headers=headers)
    return JSONResponse(replay.body, status_code=replay.status_code, headers=headers)


async def run_once(
    store: IdempotencyStore,
    engine: AsyncEngine,
    request: Request,
    *,
    user_id: str,
    body: Any,
    run: Callable[[Claim | None], Awaitable[JSONResponse]],
    replay: Callable[[Replay], Awaitable[JSONResponse]] | None = None,
) -> JSONResponse:
    """Run a mutating request once per ``Idempotency-Key`` (when the client sent one).

    The key is claimed for ``(user_id, "METHOD /path")`` with the request's ``body``; a retry
    gets ``replay(stored)`` (default: the stored answer as it was); otherwise ``run(claim)``
    answers, where ``claim`` is ``None`` without a key. ``run`` records its answer with
    ``store.record(<its unit of work's session>, claim, status, body)`` before its commit, so the
    answer and the effects commit together. A refusal (``DomainError``) becomes the key's answer;
    any other failure frees the key (``settle_on_error``)."""
    key = request.headers.get(HEADER)
    claim: Claim | None = None
    if key is not None:
        found = await store.claim(
            engine,
            user_id=user_id,
            endpoint=f"{request.method} {request.url.path}",
            key=key,
            body=body,
        )
        if isinstance(found, Replay):
            return await replay(found) if replay is not None else replay_response(found)
        claim = found
    async with store.settle_on_error(engine, claim):
        return await run(claim)
