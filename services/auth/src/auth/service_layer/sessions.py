"""Sign-in, token refresh with rotation, sign-out, and a user's own sessions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from auth.adapters.throttle import Lockout
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.emails import normalise_email_lookup
from auth.domain.errors import (
    CredentialsInvalid,
    PasswordIncorrect,
    PasswordNotSet,
    RefreshTokenInvalid,
    RefreshTokenReused,
    SessionEnded,
    SessionNotFound,
    SignInLocked,
    TwoFactorCodeInvalid,
    TwoFactorRequired,
    UserBlocked,
)
from auth.domain.model import RevokeReason, Session, User
from auth.domain.sessions import (
    access_token_expiry,
    hash_refresh_token,
    new_refresh_token,
    session_expiry,
)
from auth.domain.two_factor import (
    hash_recovery_code,
    looks_like_totp,
    matching_totp_step,
    normalise_recovery_code,
)
from auth.service_layer.services import AuthServices, SignedIn
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import Principal
from common.contracts.auth import SessionRevoked as SessionRevokedMessage
from common.errors import DomainError

# sessions: start, issue, end ---------------------------------------------------------------------


async def start_session(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    user: User,
    remember_me: bool,
    method: object,
    two_factor: bool,
    origin: RequestOrigin,
    now: datetime,
) -> SignedIn:
    """A signed-in user's new session, its tokens and its ``sign_in`` audit row (``method``:
    password or the provider; ``two_factor``: whether a second factor was checked)."""
    settings = services.settings
    session = await uow.sessions.add(
        session_id=uuid.uuid4(),
        user_id=user.id,
        expires_at=session_expiry(
            now,
            remember_me=remember_me,
            session_ttl_s=settings.session_ttl_s,
            remember_me_ttl_s=settings.remember_me_session_ttl_s,
        ),
        remember_me=remember_me,
        origin=origin.trimmed(),
        now=now,
    )
    signed = await issue_tokens(services, uow, user=user, session=session, now=now)
    await uow.audit.record(
        AuditAction.sign_in,
        user_id=user.id,
        origin=origin,
        now=now,
        method=method,
        session_id=str(session.id),
        two_factor=two_factor,
    )
    return signed


async def refuse_blocked(
    uow: UnitOfWork, user: User, *, origin: RequestOrigin, now: datetime, **details: object
) -> NoReturn:
    """A blocked account does not sign in: 403, and the attempt in the audit trail (committed
    although the request fails)."""
    await uow.audit.record(
        AuditAction.sign_in_failed,
        user_id=user.id,
        origin=origin,
        now=now,
        reason="blocked",
        **details,
    )
    await uow.commit()
    raise UserBlocked()


async def issue_tokens(
    services: AuthServices, uow: UnitOfWork, *, user: User, session: Session, now: datetime
) -> SignedIn:
    """A fresh refresh token (stored hashed) and an access token for ``session``."""
    settings = services.settings
    refresh_token = new_refresh_token()
    await uow.refresh_tokens.add(
        session_id=session.id, token_hash=hash_refresh_token(refresh_token), now=now
    )
    expires_at = access_token_expiry(
        now, access_ttl_s=settings.access_ttl_s, session_expires_at=session.expires_at
    )
    issued_at = int(now.timestamp())
    access_token = await services.keys.sign(
        {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": str(user.id),
            "sid": str(session.id),
            "role": user.role.value,
            "email_verified": user.is_verified,
            "iat": issued_at,
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
        }
    )
    return SignedIn(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_in=max(0, int(expires_at.timestamp()) - issued_at),
        user=user,
        session=session,
    )


async def end_sessions(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    reason: RevokeReason,
    now: datetime,
    session_ids: Sequence[uuid.UUID] | None = None,
    except_session: uuid.UUID | None = None,
) -> list[Session]:
    """End sessions: revoked in the DB and ``SessionRevoked`` in the outbox (this transaction);
    the Redis deny-list written right after the commit, so their access tokens die at once."""
    access_ttl_s = services.settings.access_ttl_s
    ended = await revoke_sessions(
        uow,
        user_id=user_id,
        reason=reason,
        now=now,
        access_ttl_s=access_ttl_s,
        session_ids=session_ids,
        except_session=except_session,
    )
    if not ended:
        return ended
    ids = [s.id for s in ended]

    async def deny() -> None:
        await services.revocations.revoke_many(ids, until=now + timedelta(seconds=access_ttl_s))

    uow.after_commit(deny)
    return ended


async def revoke_sessions(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    reason: RevokeReason,
    now: datetime,
    access_ttl_s: int,
    session_ids: Sequence[uuid.UUID] | None = None,
    except_session: uuid.UUID | None = None,
) -> list[Session]:
    """Sessions revoked in the DB and ``SessionRevoked`` in the outbox (this transaction); the
    deny-list is the caller's (after its commit, or before the consumer's)."""
    ended = await uow.sessions.revoke(
        user_id=user_id,
        reason=reason.value,
        now=now,
        session_ids=session_ids,
        except_session=except_session,
    )
    last_token_expiry = now + timedelta(seconds=access_ttl_s)
    await uow.emit(
        *(
            SessionRevokedMessage(
                session_id=s.id, user_id=s.user_id, expires_at=min(last_token_expiry, s.expires_at)
            )
            for s in ended
        )
    )
    return ended


# second factor -----------------------------------------------------------------------------------


async def second_factor_ok(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    user: User,
    code: str,
    origin: RequestOrigin,
    now: datetime,
) -> bool:
    """A TOTP (never the same time step twice) or an unused recovery code, spent now.

    ``user`` must have been read ``FOR UPDATE`` in this unit of work.
    """
    if not user.two_factor_enabled:
        return False
    if looks_like_totp(code):
        step = matching_totp_step(
            services.open_totp_secret(user), code, at=now, last_used_step=user.totp_last_step
        )
        if step is None:
            return False
        await uow.users.change(user.id, now=now, totp_last_step=step)
        return True
    if len(normalise_recovery_code(code)) < 8:
        return False
    spent = await uow.recovery_codes.use(
        user_id=user.id,
        code_hash=hash_recovery_code(services.settings.code_pepper, str(user.id), code),
        now=now,
    )
    if spent:
        remaining = await uow.recovery_codes.remaining(user.id)
        await uow.audit.record(
            AuditAction.recovery_code_used,
            user_id=user.id,
            origin=origin,
            now=now,
            remaining=remaining,
        )
    return spent


# sign-in -----------------------------------------------------------------------------------------


@dataclass
class PasswordAttempt:
    """A password attempt already counted by the throttle (before the slow argon2 check, so
    parallel attempts cannot all pass the limit). It ends as a failure (``password_failed``), a
    success (``password_succeeded``), or neither: then it is given back."""

    email: str
    ip: str | None
    settled: bool = False


@asynccontextmanager
async def password_attempt(
    services: AuthServices, *, email: str, origin: RequestOrigin
) -> AsyncIterator[PasswordAttempt]:
    """Count a password attempt for ``email`` and the caller's IP, or refuse it (429)."""
    refused = await services.throttle.begin_attempt(email=email, ip=origin.ip)
    if refused is not None:
        if refused.started:
            async with services.uow() as uow:
                found = await uow.users.by_email(email)
                await _audit_lockout(
                    uow,
                    refused,
                    user_id=found.id if found else None,
                    origin=origin,
                    now=services.clock(),
                )
                await uow.commit()
        raise SignInLocked(refused.retry_after_s)
    attempt = PasswordAttempt(email=email, ip=origin.ip)
    try:
        yield attempt
    finally:
        if not attempt.settled:
            await services.throttle.release_attempt(email=email, ip=origin.ip)


