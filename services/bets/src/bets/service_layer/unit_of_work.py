"""The bets unit of work: one transaction, its outbox in the ``bets`` schema."""

from __future__ import annotations

from typing import ClassVar

from common.unit_of_work import UnitOfWork


class BetsUnitOfWork(UnitOfWork):
    schema: ClassVar[str] = "bets"
