"""Opening and blocking wallets (idempotent: a redelivered message changes nothing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.tables import account, wallet
from wallet.domain.errors import WalletBlocked, WalletNotFound
from wallet.domain.ledger import USER_ACCOUNT_KINDS

ACTIVE = "active"
BLOCKED = "blocked"


@dataclass(frozen=True)
class WalletRow:
    user_id: uuid.UUID
    currency: str
    status: str

    @property
    def is_blocked(self) -> bool:
        return self.status == BLOCKED


async def open_wallet(
    session: AsyncSession, user_id: uuid.UUID, currency: str, *, status: str = ACTIVE
) -> bool:
    """Create the wallet and its user accounts if missing; True if it was created now."""
    created = await session.scalar(
        insert(wallet)
        .values(user_id=user_id, currency=currency, status=status)
        .on_conflict_do_nothing(index_elements=["user_id"])
        .returning(wallet.c.user_id)
    )
    await session.execute(
        insert(account)
        .values(
            [
                {"kind": kind.value, "user_id": user_id, "currency": currency}
                for kind in sorted(USER_ACCOUNT_KINDS)
            ]
        )
        .on_conflict_do_nothing(index_elements=["user_id", "kind"])
    )
    return created is not None


async def block_wallet(
    session: AsyncSession, user_id: uuid.UUID, reason: str, currency: str
) -> None:
    """Mark the wallet blocked (opening it blocked if UserBlocked came first)."""
    await open_wallet(session, user_id, currency, status=BLOCKED)
    await session.execute(
        update(wallet)
        .where(wallet.c.user_id == user_id)
        .values(
            status=BLOCKED,
            blocked_reason=func.coalesce(wallet.c.blocked_reason, reason),
            blocked_at=func.coalesce(wallet.c.blocked_at, func.now()),
            updated_at=func.now(),
        )
    )


async def find_wallet(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> WalletRow | None:
    statement = select(wallet.c.user_id, wallet.c.currency, wallet.c.status).where(
        wallet.c.user_id == user_id
    )
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else WalletRow(row.user_id, row.currency, row.status)


async def usable_wallet(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> WalletRow:
    """The user's wallet, for money leaving it: missing → 404, blocked → 403."""
    found = await find_wallet(session, user_id, for_update=for_update)
    if found is None:
        raise WalletNotFound()
    if found.is_blocked:
        raise WalletBlocked()
    return found
