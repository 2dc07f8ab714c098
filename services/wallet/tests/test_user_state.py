"""Unblocking (auth.UserUnblocked) and account closure (auth.AccountClosureRequested) in the
wallet, on the real database: ordered by occurred_at, idempotent, money history untouched."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_reserve,
    make_settled,
    make_wallet,
    reserve_on_new_wallet,
)
from sqlalchemy import func, select

from common.contracts.auth import AccountClosureRequested, UserBlocked, UserUnblocked
from common.messaging.envelope import Envelope, wrap
from wallet.adapters.tables import transfer, wallet
from wallet.domain.closure import ClosureCheck
from wallet.domain.errors import WalletClosing
from wallet.service_layer import closure, saga
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import usable_wallet

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def at(payload: object, moment: datetime) -> Envelope:
    return wrap(payload).model_copy(update={"occurred_at": moment})  # type: ignore[arg-type]


async def block(db: WalletDb, user: uuid.UUID, moment: datetime) -> None:
    payload = UserBlocked(user_id=user, reason="fraud")

    async def handler(p: UserBlocked, ctx: object) -> None:
        await saga.on_user_blocked(p, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(db, handler, payload, at(payload, moment))


async def unblock(db: WalletDb, user: uuid.UUID, moment: datetime) -> None:
    payload = UserUnblocked(user_id=user)

    async def handler(p: UserUnblocked, ctx: object) -> None:
        await saga.on_user_unblocked(p, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(db, handler, payload, at(payload, moment))


async def request_closure(db: WalletDb, user: uuid.UUID) -> None:
    async def handler(p: AccountClosureRequested, ctx: object) -> None:
        await closure.on_account_closure_requested(p, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(db, handler, AccountClosureRequested(user_id=user))


async def status(db: WalletDb, user: uuid.UUID) -> str:
    async with db.engine.connect() as conn:
        return str(await conn.scalar(select(wallet.c.status).where(wallet.c.user_id == user)))


async def reserve_reason(db: WalletDb, user: uuid.UUID) -> str | None:
    command = make_reserve(user, 100)
    await handle(db, saga.on_reserve_stake, command)
    rejected = await db.emitted("StakeReservationRejected", bet_id=command.bet_id)
    return str(rejected[0]["reason"]) if rejected else None


# --- unblock ---------------------------------------------------------------------------------


async def test_unblock_lifts_the_block_and_stakes_are_held_again(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=5_000)
    await block(wallet_db, user, T0)
    assert await reserve_reason(wallet_db, user) == "wallet.user_blocked"
    await unblock(wallet_db, user, T0 + timedelta(minutes=5))
    await unblock(wallet_db, user, T0 + timedelta(minutes=5))  # redelivered: nothing more
    assert await status(wallet_db, user) == "active"
    assert await reserve_reason(wallet_db, user) is None
    assert await wallet_db.balances(user) == (4_900, 100)
    async with wallet_db.sessionmaker.begin() as session:
        assert (await usable_wallet(WalletUnitOfWork.joining(session), user)).user_id == user


async def test_an_unblock_older_than_the_latest_block_does_not_unblock(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    # blocked at 12:00, unblocked 12:05, blocked again 12:10; the 12:05 unblock arrives last.
    await block(wallet_db, user, T0)
    await block(wallet_db, user, T0 + timedelta(minutes=10))
    await unblock(wallet_db, user, T0 + timedelta(minutes=5))
    assert await status(wallet_db, user) == "blocked"
    # A tie goes to the block (the safe side).
    await unblock(wallet_db, user, T0 + timedelta(minutes=10))
    assert await status(wallet_db, user) == "blocked"
    await unblock(wallet_db, user, T0 + timedelta(minutes=11))
    assert await status(wallet_db, user) == "active"


async def test_a_block_older_than_the_latest_unblock_arriving_late_does_not_block(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db)
    await unblock(wallet_db, user, T0 + timedelta(minutes=5))  # the block is still in flight
    await block(wallet_db, user, T0)
    assert await status(wallet_db, user) == "active"


# --- closure ---------------------------------------------------------------------------------


def test_closure_check_needs_every_balance_at_zero() -> None:
    assert ClosureCheck(0, 0, 0).settled
    assert ClosureCheck(1, 0, 0).waiting_for == ["balance"]
    assert ClosureCheck(-1, 0, 0).waiting_for == ["debt"]
    assert ClosureCheck(0, 500, 1).waiting_for == ["open_bets", "pending_withdrawals"]
    assert not ClosureCheck(0, 0, 1).settled


async def test_a_closing_wallet_refuses_money_in_and_allows_money_out(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=2_500)
    await request_closure(wallet_db, user)
    assert await wallet_db.emitted("AccountSettledForClosure", user_id=str(user)) == []
    assert await reserve_reason(wallet_db, user) == "wallet.account_closing"
    async with wallet_db.sessionmaker.begin() as session:
        uow = WalletUnitOfWork.joining(session)
        with pytest.raises(WalletClosing):
            await usable_wallet(uow, user)  # a deposit
        assert (await usable_wallet(uow, user, money_leaves=True)).closing  # a withdrawal
    assert await wallet_db.balances(user) == (2_500, 0)


async def test_closure_waits_for_the_open_bet_then_settles_once_keeping_history(
    wallet_db: WalletDb,
) -> None:
    user, bet = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=1_000)
    await request_closure(wallet_db, user)
    assert await closure.sweep_closures(wallet_db.engine) == 0  # held 10.00: an open bet
    await handle(wallet_db, saga.on_bet_settled, make_settled(bet, "lost"))
    assert await wallet_db.balances(user) == (0, 0)
    assert await closure.sweep_closures(wallet_db.engine) == 1
    assert await closure.sweep_closures(wallet_db.engine) == 0
    await request_closure(wallet_db, user)  # redelivered
    assert len(await wallet_db.emitted("AccountSettledForClosure", user_id=str(user))) == 1
    # Nothing of the money history went away.
    history = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user)]
    assert history == [("deposit", 1_000), ("bet_placed", -1_000), ("bet_lost", 0)]
    async with wallet_db.engine.connect() as conn:
        transfers = await conn.scalar(
            select(func.count()).select_from(transfer).where(transfer.c.user_id == user)
        )
    assert transfers == 3


async def test_an_empty_wallet_settles_as_soon_as_closure_is_asked(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db)
    await request_closure(wallet_db, user)
    assert len(await wallet_db.emitted("AccountSettledForClosure", user_id=str(user))) == 1
