"""The events admin audit trail (issue #25 item 7): one row per admin action with what it
changed, written in the action's transaction; the feed's changes under actor ``feed``; the
admin route's filters."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from services.events.tests.builders import (
    Catalogue,
    add_market,
    assert_error,
    create_event,
    event_body,
    in_hours,
    odds_of,
)
from services.events.tests.conftest import FEED_SECRET
from sqlalchemy import text

from events.domain.feed import signature_header
from events.service_layer import handlers
from events.service_layer.audit import Actor, AuditAction, changes, recorded

TRAIL = "/api/events/admin/audit"


async def last_id(pg: asyncpg.Connection) -> int:
    return int(await pg.fetchval("SELECT coalesce(max(id), 0) FROM events.admin_audit"))


async def rows_since(pg: asyncpg.Connection, since: int) -> list[dict[str, Any]]:
    rows = await pg.fetch("SELECT * FROM events.admin_audit WHERE id > $1 ORDER BY id", since)
    found = []
    for r in rows:
        row = dict(r)
        for name in ("before", "after", "details"):
            row[name] = None if row[name] is None else json.loads(row[name])
        found.append(row)
    return found


class Recorder:
    """Runs one admin call and returns the one audit row it wrote (asserting it is one)."""

    def __init__(self, api: httpx.AsyncClient, admin: dict[str, str], pg: asyncpg.Connection):
        self.api, self.pg = api, pg
        self.headers = {**admin, "User-Agent": "audit-test/1.0", "X-Request-Id": "audit-req-1"}

    async def __call__(
        self, method: str, url: str, body: Any = None, status: int = 200
    ) -> tuple[httpx.Response, dict[str, Any]]:
        since = await last_id(self.pg)
        answer = await self.api.request(method, url, json=body, headers=self.headers)
        assert answer.status_code == status, answer.text
        [row] = await rows_since(self.pg, since)
        return answer, row


async def test_each_admin_action_writes_one_row_with_what_it_changed(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    admin_id: uuid.UUID,
    pg: asyncpg.Connection,
    catalogue: Catalogue,
) -> None:
    call = Recorder(api, admin, pg)

    # create: nothing before, the whole event after
    answer, row = await call("POST", "/api/events/", event_body(catalogue), 201)
    event = answer.json()["event"]
    event_id = event["event_id"]
    home = odds_of(event, "1X2", "1")
    assert (row["actor"], row["action"], str(row["event_id"])) == (
        str(admin_id),
        "event.create",
        event_id,
    )
    assert (row["request_id"], row["ip"], row["user_agent"]) == (
        "audit-req-1",
        "127.0.0.1",
        "audit-test/1.0",
    )
    assert row["before"] is None
    assert row["after"]["status"] == "scheduled"
    assert row["after"]["odds"][home["odds_id"]]["coefficient"] == "1.850"
    assert len(row["after"]["odds"]) == 3
    base = f"/api/events/{event_id}"

    # update: only the team that changed
    _, row = await call("PUT", base, {"home_team": f"Renamed {event_id[:6]}"})
    assert row["action"] == "event.update"
    assert row["before"] == {"home_team": event["home_team"]}
    assert row["after"] == {"home_team": f"Renamed {event_id[:6]}"}

    # odds: the price and the version, on that selection
    odds_url = f"{base}/odds/{home['odds_id']}"
    _, row = await call("PUT", odds_url, {"coefficient": 2.25})
    assert (row["action"], str(row["odds_id"]), str(row["market_id"])) == (
        "odds.set",
        home["odds_id"],
        home["market_id"],
    )
    assert row["before"] == {"odds": {home["odds_id"]: {"coefficient": "1.850", "version": 1}}}
    assert row["after"] == {"odds": {home["odds_id"]: {"coefficient": "2.250", "version": 2}}}
    # the same price again: recorded, nothing changed
    _, row = await call("PUT", odds_url, {"coefficient": "2.25"})
    assert (row["action"], row["before"], row["after"]) == ("odds.set", {}, {})

    # a new market: its id, the market and its selections after, nothing of them before
    answer, row = await call(
        "POST",
        f"{base}/markets",
        {
            "market_type": "btts",
            "odds": [
                {"bet_type": "yes", "coefficient": 1.8},
                {"bet_type": "no", "coefficient": 2.0},
            ],
        },
        201,
    )
    market_id = odds_of(answer.json()["event"], "Both teams to score", "yes")["market_id"]
    assert (row["action"], str(row["market_id"])) == ("market.create", market_id)
    assert row["before"] == {"markets": {}, "odds": {}}
    assert row["after"]["markets"] == {
        market_id: {"market_type": "btts", "line": None, "status": "open", "live_betting": False}
    }
    assert sorted(o["coefficient"] for o in row["after"]["odds"].values()) == ["1.800", "2.000"]

    market = f"{base}/markets/{market_id}"
    _, row = await call("PATCH", market, {"live_betting": True})
    assert (row["action"], row["before"], row["after"]) == (
        "market.update",
        {"markets": {market_id: {"live_betting": False}}},
        {"markets": {market_id: {"live_betting": True}}},
    )
    for action, path, old, new in (
        ("market.suspend", "suspend", "open", "suspended"),
        ("market.resume", "resume", "suspended", "open"),
    ):
        _, row = await call("POST", f"{market}/{path}")
        assert (row["action"], str(row["market_id"])) == (action, market_id)
        assert row["before"] == {"markets": {market_id: {"status": old}}}
        assert row["after"] == {"markets": {market_id: {"status": new}}}
    for action, path, old, new, version in (
        ("odds.suspend", "suspend", "open", "suspended", 3),
        ("odds.resume", "resume", "suspended", "open", 4),
    ):
        _, row = await call("POST", f"{odds_url}/{path}")
        assert (row["action"], str(row["odds_id"])) == (action, home["odds_id"])
        assert row["before"] == {"odds": {home["odds_id"]: {"status": old, "version": version - 1}}}
        assert row["after"] == {"odds": {home["odds_id"]: {"status": new, "version": version}}}

    _, row = await call("POST", f"{base}/postpone", {"reason": "Floodlights"})
    assert row["action"] == "event.postpone"
    assert row["before"] == {"status": "scheduled", "status_reason": None}
    assert row["after"] == {"status": "postponed", "status_reason": "Floodlights"}
    new_start = in_hours(48)
    _, row = await call("POST", f"{base}/reschedule", {"event_datetime": new_start})
    assert row["action"] == "event.reschedule"
    assert (row["before"]["status"], row["after"]["status"]) == ("postponed", "scheduled")
    assert datetime.fromisoformat(row["after"]["starts_at"]) == datetime.fromisoformat(new_start)

    _, row = await call("POST", f"{base}/start")
    assert (row["action"], row["before"], row["after"]) == (
        "event.start",
        {"status": "scheduled", "home_score": None, "away_score": None},
        {"status": "live", "home_score": 0, "away_score": 0},
    )
    _, row = await call("POST", f"{base}/score", {"home_score": 2, "away_score": 1, "minute": 61})
    assert (row["action"], row["before"], row["after"]) == (
        "event.score",
        {"home_score": 0, "away_score": 0, "minute": None},
        {"home_score": 2, "away_score": 1, "minute": 61},
    )

    # settle: status, version, every selection's outcome, the markets closed
    _, row = await call("POST", f"{base}/settle", {"home_score": 2, "away_score": 1})
    assert (row["action"], row["details"]) == ("event.settle", None)
    assert (row["before"]["status"], row["after"]["status"]) == ("live", "finished")
    assert (row["before"]["settlement_version"], row["after"]["settlement_version"]) == (0, 1)
    assert row["after"]["odds"][home["odds_id"]] == {"outcome": "won"}
    assert row["before"]["odds"][home["odds_id"]] == {"outcome": None}
    assert {m["status"] for m in row["after"]["markets"].values()} == {"closed"}
    # resettle: what the correction changed, with its reason
    _, row = await call(
        "POST",
        f"{base}/settle",
        {"home_score": 1, "away_score": 1, "force": True, "reason": "Goal disallowed"},
    )
    assert row["action"] == "event.resettle"
    assert row["details"] == {"force": True, "reason": "Goal disallowed"}
    assert row["before"]["home_score"] == 2
    assert row["after"]["home_score"] == 1
    assert (row["before"]["settlement_version"], row["after"]["settlement_version"]) == (1, 2)
    assert row["after"]["odds"][home["odds_id"]] == {"outcome": "lost"}
    assert "status" not in row["after"]

    # cancel, delete
    other = await create_event(api, admin, catalogue)
    _, row = await call("POST", f"/api/events/{other['event_id']}/cancel", {"reason": "Storm"})
    assert row["action"] == "event.cancel"
    assert row["after"]["status"] == "cancelled"
    assert row["after"]["status_reason"] == "Storm"
    assert {o["outcome"] for o in row["after"]["odds"].values()} == {"void"}
    gone = await create_event(api, admin, catalogue)
    _, row = await call("DELETE", f"/api/events/{gone['event_id']}", status=204)
    assert (row["action"], str(row["event_id"]), row["after"]) == (
        "event.delete",
        gone["event_id"],
        None,
    )
    assert row["before"]["home_team"] == gone["home_team"]


async def test_sports_and_leagues_are_recorded(
    api: httpx.AsyncClient, admin: dict[str, str], admin_id: uuid.UUID, pg: asyncpg.Connection
) -> None:
    call = Recorder(api, admin, pg)
    name = f"Audit Sport {uuid.uuid4().hex[:6]}"
    answer, row = await call("POST", "/api/events/sports", {"name": name, "icon": "x"}, 201)
    sport = answer.json()["sport"]
    assert (row["actor"], row["action"], row["event_id"], row["before"]) == (
        str(admin_id),
        "sport.create",
        None,
        None,
    )
    assert row["after"]["sport_id"] == sport["sport_id"]
    assert (row["after"]["name"], row["after"]["icon"]) == (name, "x")
    # the same slug again updates the icon: recorded as that change
    _, row = await call("POST", "/api/events/sports", {"name": name, "icon": "y"}, 201)
    assert (row["before"], row["after"]) == ({"icon": "x"}, {"icon": "y"})
    answer, row = await call(
        "POST", "/api/events/leagues", {"sport": sport["slug"], "name": "Audit League"}, 201
    )
    assert (row["action"], row["before"]) == ("league.create", None)
    assert row["after"]["league_id"] == answer.json()["league"]["league_id"]
    assert row["after"]["sport_id"] == sport["sport_id"]


async def test_a_refused_or_rolled_back_write_leaves_no_row(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    pg: asyncpg.Connection,
    catalogue: Catalogue,
    events_app: tuple[Any, httpx.AsyncClient],
) -> None:
    event = await create_event(api, admin, catalogue)
    since = await last_id(pg)
    base = f"/api/events/{event['event_id']}"
    refused = [
        await api.post(f"{base}/score", json={"home_score": 1, "away_score": 0}, headers=admin),
        await api.post(f"{base}/reschedule", headers=admin),
        await api.put(f"/api/events/{uuid.uuid4()}", json={"home_team": "X"}, headers=admin),
        await api.put(
            f"{base}/odds/{event['odds'][0]['odds_id']}",
            json={"coefficient": "1.00"},
            headers=admin,
        ),
    ]
    assert [a.status_code for a in refused] == [409, 409, 404, 422]
    assert await rows_since(pg, since) == []

    # The row is written inside the unit of work: not committed, nothing is left.
    wiring = events_app[0].state.wiring
    async with wiring.uow() as uow:
        async with recorded(
            uow, Actor("someone"), AuditAction.event_start, event_id=uuid.UUID(event["event_id"])
        ):
            await handlers.start_event(uow, uuid.UUID(event["event_id"]))
        seen = await uow.db.scalar(
            COUNT_SINCE, {"event_id": uuid.UUID(event["event_id"]), "since": since}
        )
        assert seen == 1  # written in this transaction…
    assert await rows_since(pg, since) == []  # …and rolled back with it
    status = (await api.get(base)).json()["event"]["status"]
    assert status == "scheduled"


COUNT_SINCE = text(
    "SELECT count(*) FROM events.admin_audit WHERE event_id = :event_id AND id > :since"
)


async def _feed(api: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    raw = json.dumps(body).encode()
    return await api.post(
        "/api/webhook/events",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Feed-Signature": signature_header(FEED_SECRET, int(time.time()), raw),
            "User-Agent": "provider/2",
        },
    )


def _message(external: str, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "feed_message_id": f"audit-{uuid.uuid4().hex}",
        "type": type_,
        "external_event_id": external,
        "sent_at": datetime.now(UTC).isoformat(),
        "data": data,
    }


async def test_feed_changes_are_recorded_as_actor_feed(
    api: httpx.AsyncClient, admin: dict[str, str], pg: asyncpg.Connection, catalogue: Catalogue
) -> None:
    external = f"audit-{uuid.uuid4().hex[:10]}"
    event = await create_event(api, admin, catalogue, external_event_id=external)
    await add_market(api, admin, event["event_id"], "total", {"over": 1.9, "under": 1.9}, line=2.5)
    home = odds_of(event, "1X2", "1")
    since = await last_id(pg)
    messages = [
        _message(
            external,
            "odds",
            {"odds": [{"market_type": "1x2", "selection": "1", "coefficient": 1.7}]},
        ),
        _message(
            external,
            "odds",
            {
                "odds": [
                    {"market_type": "total", "line": 2.5, "selection": "over", "coefficient": 2.0},
                    {"market_type": "total", "line": 2.5, "selection": "under", "coefficient": 1.8},
                ]
            },
        ),
        _message(external, "status", {"status": "live"}),
        _message(external, "score", {"home_score": 1, "away_score": 0}),
        _message(external, "result", {"home_score": 1, "away_score": 0}),
        _message(external, "result", {"home_score": 0, "away_score": 0, "corrected": True}),
    ]
    for body in messages:
        answer = await _feed(api, body)
        assert answer.status_code == 200, answer.text
    replay = await _feed(api, messages[0])
    assert replay.status_code == 409
    rows = await rows_since(pg, since)
    assert [(r["actor"], r["action"]) for r in rows] == [
        ("feed", "odds.set"),
        ("feed", "odds.set"),
        ("feed", "event.start"),
        ("feed", "event.score"),
        ("feed", "event.settle"),
        ("feed", "event.resettle"),
    ]
    assert [r["details"]["feed_message_id"] for r in rows] == [
        m["feed_message_id"] for m in messages
    ]
    assert {str(r["event_id"]) for r in rows} == {event["event_id"]}
    assert {(r["ip"], r["user_agent"]) for r in rows} == {("127.0.0.1", "provider/2")}
    one_price, two_prices = rows[0], rows[1]
    assert (str(one_price["odds_id"]), str(one_price["market_id"])) == (
        home["odds_id"],
        home["market_id"],
    )
    assert one_price["before"] == {
        "odds": {home["odds_id"]: {"coefficient": "1.850", "version": 1}}
    }
    assert one_price["after"] == {"odds": {home["odds_id"]: {"coefficient": "1.700", "version": 2}}}
    assert two_prices["odds_id"] is None  # several selections: their ids are in before/after
    assert len(two_prices["after"]["odds"]) == 2
    assert (rows[2]["before"]["status"], rows[2]["after"]["status"]) == ("scheduled", "live")
    assert (rows[5]["before"]["home_score"], rows[5]["after"]["home_score"]) == (1, 0)


async def test_the_trail_route_filters_and_pages_for_admins_only(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    admin_id: uuid.UUID,
    user: dict[str, str],
    catalogue: Catalogue,
    token_issuer: Any,
) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    event = await create_event(api, admin, catalogue)
    base = f"/api/events/{event['event_id']}"
    await api.post(f"{base}/postpone", headers=admin)
    second_admin_id = uuid.uuid4()
    second = {
        "Authorization": f"Bearer {token_issuer.issue(role='admin', user_id=second_admin_id)}"
    }
    assert (await api.post(f"{base}/reschedule", headers=second)).status_code == 200

    async def trail(**params: Any) -> dict[str, Any]:
        answer = await api.get(TRAIL, params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    mine = await trail(event_id=event["event_id"])
    assert [e["action"] for e in mine["entries"]] == [
        "event.reschedule",
        "event.postpone",
        "event.create",
    ]
    assert mine["pagination"] == {"total": 3, "limit": 50, "offset": 0}
    assert [e["actor"] for e in mine["entries"]] == [
        str(second_admin_id),
        str(admin_id),
        str(admin_id),
    ]
    newest = mine["entries"][0]
    assert set(newest) >= {"audit_id", "at", "before", "after", "request_id", "ip", "user_agent"}
    by_second = await trail(actor=str(second_admin_id))
    assert [e["action"] for e in by_second["entries"]] == ["event.reschedule"]
    postponed = await trail(event_id=event["event_id"], action="event.postpone")
    assert [e["audit_id"] for e in postponed["entries"]] == [mine["entries"][1]["audit_id"]]
    page = await trail(event_id=event["event_id"], limit=1, offset=1)
    assert [e["action"] for e in page["entries"]] == ["event.postpone"]
    assert page["pagination"] == {"total": 3, "limit": 1, "offset": 1}
    window = await trail(event_id=event["event_id"], **{"from": started.isoformat()})
    assert window["pagination"]["total"] == 3
    before = await trail(event_id=event["event_id"], to=started.isoformat())
    assert before["entries"] == []

    assert_error(await api.get(TRAIL), 401, "auth.invalid_token")
    assert_error(await api.get(TRAIL, headers=user), 403, "auth.admin_required")
    assert (await api.get(TRAIL, params={"action": "odds.steal"}, headers=admin)).status_code == 422
    assert (await api.get(TRAIL, params={"limit": 0}, headers=admin)).status_code == 422
    naive = await api.get(TRAIL, params={"from": "2026-01-01T00:00:00"}, headers=admin)
    assert naive.status_code == 422


def test_changes_keep_only_what_differs() -> None:
    before = {"status": "live", "score": 1, "odds": {"a": {"c": "2.0", "v": 1}, "b": {"c": "3"}}}
    after = {
        "status": "live",
        "score": 2,
        "odds": {"a": {"c": "2.5", "v": 2}, "b": {"c": "3"}, "n": {"c": "4"}},
    }
    assert changes(before, after) == (
        {"score": 1, "odds": {"a": {"c": "2.0", "v": 1}}},
        {"score": 2, "odds": {"a": {"c": "2.5", "v": 2}, "n": {"c": "4"}}},
    )
    assert changes(None, after) == (None, after)
    assert changes(before, None) == (before, None)
    assert changes(before, before) == ({}, {})
