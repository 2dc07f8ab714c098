"""Request and response bodies of /api/auth (pydantic), and their mapping from domain values."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, field_validator

from auth.domain.model import Role, Session, User, UserStatus
from auth.domain.responsible_gambling import (
    REALITY_CHECK_MINUTES,
    SELF_EXCLUSION_MONTHS,
    TIME_OUT_DAYS,
    Restriction,
    RestrictionKind,
)
from auth.service_layer.responsible_gambling import Overview
from auth.service_layer.services import SignedIn, TwoFactorChallenge
from common.api import RequestModel

Email = Annotated[str, StringConstraints(min_length=1, max_length=320)]
# Bounded so a huge body never reaches argon2; the policy (8..256) is checked by the domain.
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Attribution = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
RealityCheckMinutes = Annotated[
    int, Strict(), Field(ge=REALITY_CHECK_MINUTES[0], le=REALITY_CHECK_MINUTES[1])
]


class Body(RequestModel):
    model_config = ConfigDict(extra="forbid")


# requests ------------------------------------------------------------------------------------


class SignUpRequest(Body):
    email: Email
    password: Password
    name: Name
    # Affiliate attribution (seed 003): the partner and the click that brought the user.
    partner_id: Attribution | None = None
    click_id: Attribution | None = None


class VerifyEmailRequest(Body):
    email: Email
    code: Code


class EmailRequest(Body):
    email: Email


class SignInRequest(Body):
    email: Email
    password: Password
    remember_me: bool = False
    # A 6-digit TOTP, or one of the recovery codes.
    totp_code: Code | None = None


class RefreshRequest(Body):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=512)]


class ChangePasswordRequest(Body):
    current_password: Password
    new_password: Password


class CloseAccountRequest(Body):
    password: Password


class ResetPasswordRequest(Body):
    email: Email
    code: Code
    new_password: Password


class PreferencesIn(Body):
    """Display preferences kept on the account: each optional, merged into the stored ones."""

    language: Literal["en", "ru"] | None = None
    theme: Literal["system", "dark", "light"] | None = None
    odds_format: Literal["decimal", "fractional", "american"] | None = None
    # Minutes between reality checks in the live stream; null turns them off (the default).
    reality_check_minutes: RealityCheckMinutes | None = None

    @field_validator("language", "theme", "odds_format", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Leaving a key out keeps the stored value; null would mean nothing sensible.
        if value is None:
            raise ValueError("a preference cannot be null; leave it out to keep it")
        return value


class ProfileRequest(Body):
    name: Name | None = None
    # Seed 004's Telegram link; null unlinks it.
    telegram_id: Annotated[int, Field(gt=0, lt=2**63)] | None = None
    preferences: PreferencesIn | None = None


# Changing the second factor needs the current password: an access token alone may be stolen.
class TotpSetupRequest(Body):
    password: Password


class TotpEnableRequest(Body):
    code: Code
    password: Password


class TotpDisableRequest(Body):
    # A current TOTP or an unused recovery code.
    code: Code
    password: Password


class TwoFactorVerifyRequest(Body):
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    code: Code


class BlockRequest(Body):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class RoleRequest(Body):
    role: Role


class TimeOutRequest(Body):
    days: Annotated[int, Field(ge=TIME_OUT_DAYS[0], le=TIME_OUT_DAYS[1])]


class SelfExclusionRequest(Body):
    months: Annotated[int, Field(ge=SELF_EXCLUSION_MONTHS[0], le=SELF_EXCLUSION_MONTHS[1])]


# responses ------------------------------------------------------------------------------------


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    is_verified: bool
    role: Role
    status: UserStatus
    avatar_url: str | None
    two_factor_enabled: bool
    telegram_id: int | None
    created_at: datetime
    # language (en|ru), theme (system|dark|light), odds_format (decimal|fractional|american),
    # reality_check_minutes (10..240, or null: off); only the keys the user has chosen.
    preferences: dict[str, str | int | None]

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            is_verified=user.is_verified,
            role=user.role,
            status=user.status,
            avatar_url=f"/api/auth/avatars/{user.avatar_path}" if user.avatar_path else None,
            two_factor_enabled=user.two_factor_enabled,
            telegram_id=user.telegram_id,
            created_at=user.created_at,
            preferences=user.preferences,
        )


class UserResponse(BaseModel):
    user: UserOut


class VerifiedResponse(BaseModel):
    success: Literal[True] = True
    user: UserOut


class SessionOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    remember_me: bool
    ip: str | None
    user_agent: str | None
    current: bool

    @classmethod
    def of(cls, session: Session, *, current_id: uuid.UUID | None) -> SessionOut:
        return cls(
            id=session.id,
            created_at=session.created_at,
            expires_at=session.expires_at,
            last_used_at=session.last_used_at,
            remember_me=session.remember_me,
            ip=session.ip,
            user_agent=session.user_agent,
            current=session.id == current_id,
        )


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    user: UserOut
    session: SessionOut

    @classmethod
    def of(cls, signed: SignedIn) -> TokenResponse:
        return cls(
            access_token=signed.access_token,
            refresh_token=signed.refresh_token,
            expires_in=signed.expires_in,
            user=UserOut.of(signed.user),
            session=SessionOut.of(signed.session, current_id=signed.session.id),
        )


class ChallengeResponse(BaseModel):
    """A provider sign-in that still needs the account's second factor (POST /2fa/verify)."""

    two_factor_required: Literal[True] = True
    challenge: str
    expires_in: int

    @classmethod
    def of(cls, challenge: TwoFactorChallenge) -> ChallengeResponse:
        return cls(challenge=challenge.challenge, expires_in=challenge.expires_in)


