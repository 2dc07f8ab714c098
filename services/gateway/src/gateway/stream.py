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

Reality checks (issue 23): a private stream opened with ``reality_check_minutes=N`` gets a
``reality_check`` frame every N minutes after it opened, with the time played and the net result
of the user's own bets messages this connection delivered (``SessionTally``). The session is the
connection: a reload or a reconnect starts a new one. The figures live in this process's memory
with the connection, and the timer is the stream's own loop: no task outlives the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import secrets
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import Gauge
from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.auth.revocation import RevocationList
from common.auth.tokens import InvalidToken, TokenVerifier, VerificationUnavailable
from common.contracts.bets import BetCancelled, BetPlaced, BetResettled, BetSettled
from common.errors import error_body
from common.logging import get_logger
from common.messaging.broker import Broker
from common.messaging.envelope import Envelope, UnknownMessage, registry
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
# Not streamed: counted in its owner's reality checks only (a cancelled bet's stake comes back;
# bets announces a cancellation with BetCancelled alone, no BetSettled).
TALLY_ONLY_KEYS = ("bets.BetCancelled",)
# What a reality check counts: these, delivered to the connection, and TALLY_ONLY_KEYS.
TALLIED_KEYS = ("bets.BetPlaced", "bets.BetSettled", "bets.BetResettled", *TALLY_ONLY_KEYS)
# The interval a client may ask for, in minutes (auth's display preference has the same bounds).
REALITY_CHECK_MIN_MINUTES = 10
REALITY_CHECK_MAX_MINUTES = 240

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


@dataclass
class _SessionBet:
    stake_minor: int  # the bet's stake (a free bet's too: its winnings are payout minus it)
    free_bet: bool
    payout_minor: int | None = None  # gross payout after the settlements counted; None: open


def _returned_minor(payout_minor: int, stake_minor: int, *, free_bet: bool) -> int:
    """What a settlement pays the user: a free bet's winnings only (the house staked it, as the
    wallet pays it: ``wallet.domain.packages.free_bet_payout``), any other bet its gross payout."""
    return max(payout_minor - stake_minor, 0) if free_bet else payout_minor


@dataclass(eq=False)
class SessionTally:
    """A reality check's figures: the user's own bets messages one stream connection delivered.

    ``BetPlaced`` adds its stake (a free bet none), ``BetSettled`` its payout to the returns (a free
    bet placed in the session only its winnings), ``BetResettled`` its signed payout delta, and
    ``BetCancelled`` gives back the stake of a bet placed in the session. Each message counts once
    (by bet, and by settlement version for a correction): a redelivery moves nothing twice.
    A message in another currency than the session's first is not counted (never adds two
    currencies together). Pure: no I/O, the clock is the caller's.
    """

    started_at: datetime
    currency: str | None = None
    stakes_minor: int = 0
    returns_minor: int = 0
    bets_placed: int = 0
    bets_settled: int = 0
    _bets: dict[uuid.UUID, _SessionBet] = field(default_factory=dict, repr=False)
    _counted: set[tuple[str, uuid.UUID, int]] = field(default_factory=set, repr=False)

    @property
    def net_minor(self) -> int:
        return self.returns_minor - self.stakes_minor

    def count(self, message: BaseModel) -> None:
        match message:
            case BetPlaced():
                key = ("placed", message.bet_id, 0)
            case BetSettled():
                key = ("settled", message.bet_id, 1)
            case BetResettled():
                key = ("resettled", message.bet_id, message.settlement_version)
            case BetCancelled():
                key = ("cancelled", message.bet_id, 0)
            case _:
                return
        if key in self._counted or not self._same_currency(getattr(message, "currency", None)):
            return
        self._counted.add(key)
        bet = self._bets.get(message.bet_id)
        match message:
            case BetPlaced():
                self.bets_placed += 1
                if not message.free_bet:
                    self.stakes_minor += message.stake_minor
                if bet is None:
                    self._bets[message.bet_id] = _SessionBet(message.stake_minor, message.free_bet)
                else:  # its settlement came first (several relays may reorder)
                    bet.stake_minor, bet.free_bet = message.stake_minor, message.free_bet
            case BetSettled():
                self.bets_settled += 1
                if bet is None:  # placed before the session: its stake was never counted
                    bet = self._bets[message.bet_id] = _SessionBet(message.stake_minor, False)
                self.returns_minor += _returned_minor(
                    message.payout_minor, message.stake_minor, free_bet=bet.free_bet
                )
                bet.payout_minor = message.payout_minor
            case BetResettled():
                if bet is None or bet.payout_minor is None:
                    self.returns_minor += message.payout_delta_minor
                else:
                    before = bet.payout_minor
                    bet.payout_minor = before + message.payout_delta_minor
                    self.returns_minor += _returned_minor(
                        bet.payout_minor, bet.stake_minor, free_bet=bet.free_bet
                    ) - _returned_minor(before, bet.stake_minor, free_bet=bet.free_bet)
            case BetCancelled():
                # Only an open bet of this session's is cancelled with its stake given back;
                # a free bet's unit goes back to its package, no money.
                if bet is not None and not bet.free_bet and bet.payout_minor is None:
                    self.returns_minor += bet.stake_minor

    def _same_currency(self, currency: str | None) -> bool:
        if currency is None or self.currency is None:
            self.currency = self.currency or currency
            return True
        return currency == self.currency

    def figures(self, played_s: int) -> dict[str, Any]:
        """The ``reality_check`` frame's data."""
        return {
            "session_started_at": self.started_at.isoformat(),
            "played_s": played_s,
            "stakes_minor": self.stakes_minor,
            "returns_minor": self.returns_minor,
            "net_minor": self.net_minor,
            "currency": self.currency,
            "bets_placed": self.bets_placed,
            "bets_settled": self.bets_settled,
        }


