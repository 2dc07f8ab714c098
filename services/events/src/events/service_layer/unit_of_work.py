"""events' unit of work: one transaction with the events repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.unit_of_work import UnitOfWork as BaseUnitOfWork
from events.adapters.audit import AdminAuditRepository
from events.adapters.listing_cache import ListingCache
from events.adapters.repositories import CatalogueRepository, EventRepository

SCHEMA = "events"


class UnitOfWork(BaseUnitOfWork):
    schema = SCHEMA

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, listing: ListingCache | None = None
    ) -> None:
        super().__init__(sessionmaker)
        self._listing = listing

    async def commit(self) -> None:
        # Every committed write (odds, markets, events, catalogue) makes the cached pages old:
        # after the commit, before the writer answers, so the next read sees the change.
        if self._listing is not None:
            self.after_commit(self._listing.invalidate)
        await super().commit()

    def bind(self, db: AsyncSession) -> None:
        self.events = EventRepository(db)
        self.catalogue = CatalogueRepository(db)
        self.audit = AdminAuditRepository(db)


UnitOfWorkFactory = Callable[[], UnitOfWork]
