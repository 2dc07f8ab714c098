"""Access-token verification: the one verifier every process uses (ARCHITECTURE.md §5).

Tokens are asymmetric JWTs signed by auth (``kid`` in the header, keys published as a JWKS).
The verifier trusts nothing in the token before the signature checks out: the algorithm must be
on an allow-list of asymmetric algorithms *and* match the key found by ``kid``, so neither
``alg=none`` nor an HMAC token keyed with the public key can pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import httpx
import jwt
from jwt import PyJWK
from redis.exceptions import RedisError

from common.errors import DomainError
from common.logging import get_logger

if TYPE_CHECKING:
    from common.auth.revocation import RevocationList

log = get_logger(__name__)

# Only public-key algorithms: an HMAC "secret" would be the published key itself.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
REQUIRED_CLAIMS = ("exp", "iat", "sub", "sid", "role", "iss", "aud")
# Beyond a couple of minutes "clock skew" would quietly extend every token's life.
MAX_LEEWAY_S = 120.0
# Far above any token auth issues; refuses to spend work on oversized input.
MAX_TOKEN_LENGTH = 8192
# With no keys at all, every request fails: retry sooner than the unknown-kid throttle.
EMPTY_CACHE_RETRY_S = 1.0

Role = Literal["user", "admin"]
_BEARER_CHALLENGE: dict[str, str] = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Principal:
    """Who is calling: verified claims of an access token."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    role: Role
    expires_at: datetime
    token: str = field(repr=False)  # forwarded upstream; never in a log line or repr
    # OIDC's ``email_verified`` claim: an unverified account may read, not move money (§5).
    email_verified: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class InvalidToken(DomainError):
    code = "auth.invalid_token"
    status_code = 401
    default_message = "The access token is missing or not valid."
    # RFC 6750 §3: a 401 names the scheme it wants.
    headers: ClassVar[dict[str, str]] = _BEARER_CHALLENGE


class SessionRevoked(DomainError):
    code = "auth.session_revoked"
    status_code = 401
    default_message = "The session has been signed out."
    headers: ClassVar[dict[str, str]] = _BEARER_CHALLENGE


class AdminRequired(DomainError):
    code = "auth.admin_required"
    status_code = 403
    default_message = "This action needs an administrator."


class AccountUnverified(DomainError):
    code = "account.unverified"
    status_code = 403
    default_message = "Verify your email address first: an unverified account cannot do this."


class VerificationUnavailable(DomainError):
    """Keys or the deny-list cannot be reached: fail closed, but not as the client's fault."""

    code = "auth.verification_unavailable"
    status_code = 503
    default_message = "Tokens cannot be verified right now; try again shortly."


# key sources -------------------------------------------------------------------------------
class KeySource(Protocol):
    async def key_for(self, kid: str) -> PyJWK | None:
        """The verification key for ``kid``; ``None`` when unknown (after any refetch)."""
        ...


