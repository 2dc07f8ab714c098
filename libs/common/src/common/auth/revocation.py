"""The deny-list of revoked sessions, in Redis (ARCHITECTURE.md §5).

Auth writes an entry when a session ends (sign-out, password change, block, refresh-token
reuse); every verifier reads it on every request, so a revocation holds at once everywhere.
An entry only has to outlive the session's last access token: its TTL is that token's remaining
life plus ``grace_s`` (the verifiers' clock-skew leeway, during which an expired token still
passes), at least one second.

Writing is idempotent (``SET NX`` + ``PEXPIRE GT``: an entry may be lengthened, never shortened),
so a writer may write the same revocations again and again: auth re-writes every session revoked
within the last access-token lifetime every few seconds (``revoke_each``), so a revocation
whose first write failed (Redis unreachable) is retried until it no longer matters, never lost.

Reading Redis on every request was a round trip per request for an answer that almost never
changes, so each process keeps a short local cache of answers (``CACHE_TTL_S``, bounded in
size), trusted only while its subscription to the revocation channel is live: every write
also publishes the session ids (after the keys are set, in the same pipeline), and every
process's ``listen`` task evicts them on receipt. So a revocation is refused everywhere as soon
as the message arrives, not after the TTL. While the subscription is down (not yet started,
Redis away, a process that never runs ``listen``) the cache is neither read nor written: every
check goes to Redis as before. A look-up that raced with an invalidation is not cached.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from common.logging import get_logger

log = get_logger(__name__)

MIN_TTL_MS = 1000
# How long a process believes an answer without asking Redis again. Invalidation is by
# pub/sub at once; the TTL only bounds a lost message's effect (the subscription broke and
# came back between the publish and its delivery).
CACHE_TTL_S = 1.0
CACHE_MAX_SESSIONS = 100_000
# Between attempts to subscribe again after the subscription broke.
RESUBSCRIBE_DELAY_S = 1.0
CLOSE_TIMEOUT_S = 0.5


class RevocationList:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "looseline:",
        grace_s: float = 0.0,
        cache_ttl_s: float = CACHE_TTL_S,
        cache_max_sessions: int = CACHE_MAX_SESSIONS,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._grace_s = grace_s
        self._cache = _AnswerCache(cache_ttl_s, cache_max_sessions)
        self.channel = f"{prefix}revoked-sessions"

    def key(self, session_id: uuid.UUID) -> str:
        return f"{self._prefix}revoked-session:{session_id}"

    @property
    def listening(self) -> bool:
        """Subscribed to the revocation channel: the local cache is in use."""
        return self._cache.trusted

    async def revoke(self, session_id: uuid.UUID, *, until: datetime) -> None:
        await self.revoke_many([session_id], until=until)

    async def revoke_many(self, session_ids: Iterable[uuid.UUID], *, until: datetime) -> None:
        """Revoke every session in one round trip (e.g. all of a blocked user's sessions)."""
        await self.revoke_each(dict.fromkeys(session_ids, until))

    async def revoke_each(self, until_by_session: Mapping[uuid.UUID, datetime]) -> None:
        """Revoke sessions, each until its own time, in one round trip. Raises if Redis does
        not take them all (the caller retries: writing twice is harmless)."""
        if not until_by_session:
            return
        pipe = self._redis.pipeline(transaction=False)
        for session_id, until in until_by_session.items():
            key, ttl_ms = self.key(session_id), self._ttl_ms(until)
            # NX + PEXPIRE GT: a second revocation may lengthen an entry, never shorten it.
            pipe.set(key, "1", px=ttl_ms, nx=True)
            pipe.pexpire(key, ttl_ms, gt=True)
        # After the keys (a pipeline runs in order): whoever is told looks up the new entry.
        pipe.publish(self.channel, " ".join(str(s) for s in until_by_session))
        await pipe.execute()

    async def is_revoked(self, session_id: uuid.UUID) -> bool:
        cached = self._cache.get(session_id)
        if cached is not None:
            return cached
        generation = self._cache.generation
        revoked = bool(await self._redis.exists(self.key(session_id)))
        self._cache.put(session_id, revoked, seen_generation=generation)
        return revoked

    async def listen(self) -> None:
        """Keep the local cache honest: subscribe to the revocation channel and evict what it
        announces; resubscribe when it breaks. Runs until cancelled (``ServiceRuntime``).

        The subscription runs in a task of its own, shielded: redis-py can swallow a
        cancellation that lands in a read, so the stop is also a flag it checks every tick."""
        stop = asyncio.Event()
        follower = asyncio.create_task(self._follow(stop), name="revocations-follow")
        try:
            await asyncio.shield(follower)
        finally:
            stop.set()
            follower.cancel()
            self._cache.distrust()

    async def _follow(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                await self._evict_announced(pubsub, stop)
            except (RedisError, OSError) as exc:
                if not stop.is_set():
                    log.warning("revocations.subscription_lost", error=type(exc).__name__)
            finally:
                self._cache.distrust()
                await _close(pubsub)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESUBSCRIBE_DELAY_S)

    async def _evict_announced(self, pubsub: PubSub, stop: asyncio.Event) -> None:
        trusted = False
        while not stop.is_set():
            message = await pubsub.get_message(timeout=RESUBSCRIBE_DELAY_S)
            if message is None:
                continue
            if message["type"] == "subscribe" and not trusted:
                self._cache.trust()  # from here on every revocation reaches us
                trusted = True
            elif message["type"] == "message":
                data = message["data"]
                text = data.decode() if isinstance(data, bytes) else str(data)
                self._cache.evict(text.split())

    def _ttl_ms(self, until: datetime) -> int:
        if until.tzinfo is None:
            raise ValueError("until must be timezone-aware")
        remaining_s = (until - datetime.now(UTC)).total_seconds() + self._grace_s
        return max(MIN_TTL_MS, math.ceil(remaining_s * 1000))


async def _close(pubsub: PubSub) -> None:
    """Close the subscription, bounded: cancelled in the middle of a read (a shutdown),
    redis-py's close can wait forever; the client's own close releases the connection then."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py


class _AnswerCache:
    """Session id → (revoked?, when asked), used only while ``trusted`` (subscribed).

    ``generation`` moves on every invalidation, so an answer fetched across one is dropped
    rather than cached (it may predate the revocation that was just announced)."""

    def __init__(self, ttl_s: float, max_sessions: int) -> None:
        self._ttl_s = ttl_s
        self._max = max_sessions
        self._answers: dict[uuid.UUID, tuple[bool, float]] = {}
        self.generation = 0
        self.trusted = False

    def get(self, session_id: uuid.UUID) -> bool | None:
        if not self.trusted:
            return None
        found = self._answers.get(session_id)
        if found is None or time.monotonic() - found[1] >= self._ttl_s:
            return None
        return found[0]

    def put(self, session_id: uuid.UUID, revoked: bool, *, seen_generation: int) -> None:
        if not self.trusted or seen_generation != self.generation or self._ttl_s <= 0:
            return
        if len(self._answers) >= self._max:  # bounded: drop the oldest answer
            self._answers.pop(next(iter(self._answers)))
        self._answers[session_id] = (revoked, time.monotonic())

    def evict(self, session_ids: Iterable[str]) -> None:
        self.generation += 1
        for text in session_ids:
            try:
                self._answers.pop(uuid.UUID(text), None)
            except ValueError:
                continue

    def trust(self) -> None:
        self.generation += 1
        self._answers.clear()
        self.trusted = True

    def distrust(self) -> None:
        self.trusted = False
        self.generation += 1
        self._answers.clear()
