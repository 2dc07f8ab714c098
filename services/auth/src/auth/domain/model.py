"""The things auth keeps: users, sessions, signing keys — plain values, no persistence."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# A display preference's value: a word (language, theme, odds_format) or, for
# ``reality_check_minutes``, a number of minutes or None (off).
PreferenceValue = str | int | None


class Role(StrEnum):
    user = "user"
    admin = "admin"


class UserStatus(StrEnum):
    active = "active"
    blocked = "blocked"
    closing = "closing"  # the user asked to close the account: money may only leave the wallet
    closed = "closed"  # anonymised, every session ended; never signs in again


class RevokeReason(StrEnum):
    """Why a session ended (kept on the session row and in the audit trail)."""

    sign_out = "sign_out"
    ended_by_user = "ended_by_user"
    password_changed = "password_changed"  # noqa: S105
    password_reset = "password_reset"  # noqa: S105
    refresh_token_reused = "refresh_token_reused"  # noqa: S105
    user_blocked = "user_blocked"
    role_changed = "role_changed"
    account_closed = "account_closed"
    two_factor_changed = "two_factor_changed"


class OAuthProvider(StrEnum):
    google = "google"
    github = "github"


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    name: str
    role: Role
    status: UserStatus
    password_hash: str | None
    email_verified_at: datetime | None
    telegram_id: int | None
    partner_id: str | None
    click_id: str | None
    avatar_path: str | None
    totp_secret: bytes | None  # encrypted at rest; the service layer decrypts it
    totp_enabled_at: datetime | None
    totp_last_step: int | None
    blocked_reason: str | None
    created_at: datetime
    updated_at: datetime
    closure_requested_at: datetime | None = None
    closure_settled_at: datetime | None = None
    closed_at: datetime | None = None
    # Display preferences kept on the account (language, theme, odds_format,
    # reality_check_minutes).
    preferences: dict[str, PreferenceValue] = field(default_factory=dict)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.status is UserStatus.blocked

    @property
    def is_closed(self) -> bool:
        return self.status is UserStatus.closed

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


@dataclass(frozen=True)
class Session:
    id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    ip: str | None
    user_agent: str | None
    remember_me: bool
    last_used_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str
    private_key: bytes  # encrypted at rest
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True)
class IssuedCode:
    """An emailed code as stored: only its keyed hash."""

    id: uuid.UUID
    user_id: uuid.UUID
    code_hash: bytes
    expires_at: datetime
    attempts: int
    used_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class ProviderProfile:
    """What an OAuth provider says about the person who signed in."""

    provider: OAuthProvider
    account_id: str
    email: str | None
    email_verified: bool
    name: str | None
