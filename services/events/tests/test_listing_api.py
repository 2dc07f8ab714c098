"""Listing, filters, pagination, shortcuts, sports/leagues counts and caching, on known data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from services.events.tests.builders import Catalogue, assert_error, create_event, make_catalogue
from sqlalchemy import event as sa_event

DAY0 = (datetime.now(UTC) + timedelta(days=10)).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
async def known(api: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """A sport of its own: league A with 7 events (days 0..6), league B with 3 (days 0..2);
    A's events on days 0 and 1 go live, B's on day 2 is cancelled."""
    league_a, league_b = await make_catalogue(api, admin, leagues=2)
    created: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    teams_a = ["Arsenal", "Chelsea", "Everton", "Fulham", "Burnley", "Wolves", "Brentford"]
    for day, home in enumerate(teams_a):
        created["a"].append(
            await create_event(
                api,
                admin,
                league_a,
                home_team=home,
                away_team=f"Real Madrid {day}",
                event_datetime=(DAY0 + timedelta(days=day)).isoformat(),
            )
        )
    for day in range(3):
        created["b"].append(
            await create_event(
                api,
                admin,
                league_b,
                home_team=f"Lakers {day}",
                away_team="Celtics",
                event_datetime=(DAY0 + timedelta(days=day, hours=1)).isoformat(),
            )
        )
    for event in created["a"][:2]:
        assert (
            await api.post(f"/api/events/{event['event_id']}/start", headers=admin)
        ).status_code == 200
    await api.post(f"/api/events/{created['b'][2]['event_id']}/cancel", headers=admin)
    return {"a": league_a, "b": league_b, "events": created}


def names(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [e["home_team"] for e in answer.json()["events"]]


async def test_filters_by_sport_league_status_and_search(
    api: httpx.AsyncClient, known: dict[str, Any]
) -> None:
    a: Catalogue = known["a"]
    b: Catalogue = known["b"]
    everything = await api.get("/api/events/", params={"sport": a.sport, "limit": 100})
    assert everything.json()["total"] == 10
    starts = [e["event_datetime"] for e in everything.json()["events"]]
    assert starts == sorted(starts)  # by start time

    assert names(await api.get("/api/events/", params={"sport": a.sport, "league": a.league})) == [
        "Arsenal",
        "Chelsea",
        "Everton",
        "Fulham",
        "Burnley",
        "Wolves",
        "Brentford",
    ]
    by_id = await api.get(
        "/api/events/", params={"sport": str(a.sport_id), "league": str(b.league_id)}
    )
    assert names(by_id) == ["Lakers 0", "Lakers 1", "Lakers 2"]
    live = await api.get("/api/events/", params={"sport": a.sport, "status": "live"})
    assert names(live) == ["Arsenal", "Chelsea"]
    several = await api.get("/api/events/", params={"sport": a.sport, "status": "live,cancelled"})
    assert names(several) == ["Arsenal", "Chelsea", "Lakers 2"]
    searched = await api.get("/api/events/", params={"sport": a.sport, "search": "real mad"})
    assert len(names(searched)) == 7
    prefix = await api.get("/api/events/", params={"sport": a.sport, "search": "CELT"})
    assert names(prefix) == ["Lakers 0", "Lakers 1", "Lakers 2"]
    no_slash = await api.get("/api/events", params={"sport": a.sport, "status": "live"})
    assert names(no_slash) == ["Arsenal", "Chelsea"]  # answered, not redirected
    nothing = await api.get("/api/events/", params={"sport": a.sport, "search": "Juventus"})
    assert names(nothing) == []
    assert nothing.json()["total"] == 0
    unknown_sport = await api.get("/api/events/", params={"sport": "no-such-sport"})
    assert unknown_sport.json()["total"] == 0


async def test_date_range_filters(api: httpx.AsyncClient, known: dict[str, Any]) -> None:
    a: Catalogue = known["a"]
    day = lambda n: (DAY0 + timedelta(days=n)).date().isoformat()  # noqa: E731
    whole_days = await api.get(
        "/api/events/",
        params={"sport": a.sport, "league": a.league, "date_from": day(2), "date_to": day(4)},
    )
    assert names(whole_days) == ["Everton", "Fulham", "Burnley"]
    exact = await api.get(
        "/api/events/",
        params={
            "sport": a.sport,
            "date_from": (DAY0 + timedelta(days=1)).isoformat(),
            "date_to": (DAY0 + timedelta(days=1, hours=1)).isoformat(),
        },
    )
    assert names(exact) == ["Chelsea", "Lakers 1"]  # both bounds inclusive
    bad = await api.get("/api/events/", params={"date_from": "yesterday"})
    assert_error(bad, 422, "validation_error")
    assert_error(
        await api.get("/api/events/", params={"status": "paused"}), 422, "validation_error"
    )


async def test_pagination_pages_and_total(api: httpx.AsyncClient, known: dict[str, Any]) -> None:
    a: Catalogue = known["a"]
    seen: list[str] = []
    for page in (1, 2, 3):
        answer = await api.get("/api/events/", params={"sport": a.sport, "limit": 4, "page": page})
        body = answer.json()
        assert (body["total"], body["page"], body["limit"], body["pages"]) == (10, page, 4, 3)
        seen += [e["event_id"] for e in body["events"]]
    assert len(seen) == len(set(seen)) == 10
    past_end = (
        await api.get("/api/events/", params={"sport": a.sport, "limit": 4, "page": 9})
    ).json()
    assert (past_end["events"], past_end["total"], past_end["pages"]) == ([], 10, 3)
    for bad in ({"page": 0}, {"limit": 0}, {"limit": 101}, {"page": "x"}):
        assert_error(await api.get("/api/events/", params=bad), 422, "validation_error")


async def test_shortcuts_by_sport_by_league_and_live(
    api: httpx.AsyncClient, known: dict[str, Any]
) -> None:
    a: Catalogue = known["a"]
    b: Catalogue = known["b"]
    for ref in (a.sport, str(a.sport_id), a.sport.replace("sport-", "Sport ")):
        answer = await api.get(f"/api/events/by-sport/{ref}", params={"limit": 100})
        assert answer.json()["total"] == 10, ref
    assert_error(await api.get("/api/events/by-sport/quidditch"), 404, "events.sport_not_found")
    assert names(await api.get(f"/api/events/by-league/{b.league_id}")) == [
        "Lakers 0",
        "Lakers 1",
        "Lakers 2",
    ]
    assert_error(await api.get("/api/events/by-league/999999"), 404, "events.league_not_found")
    live = await api.get("/api/events/live", params={"sport": a.sport})
    assert names(live) == ["Arsenal", "Chelsea"]
    assert {
        e["status"]
        for e in (await api.get("/api/events/live", params={"limit": 100})).json()["events"]
    } == {"live"}


async def test_event_detail_has_markets_odds_and_score(
    api: httpx.AsyncClient, known: dict[str, Any]
) -> None:
    arsenal = known["events"]["a"][0]
    event = (await api.get(f"/api/events/{arsenal['event_id']}")).json()["event"]
    assert (event["status"], event["home_score"], event["away_score"]) == ("live", 0, 0)
    assert event["markets"][0]["market"] == "1X2"
    assert [o["bet_type"] for o in event["markets"][0]["odds"]] == ["1", "X", "2"]
    assert_error(
        await api.get("/api/events/00000000-0000-0000-0000-000000000000"),
        404,
        "events.event_not_found",
    )


async def test_sports_and_leagues_carry_event_counts(
    api: httpx.AsyncClient, known: dict[str, Any]
) -> None:
    a: Catalogue = known["a"]
    sports = {s["slug"]: s for s in (await api.get("/api/events/sports")).json()["sports"]}
    mine = sports[a.sport]
    assert (mine["event_count"], mine["live_count"], mine["upcoming_count"]) == (10, 2, 7)
    assert mine["label"] == "⚽ 10 events"
    leagues = (await api.get("/api/events/leagues", params={"sport": a.sport})).json()["leagues"]
    assert [(lg["name"], lg["event_count"]) for lg in leagues] == [
        (known["a"].league, 7),
        (known["b"].league, 3),
    ]


async def test_a_page_costs_two_queries_whatever_its_size(
    api: httpx.AsyncClient, known: dict[str, Any], events_app: Any
) -> None:
    engine = events_app[0].state.runtime.engine.sync_engine
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "events.event" in statement or "events.odds" in statement:
            statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        for limit in (2, 10):
            statements.clear()
            answer = await api.get(
                "/api/events/", params={"sport": known["a"].sport, "limit": limit}
            )
            assert len(answer.json()["events"]) == limit
            assert len(statements) == 2, statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


async def test_anonymous_reads_are_cacheable_with_etag_and_304(
    api: httpx.AsyncClient, known: dict[str, Any], user: dict[str, str]
) -> None:
    params = {"sport": known["a"].sport}
    first = await api.get("/api/events/", params=params)
    assert first.headers["cache-control"] == "public, max-age=5"
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = await api.get("/api/events/", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await api.get(
        "/api/events/", params={**params, "limit": 3}, headers={"If-None-Match": etag}
    )
    assert other.status_code == 200
    signed_in = await api.get("/api/events/", params=params, headers=user)
    assert signed_in.headers["cache-control"] == "private, no-cache"
    for path in (
        "/api/events/sports",
        "/api/events/leagues",
        "/api/events/live",
        f"/api/events/{known['events']['a'][0]['event_id']}",
    ):
        answer = await api.get(path)
        assert answer.headers["cache-control"] == "public, max-age=5", path
        assert (
            await api.get(path, headers={"If-None-Match": answer.headers["etag"]})
        ).status_code == 304


async def test_etag_changes_when_the_odds_change(
    api: httpx.AsyncClient, known: dict[str, Any], admin: dict[str, str]
) -> None:
    event = known["events"]["a"][6]
    path = f"/api/events/{event['event_id']}"
    before = (await api.get(path)).headers["etag"]
    await api.put(
        f"{path}/odds/{event['odds'][0]['odds_id']}", json={"coefficient": 9.5}, headers=admin
    )
    after = await api.get(path, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["etag"] != before


async def test_openapi_documents_every_events_call(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    assert {
        "/api/events/",
        "/api/events/{event_id}/odds/{odds_id}",
        "/api/events/{event_id}/settle",
        "/api/webhook/events",
    } <= spec["paths"].keys()
