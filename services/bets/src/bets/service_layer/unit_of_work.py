"""The bets unit of work: one transaction with the bets repositories bound to it, its outbox in
the ``bets`` schema.

HTTP handlers and jobs open their own (``async with BetsUnitOfWork(sessionmaker) as uow``, the
caller commits); a message handler joins the consumer's transaction
(``BetsUnitOfWork.for_message(ctx)``), so the inbox row, the bets moved and the replies commit
together — the consumer commits. Either way a handler is written against one object:
``uow.bets``, ``uow.read_model``, ``uow.restrictions``, ``uow.loss_limits``, ``emit`` /
``emit_replies`` and ``on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.repositories import BetRepository, EventReadModel
from bets.adapters.responsible_gambling import LossLimitRepository, RestrictionReadModel
from common.commit_hooks import on_commit
from common.unit_of_work import UnitOfWork


class BetsUnitOfWork(UnitOfWork):
    schema: ClassVar[str] = "bets"

    def bind(self, db: AsyncSession) -> None:
        self.bets = BetRepository(db)
        self.read_model = EventReadModel(db)
        self.restrictions = RestrictionReadModel(db)
        self.loss_limits = LossLimitRepository(db)

    def on_commit(self, action: Callable[[], None]) -> None:
        """Run a cheap synchronous action (a counter) once this transaction commits, whoever
        commits it (``common.commit_hooks``)."""
        on_commit(self.db, action)
