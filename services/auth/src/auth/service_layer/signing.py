"""Signing keys: the first one at startup, rotation on demand, the published JWKS.

Rotation retires the active key (it stays published for an access token's lifetime plus the
replicas' key cache and the verifiers' leeway) and makes a new one active, so nobody is signed
out: tokens already issued verify against the old key until they expire.
"""

from __future__ import annotations

from typing import Any

from auth.adapters.signing_keys import new_signing_key
from auth.domain.model import SigningKey
from auth.service_layer.services import AuthServices


async def ensure_signing_key(services: AuthServices) -> SigningKey:
    """The active key, created if there is none (safe with replicas starting together)."""
    async with services.uow() as uow:
        await uow.signing_keys.lock()
        key = await uow.signing_keys.active()
        if key is None:
            key = new_signing_key(services.box, now=services.clock())
            await uow.signing_keys.add(key)
        await uow.commit()
    services.keys.invalidate()
    return key


async def rotate_signing_key(services: AuthServices) -> SigningKey:
    async with services.uow() as uow:
        now = services.clock()
        await uow.signing_keys.lock()
        await uow.signing_keys.retire_active(now=now)
        key = new_signing_key(services.box, now=now)
        await uow.signing_keys.add(key)
        await uow.commit()
    services.keys.invalidate()
    return key


async def jwks(services: AuthServices) -> dict[str, Any]:
    return await services.keys.jwks()
