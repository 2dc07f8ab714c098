"""The settlement-at-scale scenario, shared by the test and ``scripts/bench_settlement.py``.

One event, ``users`` wallets, ``bets_per_user`` singles each spread over the event's three
selections with stakes of any cent. The wallet's real handlers hold every stake and pay every
settlement (in transactions of ``CHUNK`` messages, as its consumer batches them, ``LANES`` at a
time over disjoint users and system-account shards); bets settles the event with its real
handler. ``verify`` checks every bet, every wallet balance and ledger line to the cent, and the
ledger reconciliation.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_event_created,
    make_event_settled,
    make_odds_changed,
)
from services.wallet.tests.support.ledger import WalletDb, open_funded
from sqlalchemy import insert, text

from bets.adapters.tables import bet, bet_leg
from bets.domain.odds import payout_minor
from bets.service_layer import read_model, settlement
from common.contracts.bets import BetLeg, BetSettled, ReserveStake
from common.messaging.consumer import BatchContext
from wallet.domain.ledger import shard_for
from wallet.service_layer.reconciliation import reconcile
from wallet.service_layer.saga import Origin, reserve_stake, settle_bet
from wallet.service_layer.saga_batch import SagaCommand, SagaResult, apply_saga_batch
from wallet.service_layer.unit_of_work import WalletUnitOfWork

CHUNK = 50  # messages per wallet transaction (its consumer's default batch is 100)
LANES = 4  # concurrent wallet transactions, each over its own shards of users
DEPOSIT_MINOR = 1_000_000
SELECTIONS = (
    ("1", Decimal("2.10"), "won"),
    ("X", Decimal("3.40"), "lost"),
    ("2", Decimal("3.25"), "lost"),
)


@dataclass(frozen=True)
class PlannedBet:
    bet_id: uuid.UUID
    user_id: uuid.UUID
    odds_id: uuid.UUID
    coefficient: Decimal
    outcome: str
    stake_minor: int

    @property
    def payout_minor(self) -> int:
        return payout_minor(self.stake_minor, self.coefficient) if self.outcome == "won" else 0


@dataclass
class Book:
    event_id: uuid.UUID
    event_name: str
    outcomes: dict[uuid.UUID, str]
    bets: list[PlannedBet]
    users: list[uuid.UUID]
    timings: dict[str, float] = field(default_factory=dict)


async def _in_lanes(
    db: WalletDb,
    items: Sequence[Any],
    key: Callable[[Any], uuid.UUID],
    work: Callable[[Any, Any], Awaitable[None]],
    *,
    lanes_n: int = LANES,
) -> None:
    """Run ``work(session, item)`` for every item, ``CHUNK`` per transaction, ``lanes_n`` lanes
    at a time. An item's lane is picked by its user's system-account shard: two lanes never
    touch the same rows (concurrent transactions on one shard can deadlock in the wallet, its
    entries' foreign keys share-lock the shard row that its commit then locks for update)."""
    lanes: list[list[Any]] = [[] for _ in range(lanes_n)]
    for item in items:
        lanes[shard_for(key(item)) % lanes_n].append(item)

    async def run(lane: list[Any]) -> None:
        for start in range(0, len(lane), CHUNK):
            async with db.sessionmaker.begin() as session:
                for item in lane[start : start + CHUNK]:
                    await work(session, item)

    await asyncio.gather(*(run(lane) for lane in lanes))


async def _in_batches(db: WalletDb, commands: Sequence[SagaCommand], size: int) -> list[SagaResult]:
    """The wallet's batch path: ``size`` messages per transaction, ``LANES`` lanes at a time
    (picked by shard as ``_in_lanes`` does), each batch as the consumer hands it over."""
    lanes: list[list[SagaCommand]] = [[] for _ in range(LANES)]
    for command in commands:
        lanes[shard_for(command.user_id) % LANES].append(command)
    results: list[SagaResult] = []

    async def run(lane: list[SagaCommand]) -> None:
        for start in range(0, len(lane), size):
            async with db.sessionmaker.begin() as session:
                uow = WalletUnitOfWork.for_message(BatchContext(session, "wallet"))
                items = [(c, Origin(event_id=uuid.uuid4())) for c in lane[start : start + size]]
                results.extend(await apply_saga_batch(uow, items))

    await asyncio.gather(*(run(lane) for lane in lanes))
    return results


async def _mark_delivered(engine: Any, schema: str, ids: list[str], field_name: str) -> None:
    """This scenario delivers its messages by hand: mark them published, so a relay started by
    a later test does not send thousands of them to a wallet that never held those bets."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"UPDATE {schema}.outbox SET published_at = now()"
                f" WHERE published_at IS NULL AND body->'payload'->>'{field_name}' = ANY(:ids)"
            ),
            {"ids": ids},
        )


async def build_book(
    bets_db: BetsDb,
    wallet_db: WalletDb | None,
    *,
    users: int,
    bets_per_user: int,
    seed: int = 6,
    wallet_batch: int | None = None,
) -> Book:
    """The event offered and every bet open; with ``wallet_db``, wallets funded and every stake
    held by the wallet's handler first (without, bets' side only)."""
    rng = random.Random(seed)
    created = make_event_created()
    market_id = uuid.uuid4()
    outcomes: dict[uuid.UUID, str] = {}
    offered: list[tuple[uuid.UUID, Decimal, str, str]] = []
    await handle(bets_db, read_model.on_event_snapshot, created)
    for name, coefficient, outcome in SELECTIONS:
        odds = make_odds_changed(
            created.event_id, market_id=market_id, selection=name, new_coefficient=coefficient
        )
        await handle(bets_db, read_model.on_odds_changed, odds)
        outcomes[odds.odds_id] = outcome
        offered.append((odds.odds_id, coefficient, outcome, name))
    user_ids = [uuid.uuid4() for _ in range(users)]
    book = Book(created.event_id, created.event_name, outcomes, [], user_ids)

    started = time.perf_counter()

    async def fund(session: Any, user_id: uuid.UUID) -> None:
        await open_funded(session, user_id, DEPOSIT_MINOR)

    if wallet_db is not None:
        await _in_lanes(wallet_db, user_ids, lambda u: u, fund)
        await _mark_delivered(wallet_db.engine, "wallet", [str(u) for u in user_ids], "user_id")
    book.timings["wallets"] = time.perf_counter() - started

    names = {odds_id: name for odds_id, _, _, name in offered}
    for user_id in user_ids:
        for _ in range(bets_per_user):
            odds_id, coefficient, outcome, _ = rng.choice(offered)
            book.bets.append(
                PlannedBet(
                    uuid.uuid4(), user_id, odds_id, coefficient, outcome, rng.randint(100, 5_000)
                )
            )
    started = time.perf_counter()
    placed_at = datetime.now(UTC)
    async with bets_db.sessionmaker.begin() as session:
        for start in range(0, len(book.bets), 5_000):
            batch = book.bets[start : start + 5_000]
            await session.execute(
                insert(bet),
                [
                    {
                        "id": b.bet_id,
                        "user_id": b.user_id,
                        "bet_type": "single",
                        "status": "pending",
                        "stake_minor": b.stake_minor,
                        "currency": "USD",
                        "coefficient": b.coefficient,
                        "potential_win_minor": payout_minor(b.stake_minor, b.coefficient),
                        "accept_odds_change": "none",
                        "created_at": placed_at,
                    }
                    for b in batch
                ],
            )
            await session.execute(
                insert(bet_leg),
                [
                    {
                        "bet_id": b.bet_id,
                        "position": 0,
                        "event_id": created.event_id,
                        "market_id": market_id,
                        "odds_id": b.odds_id,
                        "event_name": created.event_name,
                        "market": "1X2",
                        "selection": names[b.odds_id],
                        "coefficient": b.coefficient,
                    }
                    for b in batch
                ],
            )
    book.timings["bets_inserted"] = time.perf_counter() - started

    started = time.perf_counter()
    replies: dict[str, int] = defaultdict(int)

    def command_for(planned: PlannedBet) -> ReserveStake:
        leg = BetLeg(
            event_id=created.event_id,
            event_name=created.event_name,
            market="1X2",
            selection=names[planned.odds_id],
            coefficient=planned.coefficient,
            odds_id=planned.odds_id,
        )
        return ReserveStake(
            bet_id=planned.bet_id,
            user_id=planned.user_id,
            amount_minor=planned.stake_minor,
            currency="USD",
            legs=[leg],
        )

    async def hold(session: Any, planned: PlannedBet) -> None:
        uow = WalletUnitOfWork.joining(session)
        replies[type(await reserve_stake(uow, command_for(planned))).__name__] += 1

    if wallet_db is not None and wallet_batch:
        commands = [command_for(b) for b in book.bets]
        for reply in await _in_batches(wallet_db, commands, wallet_batch):
            replies[type(reply).__name__] += 1
    elif wallet_db is not None:
        await _in_lanes(wallet_db, book.bets, lambda b: b.user_id, hold)
        assert dict(replies) == {"StakeReserved": len(book.bets)}, replies
    # Every reservation answered StakeReserved: the bets open (the saga's step, in one go).
    async with bets_db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE bets.bet SET status = 'open', decided_at = now()"
                " WHERE id IN (SELECT bet_id FROM bets.bet_leg WHERE event_id = :event_id)"
            ),
            {"event_id": created.event_id},
        )
    book.timings["stakes_held"] = time.perf_counter() - started
    return book


async def settle_book(
    bets_db: BetsDb, wallet_db: WalletDb | None, book: Book, *, wallet_batch: int | None = None
) -> list[BetSettled]:
    """bets settles the event (its handler, one transaction); the wallet, if given, pays every
    ``BetSettled``. The messages bets sent."""
    started = time.perf_counter()
    await handle(
        bets_db, settlement.on_event_settled, make_event_settled(book.event_id, book.outcomes)
    )
    book.timings["bets_settlement"] = time.perf_counter() - started
    rows = await bets_db.rows(
        "SELECT o.body FROM bets.outbox o JOIN bets.bet_leg l"
        " ON l.bet_id = CAST(o.body->'payload'->>'bet_id' AS uuid)"
        " WHERE o.routing_key = 'bets.BetSettled' AND l.event_id = :event_id",
        event_id=book.event_id,
    )
    messages = [BetSettled(**r["body"]["payload"]) for r in rows]
    await _mark_delivered(bets_db.engine, "bets", [str(m.bet_id) for m in messages], "bet_id")
    started = time.perf_counter()

    async def pay(session: Any, message: BetSettled) -> None:
        await settle_bet(WalletUnitOfWork.joining(session), message)

    if wallet_db is not None and wallet_batch:
        paid = await _in_batches(wallet_db, messages, wallet_batch)
        assert paid == [True] * len(messages)  # every settlement moved money, once
    elif wallet_db is not None:
        await _in_lanes(wallet_db, messages, lambda m: m.user_id, pay)
        await _mark_delivered(wallet_db.engine, "wallet", [str(u) for u in book.users], "user_id")
    book.timings["wallet_settlement"] = time.perf_counter() - started
    return messages


async def verify_bets(bets_db: BetsDb, book: Book, messages: list[BetSettled]) -> None:
    """Every bet settled once, with its exact result and payout, in the DB and in its message."""
    expected = {b.bet_id: b for b in book.bets}
    assert len(messages) == len(expected)
    assert {m.bet_id for m in messages} == set(expected)
    for m in messages:
        planned = expected[m.bet_id]
        assert (m.result, m.payout_minor) == (planned.outcome, planned.payout_minor), m
    rows = await bets_db.rows(
        "SELECT b.id, b.status, b.payout_minor FROM bets.bet b JOIN bets.bet_leg l"
        " ON l.bet_id = b.id WHERE l.event_id = :event_id",
        event_id=book.event_id,
    )
    assert len(rows) == len(expected)
    for r in rows:
        planned = expected[r["id"]]
        assert (r["status"], r["payout_minor"]) == (planned.outcome, planned.payout_minor)


async def verify(
    bets_db: BetsDb, wallet_db: WalletDb, book: Book, messages: list[BetSettled]
) -> None:
    """``verify_bets``, and every wallet and its ledger lines right, the reconciliation clean."""
    await verify_bets(bets_db, book, messages)
    available: dict[uuid.UUID, int] = dict.fromkeys(book.users, DEPOSIT_MINOR)
    lines: dict[uuid.UUID, int] = dict.fromkeys(book.users, 1)  # the deposit
    for b in book.bets:
        available[b.user_id] += b.payout_minor - b.stake_minor
        lines[b.user_id] += 2  # bet_placed, then bet_won / bet_lost
    async with wallet_db.engine.connect() as conn:
        balances = await conn.execute(
            text(
                "SELECT user_id, kind, balance_minor FROM wallet.account"
                " WHERE user_id = ANY(:users) AND kind IN ('available', 'held')"
            ),
            {"users": book.users},
        )
        found: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
        for r in balances:
            found[r.user_id][r.kind] = int(r.balance_minor)
        history = await conn.execute(
            text(
                "SELECT user_id, count(*) AS n, sum(amount_minor) AS total,"
                " (array_agg(balance_after_minor ORDER BY id DESC))[1] AS last_after"
                " FROM wallet.balance_transaction WHERE user_id = ANY(:users) GROUP BY user_id"
            ),
            {"users": book.users},
        )
        ledger = {r.user_id: (int(r.n), int(r.total), int(r.last_after)) for r in history}
    for user_id in book.users:
        assert found[user_id] == {"available": available[user_id], "held": 0}, user_id
        assert ledger[user_id] == (lines[user_id], available[user_id], available[user_id])
    report = await reconcile(wallet_db.engine)
    assert report.ok, report.as_dict()
