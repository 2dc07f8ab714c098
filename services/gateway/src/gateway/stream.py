"""The live stream: Server-Sent Events fed from RabbitMQ (ARCHITECTURE.md §6).

One exclusive, auto-delete classic queue per gateway instance is bound to the routing keys the
stream carries; every message is fanned out in memory to the connected clients' bounded
``asyncio.Queue``s. A client whose queue is full is dropped (it reconnects with
``Last-Event-ID``) instead of slowing the others. Idle connections cost one coroutine each.

Public events (odds, scores, status, markets) go to everyone, filtered by ``event_id`` and
``sport``; private notifications (bets, wallet) go only to the user whose one-time ticket
opened the stream.

The gateway logs in to RabbitMQ as user ``gateway``, which may only consume. A message reaches
browsers only if its AMQP ``user_id`` (vouched for by RabbitMQ) is the producer its envelope
claims (``common.messaging.identity``): a forged ``OddsChanged`` is dropped, counted in
``looseline_messages_rejected_total`` and logged as an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import Gauge
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.auth.revocation import RevocationList
from common.auth.tokens import InvalidToken, TokenVerifier, VerificationUnavailable
from common.errors import error_body
from common.logging import get_logger
from common.messaging.broker import Broker
from common.messaging.envelope import Envelope
from common.messaging.identity import forged
from gateway.access import bearer_token
from gateway.settings import Settings

log = get_logger(__name__)

PUBLIC_KEYS = (
    "events.OddsChanged",
    "events.ScoreUpdated",
    "events.EventStatusChanged",
    "events.MarketChanged",
)
PRIVATE_KEYS = (
    "bets.BetPlaced",
    "bets.BetRejected",
    "bets.BetSettled",
    "bets.BetResettled",
    "wallet.DepositCompleted",
    "wallet.DepositFailed",
    "wallet.WithdrawalRequested",
    "wallet.WithdrawalCompleted",
    "wallet.WithdrawalRejected",
    "wallet.WithdrawalCancelled",
    "wallet.SubscriptionCharged",
    "wallet.SubscriptionSuspended",
    "wallet.SubscriptionResumed",
    "wallet.SubscriptionCancelled",
    "wallet.PackagePurchased",
    "wallet.PackageNotice",
    "wallet.PackageUnitsLapsed",
)
# Not streamed: they teach the gateway each event's sport for the ``sport`` filter.
SPORT_KEYS = ("events.EventCreated", "events.EventUpdated")
# Not streamed: the backup feed of the deny-list (auth also writes it directly) and the end of
# a signed-out session's or blocked user's private streams.
AUTH_KEYS = ("auth.SessionRevoked", "auth.UserBlocked")

STREAM_CONNECTIONS = Gauge(
    "looseline_gateway_stream_connections", "Open live-stream connections", ["channel"]
)


@dataclass(frozen=True)
class StreamEvent:
    id: str
    event: str
    data: dict[str, Any]
    user_id: str | None  # set for private notifications only
    event_id: str | None
    sport: str | None

    def frame(self) -> bytes:
        data = json.dumps(self.data, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.event}\ndata: {data}\n\n".encode()


@dataclass(eq=False)
class Subscriber:
    user_id: str | None
    event_id: str | None
    sport: str | None
    queue: asyncio.Queue[StreamEvent] = field(default_factory=asyncio.Queue)
    dropped: asyncio.Event = field(default_factory=asyncio.Event)
    session_id: str | None = None

    def drop(self) -> None:
        self.dropped.set()
        with contextlib.suppress(asyncio.QueueFull):  # wakes a stream waiting for data
            self.queue.put_nowait(_WAKE)

    def wants(self, item: StreamEvent) -> bool:
        if item.user_id is not None:
            return item.user_id == self.user_id  # another user's notification: never
        if self.event_id is not None and item.event_id != self.event_id:
            return False
        return self.sport is None or item.sport == self.sport


_WAKE = StreamEvent(id="", event="", data={}, user_id=None, event_id=None, sport=None)


class StreamHub:
    """In-memory fan-out of one gateway instance's stream queue."""

    def __init__(self, settings: Settings, revocations: RevocationList | None = None) -> None:
        self._settings = settings
        self._revocations = revocations
        self._subscribers: set[Subscriber] = set()
        self._recent: deque[StreamEvent] = deque(maxlen=settings.stream_replay_size)
        self._sports: OrderedDict[str, str] = OrderedDict()
        self.broker = Broker(settings.rabbitmq_url, exchange_name=settings.exchange_name)
        self._channel: AbstractChannel | None = None
        self.ready = asyncio.Event()

    # lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        self.broker.on_connect(self._consume)
        await self.broker.start()

    async def stop(self) -> None:
        for subscriber in list(self._subscribers):
            subscriber.drop()
        if self._channel is not None:
            with contextlib.suppress(Exception):
                await self._channel.close()
        await self.broker.stop()

    async def _consume(self) -> None:
        channel = await self.broker.connection.channel()
        await channel.set_qos(prefetch_count=500)
        exchange = await channel.get_exchange(self.broker.exchange_name)  # passive: not ours
        name = f"{self._settings.queue_prefix}gateway.stream.{uuid.uuid4().hex[:12]}"
        queue = await channel.declare_queue(
            name,
            exclusive=True,
            auto_delete=True,
            arguments={"x-queue-type": "classic", "x-max-length": 10_000},
        )
        for key in (*PUBLIC_KEYS, *PRIVATE_KEYS, *SPORT_KEYS, *AUTH_KEYS):
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._on_message, no_ack=True)
        self._channel = channel
        self.ready.set()
        log.info("stream.consuming", queue=name)

    # fan-out -------------------------------------------------------------------------
    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError:
            log.warning("stream.bad_envelope", message_id=message.message_id)
            return
        if forged("gateway", message, envelope, self.broker.user):
            return  # a forged OddsChanged must never reach a browser
        if envelope.routing_key in AUTH_KEYS:
            await self._signed_out(envelope)
        else:
            self.dispatch(envelope)

    async def _signed_out(self, envelope: Envelope) -> None:
        payload = envelope.payload
        if envelope.type == "SessionRevoked":
            session_id = str(payload.get("session_id", ""))
            self.close(lambda s: s.session_id == session_id)
            if self._revocations is not None:
                try:
                    await self._revocations.revoke(
                        uuid.UUID(session_id),
                        until=datetime.fromisoformat(str(payload["expires_at"])),
                    )
                except (KeyError, ValueError, RedisError, OSError) as exc:
                    log.warning("stream.revocation_not_recorded", error=type(exc).__name__)
        else:
            user_id = str(payload.get("user_id", ""))
            self.close(lambda s: s.user_id == user_id)

    def close(self, which: Callable[[Subscriber], bool]) -> None:
        """End the matching streams (e.g. every private stream of a signed-out session)."""
        for subscriber in list(self._subscribers):
            if subscriber.user_id is not None and which(subscriber):
                self._subscribers.discard(subscriber)
                subscriber.drop()

    def dispatch(self, envelope: Envelope) -> None:
        payload = envelope.payload
        key = envelope.routing_key
        event_id = str(payload["event_id"]) if payload.get("event_id") else None
        if key in SPORT_KEYS:
            if event_id and isinstance(payload.get("sport"), str):
                self._sports[event_id] = payload["sport"]
                self._sports.move_to_end(event_id)
                while len(self._sports) > 50_000:
                    self._sports.popitem(last=False)
            return
        private = key in PRIVATE_KEYS
        user_id = str(payload.get("user_id") or "") if private else None
        if private and not user_id:
            return  # a private notification without its owner goes nowhere
        item = StreamEvent(
            id=str(envelope.event_id),
            event=envelope.type,
            data=payload,
            user_id=user_id,
            event_id=event_id,
            sport=payload.get("sport") or (self._sports.get(event_id) if event_id else None),
        )
        self._recent.append(item)
        for subscriber in list(self._subscribers):
            if not subscriber.wants(item):
                continue
            try:
                subscriber.queue.put_nowait(item)
            except asyncio.QueueFull:  # a slow client: drop it, never block the others
                self._subscribers.discard(subscriber)
                subscriber.dropped.set()  # its full queue wakes it

    def subscribe(self, subscriber: Subscriber, last_event_id: str | None) -> None:
        """Register; replay what it missed since ``last_event_id`` when still remembered."""
        if last_event_id:
            recent = list(self._recent)
            ids = [item.id for item in recent]
            if last_event_id in ids:
                for item in recent[ids.index(last_event_id) + 1 :]:
                    if subscriber.wants(item):
                        with contextlib.suppress(asyncio.QueueFull):
                            subscriber.queue.put_nowait(item)
        self._subscribers.add(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)


