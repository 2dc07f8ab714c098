"""Redis sliding-window rate limits, shared by every gateway replica.

One sorted set per bucket (``<prefix>rl:<bucket>:<subject>``) holds the timestamps of the
requests admitted in the last window; a request is admitted while fewer than ``limit`` are.
The check runs as one Lua script, so concurrent replicas never over-admit. Refused requests
are not recorded: a client that waits out ``Retry-After`` is admitted again.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.logging import get_logger

log = get_logger(__name__)

_SCRIPT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

# Stricter buckets: credential and code guessing, account and mail flooding, money movement.
STRICT_ROUTES = (
    re.compile(
        r"/api/auth/(sign-in|sign-up|forgot-password|reset-password|verify-email(/resend)?"
        r"|2fa/verify)"
    ),
    re.compile(r"/api/wallet/(deposits?|withdraw)(/.*)?"),
)


def is_strict(method: str, path: str) -> bool:
    return method == "POST" and any(p.fullmatch(path) for p in STRICT_ROUTES)


@dataclass(frozen=True)
class Limit:
    bucket: str
    limit: int
    window_s: float


class RateLimiter:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_SCRIPT)

    async def retry_after(self, limit: Limit, subject: str) -> int:
        """0 when admitted, else whole seconds until a slot frees up.

        Redis being away fails open (logged): the deny-list, not the limiter, is the guard
        that must fail closed.
        """
        window_ms = max(1, int(limit.window_s * 1000))
        now_ms = int(time.time() * 1000)
        key = f"{self._prefix}rl:{limit.bucket}:{subject}"
        try:
            wait_ms = await self._script(
                keys=[key], args=[now_ms, window_ms, limit.limit, uuid.uuid4().hex]
            )
        except (RedisError, OSError) as exc:
            log.warning("ratelimit.unavailable", error=type(exc).__name__)
            return 0
        return math.ceil(int(wait_ms) / 1000) if int(wait_ms) > 0 else 0
