"""events' unit of work: one transaction with the events repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from common.unit_of_work import UnitOfWork as BaseUnitOfWork
from events.adapters.audit import AdminAuditRepository
from events.adapters.repositories import CatalogueRepository, EventRepository

SCHEMA = "events"


class UnitOfWork(BaseUnitOfWork):
    schema = SCHEMA

    def bind(self, db: AsyncSession) -> None:
        self.events = EventRepository(db)
        self.catalogue = CatalogueRepository(db)
        self.audit = AdminAuditRepository(db)


UnitOfWorkFactory = Callable[[], UnitOfWork]
