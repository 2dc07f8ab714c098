"""What the handlers need, bundled once by the composition root (bootstrap.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from auth.adapters.avatars import AvatarStorage
from auth.adapters.crypto import SecretBox
from auth.adapters.ephemeral import EphemeralStore
from auth.adapters.mail import Mail
from auth.adapters.oauth_providers import OAuthClient
from auth.adapters.password_hashing import Argon2Passwords
from auth.adapters.signing_keys import KeyRing
from auth.adapters.throttle import SignInThrottle
from auth.domain.model import Session, User
from auth.service_layer.unit_of_work import UnitOfWorkFactory
from auth.settings import Settings
from common.auth.revocation import RevocationList
from common.idempotency import IdempotencyStore


class Mailer(Protocol):
    def submit(self, mail: Mail) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AuthServices:
    settings: Settings
    uow: UnitOfWorkFactory
    passwords: Argon2Passwords
    keys: KeyRing
    box: SecretBox
    revocations: RevocationList
    throttle: SignInThrottle
    ephemeral: EphemeralStore
    mailer: Mailer
    avatars: AvatarStorage
    oauth: OAuthClient
    clock: Callable[[], datetime] = field(default=utc_now)
    # Idempotency-Key of the mutating routes that take it (responsible gambling): the store,
    # and the engine its claims run their own short transactions on.
    idempotency: IdempotencyStore = field(default_factory=lambda: IdempotencyStore("auth"))
    engine: AsyncEngine | None = None

    def open_totp_secret(self, user: User) -> str:
        assert user.totp_secret is not None
        return self.box.open(user.totp_secret, context=f"totp:{user.id}").decode()

    def seal_totp_secret(self, user_id: uuid.UUID, secret: str) -> bytes:
        return self.box.seal(secret.encode(), context=f"totp:{user_id}")


@dataclass(frozen=True)
class SignedIn:
    """A new or refreshed session's tokens."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User
    session: Session


@dataclass(frozen=True)
class TwoFactorChallenge:
    """Signed in with a provider, but the account also needs its second factor."""

    challenge: str
    expires_in: int
