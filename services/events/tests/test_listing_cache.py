"""The shared listing cache (Redis): a page is rendered once per catalogue generation, and a
write through the events API (a price change) is on the very next page — not after the TTL."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from services.events.tests.builders import Catalogue, create_event, make_catalogue
from sqlalchemy import event as sa_event

from common.testing.infra import Infrastructure
from events.adapters.listing_cache import CachedPage, ListingCache
from events.entrypoints.api.app import create_app
from events.entrypoints.api.caching import accepts_gzip
from events.settings import Settings

# Far longer than each test: a fresh page within it can only come from the invalidation.
LONG_TTL_S = 60.0


@pytest.fixture(scope="module")
async def cached_app(
    test_database: Any, make_settings: Callable[..., Any], app_client: Any
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    await test_database.migrate("events")
    settings = make_settings(Settings, listing_cache_s=LONG_TTL_S)
    app = create_app(settings)
    async with app_client(app) as client:
        yield app, client


@pytest.fixture
def cached_api(cached_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return cached_app[1]


@pytest.fixture
async def listed(
    cached_api: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[Catalogue, dict[str, Any]]:
    """A sport of its own with one event on it (three prices)."""
    [catalogue] = await make_catalogue(cached_api, admin)
    return catalogue, await create_event(cached_api, admin, catalogue)


def price_of(page: httpx.Response, odds_id: str) -> float:
    [event] = page.json()["events"]
    return float(next(o["coefficient"] for o in event["odds"] if o["odds_id"] == odds_id))


async def test_a_price_change_is_on_the_next_page_not_after_the_ttl(
    cached_api: httpx.AsyncClient,
    admin: dict[str, str],
    listed: tuple[Catalogue, dict[str, Any]],
) -> None:
    catalogue, event = listed
    home = event["odds"][0]["odds_id"]
    params = {"sport": catalogue.sport}
    before = await cached_api.get("/api/events/", params=params)
    assert price_of(before, home) == 1.85

    changed = await cached_api.put(
        f"/api/events/{event['event_id']}/odds/{home}", json={"coefficient": 2.05}, headers=admin
    )
    assert changed.status_code == 200, changed.text

    after = await cached_api.get("/api/events/", params=params)
    assert price_of(after, home) == 2.05
    assert after.headers["etag"] != before.headers["etag"]


async def test_a_page_is_served_from_the_cache_until_a_write_through_the_api(
    cached_api: httpx.AsyncClient,
    admin: dict[str, str],
    listed: tuple[Catalogue, dict[str, Any]],
    pg: asyncpg.Connection,
) -> None:
    """A change written behind the service's back (plain SQL) is not seen while the page is
    cached: the page really comes from the cache. The next write through the API (another
    selection's price) starts a new generation, and the page shows both."""
    catalogue, event = listed
    home, away = event["odds"][0]["odds_id"], event["odds"][2]["odds_id"]
    params = {"sport": catalogue.sport}
    first = await cached_api.get("/api/events/", params=params)
    await pg.execute(
        "UPDATE events.odds SET coefficient = $1 WHERE id = $2::uuid", Decimal("1.70"), home
    )

    cached = await cached_api.get("/api/events/", params=params)
    assert cached.content == first.content
    assert price_of(cached, home) == 1.85

    changed = await cached_api.put(
        f"/api/events/{event['event_id']}/odds/{away}", json={"coefficient": 4.4}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    fresh = await cached_api.get("/api/events/", params=params)
    assert (price_of(fresh, home), price_of(fresh, away)) == (1.70, 4.4)


async def test_a_page_from_the_cache_checks_out_no_database_connection(
    cached_app: tuple[FastAPI, httpx.AsyncClient], listed: tuple[Catalogue, dict[str, Any]]
) -> None:
    """The route opens its read unit of work before looking in the cache; the unit of work's
    session connects on its first query only, so a cached page costs no database round trip."""
    app, api = cached_app
    catalogue, _event = listed
    params = {"sport": catalogue.sport}
    rendered = await api.get("/api/events/", params=params)
    engine = app.state.runtime.engine.sync_engine
    checkouts: list[object] = []

    def count(connection: object, *_: object) -> None:
        checkouts.append(connection)

    sa_event.listen(engine, "checkout", count)
    try:
        cached = await api.get("/api/events/", params=params)
    finally:
        sa_event.remove(engine, "checkout", count)
    assert cached.content == rendered.content
    assert checkouts == []


async def test_a_cached_page_answers_304_to_its_etag_until_the_odds_change(
    cached_api: httpx.AsyncClient,
    admin: dict[str, str],
    listed: tuple[Catalogue, dict[str, Any]],
) -> None:
    catalogue, event = listed
    home = event["odds"][0]["odds_id"]
    params = {"sport": catalogue.sport}
    etag = (await cached_api.get("/api/events/", params=params)).headers["etag"]

    again = await cached_api.get("/api/events/", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""

    await cached_api.put(
        f"/api/events/{event['event_id']}/odds/{home}", json={"coefficient": 1.95}, headers=admin
    )
    changed = await cached_api.get("/api/events/", params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert price_of(changed, home) == 1.95


async def raw_get(client: httpx.AsyncClient, path: str, **kwargs: Any) -> httpx.Response:
    """The bytes as sent (httpx would undo a Content-Encoding on ``.content``)."""
    async with client.stream("GET", path, **kwargs) as answer:
        answer._content = b"".join([chunk async for chunk in answer.aiter_raw()])
    return answer


async def test_a_page_goes_gzipped_to_a_client_that_accepts_it_and_plain_to_one_that_does_not(
    cached_api: httpx.AsyncClient, listed: tuple[Catalogue, dict[str, Any]]
) -> None:
    catalogue, _ = listed
    params = {"sport": catalogue.sport}
    plain = await raw_get(
        cached_api, "/api/events/", params=params, headers={"Accept-Encoding": "identity"}
    )
    zipped = await raw_get(
        cached_api, "/api/events/", params=params, headers={"Accept-Encoding": "gzip, br"}
    )
    refused = await raw_get(
        cached_api, "/api/events/", params=params, headers={"Accept-Encoding": "gzip;q=0, *"}
    )

    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content)
    assert "content-encoding" not in refused.headers
    assert refused.content == plain.content
    # One representation: the same validator, and caches keep the encodings apart.
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert zipped.headers["vary"] == plain.headers["vary"] == "Authorization, Accept-Encoding"


async def test_another_replica_reads_the_gzipped_page_from_redis_and_serves_both_encodings(
    infrastructure: Infrastructure, redis_prefix: str
) -> None:
    """Redis holds the compressed copy only; a replica without the page in its own memory
    decompresses it once and has the plain body byte for byte."""
    redis = Redis.from_url(infrastructure.redis_url)
    try:
        writer = ListingCache(redis, prefix=f"{redis_prefix}gz:", ttl_s=LONG_TTL_S)
        reader = ListingCache(redis, prefix=f"{redis_prefix}gz:", ttl_s=LONG_TTL_S)
        body = b'{"events": [' + b'{"home": "Arsenal", "away": "Chelsea"},' * 200 + b"{}]}"
        page = CachedPage.of(body, 'W/"etag"')
        await writer.put(7, "k", page)

        assert await reader.get(7, "k") == page
        stored = await redis.get(f"{redis_prefix}gz:events:listing:7:k")
        assert stored == b'W/"etag"\n' + page.gzipped
    finally:
        await redis.aclose()


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("br, gzip;q=0.5", True),
        ("*", True),
        ("GZIP ; q=1", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, *", False),
        ("*;q=0, gzip", True),
        ("identity", False),
        ("br", False),
        (None, False),
        ("gzip;q=nonsense", True),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header: str | None, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted
