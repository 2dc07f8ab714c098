"""The set-based saga (saga_batch.py) against the one-at-a-time reference (saga.py).

The property: random ReserveStake/ReleaseStake/BetSettled/BetResettled/BetPlaced/BetCancelled
over a few users with small balances (rejections happen), duplicates included, applied one by
one through the reference functions on one wallet database and in batches on a second one, leave
identical ledgers: balances, holds, transfers and entries, history lines in order, audit rows,
rejections, tombstones, the bet read model (every column a message writes), the emitted replies
and every system account — to the cent.
A message the reference refuses by raising (a settlement before its reservation, a mismatch, a
payout past the cap) is rolled back there; it would go to the retry queue, so the batches get
the others (the consumer's culprit search does the same), and nothing of it may differ.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_cancelled,
    make_placed,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
    open_funded,
)
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from common.context import causation_id_var, correlation_id_var
from common.db import create_engine, create_sessionmaker
from common.messaging.consumer import BatchContext
from common.testing.database import TestDatabase
from wallet.adapters.tables import SCHEMA
from wallet.domain.errors import HoldNotFound
from wallet.entrypoints.worker import subscriptions
from wallet.service_layer import saga
from wallet.service_layer.reconciliation import reconcile
from wallet.service_layer.saga import Origin
from wallet.service_layer.saga_batch import (
    SagaCommand,
    SagaResult,
    apply_saga_batch,
    read_model_rounds,
)
from wallet.service_layer.unit_of_work import WalletUnitOfWork

AT = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def twin_db(infrastructure: Any) -> AsyncIterator[WalletDb]:
    """A second wallet database: the one-at-a-time reference runs there."""
    database = TestDatabase(infrastructure.postgres_admin_url)
    await database.create()
    await database.migrate("wallet")
    engine = create_engine(database.url_for("wallet"), pool_size=2, max_overflow=4)
    try:
        yield WalletDb(engine, create_sessionmaker(engine))
    finally:
        await engine.dispose()
        await database.drop()


# --- scenarios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    bet: int
    # reserve | release | won | lost | void | resettle | placed | cancelled
    # | again (an earlier message)
    action: str
    delta_stakes: int = 0  # resettle: the payout delta in stakes
    version: int = 2


@dataclass(frozen=True)
class Scenario:
    balances: list[int]
    bets: list[tuple[int, int]]  # (user index, stake)
    steps: list[Step]
    cuts: list[int]  # where the batch side splits the sequence into transactions


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    balances = draw(st.lists(st.sampled_from([0, 500, 1_000, 1_500]), min_size=1, max_size=3))
    bets = draw(
        st.lists(
            st.tuples(st.integers(0, len(balances) - 1), st.sampled_from([300, 600, 700, 1_000])),
            min_size=2,
            max_size=6,
        )
    )
    step = st.builds(
        Step,
        bet=st.integers(0, len(bets) - 1),
        action=st.sampled_from(
            [
                "reserve",
                "reserve",
                "release",
                "won",
                "lost",
                "void",
                "resettle",
                "placed",
                "cancelled",
            ]
        ),
        delta_stakes=st.sampled_from([-2, -1, 0, 1, 2]),
        version=st.sampled_from([2, 3]),
    )
    steps = draw(st.lists(step, min_size=8, max_size=24))
    cuts = draw(st.lists(st.integers(1, max(1, len(steps) - 1)), max_size=2, unique=True))
    return Scenario(balances, bets, steps, sorted(cuts))


def messages(scenario: Scenario, users: list[uuid.UUID]) -> list[tuple[SagaCommand, Origin]]:
    reserves = [
        make_reserve(users[u], stake, potential_win_minor=3 * stake) for u, stake in scenario.bets
    ]
    out: list[tuple[SagaCommand, Origin]] = []
    for i, step in enumerate(scenario.steps):
        origin = Origin(event_id=uuid.uuid4(), correlation_id=f"corr-{i}")
        if step.action == "again" and out:  # the same message again, under a new event id
            out.append((out[step.bet % len(out)][0], origin))
            continue
        reserve = reserves[step.bet]
        stake = reserve.amount_minor
        command: SagaCommand
        if step.action in ("reserve", "again"):
            command = reserve
        elif step.action == "release":
            command = make_release(reserve)
        elif step.action == "placed":
            command = make_placed(reserve, placed_at=AT)
        elif step.action == "cancelled":
            command = make_cancelled(reserve)
        elif step.action == "resettle":
            command = make_resettled(
                reserve, "lost", "won", step.delta_stakes * stake, step.version, resettled_at=AT
            )
        else:
            payout = {"won": 2 * stake, "lost": 0, "void": stake}[step.action]
            command = make_settled(reserve, step.action, payout, settled_at=AT)
        out.append((command, origin))
    return out


# --- the two ways ----------------------------------------------------------------------------


async def one_at_a_time(
    db: WalletDb, items: list[tuple[SagaCommand, Origin]]
) -> list[SagaResult | None]:
    """The reference: each message in its own transaction, as the consumer ran it before."""
    results: list[SagaResult | None] = []
    for command, origin in items:
        correlation = correlation_id_var.set(origin.correlation_id)
        causation = causation_id_var.set(str(origin.event_id))
        try:
            async with db.sessionmaker.begin() as session:
                results.append(await _reference(session, command, origin))
        except Exception:  # rolled back: the bus would retry it; None marks it
            results.append(None)
        finally:
            correlation_id_var.reset(correlation)
            causation_id_var.reset(causation)
    return results


async def _reference(session: AsyncSession, command: SagaCommand, origin: Origin) -> SagaResult:
    uow = WalletUnitOfWork.joining(session)
    if isinstance(command, saga.ReserveStake):
        reply = await saga.reserve_stake(uow, command, origin)
        await uow.emit(reply)  # what on_reserve_stake emitted
        return reply
    if isinstance(command, saga.ReleaseStake):
        return await saga.release_stake(uow, command, origin)
    if isinstance(command, saga.BetSettled):
        return await saga.settle_bet(uow, command, origin)
    if isinstance(command, saga.BetPlaced):
        await saga.record_bet_placed(uow, command)
        return False
    if isinstance(command, saga.BetCancelled):
        await saga.record_bet_cancelled(uow, command)
        return False
    return await saga.resettle_bet(uow, command, origin)


async def in_batches(
    db: WalletDb, items: list[tuple[SagaCommand, Origin]], cuts: list[int]
) -> list[SagaResult]:
    results: list[SagaResult] = []
    bounds = [0, *[c for c in cuts if c < len(items)], len(items)]
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        async with db.sessionmaker.begin() as session:
            uow = WalletUnitOfWork.for_message(BatchContext(session, SCHEMA))
            results += await apply_saga_batch(uow, items[start:end])
    return results


# --- what is compared ------------------------------------------------------------------------


async def snapshot(db: WalletDb, users: list[uuid.UUID], bets: list[uuid.UUID]) -> dict[str, Any]:
    """Everything the messages may have changed, with random ids replaced by what they name."""
    async with db.engine.connect() as conn:

        async def rows(sql: str, **params: Any) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in await conn.execute(text(sql), params)]

        holds = await rows("SELECT bet_id, id FROM wallet.hold WHERE bet_id = ANY(:b)", b=bets)
        hold_names = {str(hold_id): f"hold-of-{bet_id}" for bet_id, hold_id in holds}

        def named(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: named(v) for k, v in value.items()}
            return hold_names.get(str(value), value)

        return {
            "accounts": await rows(
                "SELECT user_id, kind, balance_minor FROM wallet.account"
                " WHERE user_id = ANY(:u) ORDER BY user_id, kind",
                u=users,
            ),
            "holds": await rows(
                "SELECT bet_id, user_id, amount_minor, currency, status, max_payout_minor,"
                " paid_minor, finished_at IS NULL FROM wallet.hold WHERE bet_id = ANY(:b)"
                " ORDER BY bet_id",
                b=bets,
            ),
            "transfers": await rows(
                "SELECT t.kind, t.reference, t.user_id, t.event_id, t.correlation_id,"
                " array_agg(coalesce(a.user_id::text, a.shard::text) || ':' || a.kind || ':'"
                " || e.amount_minor ORDER BY e.id)"
                " FROM wallet.transfer t JOIN wallet.entry e ON e.transfer_id = t.id"
                " JOIN wallet.account a ON a.id = e.account_id WHERE t.user_id = ANY(:u)"
                " GROUP BY t.id ORDER BY t.kind, t.reference",
                u=users,
            ),
            "history": await rows(
                "SELECT h.user_id, h.type, h.amount_minor, h.balance_before_minor,"
                " h.balance_after_minor, h.status, h.description, h.reference, h.metadata,"
                " t.kind, t.reference FROM wallet.balance_transaction h"
                " LEFT JOIN wallet.transfer t ON t.id = h.transfer_id"
                " WHERE h.user_id = ANY(:u) ORDER BY h.user_id, h.id",
                u=users,
            ),
            "audit": [
                (*r[:4], named(r[4]))
                for r in await rows(
                    "SELECT user_id, action, status, amount_minor, details FROM wallet.audit_log"
                    " WHERE user_id = ANY(:u) AND action <> 'payout_refused' ORDER BY id",
                    u=users,
                )
            ],
            "outbox": [
                (r[0], named(r[1]), r[2], r[3])
                for r in await rows(
                    "SELECT routing_key, body->'payload', body->>'correlation_id',"
                    " body->>'causation_id' FROM wallet.outbox"
                    " WHERE CAST(body->'payload'->>'bet_id' AS uuid) = ANY(:b) ORDER BY id",
                    b=bets,
                )
            ],
            "rejections": await rows(
                "SELECT bet_id, user_id, amount_minor, reason FROM wallet.stake_rejection"
                " WHERE bet_id = ANY(:b) ORDER BY bet_id",
                b=bets,
            ),
            "tombstones": await rows(
                "SELECT bet_id, user_id, reason FROM wallet.release_tombstone"
                " WHERE bet_id = ANY(:b) ORDER BY bet_id",
                b=bets,
            ),
            "bets": await rows(
                "SELECT bet_id, user_id, bet_type, stake_minor, status, result, payout_minor,"
                " settlement_version, settled_at, legs, currency, coefficient,"
                " potential_win_minor, placed_at, cancel_reason FROM wallet.bet"
                " WHERE bet_id = ANY(:b) ORDER BY bet_id",
                b=bets,
            ),
        }


async def system_balances(db: WalletDb) -> dict[tuple[str, int], int]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT kind, shard, balance_minor FROM wallet.account WHERE shard IS NOT NULL")
        )
        return {(r.kind, int(r.shard)): int(r.balance_minor) for r in rows}


def moved(before: dict[Any, int], after: dict[Any, int]) -> dict[Any, int]:
    """What the messages moved on the system accounts (the database is shared with other tests)."""
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def answers(results: list[Any]) -> list[Any]:
    """Replies without their hold ids (random per database; the snapshot names them)."""
    return [r.model_dump(exclude={"hold_id"}) if isinstance(r, BaseModel) else r for r in results]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
async def test_batches_leave_the_same_ledger_as_one_message_at_a_time(
    wallet_db: WalletDb, twin_db: WalletDb, scenario: Scenario
) -> None:
    users = [uuid.uuid4() for _ in scenario.balances]
    deposits = [uuid.uuid4() for _ in scenario.balances]  # the same deposit in both databases
    for db in (wallet_db, twin_db):
        for user, balance, operation in zip(users, scenario.balances, deposits, strict=True):
            async with db.sessionmaker.begin() as session:
                await open_funded(session, user, balance, operation_id=operation)
    items = messages(scenario, users)
    bets = sorted({command.bet_id for command, _ in items})

    system_before = [await system_balances(db) for db in (wallet_db, twin_db)]
    reference = await one_at_a_time(twin_db, items)
    accepted = [item for item, result in zip(items, reference, strict=True) if result is not None]
    batched = await in_batches(wallet_db, accepted, scenario.cuts)
    system_after = [await system_balances(db) for db in (wallet_db, twin_db)]

    assert answers(batched) == answers([r for r in reference if r is not None])
    assert await snapshot(wallet_db, users, bets) == await snapshot(twin_db, users, bets)
    assert moved(system_before[0], system_after[0]) == moved(system_before[1], system_after[1])
    async with wallet_db.engine.connect() as conn:  # nothing is refused on the batch side
        refused = await conn.scalar(
            text(
                "SELECT count(*) FROM wallet.audit_log WHERE user_id = ANY(:u)"
                " AND action = 'payout_refused'"
            ),
            {"u": users},
        )
    assert refused == 0


async def test_two_stakes_on_one_balance_in_one_batch_hold_the_first_and_reject_the_second(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    first, second = make_reserve(user, 600), make_reserve(user, 600)
    items: list[tuple[SagaCommand, Origin]] = [
        (first, Origin(uuid.uuid4(), "a")),
        (second, Origin(uuid.uuid4(), "b")),
    ]
    results = await in_batches(wallet_db, items, [])
    assert [type(r).__name__ for r in results] == ["StakeReserved", "StakeReservationRejected"]
    assert results[1].reason == saga.INSUFFICIENT_FUNDS
    assert await wallet_db.balances(user) == (400, 600)
    history = await wallet_db.history(user)
    assert [(h["type"], h["amount_minor"]) for h in history][-1] == ("bet_placed", -600)


async def test_a_batch_that_raises_writes_nothing(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    held, orphan = make_reserve(user, 300), make_reserve(user, 200)
    items: list[tuple[SagaCommand, Origin]] = [
        (held, Origin(uuid.uuid4(), "a")),
        (make_settled(orphan, "lost"), Origin(uuid.uuid4(), "b")),  # never reserved
    ]
    with pytest.raises(HoldNotFound):
        await in_batches(wallet_db, items, [])
    assert await wallet_db.balances(user) == (1_000, 0)
    assert await wallet_db.hold_status(held.bet_id) is None


async def test_parallel_batches_over_the_same_users_do_not_deadlock_and_reconcile(
    wallet_db: WalletDb,
) -> None:
    users = [await make_wallet(wallet_db, balance_minor=100_000) for _ in range(6)]
    available = dict.fromkeys(users, 100_000)
    for round_ in range(10):
        # two batches touching the same users, listed in opposite orders
        forward = [make_reserve(u, 100 + round_) for u in users]
        backward = [make_reserve(u, 200 + round_) for u in reversed(users)]
        for r in forward + backward:
            available[r.user_id] -= r.amount_minor
        for r in forward:  # won at twice the stake
            available[r.user_id] += 2 * r.amount_minor

        async def run(reserves: list[Any]) -> list[SagaResult]:
            return await in_batches(
                wallet_db, [(r, Origin(uuid.uuid4(), "p")) for r in reserves], []
            )

        results = await asyncio.gather(run(forward), run(backward))
        assert all(type(r).__name__ == "StakeReserved" for rs in results for r in rs)
        settle = [make_settled(r, "won", 2 * r.amount_minor, settled_at=AT) for r in forward]
        settle_back = [make_settled(r, "lost", settled_at=AT) for r in backward]
        await asyncio.gather(run(settle), run(settle_back))
    for user in users:
        assert await wallet_db.balances(user) == (available[user], 0)
    report = await reconcile(wallet_db.engine)
    assert report.ok, report.as_dict()


# --- the bet read model: BetPlaced/BetCancelled by the set -----------------------------------


async def bet_row_version(db: WalletDb, bet_id: uuid.UUID) -> tuple[Any, ...]:
    """The row's version (``xmin`` changes with every write, even of the same values)."""
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT xmin::text, updated_at FROM wallet.bet WHERE bet_id = :b"),
                {"b": bet_id},
            )
        ).one()
    return tuple(row)


