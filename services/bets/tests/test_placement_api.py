"""Placement over HTTP with the saga run for real: bets' and wallet's apps with their relays and
consumers on RabbitMQ, the wallet's own handlers reserving the stake."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from services.bets.tests.builders import BetsDb, handle, live_offer, offer, settle_event
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.entrypoints.api.app import create_app
from bets.service_layer import read_model
from common.contracts.events import EventStatusChanged
from wallet.entrypoints.api.app import create_app as create_wallet_app
from wallet.settings import Settings as WalletSettings


@pytest.fixture(scope="module")
async def http(
    bets_db: BetsDb,
    wallet_db: WalletDb,
    make_settings: Any,
    bets_settings: Any,
    app_client: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    wallet = create_wallet_app(make_settings(WalletSettings))
    bets = create_app(bets_settings(placement_wait_s=5.0))
    async with app_client(wallet) as wallet_client, app_client(bets) as client:
        # Both consumers bound to their queues before the first message is published.
        for app_client_ in (wallet_client, client):
            for _ in range(200):
                if (await app_client_.get("/health/ready")).status_code == 200:
                    break
                await asyncio.sleep(0.05)
            assert (await app_client_.get("/health/ready")).status_code == 200
        yield client


def auth(token_issuer: Any, user_id: uuid.UUID, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token_issuer.issue(user_id=user_id, role='user')}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


async def place_single(
    http: httpx.AsyncClient,
    token_issuer: Any,
    user_id: uuid.UUID,
    event: Any,
    odds: Any,
    amount: str,
) -> httpx.Response:
    """POST /api/bets/place for a single at the current coefficient."""
    body = {"event_id": str(event.event_id), "odds_id": str(odds.odds_id), "bet_amount": amount}
    return await http.post("/api/bets/place", json=body, headers=auth(token_issuer, user_id))


async def test_single_is_reserved_by_the_wallet_and_opens(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db, "2.10")
    body = {
        "event_id": str(event.event_id),
        "odds_id": str(odds.odds_id),
        "bet_amount": 10.00,
        "bet_type": "single",
        "expected_coefficient": "2.10",
    }
    answer = await http.post(
        "/api/bets/place", json=body, headers=auth(token_issuer, user_id, "k-1")
    )
    assert answer.status_code == 201, answer.text
    bet = answer.json()["bet"]
    assert bet["status"] == "open"
    assert (bet["bet_amount"], bet["coefficient"], bet["potential_win"]) == (
        "10.00",
        "2.10",
        "21.00",
    )
    assert bet["legs"][0]["event_name"] == event.event_name
    assert await wallet_db.balances(user_id) == (9_000, 1_000)

    # The same key again: the bet as it is now, nothing held twice.
    again = await http.post(
        "/api/bets/place", json=body, headers=auth(token_issuer, user_id, "k-1")
    )
    assert again.status_code == 201
    assert again.json()["bet"]["bet_id"] == bet["bet_id"]
    assert await wallet_db.balances(user_id) == (9_000, 1_000)

    mine = await http.get(f"/api/bets/{bet['bet_id']}", headers=auth(token_issuer, user_id))
    assert mine.status_code == 200
    assert mine.json()["bet"]["status"] == "open"
    theirs = await http.get(f"/api/bets/{bet['bet_id']}", headers=auth(token_issuer, uuid.uuid4()))
    assert theirs.status_code == 404


async def test_insufficient_funds_rejects_and_holds_nothing(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=500)
    event, odds = await offer(bets_db)
    answer = await place_single(http, token_issuer, user_id, event, odds, "10")
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "wallet.insufficient_funds"
    assert error["details"]["bet"]["status"] == "rejected"
    assert await wallet_db.balances(user_id) == (500, 0)


async def test_coupon_of_the_seed_combines_to_5_83(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=20_000)
    legs = [await offer(bets_db, c) for c in ("1.85", "2.10", "1.50")]
    answer = await http.post(
        "/api/bets/place-coupon",
        json={
            "bets": [{"event_id": str(e.event_id), "odds_id": str(o.odds_id)} for e, o in legs],
            "bet_amount": "100.00",
        },
        headers=auth(token_issuer, user_id),
    )
    assert answer.status_code == 201, answer.text
    bet = answer.json()["bet"]
    assert (bet["bet_type"], bet["status"]) == ("coupon", "open")
    assert (bet["total_coefficient"], bet["potential_win"]) == ("5.83", "583.00")
    assert [leg["coefficient"] for leg in bet["legs"]] == ["1.85", "2.10", "1.50"]
    assert await wallet_db.balances(user_id) == (10_000, 10_000)


@pytest.mark.parametrize(
    ("policy", "current", "accepted"),
    [
        ("none", "2.20", False),
        ("none", "2.00", False),
        ("higher", "2.20", True),
        ("higher", "2.00", False),
        ("any", "2.00", True),
    ],
)
async def test_odds_changed_between_view_and_placement(
    http: httpx.AsyncClient,
    bets_db: BetsDb,
    wallet_db: WalletDb,
    token_issuer: Any,
    policy: str,
    current: str,
    accepted: bool,
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db, "2.10")  # what the user saw
    moved = odds.model_copy(update={"new_coefficient": Decimal(current), "odds_version": 2})
    await handle(bets_db, read_model.on_odds_changed, moved)
    answer = await http.post(
        "/api/bets/place",
        json={
            "event_id": str(event.event_id),
            "odds_id": str(odds.odds_id),
            "bet_amount": "10.00",
            "expected_coefficient": "2.10",
            "accept_odds_change": policy,
        },
        headers=auth(token_issuer, user_id),
    )
    if accepted:
        assert answer.status_code == 201, answer.text
        assert answer.json()["bet"]["coefficient"] == current  # fixed at the current odds
        assert await wallet_db.balances(user_id) == (9_000, 1_000)
    else:
        assert answer.status_code == 409, answer.text
        error = answer.json()["error"]
        assert error["code"] == "bet.odds_changed"
        assert error["details"]["current_coefficient"] == f"{Decimal(current):.3f}"
        assert await wallet_db.balances(user_id) == (10_000, 0)


async def test_refusals_before_the_saga(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    place = {"event_id": str(event.event_id), "odds_id": str(odds.odds_id)}
    headers = auth(token_issuer, user_id)

    low = await http.post("/api/bets/place", json={**place, "bet_amount": "0.99"}, headers=headers)
    assert (low.status_code, low.json()["error"]["code"]) == (422, "bet.stake_below_minimum")
    high = await http.post(
        "/api/bets/place", json={**place, "bet_amount": "10000.01"}, headers=headers
    )
    assert (high.status_code, high.json()["error"]["code"]) == (422, "bet.stake_above_maximum")
    bad = await http.post("/api/bets/place", json={**place, "bet_amount": "1.001"}, headers=headers)
    assert bad.status_code == 422

    one_leg = await http.post(
        "/api/bets/place-coupon", json={"bets": [place], "bet_amount": "5"}, headers=headers
    )
    assert one_leg.json()["error"]["code"] == "bet.coupon_too_few_legs"
    same_event = await http.post(
        "/api/bets/place-coupon", json={"bets": [place, place], "bet_amount": "5"}, headers=headers
    )
    assert same_event.json()["error"]["code"] == "bet.coupon_duplicate_event"

    huge, huge_odds = await offer(bets_db, "50")
    payout = await http.post(
        "/api/bets/place",
        json={
            "event_id": str(huge.event_id),
            "odds_id": str(huge_odds.odds_id),
            "bet_amount": 2001,
        },
        headers=headers,
    )
    assert (payout.status_code, payout.json()["error"]["code"]) == (422, "bet.payout_above_maximum")

    started, started_odds = await offer(bets_db, status="live")
    live = await http.post(
        "/api/bets/place",
        json={
            "event_id": str(started.event_id),
            "odds_id": str(started_odds.odds_id),
            "bet_amount": 5,
        },
        headers=headers,
    )
    assert (live.status_code, live.json()["error"]["code"]) == (409, "bet.event_started")
    assert await wallet_db.balances(user_id) == (10_000, 0)


async def test_a_live_event_takes_bets_on_its_live_betting_markets_only(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    headers = auth(token_issuer, user_id)

    async def place(event_id: uuid.UUID, odds_id: uuid.UUID) -> httpx.Response:
        body = {"event_id": str(event_id), "odds_id": str(odds_id), "bet_amount": 10}
        return await http.post("/api/bets/place", json=body, headers=headers)

    live, live_odds = await live_offer(bets_db, live_betting=True)
    taken = await place(live.event_id, live_odds.odds_id)
    assert taken.status_code == 201, taken.text
    assert taken.json()["bet"]["status"] == "open"
    assert await wallet_db.balances(user_id) == (9_000, 1_000)

    pre_match, pre_match_odds = await live_offer(bets_db, live_betting=False)
    refused = await place(pre_match.event_id, pre_match_odds.odds_id)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "bet.event_started")

    suspended, suspended_odds = await live_offer(
        bets_db, live_betting=True, market_status="suspended"
    )
    paused = await place(suspended.event_id, suspended_odds.odds_id)
    assert (paused.status_code, paused.json()["error"]["code"]) == (409, "bet.market_suspended")

    # The flag does not open other states: finished refused, a scheduled event past its start
    # refused as before.
    finished, finished_odds = await live_offer(bets_db, live_betting=True, status="finished")
    over = await place(finished.event_id, finished_odds.odds_id)
    assert (over.status_code, over.json()["error"]["code"]) == (409, "bet.event_not_open")
    late, late_odds = await live_offer(
        bets_db,
        live_betting=True,
        status="scheduled",
        starts_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    too_late = await place(late.event_id, late_odds.odds_id)
    assert (too_late.status_code, too_late.json()["error"]["code"]) == (409, "bet.event_started")
    assert await wallet_db.balances(user_id) == (9_000, 1_000)


async def test_calculate_uses_the_placement_rounding(
    http: httpx.AsyncClient, token_issuer: Any
) -> None:
    answer = await http.get(
        "/api/bets/calculate",
        params=[
            ("bet_amount", "100"),
            ("coefficient", "1.85"),
            ("coefficient", "2.10"),
            ("coefficient", "1.50"),
        ],
        headers=auth(token_issuer, uuid.uuid4()),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["total_coefficient"] == "5.83"
    assert answer.json()["potential_win"] == "583.00"
    single = await http.get(
        "/api/bets/calculate",
        params={"bet_amount": "3.33", "coefficient": "1.555"},
        headers=auth(token_issuer, uuid.uuid4()),
    )
    assert single.json()["potential_win"] == "5.17"


async def test_settlement_reaches_the_wallet_over_the_bus(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    """Place -> reserved -> open -> EventSettled -> BetSettled through the relay -> wallet pays."""
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db, "1.85")
    answer = await place_single(http, token_issuer, user_id, event, odds, "33.33")
    assert answer.status_code == 201, answer.text
    bet_id = answer.json()["bet"]["bet_id"]
    assert answer.json()["bet"]["potential_win"] == "61.66"  # 33.33 x 1.85 = 61.6605
    await settle_event(bets_db, event.event_id, {odds.odds_id: "won"})
    for _ in range(100):
        if await wallet_db.hold_status(uuid.UUID(bet_id)) == "posted":
            break
        await asyncio.sleep(0.1)
    assert await wallet_db.balances(user_id) == (10_000 - 3_333 + 6_166, 0)
    bet = (await http.get(f"/api/bets/{bet_id}", headers=auth(token_issuer, user_id))).json()
    assert (bet["bet"]["status"], bet["bet"]["result"], bet["bet"]["payout"]) == (
        "won",
        "win",
        "61.66",
    )
    assert bet["bet"]["legs"][0]["result"] == "win"


async def test_cancel_an_open_bet_refunds_once(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    placed = await place_single(http, token_issuer, user_id, event, odds, "20")
    assert placed.status_code == 201, placed.text
    bet_id = placed.json()["bet"]["bet_id"]
    assert await wallet_db.balances(user_id) == (8_000, 2_000)

    other = await http.post(f"/api/bets/{bet_id}/cancel", headers=auth(token_issuer, uuid.uuid4()))
    assert other.status_code == 404
    for _ in range(2):  # a repeat changes nothing
        cancelled = await http.post(
            f"/api/bets/{bet_id}/cancel", headers=auth(token_issuer, user_id)
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["bet"]["status"] == "cancelled"
    for _ in range(100):
        if await wallet_db.hold_status(uuid.UUID(bet_id)) == "voided":
            break
        await asyncio.sleep(0.1)
    assert await wallet_db.balances(user_id) == (10_000, 0)


async def test_a_bet_cannot_be_cancelled_once_its_event_started(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    placed = await place_single(http, token_issuer, user_id, event, odds, "20")
    bet_id = placed.json()["bet"]["bet_id"]
    await handle(
        bets_db,
        read_model.on_event_status_changed,
        EventStatusChanged(event_id=event.event_id, status="live"),
    )
    refused = await http.post(f"/api/bets/{bet_id}/cancel", headers=auth(token_issuer, user_id))
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "bet.event_started")
    assert await wallet_db.balances(user_id) == (8_000, 2_000)


async def test_history_filters_and_pages_the_users_own_bets(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    placed = []
    for amount in ("10", "20", "30"):
        event, odds = await offer(bets_db)
        answer = await http.post(
            "/api/bets/place",
            json={
                "event_id": str(event.event_id),
                "odds_id": str(odds.odds_id),
                "bet_amount": amount,
            },
            headers=auth(token_issuer, user_id),
        )
        assert answer.status_code == 201, answer.text
        placed.append((answer.json()["bet"]["bet_id"], event, odds))
    _, won_event, won_odds = placed[0]
    await settle_event(bets_db, won_event.event_id, {won_odds.odds_id: "won"})
    headers = auth(token_issuer, user_id)

    async def history(**params: Any) -> Any:
        return (await http.get("/api/bets/history", params=params, headers=headers)).json()

    everything = await history()
    assert everything["pagination"]["total"] == 3
    assert [b["bet_amount"] for b in everything["bets"]] == ["30.00", "20.00", "10.00"]
    page = (
        await http.get("/api/bets/history", params={"limit": 2, "offset": 2}, headers=headers)
    ).json()
    assert [b["bet_amount"] for b in page["bets"]] == ["10.00"]
    won = await history(result="win")
    assert [b["bet_id"] for b in won["bets"]] == [placed[0][0]]
    still_open = (
        await http.get("/api/bets/history", params={"status": "open"}, headers=headers)
    ).json()
    assert still_open["pagination"]["total"] == 2
    before = await history(date_to="2020-01-01T00:00:00Z")
    assert before["pagination"]["total"] == 0
    other = (await http.get("/api/bets/history", headers=auth(token_issuer, uuid.uuid4()))).json()
    assert other["bets"] == []
    for _ in range(100):  # let the wallet pay before the next test's reconciliation
        if await wallet_db.hold_status(uuid.UUID(placed[0][0])) == "posted":
            break
        await asyncio.sleep(0.1)


async def test_stats_over_won_and_lost_bets(
    http: httpx.AsyncClient, bets_db: BetsDb, wallet_db: WalletDb, token_issuer: Any
) -> None:
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    headers = auth(token_issuer, user_id)
    bets = []
    for amount, outcome in (("10.00", "won"), ("20.00", "lost"), ("5.00", None)):
        event, odds = await offer(bets_db, "2.10")
        answer = await http.post(
            "/api/bets/place",
            json={
                "event_id": str(event.event_id),
                "odds_id": str(odds.odds_id),
                "bet_amount": amount,
            },
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        bets.append(answer.json()["bet"]["bet_id"])
        if outcome is not None:
            await settle_event(bets_db, event.event_id, {odds.odds_id: outcome})
    stats = (await http.get("/api/bets/stats", headers=headers)).json()["stats"]
    assert stats == {
        "total_bets": 2,
        "wins": 1,
        "losses": 1,
        "win_rate": "50.00",
        "total_bet": "30.00",
        "total_won": "21.00",
        "net_profit": "-9.00",
        "roi_percent": "-30.00",
        "average_stake": "15.00",
        "biggest_win": "21.00",
        "biggest_loss": "20.00",
        "current_streak": -1,
        "longest_win_streak": 1,
        "longest_loss_streak": 1,
        "free_bets": 0,
        "free_bet_winnings": "0.00",
    }
    for bet_id in bets[:2]:  # let the wallet settle before the module ends
        for _ in range(100):
            if await wallet_db.hold_status(uuid.UUID(bet_id)) == "posted":
                break
            await asyncio.sleep(0.1)
