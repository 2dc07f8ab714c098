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

from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.wallets import ACTIVE, Wallets
from wallet.adapters.wallets import WalletRow as WalletRow
from wallet.domain.errors import WalletBlocked, WalletClosing, WalletNotFound

# The functions take the caller's session: the one-at-a-time saga reference, fixtures and
# seeding scripts call them inside a transaction of their own; a handler reads ``uow.wallets``.


async def open_wallet(
    session: AsyncSession, user_id: uuid.UUID, currency: str, *, status: str = ACTIVE
) -> bool:
    """Create the wallet and its user accounts if missing; True if it was created now."""
    return await Wallets(session).open(user_id, currency, status=status)


async def find_wallet(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> WalletRow | None:
    return await Wallets(session).find(user_id, for_update=for_update)


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
