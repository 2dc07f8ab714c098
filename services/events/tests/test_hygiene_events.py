"""No input is a 500 in the events API (issue #20, 9 and 10): the requests the fuzzer found,
text hygiene in bodies and the feed, the catalogue's unique names, the feed's body cap."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import httpx
from services.events.tests.builders import (
    Catalogue,
    assert_error,
    create_event,
    event_body,
    make_catalogue,
)
from services.events.tests.conftest import FEED_SECRET

from common.testing.hygiene import assert_unsafe_text, raw_json
from events.domain.feed import signature_header
from events.entrypoints.api.webhook import MAX_BODY_BYTES

FEED = "/api/webhook/events"


# text -----------------------------------------------------------------------------------------


async def test_a_nul_in_the_live_listings_sport_is_a_422_not_a_500(api: httpx.AsyncClient) -> None:
    # The fuzzer's request: GET /api/events/live?sport=%00…
    answer = await api.get("/api/events/live?sport=%00%C2%9Dfootball")
    assert_unsafe_text(answer, ["query", "sport"])


async def test_a_nul_in_a_listing_search_or_a_path_is_a_422(api: httpx.AsyncClient) -> None:
    assert_unsafe_text(await api.get("/api/events/?search=real%00"), ["query", "search"])
    assert_unsafe_text(await api.get("/api/events/by-sport/foot%00ball"), ["path"])


async def test_control_characters_in_an_admin_body_are_a_422(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    catalogue = (await make_catalogue(api, admin))[0]
    team = event_body(catalogue, home_team="Arsenal\u0000")
    answer = await api.post("/api/events/", **raw_json(team, admin))
    assert_unsafe_text(answer, ["body", "home_team"])
    sport = await api.post("/api/events/sports", **raw_json({"name": "Curling \udb8f"}, admin))
    assert_unsafe_text(sport, ["body", "name"])


async def test_a_cancel_reason_may_have_lines_but_no_control_characters(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    catalogue = (await make_catalogue(api, admin))[0]
    event = await create_event(api, admin, catalogue)
    url = f"/api/events/{event['event_id']}/cancel"
    bad = await api.post(url, **raw_json({"reason": "rain\u001b[2J"}, admin))
    assert_unsafe_text(bad, ["body", "reason"])
    good = await api.post(url, headers=admin, json={"reason": "Heavy rain.\nPitch flooded."})
    assert good.status_code == 200, good.text


# unique names ---------------------------------------------------------------------------------


async def test_a_sport_whose_name_is_taken_under_another_slug_is_a_409_not_a_500(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    # The fuzzer's request: POST /api/events/sports {"name": "0", "slug": "atp"}, "0" existing.
    name = f"Sport {uuid.uuid4().hex[:8]}"
    first = await api.post("/api/events/sports", json={"name": name}, headers=admin)
    assert first.status_code == 201, first.text
    other_slug = f"atp-{uuid.uuid4().hex[:8]}"
    again = await api.post(
        "/api/events/sports", json={"name": name, "slug": other_slug}, headers=admin
    )
    error = assert_error(again, 409, "conflict")
    assert "sport_name_key" not in again.text
    assert "duplicate key" not in again.text
    assert error["details"] is None
    sports = (await api.get("/api/events/sports")).json()["sports"]
    assert other_slug not in {s["slug"] for s in sports}  # nothing half-made


async def test_a_league_whose_slug_is_taken_under_another_name_is_a_409(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    catalogue: Catalogue = (await make_catalogue(api, admin))[0]
    base = f"Cup {uuid.uuid4().hex[:8]}"
    first = await api.post(
        "/api/events/leagues", json={"sport": catalogue.sport, "name": base}, headers=admin
    )
    assert first.status_code == 201, first.text
    same_slug = base.replace(" ", "-")  # "Cup-x" slugifies like "Cup x"
    again = await api.post(
        "/api/events/leagues", json={"sport": catalogue.sport, "name": same_slug}, headers=admin
    )
    assert_error(again, 409, "conflict")


async def test_a_race_past_the_external_id_check_is_a_409_not_a_500(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """Both creations may pass the check before either inserts: the unique index decides."""
    catalogue = (await make_catalogue(api, admin))[0]
    external = f"prov-{uuid.uuid4().hex[:10]}"
    answers = await asyncio.gather(
        *(
            api.post(
                "/api/events/",
                json=event_body(catalogue, external_event_id=external),
                headers=admin,
            )
            for _ in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
    codes = {a.json()["error"]["code"] for a in answers if a.status_code == 409}
    assert codes <= {"events.external_event_id_taken", "conflict"}


# the feed -------------------------------------------------------------------------------------


def signed(raw: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-feed-signature": signature_header(FEED_SECRET, int(time.time()), raw),
    }


async def test_a_signed_feed_message_with_a_nul_is_a_422_not_a_500(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    catalogue = (await make_catalogue(api, admin))[0]
    external = f"prov-{uuid.uuid4().hex[:10]}"
    await create_event(api, admin, catalogue, external_event_id=external)
    message = {
        "feed_message_id": f"msg-{uuid.uuid4().hex}",
        "type": "cancel",
        "external_event_id": external,
        "sent_at": "2030-01-01T00:00:00+00:00",
        "data": {"reason": "abandoned\u0000"},
    }
    raw = json.dumps(message).encode()
    answer = await api.post(FEED, content=raw, headers=signed(raw))
    assert_unsafe_text(answer, ["body", "data", "reason"])


class CountedBody:
    """A request body sent in chunks, counting how many the server asked for."""

    def __init__(self, chunk: bytes, chunks: int) -> None:
        self.chunk = chunk
        self.chunks = chunks
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield self.chunk


async def test_an_oversized_feed_body_is_a_413_with_its_length_declared(
    api: httpx.AsyncClient,
) -> None:
    raw = b'{"x": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}'
    answer = await api.post(FEED, content=raw, headers=signed(raw))
    assert_error(answer, 413, "events.feed_body_too_large")


async def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(
    api: httpx.AsyncClient,
) -> None:
    body = CountedBody(b"a" * 64 * 1024, chunks=64)  # 4 MiB, announced as such
    headers = {
        "content-type": "application/json",
        "content-length": str(64 * 64 * 1024),
        "x-feed-signature": "t=1,v1=00",
    }
    answer = await api.post(FEED, content=body, headers=headers)
    assert_error(answer, 413, "events.feed_body_too_large")
    assert body.sent <= 1


async def test_a_chunked_feed_body_is_cut_off_at_the_cap_not_read_to_the_end(
    api: httpx.AsyncClient,
) -> None:
    body = CountedBody(b"a" * 64 * 1024, chunks=64)  # 4 MiB, no Content-Length
    headers = {"content-type": "application/json", "x-feed-signature": "t=1,v1=00"}
    answer = await api.post(FEED, content=body, headers=headers)
    assert_error(answer, 413, "events.feed_body_too_large")
    assert "content-length" not in answer.request.headers
    assert body.sent <= MAX_BODY_BYTES // len(body.chunk) + 1
