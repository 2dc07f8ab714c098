"""The account holder's name and email, kept from UserRegistered for report headers."""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.report_tables import account_holder


async def record_account_holder(
    session: AsyncSession, user_id: uuid.UUID, *, email: str, name: str
) -> None:
    """Idempotent: a redelivered UserRegistered writes the same values again."""
    statement = insert(account_holder).values(user_id=user_id, email=email, name=name)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"email": statement.excluded.email, "name": statement.excluded.name},
        )
    )