async def password_failed(services: AuthServices, attempt: PasswordAttempt) -> Lockout | None:
    """The attempt failed: it stays counted. The lockout now running, if any."""
    attempt.settled = True
    return await services.throttle.attempt_failed(email=attempt.email, ip=attempt.ip)


async def password_succeeded(services: AuthServices, attempt: PasswordAttempt) -> None:
    attempt.settled = True
    await services.throttle.attempt_succeeded(email=attempt.email, ip=attempt.ip)


async def refuse_if_locked(services: AuthServices, attempt: PasswordAttempt) -> None:
    """Re-check after the slow check: attempts running alongside may have started a lockout,
    and then even the right password waits."""
    locked = await services.throttle.locked(email=attempt.email, ip=attempt.ip)
    if locked is not None:
        raise SignInLocked(locked.retry_after_s)


@asynccontextmanager
async def password_confirmed(
    services: AuthServices,
    user: User,
    password: str,
    *,
    origin: RequestOrigin,
    unset_message: str | None = None,
) -> AsyncIterator[PasswordAttempt]:
    """Go on only with the account's current password (changing it, two-factor, closing the
    account). It is one sign-in attempt for the lockouts, counted before the slow check
    (parallel guesses cannot race past the limit); the block may still count it as failed
    (``refuse_attempt``), else it is given back. ``unset_message``: what to tell an account
    without a password."""
    if user.password_hash is None:
        raise PasswordNotSet(unset_message)
    async with password_attempt(services, email=user.email, origin=origin) as attempt:
        if not await services.passwords.verify(user.password_hash, password):
            await refuse_attempt(services, attempt, PasswordIncorrect())
        await refuse_if_locked(services, attempt)
        yield attempt


