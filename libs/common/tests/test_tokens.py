"""The one token verifier: forged and tampered tokens, JWKS caching/rotation, the deny-list.

Real Redis, and the JWKS served over real HTTP by a tiny FastAPI app under uvicorn.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis

from common.auth import (
    InvalidToken,
    JwksKeySource,
    KeySource,
    RevocationList,
    SessionRevoked,
    StaticKeySource,
    TokenVerifier,
    VerificationUnavailable,
    parse_jwks,
)
from common.auth.tokens import REQUIRED_CLAIMS
from common.testing.infra import Infrastructure
from common.testing.tokens import TokenIssuer, forge_token

ISSUER = "looseline-auth"
AUDIENCE = "looseline"


# fixtures ----------------------------------------------------------------------------------
class JwksServer:
    """Serves ``self.jwks`` at ``self.url`` and counts the requests it answers."""

    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": []}
        self.requests = 0
        app = FastAPI()

        @app.get("/jwks.json")
        async def jwks() -> dict[str, Any]:
            self.requests += 1
            return self.jwks

        self._app = app
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    def publish(self, *issuers: TokenIssuer) -> None:
        self.jwks = {"keys": [issuer.public_jwk for issuer in issuers]}

    async def start(self) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"
        config = uvicorn.Config(self._app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        for _ in range(500):  # uvicorn offers a flag, not an event
            if self._server.started:
                return
            await asyncio.sleep(0.01)
        raise RuntimeError("the JWKS test server did not start")

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = None


@pytest.fixture
async def jwks_server() -> AsyncIterator[JwksServer]:
    server = JwksServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2) as client:
        yield client


@pytest.fixture
async def redis_client(infrastructure: Infrastructure) -> AsyncIterator[Redis]:
    client = Redis.from_url(infrastructure.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def revocations(redis_client: Redis, redis_prefix: str) -> RevocationList:
    return RevocationList(redis_client, prefix=redis_prefix)


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer()


def verifier_for(keys: KeySource | TokenIssuer, **options: Any) -> TokenVerifier:
    source = StaticKeySource(keys.jwks) if isinstance(keys, TokenIssuer) else keys
    return TokenVerifier(keys=source, issuer=ISSUER, audience=AUDIENCE, **options)


async def rejected(verifier: TokenVerifier, token: str) -> InvalidToken:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    return caught.value


# the happy path ----------------------------------------------------------------------------
async def test_valid_token_gives_the_principal(
    issuer: TokenIssuer, revocations: RevocationList
) -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token = issuer.issue(user_id=user_id, session_id=session_id, ttl_s=600)

    principal = await verifier_for(issuer, revocations=revocations).verify(token)

    assert principal.user_id == user_id
    assert principal.session_id == session_id
    assert principal.role == "user"
    assert not principal.is_admin
    assert principal.token == token
    expected_expiry = datetime.now(UTC) + timedelta(seconds=600)
    assert abs(principal.expires_at - expected_expiry) < timedelta(seconds=5)
    assert principal.expires_at.tzinfo is UTC
    assert token not in repr(principal)  # a logged principal must not leak the token


async def test_admin_role_and_rs256_key(issuer: TokenIssuer) -> None:
    rsa_issuer = TokenIssuer(algorithm="RS256")
    verifier = verifier_for(StaticKeySource({"keys": [issuer.public_jwk, rsa_issuer.public_jwk]}))

    admin = await verifier.verify(issuer.issue(role="admin"))
    via_rsa = await verifier.verify(rsa_issuer.issue())

    assert admin.is_admin
    assert via_rsa.role == "user"


# forged and tampered tokens ----------------------------------------------------------------
@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_unsigned_token_is_refused(issuer: TokenIssuer, alg: str) -> None:
    token = forge_token(issuer.claims(), alg=alg, kid=issuer.kid)
    error = await rejected(verifier_for(issuer), token)
    assert error.code == "auth.invalid_token"
    assert error.status_code == 401


@pytest.mark.parametrize("secret", ["pem", "raw"])
@pytest.mark.parametrize("alg", ["HS256", "HS512"])
async def test_hmac_token_keyed_with_the_public_key_is_refused(
    issuer: TokenIssuer, secret: str, alg: str
) -> None:
    # The algorithm-confusion attack: the verifier must never treat a public key as an HMAC secret.
    key = issuer.public_key_pem if secret == "pem" else _raw_public_key(issuer)
    token = forge_token(issuer.claims(), alg=alg, kid=issuer.kid, secret=key)
    await rejected(verifier_for(issuer), token)


def _raw_public_key(issuer: TokenIssuer) -> bytes:
    x = issuer.public_jwk["x"]
    return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))


async def test_rs256_token_is_refused_when_only_eddsa_is_allowed() -> None:
    rsa_issuer = TokenIssuer(algorithm="RS256")
    verifier = verifier_for(rsa_issuer, algorithms=("EdDSA",))
    error = await rejected(verifier, rsa_issuer.issue())
    assert "algorithm" in error.message


async def test_algorithm_must_match_the_key_named_by_kid(issuer: TokenIssuer) -> None:
    # An RS256 token claiming the Ed25519 key's kid: both algorithms are allowed, the pair is not.
    rsa_issuer = TokenIssuer(algorithm="RS256", kid=issuer.kid)
    verifier = verifier_for(StaticKeySource({"keys": [issuer.public_jwk]}))
    await rejected(verifier, rsa_issuer.issue())


async def test_signature_by_another_key_under_the_same_kid_is_refused(issuer: TokenIssuer) -> None:
    impostor = TokenIssuer(kid=issuer.kid)
    await rejected(verifier_for(issuer), impostor.issue())


async def test_tampered_payload_is_refused(issuer: TokenIssuer) -> None:
    header, _, signature = issuer.issue().split(".")
    admin_payload = issuer.issue(role="admin").split(".")[1]
    await rejected(verifier_for(issuer), f"{header}.{admin_payload}.{signature}")


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b.c", "Bearer x", "e30.e30.", "x" * 9000], ids=lambda t: t[:10]
)
async def test_malformed_token_is_refused(issuer: TokenIssuer, token: str) -> None:
    await rejected(verifier_for(issuer), token)


async def test_missing_and_unknown_kid_are_refused(issuer: TokenIssuer) -> None:
    verifier = verifier_for(issuer)
    no_kid = issuer.sign(issuer.claims(), headers={"kid": None})
    await rejected(verifier, no_kid)
    error = await rejected(verifier, issuer.issue(headers={"kid": "somebody-else"}))
    assert "unknown" in error.message


# claims ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "claims",
    [{"audience": "another-audience"}, {"issuer": "https://evil.example"}],
    ids=["audience", "issuer"],
)
async def test_wrong_audience_or_issuer_is_refused(
    issuer: TokenIssuer, claims: dict[str, Any]
) -> None:
    await rejected(verifier_for(issuer), issuer.issue(**claims))


async def test_expiry_is_checked_with_bounded_leeway(issuer: TokenIssuer) -> None:
    verifier = verifier_for(issuer, leeway_s=30)
    iat = int(time.time()) - 900

    within = await verifier.verify(issuer.issue(ttl_s=-10, iat=iat))
    error = await rejected(verifier, issuer.issue(ttl_s=-40, iat=iat))

    assert within.expires_at < datetime.now(UTC)
    assert "expired" in error.message


async def test_a_remembered_token_is_refused_once_it_expires(issuer: TokenIssuer) -> None:
    """The verifier remembers tokens it verified (issue 18): only until ``exp`` + leeway."""
    verifier = verifier_for(issuer, leeway_s=0)
    token = issuer.issue(ttl_s=1)
    principal = await verifier.verify(token)
    assert await verifier.verify(token) == principal  # remembered
    await asyncio.sleep(max(0.0, principal.expires_at.timestamp() - time.time()) + 0.05)
    error = await rejected(verifier, token)
    assert "expired" in error.message


async def test_issued_in_the_future_beyond_leeway_is_refused(issuer: TokenIssuer) -> None:
    await rejected(verifier_for(issuer, leeway_s=30), issuer.issue(iat=int(time.time()) + 120))


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
async def test_each_required_claim_is_required(issuer: TokenIssuer, claim: str) -> None:
    await rejected(verifier_for(issuer), issuer.issue(omit=[claim]))


@pytest.mark.parametrize(
    "claims",
    [
        {"role": "superuser"},
        {"role": None},
        {"sub": "42"},
        {"sub": 42},
        {"sid": "not-a-uuid"},
        {"exp": 10**12},
    ],
    ids=repr,
)
async def test_claims_outside_the_contract_are_refused(
    issuer: TokenIssuer, claims: dict[str, Any]
) -> None:
    await rejected(verifier_for(issuer), issuer.issue(**claims))


@pytest.mark.parametrize(
    "options",
    [
        {"algorithms": ("HS256",)},
        {"algorithms": ("EdDSA", "none")},
        {"algorithms": ()},
        {"leeway_s": 600},
        {"leeway_s": -1},
    ],
    ids=repr,
)
def test_verifier_refuses_unsafe_configuration(issuer: TokenIssuer, options: Any) -> None:
    with pytest.raises(ValueError):
        verifier_for(issuer, **options)


def test_parse_jwks_keeps_only_asymmetric_signing_keys_with_a_kid(issuer: TokenIssuer) -> None:
    no_kid = {k: v for k, v in issuer.public_jwk.items() if k != "kid"}
    encryption = {**issuer.public_jwk, "kid": "enc", "use": "enc"}
    hmac_key = {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}
    unknown = {"kty": "XYZ", "kid": "odd"}

    keys = parse_jwks({"keys": [issuer.public_jwk, no_kid, encryption, hmac_key, unknown]})

    assert list(keys) == [issuer.kid]
    with pytest.raises(ValueError):
        parse_jwks({"keys": [hmac_key]})
    with pytest.raises(ValueError):
        parse_jwks(["not", "a", "jwks"])


# JWKS over HTTP ----------------------------------------------------------------------------
async def test_unknown_kid_refetches_and_rotation_keeps_old_tokens_valid(
    jwks_server: JwksServer, http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    jwks_server.publish(issuer)
    source = JwksKeySource(jwks_server.url, client=http, min_refetch_interval_s=0.2)
    verifier = verifier_for(source)
    old_token = issuer.issue()
    await verifier.verify(old_token)
    assert jwks_server.requests == 1

    rotated = TokenIssuer()
    jwks_server.publish(issuer, rotated)  # auth rotates: old key still published
    await asyncio.sleep(0.25)

    await verifier.verify(rotated.issue())  # unknown kid → one refetch finds it
    await verifier.verify(old_token)
    await verifier.verify(rotated.issue())
    assert jwks_server.requests == 2


async def test_flood_of_unknown_kids_refetches_at_most_once_per_interval(
    jwks_server: JwksServer, http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    jwks_server.publish(issuer)
    source = JwksKeySource(jwks_server.url, client=http, min_refetch_interval_s=1.0)
    verifier = verifier_for(source)
    await verifier.verify(issuer.issue())
    await asyncio.sleep(1.05)

    async def random_kid() -> None:
        await rejected(verifier, issuer.issue(headers={"kid": uuid.uuid4().hex}))

    await asyncio.gather(*(random_kid() for _ in range(50)))
    assert jwks_server.requests == 2
    await asyncio.gather(*(random_kid() for _ in range(50)))
    assert jwks_server.requests == 2  # still inside the quiet period
    await verifier.verify(issuer.issue())  # known kids never wait on the throttle


async def test_cached_keys_keep_verifying_while_the_jwks_server_is_down(
    jwks_server: JwksServer, http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    jwks_server.publish(issuer)
    source = JwksKeySource(
        jwks_server.url, client=http, cache_ttl_s=0.2, min_refetch_interval_s=0.2
    )
    verifier = verifier_for(source)
    token = issuer.issue()
    await verifier.verify(token)

    await jwks_server.stop()
    await asyncio.sleep(0.3)  # cache expired: the next call tries a refetch, which fails

    principal = await verifier.verify(token)
    assert principal.token == token
    await rejected(verifier, issuer.issue(headers={"kid": "unknown"}))


async def test_expired_cache_refetches_and_drops_a_withdrawn_key(
    jwks_server: JwksServer, http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    successor = TokenIssuer()
    jwks_server.publish(issuer, successor)
    source = JwksKeySource(
        jwks_server.url, client=http, cache_ttl_s=0.2, min_refetch_interval_s=0.1
    )
    verifier = verifier_for(source)
    token = issuer.issue()
    await verifier.verify(token)

    jwks_server.publish(successor)  # the old key is withdrawn (e.g. compromised)
    await asyncio.sleep(0.3)

    await rejected(verifier, token)
    await verifier.verify(successor.issue())
    assert jwks_server.requests == 2


async def test_a_broken_jwks_answer_keeps_the_cached_keys(
    jwks_server: JwksServer, http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    jwks_server.publish(issuer)
    source = JwksKeySource(
        jwks_server.url, client=http, cache_ttl_s=0.1, min_refetch_interval_s=0.1
    )
    verifier = verifier_for(source)
    await verifier.verify(issuer.issue())

    jwks_server.jwks = {"keys": [{"kty": "oct", "kid": "x", "k": "c2VjcmV0"}]}
    await asyncio.sleep(0.2)

    await verifier.verify(issuer.issue())
    assert jwks_server.requests == 2


async def test_no_keys_at_all_is_unavailable_not_the_callers_fault(
    http: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/jwks.json"
    closed.close()
    verifier = verifier_for(JwksKeySource(url, client=http))

    with pytest.raises(VerificationUnavailable) as caught:
        await verifier.verify(issuer.issue())
    assert caught.value.status_code == 503


# the deny-list -----------------------------------------------------------------------------
async def test_revoked_session_is_refused_at_once_and_expires_with_the_token(
    issuer: TokenIssuer, revocations: RevocationList, redis_client: Redis
) -> None:
    verifier = verifier_for(issuer, revocations=revocations)
    session_id = uuid.uuid4()
    principal = await verifier.verify(issuer.issue(session_id=session_id, ttl_s=600))
    other = await verifier.verify(issuer.issue(ttl_s=600))

    await revocations.revoke(session_id, until=principal.expires_at)

    with pytest.raises(SessionRevoked) as caught:
        await verifier.verify(principal.token)
    assert caught.value.code == "auth.session_revoked"
    assert caught.value.status_code == 401
    assert await verifier.verify(other.token) == other
    pttl = await redis_client.pttl(revocations.key(session_id))
    assert 595_000 <= pttl <= 600_000


async def test_revoke_many_revokes_every_session_given(revocations: RevocationList) -> None:
    sessions = [uuid.uuid4() for _ in range(3)]
    until = datetime.now(UTC) + timedelta(minutes=15)

    await revocations.revoke_many(sessions, until=until)
    await revocations.revoke_many([], until=until)  # nothing to do is fine

    assert [await revocations.is_revoked(s) for s in sessions] == [True, True, True]
    assert not await revocations.is_revoked(uuid.uuid4())


async def test_revocation_ttl_is_at_least_a_second_and_never_shortened(
    revocations: RevocationList, redis_client: Redis
) -> None:
    past, later = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)

    await revocations.revoke(past, until=now - timedelta(minutes=1))
    await revocations.revoke(later, until=now + timedelta(minutes=10))
    await revocations.revoke(later, until=now + timedelta(minutes=1))

    assert 0 < await redis_client.pttl(revocations.key(past)) <= 1000
    assert await redis_client.pttl(revocations.key(later)) > 590_000
    with pytest.raises(ValueError):
        await revocations.revoke(past, until=datetime.now())  # naive: ambiguous


async def test_revocation_outlives_the_token_by_the_grace(
    redis_client: Redis, redis_prefix: str
) -> None:
    revocations = RevocationList(redis_client, prefix=redis_prefix, grace_s=30)
    session_id = uuid.uuid4()

    await revocations.revoke(session_id, until=datetime.now(UTC) + timedelta(seconds=60))

    assert 85_000 <= await redis_client.pttl(revocations.key(session_id)) <= 90_000


async def test_unreachable_deny_list_fails_closed(issuer: TokenIssuer) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    unreachable = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1)
    verifier = verifier_for(issuer, revocations=RevocationList(unreachable))
    try:
        with pytest.raises(VerificationUnavailable):
            await verifier.verify(issuer.issue())
    finally:
        await unreachable.aclose()
