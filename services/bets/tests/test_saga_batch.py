"""The wallet's replies decided by the set (saga_batch.py) against one reply at a time.

The property: a random sequence of ``StakeReserved`` / ``StakeReservationRejected`` over a few
pending bets — duplicates, bets whose event finished or whose market was suspended meanwhile,
bets the watchdog already rejected, replies in another currency — applied one by one (each in
its own transaction, as the consumer ran them before) to one set of bets, and in batches to a
twin set (same offers, same legs), leaves identical bet rows, identical outbox messages (types,
payloads, correlation and causation, in order) and the same outcome counts. A reply the one-by-
one side refuses by raising (another currency) is rolled back there; the consumer dead-letters it
alone, so the batches get the others.

Then, through the real consumer: a reply in another currency inside a batch is dead-lettered
alone while the rest of its batch commits. And a batch is a constant number of statements, with
one ``NOTIFY`` per decided bet.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_market_changed,
    offer,
    pending_bet,
)
from sqlalchemy import event, text

from bets.adapters.decisions import DECIDED_CHANNEL
from bets.domain.limits import BetLimits
from bets.entrypoints.worker import SUBSCRIPTIONS
from bets.service_layer import metrics, read_model, saga
from bets.service_layer.placement import LegRequest, place_bet
from bets.service_layer.saga_batch import WalletReply, decide_replies
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.settings import Settings
from common.context import causation_id_var, correlation_id_var
from common.contracts.events import EventStatusChanged
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.db import libpq_url
from common.messaging.broker import Broker
from common.messaging.consumer import BatchContext, Consumer
from common.messaging.envelope import Envelope, wrap
from common.testing.broker import publish_as_producers

# Bets left pending here must not be resent by test_watchdog.py later in the run.
pytestmark = pytest.mark.usefixtures("leaves_no_pending_bets")

STAKE = 1_000
FATES = ["open", "open", "finished", "suspended"]  # what became of an offer while bets waited


# --- scenarios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    bet: int
    reply: str  # reserved | refused | other_currency


@dataclass(frozen=True)
class Scenario:
    fates: list[str]  # per offer
    bets: list[list[int]]  # per bet: the offers its legs are on
    timed_out: list[int]  # bets the watchdog rejected before any reply arrived
    steps: list[Step]
    cuts: list[int]  # where the batch side splits the sequence into transactions


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    fates = draw(st.lists(st.sampled_from(FATES), min_size=3, max_size=3))
    legs = st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True)
    bets = draw(st.lists(legs, min_size=2, max_size=4))
    timed_out = draw(st.lists(st.integers(0, len(bets) - 1), max_size=1, unique=True))
    step = st.builds(
        Step,
        bet=st.integers(0, len(bets) - 1),
        reply=st.sampled_from(["reserved", "reserved", "refused", "other_currency"]),
    )
    steps = draw(st.lists(step, min_size=3, max_size=12))
    cuts = draw(st.lists(st.integers(1, max(1, len(steps) - 1)), max_size=2, unique=True))
    return Scenario(fates, bets, timed_out, steps, sorted(cuts))


# --- the two sides ---------------------------------------------------------------------------


@dataclass
class Side:
    bets: list[uuid.UUID]
    replies: list[tuple[WalletReply, Envelope]]

    def names(self) -> dict[str, str]:
        """Random ids → what they name: the bet's index, the reply's step."""
        found = {str(b): f"bet-{i}" for i, b in enumerate(self.bets)}
        found |= {str(e.event_id): f"step-{k}" for k, (_, e) in enumerate(self.replies)}
        return found


async def place(db: BetsDb, user: uuid.UUID, offers: list[Any], on: list[int]) -> uuid.UUID:
    async with BetsUnitOfWork(db.sessionmaker) as uow:
        bet_id = await place_bet(
            uow,
            user_id=user,
            legs=[LegRequest(offers[i][0].event_id, offers[i][1].odds_id) for i in on],
            stake_minor=STAKE,
            is_coupon=len(on) > 1,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=datetime.now(UTC),
        )
        await uow.commit()
    return bet_id


async def befall(db: BetsDb, offers: list[Any], fates: list[str]) -> None:
    for (created, odds), fate in zip(offers, fates, strict=True):
        if fate == "finished":
            finished = EventStatusChanged(event_id=created.event_id, status="finished")
            await handle(db, read_model.on_event_status_changed, finished)
        elif fate == "suspended":
            await handle(db, read_model.on_market_changed, make_market_changed(odds, "suspended"))


async def time_out(db: BetsDb, bets: list[uuid.UUID]) -> None:
    """What the watchdog leaves behind when it gives up on a bet (see watchdog.py)."""
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE bets.bet SET status = 'rejected', reason = :reason, decided_at = now()"
                " WHERE id = ANY(:ids)"
            ),
            {"reason": saga.RESERVATION_TIMEOUT, "ids": bets},
        )


def replies(scenario: Scenario, bets: list[uuid.UUID], user: uuid.UUID) -> Side:
    side = Side(bets, [])
    for k, step in enumerate(scenario.steps):
        bet_id = bets[step.bet]
        reply: WalletReply
        if step.reply == "refused":
            reply = StakeReservationRejected(
                bet_id=bet_id, user_id=user, reason="wallet.insufficient_funds"
            )
        else:
            currency = "EUR" if step.reply == "other_currency" else "USD"
            reply = StakeReserved(
                bet_id=bet_id,
                user_id=user,
                hold_id=uuid.uuid4(),
                amount_minor=STAKE,
                currency=currency,
            )
        side.replies.append((reply, wrap(reply, correlation_id=f"corr-{k}")))
    return side


async def one_at_a_time(db: BetsDb, side: Side) -> list[bool]:
    """The reference: each reply in its own transaction; whether it was accepted."""
    accepted = []
    for reply, envelope in side.replies:
        handler = (
            saga.on_stake_reserved
            if isinstance(reply, StakeReserved)
            else saga.on_stake_reservation_rejected
        )
        correlation = correlation_id_var.set(envelope.correlation_id)  # as the consumer does
        causation = causation_id_var.set(str(envelope.event_id))
        try:
            await handle(db, handler, reply, envelope)
        except saga.ReplyInOtherCurrency:  # rolled back; the consumer dead-letters it
            accepted.append(False)
        else:
            accepted.append(True)
        finally:
            correlation_id_var.reset(correlation)
            causation_id_var.reset(causation)
    return accepted


async def in_batches(
    db: BetsDb, items: list[tuple[WalletReply, Envelope]], cuts: list[int]
) -> None:
    bounds = [0, *[c for c in cuts if c < len(items)], len(items)]
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        async with db.sessionmaker.begin() as session:
            await decide_replies(items[start:end], BatchContext(session, "bets"))


# --- what is compared ------------------------------------------------------------------------


async def snapshot(db: BetsDb, side: Side) -> dict[str, Any]:
    names = side.names()

    def named(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: named(v) for k, v in value.items() if k != "placed_at"}
        if isinstance(value, list):
            return [named(v) for v in value]
        return names.get(str(value), value)

    bets = await db.rows(
        "SELECT id, status, reason, decided_at IS NOT NULL AS decided FROM bets.bet"
        " WHERE id = ANY(:ids)",
        ids=side.bets,
    )
    causes = [str(e.event_id) for _, e in side.replies]
    outbox = await db.rows(
        "SELECT routing_key, body FROM bets.outbox WHERE body->>'causation_id' = ANY(:causes)"
        " ORDER BY id",
        causes=causes,
    )
    return {
        "bets": sorted((names[str(r["id"])], r["status"], r["reason"], r["decided"]) for r in bets),
        "outbox": [
            (
                r["routing_key"],
                named(r["body"]["payload"]),
                "placed_at" in r["body"]["payload"],
                r["body"]["correlation_id"],
                named(r["body"]["causation_id"]),
            )
            for r in outbox
        ],
    }


def outcome_counts() -> dict[tuple[str, str], float]:
    return {
        (s.labels["outcome"], s.labels["reason"]): s.value
        for m in metrics.placement_outcomes.collect()
        for s in m.samples
        if s.name.endswith("_total")
    }


def counted(before: dict[Any, float], after: dict[Any, float]) -> dict[Any, float]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
async def test_batches_decide_the_bets_as_one_reply_at_a_time(
    bets_db: BetsDb, scenario: Scenario
) -> None:
    user = uuid.uuid4()
    offers = [await offer(bets_db) for _ in scenario.fates]
    twins = [[await place(bets_db, user, offers, legs) for legs in scenario.bets] for _ in range(2)]
    await befall(bets_db, offers, scenario.fates)
    await time_out(bets_db, [bets[i] for bets in twins for i in scenario.timed_out])
    reference, batched = (replies(scenario, bets, user) for bets in twins)

    before = outcome_counts()
    accepted = await one_at_a_time(bets_db, reference)
    by_one = counted(before, outcome_counts())
    batched.replies = [r for r, ok in zip(batched.replies, accepted, strict=True) if ok]
    before = outcome_counts()
    await in_batches(bets_db, batched.replies, scenario.cuts)

    assert counted(before, outcome_counts()) == by_one
    kept = Side(
        reference.bets, [r for r, ok in zip(reference.replies, accepted, strict=True) if ok]
    )
    assert await snapshot(bets_db, batched) == await snapshot(bets_db, kept)


# --- set-based: a constant number of statements, one NOTIFY per decided bet ------------------


def reserved(bet_id: uuid.UUID, user: uuid.UUID, currency: str = "USD") -> StakeReserved:
    return StakeReserved(
        bet_id=bet_id, user_id=user, hold_id=uuid.uuid4(), amount_minor=STAKE, currency=currency
    )


@pytest.fixture
async def notified(test_database: Any) -> AsyncIterator[list[str]]:
    """The bet ids NOTIFYed on ``bet_decided`` while the test runs."""
    conn = await asyncpg.connect(libpq_url(test_database.url_for("bets")))
    heard: list[str] = []
    await conn.add_listener(DECIDED_CHANNEL, lambda *args: heard.append(args[3]))
    yield heard
    await conn.close()


async def test_a_batch_of_ten_replies_is_seven_statements_and_notifies_each_decided_bet(
    bets_db: BetsDb, notified: list[str]
) -> None:
    user = uuid.uuid4()
    bets = [await pending_bet(bets_db, user) for _ in range(10)]
    items: list[tuple[WalletReply, Envelope]] = []
    for bet_id in bets[:7]:
        items.append((reserved(bet_id, user), wrap(reserved(bet_id, user))))
    for bet_id in bets[7:]:
        refused = StakeReservationRejected(bet_id=bet_id, user_id=user, reason="wallet.blocked")
        items.append((refused, wrap(refused)))
    items.append(items[0])  # a duplicate inside the batch changes nothing

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(bets_db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with bets_db.sessionmaker.begin() as session:
            await decide_replies(items, BatchContext(session, "bets"))
    finally:
        event.remove(bets_db.engine.sync_engine, "before_cursor_execute", count)

    # lock, legs, offers, open, reject, notify, outbox (one at a time: six per reply)
    assert len(statements) == 7, statements
    rows = await bets_db.rows("SELECT id, status FROM bets.bet WHERE id = ANY(:ids)", ids=bets)
    assert {r["id"]: r["status"] for r in rows} == {
        b: "open" if i < 7 else "rejected" for i, b in enumerate(bets)
    }
    for _ in range(100):
        if len(notified) >= 10:
            break
        await asyncio.sleep(0.05)
    assert sorted(notified) == sorted(str(b) for b in bets)


# --- through the real consumer: the culprit alone is dead-lettered ---------------------------


@pytest.fixture
async def consumer(bets_db: BetsDb, bets_settings: Any) -> AsyncIterator[Consumer]:
    """The bets worker's consumer (its subscriptions) on the session's bus, one worker."""
    settings: Settings = bets_settings()
    broker = Broker(settings.rabbitmq_url, exchange_name=settings.exchange_name)
    await broker.start()
    await broker.wait_connected(10)
    running = Consumer(
        service="bets",
        schema="bets",
        broker=broker,
        sessionmaker=bets_db.sessionmaker,
        subscriptions=SUBSCRIPTIONS,
        queue_prefix=settings.queue_prefix,
        concurrency=1,
        retry_delay_ms=settings.consumer_retry_delay_ms,
    )
    await running.start()
    yield running
    await running.stop()
    await broker.stop()


async def eventually(check: Any, timeout_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def dead_lettered() -> float:
    labels = {"service": "bets", "type": "StakeReserved", "reason": "currency_mismatch"}
    return REGISTRY.get_sample_value("looseline_messages_dead_lettered_total", labels) or 0


async def test_a_reply_in_another_currency_is_dead_lettered_alone_and_its_batch_commits(
    bets_db: BetsDb, bets_settings: Any, consumer: Consumer
) -> None:
    user = uuid.uuid4()
    blocker, first, culprit, last = [await pending_bet(bets_db, user) for _ in range(4)]
    settings: Settings = bets_settings()
    dead_before = dead_lettered()

    async def publish(*envelopes: Envelope) -> None:
        await publish_as_producers(settings.rabbitmq_url, settings.exchange_name, *envelopes)

    # The blocker's bet is locked here: the worker waits on it while the three queue behind.
    async with bets_db.engine.connect() as conn, conn.begin():
        await conn.execute(
            text("SELECT 1 FROM bets.bet WHERE id = :id FOR UPDATE"), {"id": blocker}
        )
        await publish(wrap(reserved(blocker, user)))
        sent = [
            wrap(reserved(first, user)),
            wrap(reserved(culprit, user, currency="EUR")),
            wrap(reserved(last, user)),
        ]
        await publish(*sent)

        async def queued() -> bool:
            return consumer._pending.qsize() == len(sent)

        await eventually(queued)

    async def settled() -> bool:  # the culprit dead-lettered, the others decided
        decided = await bets_db.rows(
            "SELECT id FROM bets.bet WHERE id = ANY(:ids) AND status <> 'pending'",
            ids=[blocker, first, last],
        )
        return dead_lettered() == dead_before + 1 and len(decided) == 3

    await eventually(settled)
    rows = await bets_db.rows(
        "SELECT id, status FROM bets.bet WHERE id = ANY(:ids)", ids=[blocker, first, culprit, last]
    )
    assert {r["id"]: r["status"] for r in rows} == {
        blocker: "open",
        first: "open",
        culprit: "pending",  # the watchdog will ask the wallet again
        last: "open",
    }
    placed = await bets_db.rows(
        "SELECT body->'payload'->>'bet_id' AS bet_id, body->>'causation_id' AS cause"
        " FROM bets.outbox WHERE routing_key = 'bets.BetPlaced'"
        " AND body->'payload'->>'bet_id' = ANY(:ids)",
        ids=[str(b) for b in (first, culprit, last)],
    )
    assert sorted((r["bet_id"], r["cause"]) for r in placed) == sorted(
        [(str(first), str(sent[0].event_id)), (str(last), str(sent[2].event_id))]
    )