def reality_check_frame(tally: SessionTally, played_s: int) -> bytes:
    """No ``id:``: the browser's Last-Event-ID stays the last message's, which replay knows."""
    data = json.dumps(tally.figures(played_s), separators=(",", ":"))
    return f"event: reality_check\ndata: {data}\n\n".encode()


@dataclass(eq=False)
class Subscriber:
    user_id: str | None
    event_id: str | None
    sport: str | None
    queue: asyncio.Queue[StreamEvent] = field(default_factory=asyncio.Queue)
    dropped: asyncio.Event = field(default_factory=asyncio.Event)
    session_id: str | None = None
    # Set on a private stream opened with reality checks: what its reality checks say.
    reality: SessionTally | None = None

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
        for key in (*PUBLIC_KEYS, *PRIVATE_KEYS, *SPORT_KEYS, *AUTH_KEYS, *TALLY_ONLY_KEYS):
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
        private = key in PRIVATE_KEYS or key in TALLY_ONLY_KEYS
        user_id = str(payload.get("user_id") or "") if private else None
        if private and not user_id:
            return  # a private notification without its owner goes nowhere
        if key in TALLY_ONLY_KEYS:
            self._tally(envelope, str(user_id))
            return
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
        if user_id and key in TALLIED_KEYS:
            self._tally(envelope, user_id)

    def _tally(self, envelope: Envelope, user_id: str) -> None:
        """Count a bets message in its owner's reality checks (the live connections only: a
        Last-Event-ID replay shows what happened before the session, and counts nothing)."""
        tallies = [
            s.reality for s in self._subscribers if s.reality is not None and s.user_id == user_id
        ]
        if not tallies:
            return
        try:
            message = registry.parse(envelope)
        except (UnknownMessage, ValidationError):
            log.warning("stream.reality_check_unreadable", message_type=envelope.type)
            return
        for tally in tallies:
            tally.count(message)

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
        reality_check_minutes: int | None = Query(
            None,
            ge=REALITY_CHECK_MIN_MINUTES,
            le=REALITY_CHECK_MAX_MINUTES,
            description=(
                "With a ticket: a `reality_check` frame every this many minutes after the "
                "stream opened (time played, stakes, returns, net of this connection)."
            ),
        ),
    ) -> Response:
        """Server-Sent Events: public odds/scores/status/markets, plus with a ticket the
        user's own bet and wallet notifications (and reality checks when asked for)."""
        if reality_check_minutes is not None and ticket is None:
            # Refused before anything else: a public stream has no bets to count.
            raise RequestValidationError(
                [
                    {
                        "loc": ("query", "reality_check_minutes"),
                        "msg": "Reality checks need a stream ticket (the user's own bets).",
                        "type": "reality_check_needs_ticket",
                    }
                ]
            )
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
            reality=SessionTally(datetime.now(UTC)) if reality_check_minutes else None,
        )
        reality_check_s = (
            reality_check_minutes * settings.reality_check_unit_s if reality_check_minutes else None
        )
        hub.subscribe(subscriber, request.headers.get("last-event-id"))
        return StreamingResponse(
            _frames(hub, subscriber, settings.stream_heartbeat_s, reality_check_s),
            media_type="text/event-stream",
            headers={"cache-control": "no-store", "x-accel-buffering": "no"},
        )

    return router


async def _frames(
    hub: StreamHub,
    subscriber: Subscriber,
    heartbeat_s: float,
    reality_check_s: float | None = None,
) -> AsyncIterator[bytes]:
    """The connection's frames. Its one loop also keeps the reality-check timer: a check is due
    every ``reality_check_s`` after the stream opened, however busy the stream; nothing is left
    running when the client goes (the loop ends with the response)."""
    channel = "private" if subscriber.user_id else "public"
    STREAM_CONNECTIONS.labels(channel).inc()
    clock = asyncio.get_running_loop().time
    opened = clock()
    checks = subscriber.reality if reality_check_s else None
    due = opened + reality_check_s if checks is not None and reality_check_s else math.inf
    try:
        yield b"retry: 3000\n: connected\n\n"
        while not subscriber.dropped.is_set():
            now = clock()
            if checks is not None and reality_check_s and now >= due:
                yield reality_check_frame(checks, played_s=int(now - opened))
                while due <= now:  # a check missed while the loop was busy is not sent twice
                    due += reality_check_s
                continue
            wait_s = min(heartbeat_s, due - now)
            try:
                async with asyncio.timeout(wait_s):
                    item = await subscriber.queue.get()
            except TimeoutError:
                if wait_s < heartbeat_s:
                    continue  # a reality check is due: the loop's top sends it
                yield b": heartbeat\n\n"
                continue
            if subscriber.dropped.is_set():
                break
            yield item.frame()
    finally:
        hub.unsubscribe(subscriber)
        STREAM_CONNECTIONS.labels(channel).dec()
