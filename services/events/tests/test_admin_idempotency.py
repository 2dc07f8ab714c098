"""Admin writes honour ``Idempotency-Key`` (issue 21, found by the chaos run): a retry after a
lost answer gets the first answer again and changes nothing twice; without a key, as before."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import (
    Catalogue,
    assert_error,
    create_event,
    event_body,
    in_hours,
)

from common.testing.tokens import TokenIssuer

REPLAYED = "Idempotent-Replayed"


@pytest.fixture
def an_admin_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def an_admin(token_issuer: TokenIssuer, an_admin_id: uuid.UUID) -> dict[str, str]:
    """An admin of the test's own: keys are scoped per admin, the audit trail is counted."""
    token = token_issuer.issue(role="admin", user_id=an_admin_id, ttl_s=3600)
    return {"Authorization": f"Bearer {token}"}


def keyed(admin: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**admin, "Idempotency-Key": key or f"key-{uuid.uuid4().hex}"}


async def twice(
    api: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], body: Any = None
) -> httpx.Response:
    """The call, then its retry with the same key (a client that lost the first answer): the
    retry must be the first answer replayed. Returns the first."""
    first = await api.request(method, url, json=body, headers=headers)
    retry = await api.request(method, url, json=body, headers=headers)
    assert retry.headers.get(REPLAYED) == "true", (method, url, retry.status_code, retry.text)
    assert REPLAYED not in first.headers
    assert retry.status_code == first.status_code, (method, url, retry.text)
    assert retry.content == b"" if first.status_code == 204 else retry.json() == first.json()
    return first


SCORE = {"home_score": 2, "away_score": 1}


async def settled(
    api: httpx.AsyncClient, headers: dict[str, str], catalogue: Catalogue
) -> tuple[str, httpx.Response]:
    """A started event settled 2-1 with ``headers``: its id and the first answer (200)."""
    event = await create_event(api, headers, catalogue)
    event_id = str(event["event_id"])
    started = await api.post(f"/api/events/{event_id}/start", headers=headers)
    assert started.status_code == 200, started.text
    first = await api.post(f"/api/events/{event_id}/settle", json=SCORE, headers=headers)
    assert first.status_code == 200, first.text
    assert REPLAYED not in first.headers
    return event_id, first


async def settled_messages(pg: asyncpg.Connection, event_id: str) -> int:
    count: int = await pg.fetchval(
        "SELECT count(*) FROM events.outbox WHERE routing_key = 'events.EventSettled'"
        " AND body->'payload'->>'event_id' = $1",
        event_id,
    )
    return count


async def test_a_retried_settle_answers_the_first_200_and_settles_once(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    catalogue: Catalogue,
    pg: asyncpg.Connection,
) -> None:
    headers = keyed(an_admin)
    event_id, first = await settled(api, headers, catalogue)
    for _ in range(3):  # the chaos run's client: three retries after a lost answer
        retry = await api.post(f"/api/events/{event_id}/settle", json=SCORE, headers=headers)
        assert (retry.status_code, retry.headers.get(REPLAYED)) == (200, "true"), retry.text
        assert retry.json() == first.json()
    assert first.json()["settlement"]["settlement_version"] == 1
    assert await settled_messages(pg, event_id) == 1
    settlements = await pg.fetchval(
        "SELECT count(*) FROM events.settlement WHERE event_id = $1", uuid.UUID(event_id)
    )
    assert settlements == 1


async def test_a_retried_event_creation_makes_one_event_and_answers_its_id(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    catalogue: Catalogue,
    pg: asyncpg.Connection,
) -> None:
    body = event_body(catalogue)
    first = await twice(api, "POST", "/api/events/", keyed(an_admin), body)
    assert first.status_code == 201, first.text
    found = await pg.fetch(
        "SELECT id FROM events.event WHERE home_team = $1 AND away_team = $2",
        body["home_team"],
        body["away_team"],
    )
    assert [str(r["id"]) for r in found] == [first.json()["event"]["event_id"]]


