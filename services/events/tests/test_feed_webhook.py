"""POST /api/webhook/events: signed, fresh, applied once; bad messages change nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import (
    Catalogue,
    add_market,
    assert_error,
    create_event,
)
from services.events.tests.conftest import FEED_SECRET, Tap

from events.domain.feed import signature_header

URL = "/api/webhook/events"


@pytest.fixture
async def fed_event(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> dict[str, Any]:
    external = f"prov-{uuid.uuid4().hex[:10]}"
    event = await create_event(api, admin, catalogue, external_event_id=external)
    await add_market(api, admin, event["event_id"], "total", {"over": 1.9, "under": 1.9}, line=2.5)
    return event


def message(external: str, type_: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "feed_message_id": extra.pop("feed_message_id", f"msg-{uuid.uuid4().hex}"),
        "type": type_,
        "external_event_id": external,
        "sent_at": datetime.now(UTC).isoformat(),
        "data": data,
        **extra,
    }


async def send(
    api: httpx.AsyncClient,
    body: dict[str, Any] | bytes,
    *,
    secret: str = FEED_SECRET,
    timestamp: int | None = None,
    header: str | None = None,
) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signed = (
        header
        if header is not None
        else signature_header(secret, timestamp if timestamp is not None else int(time.time()), raw)
    )
    return await api.post(
        URL, content=raw, headers={"Content-Type": "application/json", "X-Feed-Signature": signed}
    )


async def snapshot(api: httpx.AsyncClient, pg: asyncpg.Connection, event_id: str) -> Any:
    event = (await api.get(f"/api/events/{event_id}")).json()["event"]
    outbox = await pg.fetchval(
        "SELECT count(*) FROM events.outbox WHERE body->'payload'->>'event_id' = $1", event_id
    )
    history = await pg.fetchval(
        "SELECT count(*) FROM events.odds_history WHERE event_id = $1", uuid.UUID(event_id)
    )
    return event, outbox, history


async def test_feed_odds_status_score_and_result_apply_once_each(
    api: httpx.AsyncClient, fed_event: dict[str, Any], tap: Tap, pg: asyncpg.Connection
) -> None:
    external, event_id = fed_event["external_event_id"], fed_event["event_id"]
    odds = await send(
        api,
        message(
            external,
            "odds",
            {
                "odds": [
                    {"market_type": "1x2", "selection": "1", "coefficient": "2.10"},
                    {"market_type": "total", "line": 2.5, "selection": "over", "coefficient": 1.75},
                ]
            },
        ),
    )
    assert odds.status_code == 200, odds.text
    assert odds.json()["event_id"] == event_id
    changed = await tap.wait_for("OddsChanged", event_id=event_id, odds_version=2, count=2)
    assert {e.payload["new_coefficient"] for e in changed} == {"2.100", "1.750"}
    rows = await pg.fetch(
        "SELECT changed_by FROM events.odds_history WHERE event_id = $1 AND version = 2",
        uuid.UUID(event_id),
    )
    assert len(rows) == 2
    assert all(r[0].startswith("feed:msg-") for r in rows)

    assert (await send(api, message(external, "status", {"status": "live"}))).status_code == 200
    score = await send(
        api, message(external, "score", {"home_score": 0, "away_score": 1, "minute": 12})
    )
    assert score.status_code == 200, score.text
    await tap.wait_for("ScoreUpdated", event_id=event_id, away_score=1)
    result = await send(api, message(external, "result", {"home_score": 2, "away_score": 1}))
    assert result.status_code == 200, result.text
    (settled,) = await tap.wait_for("EventSettled", event_id=event_id)
    assert {(o["market"], o["selection"]): o["outcome"] for o in settled.payload["outcomes"]} == {
        ("1X2", "1"): "won",
        ("1X2", "X"): "lost",
        ("1X2", "2"): "lost",
        ("Total 2.5", "over"): "won",
        ("Total 2.5", "under"): "lost",
    }
    again = await send(api, message(external, "result", {"home_score": 1, "away_score": 1}))
    assert_error(again, 409, "events.already_settled")
    corrected = await send(
        api, message(external, "result", {"home_score": 1, "away_score": 1, "corrected": True})
    )
    assert corrected.status_code == 200, corrected.text
    (resettled,) = await tap.wait_for("EventResettled", event_id=event_id)
    assert resettled.payload["settlement_version"] == 2


async def test_feed_cancel_and_postpone(
    api: httpx.AsyncClient, fed_event: dict[str, Any], tap: Tap
) -> None:
    external, event_id = fed_event["external_event_id"], fed_event["event_id"]
    postponed = await send(
        api, message(external, "status", {"status": "postponed", "reason": "Fog"})
    )
    assert postponed.status_code == 200, postponed.text
    cancelled = await send(api, message(external, "cancel", {"reason": "Abandoned"}))
    assert cancelled.status_code == 200, cancelled.text
    (message_,) = await tap.wait_for("EventCancelled", event_id=event_id)
    assert message_.payload["reason"] == "Abandoned"


@pytest.mark.parametrize(
    "tamper",
    ["missing", "garbage", "wrong_secret", "body_changed", "stale", "future"],
)
async def test_bad_or_stale_signature_is_401_and_changes_nothing(
    api: httpx.AsyncClient, fed_event: dict[str, Any], pg: asyncpg.Connection, tamper: str
) -> None:
    external, event_id = fed_event["external_event_id"], fed_event["event_id"]
    before = await snapshot(api, pg, event_id)
    body = message(external, "status", {"status": "live"})
    raw = json.dumps(body).encode()
    now = int(time.time())
    headers = {
        "missing": None,
        "garbage": "t=abc,v1=xyz",
        "wrong_secret": signature_header("not-the-secret", now, raw),
        "body_changed": signature_header(FEED_SECRET, now, raw.replace(b"live", b"LIVE")),
        "stale": signature_header(FEED_SECRET, now - 301, raw),
        "future": signature_header(FEED_SECRET, now + 301, raw),
    }
    signed = headers[tamper]
    request_headers = {"Content-Type": "application/json"}
    if signed is not None:
        request_headers["X-Feed-Signature"] = signed
    answer = await api.post(URL, content=raw, headers=request_headers)
    assert_error(answer, 401, "events.feed_signature_invalid")
    assert await snapshot(api, pg, event_id) == before
    assert (
        await pg.fetchval(
            "SELECT count(*) FROM events.feed_message WHERE feed_message_id = $1",
            body["feed_message_id"],
        )
        == 0
    )


async def test_replayed_message_is_409_and_changes_nothing(
    api: httpx.AsyncClient, fed_event: dict[str, Any], pg: asyncpg.Connection
) -> None:
    external, event_id = fed_event["external_event_id"], fed_event["event_id"]
    first = message(
        external, "odds", {"odds": [{"market_type": "1x2", "selection": "X", "coefficient": 3.9}]}
    )
    assert (await send(api, first)).status_code == 200
    before = await snapshot(api, pg, event_id)
    # The same message again, freshly signed (a provider retry or a replay inside the window).
    replay = await send(api, first)
    assert_error(replay, 409, "events.feed_replayed")
    # Same id, other content: still the same message id, still refused.
    other = {
        **first,
        "data": {"odds": [{"market_type": "1x2", "selection": "X", "coefficient": 5}]},
    }
    assert_error(await send(api, other), 409, "events.feed_replayed")
    assert await snapshot(api, pg, event_id) == before


async def test_unknown_event_is_404_and_the_provider_may_retry_later(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> None:
    external = f"later-{uuid.uuid4().hex[:8]}"
    body = message(external, "status", {"status": "postponed"})
    assert_error(await send(api, body), 404, "events.external_event_not_found")
    await create_event(api, admin, catalogue, external_event_id=external)
    retried = await send(api, body)  # the same feed_message_id: nothing was recorded by the 404
    assert retried.status_code == 200, retried.text


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"feed_message_id": "x",', "validation_error"),  # malformed JSON
        (b"[]", "validation_error"),
        (json.dumps({"type": "odds"}).encode(), "validation_error"),
        (json.dumps(message("e", "weather", {"rain": True})).encode(), "validation_error"),
        (
            json.dumps(message("e", "score", {"home_score": -1, "away_score": 0})).encode(),
            "validation_error",
        ),
        (
            json.dumps(message("e", "result", {"home_score": "2", "away_score": 1})).encode(),
            "validation_error",
        ),
        (
            json.dumps({**message("e", "cancel", {}), "sent_at": "2026-01-01T00:00:00"}).encode(),
            "validation_error",
        ),
    ],
)
async def test_malformed_or_invalid_signed_bodies_are_422(
    api: httpx.AsyncClient, raw: bytes, code: str
) -> None:
    assert_error(await send(api, raw), 422, code)


async def test_feed_data_that_names_no_selection_is_422_and_changes_nothing(
    api: httpx.AsyncClient, fed_event: dict[str, Any], pg: asyncpg.Connection
) -> None:
    external, event_id = fed_event["external_event_id"], fed_event["event_id"]
    before = await snapshot(api, pg, event_id)
    body = message(
        external,
        "odds",
        {
            "odds": [
                {"market_type": "1x2", "selection": "1", "coefficient": 2.5},
                {"market_type": "total", "line": 3.5, "selection": "over", "coefficient": 2.2},
            ]
        },
    )
    assert_error(await send(api, body), 422, "events.feed_data_invalid")
    bad_price = message(
        external, "odds", {"odds": [{"market_type": "1x2", "selection": "1", "coefficient": 0.9}]}
    )
    assert_error(await send(api, bad_price), 422, "events.coefficient_invalid")
    assert await snapshot(api, pg, event_id) == before  # the first, valid price rolled back too
    assert (await send(api, body | {"data": {"odds": body["data"]["odds"][:1]}})).status_code == 200
