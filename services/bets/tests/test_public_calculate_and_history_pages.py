"""Issue #25: the bet slip's maths without a token; the history's seed pagination shape and its
``status=settled`` filter, over bets written by hand (one per status)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from services.bets.tests.builders import BetsDb
from sqlalchemy import insert

from bets.adapters.tables import bet
from bets.entrypoints.api.app import create_app


@pytest.fixture(scope="module")
async def http(bets_settings: Any, app_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(create_app(bets_settings(run_workers=False))) as client:
        yield client


def auth(token_issuer: Any, user_id: uuid.UUID) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issuer.issue(user_id=user_id, role='user')}"}


SEED_COUPON = [("bet_amount", "100"), *(("coefficient", c) for c in ("1.85", "2.10", "1.50"))]


async def test_calculate_answers_an_anonymous_visitor(http: httpx.AsyncClient) -> None:
    answer = await http.get("/api/bets/calculate", params=SEED_COUPON)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "success": True,
        "bet_type": "coupon",
        "bet_amount": "100.00",
        "total_coefficient": "5.83",
        "potential_win": "583.00",
    }
    single = await http.get(
        "/api/bets/calculate", params={"bet_amount": "3.33", "coefficient": "1.555"}
    )
    assert (single.status_code, single.json()["potential_win"]) == (200, "5.17")


async def test_calculate_ignores_a_token_valid_or_not(
    http: httpx.AsyncClient, token_issuer: Any
) -> None:
    """A signed-in slip gets the same figures; a stale or broken token does not break the slip."""
    anonymous = (await http.get("/api/bets/calculate", params=SEED_COUPON)).json()
    for headers in (
        auth(token_issuer, uuid.uuid4()),
        {"Authorization": f"Bearer {token_issuer.issue(ttl_s=-3600)}"},
        {"Authorization": "Bearer not-a-jwt"},
    ):
        answer = await http.get("/api/bets/calculate", params=SEED_COUPON, headers=headers)
        assert (answer.status_code, answer.json()) == (200, anonymous)


async def test_calculate_still_validates_its_query(http: httpx.AsyncClient) -> None:
    for params in (
        {"bet_amount": "10"},  # no coefficient
        {"bet_amount": "10", "coefficient": "1.00"},  # not above 1
        {"bet_amount": "-1", "coefficient": "2.0"},
        {"bet_amount": "10.001", "coefficient": "2.0"},  # sub-cent
    ):
        answer = await http.get("/api/bets/calculate", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.json()["error"]["code"] == "validation_error"


STATUSES = ("open", "rejected", "won", "lost", "void", "cancelled")
RESULTS = {"won": "won", "lost": "lost", "void": "void"}


async def hand_made_bets(db: BetsDb, user_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """One single per status for ``user_id``, a minute apart (the first status the oldest)."""
    start = datetime.now(UTC) - timedelta(hours=1)
    ids = {status: uuid.uuid4() for status in STATUSES}
    rows = [
        {
            "id": ids[status],
            "user_id": user_id,
            "bet_type": "single",
            "status": status,
            "stake_minor": 1_000 + i,
            "currency": "USD",
            "coefficient": "2.000",
            "potential_win_minor": 2 * (1_000 + i),
            "accept_odds_change": "none",
            "reason": "bet.insufficient_funds" if status == "rejected" else None,
            "result": RESULTS.get(status),
            "payout_minor": {"won": 2 * (1_000 + i), "lost": 0, "void": 1_000 + i}.get(status),
            "created_at": start + timedelta(minutes=i),
            "decided_at": start + timedelta(minutes=i),
            "settled_at": start + timedelta(minutes=i, seconds=30) if status in RESULTS else None,
        }
        for i, status in enumerate(STATUSES)
    ]
    async with db.engine.begin() as conn:
        await conn.execute(insert(bet), rows)
    return ids


async def test_history_answers_the_seed_pagination_shape(
    http: httpx.AsyncClient, bets_db: BetsDb, token_issuer: Any
) -> None:
    user_id = uuid.uuid4()
    ids = await hand_made_bets(bets_db, user_id)
    headers = auth(token_issuer, user_id)

    async def history(**params: Any) -> dict[str, Any]:
        answer = await http.get("/api/bets/history", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    first = await history(limit=4)
    assert first["pagination"] == {
        "total": 6,
        "limit": 4,
        "offset": 0,
        "total_items": 6,
        "items_per_page": 4,
        "current_page": 1,
        "total_pages": 2,
    }
    newest_first = [ids[s] for s in reversed(STATUSES)]
    assert [b["bet_id"] for b in first["bets"]] == [str(i) for i in newest_first[:4]]
    second = await history(limit=4, offset=4)
    assert (second["pagination"]["current_page"], second["pagination"]["total_pages"]) == (2, 2)
    assert [b["bet_id"] for b in second["bets"]] == [str(i) for i in newest_first[4:]]
    # Exactly full pages: 6 bets by 3 are 2 pages, by 6 one, by 1 six; the default page size.
    assert (await history(limit=3))["pagination"]["total_pages"] == 2
    assert (await history(limit=6))["pagination"]["total_pages"] == 1
    assert (await history(limit=1, offset=5))["pagination"]["current_page"] == 6
    assert (await history())["pagination"]["items_per_page"] == 20
    # Nothing matching: page 1 of 0 (as the wallet's history answers).
    nothing = await history(date_to="2000-01-01T00:00:00Z")
    assert (nothing["bets"], nothing["pagination"]["total_pages"]) == ([], 0)
    assert nothing["pagination"]["current_page"] == 1


async def test_status_settled_is_won_lost_or_void(
    http: httpx.AsyncClient, bets_db: BetsDb, token_issuer: Any
) -> None:
    user_id = uuid.uuid4()
    ids = await hand_made_bets(bets_db, user_id)
    headers = auth(token_issuer, user_id)
    for word in ("settled", "resolved"):
        answer = await http.get("/api/bets/history", params={"status": word}, headers=headers)
        assert answer.status_code == 200, answer.text
        found = answer.json()
        assert found["pagination"]["total"] == 3
        # Newest first; open, rejected and cancelled (never settled) are left out.
        assert [b["bet_id"] for b in found["bets"]] == [
            str(ids["void"]),
            str(ids["lost"]),
            str(ids["won"]),
        ]
        assert [b["result"] for b in found["bets"]] == ["void", "loss", "win"]
    # With ``result`` both apply; a single status still means that one.
    won = await http.get(
        "/api/bets/history", params={"status": "settled", "result": "win"}, headers=headers
    )
    assert [b["bet_id"] for b in won.json()["bets"]] == [str(ids["won"])]
    cancelled = await http.get("/api/bets/history", params={"status": "cancelled"}, headers=headers)
    assert [b["bet_id"] for b in cancelled.json()["bets"]] == [str(ids["cancelled"])]
    unknown = await http.get("/api/bets/history", params={"status": "finished"}, headers=headers)
    assert unknown.status_code == 422
    # Another user's settled bets are not in anyone else's answer.
    other = await http.get(
        "/api/bets/history", params={"status": "settled"}, headers=auth(token_issuer, uuid.uuid4())
    )
    assert other.json()["bets"] == []