async def test_a_redelivered_bet_placed_writes_nothing_twice(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    reserve = make_reserve(user, 400)
    placed = make_placed(reserve, placed_at=AT)
    await in_batches(wallet_db, [(reserve, Origin(uuid.uuid4(), "r"))], [])
    await handle(wallet_db, saga.on_bet_placed, placed)
    written = await bet_row_version(wallet_db, reserve.bet_id)
    # the same BetPlaced again under a new event id: alone, then twice in one batch
    await handle(wallet_db, saga.on_bet_placed, placed)
    await in_batches(
        wallet_db, [(placed, Origin(uuid.uuid4(), "a")), (placed, Origin(uuid.uuid4(), "b"))], []
    )
    assert await bet_row_version(wallet_db, reserve.bet_id) == written
    # a BetPlaced that tells something new is still written
    await handle(wallet_db, saga.on_bet_placed, make_placed(reserve, placed_at=datetime.now(UTC)))
    assert await bet_row_version(wallet_db, reserve.bet_id) != written
    await in_batches(wallet_db, [(make_release(reserve), Origin(uuid.uuid4(), "x"))], [])


async def test_a_batch_of_bet_placed_is_one_upsert(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    reserves = [make_reserve(user, 100) for _ in range(20)]
    items: list[tuple[SagaCommand, Origin]] = []
    for reserve in reserves:  # as the bets service sends them: interleaved with reservations
        items.append((reserve, Origin(uuid.uuid4(), "r")))
        items.append((make_placed(reserve, placed_at=AT), Origin(uuid.uuid4(), "p")))
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))  # whitespace-insensitive

    listen_on = wallet_db.engine.sync_engine
    event.listen(listen_on, "before_cursor_execute", seen)
    try:
        await in_batches(wallet_db, items, [])
    finally:
        event.remove(listen_on, "before_cursor_execute", seen)
    assert len([s for s in statements if s.startswith("INSERT INTO wallet.bet ")]) == 1
    async with wallet_db.engine.connect() as conn:
        open_bets = await conn.scalar(
            text("SELECT count(*) FROM wallet.bet WHERE bet_id = ANY(:b) AND status = 'open'"),
            {"b": [r.bet_id for r in reserves]},
        )
    assert open_bets == 20
    releases: list[tuple[SagaCommand, Origin]] = [
        (make_release(r), Origin(uuid.uuid4(), "x")) for r in reserves
    ]
    await in_batches(wallet_db, releases, [])