class Tickets:
    """One-time stream tickets in Redis: ``{ticket}`` → the user and session, 60 s."""

    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self.ttl_s = ttl_s

    def _key(self, ticket: str) -> str:
        return f"{self._prefix}stream-ticket:{ticket}"

    async def issue(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        ticket = secrets.token_urlsafe(32)
        value = json.dumps({"user_id": str(user_id), "session_id": str(session_id)})
        await self._redis.set(self._key(ticket), value, ex=self.ttl_s, nx=True)
        return ticket

    async def redeem(self, ticket: str) -> tuple[str, uuid.UUID] | None:
        """(user id, session id) of a valid ticket, which is used up; else ``None``."""
        if not ticket or len(ticket) > 100:
            return None
        raw = await self._redis.getdel(self._key(ticket))
        if raw is None:
            return None
        value = json.loads(raw)
        return str(value["user_id"]), uuid.UUID(value["session_id"])


def stream_router(
    hub: StreamHub,
    tickets: Tickets,
    verifier: TokenVerifier,
    revocations: RevocationList,
    settings: Settings,
) -> APIRouter:
    router = APIRouter(tags=["stream"])

    @router.post("/api/stream/ticket")
    async def issue_ticket(request: Request) -> dict[str, Any]:
        """A one-time ticket (valid 60 s) that opens the private channel of ``GET /api/stream``."""
        token = bearer_token(request)
        if token is None:
            raise InvalidToken()
        principal = await verifier.verify(token)
        try:
            ticket = await tickets.issue(principal.user_id, principal.session_id)
        except (RedisError, OSError):
            raise VerificationUnavailable() from None
        return {"ticket": ticket, "expires_in": tickets.ttl_s}

    @router.get("/api/stream", response_class=StreamingResponse)
    async def stream(
        request: Request,
        ticket: str | None = Query(None, max_length=100),
        event_id: uuid.UUID | None = None,
        sport: str | None = Query(None, max_length=100),
    ) -> Response:
        """Server-Sent Events: public odds/scores/status/markets, plus with a ticket the
        user's own bet and wallet notifications."""
        user_id: str | None = None
        session_id: str | None = None
        if ticket is not None:
            try:
                redeemed = await tickets.redeem(ticket)
                revoked = redeemed is not None and await revocations.is_revoked(redeemed[1])
            except (RedisError, OSError):
                raise VerificationUnavailable() from None
            if redeemed is None or revoked:
                return JSONResponse(
                    error_body("stream.invalid_ticket", "The stream ticket is not valid."),
                    status_code=401,
                )
            user_id, session_id = redeemed[0], str(redeemed[1])
        subscriber = Subscriber(
            user_id=user_id,
            session_id=session_id,
            event_id=str(event_id) if event_id else None,
            sport=sport,
            queue=asyncio.Queue(maxsize=settings.stream_client_buffer),
        )
        hub.subscribe(subscriber, request.headers.get("last-event-id"))
        return StreamingResponse(
            _frames(hub, subscriber, settings.stream_heartbeat_s),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    return router


async def _frames(
    hub: StreamHub, subscriber: Subscriber, heartbeat_s: float
) -> AsyncIterator[bytes]:
    channel = "private" if subscriber.user_id else "public"
    STREAM_CONNECTIONS.labels(channel).inc()
    try:
        yield b"retry: 3000\n: connected\n\n"
        while not subscriber.dropped.is_set():
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), heartbeat_s)
            except TimeoutError:
                yield b": heartbeat\n\n"
                continue
            if subscriber.dropped.is_set():
                break
            yield item.frame()
    finally:
        hub.unsubscribe(subscriber)
        STREAM_CONNECTIONS.labels(channel).dec()
