"""Saga outcomes as Prometheus counters, read from the process's registry around the real
handlers (the wallet's too) on the real database: a bet decided open, rejected by the wallet
(by reason), rejected after its reservation, timed out by the watchdog; settled by result,
resettled, cancelled. Each counted once its transaction commits: a duplicate reply or a repeated
result counts nothing. A wallet reply in another currency than the bet's is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_event_resettled,
    open_bet,
    reserve_in_wallet,
    settle_event,
)
from services.bets.tests.test_saga_steps import place
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.domain.watchdog import WatchdogPolicy
from bets.service_layer import read_model, saga, settlement
from bets.service_layer.cancellation import cancel_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.watchdog import watch_pending
from common.contracts.events import EventStatusChanged
from common.contracts.wallet import StakeReservationRejected, StakeReserved


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def outcomes() -> dict[tuple[str, str], float]:
    """{(outcome, reason): count} of ``looseline_bets_placement_outcomes_total``."""
    found: dict[tuple[str, str], float] = {}
    for metric in REGISTRY.collect():
        if metric.name == "looseline_bets_placement_outcomes":
            for sample in metric.samples:
                if sample.name.endswith("_total"):
                    key = (sample.labels["outcome"], sample.labels["reason"])
                    found[key] = sample.value
    return found


def decided_since(before: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    now = outcomes()
    return {k: v - before.get(k, 0.0) for k, v in now.items() if v != before.get(k, 0.0)}


async def test_a_bet_decided_open_is_counted_once_despite_a_duplicate_reply(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    _, bet_id = await place(bets_db, user)
    reply = StakeReserved(**await reserve_in_wallet(bets_db, wallet_db, bet_id))
    before = outcomes()
    await handle(bets_db, saga.on_stake_reserved, reply)
    await handle(bets_db, saga.on_stake_reserved, reply)  # the wallet's reply again
    assert decided_since(before) == {("open", ""): 1}


async def test_rejections_are_counted_by_reason(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    poor = await make_wallet(wallet_db, balance_minor=500)
    _, refused = await place(bets_db, poor)  # 10.00 on 5.00
    rejection = StakeReservationRejected(**await reserve_in_wallet(bets_db, wallet_db, refused))
    assert rejection.reason == "wallet.insufficient_funds"

    rich = await make_wallet(wallet_db, balance_minor=10_000)
    event, late = await place(bets_db, rich)
    reply = StakeReserved(**await reserve_in_wallet(bets_db, wallet_db, late))
    await handle(
        bets_db,
        read_model.on_event_status_changed,
        EventStatusChanged(event_id=event.event_id, status="live"),
    )
    before = outcomes()
    for _ in range(2):  # each reply twice: counted once
        await handle(bets_db, saga.on_stake_reservation_rejected, rejection)
        await handle(bets_db, saga.on_stake_reserved, reply)
    assert decided_since(before) == {
        ("rejected", "wallet.insufficient_funds"): 1,
        ("rejected", "bet.event_started"): 1,
    }


async def test_a_pending_bet_given_up_by_the_watchdog_is_counted_as_a_timeout(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    _, bet_id = await place(bets_db, user)
    before = outcomes()
    policy = WatchdogPolicy(timeout=timedelta(minutes=1), max_resends=0)
    done = await watch_pending(
        bets_db.sessionmaker, policy, now=datetime.now(UTC) + timedelta(hours=1)
    )
    assert done.rejected >= 1  # ours, and any other test's bet still pending
    assert decided_since(before) == {("timeout", "bet.reservation_timeout"): done.rejected}
    row = await bets_db.one("SELECT status FROM bets.bet WHERE id = :id", id=bet_id)
    assert row["status"] == "rejected"


async def test_settled_resettled_and_cancelled_bets_are_counted(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    _, [(event_a, odds_a)] = await open_bet(bets_db, wallet_db, user, ["2.10"], 1_000)
    _, [(event_b, odds_b)] = await open_bet(bets_db, wallet_db, user, ["1.50"], 1_000)
    cancelled, _ = await open_bet(bets_db, wallet_db, user, ["3.00"], 1_000)
    before: dict[str, Any] = {
        result: value("looseline_bets_settled_total", result=result)
        for result in ("won", "lost", "void")
    }
    resettled_before = value("looseline_bets_resettled_total", old_result="won", new_result="lost")
    cancelled_before = value("looseline_bets_cancelled_total", reason="bet.cancelled_by_user")

    for _ in range(2):  # a repeated result settles nothing again
        await settle_event(bets_db, event_a.event_id, {odds_a.odds_id: "won"})
        await settle_event(bets_db, event_b.event_id, {odds_b.odds_id: "lost"})
    correction = make_event_resettled(event_a.event_id, {odds_a.odds_id: "lost"}, version=2)
    await handle(bets_db, settlement.on_event_resettled, correction)
    await handle(bets_db, settlement.on_event_resettled, correction)
    for _ in range(2):  # cancelling a cancelled bet changes nothing
        async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
            await cancel_bet(uow, bet_id=cancelled, user_id=user, now=datetime.now(UTC))
            await uow.commit()

    assert {
        result: value("looseline_bets_settled_total", result=result) - before[result]
        for result in ("won", "lost", "void")
    } == {"won": 1, "lost": 1, "void": 0}
    assert (
        value("looseline_bets_resettled_total", old_result="won", new_result="lost")
        - resettled_before
    ) == 1
    assert (
        value("looseline_bets_cancelled_total", reason="bet.cancelled_by_user") - cancelled_before
    ) == 1


async def test_a_cancellation_that_rolls_back_is_not_counted(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, _ = await open_bet(bets_db, wallet_db, user, ["2.00"], 1_000)
    before = value("looseline_bets_cancelled_total", reason="bet.cancelled_by_user")
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        await cancel_bet(uow, bet_id=bet_id, user_id=user, now=datetime.now(UTC))
        # no commit: the unit of work rolls back on exit
    assert value("looseline_bets_cancelled_total", reason="bet.cancelled_by_user") == before
    row = await bets_db.one("SELECT status FROM bets.bet WHERE id = :id", id=bet_id)
    assert row["status"] == "open"


async def test_a_wallet_reply_in_another_currency_is_refused(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    _, bet_id = await place(bets_db, user)
    reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)
    before = outcomes()
    with pytest.raises(saga.ReplyInOtherCurrency, match="EUR"):
        await handle(bets_db, saga.on_stake_reserved, StakeReserved(**{**reply, "currency": "EUR"}))
    assert decided_since(before) == {}
    row = await bets_db.one("SELECT status FROM bets.bet WHERE id = :id", id=bet_id)
    assert row["status"] == "pending"
    # the wallet's true reply decides it (no pending bet left for other tests' watchdog passes)
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))
    assert decided_since(before) == {("open", ""): 1}
