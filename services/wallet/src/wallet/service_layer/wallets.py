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

from wallet.adapters.wallets import WalletRow as WalletRow
from wallet.domain.errors import WalletBlocked, WalletClosing, WalletNotFound
from wallet.service_layer.unit_of_work import WalletUnitOfWork

# Opening, finding, blocking and unblocking are ``uow.wallets`` (adapters/wallets.py); this module
# holds the rule a handler applies to the wallet it found.


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
    uow: WalletUnitOfWork,
    user_id: uuid.UUID,
    *,
    for_update: bool = False,
    money_leaves: bool = False,
) -> WalletRow:
    """The user's wallet, for moving money (``check_usable``)."""
    found = await uow.wallets.find(user_id, for_update=for_update)
    return check_usable(found, money_leaves=money_leaves)
