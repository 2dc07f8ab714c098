"""The payout cap (issue 20, ARCHITECTURE.md §9): a bet never pays more than its own potential win
(from its ReserveStake) nor the configured maximum, whatever BetSettled/BetResettled claim.

A refused message credits nothing (the ledger is unchanged to the cent), raises ``PayoutRefused``
(the bus retries it, then dead-letters it: tests/test_bus.py), and is counted and audited once.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

import pytest
from prometheus_client import REGISTRY
from pydantic import ValidationError
from services.wallet.tests.support.ledger import (
    WalletDb,
    handle,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
)
from sqlalchemy import text

from common.contracts.bets import ReserveStake
from common.messaging.envelope import wrap
from wallet.domain.errors import PayoutRefused, ResettlementTooEarly
from wallet.domain.payouts import PayoutCap, PayoutRefusal
from wallet.service_layer import saga

STAKE = 1_000  # 10.00
POTENTIAL_WIN = 1_850  # 18.50 (odds 1.85)


def refused_count(message: str, reason: str) -> float:
    found = REGISTRY.get_sample_value(
        "wallet_payouts_refused_total", {"message": message, "reason": reason}
    )
    return found or 0.0


async def books(db: WalletDb, user: uuid.UUID, bet_id: uuid.UUID) -> dict[str, Any]:
    """Everything a payout would touch: balances, history, transfers, the hold."""
    async with db.engine.connect() as conn:
        hold = (
            await conn.execute(
                text("SELECT status, paid_minor FROM wallet.hold WHERE bet_id = :b"), {"b": bet_id}
            )
        ).one()
        transfers = await conn.scalar(
            text("SELECT count(*) FROM wallet.transfer WHERE user_id = :u"), {"u": user}
        )
        house = await conn.scalar(
            text("SELECT sum(balance_minor) FROM wallet.account WHERE kind = 'house'")
        )
    return {
        "balances": await db.balances(user),
        "history": [(r["type"], r["amount_minor"]) for r in await db.history(user)],
        "transfers": transfers,
        "house": house,
        "hold": (hold.status, hold.paid_minor),
    }


async def refusals(db: WalletDb, bet_id: uuid.UUID) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT status, amount_minor, details FROM wallet.audit_log"
                " WHERE action = 'payout_refused' AND details ->> 'bet_id' = :b ORDER BY id"
            ),
            {"b": str(bet_id)},
        )
        return [dict(r._mapping) for r in rows]


async def held_bet(
    db: WalletDb, *, potential_win_minor: int | None = POTENTIAL_WIN
) -> tuple[uuid.UUID, ReserveStake]:
    """A user with 100.00 and a 10.00 stake held (the bet's potential win on its command)."""
    user = await make_wallet(db, balance_minor=10_000)
    overrides = {} if potential_win_minor is None else {"potential_win_minor": potential_win_minor}
    reserve = make_reserve(user, STAKE, **overrides)
    await handle(db, saga.on_reserve_stake, reserve)
    return user, reserve


# --- BetSettled ------------------------------------------------------------------------------


async def test_a_forged_settlement_paying_a_million_credits_nothing_and_is_counted_once(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db)
    before = await books(wallet_db, user, reserve.bet_id)
    counted = refused_count("BetSettled", "above_potential_win")
    forged = make_settled(reserve, "won", payout_minor=100_000_000)  # 1 000 000.00
    envelope = wrap(forged)

    for _ in range(3):  # the bus retries it before dead-lettering it: the same envelope
        with pytest.raises(PayoutRefused) as refused:
            await handle(wallet_db, saga.on_bet_settled, forged, envelope)
    assert refused.value.reason == "above_potential_win"
    assert refused.value.limit_minor == POTENTIAL_WIN

    assert await books(wallet_db, user, reserve.bet_id) == before  # to the cent
    assert await wallet_db.hold_status(reserve.bet_id) == "pending"
    assert refused_count("BetSettled", "above_potential_win") == counted + 1
    [row] = await refusals(wallet_db, reserve.bet_id)
    assert row["status"] == "rejected"
    assert row["amount_minor"] == 100_000_000
    assert row["details"]["event_id"] == str(envelope.event_id)
    assert row["details"]["potential_win"] == "18.50"
    assert row["details"]["limit"] == "18.50"

    # the genuine settlement still applies afterwards, paying exactly the potential win
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", POTENTIAL_WIN))
    assert await wallet_db.balances(user) == (10_000 - STAKE + POTENTIAL_WIN, 0)
    assert (await books(wallet_db, user, reserve.bet_id))["hold"] == ("posted", POTENTIAL_WIN)


async def test_a_payout_of_exactly_the_potential_win_is_paid_one_cent_more_is_not(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db)
    with pytest.raises(PayoutRefused):
        await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", 1_851))
    assert await wallet_db.balances(user) == (9_000, 1_000)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", 1_850))
    assert await wallet_db.balances(user) == (9_000 + 1_850, 0)


async def test_a_command_without_potential_win_is_capped_at_the_configured_maximum(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db, potential_win_minor=None)
    capped = partial(saga.on_bet_settled, max_payout_minor=5_000)
    counted = refused_count("BetSettled", "above_max_payout")
    with pytest.raises(PayoutRefused) as refused:
        await handle(wallet_db, capped, make_settled(reserve, "won", 5_001))
    assert refused.value.reason == "above_max_payout"
    assert refused_count("BetSettled", "above_max_payout") == counted + 1
    assert await wallet_db.balances(user) == (9_000, 1_000)
    await handle(wallet_db, capped, make_settled(reserve, "won", 5_000))
    assert await wallet_db.balances(user) == (9_000 + 5_000, 0)


async def test_the_configured_maximum_applies_even_below_the_bets_own_potential_win(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db, potential_win_minor=9_000)
    capped = partial(saga.on_bet_settled, max_payout_minor=4_000)
    with pytest.raises(PayoutRefused) as refused:
        await handle(wallet_db, capped, make_settled(reserve, "won", 4_001))
    assert refused.value.reason == "above_max_payout"
    assert await wallet_db.balances(user) == (9_000, 1_000)
    await handle(wallet_db, saga.on_release_stake, make_release(reserve))


async def test_a_void_gives_the_stake_back_and_a_lost_bet_is_captured_as_before(
    wallet_db: WalletDb,
) -> None:
    user, voided = await held_bet(wallet_db, potential_win_minor=1_001)
    await handle(wallet_db, saga.on_bet_settled, make_settled(voided, "void"))
    lost = make_reserve(user, STAKE, potential_win_minor=POTENTIAL_WIN)
    await handle(wallet_db, saga.on_reserve_stake, lost)
    await handle(wallet_db, saga.on_bet_settled, make_settled(lost, "lost"))
    assert await wallet_db.balances(user) == (9_000, 0)
    assert (await books(wallet_db, user, voided.bet_id))["hold"] == ("voided", STAKE)
    assert (await books(wallet_db, user, lost.bet_id))["hold"] == ("posted", 0)


# --- BetResettled: the bet's running total stays within [0, cap] -------------------------------


async def test_resettlements_cannot_pay_the_cap_twice_nor_take_back_more_than_was_paid(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost"))
    # lost → won → lost → won: each within the cap, each applied once
    await handle(
        wallet_db, saga.on_bet_resettled, make_resettled(reserve, "lost", "won", POTENTIAL_WIN, 2)
    )
    await handle(
        wallet_db, saga.on_bet_resettled, make_resettled(reserve, "won", "lost", -POTENTIAL_WIN, 3)
    )
    v4 = make_resettled(reserve, "lost", "won", POTENTIAL_WIN, 4)
    await handle(wallet_db, saga.on_bet_resettled, v4)
    await handle(wallet_db, saga.on_bet_resettled, v4)  # a duplicate (new event id): nothing
    assert await wallet_db.balances(user) == (9_000 + POTENTIAL_WIN, 0)
    before = await books(wallet_db, user, reserve.bet_id)
    assert before["hold"] == ("posted", POTENTIAL_WIN)

    counted = refused_count("BetResettled", "above_potential_win")
    forged = make_resettled(reserve, "won", "won", POTENTIAL_WIN, 5)  # the cap a second time
    with pytest.raises(PayoutRefused):
        await handle(wallet_db, saga.on_bet_resettled, forged)
    assert refused_count("BetResettled", "above_potential_win") == counted + 1
    huge = make_resettled(reserve, "won", "won", 100_000_000, 5)
    with pytest.raises(PayoutRefused) as refused:
        await handle(wallet_db, saga.on_bet_resettled, huge)
    assert refused.value.reason == "above_potential_win"
    takes_back = make_resettled(reserve, "won", "lost", -POTENTIAL_WIN - 1, 5)
    with pytest.raises(PayoutRefused) as refused:
        await handle(wallet_db, saga.on_bet_resettled, takes_back)
    assert refused.value.reason == "below_zero"
    assert await books(wallet_db, user, reserve.bet_id) == before
    assert len(await refusals(wallet_db, reserve.bet_id)) == 3


async def test_a_void_resettled_to_won_pays_up_to_the_potential_win(wallet_db: WalletDb) -> None:
    user, reserve = await held_bet(wallet_db)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "void"))
    assert await wallet_db.balances(user) == (10_000, 0)
    with pytest.raises(PayoutRefused):
        await handle(
            wallet_db,
            saga.on_bet_resettled,
            make_resettled(reserve, "void", "won", POTENTIAL_WIN - STAKE + 1),
        )
    await handle(
        wallet_db,
        saga.on_bet_resettled,
        make_resettled(reserve, "void", "won", POTENTIAL_WIN - STAKE),
    )
    assert await wallet_db.balances(user) == (10_000 - STAKE + POTENTIAL_WIN, 0)


