"""Resettlement with the wallet's real handlers in-process: a corrected result (a higher
settlement version) flips settled bets and the wallet ends with the right balance to the cent;
a repeated or older result changes nothing."""

from __future__ import annotations

import uuid

from services.bets.tests.builders import (
    BetsDb,
    bet_row,
    handle,
    make_event_resettled,
    open_bet,
    outbox_messages,
    pay_out,
    pay_resettled,
    resettle_event,
    settle_event,
    take_outbox,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.service_layer import settlement


async def history(wallet_db: WalletDb, user_id: uuid.UUID) -> list[tuple[str, int]]:
    return [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user_id)]


async def test_won_to_lost_and_back_moves_the_delta_once(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["2.10"], 1_000)
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (11_100, 0)

    lost = make_event_resettled(event.event_id, {odds.odds_id: "lost"}, version=2)
    await handle(bets_db, settlement.on_event_resettled, lost)
    await handle(bets_db, settlement.on_event_resettled, lost)  # a repeat: nothing more
    assert await bet_row(bets_db, bet_id) == {"status": "lost", "result": "lost", "payout_minor": 0}
    [resettled] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (
        resettled["settlement_version"],
        resettled["old_result"],
        resettled["new_result"],
        resettled["payout_delta_minor"],
    ) == (2, "won", "lost", -2_100)
    assert await wallet_db.balances(user_id) == (9_000, 0)

    # An older version, then the first result again: nothing changes.
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"}, version=1)
    assert await outbox_messages(bets_db, "BetResettled", bet_id, unpublished=True) == []

    won_again = make_event_resettled(event.event_id, {odds.odds_id: "won"}, version=3)
    await handle(bets_db, settlement.on_event_resettled, won_again)
    [back] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (back["settlement_version"], back["payout_delta_minor"]) == (3, 2_100)
    assert await bet_row(bets_db, bet_id) == {
        "status": "won",
        "result": "won",
        "payout_minor": 2_100,
    }
    assert await wallet_db.balances(user_id) == (11_100, 0)
    await handle(bets_db, settlement.on_event_resettled, lost)  # version 2 after 3: ignored
    assert await outbox_messages(bets_db, "BetResettled", bet_id, unpublished=True) == []
    assert (await bet_row(bets_db, bet_id))["status"] == "won"
    assert await history(wallet_db, user_id) == [
        ("deposit", 10_000),
        ("bet_placed", -1_000),
        ("bet_won", 2_100),
        ("bet_resettled", -2_100),
        ("bet_resettled", 2_100),
    ]


async def test_lost_to_won_pays_the_payout(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["1.85"], 2_500)
    other = uuid.uuid4()
    await settle_event(bets_db, event.event_id, {odds.odds_id: "lost", other: "won"})
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (7_500, 0)

    await resettle_event(bets_db, event.event_id, {odds.odds_id: "won", other: "lost"})
    [resettled] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (resettled["old_result"], resettled["new_result"]) == ("lost", "won")
    assert resettled["payout_delta_minor"] == 4_625  # 25.00 x 1.85 = 46.25
    assert await wallet_db.balances(user_id) == (12_125, 0)


async def test_a_result_unchanged_for_a_bet_sends_nothing(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["1.50"], 1_000)
    other = uuid.uuid4()
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won", other: "lost"})
    await pay_out(bets_db, wallet_db, bet_id)
    # Another selection's result is corrected; this bet's is not.
    await resettle_event(bets_db, event.event_id, {odds.odds_id: "won", other: "void"})
    assert await take_outbox(bets_db, "BetResettled", bet_id) == []
    assert await wallet_db.balances(user_id) == (10_500, 0)


async def test_coupon_legs_resettle_the_coupon(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=20_000)
    bet_id, legs = await open_bet(bets_db, wallet_db, user_id, ["1.85", "2.10", "1.50"], 10_000)
    for event, odds in legs:
        await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    await pay_out(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (68_300, 0)  # 100.00 x 5.83

    second, second_odds = legs[1]
    await resettle_event(bets_db, second.event_id, {second_odds.odds_id: "lost"})
    [to_lost] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (to_lost["new_result"], to_lost["payout_delta_minor"]) == ("lost", -58_300)
    assert await wallet_db.balances(user_id) == (10_000, 0)

    # The leg voided at version 3: the coupon is won again at 1.85 x 1.50 = 2.775 -> 2.78.
    await resettle_event(bets_db, second.event_id, {}, version=3)
    [to_won] = await pay_resettled(bets_db, wallet_db, bet_id)
    assert (to_won["settlement_version"], to_won["old_result"], to_won["new_result"]) == (
        3,
        "lost",
        "won",
    )
    assert to_won["payout_delta_minor"] == 27_800
    assert await bet_row(bets_db, bet_id) == {
        "status": "won",
        "result": "won",
        "payout_minor": 27_800,
    }
    assert await wallet_db.balances(user_id) == (37_800, 0)


async def test_an_open_coupon_settles_on_the_corrected_leg(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(first, first_odds), (second, second_odds)] = await open_bet(
        bets_db, wallet_db, user_id, ["2.00", "1.50"], 1_000
    )
    await settle_event(bets_db, first.event_id, {first_odds.odds_id: "lost"})
    await resettle_event(bets_db, first.event_id, {first_odds.odds_id: "won"})
    assert (await bet_row(bets_db, bet_id))["status"] == "open"  # still a leg to come
    await settle_event(bets_db, second.event_id, {second_odds.odds_id: "won"})
    settled = await pay_out(bets_db, wallet_db, bet_id)
    assert (settled["result"], settled["payout_minor"]) == ("won", 3_000)
    assert await take_outbox(bets_db, "BetResettled", bet_id) == []
    assert await wallet_db.balances(user_id) == (12_000, 0)


async def test_a_correction_before_the_first_result_settles_once(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id, [(event, odds)] = await open_bet(bets_db, wallet_db, user_id, ["2.10"], 1_000)
    await resettle_event(bets_db, event.event_id, {odds.odds_id: "lost"})
    # The first result arrives late (an older version): ignored.
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    settled = await pay_out(bets_db, wallet_db, bet_id)
    assert (settled["result"], settled["payout_minor"]) == ("lost", 0)
    assert await take_outbox(bets_db, "BetResettled", bet_id) == []
    assert await wallet_db.balances(user_id) == (9_000, 0)
