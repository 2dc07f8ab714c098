"""The ``wallet`` rows and the user's ledger accounts opened with them.

Block and unblock are ordered by the ``occurred_at`` auth stamped on each message:
``block_changed_at`` keeps the newest applied; an older message changes nothing, and on a tie
the block wins (service_layer/wallets.py says why).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.tables import account, wallet
from wallet.domain.ledger import USER_ACCOUNT_KINDS

ACTIVE = "active"
BLOCKED = "blocked"


@dataclass(frozen=True)
class WalletRow:
    user_id: uuid.UUID
    currency: str
    status: str
    closing: bool = False  # the user asked to close the account

    @property
    def is_blocked(self) -> bool:
        return self.status == BLOCKED


_COLUMNS = (
    wallet.c.user_id,
    wallet.c.currency,
    wallet.c.status,
    wallet.c.closure_requested_at.is_not(None).label("closing"),
)


def _not_older(occurred_at: datetime | None, *, tie_applies: bool) -> ColumnElement[bool]:
    """The stored change is not newer than this message's (a tie: only a block applies)."""
    if occurred_at is None:
        return true() if tie_applies else wallet.c.block_changed_at.is_(None)
    newer = (
        wallet.c.block_changed_at <= occurred_at
        if tie_applies
        else wallet.c.block_changed_at < occurred_at
    )
    return or_(wallet.c.block_changed_at.is_(None), newer)


class Wallets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, user_id: uuid.UUID, currency: str, *, status: str = ACTIVE) -> bool:
        """Create the wallet and its user accounts if missing; True if it was created now."""
        created = await self.session.scalar(
            insert(wallet)
            .values(user_id=user_id, currency=currency, status=status)
            .on_conflict_do_nothing(index_elements=["user_id"])
            .returning(wallet.c.user_id)
        )
        await self.session.execute(
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

    async def block(self, user_id: uuid.UUID, reason: str, *, occurred_at: datetime | None) -> bool:
        """Blocked, unless an unblock newer than ``occurred_at`` was applied (False then)."""
        changed = await self.session.scalar(
            update(wallet)
            .where(wallet.c.user_id == user_id, _not_older(occurred_at, tie_applies=True))
            .values(
                status=BLOCKED,
                blocked_reason=func.coalesce(wallet.c.blocked_reason, reason),
                blocked_at=func.coalesce(wallet.c.blocked_at, func.now()),
                block_changed_at=func.greatest(wallet.c.block_changed_at, occurred_at),
                updated_at=func.now(),
            )
            .returning(wallet.c.user_id)
        )
        return changed is not None

    async def unblock(self, user_id: uuid.UUID, *, occurred_at: datetime) -> bool:
        """Active again, unless a block at or after ``occurred_at`` was applied (False then)."""
        changed = await self.session.scalar(
            update(wallet)
            .where(wallet.c.user_id == user_id, _not_older(occurred_at, tie_applies=False))
            .values(
                status=ACTIVE,
                blocked_reason=None,
                blocked_at=None,
                block_changed_at=occurred_at,
                updated_at=func.now(),
            )
            .returning(wallet.c.user_id)
        )
        return changed is not None

    async def find(self, user_id: uuid.UUID, *, for_update: bool = False) -> WalletRow | None:
        """``for_update``: locked ``FOR NO KEY UPDATE`` — one money operation of the user's at a
        time (withdrawals, subscriptions), yet not in the way of the KEY SHARE lock PostgreSQL
        takes on this row when a transaction updates the user's account rows a second time (its
        foreign key checked again: a deposit that also pays a package or resumes a
        subscription); ``FOR UPDATE`` would deadlock with such a deposit."""
        statement = select(*_COLUMNS).where(wallet.c.user_id == user_id)
        if for_update:
            statement = statement.with_for_update(key_share=True)
        row = (await self.session.execute(statement)).one_or_none()
        return (
            None if row is None else WalletRow(row.user_id, row.currency, row.status, row.closing)
        )

    async def find_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, WalletRow]:
        """``find`` for many users in one statement (a batch of saga messages)."""
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(*_COLUMNS).where(wallet.c.user_id.in_(list(user_ids)))
        )
        return {r.user_id: WalletRow(r.user_id, r.currency, r.status, r.closing) for r in rows}