def test_bet_placed_and_cancelled_share_the_saga_batch() -> None:
    """Interleaved with the money messages, a handler of their own would cut every run."""
    table = subscriptions("USD")
    shared = table[saga.ReserveStake]
    assert table[saga.BetPlaced] is shared
    assert table[saga.BetCancelled] is shared


def test_read_model_rounds_keep_each_bets_order() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    writes: list[tuple[str, dict[str, Any]]] = [
        ("placed", {"bet_id": a}),
        ("settled", {"bet_id": a}),
        ("placed", {"bet_id": b}),  # joins the first round: nothing of b before it
        ("cancelled", {"bet_id": a}),
        ("settled", {"bet_id": b}),  # joins a's settlement round
        ("placed", {"bet_id": a}),  # after a's cancel: a round of its own
    ]
    rounds = read_model_rounds(writes)
    assert [(kind, [w["bet_id"] for w in ws]) for kind, ws in rounds] == [
        ("placed", [a, b]),
        ("settled", [a, b]),
        ("cancelled", [a]),
        ("placed", [a]),
    ]


async def test_a_cancel_in_a_batch_takes_the_stake_held_at_its_point_of_the_batch(
    wallet_db: WalletDb, twin_db: WalletDb
) -> None:
    """One at a time, a BetCancelled before the bet's reservation finds nothing held (stake 0),
    after it the hold's stake; in one batch the holds are written at the end, yet the same."""
    users, operation = [uuid.uuid4()], uuid.uuid4()  # the same deposit in both databases
    for db in (wallet_db, twin_db):
        async with db.sessionmaker.begin() as session:
            await open_funded(session, users[0], 1_000, operation_id=operation)
    early, late = make_reserve(users[0], 300), make_reserve(users[0], 400)
    items: list[tuple[SagaCommand, Origin]] = [
        (make_cancelled(early), Origin(uuid.uuid4(), "c1")),
        (early, Origin(uuid.uuid4(), "r1")),
        (late, Origin(uuid.uuid4(), "r2")),
        (make_cancelled(late), Origin(uuid.uuid4(), "c2")),
    ]
    await one_at_a_time(twin_db, items)
    await in_batches(wallet_db, items, [])
    bets = [early.bet_id, late.bet_id]
    assert await snapshot(wallet_db, users, bets) == await snapshot(twin_db, users, bets)
    async with wallet_db.engine.connect() as conn:
        stakes = await conn.execute(
            text("SELECT bet_id, stake_minor FROM wallet.bet WHERE bet_id = ANY(:b)"), {"b": bets}
        )
        assert dict(stakes.all()) == {early.bet_id: 0, late.bet_id: 400}
    releases: list[tuple[SagaCommand, Origin]] = [
        (make_release(r), Origin(uuid.uuid4(), "x")) for r in (early, late)
    ]
    for db in (wallet_db, twin_db):
        await in_batches(db, releases, [])
