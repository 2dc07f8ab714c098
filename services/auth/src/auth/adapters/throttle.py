"""Sign-in throttling in Redis, so the limits hold across every replica.

Per subject (``acct:<sha256 of the email>`` and ``ip:<address>``) three keys:
``fail`` counts failures in the current window, ``lock`` exists while password attempts are
refused (its TTL is the Retry-After), ``level`` counts lockouts in the last day (the next
lockout lasts twice as long, up to the cap). Updating them is one Lua script, so concurrent
failures on several replicas cannot race past the threshold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis

from auth.domain.throttling import LockoutPolicy

LEVEL_MEMORY_S = 24 * 3600

# KEYS: fail, lock, level. ARGV: max_failures, window_s, base_s, max_s, level_memory_s.
# Returns the lockout seconds just started, or 0.
_REGISTER_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if failures < tonumber(ARGV[1]) then return 0 end
local level = tonumber(redis.call('GET', KEYS[3]) or '0')
local seconds = math.min(tonumber(ARGV[3]) * (2 ^ math.min(level, 20)), tonumber(ARGV[4]))
seconds = math.floor(seconds)
redis.call('SET', KEYS[2], '1', 'EX', seconds)
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5]))
return seconds
"""


@dataclass(frozen=True)
class Lockout:
    scope: str  # "account" | "ip"
    retry_after_s: int


class SignInThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        account_policy: LockoutPolicy,
        ip_policy: LockoutPolicy,
    ) -> None:
        self._redis = redis
        self._prefix = f"{prefix}auth:signin:"
        self._account = account_policy
        self._ip = ip_policy
        self._script = redis.register_script(_REGISTER_FAILURE)

    @staticmethod
    def _account_subject(email: str) -> str:
        # Hashed: Redis never holds the address; unknown emails are throttled the same way.
        return "acct:" + hashlib.sha256(email.encode()).hexdigest()[:32]

    def _keys(self, subject: str) -> list[str]:
        return [f"{self._prefix}{kind}:{subject}" for kind in ("fail", "lock", "level")]

    async def locked(self, *, email: str, ip: str | None) -> Lockout | None:
        """The longer of the account's and the IP's current lockout, if any."""
        subjects = [("account", self._account_subject(email))]
        if ip:
            subjects.append(("ip", f"ip:{ip}"))
        pipe = self._redis.pipeline(transaction=False)
        for _, subject in subjects:
            pipe.ttl(self._keys(subject)[1])
        ttls = await pipe.execute()
        worst: Lockout | None = None
        for (scope, _), ttl in zip(subjects, ttls, strict=True):
            if (
                ttl is not None
                and int(ttl) > 0
                and (worst is None or int(ttl) > worst.retry_after_s)
            ):
                worst = Lockout(scope, int(ttl))
        return worst

    async def register_failure(self, *, email: str, ip: str | None) -> Lockout | None:
        """Count a failed attempt; the lockout it started, if it crossed a threshold."""
        started: Lockout | None = None
        pairs = [("account", self._account_subject(email), self._account)]
        if ip:
            pairs.append(("ip", f"ip:{ip}", self._ip))
        for scope, subject, policy in pairs:
            seconds = await self._script(
                keys=self._keys(subject),
                args=[
                    policy.max_failures,
                    policy.window_s,
                    policy.base_lockout_s,
                    policy.max_lockout_s,
                    LEVEL_MEMORY_S,
                ],
            )
            if int(seconds) > 0 and (started is None or int(seconds) > started.retry_after_s):
                started = Lockout(scope, int(seconds))
        return started

    async def clear_failures(self, *, email: str) -> None:
        """After a successful sign-in: the account's failure count starts again."""
        await self._redis.delete(self._keys(self._account_subject(email))[0])

    async def clear_account(self, *, email: str) -> None:
        """After a password reset: the owner proved control of the email; lift everything."""
        await self._redis.delete(*self._keys(self._account_subject(email)))