class SessionResponse(BaseModel):
    user: UserOut
    session: SessionOut


class SessionsResponse(BaseModel):
    sessions: list[SessionOut]


class SuccessResponse(BaseModel):
    success: Literal[True] = True
    message: str | None = None


class TotpSetupResponse(BaseModel):
    secret: str
    otpauth_uri: str


class RecoveryCodesResponse(BaseModel):
    success: Literal[True] = True
    # Shown once: only their hashes are kept.
    recovery_codes: list[str]


class AdminUserOut(UserOut):
    blocked_reason: str | None
    partner_id: str | None
    click_id: str | None
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> AdminUserOut:
        return cls(
            **UserOut.of(user).model_dump(),
            blocked_reason=user.blocked_reason,
            partner_id=user.partner_id,
            click_id=user.click_id,
            updated_at=user.updated_at,
        )


class AdminUserDetailsOut(AdminUserOut):
    providers: list[str]
    active_sessions: int


class AdminUserResponse(BaseModel):
    user: AdminUserOut


class AdminUserDetailsResponse(BaseModel):
    user: AdminUserDetailsOut


class UserListResponse(BaseModel):
    users: list[AdminUserOut]
    total: int
    page: int
    page_size: int


class AuditEventOut(BaseModel):
    id: int
    action: str
    ip: str | None
    user_agent: str | None
    details: dict[str, Any]
    created_at: datetime


class AuditTrailResponse(BaseModel):
    events: list[AuditEventOut]


class RestrictionOut(BaseModel):
    kind: RestrictionKind
    until: datetime
    created_at: datetime

    @classmethod
    def of(cls, restriction: Restriction) -> RestrictionOut:
        return cls(
            kind=restriction.kind, until=restriction.until, created_at=restriction.created_at
        )


class ResponsibleGamblingResponse(BaseModel):
    # The time-out or self-exclusion in force (null: none); every one taken, newest first.
    restriction: RestrictionOut | None
    history: list[RestrictionOut]

    @classmethod
    def of(cls, found: Overview) -> ResponsibleGamblingResponse:
        return cls(
            restriction=RestrictionOut.of(found.current) if found.current else None,
            history=[RestrictionOut.of(r) for r in found.history],
        )
