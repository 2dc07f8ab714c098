"""Opening, blocking and unblocking wallets (idempotent: a redelivered message changes nothing).

Block and unblock are ordered by the ``occurred_at`` auth stamped on each message (auth takes
the user's row lock before it emits, so one user's messages are stamped in order):
``block_changed_at`` keeps the newest applied, and an older message arriving late changes
nothing. On a tie the block wins (the safe side).

A wallet being closed (``closure_requested_at`` set, service_layer/closure.py) refuses money
coming in (deposits, stakes) with ``wallet.account_closing``; money may still leave it.
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
from wallet.domain.errors import WalletBlocked, WalletClosing, WalletNotFound
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
    session: AsyncSession,
    user_id: uuid.UUID,
    reason: str,
    currency: str,
    *,
    occurred_at: datetime | None = None,
) -> bool:
    """Mark the wallet blocked (opening it blocked if UserBlocked came first). False when an
    unblock newer than ``occurred_at`` was applied already (this block is history)."""
    await open_wallet(session, user_id, currency, status=BLOCKED)
    changed = await session.scalar(
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


async def unblock_wallet(
    session: AsyncSession, user_id: uuid.UUID, currency: str, *, occurred_at: datetime
) -> bool:
    """Lift the block, unless a block at or after ``occurred_at`` was applied. A wallet not
    opened yet is opened active and remembers the unblock (a late, older block then loses)."""
    await open_wallet(session, user_id, currency)
    changed = await session.scalar(
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


async def find_wallet(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> WalletRow | None:
    statement = select(
        wallet.c.user_id,
        wallet.c.currency,
        wallet.c.status,
        wallet.c.closure_requested_at.is_not(None).label("closing"),
    ).where(wallet.c.user_id == user_id)
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else WalletRow(row.user_id, row.currency, row.status, row.closing)


async def find_wallets(
    session: AsyncSession, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, WalletRow]:
    """``find_wallet`` for many users in one statement (a batch of saga messages)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(
            wallet.c.user_id,
            wallet.c.currency,
            wallet.c.status,
            wallet.c.closure_requested_at.is_not(None).label("closing"),
        ).where(wallet.c.user_id.in_(list(user_ids)))
    )
    return {r.user_id: WalletRow(r.user_id, r.currency, r.status, r.closing) for r in rows}


async def usable_wallet(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    for_update: bool = False,
    money_leaves: bool = False,
) -> WalletRow:
    """The user's wallet, for moving money: missing → 404, blocked → 403; being closed → 409
    unless the money only leaves it (a withdrawal: "withdraw first")."""
    found = await find_wallet(session, user_id, for_update=for_update)
    if found is None:
        raise WalletNotFound()
    if found.is_blocked:
        raise WalletBlocked()
    if found.closing and not money_leaves:
        raise WalletClosing()
    return found
