"""Per-user transaction locks for work that is capped per user (issue 20).

A cap is "count what the user has in progress, then start one more": two requests of the same
user must not both count before either inserts. A PostgreSQL advisory lock on (kind of work, user)
makes them decide in turn, held until the transaction ends. Not the wallet row: these
transactions may wait on Stripe, and bets and withdrawals must not queue behind them.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def lock_user_work(session: AsyncSession, work: str, user_id: uuid.UUID) -> None:
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:work), hashtext(:user_id))"),
        {"work": f"wallet.{work}", "user_id": str(user_id)},
    )
