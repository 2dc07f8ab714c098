"""Settlement with the wallet's real handlers in-process: an event's result settles every open
bet on it, the wallet's ledger shows the exact amounts, duplicates change nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_event_settled,
    offer,
    reserve_in_wallet,
    take_outbox,
)

from bets.domain.limits import BetLimits
from bets.service_layer import saga, settlement
from bets.service_layer.placement import LegRequest, place_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetSettled
from common.contracts.events import EventCancelled
from common.contracts.wallet import StakeReserved
from wallet.service_layer import saga as wallet_saga
from wallet.testing import WalletDb, make_wallet
from wallet.testing import handle as wallet_handle


async def open_bet(
    bets_db: BetsDb, wallet_db: WalletDb, user_id: uuid.UUID, coefficients: list[str], stake: int
) -> tuple[uuid.UUID, list[Any]]:
    """A bet placed, reserved by the wallet and open; its (event, odds) per leg."""
    legs = [await offer(bets_db, c) for c in coefficients]
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        bet_id = await place_bet(
            uow,
            user_id=user_id,
            legs=[LegRequest(e.event_id, o.odds_id) for e, o in legs],
            stake_minor=stake,
            is_coupon=len(legs) > 1,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=datetime.now(UTC),
        )
        await uow.commit()
    reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))
    await take_outbox(bets_db, "BetPlaced", bet_id)
    return bet_id, legs


async def pay_out(bets_db: BetsDb, wallet_db: WalletDb, bet_id: uuid.UUID) -> dict[str, Any]:
    """Deliver the bet's one BetSettled to the wallet's handler; its payload."""
    [settled] = await take_outbox(bets_db, "BetSettled", bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_bet_settled, BetSettled(**settled))
    return settled


async def bet_row(bets_db: BetsDb, bet_id: uuid.UUID) -> dict[str, Any]:
    return await bets_db.one(
        "SELECT status, result, payout_minor FROM bets.bet WHERE id = :id", id=bet_id
    )


async def test_a_won_single_pays_stake_times_odds_once(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["2.10"], 1_000)
    result = make_event_settled(event.event_id, {odds.odds_id: "won"})
    await handle(bets_db, settlement.on_event_settled, result)
    await handle(bets_db, settlement.on_event_settled, result)  # duplicate: nothing more
    assert await bet_row(bets_db, bet_id) == {
        "status": "won",
        "result": "won",
        "payout_minor": 2_100,
    }
    settled = await pay_out(bets_db, wallet_db, bet_id)
    assert (settled["result"], settled["payout_minor"]) == ("won", 2_100)
    assert await wallet_db.balances(user_id) == (11_100, 0)


async def test_a_lost_single_keeps_the_stake(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["1.85"], 2_500)
    await handle(
        bets_db,
        settlement.on_event_settled,
        make_event_settled(event.event_id, {odds.odds_id: "lost", uuid.uuid4(): "won"}),
    )
    assert await bet_row(bets_db, bet_id) == {"status": "lost", "result": "lost", "payout_minor": 0}
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (7_500, 0)


async def test_a_cancelled_event_refunds_a_single(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, _)] = await open_bet(bets_db, wallet_db, user_id, ["1.85"], 2_500)
    cancelled = EventCancelled(event_id=event.event_id, reason="Weather")
    await handle(bets_db, settlement.on_event_cancelled, cancelled)
    await handle(bets_db, settlement.on_event_cancelled, cancelled)
    assert await bet_row(bets_db, bet_id) == {
        "status": "void",
        "result": "void",
        "payout_minor": 2_500,
    }
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (10_000, 0)


async def test_a_coupon_settles_on_its_last_leg_with_a_cancelled_leg_at_one(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=20_000)
    bet_id, legs = await open_bet(bets_db, wallet_db, user_id, ["1.85", "2.10", "1.50"], 10_000)
    (first, first_odds), (second, _), (third, third_odds) = legs

    await handle(
        bets_db,
        settlement.on_event_cancelled,
        EventCancelled(event_id=second.event_id, reason="Postponed indefinitely"),
    )
    await handle(
        bets_db,
        settlement.on_event_settled,
        make_event_settled(first.event_id, {first_odds.odds_id: "won"}),
    )
    assert (await bet_row(bets_db, bet_id))["status"] == "open"  # one leg still to come
    assert await take_outbox(bets_db, "BetSettled", bet_id) == []

    await handle(
        bets_db,
        settlement.on_event_settled,
        make_event_settled(third.event_id, {third_odds.odds_id: "won"}),
    )
    # 1.85 x 1.50 = 2.775 -> 2.78 (the void leg at 1.00); 100.00 x 2.78 = 278.00
    assert await bet_row(bets_db, bet_id) == {
        "status": "won",
        "result": "won",
        "payout_minor": 27_800,
    }
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (37_800, 0)


async def test_a_coupon_with_a_lost_leg_is_lost(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, legs = await open_bet(bets_db, wallet_db, user_id, ["1.85", "2.10"], 1_000)
    for (event, odds), outcome in zip(legs, ["won", "lost"], strict=True):
        await handle(
            bets_db,
            settlement.on_event_settled,
            make_event_settled(event.event_id, {odds.odds_id: outcome}),
        )
    assert await bet_row(bets_db, bet_id) == {"status": "lost", "result": "lost", "payout_minor": 0}
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (9_000, 0)
