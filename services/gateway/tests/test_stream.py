"""The live stream over real HTTP: tickets, public odds from the real bus, private isolation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from services.gateway.tests.live_stream import (
    StreamGateway,
    envelope,
    odds_changed,
    read_until,
    subscribed,
    ticket_for,
)

from common.auth.revocation import RevocationList
from common.messaging.broker import Broker
from common.messaging.envelope import Envelope
from common.testing.broker import BrokerNamespace
from common.testing.tokens import TokenIssuer
from gateway.settings import Settings as GatewaySettings
from gateway.stream import StreamHub, Subscriber


def bet_settled(user_id: uuid.UUID) -> Envelope:
    return envelope(
        "bets", "BetSettled", bet_id=str(uuid.uuid4()), user_id=str(user_id), result="won"
    )


@pytest.fixture
def publisher(broker_namespace: BrokerNamespace) -> BrokerNamespace:
    """Publishes each message as its producer's own broker user, as the services do."""
    return broker_namespace


async def publish(publisher: BrokerNamespace, *envelopes: Envelope) -> None:
    await publisher.publish(*envelopes)


async def test_stream_delivers_public_odds_and_only_the_users_own_notifications(
    stream_gateway: StreamGateway,
    token_issuer: TokenIssuer,
    publisher: BrokerNamespace,
) -> None:
    async with stream_gateway() as (http, hub):
        alice, bob = uuid.uuid4(), uuid.uuid4()
        ticket = await ticket_for(http, token_issuer.issue(user_id=alice))
        async with (
            http.stream("GET", "/api/stream", params={"ticket": ticket}) as private,
            http.stream("GET", "/api/stream") as public,
        ):
            assert private.status_code == 200
            assert private.headers["content-type"].startswith("text/event-stream")
            await subscribed(hub, 2)
            event_id = uuid.uuid4()
            odds, bobs, alices = odds_changed(event_id), bet_settled(bob), bet_settled(alice)
            marker = odds_changed(event_id, "2.10")
            await publish(publisher, odds, bobs, alices, marker)

            private_seen = await read_until(private, str(marker.event_id))
            assert [f["id"] for f in private_seen] == [
                str(odds.event_id),
                str(alices.event_id),
                str(marker.event_id),
            ]
            assert private_seen[0]["event"] == "OddsChanged"
            assert private_seen[0]["data"]["new_coefficient"] == "1.95"
            assert private_seen[1]["data"]["user_id"] == str(alice)

            public_seen = await read_until(public, str(marker.event_id))
            assert [f["event"] for f in public_seen] == ["OddsChanged", "OddsChanged"]

        # the ticket was one-time
        again = await http.get("/api/stream", params={"ticket": ticket})
        assert again.status_code == 401
        assert again.json()["error"]["code"] == "stream.invalid_ticket"


async def test_resettled_bets_and_failed_deposits_reach_only_their_owner(
    stream_gateway: StreamGateway,
    token_issuer: TokenIssuer,
    publisher: BrokerNamespace,
) -> None:
    async with stream_gateway() as (http, hub):
        alice, bob = uuid.uuid4(), uuid.uuid4()
        ticket = await ticket_for(http, token_issuer.issue(user_id=alice))
        async with (
            http.stream("GET", "/api/stream", params={"ticket": ticket}) as private,
            http.stream("GET", "/api/stream") as public,
        ):
            await subscribed(hub, 2)
            mine = [bet_resettled(alice), deposit_failed(alice)]
            theirs = [bet_resettled(bob), deposit_failed(bob)]
            marker = odds_changed(uuid.uuid4())
            await publish(publisher, theirs[0], mine[0], theirs[1], mine[1], marker)

            private_seen = await read_until(private, str(marker.event_id))
            assert [(f["id"], f["event"]) for f in private_seen] == [
                (str(mine[0].event_id), "BetResettled"),
                (str(mine[1].event_id), "DepositFailed"),
                (str(marker.event_id), "OddsChanged"),
            ]
            assert private_seen[0]["data"]["payout_delta_minor"] == -1_500
            assert private_seen[1]["data"]["reason"] == "card_declined"
            public_seen = await read_until(public, str(marker.event_id))
            assert [f["event"] for f in public_seen] == ["OddsChanged"]


def bet_resettled(user_id: uuid.UUID) -> Envelope:
    return envelope(
        "bets",
        "BetResettled",
        bet_id=str(uuid.uuid4()),
        user_id=str(user_id),
        settlement_version=2,
        old_result="won",
        new_result="lost",
        payout_delta_minor=-1_500,
        currency="USD",
    )


def deposit_failed(user_id: uuid.UUID) -> Envelope:
    return envelope(
        "wallet",
        "DepositFailed",
        operation_id=str(uuid.uuid4()),
        user_id=str(user_id),
        amount_minor=5_000,
        currency="USD",
        reason="card_declined",
    )


async def test_heartbeat_comments_keep_an_idle_stream_alive(
    stream_gateway: StreamGateway,
) -> None:
    async with (
        stream_gateway(stream_heartbeat_s=0.2) as (http, _hub),
        http.stream("GET", "/api/stream", params={"sport": "football"}) as stream,
    ):
        lines: list[str] = []
        async with asyncio.timeout(5):
            async for line in stream.aiter_lines():
                lines.append(line)
                if line == ": heartbeat":
                    break
        assert lines[0] == "retry: 3000"
        assert ": heartbeat" in lines


