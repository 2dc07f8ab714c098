"""Two events of one coupon settled at the same moment by two consumer transactions: the coupon
settles exactly once with the right payout (the wallet's ledger to the cent), and a correction
racing the last leg's settlement resettles the coupon instead of being lost.

The interleaving is forced: the first transaction runs its handler and holds its commit until
the second is seen waiting on a row lock in PostgreSQL; then the first commits."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel
from services.bets.tests.builders import (
    BetsDb,
    bet_row,
    handle,
    make_event_resettled,
    make_event_settled,
    open_bet,
    outbox_messages,
    pay_out,
    pay_resettled,
    settle_event,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from sqlalchemy import text

from bets.service_layer import settlement
from common.messaging.consumer import MessageContext
from common.messaging.envelope import wrap


async def _lock_waiters(db: BetsDb) -> int:
    [row] = await db.rows(
        "SELECT count(*) AS n FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return int(row["n"])


async def _wait_for_lock_waiter(db: BetsDb) -> None:
    """Poll PostgreSQL: the lock wait happens there, no Python event can tell it."""
    async with asyncio.timeout(10):
        while True:
            if await _lock_waiters(db):
                return
            await asyncio.sleep(0.02)


async def race(db: BetsDb, first: tuple[Any, BaseModel], second: tuple[Any, BaseModel]) -> None:
    """Run ``first`` and hold its commit until ``second`` (run concurrently) waits on a lock."""
    first_done = asyncio.Event()
    release = asyncio.Event()

    async def hold_first() -> None:
        handler, payload = first
        async with db.sessionmaker.begin() as session:
            await handler(payload, MessageContext(session, wrap(payload), "bets"))
            first_done.set()
            await release.wait()

    async def run_second() -> None:
        await first_done.wait()
        handler, payload = second
        await handle(db, handler, payload)

    async def release_when_blocked() -> None:
        await first_done.wait()
        await _wait_for_lock_waiter(db)
        release.set()

    await asyncio.gather(hold_first(), run_second(), release_when_blocked())


async def test_two_legs_settled_at_once_settle_the_coupon_once(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(home, home_odds), (away, away_odds)] = await open_bet(
        bets_db, wallet_db, user_id, ["1.85", "2.10"], 1_000
    )
    await race(
        bets_db,
        (
            settlement.on_event_settled,
            make_event_settled(home.event_id, {home_odds.odds_id: "won"}),
        ),
        (
            settlement.on_event_settled,
            make_event_settled(away.event_id, {away_odds.odds_id: "won"}),
        ),
    )
    # 1.85 x 2.10 = 3.885 -> 3.89 (combined at acceptance); 10.00 x 3.89 = 38.90
    assert await bet_row(bets_db, bet_id) == {
        "status": "won",
        "result": "won",
        "payout_minor": 3_890,
    }
    assert len(await outbox_messages(bets_db, "BetSettled", bet_id)) == 1
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (10_000 - 1_000 + 3_890, 0)


async def test_a_correction_racing_the_last_leg_resettles_the_coupon(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(home, home_odds), (away, away_odds)] = await open_bet(
        bets_db, wallet_db, user_id, ["1.85", "2.10"], 1_000
    )
    await settle_event(bets_db, home.event_id, {home_odds.odds_id: "won"})
    # The away leg settles the coupon (won) while the home result is corrected to lost.
    await race(
        bets_db,
        (
            settlement.on_event_settled,
            make_event_settled(away.event_id, {away_odds.odds_id: "won"}),
        ),
        (
            settlement.on_event_resettled,
            make_event_resettled(home.event_id, {home_odds.odds_id: "lost"}, version=2),
        ),
    )
    assert await bet_row(bets_db, bet_id) == {"status": "lost", "result": "lost", "payout_minor": 0}
    legs = await bets_db.rows(
        "SELECT outcome FROM bets.bet_leg WHERE bet_id = :id ORDER BY position", id=bet_id
    )
    assert [leg["outcome"] for leg in legs] == ["lost", "won"]
    settled = await pay_out(bets_db, wallet_db, bet_id)
    assert (settled["result"], settled["payout_minor"]) == ("won", 3_890)
    [resettled] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (resettled["new_result"], resettled["payout_delta_minor"]) == ("lost", -3_890)
    assert await wallet_db.balances(user_id) == (9_000, 0)


async def test_many_simultaneous_settlements_leave_no_coupon_open(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    """Unforced: both legs' results run at once, many times; every coupon settles once."""
    user_id = await make_wallet(wallet_db, balance_minor=100_000)
    coupons = [
        await open_bet(bets_db, wallet_db, user_id, ["1.50", "2.00"], 100) for _ in range(15)
    ]
    for _, [(home, home_odds), (away, away_odds)] in coupons:
        await asyncio.gather(
            handle(
                bets_db,
                settlement.on_event_settled,
                make_event_settled(home.event_id, {home_odds.odds_id: "won"}),
            ),
            handle(
                bets_db,
                settlement.on_event_settled,
                make_event_settled(away.event_id, {away_odds.odds_id: "won"}),
            ),
        )
    for bet_id, _ in coupons:
        assert await bet_row(bets_db, bet_id) == {
            "status": "won",
            "result": "won",
            "payout_minor": 300,
        }
        await pay_out(bets_db, wallet_db, bet_id)  # exactly one BetSettled per coupon
    # 15 x 1.00 staked, 15 x 3.00 paid back (1.50 x 2.00).
    assert await wallet_db.balances(user_id) == (100_000 - 1_500 + 4_500, 0)


async def test_settlement_runs_at_read_committed(bets_db: BetsDb) -> None:
    """The fix relies on it: a statement after the lock sees what the other transaction
    committed."""
    async with bets_db.engine.connect() as conn:
        assert (await conn.execute(text("SHOW transaction_isolation"))).scalar() == "read committed"
