"""notifications' unit of work: one transaction with the notifications repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from common.unit_of_work import UnitOfWork as BaseUnitOfWork
from notifications.adapters.repositories import (
    DeliveryRepository,
    PreferenceRepository,
    RecipientRepository,
)

SCHEMA = "notifications"


class UnitOfWork(BaseUnitOfWork):
    schema = SCHEMA

    def bind(self, db: AsyncSession) -> None:
        self.recipients = RecipientRepository(db)
        self.preferences = PreferenceRepository(db)
        self.deliveries = DeliveryRepository(db)


UnitOfWorkFactory = Callable[[], UnitOfWork]
