"""bets owns a user's betting statistics (``GET /api/bets/stats``); the wallet keeps a copy built
from the same messages (``statistics`` of ``GET /api/wallet/history``). ARCHITECTURE.md §4: they
must agree. One user with won, lost and void singles, a won coupon with a void leg, a lost
coupon, a bet resettled won → lost, an open and a cancelled bet; every message delivered to the
wallet's real handlers; both APIs asked over HTTP."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

# The bets tests' builders (``services.bets.tests``), also when this file runs on its own.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_event_resettled,
    make_event_settled,
    open_bet,
    outbox_messages,
    pay_out,
    pay_resettled,
    take_outbox,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from services.wallet.tests.support.ledger import handle as wallet_handle

from bets.entrypoints.api.app import create_app as create_bets_app
from bets.service_layer import settlement
from bets.service_layer.cancellation import cancel_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.settings import Settings as BetsSettings
from common.contracts.bets import BetCancelled, BetPlaced, ReleaseStake
from common.contracts.events import EventCancelled
from common.db import create_engine, create_sessionmaker
from wallet.entrypoints.api.app import create_app as create_wallet_app
from wallet.service_layer import saga as wallet_saga
from wallet.settings import Settings as WalletSettings

# bets' field → the wallet's field of the same figure
SAME_FIGURE = {
    "total_bets": "total_bets",
    "wins": "total_wins",
    "losses": "total_losses",
    "win_rate": "win_rate",
    "total_bet": "total_amount_bet",
    "total_won": "total_amount_won",
    "net_profit": "net_profit",
    "roi_percent": "roi_percent",
    "average_stake": "average_bet",
    "biggest_win": "biggest_win",
    "biggest_loss": "biggest_loss",
    "current_streak": "current_streak",
    "longest_win_streak": "longest_win_streak",
    "longest_loss_streak": "longest_loss_streak",
}


@pytest.fixture(scope="module")
async def dbs(test_database: Any) -> AsyncIterator[tuple[BetsDb, WalletDb]]:
    await test_database.migrate("bets")
    await test_database.migrate("wallet")
    bets_engine = create_engine(test_database.url_for("bets"))
    wallet_engine = create_engine(test_database.url_for("wallet"))
    yield (
        BetsDb(bets_engine, create_sessionmaker(bets_engine)),
        WalletDb(wallet_engine, create_sessionmaker(wallet_engine)),
    )
    await bets_engine.dispose()
    await wallet_engine.dispose()


async def placed(bets_db: BetsDb, wallet_db: WalletDb, bet_id: uuid.UUID) -> None:
    """The wallet's read model learns the open bet from its BetPlaced."""
    [message] = await outbox_messages(bets_db, "BetPlaced", bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_bet_placed, BetPlaced(**message))


async def bet(
    bets_db: BetsDb, wallet_db: WalletDb, user_id: uuid.UUID, coefficients: list[str], stake: int
) -> tuple[uuid.UUID, list[Any]]:
    bet_id, legs = await open_bet(bets_db, wallet_db, user_id, coefficients, stake)
    await placed(bets_db, wallet_db, bet_id)
    return bet_id, legs


async def settle(
    bets_db: BetsDb, wallet_db: WalletDb, legs: list[Any], outcomes: list[str]
) -> None:
    for (event, odds), outcome in zip(legs, outcomes, strict=True):
        if outcome == "cancelled":
            await handle(
                bets_db,
                settlement.on_event_cancelled,
                EventCancelled(event_id=event.event_id, reason="Abandoned"),
            )
        else:
            await handle(
                bets_db,
                settlement.on_event_settled,
                make_event_settled(event.event_id, {odds.odds_id: outcome}),
            )


