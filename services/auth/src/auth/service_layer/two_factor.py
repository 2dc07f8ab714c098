"""Two-factor authentication: TOTP setup, confirmation with recovery codes, turning it off,
and the second step of a provider sign-in for accounts that have it.

Changing the second factor needs the account's current password (not just a valid access
token, which may be stolen): a thief must not enrol their own authenticator, which would also
lock the owner out. A wrong password counts like a failed sign-in (same lockouts). Turning it
on or off ends every other session of the account.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.errors import (
    ChallengeInvalid,
    TwoFactorAlreadyEnabled,
    TwoFactorCodeIncorrect,
    TwoFactorCodeInvalid,
    TwoFactorNotEnabled,
    TwoFactorNotSetUp,
    UserBlocked,
)
from auth.domain.model import RevokeReason, User
from auth.domain.two_factor import (
    hash_recovery_code,
    matching_totp_step,
    new_recovery_codes,
    new_totp_secret,
    provisioning_uri,
)
from auth.service_layer.services import AuthServices, SignedIn, TwoFactorChallenge
from auth.service_layer.sessions import (
    CurrentSession,
    PasswordAttempt,
    authenticated,
    end_sessions,
    password_confirmed,
    refuse_attempt,
    second_factor_ok,
    start_session,
)
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import Principal

CHALLENGE_KIND = "2fa-challenge"
CHALLENGE_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_uri: str


@asynccontextmanager
async def _password_confirmed(
    services: AuthServices, principal: Principal, password: str, *, origin: RequestOrigin
) -> AsyncIterator[PasswordAttempt]:
    """The signed-in caller's current password (``sessions.password_confirmed``)."""
    async with services.uow() as uow:
        user = (await authenticated(services, uow, principal)).user
    unset = "This account has no password: set one (forgot password) to change two-factor."
    async with password_confirmed(
        services, user, password, origin=origin, unset_message=unset
    ) as attempt:
        yield attempt


async def _end_other_sessions(
    services: AuthServices, uow: UnitOfWork, current: CurrentSession, *, now: datetime
) -> int:
    ended = await end_sessions(
        services,
        uow,
        user_id=current.user.id,
        reason=RevokeReason.two_factor_changed,
        now=now,
        except_session=current.session.id,
    )
    return len(ended)


async def set_up(
    services: AuthServices, principal: Principal, *, password: str, origin: RequestOrigin
) -> TotpSetup:
    """A new secret, kept (encrypted) until confirmed; calling again replaces it."""
    async with (
        _password_confirmed(services, principal, password, origin=origin),
        services.uow() as uow,
    ):
        now = services.clock()
        user = (await authenticated(services, uow, principal, for_update=True)).user
        if user.two_factor_enabled:
            raise TwoFactorAlreadyEnabled()
        secret = new_totp_secret()
        await uow.users.change(
            user.id,
            now=now,
            totp_secret=services.seal_totp_secret(user.id, secret),
            totp_enabled_at=None,
            totp_last_step=None,
        )
        await uow.audit.record(
            AuditAction.two_factor_setup, user_id=user.id, origin=origin, now=now
        )
        await uow.commit()
    return TotpSetup(
        secret=secret,
        otpauth_uri=provisioning_uri(
            secret, account=user.email, issuer=services.settings.totp_issuer
        ),
    )


async def enable(
    services: AuthServices,
    principal: Principal,
    *,
    code: str,
    password: str,
    origin: RequestOrigin,
) -> list[str]:
    """Confirm the secret with a current code; returns fresh one-time recovery codes."""
    async with (
        _password_confirmed(services, principal, password, origin=origin),
        services.uow() as uow,
    ):
        now = services.clock()
        current = await authenticated(services, uow, principal, for_update=True)
        user = current.user
        if user.two_factor_enabled:
            raise TwoFactorAlreadyEnabled()
        if user.totp_secret is None:
            raise TwoFactorNotSetUp()
        step = matching_totp_step(
            services.open_totp_secret(user), code, at=now, last_used_step=None
        )
        if step is None:
            raise TwoFactorCodeIncorrect()
        codes = new_recovery_codes(services.settings.recovery_code_count)
        pepper = services.settings.code_pepper
        await uow.recovery_codes.replace(
            user_id=user.id,
            code_hashes=[hash_recovery_code(pepper, str(user.id), c) for c in codes],
            now=now,
        )
        await uow.users.change(user.id, now=now, totp_enabled_at=now, totp_last_step=step)
        # Sessions opened with the password alone must not outlive the new second factor.
        ended = await _end_other_sessions(services, uow, current, now=now)
        await uow.audit.record(
            AuditAction.two_factor_enabled,
            user_id=user.id,
            origin=origin,
            now=now,
            sessions_ended=ended,
        )
        await uow.commit()
    return codes


