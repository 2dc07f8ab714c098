"""Settling with the final score: every selection's outcome, EventSettled on the bus, resettle."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import (
    Catalogue,
    add_market,
    assert_error,
    create_event,
    in_hours,
)
from services.events.tests.conftest import Tap


async def full_card(api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue) -> str:
    """An event with every market type, started."""
    event = await create_event(api, admin, catalogue)
    event_id: str = event["event_id"]
    await add_market(api, admin, event_id, "double_chance", {"1X": 1.2, "12": 1.3, "X2": 1.9})
    await add_market(api, admin, event_id, "total", {"over": 1.9, "under": 1.9}, line=2.5)
    await add_market(api, admin, event_id, "total", {"over": 2.4, "under": 1.5}, line=3)
    await add_market(api, admin, event_id, "btts", {"yes": 1.7, "no": 2.1})
    assert (await api.post(f"/api/events/{event_id}/start", headers=admin)).status_code == 200
    return event_id


def by_label(outcomes: list[dict[str, Any]], key: str = "bet_type") -> dict[tuple[str, str], str]:
    return {(o["market"], o[key]): o["outcome"] for o in outcomes}


EXPECTED_2_1 = {
    ("1X2", "1"): "won",
    ("1X2", "X"): "lost",
    ("1X2", "2"): "lost",
    ("Double chance", "1X"): "won",
    ("Double chance", "12"): "won",
    ("Double chance", "X2"): "lost",
    ("Total 2.5", "over"): "won",
    ("Total 2.5", "under"): "lost",
    ("Total 3.0", "over"): "void",  # exactly 3 on an integer line: push
    ("Total 3.0", "under"): "void",
    ("Both teams to score", "yes"): "won",
    ("Both teams to score", "no"): "lost",
}


async def test_settle_derives_every_outcome_and_emits_event_settled(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue, tap: Tap
) -> None:
    event_id = await full_card(api, admin, catalogue)
    answer = await api.post(
        f"/api/events/{event_id}/settle", json={"home_score": 2, "away_score": 1}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["settlement"]["settlement_version"] == 1
    assert by_label(body["settlement"]["outcomes"]) == EXPECTED_2_1
    event = body["event"]
    assert (event["status"], event["home_score"], event["away_score"]) == ("finished", 2, 1)
    assert by_label(event["odds"]) == EXPECTED_2_1
    assert {m["status"] for m in event["markets"]} == {"closed"}

    (settled,) = await tap.wait_for("EventSettled", event_id=event_id)
    payload = settled.payload
    assert (payload["settlement_version"], payload["home_score"], payload["away_score"]) == (
        1,
        2,
        1,
    )
    assert by_label(payload["outcomes"], key="selection") == EXPECTED_2_1
    assert {o["odds_id"] for o in payload["outcomes"]} == {o["odds_id"] for o in event["odds"]}
    await tap.wait_for("EventStatusChanged", event_id=event_id, status="finished")
    await tap.wait_for("MarketChanged", count=5, event_id=event_id, status="closed")


@pytest.mark.parametrize(
    ("home", "away", "expected"),
    [
        (
            0,
            0,
            {
                ("1X2", "X"): "won",
                ("Total 2.5", "under"): "won",
                ("Total 3.0", "under"): "won",
                ("Both teams to score", "no"): "won",
                ("Double chance", "12"): "lost",
            },
        ),
        (
            1,
            3,
            {
                ("1X2", "2"): "won",
                ("Total 2.5", "over"): "won",
                ("Total 3.0", "over"): "won",
                ("Both teams to score", "yes"): "won",
                ("Double chance", "X2"): "won",
                ("Double chance", "1X"): "lost",
            },
        ),
        (
            3,
            0,
            {
                ("1X2", "1"): "won",
                ("Total 3.0", "over"): "void",
                ("Both teams to score", "no"): "won",
            },
        ),
    ],
)
async def test_outcomes_per_market_for_other_scores(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    catalogue: Catalogue,
    home: int,
    away: int,
    expected: dict[tuple[str, str], str],
) -> None:
    event_id = await full_card(api, admin, catalogue)
    answer = await api.post(
        f"/api/events/{event_id}/settle",
        json={"home_score": home, "away_score": away},
        headers=admin,
    )
    outcomes = by_label(answer.json()["settlement"]["outcomes"])
    assert {k: outcomes[k] for k in expected} == expected


async def test_resettle_needs_force_then_emits_event_resettled_with_the_next_version(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    catalogue: Catalogue,
    tap: Tap,
    pg: asyncpg.Connection,
) -> None:
    event_id = await full_card(api, admin, catalogue)
    url = f"/api/events/{event_id}/settle"
    await api.post(url, json={"home_score": 2, "away_score": 1}, headers=admin)
    again = await api.post(url, json={"home_score": 1, "away_score": 1}, headers=admin)
    assert_error(again, 409, "events.already_settled")
    detail = (await api.get(f"/api/events/{event_id}")).json()["event"]
    assert (detail["home_score"], detail["settlement_version"]) == (2, 1)

    forced = await api.post(
        url,
        json={"home_score": 1, "away_score": 1, "force": True, "reason": "Goal ruled offside"},
        headers=admin,
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["settlement"]["settlement_version"] == 2
    assert forced.json()["event"]["settlement_version"] == 2
    (resettled,) = await tap.wait_for("EventResettled", event_id=event_id)
    payload = resettled.payload
    assert (payload["settlement_version"], payload["reason"]) == (2, "Goal ruled offside")
    outcomes = by_label(payload["outcomes"], key="selection")
    assert len(outcomes) == 12  # the full corrected list, not a diff
    assert outcomes[("1X2", "X")] == "won"
    assert outcomes[("Total 2.5", "under")] == "won"
    assert outcomes[("Total 3.0", "under")] == "won"
    assert len(tap.of("EventSettled", event_id=event_id)) == 1  # never a second EventSettled
    rows = await pg.fetch(
        "SELECT version, home_score, away_score FROM events.settlement WHERE event_id = $1"
        " ORDER BY version",
        uuid.UUID(event_id),
    )
    assert [tuple(r) for r in rows] == [(1, 2, 1), (2, 1, 1)]


async def test_settle_refusals(
    api: httpx.AsyncClient, admin: dict[str, str], catalogue: Catalogue
) -> None:
    future = await create_event(api, admin, catalogue, event_datetime=in_hours(3))
    url = f"/api/events/{future['event_id']}/settle"
    assert_error(
        await api.post(url, json={"home_score": 1, "away_score": 0}, headers=admin),
        409,
        "events.transition_not_allowed",
    )
    for bad in ({"home_score": -1, "away_score": 0}, {"home_score": "1", "away_score": 0}, {}):
        assert_error(await api.post(url, json=bad, headers=admin), 422, "validation_error")
    cancelled = await create_event(api, admin, catalogue)
    await api.post(f"/api/events/{cancelled['event_id']}/cancel", headers=admin)
    assert_error(
        await api.post(
            f"/api/events/{cancelled['event_id']}/settle",
            json={"home_score": 1, "away_score": 0, "force": True},
            headers=admin,
        ),
        409,
        "events.transition_not_allowed",
    )
