"""A test token issuer: what auth does in production, with a key that lives in memory.

``TokenIssuer().jwks`` is what a verifier trusts (the ``token_issuer`` fixture puts it in every
``make_settings`` as ``JWT_JWKS``); ``issue()`` signs access tokens with the real claim set.
``forge_token()`` builds tokens no honest issuer would (``alg=none``, HMAC keyed with a
public key) for the verifier's negative tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterable
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

DEFAULT_ISSUER = "looseline-auth"
DEFAULT_AUDIENCE = "looseline"

SigningAlgorithm = Literal["EdDSA", "RS256"]


class TokenIssuer:
    """Signs access tokens with one in-memory key (Ed25519 by default, or RSA for ``RS256``)."""

    def __init__(
        self,
        *,
        algorithm: SigningAlgorithm = "EdDSA",
        kid: str | None = None,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
    ) -> None:
        self.algorithm = algorithm
        self.kid = kid or f"test-{uuid.uuid4().hex[:12]}"
        self.issuer = issuer
        self.audience = audience
        self.private_key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey = (
            ed25519.Ed25519PrivateKey.generate()
            if algorithm == "EdDSA"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )

    @property
    def public_jwk(self) -> dict[str, Any]:
        public = self.private_key.public_key()
        if isinstance(public, ed25519.Ed25519PublicKey):
            jwk = OKPAlgorithm.to_jwk(public, as_dict=True)
        else:
            jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}

    @property
    def public_key_pem(self) -> bytes:
        """The published key as PEM: the classic "HMAC secret" of an algorithm-confusion attack."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(
        self,
        *,
        user_id: uuid.UUID | None = None,
        role: str = "user",
        session_id: uuid.UUID | None = None,
        ttl_s: int = 900,
        issuer: str | None = None,
        audience: str | None = None,
        **extra_claims: Any,
    ) -> dict[str, Any]:
        """The claim set ``issue()`` signs; ``extra_claims`` add to or replace any of it."""
        now = int(time.time())
        return {
            "iss": issuer or self.issuer,
            "aud": audience or self.audience,
            "sub": str(user_id or uuid.uuid4()),
            "sid": str(session_id or uuid.uuid4()),
            "role": role,
            # Most tests act as a verified bettor; pass email_verified=False to test the refusal.
            "email_verified": True,
            "iat": now,
            "exp": now + ttl_s,
            **extra_claims,
        }

    def issue(
        self,
        *,
        user_id: uuid.UUID | None = None,
        role: str = "user",
        session_id: uuid.UUID | None = None,
        ttl_s: int = 900,
        issuer: str | None = None,
        audience: str | None = None,
        omit: Iterable[str] = (),
        headers: dict[str, Any] | None = None,
        **extra_claims: Any,
    ) -> str:
        """A signed access token; ``omit`` drops claims, ``headers`` adds to the header."""
        claims = self.claims(
            user_id=user_id,
            role=role,
            session_id=session_id,
            ttl_s=ttl_s,
            issuer=issuer,
            audience=audience,
            **extra_claims,
        )
        for name in omit:
            claims.pop(name, None)
        return self.sign(claims, headers=headers)

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        """Any claim set, signed with this issuer's key and ``kid``.

        ``headers`` entries override the header; a ``None`` value drops the entry (``kid``).
        """
        merged = {"kid": self.kid, **(headers or {})}
        header = {name: value for name, value in merged.items() if value is not None}
        return jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers=header)


def forge_token(claims: dict[str, Any], *, alg: str, kid: str, secret: bytes = b"") -> str:
    """A token built by hand, bypassing pyjwt's own guards.

    ``HS256``/``HS384``/``HS512`` sign with ``secret`` as the HMAC key (e.g. the public key:
    the algorithm-confusion attack); any other ``alg`` (``none``, ``None``…) gets no signature.
    """
    header = {"alg": alg, "typ": "JWT", "kid": kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    digest = _HMAC_DIGESTS.get(alg)
    signature = hmac.new(secret, signing_input.encode(), digest).digest() if digest else b""
    return f"{signing_input}.{_b64(signature)}"


_HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
