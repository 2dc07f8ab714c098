"""Packages' rows (packages, orders, purchases, usages, notices): issue 22, ADR 0012."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class Packages:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
