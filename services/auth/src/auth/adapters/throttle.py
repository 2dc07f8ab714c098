"""Sign-in and emailed-code throttling in Redis, so the limits hold across every replica.

Sign-in: per subject (``acct:<sha256 of the email>`` and ``ip:<address>``) three keys:
``fail`` counts attempts in the current window, ``lock`` exists while password attempts are
refused (its TTL is the Retry-After), ``level`` counts lockouts in the last day (the next
lockout lasts twice as long, up to the cap). A password attempt is counted *before* the slow
argon2 check (``begin_attempt``), atomically in a Lua script, and given back if it was not a
failure (``release_attempt``): requests sent in parallel cannot all pass a check made before
any of them has failed.

Emailed codes: fixed-window counters per email address (known or not) and purpose, one for code
checks and one for code emails (``domain/throttling.RateLimit``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis

from auth.domain.throttling import LockoutPolicy, RateLimit

LEVEL_MEMORY_S = 24 * 3600

# KEYS: fail, lock, level. ARGV: max_failures, window_s, base_s, max_s, level_memory_s.
# Starts a lockout and sets `seconds` to its length.
_START_LOCKOUT = """
local level = tonumber(redis.call('GET', KEYS[3]) or '0')
local seconds = math.min(tonumber(ARGV[3]) * (2 ^ math.min(level, 20)), tonumber(ARGV[4]))
seconds = math.floor(seconds)
redis.call('SET', KEYS[2], '1', 'EX', seconds)
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5]))
"""

# Count a failure after the fact (callers that do not reserve their attempt first).
# Returns the lockout seconds just started, or 0.
_REGISTER_FAILURE = (
    """
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if failures < tonumber(ARGV[1]) then return 0 end
"""
    + _START_LOCKOUT
    + "return seconds\n"
)

# Reserve an attempt before checking it. Returns 0 (go ahead), -ttl (already locked) or the
# seconds of a lockout just started because more attempts are under way than the limit allows.
_BEGIN_ATTEMPT = (
    """
local ttl = redis.call('TTL', KEYS[2])
if ttl > 0 then return -ttl end
local attempts = redis.call('INCR', KEYS[1])
if attempts == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if attempts <= tonumber(ARGV[1]) then return 0 end
"""
    + _START_LOCKOUT
    + "return seconds\n"
)

# The reserved attempt failed (it is already counted). Same returns as _BEGIN_ATTEMPT.
_ATTEMPT_FAILED = (
    """
local ttl = redis.call('TTL', KEYS[2])
if ttl > 0 then return -ttl end
local attempts = tonumber(redis.call('GET', KEYS[1]) or '0')
if attempts < tonumber(ARGV[1]) then return 0 end
"""
    + _START_LOCKOUT
    + "return seconds\n"
)

# The reserved attempt was not a failure: give it back (never below zero).
_RELEASE_ATTEMPT = """
local attempts = tonumber(redis.call('GET', KEYS[1]) or '0')
if attempts > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""

