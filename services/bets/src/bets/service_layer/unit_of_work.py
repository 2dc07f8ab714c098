"""The bets unit of work: one transaction with the bets repositories bound to it, its outbox in
the ``bets`` schema.

HTTP handlers and jobs open their own (``async with BetsUnitOfWork(sessionmaker) as uow``, the
caller commits); a message handler joins the consumer's transaction
(``BetsUnitOfWork.for_message(ctx)``), so the inbox row, the bets moved and the replies commit
together — the consumer commits. Either way a handler is written against one object:
``uow.bets``, ``uow.read_model``, ``emit`` / ``emit_replies`` and ``on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.repositories import BetRepository, EventReadModel
from common.commit_hooks import on_commit
from common.messaging.consumer import BatchContext, MessageContext
from common.messaging.envelope import Envelope
from common.unit_of_work import UnitOfWork


class BetsUnitOfWork(UnitOfWork):
    schema: ClassVar[str] = "bets"

    def bind(self, db: AsyncSession) -> None:
        self.bets = BetRepository(db)
        self.read_model = EventReadModel(db)

    @classmethod
    def for_message(cls, ctx: MessageContext | BatchContext) -> BetsUnitOfWork:
        """Bound to the consumer's open transaction (the consumer commits or rolls back)."""
        return cls.joining(ctx.session)

    @classmethod
    def joining(cls, session: AsyncSession) -> BetsUnitOfWork:
        """Bound to a transaction the caller owns and commits (not entered, not committed)."""
        uow = cls.__new__(cls)
        uow._after_commit = []
        uow.db = session
        uow.bind(session)
        return uow

    async def emit_replies(self, replies: Sequence[tuple[Envelope, BaseModel]]) -> None:
        """Replies to several messages in one outbox INSERT, each on its own message's chain."""
        await BatchContext(self.db, self.schema).emit(replies)

    def on_commit(self, action: Callable[[], None]) -> None:
        """Run a cheap synchronous action (a counter) once this transaction commits, whoever
        commits it (``common.commit_hooks``)."""
        on_commit(self.db, action)
