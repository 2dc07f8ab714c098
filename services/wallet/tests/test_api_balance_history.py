"""Seed 001 getBalance and getBetHistory over HTTP, with hand-computed figures (ARCHITECTURE §4)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    handle,
    make_cancelled,
    make_leg,
    make_placed,
    make_release,
    make_reserve,
    make_settled,
    make_wallet,
)

from wallet.service_layer import saga

BALANCE = "/api/wallet/balance"
HISTORY = "/api/wallet/history"


async def bet(
    db: WalletDb,
    user: uuid.UUID,
    stake_minor: int,
    coefficient: str,
    result: str | None,
    *,
    placed_at: datetime | None = None,
    settled_at: datetime | None = None,
) -> uuid.UUID:
    """A single placed (and settled, unless ``result`` is None) through the saga handlers;
    placed and settled now unless told (now read here, not at import: a long run would date
    the bets hours back)."""
    now = datetime.now(UTC)
    reserve = make_reserve(user, stake_minor, legs=[make_leg(coefficient=Decimal(coefficient))])
    await handle(db, saga.on_reserve_stake, reserve)
    await handle(db, saga.on_bet_placed, make_placed(reserve, placed_at=placed_at or now))
    if result is not None:
        payout = {"won": int(stake_minor * Decimal(coefficient)), "lost": 0, "void": stake_minor}[
            result
        ]
        await handle(
            db,
            saga.on_bet_settled,
            make_settled(reserve, result, payout_minor=payout, settled_at=settled_at or now),
        )
    return reserve.bet_id


# --- getBalance ----------------------------------------------------------------------------


async def test_seed_balance_1_and_4_every_metric_by_hand(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000_000)  # 10 000.00 deposited
    for stake, coefficient, result in [
        (10_000, "1.85", "won"),  # payout 185.00
        (20_000, "2.10", "won"),  # 420.00
        (5_000, "3.00", "won"),  # 150.00
        (10_000, "2.50", "lost"),
        (5_000, "1.90", "lost"),
        (7_000, "2.00", "void"),  # left out of the stats
        (25_000, "1.50", None),  # open: locked in bets
    ]:
        await bet(wallet_db, user, stake, coefficient, result)
    answer = await api.get(BALANCE, user)
    assert answer.status_code == 200
    b = answer.json()["balance"]
    expected = {
        # available 10 000 - 500 (settled stakes) + 755 (payouts) - 250 (open) = 10 005.00
        "available_balance": "10005.00",
        "locked_in_bets": "250.00",
        "current_balance": "10255.00",
        "total_deposited": "10000.00",
        "total_withdrawn": "0.00",
        "pending_withdrawals": "0.00",
        "debt": "0.00",
        "total_bet": "500.00",
        "total_won": "755.00",
        "total_lost": "150.00",
        "net_profit": "255.00",
        "roi_percent": 51.0,
        "win_count": 3,
        "lose_count": 2,
        "win_rate": 60.0,
        "currency": "USD",
        "status": "active",
    }
    assert {k: b[k] for k in expected} == expected
    assert b["user_id"] == str(user)
    assert b["last_transaction"] is not None


async def test_seed_balance_2_no_wallet_is_404(api: Api) -> None:
    answer = await api.get(BALANCE, uuid.uuid4())
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "wallet.not_found"


async def test_seed_balance_3_open_bets_are_locked_not_available(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)
    await bet(wallet_db, user, 25_000, "2.00", None)
    b = (await api.get(BALANCE, user)).json()["balance"]
    assert (b["current_balance"], b["available_balance"], b["locked_in_bets"]) == (
        "5000.00",
        "4750.00",
        "250.00",
    )


async def test_seed_balance_5_very_large_balance(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=99_999_999)
    b = (await api.get(BALANCE, user)).json()["balance"]
    assert b["current_balance"] == b["available_balance"] == "999999.99"


async def test_roi_of_a_loser_is_negative_and_rounded_half_up(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=100_000)
    await bet(wallet_db, user, 3_000, "1.50", "won")  # 45.00
    await bet(wallet_db, user, 3_000, "2.00", "lost")
    await bet(wallet_db, user, 3_000, "2.00", "lost")
    b = (await api.get(BALANCE, user)).json()["balance"]
    # net -45.00 over 90.00 staked → -50.00 %; 1 of 3 won → 33.33 %
    assert (b["net_profit"], b["roi_percent"], b["win_rate"]) == ("-45.00", -50.0, 33.33)


# --- getBetHistory ---------------------------------------------------------------------------


async def seed_history(db: WalletDb, now: datetime) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """25 settled singles of 100.00 @ 2.00 (16 won, 9 lost): 10 placed in the 7 days up to
    ``now``, the rest 10-24 days before it; plus 2 open bets and one cancelled."""
    user = await make_wallet(db, balance_minor=1_000_000)
    results = ["won"] * 16 + ["lost"] * 9
    # settlement order W W L W W W L L … for streaks: put the 9 losses in the middle
    order = ["won"] * 8 + ["lost"] * 9 + ["won"] * 8
    assert sorted(order) == sorted(results)
    ids = []
    for i, result in enumerate(order):
        days_ago = 10 + (14 - i) if i < 15 else (24 - i) * 0.6  # 24…10 days, then 5.4…0
        placed = now - timedelta(days=days_ago, minutes=5)
        ids.append(
            await bet(
                db,
                user,
                10_000,
                "2.00",
                result,
                placed_at=placed,
                settled_at=placed + timedelta(hours=2),
            )
        )
    for _ in range(2):
        await bet(db, user, 5_000, "3.00", None)
    cancelled = make_reserve(user, 2_000)
    await handle(db, saga.on_reserve_stake, cancelled)
    await handle(db, saga.on_bet_placed, make_placed(cancelled))
    await handle(db, saga.on_bet_cancelled, make_cancelled(cancelled))
    await handle(db, saga.on_release_stake, make_release(cancelled))
    return user, ids


async def test_seed_history_rows_1_to_7(api: Api, wallet_db: WalletDb) -> None:
    now = datetime.now(UTC)  # the test's own clock, the same for the seed and the questions
    user, _ = await seed_history(wallet_db, now)

    async def history(**params: Any) -> dict[str, Any]:
        answer = await api.get(HISTORY, user, **params)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # 1. the whole history with statistics
    everything = await history(limit=100)
    assert len(everything["bets"]) == 28
    stats = everything["statistics"]
    assert (stats["total_bets"], stats["total_wins"], stats["total_losses"]) == (25, 16, 9)
    # 6. statistics by hand: staked 2 500.00, won 3 200.00 → net 700.00, ROI 28 %, win rate 64 %
    assert (stats["total_amount_bet"], stats["total_amount_won"], stats["net_profit"]) == (
        "2500.00",
        "3200.00",
        "700.00",
    )
    assert (stats["roi_percent"], stats["win_rate"]) == (28.0, 64.0)
    assert (stats["longest_win_streak"], stats["longest_loss_streak"], stats["current_streak"]) == (
        8,
        9,
        8,
    )
    assert (stats["biggest_win"], stats["average_bet"]) == ("200.00", "100.00")

    # 2. wins only
    wins = await history(result="win", limit=100)
    assert len(wins["bets"]) == 16
    assert {b["result"] for b in wins["bets"]} == {"win"}
    assert wins["bets"][0]["actual_win"] == "200.00"
    assert wins["bets"][0]["bet_amount"] == "100.00"

    # 3. the last 7 days (by placement): 10 settled + 2 open + 1 cancelled placed now
    week = await history(date_from=(now - timedelta(days=6)).date().isoformat(), limit=100)
    assert week["pagination"]["bets"]["total_items"] == 13

    # 4. pagination
    page = await history(limit=10, offset=20)
    assert len(page["bets"]) == 8
    assert page["pagination"]["bets"] == {"total_items": 28, "total_pages": 3}
    assert page["pagination"]["current_page"] == 3
    assert (await api.get(HISTORY, user, limit=0)).status_code == 422
    assert (await api.get(HISTORY, user, limit=101)).status_code == 422

    # 5. by status (the seed's open / resolved / cancelled)
    assert len((await history(status="open"))["bets"]) == 2
    assert len((await history(status="resolved", limit=100))["bets"]) == 25
    cancelled = await history(status="cancelled")
    assert [b["status"] for b in cancelled["bets"]] == ["cancelled"]
    assert (await api.get(HISTORY, user, status="nonsense")).status_code == 422

    # 7. bets and transactions agree with each other and with the balance
    transactions = everything["transactions"]
    assert everything["totals"]["transactions"] == len(transactions) == 1 + 28 + 16 + 9 + 1
    by_type: dict[str, int] = {}
    for t in transactions:
        by_type[t["type"]] = by_type.get(t["type"], 0) + 1
    assert by_type == {"deposit": 1, "bet_placed": 28, "bet_won": 16, "bet_lost": 9, "refund": 1}
    balance = (await api.get(BALANCE, user)).json()["balance"]
    total = sum(Decimal(t["amount"]) for t in transactions)
    assert str(total) == balance["available_balance"] == transactions[0]["balance_after"]
    assert balance["available_balance"] == "10600.00"  # 10 000 - 2 500 + 3 200 - 100 (open)
    deposits = await history(type="deposit")
    assert [t["type"] for t in deposits["transactions"]] == ["deposit"]
    assert everything["bets"][0]["event"] == "Real Madrid \u2013 Barcelona"


async def test_history_is_the_callers_own(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    await bet(wallet_db, user, 500, "2.00", "won")
    other = await api.get(HISTORY, uuid.uuid4())
    assert other.status_code == 200
    assert (other.json()["bets"], other.json()["transactions"]) == ([], [])
