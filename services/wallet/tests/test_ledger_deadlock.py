"""Two settlements on the same house shard, committing at the same moment, never deadlock.

Each transaction's entry INSERT takes ``FOR KEY SHARE`` on the shard row (the foreign key
``entry.account_id → account.id``). At commit the ledger locks the shard rows before updating
their balances: with ``FOR UPDATE`` each transaction waited for the other's key-share lock, a
deadlock every time; ``FOR NO KEY UPDATE`` does not conflict with it, so one commits and the
other follows. The order is forced: both transactions write their entries, then both commit.
"""

from __future__ import annotations

import asyncio
import uuid

from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_reserve,
    make_settled,
    make_wallet,
)
from sqlalchemy import select

from common.messaging.consumer import MessageContext
from common.messaging.envelope import wrap
from wallet.adapters.tables import SCHEMA, account
from wallet.domain.ledger import shard_for
from wallet.service_layer import saga


def users_on_one_shard(count: int) -> list[uuid.UUID]:
    first = uuid.uuid4()
    found = [first]
    while len(found) < count:
        candidate = uuid.uuid4()
        if shard_for(candidate) == shard_for(first):
            found.append(candidate)
    return found


async def house_balance(db: WalletDb, shard: int) -> int:
    async with db.engine.connect() as conn:
        balance = await conn.scalar(
            select(account.c.balance_minor).where(
                account.c.kind == "house", account.c.shard == shard
            )
        )
    assert balance is not None
    return int(balance)


async def test_settlements_on_one_house_shard_commit_together_without_deadlock(
    wallet_db: WalletDb,
) -> None:
    first, second = users_on_one_shard(2)
    stakes = {first: 1_250, second: 3_310}
    reserves = []
    for user, stake in stakes.items():
        await make_wallet(wallet_db, balance_minor=10_000, user_id=user)
        reserve = make_reserve(user, stake)
        await handle(wallet_db, saga.on_reserve_stake, reserve)
        reserves.append(reserve)
    shard = shard_for(first)
    house_before = await house_balance(wallet_db, shard)

    sessions = [wallet_db.sessionmaker() for _ in reserves]
    try:
        # both transactions insert their entries on the shard row (FOR KEY SHARE via the FK)…
        for session, reserve in zip(sessions, reserves, strict=True):
            await session.begin()
            settled = make_settled(reserve, "lost")
            await saga.on_bet_settled(settled, MessageContext(session, wrap(settled), SCHEMA))
        # …then both lock it at commit, at the same moment
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(s.commit() for s in sessions), return_exceptions=True), timeout=10
        )
    finally:
        for session in sessions:
            await session.close()

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert await house_balance(wallet_db, shard) == house_before + 1_250 + 3_310
    assert await wallet_db.balances(first) == (10_000 - 1_250, 0)
    assert await wallet_db.balances(second) == (10_000 - 3_310, 0)
    assert [await wallet_db.hold_status(r.bet_id) for r in reserves] == ["posted", "posted"]
