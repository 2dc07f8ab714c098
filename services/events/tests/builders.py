"""Small builders for test data: a sport and league of the test's own, events, bodies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from common.contracts.bets import BetLeg, BetPlaced


@dataclass(frozen=True)
class Catalogue:
    sport: str  # slug
    sport_id: int
    league: str  # name
    league_id: int


async def make_catalogue(
    api: httpx.AsyncClient, admin: dict[str, str], *, leagues: int = 1
) -> list[Catalogue]:
    """A sport of the test's own (unique slug) with ``leagues`` leagues."""
    token = uuid.uuid4().hex[:8]
    answer = await api.post(
        "/api/events/sports", json={"name": f"Sport {token}", "icon": "⚽"}, headers=admin
    )
    assert answer.status_code == 201, answer.text
    sport = answer.json()["sport"]
    result = []
    for i in range(leagues):
        answer = await api.post(
            "/api/events/leagues",
            json={"sport": sport["slug"], "name": f"League {token} {i}"},
            headers=admin,
        )
        assert answer.status_code == 201, answer.text
        league = answer.json()["league"]
        result.append(
            Catalogue(sport["slug"], sport["sport_id"], league["name"], league["league_id"])
        )
    return result


def in_hours(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def event_body(catalogue: Catalogue, **overrides: Any) -> dict[str, Any]:
    token = uuid.uuid4().hex[:6]
    body: dict[str, Any] = {
        "sport": catalogue.sport,
        "league": catalogue.league,
        "home_team": f"Home {token}",
        "away_team": f"Away {token}",
        "event_datetime": in_hours(24),
        "odds": [
            {"bet_type": "1", "coefficient": 1.85},
            {"bet_type": "X", "coefficient": "3.40"},
            {"bet_type": "2", "coefficient": 4.1},
        ],
    }
    body.update(overrides)
    return body


async def create_event(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, **overrides: Any
) -> dict[str, Any]:
    answer = await api.post("/api/events/", json=event_body(catalogue, **overrides), headers=admin)
    assert answer.status_code == 201, answer.text
    event: dict[str, Any] = answer.json()["event"]
    return event


async def add_market(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    event_id: str,
    market_type: str,
    prices: dict[str, float],
    line: float | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "market_type": market_type,
        "odds": [{"bet_type": k, "coefficient": v} for k, v in prices.items()],
    }
    if line is not None:
        body["line"] = line
    answer = await api.post(f"/api/events/{event_id}/markets", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    event: dict[str, Any] = answer.json()["event"]
    return event


def odds_of(event: dict[str, Any], market: str, bet_type: str) -> dict[str, Any]:
    return next(o for o in event["odds"] if o["market"] == market and o["bet_type"] == bet_type)


def assert_error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]


def bet_leg(event: dict[str, Any]) -> BetLeg:
    """A leg on the event's first price (1X2 "1")."""
    return BetLeg(
        event_id=event["event_id"],
        event_name=event["event_name"],
        market="1X2",
        selection="1",
        coefficient=event["odds"][0]["coefficient"],
        odds_id=event["odds"][0]["odds_id"],
    )


def bet_placed(*legs: BetLeg) -> BetPlaced:
    """``bets.BetPlaced`` as the bets service sends it: a single, or a coupon of the legs."""
    return BetPlaced(
        bet_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        bet_type="coupon" if len(legs) > 1 else "single",
        stake_minor=100,
        currency="USD",
        coefficient=legs[0].coefficient,
        potential_win_minor=200,
        legs=list(legs),
        placed_at=datetime.now(UTC),
    )
