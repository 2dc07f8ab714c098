"""The wallet's side of account closure (docs/wallet.md, "Account closure").

``auth.AccountClosureRequested`` marks the wallet as closing: from then on deposits and stakes
are refused (``wallet.account_closing``) and withdrawals still work ("withdraw first"). Once the
wallet holds nothing for the user (domain/closure.py) it sends ``wallet.AccountSettledForClosure``
once, and auth completes the closure. The check runs when the request arrives, when a
withdrawal is paid out, and in a periodic sweep (bets settling, withdrawals rejected back into
the balance and then withdrawn again, …). Nothing is ever deleted: ledger, history, statements
and reports of a closed account stay for the legal retention period.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from common.contracts.auth import AccountClosureRequested
from common.contracts.wallet import AccountSettledForClosure
from common.db import create_sessionmaker
from common.logging import get_logger
from common.messaging.consumer import MessageContext
from common.runtime import PeriodicSpec
from wallet.adapters.closures import waiting_wallets
from wallet.domain.closure import ClosureCheck
from wallet.service_layer.unit_of_work import WalletUnitOfWork

log = get_logger(__name__)


async def on_account_closure_requested(
    payload: AccountClosureRequested, ctx: MessageContext, *, currency: str
) -> None:
    uow = WalletUnitOfWork.for_message(ctx)
    await uow.wallets.open(payload.user_id, currency)
    await uow.closures.mark_requested(payload.user_id, ctx.envelope.occurred_at)
    await settle_if_empty(uow, payload.user_id)


async def check_closure(uow: WalletUnitOfWork, user_id: uuid.UUID) -> ClosureCheck:
    """The user's balances, with the available and held rows locked (the ledger's lock order):
    no transfer can move the user's money between this check and the caller's commit."""
    return await uow.closures.check(user_id)


async def settle_if_empty(uow: WalletUnitOfWork, user_id: uuid.UUID) -> bool:
    """If the wallet is closing, not yet announced and empty: announce it (once). True if now."""
    if not await uow.closures.lock_waiting(user_id):
        return False
    check = await check_closure(uow, user_id)
    if not check.settled:
        log.info("wallet.closure_waiting", user_id=str(user_id), waiting_for=check.waiting_for)
        return False
    await uow.closures.mark_settled(user_id)
    await uow.emit(AccountSettledForClosure(user_id=user_id))
    log.info("wallet.closure_settled", user_id=str(user_id))
    return True


async def sweep_closures(engine: AsyncEngine, *, batch: int = 100) -> int:
    """Check every wallet still waiting to be emptied (one transaction each); how many settled."""
    async with engine.connect() as conn:
        waiting = await waiting_wallets(conn, limit=batch)
    sessions = create_sessionmaker(engine)
    settled = 0
    for user_id in waiting:
        async with WalletUnitOfWork(sessions) as uow:
            settled += await settle_if_empty(uow, user_id)
            await uow.commit()
    return settled


def closure_periodic_jobs(interval_s: float) -> list[PeriodicSpec]:
    async def sweep(engine: AsyncEngine) -> None:
        await sweep_closures(engine)

    return [PeriodicSpec("closure-sweep", interval_s, sweep)]
