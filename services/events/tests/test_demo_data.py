"""The demo catalogue: loads through the handlers (so it is on the bus), idempotently."""

from __future__ import annotations

from typing import Any

import httpx
from services.events.tests.conftest import Tap

from events.entrypoints.cli import load_demo


async def test_demo_data_loads_a_living_catalogue_once(
    events_app: Any, api: httpx.AsyncClient, tap: Tap
) -> None:
    wiring = events_app[0].state.wiring
    first = await load_demo(wiring.uow, now=wiring.clock(), events=30)
    assert (first.created, first.existing) == (30, 0)
    again = await load_demo(wiring.uow, now=wiring.clock(), events=30)
    assert (again.created, again.existing) == (0, 30)

    sports = {s["slug"]: s for s in (await api.get("/api/events/sports")).json()["sports"]}
    assert {"football", "basketball", "tennis", "hockey"} <= sports.keys()
    assert (
        sum(sports[s]["event_count"] for s in ("football", "basketball", "tennis", "hockey")) == 30
    )
    assert sports["football"]["label"].startswith("⚽ ")
    leagues = {lg["name"] for lg in (await api.get("/api/events/leagues")).json()["leagues"]}
    assert {"Premier League", "La Liga", "NBA", "NHL", "ATP"} <= leagues

    demo = []
    for sport in ("football", "basketball", "tennis", "hockey"):
        answer = await api.get(f"/api/events/by-sport/{sport}", params={"limit": 100})
        demo += answer.json()["events"]
    statuses = {e["status"] for e in demo}
    assert {"scheduled", "live", "finished"} <= statuses
    assert all(e["odds"] for e in demo)
    finished = [e for e in demo if e["status"] == "finished"]
    assert all(o["outcome"] in {"won", "lost", "void"} for e in finished for o in e["odds"])
    for event in demo:
        await tap.wait_for("EventCreated", event_id=event["event_id"], timeout_s=15)
    await tap.wait_for("EventSettled", event_id=finished[0]["event_id"])
    # Live demo events take live bets on their main market (the first one) only.
    for event in demo:
        live_flags = [o["market_live_betting"] for o in event["odds"]]
        main_market = event["odds"][0]["market_id"]
        main_flags = {
            o["market_live_betting"] for o in event["odds"] if o["market_id"] == main_market
        }
        assert main_flags == {event["status"] == "live"}, event
        assert sum(live_flags) == len(
            [
                o
                for o in event["odds"]
                if o["market_id"] == main_market and event["status"] == "live"
            ]
        )