async def test_concurrent_settles_with_one_key_settle_once(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    catalogue: Catalogue,
    pg: asyncpg.Connection,
) -> None:
    event = await create_event(api, an_admin, catalogue)
    event_id, headers = str(event["event_id"]), keyed(an_admin)
    await api.post(f"/api/events/{event_id}/start", headers=an_admin)
    url = f"/api/events/{event_id}/settle"
    answers = await asyncio.gather(*(api.post(url, json=SCORE, headers=headers) for _ in range(4)))
    settled_ok = [a for a in answers if a.status_code == 200]
    busy = [a for a in answers if a.status_code != 200]
    assert settled_ok, [a.text for a in answers]
    assert [REPLAYED in a.headers for a in settled_ok].count(False) == 1  # one ran, once
    assert all(a.json() == settled_ok[0].json() for a in settled_ok)
    assert settled_ok[0].json()["settlement"]["settlement_version"] == 1
    for answer in busy:  # a retry while the first call runs: told to come back, not refused
        assert_error(answer, 409, "idempotency.in_progress")
    assert await settled_messages(pg, event_id) == 1


async def test_the_same_key_with_another_body_is_a_422_mismatch_and_changes_nothing(
    api: httpx.AsyncClient, an_admin: dict[str, str], catalogue: Catalogue
) -> None:
    headers = keyed(an_admin)
    event_id, _first = await settled(api, headers, catalogue)
    other = {"home_score": 0, "away_score": 3, "force": True, "reason": "another call"}
    mismatch = await api.post(f"/api/events/{event_id}/settle", json=other, headers=headers)
    assert_error(mismatch, 422, "idempotency.mismatch")
    detail = (await api.get(f"/api/events/{event_id}")).json()["event"]
    assert (detail["home_score"], detail["away_score"], detail["settlement_version"]) == (2, 1, 1)


async def test_without_a_key_a_second_settle_is_refused_as_before(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    catalogue: Catalogue,
    pg: asyncpg.Connection,
) -> None:
    event_id, _first = await settled(api, an_admin, catalogue)
    again = await api.post(f"/api/events/{event_id}/settle", json=SCORE, headers=an_admin)
    assert_error(again, 409, "events.already_settled")
    assert await settled_messages(pg, event_id) == 1


async def test_a_refusal_is_the_keys_first_answer_and_is_replayed(
    api: httpx.AsyncClient, an_admin: dict[str, str], catalogue: Catalogue
) -> None:
    event = await create_event(api, an_admin, catalogue, event_datetime=in_hours(3))
    url, headers = f"/api/events/{event['event_id']}/settle", keyed(an_admin)
    score = {"home_score": 1, "away_score": 0}
    refused = await twice(api, "POST", url, headers, score)
    assert_error(refused, 409, "events.transition_not_allowed")
    # A fresh key is a new call: the event, once started, settles.
    await api.post(f"/api/events/{event['event_id']}/start", headers=an_admin)
    settled = await api.post(url, json=score, headers=keyed(an_admin))
    assert settled.status_code == 200, settled.text


async def test_keys_are_each_admins_own(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    admin: dict[str, str],
    catalogue: Catalogue,
) -> None:
    body, key = event_body(catalogue), f"key-{uuid.uuid4().hex}"
    mine = await api.post("/api/events/", json=body, headers=keyed(an_admin, key))
    theirs = await api.post("/api/events/", json=body, headers=keyed(admin, key))
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert REPLAYED not in theirs.headers
    assert mine.json()["event"]["event_id"] != theirs.json()["event"]["event_id"]