# KEYS: counter. ARGV: max_hits, window_s. Returns 0 (allowed) or the seconds left to wait.
_HIT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if hits <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 1 then return 1 end
return ttl
"""


@dataclass(frozen=True)
class Lockout:
    scope: str  # "account" | "ip"
    retry_after_s: int
    # Started by this very call (audited once), as opposed to one already running.
    started: bool = False


def _lockout(scope: str, result: int) -> Lockout | None:
    if result == 0:
        return None
    return Lockout(scope, abs(result), started=result > 0)


def _worst(lockouts: list[Lockout | None]) -> Lockout | None:
    found = [lockout for lockout in lockouts if lockout is not None]
    return max(found, key=lambda lockout: lockout.retry_after_s) if found else None


def _email_subject(email: str) -> str:
    # Hashed: Redis never holds the address; unknown emails are throttled the same way.
    return "acct:" + hashlib.sha256(email.encode()).hexdigest()[:32]


class SignInThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        account_policy: LockoutPolicy,
        ip_policy: LockoutPolicy,
        code_check_limit: RateLimit,
        code_mail_limit: RateLimit,
    ) -> None:
        self._redis = redis
        self._prefix = f"{prefix}auth:signin:"
        self._code_prefix = f"{prefix}auth:code:"
        self._account = account_policy
        self._ip = ip_policy
        self._code_check = code_check_limit
        self._code_mail = code_mail_limit
        self._register = redis.register_script(_REGISTER_FAILURE)
        self._begin = redis.register_script(_BEGIN_ATTEMPT)
        self._failed = redis.register_script(_ATTEMPT_FAILED)
        self._release = redis.register_script(_RELEASE_ATTEMPT)
        self._hit = redis.register_script(_HIT)

    @staticmethod
    def _account_subject(email: str) -> str:
        return _email_subject(email)

    def _keys(self, subject: str) -> list[str]:
        return [f"{self._prefix}{kind}:{subject}" for kind in ("fail", "lock", "level")]

    def _subjects(self, email: str, ip: str | None) -> list[tuple[str, str, LockoutPolicy]]:
        pairs = [("account", self._account_subject(email), self._account)]
        if ip:
            pairs.append(("ip", f"ip:{ip}", self._ip))
        return pairs

    @staticmethod
    def _args(policy: LockoutPolicy) -> list[int]:
        return [
            policy.max_failures,
            policy.window_s,
            policy.base_lockout_s,
            policy.max_lockout_s,
            LEVEL_MEMORY_S,
        ]

    async def locked(self, *, email: str, ip: str | None) -> Lockout | None:
        """The longer of the account's and the IP's current lockout, if any."""
        subjects = self._subjects(email, ip)
        pipe = self._redis.pipeline(transaction=False)
        for _, subject, _ in subjects:
            pipe.ttl(self._keys(subject)[1])
        ttls = await pipe.execute()
        return _worst(
            [
                Lockout(scope, int(ttl)) if ttl is not None and int(ttl) > 0 else None
                for (scope, _, _), ttl in zip(subjects, ttls, strict=True)
            ]
        )

    async def begin_attempt(self, *, email: str, ip: str | None) -> Lockout | None:
        """Count a password attempt before checking it; the lockout refusing it, if any.

        A refused attempt is not left counted. An accepted one must end with
        ``attempt_failed``, ``attempt_succeeded`` or ``release_attempt``.
        """
        reserved: list[tuple[str, str, LockoutPolicy]] = []
        refusals: list[Lockout | None] = []
        for scope, subject, policy in self._subjects(email, ip):
            result = int(await self._begin(keys=self._keys(subject), args=self._args(policy)))
            if result == 0:
                reserved.append((scope, subject, policy))
            else:
                refusals.append(_lockout(scope, result))
        refused = _worst(refusals)
        if refused is not None:
            for _, subject, _ in reserved:
                await self._release(keys=self._keys(subject), args=[])
        return refused

    async def attempt_failed(self, *, email: str, ip: str | None) -> Lockout | None:
        """The attempt counted by ``begin_attempt`` failed: the lockout now running, if any."""
        lockouts = [
            _lockout(
                scope, int(await self._failed(keys=self._keys(subject), args=self._args(policy)))
            )
            for scope, subject, policy in self._subjects(email, ip)
        ]
        return _worst(lockouts)

    async def release_attempt(self, *, email: str, ip: str | None) -> None:
        """The attempt counted by ``begin_attempt`` was neither a failure nor a success."""
        for _, subject, _ in self._subjects(email, ip):
            await self._release(keys=self._keys(subject), args=[])

    async def attempt_succeeded(self, *, email: str, ip: str | None) -> None:
        """The right password: the account's count starts again; the IP's gets its attempt back."""
        await self.clear_failures(email=email)
        if ip:
            await self._release(keys=self._keys(f"ip:{ip}"), args=[])

    async def register_failure(self, *, email: str, ip: str | None) -> Lockout | None:
        """Count a failed attempt after the fact; the lockout it started, if it crossed a
        threshold. (Prefer ``begin_attempt``: this one lets parallel attempts race.)"""
        started: list[Lockout | None] = []
        for scope, subject, policy in self._subjects(email, ip):
            seconds = int(await self._register(keys=self._keys(subject), args=self._args(policy)))
            started.append(_lockout(scope, seconds))
        return _worst(started)

    async def clear_failures(self, *, email: str) -> None:
        """After a successful sign-in: the account's failure count starts again."""
        await self._redis.delete(self._keys(self._account_subject(email))[0])

    async def clear_account(self, *, email: str) -> None:
        """After a password reset: the owner proved control of the email; lift everything."""
        await self._redis.delete(*self._keys(self._account_subject(email)))

    # emailed codes ---------------------------------------------------------------------------

    async def _take(self, kind: str, limit: RateLimit, *, purpose: str, email: str) -> int:
        key = f"{self._code_prefix}{kind}:{purpose}:{_email_subject(email)}"
        return int(await self._hit(keys=[key], args=[limit.max_hits, limit.window_s]))

    async def count_code_check(self, *, purpose: str, email: str) -> int | None:
        """Count one code presented for ``email``; the seconds to wait when over the limit."""
        wait = await self._take("check", self._code_check, purpose=purpose, email=email)
        return wait or None

    async def may_mail(self, *, purpose: str, email: str) -> bool:
        """Count one email of this kind to ``email``; False when over the limit (do not send)."""
        return await self._take("mail", self._code_mail, purpose=purpose, email=email) == 0
