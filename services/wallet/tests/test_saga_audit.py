"""Every money action of the bet saga leaves exactly one audit row, in its own transaction, and a
redelivered message (same envelope, or the same bet under a new event_id) leaves none."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import BaseModel
from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
    reserve_on_new_wallet,
)
from sqlalchemy import text

from common.messaging.envelope import Envelope, wrap
from wallet.domain.errors import HoldNotFound
from wallet.service_layer import saga

SAGA_ACTIONS = [
    "stake_reserved",
    "stake_rejected",
    "stake_released",
    "bet_settled",
    "bet_resettled",
]


async def audit_rows(db: WalletDb, user: uuid.UUID) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action, status, amount_minor, ip_address, user_agent, actor_id, details"
                " FROM wallet.audit_log WHERE user_id = :u AND action = ANY(:saga) ORDER BY id"
            ),
            {"u": user, "saga": SAGA_ACTIONS},
        )
        return [dict(r._mapping) for r in rows]


async def deliver(db: WalletDb, handler: Any, payload: BaseModel, times: int = 2) -> Envelope:
    """Deliver one envelope ``times`` times (a redelivery), as the consumer would."""
    envelope = wrap(payload, correlation_id=f"corr-{uuid.uuid4()}")
    for _ in range(times):
        await handle(db, handler, payload, envelope)
    await handle(db, handler, payload)  # and the same bet under a new event_id
    return envelope


def expect(
    row: dict[str, Any], action: str, status: str, amount: int, envelope: Envelope, bet: uuid.UUID
) -> dict[str, Any]:
    assert (row["action"], row["status"], row["amount_minor"]) == (action, status, amount)
    assert (row["ip_address"], row["user_agent"], row["actor_id"]) == (None, None, None)
    details: dict[str, Any] = row["details"]
    assert details["bet_id"] == str(bet)
    assert details["event_id"] == str(envelope.event_id)
    assert details["correlation_id"] == envelope.correlation_id
    return details


async def test_reserved_then_won(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    reserve = make_reserve(user, 1_000)
    reserved = await deliver(wallet_db, saga.on_reserve_stake, reserve)
    won = make_settled(reserve, "won", payout_minor=2_100)
    settled = await deliver(wallet_db, saga.on_bet_settled, won)
    assert await wallet_db.balances(user) == (11_100, 0)
    first, second = await audit_rows(wallet_db, user)
    expect(first, "stake_reserved", "success", 1_000, reserved, reserve.bet_id)
    details = expect(second, "bet_settled", "success", 2_100, settled, reserve.bet_id)
    assert (details["result"], details["stake"], details["payout"]) == ("won", "10.00", "21.00")


@pytest.mark.parametrize(("result", "amount"), [("lost", 0), ("void", 1_000)])
async def test_lost_and_void_settlements(wallet_db: WalletDb, result: str, amount: int) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=1_000)
    settled = await deliver(wallet_db, saga.on_bet_settled, make_settled(reserve, result))
    rows = await audit_rows(wallet_db, user)
    assert [r["action"] for r in rows] == ["stake_reserved", "bet_settled"]
    assert expect(rows[1], "bet_settled", "success", amount, settled, reserve.bet_id)["result"] == (
        result
    )


async def test_released_once(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=2_550)
    released = await deliver(wallet_db, saga.on_release_stake, make_release(reserve), times=3)
    # a void settlement after the release moves nothing: no row either
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "void"))
    rows = await audit_rows(wallet_db, user)
    assert [r["action"] for r in rows] == ["stake_reserved", "stake_released"]
    expect(rows[1], "stake_released", "success", 2_550, released, reserve.bet_id)


async def test_rejected_once_with_its_reason(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=100)
    reserve = make_reserve(user, 200)
    rejected = await deliver(wallet_db, saga.on_reserve_stake, reserve)
    # ReleaseStake of a rejected bet: nothing to give back, nothing audited
    await handle(wallet_db, saga.on_release_stake, make_release(reserve))
    [row] = await audit_rows(wallet_db, user)
    details = expect(row, "stake_rejected", "rejected", 200, rejected, reserve.bet_id)
    assert details["reason"] == "wallet.insufficient_funds"
    assert await wallet_db.balances(user) == (100, 0)


async def test_a_rejection_without_a_wallet_is_audited_for_that_user(wallet_db: WalletDb) -> None:
    user = uuid.uuid4()
    reserve = make_reserve(user, 200)
    await deliver(wallet_db, saga.on_reserve_stake, reserve)
    [row] = await audit_rows(wallet_db, user)
    assert (row["action"], row["details"]["reason"]) == ("stake_rejected", "wallet.no_wallet")


async def test_resettled_once_per_version(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=1_000)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", payout_minor=2_100))
    v2 = make_resettled(reserve, "won", "lost", -2_100, version=2)
    resettled = await deliver(wallet_db, saga.on_bet_resettled, v2)
    # a resettlement that moves nothing (delta 0) writes nothing
    await handle(wallet_db, saga.on_bet_resettled, make_resettled(reserve, "lost", "lost", 0, 3))
    rows = await audit_rows(wallet_db, user)
    assert [r["action"] for r in rows] == ["stake_reserved", "bet_settled", "bet_resettled"]
    details = expect(rows[2], "bet_resettled", "success", -2_100, resettled, reserve.bet_id)
    assert (details["settlement_version"], details["old_result"], details["new_result"]) == (
        2,
        "won",
        "lost",
    )


async def test_a_message_that_fails_leaves_no_audit_row(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    reserve = make_reserve(user, 400)
    with pytest.raises(HoldNotFound):  # settle before reserve: rolled back, retried later
        await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost"))
    assert await audit_rows(wallet_db, user) == []
