"""One unit of work = one database transaction, with a service's repositories bound to it.

Every state change and the messages describing it (``emit``: the outbox) commit together.
Work that must only happen once the transaction is durable (sending an email, writing a
Redis deny-list) is registered with ``after_commit`` and run by ``commit``, best effort.
A service subclasses it to attach its repositories in ``bind``.

From HTTP or a job it opens its own transaction (``async with XUnitOfWork(sessionmaker) as uow``,
the caller commits). A message handler joins the consumer's (``XUnitOfWork.for_message(ctx)``),
so the inbox row, the change and the replies in the outbox commit together — the consumer
commits; code that owns a transaction joins it the same way (``XUnitOfWork.joining(session)``).
Either way a handler is written against one object.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import ClassVar, Self

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.logging import get_logger
from common.messaging.consumer import BatchContext, MessageContext
from common.messaging.envelope import Envelope
from common.messaging.outbox import add_to_outbox

log = get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


class UnitOfWork:
    schema: ClassVar[str]  # the service's own schema: where its outbox lives

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._after_commit: list[AfterCommit] = []

    def bind(self, db: AsyncSession) -> None:
        """Attach the service's repositories to this transaction's session."""

    @classmethod
    def for_message(cls, ctx: MessageContext | BatchContext) -> Self:
        """Bound to the consumer's open transaction (the consumer commits or rolls back)."""
        return cls.joining(ctx.session)

    @classmethod
    def joining(cls, session: AsyncSession) -> Self:
        """Bound to a transaction the caller owns and commits (not entered, not committed)."""
        uow = cls.__new__(cls)
        uow._after_commit = []
        uow.db = session
        uow.bind(session)
        return uow

    async def __aenter__(self) -> Self:
        self.db = self._sessionmaker()  # begins a transaction on first use
        self._after_commit = []
        self.bind(self.db)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.db.in_transaction():
                await self.db.rollback()
        finally:
            await self.db.close()

    async def emit(self, *messages: BaseModel) -> None:
        """Queue messages in the outbox, inside this transaction."""
        await add_to_outbox(self.db, self.schema, *messages)

    async def emit_replies(self, replies: Sequence[tuple[Envelope, BaseModel]]) -> None:
        """Replies to several messages in one outbox INSERT, each on its own message's chain."""
        await BatchContext(self.db, self.schema).emit(replies)

    def after_commit(self, action: AfterCommit) -> None:
        self._after_commit.append(action)

    async def commit(self) -> None:
        await self.db.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                await action()
            except Exception as exc:  # the change is durable; a side effect is best effort
                log.exception("unit_of_work.after_commit_failed", error=repr(exc))

    async def rollback(self) -> None:
        self._after_commit = []
        await self.db.rollback()