async def test_a_correction_ahead_of_an_earlier_one_waits_instead_of_being_refused(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await held_bet(wallet_db)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", POTENTIAL_WIN))
    v2 = make_resettled(reserve, "won", "lost", -POTENTIAL_WIN, 2)
    v3 = make_resettled(reserve, "lost", "won", POTENTIAL_WIN, 3)
    with pytest.raises(ResettlementTooEarly):  # v3 before v2: retried, not counted
        await handle(wallet_db, saga.on_bet_resettled, v3)
    assert await refusals(wallet_db, reserve.bet_id) == []
    await handle(wallet_db, saga.on_bet_resettled, v2)
    await handle(wallet_db, saga.on_bet_resettled, v3)
    assert await wallet_db.balances(user) == (9_000 + POTENTIAL_WIN, 0)


# --- the cap itself and the contract ----------------------------------------------------------


@pytest.mark.parametrize(
    ("potential_win", "total", "expected"),
    [
        (1_850, 1_850, None),
        (1_850, 1_851, PayoutRefusal.above_potential_win),
        (1_850, 0, None),
        (1_850, -1, PayoutRefusal.below_zero),
        (None, 10_000, None),
        (None, 10_001, PayoutRefusal.above_max_payout),
        (50_000, 10_001, PayoutRefusal.above_max_payout),
        (500, 1_000, None),  # a potential win below the stake still lets the stake come back
    ],
)
def test_payout_cap(potential_win: int | None, total: int, expected: PayoutRefusal | None) -> None:
    cap = PayoutCap(stake_minor=1_000, potential_win_minor=potential_win, max_payout_minor=10_000)
    assert cap.refusal(total) is expected


def test_reserve_stake_without_potential_win_still_parses_and_round_trips_unchanged() -> None:
    legacy = make_reserve(uuid.uuid4(), STAKE)
    dumped = legacy.model_dump(mode="json")
    assert "potential_win_minor" not in dumped
    assert ReserveStake.model_validate(dumped).potential_win_minor is None
    carried = make_reserve(uuid.uuid4(), STAKE, potential_win_minor=POTENTIAL_WIN)
    assert carried.model_dump(mode="json")["potential_win_minor"] == POTENTIAL_WIN


@pytest.mark.parametrize("bad", [0, -1, 18.5, "1850", True])
def test_reserve_stake_potential_win_is_a_strict_positive_integer(bad: object) -> None:
    with pytest.raises(ValidationError):
        make_reserve(uuid.uuid4(), STAKE, potential_win_minor=bad)
