"""Concurrency on one wallet: reservations and withdrawals racing never overdraw it."""

from __future__ import annotations

import asyncio
import itertools

from services.wallet.tests.support.ledger import WalletDb, handle, make_reserve, make_wallet

from common.messaging.envelope import wrap
from wallet.service_layer import saga


async def test_fifty_parallel_reservations_for_a_wallet_that_covers_ten(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10 * 2_500)
    commands = [make_reserve(user, 2_500) for _ in range(50)]
    # each in its own session and transaction, all at once
    results = await asyncio.gather(
        *(handle(wallet_db, saga.on_reserve_stake, c) for c in commands), return_exceptions=True
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    reserved = await wallet_db.emitted("StakeReserved", user_id=user)
    rejected = await wallet_db.emitted("StakeReservationRejected", user_id=user)
    assert (len(reserved), len(rejected)) == (10, 40)
    assert {r["reason"] for r in rejected} == {"wallet.insufficient_funds"}
    assert await wallet_db.balances(user) == (0, 25_000)
    history = await wallet_db.history(user)
    assert min(r["balance_after_minor"] for r in history) == 0
    # the history rows chain: each starts where the one before ended
    for before, after in itertools.pairwise(history):
        assert after["balance_before_minor"] == before["balance_after_minor"]


async def test_duplicates_of_one_bet_racing_each_other_hold_once(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=5_000)
    command = make_reserve(user, 1_000)
    await asyncio.gather(
        *(handle(wallet_db, saga.on_reserve_stake, command, wrap(command)) for _ in range(10))
    )
    assert await wallet_db.balances(user) == (4_000, 1_000)
    replies = await wallet_db.emitted("StakeReserved", bet_id=command.bet_id)
    assert len(replies) == 10
    assert len({r["hold_id"] for r in replies}) == 1


async def test_racing_duplicates_of_a_refused_bet_are_all_refused(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=500)
    command = make_reserve(user, 1_000)
    await asyncio.gather(*(handle(wallet_db, saga.on_reserve_stake, command) for _ in range(10)))
    assert await wallet_db.emitted("StakeReserved", bet_id=command.bet_id) == []
    assert len(await wallet_db.emitted("StakeReservationRejected", bet_id=command.bet_id)) == 10
    assert await wallet_db.balances(user) == (500, 0)


async def test_many_users_in_parallel_each_end_right(wallet_db: WalletDb) -> None:
    users = [await make_wallet(wallet_db, balance_minor=1_000) for _ in range(20)]
    commands = [make_reserve(u, 300) for u in users for _ in range(4)]  # 3 fit, 1 does not
    await asyncio.gather(*(handle(wallet_db, saga.on_reserve_stake, c) for c in commands))
    for u in users:
        assert await wallet_db.balances(u) == (100, 900)
