"""Short-lived, single-use records in Redis: OAuth state (+ PKCE verifier), 2FA challenges."""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis


class EphemeralStore:
    """``put`` with a TTL, ``take`` once (GETDEL: a second ``take`` finds nothing)."""

    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def put(self, kind: str, key: str, value: dict[str, Any], *, ttl_s: int) -> None:
        await self._redis.set(f"{self._prefix}{kind}:{key}", json.dumps(value), ex=ttl_s)

    async def take(self, kind: str, key: str) -> dict[str, Any] | None:
        raw = await self._redis.getdel(f"{self._prefix}{kind}:{key}")
        if raw is None:
            return None
        value = json.loads(raw)
        return value if isinstance(value, dict) else None
