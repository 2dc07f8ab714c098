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
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from redis.asyncio import Redis

MIN_TTL_MS = 1000


class RevocationList:
    def __init__(self, redis: Redis, *, prefix: str = "looseline:", grace_s: float = 0.0) -> None:
        self._redis = redis
        self._prefix = prefix
        self._grace_s = grace_s

    def key(self, session_id: uuid.UUID) -> str:
        return f"{self._prefix}revoked-session:{session_id}"

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
        await pipe.execute()

    async def is_revoked(self, session_id: uuid.UUID) -> bool:
        return bool(await self._redis.exists(self.key(session_id)))

    def _ttl_ms(self, until: datetime) -> int:
        if until.tzinfo is None:
            raise ValueError("until must be timezone-aware")
        remaining_s = (until - datetime.now(UTC)).total_seconds() + self._grace_s
        return max(MIN_TTL_MS, math.ceil(remaining_s * 1000))
