"""Free bets (issue 22): a bet staked with a unit of a free-bet package, through the saga's
handlers on a real database. The unit is taken once, no money sits in held, a loss costs the
user nothing, a win pays only the winnings from promotions, a void gives the unit back, a
correction moves the change of winnings once; every free-bet message is decided on its own.
Every test ends with the ledger's reconciliation (conftest: Σ accounts = 0, held = Σ of the
pending holds that hold money)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    handle,
    make_leg,
    make_placed,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
)
from sqlalchemy import text

from common.contracts.bets import ReserveStake
from wallet.service_layer import saga
from wallet.service_layer.queries import get_balance
from wallet.service_layer.saga import Origin
from wallet.service_layer.saga_batch import DecideAlone, apply_saga_batch
from wallet.service_layer.unit_of_work import WalletUnitOfWork

STAKE = 500  # the package's free bet: 5.00


async def free_bet_user(
    api: Api, db: WalletDb, *, units: int = 2, stake: str = "5.00"
) -> uuid.UUID:
    """A user who bought a free-bet package of ``units`` bets of ``stake`` for 3.00 (balance
    10.00 → 7.00)."""
    created = await api.admin_post(
        "/api/wallet/admin/packages",
        {
            "name": f"Free bets {uuid.uuid4().hex[:6]}",
            "kind": "free_bet",
            "units": units,
            "price": "3.00",
            "validity_days": 7,
            "stake": stake,
        },
    )
    assert created.status_code == 201, created.text
    user = await make_wallet(db, balance_minor=1_000)
    bought = await api.post(
        f"/api/wallet/packages/{created.json()['package']['id']}/buy", user, {"method": "balance"}
    )
    assert bought.status_code == 201, bought.text
    return user


def free_reserve(user: uuid.UUID, coefficient: str = "2.10", **overrides: Any) -> ReserveStake:
    return make_reserve(
        user,
        overrides.pop("amount_minor", STAKE),
        free_bet=True,
        legs=[make_leg(coefficient=Decimal(coefficient))],
        **overrides,
    )


async def units_left(db: WalletDb, user: uuid.UUID) -> int:
    return await db.count(
        "SELECT coalesce(sum(units_left), 0) FROM wallet.package_purchase WHERE user_id = :u",
        u=user,
    )


async def promotions_paid(db: WalletDb, user: uuid.UUID) -> int:
    """What the user's free bets took from the promotions accounts (minor units, positive)."""
    return -await db.count(
        """SELECT coalesce(sum(e.amount_minor), 0) FROM wallet.entry e
           JOIN wallet.transfer t ON t.id = e.transfer_id
           JOIN wallet.account a ON a.id = e.account_id
           WHERE t.user_id = :u AND a.kind = 'promotions'""",
        u=user,
    )


async def hold_of(db: WalletDb, bet_id: uuid.UUID) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, free_bet, paid_minor FROM wallet.hold WHERE bet_id = :b"),
                {"b": bet_id},
            )
        ).one()
    return dict(row._mapping)


async def reserved(db: WalletDb, reserve: ReserveStake) -> None:
    await handle(db, saga.on_reserve_stake, reserve)
    await handle(db, saga.on_bet_placed, make_placed(reserve, free_bet=True))


async def test_a_free_bet_takes_a_unit_and_holds_no_money(api: Api, wallet_db: WalletDb) -> None:
    user = await free_bet_user(api, wallet_db)
    reserve = free_reserve(user)

    await reserved(wallet_db, reserve)

    assert await wallet_db.emitted("StakeReserved", bet_id=reserve.bet_id) != []
    assert await hold_of(wallet_db, reserve.bet_id) == {
        "status": "pending",
        "free_bet": True,
        "paid_minor": 0,
    }
    assert await wallet_db.balances(user) == (700, 0)  # the price paid; nothing held
    assert await units_left(wallet_db, user) == 1
    # The user's purchases say what stake their free bets are (the bet slip offers it).
    mine = (await api.get("/api/wallet/packages/mine", user)).json()
    assert [(p["kind"], p["stake"], p["units_left"]) for p in mine["purchases"]] == [
        ("free_bet", "5.00", 1)
    ]
    # The same ReserveStake again (a redelivery, the watchdog): the same answer, no second unit.
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    assert len(await wallet_db.emitted("StakeReserved", bet_id=reserve.bet_id)) == 2
    assert await units_left(wallet_db, user) == 1


