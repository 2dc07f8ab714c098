"""Ed25519 signing keys: made here, kept encrypted in `signing_key`, published as a JWKS.

``KeyRing`` is both the signer's view (the one active key, re-read every
``signing_key_cache_s`` so a rotation reaches every replica) and the ``KeySource`` that auth's
own token verifier uses, so auth never calls its own JWKS endpoint over HTTP.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt import PyJWK
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth.adapters.crypto import SecretBox
from auth.adapters.repositories import SigningKeyRepository
from auth.domain.model import SigningKey

ALGORITHM = "EdDSA"
UNKNOWN_KID_REFRESH_S = 1.0


def new_signing_key(box: SecretBox, *, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    kid = f"{now:%Y%m%d}-{secrets.token_hex(6)}"
    jwk: dict[str, Any] = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update(kid=kid, alg=ALGORITHM, use="sig")
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(
        kid=kid,
        alg=ALGORITHM,
        private_key=box.seal(der, context=f"signing_key:{kid}"),
        public_jwk=jwk,
        created_at=now,
        retired_at=None,
    )


@dataclass(frozen=True)
class ActiveKey:
    kid: str
    private_key: Ed25519PrivateKey


class SigningKeyMissing(RuntimeError):
    pass


class KeyRing:
    def __init__(
        self,
        *,
        box: SecretBox,
        cache_s: float,
        publish_retired_for_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._box = box
        self._cache_s = cache_s
        self._publish_retired_for = timedelta(seconds=publish_retired_for_s)
        self._clock = clock
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._active_row: SigningKey | None = None
        self._active: ActiveKey | None = None
        self._published: dict[str, PyJWK] = {}
        self._jwks: list[dict[str, Any]] = []
        self._loaded_at = -float("inf")
        self._lock = asyncio.Lock()

    def attach(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Late binding: the runtime builds the database pool after the key ring exists."""
        self._sessionmaker = sessionmaker

    def invalidate(self) -> None:
        self._loaded_at = -float("inf")

    async def _refresh(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._loaded_at < self._cache_s:
            return
        async with self._lock:
            if not force and time.monotonic() - self._loaded_at < self._cache_s:
                return
            if self._sessionmaker is None:
                raise SigningKeyMissing("the key ring is not attached to a database")
            async with self._sessionmaker() as db:
                keys = await SigningKeyRepository(db).published(
                    retired_after=self._clock() - self._publish_retired_for
                )
            self._active_row = next((k for k in keys if k.retired_at is None), None)
            self._jwks = [k.public_jwk for k in keys]
            self._published = {k.kid: PyJWK(k.public_jwk) for k in keys}
            self._loaded_at = time.monotonic()

    def _open(self, key: SigningKey) -> ActiveKey:
        der = self._box.open(key.private_key, context=f"signing_key:{key.kid}")
        private = serialization.load_der_private_key(der, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise SigningKeyMissing(f"signing key {key.kid} is not Ed25519")
        return ActiveKey(kid=key.kid, private_key=private)

    async def active(self) -> ActiveKey:
        """The key to sign with, decrypted once per kid (verifying never needs to decrypt)."""
        await self._refresh()
        if self._active_row is None:
            await self._refresh(force=True)
        row = self._active_row
        if row is None:
            raise SigningKeyMissing("no active signing key (startup creates one)")
        if self._active is None or self._active.kid != row.kid:
            self._active = self._open(row)
        return self._active

    async def jwks(self) -> dict[str, Any]:
        await self._refresh()
        return {"keys": list(self._jwks)}

    async def key_for(self, kid: str) -> PyJWK | None:
        """``KeySource`` for auth's own verifier: the published keys, re-read on expiry.

        An unknown ``kid`` (another replica just rotated) re-reads the table at most once
        per ``UNKNOWN_KID_REFRESH_S``, so made-up kids cannot hammer the database.
        """
        await self._refresh()
        if (
            kid not in self._published
            and time.monotonic() - self._loaded_at > UNKNOWN_KID_REFRESH_S
        ):
            await self._refresh(force=True)
        return self._published.get(kid)

    async def sign(self, claims: dict[str, Any]) -> str:
        key = await self.active()
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
