#!/usr/bin/env python3
"""Settlement at scale on the real PostgreSQL (``make bench``): one event with 20 000 open bets
from 2 000 users, settled by bets and paid by the wallet's real handlers, then verified (every
bet, every wallet balance and ledger line to the cent, the ledger reconciliation).

The wallet holds and pays through its set-based batch path (``saga_batch.apply_saga_batch``,
``--wallet-batch`` messages per transaction, default 500, as its consumer hands them over);
``--wallet-batch 0`` runs the one-at-a-time handlers instead (``reserve_stake``/``settle_bet``,
the figures before the batch path).

Runs the scenario of ``services/bets/tests/scale.py`` (the same as the test) on a fresh
database and prints a Markdown table; the figures go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the scenario lives with the bets tests

from services.bets.tests.builders import BetsDb  # noqa: E402
from services.bets.tests.scale import CHUNK, LANES, build_book, settle_book, verify  # noqa: E402
from services.wallet.tests.support.ledger import WalletDb  # noqa: E402

from common.db import create_engine, create_sessionmaker  # noqa: E402
from common.testing.database import TestDatabase  # noqa: E402
from common.testing.infra import discover  # noqa: E402


async def main(users: int, bets_per_user: int, wallet_batch: int) -> None:
    infra = await discover()
    database = TestDatabase(infra.postgres_admin_url)
    await database.create()
    try:
        await database.migrate("bets")
        await database.migrate("wallet")
        bets_engine = create_engine(database.url_for("bets"), pool_size=2)
        wallet_engine = create_engine(database.url_for("wallet"), pool_size=LANES + 2)
        bets_db = BetsDb(bets_engine, create_sessionmaker(bets_engine))
        wallet_db = WalletDb(wallet_engine, create_sessionmaker(wallet_engine))
        try:
            batch = wallet_batch or None
            book = await build_book(
                bets_db, wallet_db, users=users, bets_per_user=bets_per_user, wallet_batch=batch
            )
            messages = await settle_book(bets_db, wallet_db, book, wallet_batch=batch)
            started = time.perf_counter()
            await verify(bets_db, wallet_db, book, messages)
            book.timings["verify"] = time.perf_counter() - started
        finally:
            await bets_engine.dispose()
            await wallet_engine.dispose()
    finally:
        await database.drop()
        infra.stop()

    count = len(book.bets)
    t = book.timings
    hold, pay = (
        ("apply_saga_batch", "apply_saga_batch")
        if wallet_batch
        else ("reserve_stake", "settle_bet")
    )
    per_tx = (
        f"{wallet_batch} messages per transaction (batch path)"
        if wallet_batch
        else f"{CHUNK} messages per transaction (one at a time)"
    )
    rows = [
        ("wallets opened and funded", users, t["wallets"]),
        ("bets inserted open (bulk)", count, t["bets_inserted"]),
        (f"stakes held (wallet `{hold}`)", count, t["stakes_held"]),
        ("**bets settles the event** (`on_event_settled`)", count, t["bets_settlement"]),
        (f"wallet pays every `BetSettled` (`{pay}`)", count, t["wallet_settlement"]),
        (
            "**event settled → last wallet credit** (bets + wallet)",
            count,
            t["bets_settlement"] + t["wallet_settlement"],
        ),
        ("verification (bets, balances, ledger, reconciliation)", count, t["verify"]),
    ]
    print(f"{count} bets from {users} users; wallet: {per_tx}, {LANES} lanes")
    print("| step | items | seconds | per second |")
    print("|---|---|---|---|")
    for name, items, seconds in rows:
        print(f"| {name} | {items} | {seconds:.2f} | ~{items / seconds:,.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--bets-per-user", type=int, default=10)
    parser.add_argument(
        "--wallet-batch",
        type=int,
        default=500,
        help="messages per wallet transaction; 0: one by one",
    )
    args = parser.parse_args()
    asyncio.run(main(args.users, args.bets_per_user, args.wallet_batch))
