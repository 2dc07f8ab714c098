"""Subscriptions' rows (plans, subscriptions, the charge and refund log): issue 22, ADR 0012."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class Subscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