async def refuse_attempt(
    services: AuthServices, attempt: PasswordAttempt, error: DomainError
) -> NoReturn:
    """The attempt failed and stays counted: 429 if that started a lockout, else ``error``."""
    lockout = await password_failed(services, attempt)
    if lockout is not None:
        raise SignInLocked(lockout.retry_after_s)
    raise error


async def _audit_lockout(
    uow: UnitOfWork,
    lockout: Lockout,
    *,
    user_id: uuid.UUID | None,
    origin: RequestOrigin,
    now: datetime,
) -> None:
    await uow.audit.record(
        AuditAction.lockout,
        user_id=user_id,
        origin=origin,
        now=now,
        scope=lockout.scope,
        retry_after_s=lockout.retry_after_s,
    )


async def sign_in(
    services: AuthServices,
    *,
    email: str,
    password: str,
    remember_me: bool,
    totp_code: str | None,
    origin: RequestOrigin,
) -> SignedIn:
    """Password sign-in. Unknown email and wrong password answer alike, after the same work."""
    lookup = normalise_email_lookup(email) or email.strip().lower()
    async with password_attempt(services, email=lookup, origin=origin) as attempt:
        async with services.uow() as uow:
            found = await uow.users.by_email(lookup)
        # Outside any transaction: argon2 takes tens of milliseconds and a pooled connection
        # should not wait on it. An unknown email verifies against a dummy hash: same cost.
        password_ok = await services.passwords.verify(
            found.password_hash if found else None, password
        )
        if found is not None and password_ok:
            await refuse_if_locked(services, attempt)
        signed = await _start_signed_in(
            services,
            attempt,
            found=found,
            password_ok=password_ok,
            password=password,
            remember_me=remember_me,
            totp_code=totp_code,
            origin=origin,
        )
        await password_succeeded(services, attempt)
    return signed


async def _start_signed_in(
    services: AuthServices,
    attempt: PasswordAttempt,
    *,
    found: User | None,
    password_ok: bool,
    password: str,
    remember_me: bool,
    totp_code: str | None,
    origin: RequestOrigin,
) -> SignedIn:
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.get(found.id, for_update=True) if found else None
        if user is None or not password_ok:
            await _failed(services, uow, attempt, user=user, reason="password", origin=origin)
        if user.is_blocked:
            await refuse_blocked(uow, user, origin=origin, now=now)
        if user.two_factor_enabled:
            if not totp_code:
                raise TwoFactorRequired()
            if not await second_factor_ok(
                services, uow, user=user, code=totp_code, origin=origin, now=now
            ):
                await _failed(services, uow, attempt, user=user, reason="totp", origin=origin)
        if user.password_hash and services.passwords.needs_rehash(user.password_hash):
            user = await uow.users.change(
                user.id, now=now, password_hash=await services.passwords.hash(password)
            )
        signed = await start_session(
            services,
            uow,
            user=user,
            remember_me=remember_me,
            method="password",
            two_factor=user.two_factor_enabled,
            origin=origin,
            now=now,
        )
        await uow.commit()
    return signed


async def _failed(
    services: AuthServices,
    uow: UnitOfWork,
    attempt: PasswordAttempt,
    *,
    user: User | None,
    reason: str,
    origin: RequestOrigin,
) -> NoReturn:
    """Count and audit a failed attempt, then raise (429 while a lockout runs)."""
    now = services.clock()
    lockout = await password_failed(services, attempt)
    user_id = user.id if user else None
    await uow.audit.record(
        AuditAction.sign_in_failed, user_id=user_id, origin=origin, now=now, reason=reason
    )
    if lockout is not None and lockout.started:
        await _audit_lockout(uow, lockout, user_id=user_id, origin=origin, now=now)
    await uow.commit()
    if lockout is not None:
        raise SignInLocked(lockout.retry_after_s)
    if reason == "totp":
        raise TwoFactorCodeInvalid()
    raise CredentialsInvalid()


