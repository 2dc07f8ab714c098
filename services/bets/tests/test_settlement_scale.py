"""Settlement at scale: an event with 20 000 open bets from 2 000 users settles, and every bet,
every wallet and its ledger are right to the cent (the wallet's real handlers, real PostgreSQL).
The test asserts correctness; the time goes to docs/benchmarks.md (``make bench`` runs the same
scenario and reports it).

The wallet's handlers cost ~5-10 ms a message here, so the first test takes a few minutes at full
size; ``BETS_SCALE_BETS_PER_USER=2`` shrinks it for a quick local run."""

from __future__ import annotations

import os

from services.bets.tests.builders import BetsDb, settle_event
from services.bets.tests.scale import build_book, settle_book, verify, verify_bets
from services.wallet.tests.support.ledger import WalletDb

USERS = int(os.environ.get("BETS_SCALE_USERS", "2000"))
BETS_PER_USER = int(os.environ.get("BETS_SCALE_BETS_PER_USER", "10"))


async def test_an_event_with_open_bets_from_2_000_users_settles_every_wallet_right(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    book = await build_book(bets_db, wallet_db, users=USERS, bets_per_user=BETS_PER_USER)
    messages = await settle_book(bets_db, wallet_db, book)
    await verify(bets_db, wallet_db, book, messages)

    # The same result again changes nothing: no second BetSettled for any bet.
    await settle_event(bets_db, book.event_id, book.outcomes)
    count = await bets_db.one(
        "SELECT count(*) AS n FROM bets.outbox o JOIN bets.bet_leg l"
        " ON l.bet_id = CAST(o.body->'payload'->>'bet_id' AS uuid)"
        " WHERE o.routing_key = 'bets.BetSettled' AND l.event_id = :event_id",
        event_id=book.event_id,
    )
    assert count["n"] == len(book.bets)


async def test_an_event_with_20_000_open_bets_from_2_000_users_settles_each_bet_once(
    bets_db: BetsDb,
) -> None:
    book = await build_book(bets_db, None, users=2_000, bets_per_user=10)
    messages = await settle_book(bets_db, None, book)
    assert len(messages) == 20_000
    await verify_bets(bets_db, book, messages)