async def test_a_won_free_bet_pays_only_the_winnings_from_promotions_once(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await free_bet_user(api, wallet_db)
    reserve = free_reserve(user, coefficient="2.10")
    await reserved(wallet_db, reserve)
    won = make_settled(reserve, "won", payout_minor=1_050)

    await handle(wallet_db, saga.on_bet_settled, won)
    await handle(wallet_db, saga.on_bet_settled, won)  # redelivered: nothing moves again

    assert await wallet_db.balances(user) == (700 + 550, 0)  # 10.50 minus the 5.00 stake
    assert await promotions_paid(wallet_db, user) == 550
    lines = [h for h in await wallet_db.history(user) if h["type"] == "free_bet_won"]
    assert [(h["amount_minor"], h["reference"]) for h in lines] == [(550, str(reserve.bet_id))]
    assert await hold_of(wallet_db, reserve.bet_id) == {
        "status": "posted",
        "free_bet": True,
        "paid_minor": 1_050,
    }
    # The statistics count the winnings as won and no stake as bet.
    async with wallet_db.engine.connect() as conn:
        totals = (await get_balance(conn, user)).totals
    assert (totals.wins, totals.total_bet_minor, totals.total_won_minor) == (1, 0, 550)


async def test_a_lost_free_bet_costs_the_user_nothing_and_spends_the_unit(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await free_bet_user(api, wallet_db)
    reserve = free_reserve(user)
    await reserved(wallet_db, reserve)

    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost"))

    assert await wallet_db.balances(user) == (700, 0)
    assert await promotions_paid(wallet_db, user) == 0
    assert await units_left(wallet_db, user) == 1
    assert (await hold_of(wallet_db, reserve.bet_id))["status"] == "posted"


@pytest.mark.parametrize("how", ["released", "settled_void"])
async def test_a_voided_or_released_free_bet_gives_its_unit_back_once(
    api: Api, wallet_db: WalletDb, how: str
) -> None:
    user = await free_bet_user(api, wallet_db)
    reserve = free_reserve(user)
    await reserved(wallet_db, reserve)
    assert await units_left(wallet_db, user) == 1

    message: Any = (
        make_release(reserve)
        if how == "released"
        else make_settled(reserve, "void", payout_minor=STAKE)
    )
    handler = saga.on_release_stake if how == "released" else saga.on_bet_settled
    await handle(wallet_db, handler, message)
    await handle(wallet_db, handler, message)  # redelivered: the unit comes back once

    assert await units_left(wallet_db, user) == 2
    assert await wallet_db.balances(user) == (700, 0)
    assert (await hold_of(wallet_db, reserve.bet_id))["status"] == "voided"


async def test_without_a_matching_unit_the_free_bet_is_rejected_and_nothing_moves(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await free_bet_user(api, wallet_db, units=1)
    other_stake = free_reserve(user, amount_minor=700)  # the package's free bet is 5.00
    await handle(wallet_db, saga.on_reserve_stake, other_stake)
    first = free_reserve(user)
    await handle(wallet_db, saga.on_reserve_stake, first)
    second = free_reserve(user)  # the only unit is taken
    await handle(wallet_db, saga.on_reserve_stake, second)

    for refused in (other_stake, second):
        [rejected] = await wallet_db.emitted("StakeReservationRejected", bet_id=refused.bet_id)
        assert rejected["reason"] == "wallet.free_bet_unavailable"
    assert await wallet_db.emitted("StakeReserved", bet_id=first.bet_id) != []
    assert await units_left(wallet_db, user) == 0
    assert await wallet_db.balances(user) == (700, 0)


async def test_a_free_bet_in_a_batch_is_sent_back_to_be_decided_alone(
    api: Api, wallet_db: WalletDb
) -> None:
    """A batch holding a free bet's message rolls back (the consumer then hands each message
    over alone); alone it is decided."""
    user = await free_bet_user(api, wallet_db)
    items = [(make_reserve(user, 100), Origin()), (free_reserve(user), Origin())]
    with pytest.raises(DecideAlone):
        async with wallet_db.sessionmaker.begin() as session:
            await apply_saga_batch(WalletUnitOfWork.joining(session), items)
    assert await wallet_db.balances(user) == (700, 0)  # rolled back: nothing held
    assert await units_left(wallet_db, user) == 2
    for command, origin in items:
        async with wallet_db.sessionmaker.begin() as session:
            await apply_saga_batch(WalletUnitOfWork.joining(session), [(command, origin)])
    assert await wallet_db.balances(user) == (600, 100)
    assert await units_left(wallet_db, user) == 1


async def test_a_corrected_free_bet_moves_the_change_of_winnings_once_per_version(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await free_bet_user(api, wallet_db)
    reserve = free_reserve(user, coefficient="3.00")
    await reserved(wallet_db, reserve)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", payout_minor=1_500))
    assert await wallet_db.balances(user) == (1_700, 0)  # winnings 10.00

    to_lost = make_resettled(reserve, "won", "lost", -1_500, version=2)
    await handle(wallet_db, saga.on_bet_resettled, to_lost)
    await handle(wallet_db, saga.on_bet_resettled, to_lost)  # a duplicate moves nothing
    assert await wallet_db.balances(user) == (700, 0)
    assert await promotions_paid(wallet_db, user) == 0

    to_void = make_resettled(reserve, "lost", "void", STAKE, version=3)  # winnings 0 → 0
    await handle(wallet_db, saga.on_bet_resettled, to_void)
    back_to_won = make_resettled(reserve, "void", "won", 1_000, version=4)
    await handle(wallet_db, saga.on_bet_resettled, back_to_won)
    assert await wallet_db.balances(user) == (1_700, 0)
    assert await promotions_paid(wallet_db, user) == 1_000
    assert (await hold_of(wallet_db, reserve.bet_id))["paid_minor"] == 1_500
