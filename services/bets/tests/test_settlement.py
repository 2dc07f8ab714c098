"""Settlement with the wallet's real handlers in-process: an event's result settles every open
bet on it, the wallet's ledger shows the exact amounts, duplicates change nothing."""

from __future__ import annotations

import uuid

from services.bets.tests.builders import (
    BetsDb,
    bet_row,
    handle,
    make_event_settled,
    open_bet,
    pay_out,
    settle_event,
    take_outbox,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.service_layer import settlement
from common.contracts.events import EventCancelled


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
    await settle_event(bets_db, event.event_id, {odds.odds_id: "lost", uuid.uuid4(): "won"})
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
    await settle_event(bets_db, first.event_id, {first_odds.odds_id: "won"})
    assert (await bet_row(bets_db, bet_id))["status"] == "open"  # one leg still to come
    assert await take_outbox(bets_db, "BetSettled", bet_id) == []

    await settle_event(bets_db, third.event_id, {third_odds.odds_id: "won"})
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
        await settle_event(bets_db, event.event_id, {odds.odds_id: outcome})
    assert await bet_row(bets_db, bet_id) == {"status": "lost", "result": "lost", "payout_minor": 0}
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (9_000, 0)


async def test_the_wallet_ledger_shows_the_exact_lines(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    """A won single, a lost coupon and a coupon with every event cancelled: one history line per
    money movement, with the exact amounts, adding up to the balance."""
    user_id = await make_wallet(wallet_db, balance_minor=50_000)
    won, [(won_event, won_odds)] = await open_bet(bets_db, wallet_db, user_id, ["1.555"], 333)
    lost, lost_legs = await open_bet(bets_db, wallet_db, user_id, ["1.85", "2.10"], 1_000)
    void, void_legs = await open_bet(bets_db, wallet_db, user_id, ["1.50", "3.00"], 2_000)
    await settle_event(bets_db, won_event.event_id, {won_odds.odds_id: "won"})
    for (event, odds), outcome in zip(lost_legs, ["won", "lost"], strict=True):
        await settle_event(bets_db, event.event_id, {odds.odds_id: outcome})
    for event, _ in void_legs:
        await handle(
            bets_db,
            settlement.on_event_cancelled,
            EventCancelled(event_id=event.event_id, reason="Abandoned"),
        )
    for bet_id in (won, lost, void):
        await pay_out(bets_db, wallet_db, bet_id)
    lines = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user_id)]
    assert lines == [
        ("deposit", 50_000),
        ("bet_placed", -333),
        ("bet_placed", -1_000),
        ("bet_placed", -2_000),
        ("bet_won", 517),  # 3.33 x 1.555 = 5.178… -> 5.17
        ("coupon_lost", 0),
        ("refund", 2_000),
    ]
    assert await bet_row(bets_db, void) == {
        "status": "void",
        "result": "void",
        "payout_minor": 2_000,
    }
    assert await wallet_db.balances(user_id) == (50_000 - 333 - 1_000 + 517, 0)