async def disable(
    services: AuthServices,
    principal: Principal,
    *,
    code: str,
    password: str,
    origin: RequestOrigin,
) -> None:
    """Needs the password and a current TOTP or a recovery code."""
    async with services.uow() as uow:
        user = (await authenticated(services, uow, principal)).user
    if not user.two_factor_enabled:
        raise TwoFactorNotEnabled()
    async with (
        _password_confirmed(services, principal, password, origin=origin) as attempt,
        services.uow() as uow,
    ):
        now = services.clock()
        current = await authenticated(services, uow, principal, for_update=True)
        user = current.user
        if not user.two_factor_enabled:
            raise TwoFactorNotEnabled()
        if not await second_factor_ok(services, uow, user=user, code=code, origin=origin, now=now):
            # A failed attempt, as a wrong code at sign-in: the password alone must not buy
            # unlimited guesses at the second factor.
            await refuse_attempt(services, attempt, TwoFactorCodeIncorrect())
        await uow.users.change(
            user.id, now=now, totp_secret=None, totp_enabled_at=None, totp_last_step=None
        )
        await uow.recovery_codes.delete_all(user.id)
        ended = await _end_other_sessions(services, uow, current, now=now)
        await uow.audit.record(
            AuditAction.two_factor_disabled,
            user_id=user.id,
            origin=origin,
            now=now,
            sessions_ended=ended,
        )
        await uow.commit()


# the second step of a provider sign-in -----------------------------------------------------------


async def open_challenge(
    services: AuthServices, *, user: User, method: str, remember_me: bool
) -> TwoFactorChallenge:
    ttl_s = services.settings.two_factor_challenge_ttl_s
    challenge = secrets.token_urlsafe(32)
    await services.ephemeral.put(
        CHALLENGE_KIND,
        challenge,
        {
            "user_id": str(user.id),
            "method": method,
            "remember_me": remember_me,
            "attempts": 0,
            "expires_at": time.time() + ttl_s,
        },
        ttl_s=ttl_s,
    )
    return TwoFactorChallenge(challenge=challenge, expires_in=ttl_s)


async def complete_challenge(
    services: AuthServices, *, challenge: str, code: str, origin: RequestOrigin
) -> SignedIn:
    data = await services.ephemeral.take(CHALLENGE_KIND, challenge)
    if data is None:
        raise ChallengeInvalid()
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.get(uuid.UUID(str(data["user_id"])), for_update=True)
        if user is None:
            raise ChallengeInvalid()
        if user.is_blocked:
            raise UserBlocked()
        if not await second_factor_ok(services, uow, user=user, code=code, origin=origin, now=now):
            await _retry_later(services, challenge, data)
            await uow.audit.record(
                AuditAction.sign_in_failed,
                user_id=user.id,
                origin=origin,
                now=now,
                reason="totp",
                method=data.get("method"),
            )
            await uow.commit()
            raise TwoFactorCodeInvalid()
        signed = await start_session(
            services,
            uow,
            user=user,
            remember_me=bool(data.get("remember_me")),
            method=data.get("method"),
            two_factor=True,
            origin=origin,
            now=now,
        )
        await uow.commit()
        return signed


async def _retry_later(services: AuthServices, challenge: str, data: dict[str, object]) -> None:
    """A wrong code puts the challenge back (same expiry) until its attempts run out."""
    attempts = int(str(data.get("attempts", 0))) + 1
    remaining_s = int(float(str(data.get("expires_at", 0))) - time.time())
    if attempts < CHALLENGE_MAX_ATTEMPTS and remaining_s > 0:
        await services.ephemeral.put(
            CHALLENGE_KIND, challenge, {**data, "attempts": attempts}, ttl_s=remaining_s
        )
