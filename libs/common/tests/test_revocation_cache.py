"""The deny-list's local cache: answers kept for a moment, but a revocation announced over real
Redis pub/sub reaches every other process at once — not after the cache's TTL."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from common.auth import RevocationList, SessionRevoked, StaticKeySource, TokenVerifier
from common.testing.infra import Infrastructure
from common.testing.tokens import TokenIssuer

# Far beyond any wait below: a refusal within the test can only come from the invalidation.
LONG_TTL_S = 600.0
DEADLINE_S = 5.0
POLL_S = 0.01


@pytest.fixture
def redis_url(infrastructure: Infrastructure) -> str:
    return infrastructure.redis_url


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    return f"{redis_prefix}revcache-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[Callable[[], Redis]]:
    """Each call: a Redis client of its own (one per simulated process)."""
    opened: list[Redis] = []

    def new() -> Redis:
        opened.append(Redis.from_url(redis_url))
        return opened[-1]

    yield new
    for client in opened:
        await client.aclose()


@contextlib.asynccontextmanager
async def listening(revocations: RevocationList) -> AsyncIterator[RevocationList]:
    """``revocations`` with its subscription running (as ``ServiceRuntime.start`` runs it)."""
    task = asyncio.create_task(revocations.listen())
    try:
        await until(lambda: _true(revocations.listening), "the subscription is live")
        yield revocations
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _true(value: bool) -> bool:
    return value


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(int(DEADLINE_S / POLL_S)):
        if await check():
            return
        await asyncio.sleep(POLL_S)
    raise AssertionError(f"not within {DEADLINE_S:g} s: {what}")


def verifier(issuer: TokenIssuer, revocations: RevocationList) -> TokenVerifier:
    return TokenVerifier(
        keys=StaticKeySource(issuer.jwks),
        issuer="looseline-auth",
        audience="looseline",
        revocations=revocations,
    )


async def test_revocation_in_one_process_is_refused_by_another_at_once_not_after_the_ttl(
    clients: Callable[[], Redis], prefix: str
) -> None:
    issuer = TokenIssuer()
    writer = RevocationList(clients(), prefix=prefix)  # auth, signing a user out
    reader = RevocationList(clients(), prefix=prefix, cache_ttl_s=LONG_TTL_S)  # a replica
    token = issuer.issue(ttl_s=600)
    async with listening(reader):
        replica = verifier(issuer, reader)
        principal = await replica.verify(token)  # "not revoked" is now cached for 10 minutes

        await writer.revoke(principal.session_id, until=principal.expires_at)

        async def refused() -> bool:
            try:
                await replica.verify(token)
            except SessionRevoked:
                return True
            return False

        await until(refused, "the replica refuses the revoked session")


async def test_a_cached_answer_is_served_without_asking_redis(
    clients: Callable[[], Redis], prefix: str
) -> None:
    """What makes the test above meaningful: without the announcement the replica would keep
    its cached answer (here an entry written behind the deny-list's back, not announced)."""
    raw = clients()
    reader = RevocationList(clients(), prefix=prefix, cache_ttl_s=LONG_TTL_S)
    session_id = uuid.uuid4()
    async with listening(reader):
        assert await reader.is_revoked(session_id) is False
        await raw.set(reader.key(session_id), "1", px=60_000)
        assert await reader.is_revoked(session_id) is False  # cached, unannounced


async def test_without_a_live_subscription_every_check_asks_redis(
    clients: Callable[[], Redis], prefix: str
) -> None:
    raw = clients()
    reader = RevocationList(clients(), prefix=prefix, cache_ttl_s=LONG_TTL_S)
    first, second = uuid.uuid4(), uuid.uuid4()
    assert await reader.is_revoked(first) is False  # never subscribed: nothing cached
    await raw.set(reader.key(first), "1", px=60_000)
    assert await reader.is_revoked(first) is True

    async with listening(reader):
        assert await reader.is_revoked(second) is False
    # The subscription ended (a lost connection ends it the same way): the cache is dropped.
    assert reader.listening is False
    await raw.set(reader.key(second), "1", px=60_000)
    assert await reader.is_revoked(second) is True


async def test_revoking_many_sessions_announces_every_one(
    clients: Callable[[], Redis], prefix: str
) -> None:
    writer = RevocationList(clients(), prefix=prefix)
    reader = RevocationList(clients(), prefix=prefix, cache_ttl_s=LONG_TTL_S)
    sessions = [uuid.uuid4() for _ in range(3)]
    async with listening(reader):
        for session_id in sessions:
            assert await reader.is_revoked(session_id) is False
        await writer.revoke_many(sessions, until=datetime.now(UTC) + timedelta(minutes=5))

        async def all_refused() -> bool:
            return all([await reader.is_revoked(s) for s in sessions])

        await until(all_refused, "every announced session is refused")
