"""One unit of work = one database transaction, with the repositories bound to it.

Every state change and the messages describing it (``emit``: the outbox) commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.messaging.outbox import add_to_outbox
from events.adapters.repositories import CatalogueRepository, EventRepository

SCHEMA = "events"


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __aenter__(self) -> Self:
        self.db = self._sessionmaker()  # begins a transaction on first use
        self.events = EventRepository(self.db)
        self.catalogue = CatalogueRepository(self.db)
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
        await add_to_outbox(self.db, SCHEMA, *messages)

    async def commit(self) -> None:
        await self.db.commit()

    async def rollback(self) -> None:
        await self.db.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]