# refresh -----------------------------------------------------------------------------------------


async def refresh(services: AuthServices, *, refresh_token: str, origin: RequestOrigin) -> SignedIn:
    """Rotate: the presented token is spent and a new one issued for the same session (whose
    expiry never moves). A token presented twice ends the whole session — its "family"."""
    token_hash = hash_refresh_token(refresh_token)
    async with services.uow() as uow:
        now = services.clock()
        found = await uow.refresh_tokens.find(token_hash)
        if found is None:
            raise RefreshTokenInvalid()
        token_id, session_id, used_at = found
        # The session row lock serialises concurrent refreshes of one session.
        session = await uow.sessions.get(session_id, for_update=True)
        if session is None:
            raise RefreshTokenInvalid()
        if used_at is not None or not await uow.refresh_tokens.use(token_id, now=now):
            ended = await end_sessions(
                services,
                uow,
                user_id=session.user_id,
                reason=RevokeReason.refresh_token_reused,
                now=now,
                session_ids=[session.id],
            )
            await uow.audit.record(
                AuditAction.refresh_token_reused,
                user_id=session.user_id,
                origin=origin,
                now=now,
                session_id=str(session.id),
                session_was_active=bool(ended),
            )
            await uow.commit()
            raise RefreshTokenReused()
        if not session.is_active(now):
            raise SessionEnded()
        user = await uow.users.get(session.user_id)
        if user is None:
            raise RefreshTokenInvalid()
        if user.is_blocked:
            await end_sessions(
                services,
                uow,
                user_id=user.id,
                reason=RevokeReason.user_blocked,
                now=now,
                session_ids=[session.id],
            )
            await uow.commit()
            raise UserBlocked()
        await uow.sessions.touch(session.id, now=now)
        signed = await issue_tokens(services, uow, user=user, session=session, now=now)
        await uow.commit()
        return signed


# the signed-in user's own sessions ---------------------------------------------------------------


@dataclass(frozen=True)
class CurrentSession:
    user: User
    session: Session


async def authenticated(
    services: AuthServices, uow: UnitOfWork, principal: Principal, *, for_update: bool = False
) -> CurrentSession:
    """The caller's user and session as the database has them now (auth is the authority)."""
    now = services.clock()
    session = await uow.sessions.get(principal.session_id)
    if session is None or session.user_id != principal.user_id or not session.is_active(now):
        raise SessionEnded()
    user = await uow.users.get(principal.user_id, for_update=for_update)
    if user is None:
        raise SessionEnded()
    if user.is_blocked:
        raise UserBlocked()
    return CurrentSession(user=user, session=session)


async def current_session(services: AuthServices, principal: Principal) -> CurrentSession:
    async with services.uow() as uow:
        return await authenticated(services, uow, principal)


async def sign_out(services: AuthServices, principal: Principal, *, origin: RequestOrigin) -> None:
    async with services.uow() as uow:
        now = services.clock()
        current = await authenticated(services, uow, principal)
        await end_sessions(
            services,
            uow,
            user_id=current.user.id,
            reason=RevokeReason.sign_out,
            now=now,
            session_ids=[current.session.id],
        )
        await uow.audit.record(
            AuditAction.sign_out,
            user_id=current.user.id,
            origin=origin,
            now=now,
            session_id=str(current.session.id),
        )
        await uow.commit()


async def list_sessions(services: AuthServices, principal: Principal) -> list[Session]:
    async with services.uow() as uow:
        current = await authenticated(services, uow, principal)
        return await uow.sessions.active_for_user(current.user.id, now=services.clock())


async def end_session(
    services: AuthServices,
    principal: Principal,
    session_id: uuid.UUID,
    *,
    origin: RequestOrigin,
) -> None:
    """End one of the caller's own sessions (another device, or this one)."""
    async with services.uow() as uow:
        now = services.clock()
        current = await authenticated(services, uow, principal)
        ended = await end_sessions(
            services,
            uow,
            user_id=current.user.id,
            reason=RevokeReason.ended_by_user,
            now=now,
            session_ids=[session_id],
        )
        if not ended:
            raise SessionNotFound()
        await uow.audit.record(
            AuditAction.session_ended,
            user_id=current.user.id,
            origin=origin,
            now=now,
            session_id=str(session_id),
            by_session=str(current.session.id),
        )
        await uow.commit()
