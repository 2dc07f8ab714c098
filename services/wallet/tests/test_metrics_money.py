"""Money moved as Prometheus counters (``looseline_wallet_money_moved_minor_total{kind}``,
``looseline_wallet_money_movements_total{kind}``): each kind counted to the cent, once its
transaction commits — through the real consumer on the real bus with redelivered and renamed
messages, a handler whose transaction rolls back, and the HTTP withdrawals. A settlement in
another currency than the stake's is refused (dead-lettered, nothing moves)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from prometheus_client import REGISTRY
from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    add_method,
    make_placed,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
)
from services.wallet.tests.test_bus import eventually, inbox_has, publish, start
from services.wallet.tests.test_four_eyes import as_admin, reject_path, withdraw

from common.messaging.consumer import MessageContext
from common.messaging.envelope import wrap
from common.runtime import ServiceRuntime
from wallet.adapters.tables import SCHEMA
from wallet.service_layer import saga
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings


def snapshot() -> dict[str, tuple[int, int]]:
    """{kind: (minor units, movements)} as the process's registry has them now."""
    values = {}
    for kind in MoneyKind:
        labels = {"kind": kind.value}
        minor = REGISTRY.get_sample_value("looseline_wallet_money_moved_minor_total", labels)
        count = REGISTRY.get_sample_value("looseline_wallet_money_movements_total", labels)
        values[kind.value] = (int(minor or 0), int(count or 0))
    return values


def moved_since(before: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """What each kind moved since ``before`` (kinds that did not move are left out)."""
    now = snapshot()
    return {
        kind: (now[kind][0] - before[kind][0], now[kind][1] - before[kind][1])
        for kind in now
        if now[kind] != before[kind]
    }


@pytest.fixture
async def worker(make_settings: Any, wallet_db: WalletDb) -> AsyncIterator[ServiceRuntime]:
    runtime = await start(make_settings(Settings, consumer_batch_size=10))
    try:
        yield runtime
    finally:
        await runtime.stop()


async def test_every_saga_kind_is_counted_once_to_the_cent_despite_redeliveries(
    wallet_db: WalletDb, worker: ServiceRuntime
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    won, lost, void, released = (make_reserve(user, 1_000 + i) for i in range(4))
    before = snapshot()
    steps = [
        *(won, lost, void, released),
        *(make_placed(r) for r in (won, lost, void, released)),
        make_settled(won, "won", payout_minor=2_103),
        make_settled(lost, "lost"),
        make_settled(void, "void"),
        make_release(released),
        make_resettled(won, "won", "lost", -2_103),
        make_resettled(lost, "lost", "won", 1_500),
    ]
    for step in steps:
        envelope = wrap(step)
        # a redelivery (the same envelope) and the same message under a new event_id
        sent = await publish(worker, envelope, envelope, wrap(step))
        await eventually(partial(inbox_has, wallet_db, *sent))

    assert moved_since(before) == {
        "stake_held": (1_000 + 1_001 + 1_002 + 1_003, 4),
        "stake_captured": (1_000 + 1_001, 2),
        "payout": (2_103, 1),
        "refund": (1_002, 1),
        "stake_released": (1_003, 1),
        "resettlement_debit": (2_103, 1),
        "resettlement_credit": (1_500, 1),
    }
    # 100.00 - 10.00 - 10.01 + 21.03 - 21.03 + 15.00 (the stakes voided or released came back)
    assert await wallet_db.balances(user) == (10_000 - 1_000 - 1_001 + 1_500, 0)


async def test_a_rejected_reservation_moves_and_counts_nothing(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=500)
    before = snapshot()
    async with wallet_db.sessionmaker.begin() as session:
        answer = await saga.reserve_stake(
            WalletUnitOfWork.joining(session), make_reserve(user, 501)
        )
    assert answer.reason == "wallet.insufficient_funds"  # type: ignore[union-attr]
    assert moved_since(before) == {}


async def test_a_transaction_that_rolls_back_counts_nothing(wallet_db: WalletDb) -> None:
    """The consumer's batch fails after the handler moved money: nothing committed, nothing
    counted; the same message handled again (its retry) counts once."""
    user = await make_wallet(wallet_db, balance_minor=5_000)
    reserve = make_reserve(user, 2_000)
    envelope = wrap(reserve)
    before = snapshot()

    async def failing_batch() -> None:
        async with wallet_db.sessionmaker.begin() as session:
            await saga.on_reserve_stake(reserve, MessageContext(session, envelope, SCHEMA))
            raise RuntimeError("a later message of the batch failed")

    with pytest.raises(RuntimeError, match="batch failed"):
        await failing_batch()
    assert moved_since(before) == {}
    assert await wallet_db.balances(user) == (5_000, 0)

    async with wallet_db.sessionmaker.begin() as session:
        await saga.on_reserve_stake(reserve, MessageContext(session, envelope, SCHEMA))
    assert moved_since(before) == {"stake_held": (2_000, 1)}


async def test_a_settlement_in_another_currency_is_dead_lettered_and_moves_nothing(
    wallet_db: WalletDb, worker: ServiceRuntime
) -> None:
    user = await make_wallet(wallet_db, balance_minor=5_000)
    reserve = make_reserve(user, 1_000)
    sent = await publish(worker, reserve)
    await eventually(lambda: inbox_has(wallet_db, *sent))
    labels = {"service": "wallet", "type": "BetSettled", "reason": "currency_mismatch"}
    dead_before = REGISTRY.get_sample_value("looseline_messages_dead_lettered_total", labels) or 0
    before = snapshot()

    await publish(worker, make_settled(reserve, "won", payout_minor=2_100, currency="EUR"))
    await eventually(
        lambda: (
            (REGISTRY.get_sample_value("looseline_messages_dead_lettered_total", labels) or 0)
            == dead_before + 1
        )
    )
    assert moved_since(before) == {}
    assert await wallet_db.balances(user) == (4_000, 1_000)
    assert await wallet_db.hold_status(reserve.bet_id) == "pending"

    # the stake is released as usual afterwards (the books balance: see the reconciliation)
    released = await publish(worker, make_release(reserve))
    await eventually(lambda: inbox_has(wallet_db, *released))


async def test_withdrawals_are_counted_by_kind(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=100_000)
    method = await add_method(api, user)
    admin = uuid.uuid4()
    before = snapshot()

    paid, rejected, cancelled = [
        await withdraw(api, user, method, a) for a in ("20.01", "30.02", "40.03")
    ]
    assert (
        await as_admin(api, admin, f"/api/wallet/admin/withdrawals/{paid}/approve")
    ).status_code == 200
    refused = await as_admin(api, admin, reject_path(rejected), {"reason": "Name mismatch"})
    assert refused.status_code == 200, refused.text
    assert (await api.post(f"/api/wallet/withdrawals/{cancelled}/cancel", user)).status_code == 200
    # repeated: the withdrawal is no longer pending, nothing moves again
    again = await api.post(f"/api/wallet/withdrawals/{cancelled}/cancel", user)
    assert again.status_code >= 400

    assert moved_since(before) == {
        "withdrawal_requested": (2_001 + 3_002 + 4_003, 3),
        "withdrawal_completed": (2_001, 1),
        "withdrawal_rejected": (3_002, 1),
        "withdrawal_cancelled": (4_003, 1),
    }


async def test_a_deposit_is_counted_once(wallet_db: WalletDb) -> None:
    before = snapshot()
    await make_wallet(wallet_db, balance_minor=12_345)
    assert moved_since(before) == {"deposit": (12_345, 1)}
