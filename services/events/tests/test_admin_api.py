"""Admin calls: authorization, creation, markets, odds versions and history, statuses, deletion,
bad input — on real PostgreSQL, with the messages checked on the real broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import (
    Catalogue,
    add_market,
    assert_error,
    bet_leg,
    bet_placed,
    create_event,
    event_body,
    in_hours,
    odds_of,
)
from services.events.tests.conftest import Tap

from common.messaging.envelope import wrap
from common.testing.broker import publish_as_producers

ADMIN_CALLS = [
    ("POST", "/api/events/", {}),
    ("PUT", "/api/events/{id}", {}),
    ("DELETE", "/api/events/{id}", None),
    ("POST", "/api/events/{id}/markets", {}),
    ("PUT", "/api/events/{id}/odds/{odds}", {"coefficient": 2}),
    ("POST", "/api/events/{id}/markets/{market}/suspend", None),
    ("PATCH", "/api/events/{id}/markets/{market}", {"live_betting": True}),
    ("POST", "/api/events/{id}/odds/{odds}/suspend", None),
    ("POST", "/api/events/{id}/start", None),
    ("POST", "/api/events/{id}/score", {"home_score": 1, "away_score": 0}),
    ("POST", "/api/events/{id}/settle", {"home_score": 1, "away_score": 0}),
    ("POST", "/api/events/{id}/cancel", None),
    ("POST", "/api/events/{id}/postpone", None),
    ("POST", "/api/events/sports", {"name": "Curling"}),
    ("POST", "/api/events/leagues", {"sport": "x", "name": "y"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
async def test_admin_calls_need_an_admin_and_change_nothing_otherwise(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    user: dict[str, str],
    catalogue: Catalogue,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    event = await create_event(api, admin, catalogue)
    odds = event["odds"][0]
    url = path.format(id=event["event_id"], odds=odds["odds_id"], market=odds["market_id"])
    anonymous = await api.request(method, url, json=body)
    assert_error(anonymous, 401, "auth.invalid_token")
    as_user = await api.request(method, url, json=body, headers=user)
    assert_error(as_user, 403, "auth.admin_required")
    after = (await api.get(f"/api/events/{event['event_id']}")).json()["event"]
    assert after["status"] == "scheduled"
    assert after["revision"] == 1
    assert [o["version"] for o in after["odds"]] == [1, 1, 1]


async def test_create_answers_in_the_listing_shape_and_emits_created_market_and_odds(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    starts = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    answer = await api.post(
        "/api/events/",
        json=event_body(
            catalogue,
            home_team="Manchester United",
            away_team="Liverpool",
            event_datetime=starts.isoformat(),
            external_event_id=f"ext-{uuid.uuid4().hex}",
        ),
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    event = answer.json()["event"]
    assert event["sport"] == catalogue.sport
    assert event["league"] == catalogue.league
    assert event["event_name"] == "Manchester United \u2013 Liverpool"
    assert datetime.fromisoformat(event["event_datetime"]) == starts
    assert event["status"] == "scheduled"
    assert [(o["bet_type"], o["coefficient"]) for o in event["odds"]] == [
        ("1", 1.85),
        ("X", 3.4),
        ("2", 4.1),
    ]
    assert all(o["market"] == "1X2" and o["version"] == 1 for o in event["odds"])
    assert [m["market_type"] for m in event["markets"]] == ["1x2"]

    event_id = event["event_id"]
    (created,) = await tap.wait_for("EventCreated", event_id=event_id)
    assert created.payload["revision"] == 1
    assert created.payload["event_name"] == "Manchester United \u2013 Liverpool"
    assert created.payload["sport"].startswith("Sport ")
    await tap.wait_for("MarketChanged", event_id=event_id, status="open")
    changed = await tap.wait_for("OddsChanged", count=3, event_id=event_id)
    assert {(e.payload["selection"], e.payload["new_coefficient"]) for e in changed} == {
        ("1", "1.850"),
        ("X", "3.400"),
        ("2", "4.100"),
    }
    assert all(e.payload["old_coefficient"] is None for e in changed)
    assert all(e.payload["odds_version"] == 1 for e in changed)


async def test_sports_without_draws_get_a_two_way_winner_market(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> None:
    event = await create_event(
        api,
        admin,
        catalogue,
        odds=[{"bet_type": "1", "coefficient": 1.5}, {"bet_type": "2", "coefficient": 2.6}],
    )
    assert {o["market"] for o in event["odds"]} == {"Winner"}


async def test_odds_change_bumps_version_writes_history_and_emits_odds_changed(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    admin_id: uuid.UUID,
    catalogue: Catalogue,
    tap: Tap,
    pg: asyncpg.Connection,
) -> None:
    event = await create_event(api, admin, catalogue)
    home = odds_of(event, "1X2", "1")
    url = f"/api/events/{event['event_id']}/odds/{home['odds_id']}"

    answer = await api.put(url, json={"coefficient": "1.95"}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["odds"]["coefficient"] == 1.95
    assert answer.json()["odds"]["version"] == 2
    same = await api.put(url, json={"coefficient": 1.950}, headers=admin)  # no change: no version
    assert same.json()["odds"]["version"] == 2
    await api.put(url, json={"coefficient": 2.05}, headers=admin)

    rows = await pg.fetch(
        "SELECT old_coefficient, new_coefficient, version, changed_by FROM events.odds_history"
        " WHERE odds_id = $1 ORDER BY version",
        uuid.UUID(home["odds_id"]),
    )
    assert [(str(r[0]) if r[0] else None, str(r[1]), r[2], r[3]) for r in rows] == [
        (None, "1.850", 1, str(admin_id)),
        ("1.850", "1.950", 2, str(admin_id)),
        ("1.950", "2.050", 3, str(admin_id)),
    ]
    # version 1 (the new selection), then the two changes: wait for all three, not the first two
    published = await tap.wait_for("OddsChanged", count=3, odds_id=home["odds_id"], timeout_s=10)
    published = [e for e in published if e.payload["odds_version"] > 1]
    assert sorted(
        (e.payload["odds_version"], e.payload["old_coefficient"], e.payload["new_coefficient"])
        for e in tap.of("OddsChanged", odds_id=home["odds_id"])
        if e.payload["odds_version"] > 1
    ) == [(2, "1.850", "1.950"), (3, "1.950", "2.050")]
    assert all(e.payload["market"] == "1X2" for e in published)

    history = await api.get(f"/api/events/{event['event_id']}/odds-history")
    entries = [e for e in history.json()["history"] if e["odds_id"] == home["odds_id"]]
    assert [(e["version"], e["new_coefficient"], e["source"]) for e in entries] == [
        (3, 2.05, "admin"),
        (2, 1.95, "admin"),
        (1, 1.85, "admin"),
    ]
    assert all(e["changed_by"] is None for e in entries)  # who: admins only
    as_admin = await api.get(f"/api/events/{event['event_id']}/odds-history", headers=admin)
    assert {e["changed_by"] for e in as_admin.json()["history"]} == {str(admin_id)}


async def test_parallel_odds_changes_get_consecutive_versions(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, pg: asyncpg.Connection
) -> None:
    event = await create_event(api, admin, catalogue)
    draw = odds_of(event, "1X2", "X")
    url = f"/api/events/{event['event_id']}/odds/{draw['odds_id']}"
    answers = await asyncio.gather(
        *(api.put(url, json={"coefficient": 3 + i / 100}, headers=admin) for i in range(1, 9))
    )
    assert {a.status_code for a in answers} == {200}
    versions = await pg.fetch(
        "SELECT version FROM events.odds_history WHERE odds_id = $1 ORDER BY version",
        uuid.UUID(draw["odds_id"]),
    )
    assert [r[0] for r in versions] == list(range(1, 10))


async def test_markets_of_every_type_and_their_refusals(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event = await create_event(api, admin, catalogue)
    event_id = event["event_id"]
    await add_market(api, admin, event_id, "double_chance", {"1X": 1.2, "12": 1.3, "X2": 1.9})
    await add_market(api, admin, event_id, "total", {"over": 1.9, "under": 1.9}, line=2.5)
    await add_market(api, admin, event_id, "total", {"over": 2.4, "under": 1.5}, line=3)
    full = await add_market(api, admin, event_id, "btts", {"yes": 1.7, "no": 2.1})
    assert [m["market"] for m in full["markets"]] == [
        "1X2",
        "Double chance",
        "Total 2.5",
        "Total 3.0",
        "Both teams to score",
    ]
    assert len(full["odds"]) == 12
    await tap.wait_for("MarketChanged", count=5, event_id=event_id)

    url = f"/api/events/{event_id}/markets"
    again = await api.post(
        url,
        json={
            "market_type": "total",
            "line": "2.5",
            "odds": [
                {"bet_type": "over", "coefficient": 2},
                {"bet_type": "under", "coefficient": 2},
            ],
        },
        headers=admin,
    )
    assert_error(again, 409, "events.market_exists")
    partial = await api.post(
        url,
        json={"market_type": "double_chance", "odds": [{"bet_type": "1X", "coefficient": 2}]},
        headers=admin,
    )
    assert_error(partial, 422, "events.market_selections_invalid")
    unknown = await api.post(
        url,
        json={"market_type": "corners", "odds": [{"bet_type": "a", "coefficient": 2}]},
        headers=admin,
    )
    assert_error(unknown, 422, "events.market_type_unknown")
    quarter = await api.post(
        url,
        json={
            "market_type": "total",
            "line": 2.25,
            "odds": [
                {"bet_type": "over", "coefficient": 2},
                {"bet_type": "under", "coefficient": 2},
            ],
        },
        headers=admin,
    )
    assert_error(quarter, 422, "events.market_line_invalid")


async def test_suspending_a_market_and_a_selection(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event = await create_event(api, admin, catalogue)
    event_id, odds = event["event_id"], event["odds"][2]
    market_id = odds["market_id"]
    suspended = await api.post(f"/api/events/{event_id}/markets/{market_id}/suspend", headers=admin)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["event"]["markets"][0]["status"] == "suspended"
    await tap.wait_for("MarketChanged", market_id=market_id, status="suspended")
    resumed = await api.post(f"/api/events/{event_id}/markets/{market_id}/resume", headers=admin)
    assert resumed.json()["event"]["markets"][0]["status"] == "open"
    await tap.wait_for("MarketChanged", market_id=market_id, status="open", count=2)

    one = await api.post(f"/api/events/{event_id}/odds/{odds['odds_id']}/suspend", headers=admin)
    assert one.json()["odds"]["status"] == "suspended"
    assert one.json()["odds"]["version"] == 2
    changed = await tap.wait_for("OddsChanged", odds_id=odds["odds_id"], odds_version=2)
    assert changed[0].payload["old_coefficient"] == changed[0].payload["new_coefficient"]
    back = await api.post(f"/api/events/{event_id}/odds/{odds['odds_id']}/resume", headers=admin)
    assert (back.json()["odds"]["status"], back.json()["odds"]["version"]) == ("open", 3)


async def test_live_betting_is_set_at_creation_and_by_update_and_travels_in_market_changed(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event = await create_event(api, admin, catalogue)
    event_id = event["event_id"]
    main = event["markets"][0]
    assert main["live_betting"] is False
    assert {o["market_live_betting"] for o in event["odds"]} == {False}
    [created] = await tap.wait_for("MarketChanged", market_id=main["market_id"])
    assert created.payload["live_betting"] is False

    body = {
        "market_type": "btts",
        "odds": [{"bet_type": "yes", "coefficient": 1.7}, {"bet_type": "no", "coefficient": 2.1}],
        "live_betting": True,
    }
    answer = await api.post(f"/api/events/{event_id}/markets", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    btts = answer.json()["event"]["markets"][1]
    assert (btts["market"], btts["live_betting"]) == ("Both teams to score", True)
    await tap.wait_for("MarketChanged", market_id=btts["market_id"], live_betting=True)

    started = await api.post(f"/api/events/{event_id}/start", headers=admin)
    assert started.status_code == 200, started.text
    url = f"/api/events/{event_id}/markets/{main['market_id']}"
    live = await api.patch(url, json={"live_betting": True}, headers=admin)
    assert live.status_code == 200, live.text
    assert live.json()["event"]["markets"][0]["live_betting"] is True
    [changed] = await tap.wait_for("MarketChanged", market_id=main["market_id"], live_betting=True)
    assert changed.payload["status"] == "open"
    shown = (await api.get(f"/api/events/{event_id}")).json()["event"]
    assert shown["markets"][0]["live_betting"] is True
    assert odds_of(shown, "1X2", "1")["market_live_betting"] is True

    # The same value again: no new message; back off: one more.
    assert (await api.patch(url, json={"live_betting": True}, headers=admin)).status_code == 200
    off = await api.patch(url, json={"live_betting": False}, headers=admin)
    assert off.json()["event"]["markets"][0]["live_betting"] is False
    await tap.wait_for("MarketChanged", market_id=main["market_id"], count=3)
    await asyncio.sleep(0.2)
    flags = [
        e.payload["live_betting"] for e in tap.of("MarketChanged", market_id=main["market_id"])
    ]
    assert flags == [False, True, False]


async def test_live_betting_update_refusals(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> None:
    event = await create_event(api, admin, catalogue)
    url = f"/api/events/{event['event_id']}/markets/{event['markets'][0]['market_id']}"
    for bad in ({"live_betting": "yes"}, {"live_betting": None}, {}, {"other": True}):
        assert_error(await api.patch(url, json=bad, headers=admin), 422, "validation_error")
    unknown = f"/api/events/{event['event_id']}/markets/{uuid.uuid4()}"
    assert_error(
        await api.patch(unknown, json={"live_betting": True}, headers=admin),
        404,
        "events.market_not_found",
    )
    cancelled = await api.post(f"/api/events/{event['event_id']}/cancel", headers=admin)
    assert cancelled.status_code == 200, cancelled.text
    closed = await api.patch(url, json={"live_betting": True}, headers=admin)
    assert_error(closed, 409, "events.event_closed")


async def test_lifecycle_start_score_postpone_reschedule_cancel(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event = await create_event(api, admin, catalogue)
    base = f"/api/events/{event['event_id']}"
    assert_error(
        await api.post(f"{base}/score", json={"home_score": 1, "away_score": 0}, headers=admin),
        409,
        "events.transition_not_allowed",
    )
    started = await api.post(f"{base}/start", headers=admin)
    assert started.json()["event"]["status"] == "live"
    assert (started.json()["event"]["home_score"], started.json()["event"]["away_score"]) == (0, 0)
    scored = await api.post(
        f"{base}/score",
        json={"home_score": 1, "away_score": 0, "minute": 23, "period": "1st half"},
        headers=admin,
    )
    assert scored.json()["event"]["home_score"] == 1
    assert scored.json()["event"]["minute"] == 23
    await tap.wait_for("ScoreUpdated", event_id=event["event_id"], home_score=1, minute=23)

    postponed = await api.post(
        f"{base}/postpone", json={"reason": "Floodlight failure"}, headers=admin
    )
    assert postponed.json()["event"]["status"] == "postponed"
    assert postponed.json()["event"]["status_reason"] == "Floodlight failure"
    moved = await api.put(base, json={"event_datetime": in_hours(48)}, headers=admin)
    assert moved.json()["event"]["status"] == "scheduled"  # a new start time reschedules it

    cancelled = await api.post(
        f"{base}/cancel", json={"reason": "Pitch waterlogged"}, headers=admin
    )
    assert cancelled.json()["event"]["status"] == "cancelled"
    assert {o["outcome"] for o in cancelled.json()["event"]["odds"]} == {"void"}
    assert {m["status"] for m in cancelled.json()["event"]["markets"]} == {"closed"}
    (message,) = await tap.wait_for("EventCancelled", event_id=event["event_id"])
    assert message.payload["reason"] == "Pitch waterlogged"
    statuses = await tap.wait_for("EventStatusChanged", count=4, event_id=event["event_id"])
    assert [e.payload["status"] for e in statuses] == [
        "live",
        "postponed",
        "scheduled",
        "cancelled",
    ]
    updates = await tap.wait_for("EventUpdated", count=4, event_id=event["event_id"])
    assert [e.payload["revision"] for e in updates] == [2, 3, 4, 5]

    for call in ("start", "postpone", "cancel"):
        assert_error(
            await api.post(f"{base}/{call}", headers=admin), 409, "events.transition_not_allowed"
        )
    closed = await api.put(
        f"{base}/odds/{event['odds'][0]['odds_id']}", json={"coefficient": 2}, headers=admin
    )
    assert_error(closed, 409, "events.event_closed")


async def test_update_changes_the_snapshot_and_emits_event_updated(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event = await create_event(api, admin, catalogue)
    answer = await api.put(
        f"/api/events/{event['event_id']}",
        json={"home_team": "Real Madrid", "away_team": "Barcelona"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["event"]["event_name"] == "Real Madrid \u2013 Barcelona"
    (updated,) = await tap.wait_for("EventUpdated", event_id=event["event_id"])
    assert (updated.payload["revision"], updated.payload["home_team"]) == (2, "Real Madrid")


async def test_delete_only_without_bets(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    catalogue: Catalogue,
    tap: Tap,
    pg: asyncpg.Connection,
    events_app: Any,
) -> None:
    free = await create_event(api, admin, catalogue)
    deleted = await api.delete(f"/api/events/{free['event_id']}", headers=admin)
    assert deleted.status_code == 204
    assert (await api.get(f"/api/events/{free['event_id']}")).status_code == 404
    await tap.wait_for("EventCancelled", event_id=free["event_id"])

    taken = await create_event(api, admin, catalogue)
    bet = bet_placed(bet_leg(taken))
    settings = events_app[0].state.runtime.settings
    envelope = wrap(bet)
    # As bets' own broker user (events may not publish bets.* keys); twice: a redelivery.
    await publish_as_producers(settings.rabbitmq_url, settings.exchange_name, envelope, envelope)
    for _ in range(100):
        count = await pg.fetchval(
            "SELECT bet_count FROM events.event_bet_count WHERE event_id = $1",
            uuid.UUID(taken["event_id"]),
        )
        if count:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert (
        await pg.fetchval(
            "SELECT bet_count FROM events.event_bet_count WHERE event_id = $1",
            uuid.UUID(taken["event_id"]),
        )
        == 1
    )  # the redelivered copy changed nothing
    refused = await api.delete(f"/api/events/{taken['event_id']}", headers=admin)
    assert_error(refused, 409, "events.event_has_bets")
    assert (await api.get(f"/api/events/{taken['event_id']}")).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"sport": "underwater-chess"}, 422, "events.sport_unknown"),
        ({"league": "No Such League"}, 422, "events.league_unknown"),
        (
            {
                "odds": [
                    {"bet_type": "1", "coefficient": -1.5},
                    {"bet_type": "X", "coefficient": 3},
                    {"bet_type": "2", "coefficient": 3},
                ]
            },
            422,
            "validation_error",
        ),
        (
            {
                "odds": [
                    {"bet_type": "1", "coefficient": 1.0},
                    {"bet_type": "X", "coefficient": 3},
                    {"bet_type": "2", "coefficient": 3},
                ]
            },
            422,
            "validation_error",
        ),
        (
            {
                "odds": [
                    {"bet_type": "1", "coefficient": "1.00"},
                    {"bet_type": "X", "coefficient": 3},
                    {"bet_type": "2", "coefficient": 3},
                ]
            },
            422,
            "validation_error",
        ),
        (
            {
                "odds": [
                    {"bet_type": "1", "coefficient": "1.2345"},
                    {"bet_type": "X", "coefficient": 3},
                    {"bet_type": "2", "coefficient": 3},
                ]
            },
            422,
            "validation_error",
        ),
        (
            {"odds": [{"bet_type": "1", "coefficient": 1.5}, {"bet_type": "X", "coefficient": 3}]},
            422,
            "events.market_selections_invalid",
        ),
        ({"event_datetime": in_hours(-1)}, 422, "events.start_in_past"),
        ({"event_datetime": "2030-01-01T10:00:00"}, 422, "validation_error"),  # no time zone
        ({"home_team": "Same", "away_team": "same"}, 422, "events.teams_invalid"),
        ({"home_team": ""}, 422, "validation_error"),
        ({"unexpected": 1}, 422, "validation_error"),
    ],
)
async def test_bad_input_is_a_4xx_in_the_error_shape(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    catalogue: Catalogue,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    answer = await api.post("/api/events/", json=event_body(catalogue, **change), headers=admin)
    error = assert_error(answer, status, code)
    if code == "validation_error" and "odds" in change:
        assert error["details"][0]["type"] == "invalid_coefficient"


async def test_malformed_json_and_bad_odds_updates_are_4xx(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> None:
    malformed = await api.post(
        "/api/events/",
        content=b'{"sport": "football",',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert_error(malformed, 422, "validation_error")
    event = await create_event(api, admin, catalogue)
    url = f"/api/events/{event['event_id']}/odds/{event['odds'][0]['odds_id']}"
    for bad in (-2, 0.99, 1, "1.000", "abc", None):
        assert_error(
            await api.put(url, json={"coefficient": bad}, headers=admin), 422, "validation_error"
        )
    unknown = f"/api/events/{event['event_id']}/odds/{uuid.uuid4()}"
    assert_error(
        await api.put(unknown, json={"coefficient": 2}, headers=admin), 404, "events.odds_not_found"
    )
    missing = f"/api/events/{uuid.uuid4()}/start"
    assert_error(await api.post(missing, headers=admin), 404, "events.event_not_found")
    assert_error(await api.get("/api/events/not-a-uuid"), 422, "validation_error")