async def test_every_admin_write_replays_its_first_answer_and_acts_once(
    api: httpx.AsyncClient,
    an_admin: dict[str, str],
    an_admin_id: uuid.UUID,
    catalogue: Catalogue,
) -> None:
    """Each mutating admin route, called and retried with one key: the retry is the first
    answer replayed, and the audit trail holds one row per call, not two."""
    h = keyed
    token = uuid.uuid4().hex[:8]
    sport = await twice(api, "POST", "/api/events/sports", h(an_admin), {"name": f"S {token}"})
    slug = sport.json()["sport"]["slug"]
    league = {"sport": slug, "name": f"L {token}"}
    await twice(api, "POST", "/api/events/leagues", h(an_admin), league)
    created = await twice(api, "POST", "/api/events/", h(an_admin), event_body(catalogue))
    event_id = created.json()["event"]["event_id"]
    odds_id = created.json()["event"]["odds"][0]["odds_id"]
    base = f"/api/events/{event_id}"
    await twice(api, "PUT", base, h(an_admin), {"home_team": f"Renamed {token}"})
    total = {"market_type": "total", "line": 2.5, "odds": [
        {"bet_type": "over", "coefficient": 1.9}, {"bet_type": "under", "coefficient": 1.9}
    ]}  # fmt: skip
    with_total = await twice(api, "POST", f"{base}/markets", h(an_admin), total)
    market_id = with_total.json()["event"]["markets"][1]["market_id"]
    market = f"{base}/markets/{market_id}"
    await twice(api, "PATCH", market, h(an_admin), {"live_betting": True})
    price = await twice(api, "PUT", f"{base}/odds/{odds_id}", h(an_admin), {"coefficient": 2.5})
    assert price.json()["odds"]["version"] == 2
    for call in (f"{market}/suspend", f"{market}/resume"):
        await twice(api, "POST", call, h(an_admin))
    for call in (f"{base}/odds/{odds_id}/suspend", f"{base}/odds/{odds_id}/resume"):
        await twice(api, "POST", call, h(an_admin))
    await twice(api, "POST", f"{base}/start", h(an_admin))
    await twice(api, "POST", f"{base}/score", h(an_admin), {"home_score": 1, "away_score": 0})
    await twice(api, "POST", f"{base}/postpone", h(an_admin), {"reason": "fog"})
    await twice(api, "POST", f"{base}/reschedule", h(an_admin), {"event_datetime": in_hours(5)})
    await twice(api, "POST", f"{base}/start", h(an_admin))
    await twice(api, "POST", f"{base}/settle", h(an_admin), {"home_score": 2, "away_score": 0})
    forced = {"home_score": 0, "away_score": 0, "force": True, "reason": "own goal"}
    resettled = await twice(api, "POST", f"{base}/settle", h(an_admin), forced)
    assert resettled.json()["settlement"]["settlement_version"] == 2
    other = (await twice(api, "POST", "/api/events/", h(an_admin), event_body(catalogue))).json()
    await twice(api, "POST", f"/api/events/{other['event']['event_id']}/cancel", h(an_admin))
    last = (await twice(api, "POST", "/api/events/", h(an_admin), event_body(catalogue))).json()
    deleted = await twice(api, "DELETE", f"/api/events/{last['event']['event_id']}", h(an_admin))
    assert deleted.status_code == 204
    assert "content-type" not in deleted.headers  # nothing to read, nothing to parse

    trail = await api.get(
        "/api/events/admin/audit", params={"actor": str(an_admin_id)}, headers=an_admin
    )
    actions = [e["action"] for e in reversed(trail.json()["entries"])]
    assert actions == [
        "sport.create",
        "league.create",
        "event.create",
        "event.update",
        "market.create",
        "market.update",
        "odds.set",
        "market.suspend",
        "market.resume",
        "odds.suspend",
        "odds.resume",
        "event.start",
        "event.score",
        "event.postpone",
        "event.reschedule",
        "event.start",
        "event.settle",
        "event.resettle",
        "event.create",
        "event.cancel",
        "event.create",
        "event.delete",
    ]
