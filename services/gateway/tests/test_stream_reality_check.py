"""Reality checks (issue 23) on the live stream: the figures, over real HTTP from the real bus.

The interval's unit is shrunk (``reality_check_unit_s``): "10 minutes" takes a fraction of a
second, nothing sleeps minutes.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from common.contracts.bets import BetCancelled, BetLeg, BetPlaced, BetResettled, BetSettled
from common.messaging.envelope import Envelope, wrap
from common.testing.broker import BrokerNamespace
from common.testing.tokens import TokenIssuer
from gateway.entrypoints.api.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings
from gateway.stream import SessionTally, StreamHub

Frame = dict[str, Any]
UNIT_S = 0.02  # one "minute": 10 minutes are 0.2 s


# --- builders: valid contract messages (the stream parses what it counts) --------------------


def _leg() -> BetLeg:
    return BetLeg(
        event_id=uuid.uuid4(),
        event_name="Real Madrid - Barcelona",
        market="match_winner",
        selection="1",
        coefficient=Decimal("2.50"),
    )


def placed(
    user_id: uuid.UUID,
    stake_minor: int,
    *,
    bet_id: uuid.UUID | None = None,
    free_bet: bool = False,
    currency: str = "USD",
) -> BetPlaced:
    return BetPlaced(
        bet_id=bet_id or uuid.uuid4(),
        user_id=user_id,
        bet_type="single",
        stake_minor=stake_minor,
        currency=currency,
        coefficient=Decimal("2.50"),
        potential_win_minor=stake_minor * 5 // 2,
        legs=[_leg()],
        placed_at=datetime.now(UTC),
        free_bet=free_bet,
    )


def settled(bet: BetPlaced, result: str, payout_minor: int) -> BetSettled:
    return BetSettled(
        bet_id=bet.bet_id,
        user_id=bet.user_id,
        result=result,  # type: ignore[arg-type]
        stake_minor=bet.stake_minor,
        payout_minor=payout_minor,
        currency=bet.currency,
        legs=bet.legs,
        settled_at=datetime.now(UTC),
    )


def resettled(bet: BetPlaced, version: int, new_result: str, delta_minor: int) -> BetResettled:
    return BetResettled(
        bet_id=bet.bet_id,
        user_id=bet.user_id,
        settlement_version=version,
        old_result="won",
        new_result=new_result,  # type: ignore[arg-type]
        payout_delta_minor=delta_minor,
        currency=bet.currency,
        legs=bet.legs,
        resettled_at=datetime.now(UTC),
    )


def cancelled(bet: BetPlaced) -> BetCancelled:
    return BetCancelled(
        bet_id=bet.bet_id, user_id=bet.user_id, reason="bet.cancelled_by_user", legs=bet.legs
    )


def odds_marker() -> Envelope:
    return Envelope(
        type="OddsChanged",
        version=1,
        producer="events",
        payload={
            "event_id": str(uuid.uuid4()),
            "market_id": str(uuid.uuid4()),
            "odds_id": str(uuid.uuid4()),
            "market": "match_winner",
            "selection": "home",
            "old_coefficient": "1.90",
            "new_coefficient": "1.95",
            "odds_version": 2,
        },
    )


# --- the pure rules -----------------------------------------------------------------------------


def _tally(*messages: Any) -> SessionTally:
    tally = SessionTally(datetime.now(UTC))
    for message in messages:
        tally.count(message)
    return tally


def test_stakes_returns_and_net_to_the_cent() -> None:
    me = uuid.uuid4()
    won, lost, open_ = placed(me, 1_234), placed(me, 2_000), placed(me, 999)
    tally = _tally(won, lost, open_, settled(won, "won", 3_085), settled(lost, "lost", 0))
    assert tally.figures(played_s=600) | {"session_started_at": None} == {
        "session_started_at": None,
        "played_s": 600,
        "stakes_minor": 4_233,
        "returns_minor": 3_085,
        "net_minor": -1_148,
        "currency": "USD",
        "bets_placed": 3,
        "bets_settled": 2,
    }


def test_a_duplicate_message_counts_once() -> None:
    me = uuid.uuid4()
    bet = placed(me, 500)
    tally = _tally(bet, bet, settled(bet, "won", 1_250), settled(bet, "won", 1_250))
    assert (tally.stakes_minor, tally.returns_minor, tally.bets_placed, tally.bets_settled) == (
        500,
        1_250,
        1,
        1,
    )
    fix = resettled(bet, 2, "lost", -1_250)
    tally.count(fix)
    tally.count(fix)  # the same correction again: nothing
    assert tally.returns_minor == 0
    tally.count(resettled(bet, 3, "won", 1_250))  # the next version does count
    assert tally.returns_minor == 1_250
    assert tally.net_minor == 750


def test_a_free_bet_stakes_nothing_and_returns_only_its_winnings() -> None:
    me = uuid.uuid4()
    free = placed(me, 1_000, free_bet=True)
    tally = _tally(free, settled(free, "won", 2_500))
    assert (tally.stakes_minor, tally.returns_minor, tally.bets_placed) == (0, 1_500, 1)
    tally.count(resettled(free, 2, "void", -1_500))  # void: gross 1_000, winnings 0
    assert tally.returns_minor == 0
    assert tally.net_minor == 0


def test_a_cancelled_bet_gives_its_stake_back_once() -> None:
    me = uuid.uuid4()
    mine, free = placed(me, 700), placed(me, 1_000, free_bet=True)
    before_the_session = placed(me, 5_000)
    tally = _tally(
        mine,
        free,
        cancelled(mine),
        cancelled(mine),
        cancelled(free),  # a free bet's unit goes back to its package: no money
        cancelled(before_the_session),  # its stake was never counted: nor is its return
    )
    assert (tally.stakes_minor, tally.returns_minor, tally.net_minor) == (700, 700, 0)
    assert (tally.bets_placed, tally.bets_settled) == (2, 0)


def test_a_settlement_of_an_earlier_bet_counts_its_payout_only() -> None:
    earlier = placed(uuid.uuid4(), 400)
    tally = _tally(settled(earlier, "won", 1_000))
    assert (tally.stakes_minor, tally.returns_minor, tally.net_minor) == (0, 1_000, 1_000)
    assert (tally.bets_placed, tally.bets_settled) == (0, 1)


def test_another_currency_is_never_added() -> None:
    me = uuid.uuid4()
    dollars, euros = placed(me, 1_000), placed(me, 3_000, currency="EUR")
    tally = _tally(dollars, euros, settled(euros, "won", 7_500))
    assert (tally.currency, tally.stakes_minor, tally.returns_minor) == ("USD", 1_000, 0)
    assert (tally.bets_placed, tally.bets_settled) == (1, 0)


def test_no_bets_no_currency() -> None:
    figures = _tally().figures(played_s=0)
    assert figures["currency"] is None
    assert figures["net_minor"] == 0


# --- over real HTTP, fed from the real bus ----------------------------------------------------


@asynccontextmanager
async def running_gateway(
    make_settings: Any, events_upstream: Any, serve_app: Any, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, StreamHub]]:
    values = {"events_url": events_upstream.url, "reality_check_unit_s": UNIT_S, **overrides}
    settings = make_settings(GatewaySettings, **values)
    app = create_gateway_app(settings)
    async with serve_app(app) as served, httpx.AsyncClient(base_url=served.url) as http:
        hub: StreamHub = app.state.stream_hub
        await asyncio.wait_for(hub.ready.wait(), 10)
        yield http, hub


async def ticket_for(http: httpx.AsyncClient, token: str) -> str:
    issued = await http.post("/api/stream/ticket", headers={"authorization": f"Bearer {token}"})
    assert issued.status_code == 200, issued.text
    return str(issued.json()["ticket"])


async def subscribed(hub: StreamHub, count: int) -> None:
    async with asyncio.timeout(5):
        while hub.subscriber_count < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def sse(response: httpx.Response) -> AsyncIterator[Frame]:
    """Every frame, a heartbeat comment as ``{"event": ": heartbeat"}``."""
    frame: Frame = {}
    async for line in response.aiter_lines():
        if line == ": heartbeat":
            yield {"event": line}
        elif not line:
            if "event" in frame:
                yield frame
            frame = {}
        elif line.startswith("id: "):
            frame["id"] = line[4:]
        elif line.startswith("event: "):
            frame["event"] = line[7:]
        elif line.startswith("data: "):
            frame["data"] = json.loads(line[6:])


async def until_marker_then_check(response: httpx.Response, marker: Envelope) -> list[Frame]:
    """Frames up to the marker, then up to the next reality check (which counts all before)."""
    seen: list[Frame] = []
    marker_seen = False
    async with asyncio.timeout(10):
        async for frame in sse(response):
            seen.append(frame)
            marker_seen = marker_seen or frame.get("id") == str(marker.event_id)
            if marker_seen and frame["event"] == "reality_check":
                return seen
    raise AssertionError(f"the stream ended early: {seen}")


async def test_reality_check_counts_the_users_own_bets_to_the_cent(
    make_settings: Any,
    events_upstream: Any,
    serve_app: Any,
    token_issuer: TokenIssuer,
    broker_namespace: BrokerNamespace,
) -> None:
    async with running_gateway(make_settings, events_upstream, serve_app) as (http, hub):
        alice, bob = uuid.uuid4(), uuid.uuid4()
        ticket = await ticket_for(http, token_issuer.issue(user_id=alice))
        opened_at = datetime.now(UTC)
        params = {"ticket": ticket, "reality_check_minutes": "10"}
        async with http.stream("GET", "/api/stream", params=params) as private:
            assert private.status_code == 200
            await subscribed(hub, 1)
            won, lost, gone = placed(alice, 1_234), placed(alice, 2_001), placed(alice, 350)
            bobs = placed(bob, 100_000)
            won_placed = wrap(won)
            alices = [
                won_placed,
                won_placed,  # delivered twice (a relay's retry): counted once
                wrap(lost),
                wrap(gone),
                wrap(settled(won, "won", 3_085)),
                wrap(settled(lost, "lost", 0)),
                wrap(cancelled(gone)),
            ]
            bobs_messages = [wrap(bobs), wrap(settled(bobs, "won", 250_000))]
            marker = odds_marker()
            await broker_namespace.publish(*bobs_messages, *alices, marker)

            seen = await until_marker_then_check(private, marker)

        check = seen[-1]
        assert check["event"] == "reality_check"
        assert "id" not in check  # the browser's Last-Event-ID stays a message's
        figures = dict(check["data"])
        started = datetime.fromisoformat(figures.pop("session_started_at"))
        assert opened_at <= started <= datetime.now(UTC)
        assert figures.pop("played_s") >= 0
        assert figures == {
            "stakes_minor": 1_234 + 2_001 + 350,
            "returns_minor": 3_085 + 350,
            "net_minor": (3_085 + 350) - (1_234 + 2_001 + 350),
            "currency": "USD",
            "bets_placed": 3,
            "bets_settled": 2,
        }
        # A cancellation is counted, not streamed: the frames are the ones they always were.
        events = [f["event"] for f in seen if f["event"] not in ("reality_check", ": heartbeat")]
        assert "BetCancelled" not in events
        assert {f["data"]["user_id"] for f in seen if f["event"].startswith("Bet")} == {str(alice)}


async def test_checks_come_every_interval_with_the_time_played(
    make_settings: Any,
    events_upstream: Any,
    serve_app: Any,
    token_issuer: TokenIssuer,
) -> None:
    # 10 "minutes" of 0.05 s: a check every 0.5 s; the heartbeat slower than the checks.
    async with running_gateway(
        make_settings, events_upstream, serve_app, reality_check_unit_s=0.05
    ) as (http, _hub):
        ticket = await ticket_for(http, token_issuer.issue(user_id=uuid.uuid4()))
        params = {"ticket": ticket, "reality_check_minutes": "10"}
        checks: list[Frame] = []
        async with http.stream("GET", "/api/stream", params=params) as private:
            loop = asyncio.get_running_loop()
            started = loop.time()
            async with asyncio.timeout(10):
                async for frame in sse(private):
                    if frame["event"] == "reality_check":
                        checks.append(frame["data"])
                        if len(checks) == 3:
                            break
            elapsed = loop.time() - started
        assert elapsed >= 1.5 * 0.9  # three intervals of 0.5 s, not sooner
        for number, check in enumerate(checks, start=1):
            assert int(number * 0.5) <= check["played_s"] <= int(number * 0.5) + 1
            assert check["bets_placed"] == 0
            assert check["currency"] is None
        assert len({c["session_started_at"] for c in checks}) == 1


@pytest.mark.parametrize("minutes", ["9", "241", "0", "-10", "abc", "12.5"])
async def test_an_interval_outside_10_to_240_is_422_and_keeps_the_ticket(
    minutes: str,
    make_settings: Any,
    events_upstream: Any,
    serve_app: Any,
    token_issuer: TokenIssuer,
) -> None:
    async with running_gateway(make_settings, events_upstream, serve_app) as (http, _hub):
        ticket = await ticket_for(http, token_issuer.issue(user_id=uuid.uuid4()))
        refused = await http.get(
            "/api/stream", params={"ticket": ticket, "reality_check_minutes": minutes}
        )
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"] == ["query", "reality_check_minutes"]
        # Refused before the ticket was redeemed: it still opens the stream.
        params = {"ticket": ticket, "reality_check_minutes": "240"}
        async with http.stream("GET", "/api/stream", params=params) as stream:
            assert stream.status_code == 200


async def test_reality_checks_without_a_ticket_are_422(
    make_settings: Any, events_upstream: Any, serve_app: Any
) -> None:
    async with running_gateway(make_settings, events_upstream, serve_app) as (http, hub):
        refused = await http.get("/api/stream", params={"reality_check_minutes": "30"})
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"] == [
            {
                "loc": ["query", "reality_check_minutes"],
                "msg": "Reality checks need a stream ticket (the user's own bets).",
                "type": "reality_check_needs_ticket",
            }
        ]
        assert hub.subscriber_count == 0


async def test_without_the_parameter_no_reality_check_frames(
    make_settings: Any,
    events_upstream: Any,
    serve_app: Any,
    token_issuer: TokenIssuer,
    broker_namespace: BrokerNamespace,
) -> None:
    # Were checks on, "10 minutes" would be 0.2 s: three heartbeats of 0.3 s outlast several.
    async with running_gateway(
        make_settings, events_upstream, serve_app, stream_heartbeat_s=0.3
    ) as (http, hub):
        alice = uuid.uuid4()
        ticket = await ticket_for(http, token_issuer.issue(user_id=alice))
        async with http.stream("GET", "/api/stream", params={"ticket": ticket}) as private:
            await subscribed(hub, 1)
            bet = placed(alice, 1_000)
            await broker_namespace.publish(wrap(bet), wrap(settled(bet, "won", 2_500)))
            seen: list[str] = []
            async with asyncio.timeout(10):
                async for frame in sse(private):
                    seen.append(frame["event"])
                    if seen.count(": heartbeat") == 3:
                        break
        assert [e for e in seen if e != ": heartbeat"] == ["BetPlaced", "BetSettled"]


def _connections(channel: str) -> float:
    value = REGISTRY.get_sample_value("looseline_gateway_stream_connections", {"channel": channel})
    return value or 0.0


async def test_the_timer_ends_with_the_connection(
    make_settings: Any,
    events_upstream: Any,
    serve_app: Any,
    token_issuer: TokenIssuer,
) -> None:
    async with running_gateway(
        make_settings, events_upstream, serve_app, stream_heartbeat_s=0.2
    ) as (http, hub):
        ticket = await ticket_for(http, token_issuer.issue(user_id=uuid.uuid4()))
        before_connections = _connections("private")
        before = asyncio.all_tasks()
        params = {"ticket": ticket, "reality_check_minutes": "10"}
        async with http.stream("GET", "/api/stream", params=params) as private:
            await subscribed(hub, 1)
            assert _connections("private") == before_connections + 1
            checks = 0
            async with asyncio.timeout(10):
                async for frame in sse(private):
                    checks += frame["event"] == "reality_check"
                    if checks == 2:
                        break
        # The client went: the stream, its timer and the request's tasks end with it.
        async with asyncio.timeout(5):
            while hub.subscriber_count or [  # noqa: ASYNC110
                t for t in asyncio.all_tasks() - before if not t.done()
            ]:
                await asyncio.sleep(0.05)
        assert _connections("private") == before_connections
