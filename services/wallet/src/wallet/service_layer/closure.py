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

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.contracts.auth import AccountClosureRequested
from common.contracts.wallet import AccountSettledForClosure
from common.logging import get_logger
from common.messaging.consumer import MessageContext
from common.messaging.outbox import add_to_outbox
from common.runtime import PeriodicSpec
from wallet.adapters.tables import SCHEMA, account, wallet, withdrawal
from wallet.domain.closure import ClosureCheck
from wallet.domain.ledger import AccountKind
from wallet.domain.withdrawals import WithdrawalStatus
from wallet.service_layer.wallets import open_wallet

log = get_logger(__name__)


async def on_account_closure_requested(
    payload: AccountClosureRequested, ctx: MessageContext, *, currency: str
) -> None:
    await open_wallet(ctx.session, payload.user_id, currency)
    await ctx.session.execute(
        update(wallet)
        .where(wallet.c.user_id == payload.user_id, wallet.c.closure_requested_at.is_(None))
        .values(closure_requested_at=ctx.envelope.occurred_at, updated_at=func.now())
    )
    await settle_if_empty(ctx.session, payload.user_id)


async def check_closure(session: AsyncSession, user_id: uuid.UUID) -> ClosureCheck:
    """The user's balances, with the available and held rows locked (the ledger's lock order):
    no transfer can move the user's money between this check and the caller's commit."""
    rows = (
        await session.execute(
            select(account.c.kind, account.c.balance_minor)
            .where(
                account.c.user_id == user_id,
                account.c.kind.in_([AccountKind.available.value, AccountKind.held.value]),
            )
            .order_by(account.c.kind)  # "available" < "held": the ledger's order
            .with_for_update()
        )
    ).all()
    balances = {row.kind: int(row.balance_minor) for row in rows}
    pending = await session.scalar(
        select(func.count())
        .select_from(withdrawal)
        .where(
            withdrawal.c.user_id == user_id,
            withdrawal.c.status == WithdrawalStatus.pending.value,
        )
    )
    return ClosureCheck(
        available_minor=balances.get(AccountKind.available.value, 0),
        held_minor=balances.get(AccountKind.held.value, 0),
        pending_withdrawals=int(pending or 0),
    )


async def settle_if_empty(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """If the wallet is closing, not yet announced and empty: announce it (once). True if now."""
    waiting = await session.scalar(
        select(wallet.c.user_id)
        .where(
            wallet.c.user_id == user_id,
            wallet.c.closure_requested_at.is_not(None),
            wallet.c.closure_settled_at.is_(None),
        )
        .with_for_update()
    )
    if waiting is None:
        return False
    check = await check_closure(session, user_id)
    if not check.settled:
        log.info("wallet.closure_waiting", user_id=str(user_id), waiting_for=check.waiting_for)
        return False
    await session.execute(
        update(wallet)
        .where(wallet.c.user_id == user_id)
        .values(closure_settled_at=func.now(), updated_at=func.now())
    )
    await add_to_outbox(session, SCHEMA, AccountSettledForClosure(user_id=user_id))
    log.info("wallet.closure_settled", user_id=str(user_id))
    return True


async def sweep_closures(engine: AsyncEngine, *, batch: int = 100) -> int:
    """Check every wallet still waiting to be emptied (one transaction each); how many settled."""
    async with engine.connect() as conn:
        waiting = list(
            await conn.scalars(
                select(wallet.c.user_id)
                .where(
                    wallet.c.closure_requested_at.is_not(None),
                    wallet.c.closure_settled_at.is_(None),
                )
                .order_by(wallet.c.closure_requested_at)
                .limit(batch)
            )
        )
    settled = 0
    for user_id in waiting:
        async with AsyncSession(engine) as session, session.begin():
            settled += await settle_if_empty(session, user_id)
    return settled


def closure_periodic_jobs(interval_s: float) -> list[PeriodicSpec]:
    async def sweep(engine: AsyncEngine) -> None:
        await sweep_closures(engine)

    return [PeriodicSpec("closure-sweep", interval_s, sweep)]