def parse_jwks(jwks: Any) -> dict[str, PyJWK]:
    """``kid`` → key for every usable asymmetric signing key; ``ValueError`` if there is none."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("not a JWKS: expected an object with a 'keys' list")
    keys: dict[str, PyJWK] = {}
    for jwk in jwks["keys"]:
        key = _signing_key(jwk)
        if key is not None:
            keys[jwk["kid"]] = key
    if not keys:
        raise ValueError("the JWKS holds no usable asymmetric signing key with a kid")
    return keys


def _signing_key(jwk: Any) -> PyJWK | None:
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str) or not jwk["kid"]:
        return None
    if jwk.get("use", "sig") != "sig":
        return None
    try:
        key = PyJWK(jwk)
    except jwt.PyJWTError:  # unknown kty/crv/alg: another verifier's key, skip it
        return None
    return key if key.algorithm_name in ASYMMETRIC_ALGORITHMS else None


class StaticKeySource:
    """A fixed JWKS (inline ``JWT_JWKS``, or auth's own keys)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = parse_jwks(jwks)

    async def key_for(self, kid: str) -> PyJWK | None:
        return self._keys.get(kid)


class JwksKeySource:
    """A JWKS fetched over HTTP, cached, refetched on expiry or on an unknown ``kid``.

    Every fetch attempt (success or not) starts a ``min_refetch_interval_s`` quiet period, so
    a flood of made-up kids or an unreachable auth costs at most one request per interval.
    A failed refetch keeps the cached keys: auth being down must not sign everyone out.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient,
        cache_ttl_s: float = 300,
        min_refetch_interval_s: float = 10,
    ) -> None:
        self._url = url
        self._client = client
        self._cache_ttl_s = cache_ttl_s
        self._min_refetch_interval_s = min_refetch_interval_s
        self._keys: dict[str, PyJWK] | None = None
        self._fetched_at = -math.inf
        self._attempted_at = -math.inf
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> PyJWK | None:
        # The hot path, no lock and no I/O: fresh keys, or stale ones while a refresh runs
        # (known kids do not queue behind a slow auth).
        keys = self._keys
        if keys is not None and kid in keys and (self._is_fresh() or self._lock.locked()):
            return keys[kid]
        async with self._lock:
            # Re-checked under the lock: a request queued behind a fetch sees its result.
            if self._needs_fetch(kid) and self._may_fetch():
                await self._fetch()
            if self._keys is None:
                raise VerificationUnavailable()
            return self._keys.get(kid)

    def _is_fresh(self) -> bool:
        return time.monotonic() - self._fetched_at < self._cache_ttl_s

    def _needs_fetch(self, kid: str) -> bool:
        return self._keys is None or not self._is_fresh() or kid not in self._keys

    def _may_fetch(self) -> bool:
        quiet_s = self._min_refetch_interval_s
        if self._keys is None:
            quiet_s = min(quiet_s, EMPTY_CACHE_RETRY_S)
        return time.monotonic() - self._attempted_at >= quiet_s

    async def _fetch(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            response = await self._client.get(self._url)
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as exc:  # ValueError: bad JSON or no usable key
            log.warning("jwks.fetch_failed", url=self._url, error=type(exc).__name__)
            return
        self._keys = keys
        self._fetched_at = self._attempted_at
        log.info("jwks.fetched", url=self._url, kids=sorted(keys))


# the verifier ------------------------------------------------------------------------------
# Tokens whose signature and claims a verifier remembers having checked (a few per user).
VERIFIED_TOKENS_KEPT = 10_000


@dataclass(frozen=True)
class _Verified:
    principal: Principal
    key: PyJWK
    kid: str
    valid_until: float  # epoch seconds


class TokenVerifier:
    def __init__(
        self,
        *,
        keys: KeySource,
        issuer: str,
        audience: str,
        algorithms: Sequence[str] = ("EdDSA", "RS256"),
        leeway_s: float = 30,
        revocations: RevocationList | None = None,
    ) -> None:
        refused = sorted(set(algorithms) - ASYMMETRIC_ALGORITHMS)
        if not algorithms or refused:
            raise ValueError(f"token algorithms must be asymmetric; refused: {refused or 'none'}")
        if not 0 <= leeway_s <= MAX_LEEWAY_S:
            raise ValueError(f"leeway_s must be within 0..{MAX_LEEWAY_S:g}")
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._algorithms = frozenset(algorithms)
        self._leeway_s = leeway_s
        self._revocations = revocations
        self._seen: dict[str, _Verified] = {}

    async def verify(self, token: str) -> Principal:
        """The caller's principal; raises ``InvalidToken``/``SessionRevoked`` (401)."""
        principal = await self._verified(token)
        if principal is None:
            key, alg, kid = await self._signing_key(token)
            principal = _principal(self._decode(token, key, alg), token)
            self._remember(token, principal, key, kid)
        await self._refuse_revoked(principal.session_id)  # never cached here: see revocation
        return principal

    async def _verified(self, token: str) -> Principal | None:
        """A token this verifier checked before, while it is unexpired (with the leeway) and
        its key is still the one the key source holds (a refetched or withdrawn key forgets
        it). Signature checking was a tenth of a service's CPU per request (py-spy)."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken()
        seen = self._seen.get(token)
        if seen is None:
            return None
        if time.time() >= seen.valid_until or await self._keys.key_for(seen.kid) is not seen.key:
            del self._seen[token]
            return None
        return seen.principal

    def _remember(self, token: str, principal: Principal, key: PyJWK, kid: str) -> None:
        if len(self._seen) >= VERIFIED_TOKENS_KEPT:  # bounded: drop the oldest
            self._seen.pop(next(iter(self._seen)))
        # pyjwt refuses once now > exp + leeway: the same bound here.
        valid_until = principal.expires_at.timestamp() + self._leeway_s
        self._seen[token] = _Verified(principal, key, kid, valid_until)

    async def _signing_key(self, token: str) -> tuple[PyJWK, str, str]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken() from None
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise InvalidToken("The token's algorithm is not accepted.")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("The token names no signing key.")
        key = await self._keys.key_for(kid)
        if key is None:
            raise InvalidToken("The token's signing key is unknown.")
        if key.algorithm_name != alg:  # e.g. an RS256 header on an Ed25519 key
            raise InvalidToken("The token's algorithm does not match its key.")
        return key, alg, kid

    def _decode(self, token: str, key: PyJWK, alg: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway_s,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("The access token has expired.") from None
        except jwt.PyJWTError:
            raise InvalidToken() from None

    async def _refuse_revoked(self, session_id: uuid.UUID) -> None:
        if self._revocations is None:
            return
        try:
            revoked = await self._revocations.is_revoked(session_id)
        except (RedisError, OSError) as exc:
            # Fail closed: a signed-out session must never slip through while Redis is away.
            log.warning("revocations.unreachable", error=type(exc).__name__)
            raise VerificationUnavailable() from None
        if revoked:
            raise SessionRevoked()


def _principal(claims: dict[str, Any], token: str) -> Principal:
    role = claims.get("role")
    if role not in ("user", "admin"):
        raise InvalidToken("The token's role is not known.")
    return Principal(
        user_id=_uuid_claim(claims, "sub"),
        session_id=_uuid_claim(claims, "sid"),
        role="admin" if role == "admin" else "user",
        expires_at=_expiry(claims["exp"]),
        token=token,
        email_verified=claims.get("email_verified") is True,
    )


def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID:
    value = claims.get(name)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return uuid.UUID(value)
    raise InvalidToken(f"The token's {name} is not valid.")


def _expiry(exp: Any) -> datetime:
    try:
        return datetime.fromtimestamp(exp, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):  # passed pyjwt, beyond datetime
        raise InvalidToken("The token's expiry is not valid.") from None
