"""Admin endpoints over HTTP: volume and payout rate over a placement window, open liabilities
per event and selection (coupons counted at their worst case, lost coupons not at all), every
user's bets with filters; admins only."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_odds_changed,
    offer,
    open_bet,
    pay_out,
    settle_event,
)
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.entrypoints.api.app import create_app
from bets.service_layer import read_model, settlement
from common.contracts.events import EventCancelled


@dataclass
class Book:
    """What the module placed: its placement window, users, events and bets."""

    since: datetime
    users: tuple[uuid.UUID, uuid.UUID]
    events: dict[str, Any]
    odds: dict[str, uuid.UUID]
    bets: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
async def book(bets_db: BetsDb, wallet_db: WalletDb) -> Book:
    # A window of its own in the past, so the volume figures are this module's bets only.
    since = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(hours=random.randrange(100_000))
    at = since + timedelta(minutes=1)
    first = await make_wallet(wallet_db, balance_minor=100_000)
    second = await make_wallet(wallet_db, balance_minor=100_000)
    e1, s1 = await offer(bets_db, "2.10")
    s2 = make_odds_changed(
        e1.event_id, market_id=s1.market_id, selection="2", new_coefficient=Decimal("3.00")
    )
    await handle(bets_db, read_model.on_odds_changed, s2)
    e2, s3 = await offer(bets_db, "1.50")
    e3, s4 = await offer(bets_db, "2.00")
    e4, s5 = await offer(bets_db, "1.80")
    e5, s6 = await offer(bets_db, "2.50")

    async def place(user: uuid.UUID, legs: list[Any], stake: int) -> uuid.UUID:
        bet_id, _ = await open_bet(bets_db, wallet_db, user, [], stake, legs=legs, placed_at=at)
        return bet_id

    bets = {
        "A": await place(first, [(e1, s1)], 1_000),  # 2.10 -> 21.00
        "B": await place(second, [(e1, s2)], 500),  # 3.00 -> 15.00
        "C": await place(first, [(e1, s1), (e2, s3)], 1_000),  # 2.10 x 1.50 = 3.15 -> 31.50
        "D": await place(first, [(e2, s3), (e3, s4)], 1_000),  # lost on e3
        "F": await place(second, [(e4, s5), (e5, s6)], 1_000),  # e5 cancelled: 1.80 -> 18.00
    }
    await settle_event(bets_db, e3.event_id, {s4.odds_id: "lost"})
    await handle(
        bets_db,
        settlement.on_event_cancelled,
        EventCancelled(event_id=e5.event_id, reason="Abandoned"),
    )
    won_event, won_odds = await offer(bets_db, "2.00")
    lost_event, lost_odds = await offer(bets_db, "1.90")
    bets["G"] = await place(first, [(won_event, won_odds)], 1_000)
    bets["H"] = await place(second, [(lost_event, lost_odds)], 3_000)
    for event, odds, outcome, bet in (
        (won_event, won_odds, "won", "G"),
        (lost_event, lost_odds, "lost", "H"),
    ):
        await settle_event(bets_db, event.event_id, {odds.odds_id: outcome})
        await pay_out(bets_db, wallet_db, bets[bet])
    return Book(
        since=since,
        users=(first, second),
        events={"e1": e1.event_id, "e2": e2.event_id, "e3": e3.event_id, "e4": e4.event_id},
        odds={"s1": s1.odds_id, "s2": s2.odds_id, "s3": s3.odds_id, "s5": s5.odds_id},
        bets=bets,
    )


@pytest.fixture(scope="module")
async def http(bets_settings: Any, app_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(create_app(bets_settings(run_workers=False))) as client:
        yield client


def as_admin(token_issuer: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issuer.issue(user_id=uuid.uuid4(), role='admin')}"}


async def test_stats_volume_payout_rate_and_liabilities(
    http: httpx.AsyncClient, book: Book, token_issuer: Any
) -> None:
    answer = await http.get(
        "/api/bets/admin/stats",
        params={
            "date_from": book.since.isoformat(),
            "date_to": (book.since + timedelta(hours=1)).isoformat(),
            "limit": 500,
        },
        headers=as_admin(token_issuer),
    )
    assert answer.status_code == 200, answer.text
    stats = answer.json()["stats"]
    volume = stats["volume"]
    assert (volume["bets"], volume["stakes"], volume["singles"], volume["coupons"]) == (
        7,
        "85.00",
        4,
        3,
    )
    assert volume["by_status"] == {
        "lost": {"bets": 1, "stakes": "30.00"},
        "open": {"bets": 5, "stakes": "45.00"},
        "won": {"bets": 1, "stakes": "10.00"},
    }
    assert stats["settled"] == {
        "bets": 2,
        "stakes": "40.00",
        "payouts": "20.00",
        "payout_rate_percent": "50.00",
        "house_margin": "20.00",
    }
    liabilities = stats["open_liabilities"]
    by_event = {e["event_id"]: e for e in liabilities["by_event"]}
    by_selection = {s["odds_id"]: s for s in liabilities["by_selection"]}

    def event(name: str) -> tuple[int, str, str]:
        found = by_event[str(book.events[name])]
        return found["open_bets"], found["stakes"], found["worst_case_payout"]

    def selection(name: str) -> tuple[int, str, str]:
        found = by_selection[str(book.odds[name])]
        return found["open_bets"], found["stakes"], found["worst_case_payout"]

    assert event("e1") == (3, "25.00", "67.50")  # A 21.00 + B 15.00 + C 31.50
    assert selection("s1") == (2, "20.00", "52.50")  # A + C
    assert selection("s2") == (1, "5.00", "15.00")
    assert event("e2") == (1, "10.00", "31.50")  # C; D has a lost leg: nothing to pay
    assert selection("s3") == (1, "10.00", "31.50")
    assert event("e4") == (1, "10.00", "18.00")  # F with its cancelled leg at 1.00
    assert str(book.events["e3"]) not in by_event  # resolved: no open leg there
    # The total counts C once although it shows on e1 and e2.
    assert Decimal(liabilities["worst_case_payout"]) >= Decimal("85.50")

    everything = await http.get("/api/bets/admin/stats", headers=as_admin(token_issuer))
    assert everything.status_code == 200, everything.text
    assert everything.json()["stats"]["volume"]["bets"] >= 7  # no date range: every bet


async def test_bets_with_filters_and_paging(
    http: httpx.AsyncClient, book: Book, token_issuer: Any
) -> None:
    headers = as_admin(token_issuer)

    async def ids(**params: Any) -> tuple[set[str], int]:
        answer = await http.get("/api/bets/admin/bets", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return {b["bet_id"] for b in body["bets"]}, body["pagination"]["total"]

    def named(*names: str) -> set[str]:
        return {str(book.bets[n]) for n in names}

    first, second = book.users
    assert await ids(user_id=str(first)) == (named("A", "C", "D", "G"), 4)
    assert await ids(user_id=str(second), status="open") == (named("B", "F"), 2)
    assert await ids(event_id=str(book.events["e1"])) == (named("A", "B", "C"), 3)
    assert await ids(user_id=str(first), result="win") == (named("G"), 1)
    window = {
        "date_from": book.since.isoformat(),
        "date_to": (book.since + timedelta(hours=1)).isoformat(),
    }
    assert (await ids(**window))[1] == 7
    page, total = await ids(**window, limit=3, offset=6)
    assert (len(page), total) == (1, 7)
    one = await http.get(
        "/api/bets/admin/bets", params={"event_id": str(book.events["e2"])}, headers=headers
    )
    coupon = next(b for b in one.json()["bets"] if b["bet_id"] == str(book.bets["D"]))
    assert [leg["result"] for leg in coupon["legs"]] == [None, "loss"]


async def test_admin_only_and_bad_filters(
    http: httpx.AsyncClient, book: Book, token_issuer: Any
) -> None:
    user = {"Authorization": f"Bearer {token_issuer.issue(user_id=book.users[0], role='user')}"}
    for path in ("/api/bets/admin/stats", "/api/bets/admin/bets"):
        refused = await http.get(path, headers=user)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "auth.admin_required"
        assert (await http.get(path)).status_code == 401
    bad = await http.get(
        "/api/bets/admin/bets", params={"status": "maybe"}, headers=as_admin(token_issuer)
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]) == {"code", "message", "details"}
