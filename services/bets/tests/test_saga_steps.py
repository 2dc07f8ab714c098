"""The saga step by step, the wallet's real handlers in-process: given a bet and a reply, the
expected state and messages (compensation, duplicates)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.bets.tests.builders import BetsDb, handle, offer, reserve_in_wallet, take_outbox
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from services.wallet.tests.support.ledger import handle as wallet_handle

from bets.domain.limits import BetLimits
from bets.service_layer import read_model, saga
from bets.service_layer.placement import LegRequest, place_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import ReleaseStake
from common.contracts.events import EventStatusChanged
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from wallet.service_layer import saga as wallet_saga


async def place(bets_db: BetsDb, user_id: uuid.UUID, stake_minor: int = 1_000) -> Any:
    event, odds = await offer(bets_db)
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        bet_id = await place_bet(
            uow,
            user_id=user_id,
            legs=[LegRequest(event.event_id, odds.odds_id)],
            stake_minor=stake_minor,
            is_coupon=False,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=datetime.now(UTC),
        )
        await uow.commit()
    return event, bet_id


async def status(bets_db: BetsDb, bet_id: uuid.UUID) -> dict[str, Any]:
    return await bets_db.one("SELECT status, reason FROM bets.bet WHERE id = :id", id=bet_id)


async def test_a_bet_invalid_once_reserved_is_rejected_and_the_stake_released(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, bet_id = await place(bets_db, user_id)
    reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)
    assert await wallet_db.balances(user_id) == (9_000, 1_000)

    await handle(
        bets_db,
        read_model.on_event_status_changed,
        EventStatusChanged(event_id=event.event_id, status="live"),
    )
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))
    assert await status(bets_db, bet_id) == {"status": "rejected", "reason": "bet.event_started"}
    assert await take_outbox(bets_db, "BetPlaced", bet_id) == []
    [rejected] = await take_outbox(bets_db, "BetRejected", bet_id)
    assert rejected["reason"] == "bet.event_started"
    [release] = await take_outbox(bets_db, "ReleaseStake", bet_id)

    await wallet_handle(wallet_db, wallet_saga.on_release_stake, ReleaseStake(**release))
    assert await wallet_db.balances(user_id) == (10_000, 0)
    assert await wallet_db.hold_status(bet_id) == "voided"


async def test_a_duplicate_stake_reserved_changes_nothing(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    _, bet_id = await place(bets_db, user_id)
    reply = StakeReserved(**await reserve_in_wallet(bets_db, wallet_db, bet_id))
    await handle(bets_db, saga.on_stake_reserved, reply)
    await handle(bets_db, saga.on_stake_reserved, reply)  # a new envelope: past the inbox
    assert await status(bets_db, bet_id) == {"status": "open", "reason": None}
    assert len(await take_outbox(bets_db, "BetPlaced", bet_id)) == 1
    assert await take_outbox(bets_db, "ReleaseStake", bet_id) == []
    assert await wallet_db.balances(user_id) == (9_000, 1_000)


async def test_a_refused_reservation_rejects_once(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=500)
    _, bet_id = await place(bets_db, user_id)
    reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)
    refused = StakeReservationRejected(**reply)
    await handle(bets_db, saga.on_stake_reservation_rejected, refused)
    await handle(bets_db, saga.on_stake_reservation_rejected, refused)
    assert await status(bets_db, bet_id) == {
        "status": "rejected",
        "reason": "wallet.insufficient_funds",
    }
    assert len(await take_outbox(bets_db, "BetRejected", bet_id)) == 1
    assert await wallet_db.balances(user_id) == (500, 0)
