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
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.wallets import ACTIVE, BLOCKED, Wallets
from wallet.adapters.wallets import WalletRow as WalletRow
from wallet.domain.errors import WalletBlocked, WalletClosing, WalletNotFound

# The functions take the caller's session: the saga's handlers, fixtures and seeding scripts
# call them inside a transaction of their own; a unit of work reads ``uow.wallets``.


async def open_wallet(
    session: AsyncSession, user_id: uuid.UUID, currency: str, *, status: str = ACTIVE
) -> bool:
    """Create the wallet and its user accounts if missing; True if it was created now."""
    return await Wallets(session).open(user_id, currency, status=status)


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
    wallets = Wallets(session)
    await wallets.open(user_id, currency, status=BLOCKED)
    return await wallets.block(user_id, reason, occurred_at=occurred_at)


async def unblock_wallet(
    session: AsyncSession, user_id: uuid.UUID, currency: str, *, occurred_at: datetime
) -> bool:
    """Lift the block, unless a block at or after ``occurred_at`` was applied. A wallet not
    opened yet is opened active and remembers the unblock (a late, older block then loses)."""
    wallets = Wallets(session)
    await wallets.open(user_id, currency)
    return await wallets.unblock(user_id, occurred_at=occurred_at)


async def find_wallet(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> WalletRow | None:
    return await Wallets(session).find(user_id, for_update=for_update)


async def find_wallets(
    session: AsyncSession, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, WalletRow]:
    """``find_wallet`` for many users in one statement (a batch of saga messages)."""
    return await Wallets(session).find_many(user_ids)


def check_usable(found: WalletRow | None, *, money_leaves: bool = False) -> WalletRow:
    """The wallet, for moving money: missing → 404, blocked → 403; being closed → 409 unless
    the money only leaves it (a withdrawal: "withdraw first")."""
    if found is None:
        raise WalletNotFound()
    if found.is_blocked:
        raise WalletBlocked()
    if found.closing and not money_leaves:
        raise WalletClosing()
    return found


async def usable_wallet(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    for_update: bool = False,
    money_leaves: bool = False,
) -> WalletRow:
    """The user's wallet, for moving money (``check_usable``)."""
    found = await Wallets(session).find(user_id, for_update=for_update)
    return check_usable(found, money_leaves=money_leaves)