async def test_ticket_needs_a_valid_bearer(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.post("/api/stream/ticket")).status_code == 401
    bad = await gateway.post("/api/stream/ticket", headers={"authorization": "Bearer nope"})
    assert bad.status_code == 401


def _hub(make_settings: Any, **overrides: Any) -> StreamHub:
    return StreamHub(make_settings(GatewaySettings, **overrides))


async def test_filters_by_event_and_sport(make_settings: Any) -> None:
    hub = _hub(make_settings)
    football, tennis = uuid.uuid4(), uuid.uuid4()
    hub.dispatch(envelope("events", "EventCreated", event_id=str(football), sport="football"))
    hub.dispatch(envelope("events", "EventUpdated", event_id=str(tennis), sport="tennis"))
    by_event = Subscriber(user_id=None, event_id=str(tennis), sport=None)
    by_sport = Subscriber(user_id=None, event_id=None, sport="football")
    hub.subscribe(by_event, None)
    hub.subscribe(by_sport, None)
    hub.dispatch(odds_changed(football))
    hub.dispatch(odds_changed(tennis))
    assert by_event.queue.get_nowait().event_id == str(tennis)
    assert by_event.queue.empty()
    assert by_sport.queue.get_nowait().event_id == str(football)
    assert by_sport.queue.empty()


async def test_slow_client_is_dropped_without_blocking_others(make_settings: Any) -> None:
    hub = _hub(make_settings)
    slow = Subscriber(user_id=None, event_id=None, sport=None, queue=asyncio.Queue(maxsize=2))
    fast = Subscriber(user_id=None, event_id=None, sport=None, queue=asyncio.Queue(maxsize=100))
    hub.subscribe(slow, None)
    hub.subscribe(fast, None)
    for _ in range(5):
        hub.dispatch(odds_changed(uuid.uuid4()))
    assert slow.dropped.is_set()
    assert fast.queue.qsize() == 5
    assert hub.subscriber_count == 1


async def test_last_event_id_replays_what_was_missed(make_settings: Any) -> None:
    hub = _hub(make_settings)
    sent = [odds_changed(uuid.uuid4()) for _ in range(3)]
    someone_elses = bet_settled(uuid.uuid4())
    for item in (sent[0], someone_elses, sent[1], sent[2]):
        hub.dispatch(item)
    back = Subscriber(user_id=str(uuid.uuid4()), event_id=None, sport=None)
    hub.subscribe(back, str(sent[0].event_id))
    replayed = [back.queue.get_nowait().id for _ in range(back.queue.qsize())]
    assert replayed == [str(sent[1].event_id), str(sent[2].event_id)]


async def test_session_revoked_message_ends_private_stream_and_fills_deny_list(
    stream_gateway: StreamGateway,
    token_issuer: TokenIssuer,
    publisher: BrokerNamespace,
    infrastructure: Any,
    redis_prefix: str,
) -> None:
    async with stream_gateway() as (http, hub):
        user_id, session_id = uuid.uuid4(), uuid.uuid4()
        token = token_issuer.issue(user_id=user_id, session_id=session_id)
        ticket = await ticket_for(http, token)
        async with http.stream("GET", "/api/stream", params={"ticket": ticket}) as private:
            await subscribed(hub, 1)
            expires_at = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
            revoked = envelope(
                "auth",
                "SessionRevoked",
                session_id=str(session_id),
                user_id=str(user_id),
                expires_at=expires_at,
            )
            await publish(publisher, revoked)
            async with asyncio.timeout(5):  # the stream ends: the loop finishes
                async for _ in private.aiter_lines():
                    pass
        assert hub.subscriber_count == 0
        redis = Redis.from_url(infrastructure.redis_url)
        try:
            assert await RevocationList(redis, prefix=redis_prefix).is_revoked(session_id)
        finally:
            await redis.aclose()
        refused = await http.post(
            "/api/stream/ticket", headers={"authorization": f"Bearer {token}"}
        )
        assert refused.status_code == 401


async def test_a_forged_producer_never_reaches_a_browser(
    make_settings: Any, broker_namespace: BrokerNamespace
) -> None:
    hub = _hub(make_settings)
    await hub.start()
    try:
        await asyncio.wait_for(hub.ready.wait(), 10)
        watcher = Subscriber(user_id=None, event_id=None, sport=None)
        hub.subscribe(watcher, None)
        labels = {"service": "gateway", "reason": "forged_producer"}
        before = REGISTRY.get_sample_value("looseline_messages_rejected_total", labels) or 0.0
        event_id = uuid.uuid4()
        # bets' user, on a key it may write and the stream is bound to, claiming to be events
        forged = odds_changed(event_id, "100.00")
        forger = Broker(broker_namespace.url_for("bets"), exchange_name=hub.broker.exchange_name)
        await forger.start()
        try:
            await forger.wait_connected(10)
            body = forged.model_dump_json().encode()
            await forger.publish([("bets.BetPlaced", body, str(forged.event_id), {})])
        finally:
            await forger.stop()
        marker = odds_changed(event_id, "1.80")
        await broker_namespace.publish(marker)

        seen = await asyncio.wait_for(watcher.queue.get(), 5)
        assert seen.id == str(marker.event_id)  # the forgery, sent first, was never dispatched
        assert watcher.queue.empty()
        after = REGISTRY.get_sample_value("looseline_messages_rejected_total", labels)
        assert after == before + 1
    finally:
        await hub.stop()
