"""partners' unit of work: one transaction with the partners repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from common.unit_of_work import UnitOfWork as BaseUnitOfWork
from partners.adapters.repositories import (
    AttributionRepository,
    InboundRepository,
    PartnerRepository,
    PostbackRepository,
)

SCHEMA = "partners"


class UnitOfWork(BaseUnitOfWork):
    schema = SCHEMA

    def bind(self, db: AsyncSession) -> None:
        self.partners = PartnerRepository(db)
        self.attribution = AttributionRepository(db)
        self.postbacks = PostbackRepository(db)
        self.inbound = InboundRepository(db)


UnitOfWorkFactory = Callable[[], UnitOfWork]
