"""The pending-bet watchdog: a bet the wallet never answered for gets its ReserveStake again,
then is rejected and its stake released; a re-send never holds twice; every action is counted."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import REGISTRY
from services.bets.tests.builders import (
    BetsDb,
    handle,
    offer,
    outbox_messages,
    pending_bet,
    take_outbox,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from services.wallet.tests.support.ledger import handle as wallet_handle

from bets.domain.watchdog import WatchdogPolicy
from bets.entrypoints.api.app import create_app
from bets.service_layer import saga
from bets.service_layer.watchdog import watch_pending
from common.contracts.bets import ReleaseStake, ReserveStake
from common.contracts.wallet import StakeReserved
from common.testing.bus import BusTap
from wallet.entrypoints.api.app import create_app as create_wallet_app
from wallet.service_layer import saga as wallet_saga
from wallet.settings import Settings as WalletSettings

POLICY = WatchdogPolicy(timeout=timedelta(minutes=30), max_resends=2)


def counted(action: str) -> float:
    return REGISTRY.get_sample_value("bets_pending_watchdog_total", {"action": action}) or 0.0


async def attempts(bets_db: BetsDb, bet_id: uuid.UUID) -> dict[str, Any]:
    return await bets_db.one(
        "SELECT status, reason, reserve_attempts FROM bets.bet WHERE id = :id", id=bet_id
    )


async def test_resends_then_rejects_and_releases_a_late_hold(
    bets_db: BetsDb, wallet_db: WalletDb
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id = await pending_bet(bets_db, user_id, age=timedelta(hours=1))
    [lost] = await take_outbox(bets_db, "ReserveStake", bet_id)
    resent_before, rejected_before = counted("resent"), counted("rejected")
    now = datetime.now(UTC)

    first = await watch_pending(bets_db.sessionmaker, POLICY, now=now)
    assert (first.resent, first.rejected) >= (1, 0)
    assert await attempts(bets_db, bet_id) == {
        "status": "pending",
        "reason": None,
        "reserve_attempts": 1,
    }
    [again] = await outbox_messages(bets_db, "ReserveStake", bet_id, unpublished=True)
    assert again == lost  # the same command, the same bet id
    await take_outbox(bets_db, "ReserveStake", bet_id)
    # Not due again until the timeout has passed since this re-send.
    await watch_pending(bets_db.sessionmaker, POLICY, now=now + timedelta(minutes=29))
    assert (await attempts(bets_db, bet_id))["reserve_attempts"] == 1

    await watch_pending(bets_db.sessionmaker, POLICY, now=now + timedelta(minutes=31))
    assert (await attempts(bets_db, bet_id))["reserve_attempts"] == 2
    await take_outbox(bets_db, "ReserveStake", bet_id)
    await watch_pending(bets_db.sessionmaker, POLICY, now=now + timedelta(minutes=62))
    assert await attempts(bets_db, bet_id) == {
        "status": "rejected",
        "reason": "bet.reservation_timeout",
        "reserve_attempts": 2,
    }
    assert counted("resent") - resent_before == 2
    assert counted("rejected") - rejected_before == 1
    [rejected] = await take_outbox(bets_db, "BetRejected", bet_id)
    assert rejected["reason"] == "bet.reservation_timeout"
    [release] = await take_outbox(bets_db, "ReleaseStake", bet_id)

    # The first ReserveStake reaches the wallet late: held, then released by the watchdog's
    # ReleaseStake; the late StakeReserved makes bets release again, which moves nothing.
    await wallet_handle(wallet_db, wallet_saga.on_reserve_stake, ReserveStake(**lost))
    assert await wallet_db.balances(user_id) == (9_000, 1_000)
    await wallet_handle(wallet_db, wallet_saga.on_release_stake, ReleaseStake(**release))
    assert await wallet_db.balances(user_id) == (10_000, 0)
    [reply] = await wallet_db.emitted("StakeReserved", bet_id=bet_id)
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))
    assert (await attempts(bets_db, bet_id))["status"] == "rejected"
    [release_again] = await outbox_messages(bets_db, "ReleaseStake", bet_id, unpublished=True)
    assert release_again["bet_id"] == str(bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_release_stake, ReleaseStake(**release_again))
    assert await wallet_db.balances(user_id) == (10_000, 0)
    assert await wallet_db.hold_status(bet_id) == "voided"


async def test_a_resent_reservation_holds_once(bets_db: BetsDb, wallet_db: WalletDb) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    bet_id = await pending_bet(bets_db, user_id, age=timedelta(hours=1))
    [first] = await take_outbox(bets_db, "ReserveStake", bet_id)
    # The wallet held the stake, but its reply was lost.
    await wallet_handle(wallet_db, wallet_saga.on_reserve_stake, ReserveStake(**first))
    await watch_pending(bets_db.sessionmaker, POLICY, now=datetime.now(UTC))
    [resent] = await outbox_messages(bets_db, "ReserveStake", bet_id, unpublished=True)
    await take_outbox(bets_db, "ReserveStake", bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_reserve_stake, ReserveStake(**resent))
    replies = await wallet_db.emitted("StakeReserved", bet_id=bet_id)
    assert len(replies) == 2
    assert replies[0] == replies[1]  # the same answer, one hold
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**replies[1]))
    assert (await attempts(bets_db, bet_id))["status"] == "open"
    assert await wallet_db.balances(user_id) == (9_000, 1_000)


async def test_over_the_bus_a_bet_the_wallet_never_answered_is_released(
    bets_db: BetsDb,
    wallet_db: WalletDb,
    bets_settings: Any,
    make_settings: Any,
    app_client: Any,
    token_issuer: Any,
    bus_tap: BusTap,
) -> None:
    """The wallet down: the bet answers 202, the watchdog re-sends once then rejects it with
    ReleaseStake; when the wallet comes back its queue holds the commands and nothing stays held."""
    wallet = create_wallet_app(make_settings(WalletSettings))
    async with app_client(wallet) as wallet_http:  # its queue exists: commands wait in it
        await _ready(wallet_http)
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    settings = bets_settings(
        placement_wait_s=0.2, pending_timeout_s=0.5, watchdog_interval_s=0.2, reserve_resends=1
    )
    async with app_client(create_app(settings)) as http:
        body = {"event_id": str(event.event_id), "odds_id": str(odds.odds_id), "bet_amount": "10"}
        token = token_issuer.issue(user_id=user_id, role="user")
        placed = await http.post(
            "/api/bets/place", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert placed.status_code == 202, placed.text
        bet_id = placed.json()["bet"]["bet_id"]
        await bus_tap.wait_for("BetRejected", bet_id=bet_id)
        assert len(bus_tap.of("ReserveStake", bet_id=bet_id)) == 2  # the first and one re-send
        await bus_tap.wait_for("ReleaseStake", bet_id=bet_id)
        assert await attempts(bets_db, uuid.UUID(bet_id)) == {
            "status": "rejected",
            "reason": "bet.reservation_timeout",
            "reserve_attempts": 1,
        }
        async with app_client(create_wallet_app(make_settings(WalletSettings))) as wallet_http:
            await _ready(wallet_http)
            for _ in range(100):
                if await wallet_db.hold_status(uuid.UUID(bet_id)) == "voided":
                    break
                await asyncio.sleep(0.1)
            assert await wallet_db.hold_status(uuid.UUID(bet_id)) == "voided"
            assert await wallet_db.balances(user_id) == (10_000, 0)
            # bets saw the late StakeReserved and released once more: still nothing held.
            await bus_tap.wait_for("StakeReserved", bet_id=bet_id)
            await bus_tap.wait_for("ReleaseStake", count=2, bet_id=bet_id)
            await asyncio.sleep(0.5)
            assert await wallet_db.balances(user_id) == (10_000, 0)


async def _ready(client: Any) -> None:
    for _ in range(200):
        if (await client.get("/health/ready")).status_code == 200:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not ready")
