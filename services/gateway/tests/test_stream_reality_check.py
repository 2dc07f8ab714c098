"""Reality checks (issue 23) on the live stream: the figures, over real HTTP from the real bus.

The interval's unit is shrunk (``reality_check_unit_s``): "10 minutes" takes a fraction of a
second, nothing sleeps minutes.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from prometheus_client import REGISTRY
from services.gateway.tests.live_stream import (
    HEARTBEAT,
    Frame,
    StreamGateway,
    collect,
    counted,
    odds_changed,
    private_stream,
    subscribed,
    ticket_for,
)

from common.contracts.bets import BetCancelled, BetLeg, BetPlaced, BetResettled, BetSettled
from common.messaging.envelope import Envelope, wrap
from common.testing.broker import BrokerNamespace
from common.testing.tokens import TokenIssuer
from gateway.stream import SessionTally

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


@pytest.fixture
def gateway(stream_gateway: StreamGateway) -> StreamGateway:
    """A served gateway whose reality-check "minute" is ``UNIT_S``."""
    return functools.partial(stream_gateway, reality_check_unit_s=UNIT_S)


def marker_then_check(marker: Envelope) -> Callable[[list[Frame]], bool]:
    """For ``collect``: up to the marker, then up to the next reality check (which counts all
    before)."""
    return lambda seen: (
        seen[-1]["event"] == "reality_check"
        and any(f.get("id") == str(marker.event_id) for f in seen)
    )


async def test_reality_check_counts_the_users_own_bets_to_the_cent(
    gateway: StreamGateway, token_issuer: TokenIssuer, broker_namespace: BrokerNamespace
) -> None:
    async with gateway() as (http, hub):
        alice, bob = uuid.uuid4(), uuid.uuid4()
        token = token_issuer.issue(user_id=alice)
        opened_at = datetime.now(UTC)
        async with private_stream(http, token, reality_check_minutes="10") as private:
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
            marker = odds_changed(uuid.uuid4())
            await broker_namespace.publish(*bobs_messages, *alices, marker)

            seen = await collect(private, marker_then_check(marker), heartbeats=True)

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
    gateway: StreamGateway, token_issuer: TokenIssuer
) -> None:
    # 10 "minutes" of 0.05 s: a check every 0.5 s; the heartbeat slower than the checks.
    async with gateway(reality_check_unit_s=0.05) as (http, _hub):
        token = token_issuer.issue(user_id=uuid.uuid4())
        async with private_stream(http, token, reality_check_minutes="10") as private:
            loop = asyncio.get_running_loop()
            started = loop.time()
            seen = await collect(private, counted("reality_check", 3), heartbeats=True)
            elapsed = loop.time() - started
        checks = [f["data"] for f in seen if f["event"] == "reality_check"]
        assert elapsed >= 1.5 * 0.9  # three intervals of 0.5 s, not sooner
        for number, check in enumerate(checks, start=1):
            assert int(number * 0.5) <= check["played_s"] <= int(number * 0.5) + 1
            assert check["bets_placed"] == 0
            assert check["currency"] is None
        assert len({c["session_started_at"] for c in checks}) == 1


@pytest.mark.parametrize("minutes", ["9", "241", "0", "-10", "abc", "12.5"])
async def test_an_interval_outside_10_to_240_is_422_and_keeps_the_ticket(
    minutes: str, gateway: StreamGateway, token_issuer: TokenIssuer
) -> None:
    async with gateway() as (http, _hub):
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


async def test_reality_checks_without_a_ticket_are_422(gateway: StreamGateway) -> None:
    async with gateway() as (http, hub):
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
    gateway: StreamGateway, token_issuer: TokenIssuer, broker_namespace: BrokerNamespace
) -> None:
    # Were checks on, "10 minutes" would be 0.2 s: three heartbeats of 0.3 s outlast several.
    async with gateway(stream_heartbeat_s=0.3) as (http, hub):
        alice = uuid.uuid4()
        async with private_stream(http, token_issuer.issue(user_id=alice)) as private:
            await subscribed(hub, 1)
            bet = placed(alice, 1_000)
            await broker_namespace.publish(wrap(bet), wrap(settled(bet, "won", 2_500)))
            frames = await collect(private, counted(HEARTBEAT, 3), heartbeats=True)
            seen = [frame["event"] for frame in frames]
        assert [e for e in seen if e != ": heartbeat"] == ["BetPlaced", "BetSettled"]


def _connections(channel: str) -> float:
    value = REGISTRY.get_sample_value("looseline_gateway_stream_connections", {"channel": channel})
    return value or 0.0


async def test_the_timer_ends_with_the_connection(
    gateway: StreamGateway, token_issuer: TokenIssuer
) -> None:
    async with gateway(stream_heartbeat_s=0.2) as (http, hub):
        token = token_issuer.issue(user_id=uuid.uuid4())
        before_connections = _connections("private")
        before = asyncio.all_tasks()
        async with private_stream(http, token, reality_check_minutes="10") as private:
            await subscribed(hub, 1)
            assert _connections("private") == before_connections + 1
            await collect(private, counted("reality_check", 2), heartbeats=True)
        # The client went: the stream, its timer and the request's tasks end with it.
        async with asyncio.timeout(5):
            while hub.subscriber_count or [  # noqa: ASYNC110
                t for t in asyncio.all_tasks() - before if not t.done()
            ]:
                await asyncio.sleep(0.05)
        assert _connections("private") == before_connections