async def test_bets_stats_and_wallet_statistics_agree(
    dbs: tuple[BetsDb, WalletDb], make_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    bets_db, wallet_db = dbs
    user_id = await make_wallet(wallet_db, balance_minor=100_000)
    cases = [
        (["2.10"], 1_000, ["won"]),  # pays 21.00
        (["1.85"], 2_000, ["lost"]),
        (["1.90"], 1_500, ["cancelled"]),  # void: left out of the statistics
        (["1.85", "2.10", "1.50"], 10_000, ["won", "cancelled", "won"]),  # 2.78 -> 278.00
        (["2.00", "1.50"], 1_000, ["won", "lost"]),
        (["3.00"], 500, ["won"]),  # resettled to lost below
        (["4.00"], 3_000, ["won"]),
    ]
    bet_ids = []
    for coefficients, stake, outcomes in cases:
        bet_id, legs = await bet(bets_db, wallet_db, user_id, coefficients, stake)
        await settle(bets_db, wallet_db, legs, outcomes)
        await pay_out(bets_db, wallet_db, bet_id)
        bet_ids.append((bet_id, legs))
    resettled_id, [(event, odds)] = bet_ids[5]
    await handle(
        bets_db,
        settlement.on_event_resettled,
        make_event_resettled(event.event_id, {odds.odds_id: "lost"}),
    )
    [correction] = await pay_resettled(bets_db, wallet_db, resettled_id)
    assert correction["payout_delta_minor"] == -1_500

    await bet(bets_db, wallet_db, user_id, ["2.50"], 700)  # stays open
    cancelled_id, _ = await bet(bets_db, wallet_db, user_id, ["1.70"], 800)
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        await cancel_bet(uow, bet_id=cancelled_id, user_id=user_id, now=datetime.now(UTC))
        await uow.commit()
    [release] = await take_outbox(bets_db, "ReleaseStake", cancelled_id)
    [cancelled] = await take_outbox(bets_db, "BetCancelled", cancelled_id)
    await wallet_handle(wallet_db, wallet_saga.on_release_stake, ReleaseStake(**release))
    await wallet_handle(wallet_db, wallet_saga.on_bet_cancelled, BetCancelled(**cancelled))

    headers = {"Authorization": f"Bearer {token_issuer.issue(user_id=user_id, role='user')}"}
    bets_app = create_bets_app(make_settings(BetsSettings, run_workers=False))
    wallet_app = create_wallet_app(make_settings(WalletSettings, run_workers=False))
    async with app_client(bets_app) as bets_http, app_client(wallet_app) as wallet_http:
        ours = (await bets_http.get("/api/bets/stats", headers=headers)).json()["stats"]
        history = await wallet_http.get("/api/wallet/history", headers=headers)
        assert history.status_code == 200, history.text
        theirs = history.json()["statistics"]

    # Hand-computed: won 21.00 (10.00), 278.00 (100.00), 120.00 (30.00); lost 20.00, the coupon
    # 10.00 and the resettled 5.00. Settlement order: W L W L W L(resettled last) → -1.
    assert ours == {
        "total_bets": 6,
        "wins": 3,
        "losses": 3,
        "win_rate": "50.00",
        "total_bet": "175.00",
        "total_won": "419.00",
        "net_profit": "244.00",
        "roi_percent": "139.43",
        "average_stake": "29.17",
        "biggest_win": "278.00",
        "biggest_loss": "20.00",
        "current_streak": -1,
        "longest_win_streak": 1,
        "longest_loss_streak": 1,
        "free_bets": 0,
        "free_bet_winnings": "0.00",
    }
    for mine, wallets in SAME_FIGURE.items():
        if isinstance(ours[mine], int):
            assert theirs[wallets] == ours[mine], (mine, theirs[wallets], ours[mine])
        else:
            assert Decimal(str(theirs[wallets])) == Decimal(ours[mine]), (mine, theirs[wallets])
    # Money agrees too: what the wallet holds for the open bet, and its balance.
    assert await wallet_db.balances(user_id) == (100_000 - 17_500 + 41_900 - 700, 700)
