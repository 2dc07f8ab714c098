"""Accounts: sign-up, email verification, passwords (change, forgot, reset), profile, admins."""

from __future__ import annotations

import asyncio
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auth.adapters.avatars import reencode_avatar
from auth.adapters.mail import Mail, password_reset_mail, verification_mail
from auth.adapters.repositories import CodeRepository
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.codes import CodePurpose, CodeVerdict, check_code, hash_code, new_code
from auth.domain.emails import normalise_email, normalise_email_lookup
from auth.domain.errors import (
    AvatarTooLarge,
    CodeAttemptsExceeded,
    CodeExpired,
    CodeInvalid,
    EmailTaken,
    PasswordIncorrect,
    PasswordNotSet,
    SignInLocked,
    TelegramIdTaken,
)
from auth.domain.model import RevokeReason, Role, User
from auth.domain.passwords import check_new_password
from auth.service_layer.services import AuthServices
from auth.service_layer.sessions import authenticated, end_sessions
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import Principal
from common.contracts.auth import UserRegistered, UserRoleChanged


def _submit_after_commit(services: AuthServices, uow: UnitOfWork, mail: Mail) -> None:
    async def send() -> None:
        services.mailer.submit(mail)

    uow.after_commit(send)


async def _issue_code(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    user: User,
    purpose: CodePurpose,
    now: datetime,
) -> None:
    """Store a fresh code's hash (replacing older ones) and email it after the commit."""
    settings = services.settings
    code = new_code()
    codes = uow.verifications if purpose is CodePurpose.verify_email else uow.password_resets
    await codes.issue(
        user_id=user.id,
        code_hash=hash_code(settings.code_pepper, purpose, str(user.id), code),
        expires_at=now + timedelta(seconds=settings.code_ttl_s),
        now=now,
    )
    make = verification_mail if purpose is CodePurpose.verify_email else password_reset_mail
    ttl_min = max(1, settings.code_ttl_s // 60)
    _submit_after_commit(
        services, uow, make(to=user.email, name=user.name, code=code, ttl_min=ttl_min)
    )


async def _spend_code(
    services: AuthServices,
    uow: UnitOfWork,
    codes: CodeRepository,
    *,
    user: User | None,
    purpose: CodePurpose,
    code: str,
    now: datetime,
) -> tuple[User, uuid.UUID] | None:
    """Check ``code`` for ``user``; None if it was already spent on this very code.

    A wrong code counts an attempt (committed even though the request fails).
    """
    if user is None:
        raise CodeInvalid()
    issued = await codes.latest(user.id, for_update=True)
    if issued is None:
        raise CodeInvalid()
    settings = services.settings
    presented = hash_code(settings.code_pepper, purpose, str(user.id), code)
    verdict = check_code(
        stored_hash=issued.code_hash,
        presented_hash=presented,
        expires_at=issued.expires_at,
        attempts=issued.attempts,
        max_attempts=settings.code_max_attempts,
        used_at=issued.used_at,
        now=now,
    )
    match verdict.verdict:
        case CodeVerdict.accepted:
            await codes.mark_used(issued.id, now=now)
            return user, issued.id
        case CodeVerdict.wrong:
            await codes.count_attempt(issued.id)
            await uow.commit()
            raise CodeInvalid(details={"attempts_left": verdict.attempts_left})
        case CodeVerdict.expired:
            raise CodeExpired()
        case CodeVerdict.exhausted:
            raise CodeAttemptsExceeded()
        case CodeVerdict.used:
            return None
    raise CodeInvalid()  # pragma: no cover - every verdict is handled above


# sign-up and verification ------------------------------------------------------------------------


async def sign_up(
    services: AuthServices,
    *,
    email: str,
    password: str,
    name: str,
    partner_id: str | None,
    click_id: str | None,
    origin: RequestOrigin,
) -> User:
    normalised = normalise_email(email)
    check_new_password(password)
    password_hash = await services.passwords.hash(password)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.add(
            user_id=uuid.uuid4(),
            email=normalised,
            name=name,
            password_hash=password_hash,
            partner_id=partner_id,
            click_id=click_id,
            now=now,
        )
        if user is None:
            raise EmailTaken()
        await _issue_code(services, uow, user=user, purpose=CodePurpose.verify_email, now=now)
        await uow.emit(
            UserRegistered(
                user_id=user.id, email=user.email, name=user.name, affiliate_id=partner_id
            )
        )
        await uow.audit.record(
            AuditAction.sign_up,
            user_id=user.id,
            origin=origin,
            now=now,
            method="password",
            partner_id=partner_id,
            click_id=click_id,
        )
        await uow.commit()
    return user


async def verify_email(
    services: AuthServices, *, email: str, code: str, origin: RequestOrigin
) -> User:
    lookup = normalise_email_lookup(email)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(lookup, for_update=True) if lookup else None
        spent = await _spend_code(
            services,
            uow,
            uow.verifications,
            user=user,
            purpose=CodePurpose.verify_email,
            code=code,
            now=now,
        )
        if spent is None:
            assert user is not None
            if user.is_verified and await _was_this_code(services, uow, user, code):
                return user  # the same code sent twice (a double click): already done
            raise CodeInvalid()
        user = spent[0]
        if not user.is_verified:
            user = await uow.users.change(user.id, now=now, email_verified_at=now)
            await uow.audit.record(
                AuditAction.email_verified, user_id=user.id, origin=origin, now=now
            )
        await uow.commit()
        return user


async def _was_this_code(services: AuthServices, uow: UnitOfWork, user: User, code: str) -> bool:
    issued = await uow.verifications.latest(user.id)
    presented = hash_code(
        services.settings.code_pepper, CodePurpose.verify_email, str(user.id), code
    )
    return issued is not None and hmac.compare_digest(issued.code_hash, presented)


async def _may_send_code(
    codes: CodeRepository, user: User, *, interval_s: int, now: datetime
) -> bool:
    latest = await codes.latest(user.id)
    return latest is None or latest.created_at + timedelta(seconds=interval_s) <= now


async def resend_verification(services: AuthServices, *, email: str, origin: RequestOrigin) -> None:
    """Always the same answer: whether the address is known, verified or throttled is not told."""
    lookup = normalise_email_lookup(email)
    if lookup is None:
        return
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(lookup, for_update=True)
        if user is None or user.is_verified or user.is_blocked:
            return
        if not await _may_send_code(
            uow.verifications, user, interval_s=services.settings.code_resend_interval_s, now=now
        ):
            return
        await _issue_code(services, uow, user=user, purpose=CodePurpose.verify_email, now=now)
        await uow.commit()


# passwords ---------------------------------------------------------------------------------------


async def forgot_password(services: AuthServices, *, email: str, origin: RequestOrigin) -> None:
    """Always the same answer, and the email goes out in the background (same timing)."""
    lookup = normalise_email_lookup(email)
    if lookup is None:
        return
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(lookup, for_update=True)
        if user is None or user.is_blocked:
            return
        if not await _may_send_code(
            uow.password_resets, user, interval_s=services.settings.code_resend_interval_s, now=now
        ):
            return
        await _issue_code(services, uow, user=user, purpose=CodePurpose.reset_password, now=now)
        await uow.audit.record(
            AuditAction.password_reset_requested, user_id=user.id, origin=origin, now=now
        )
        await uow.commit()


async def reset_password(
    services: AuthServices, *, email: str, code: str, new_password: str, origin: RequestOrigin
) -> None:
    """Set a new password with an emailed code; every session ends; lockouts are lifted."""
    check_new_password(new_password)
    lookup = normalise_email_lookup(email)
    password_hash = await services.passwords.hash(new_password)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(lookup, for_update=True) if lookup else None
        spent = await _spend_code(
            services,
            uow,
            uow.password_resets,
            user=user,
            purpose=CodePurpose.reset_password,
            code=code,
            now=now,
        )
        if spent is None:
            raise CodeInvalid()
        user = spent[0]
        changes: dict[str, Any] = {"password_hash": password_hash}
        if not user.is_verified:
            changes["email_verified_at"] = now  # the code reached the mailbox: it is theirs
        await uow.users.change(user.id, now=now, **changes)
        ended = await end_sessions(
            services, uow, user_id=user.id, reason=RevokeReason.password_reset, now=now
        )
        await uow.audit.record(
            AuditAction.password_reset,
            user_id=user.id,
            origin=origin,
            now=now,
            sessions_ended=len(ended),
        )
        await uow.commit()
    await services.throttle.clear_account(email=user.email)


async def change_password(
    services: AuthServices,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    origin: RequestOrigin,
) -> None:
    """Needs the current password; every other session ends (this one stays signed in)."""
    async with services.uow() as uow:
        current = await authenticated(services, uow, principal)
    user = current.user
    if user.password_hash is None:
        raise PasswordNotSet()
    locked = await services.throttle.locked(email=user.email, ip=origin.ip)
    if locked is not None:
        raise SignInLocked(locked.retry_after_s)
    if not await services.passwords.verify(user.password_hash, current_password):
        lockout = await services.throttle.register_failure(email=user.email, ip=origin.ip)
        if lockout is not None:
            raise SignInLocked(lockout.retry_after_s)
        raise PasswordIncorrect()
    check_new_password(new_password)
    password_hash = await services.passwords.hash(new_password)
    async with services.uow() as uow:
        now = services.clock()
        current = await authenticated(services, uow, principal, for_update=True)
        await uow.users.change(current.user.id, now=now, password_hash=password_hash)
        ended = await end_sessions(
            services,
            uow,
            user_id=current.user.id,
            reason=RevokeReason.password_changed,
            now=now,
            except_session=current.session.id,
        )
        await uow.audit.record(
            AuditAction.password_changed,
            user_id=current.user.id,
            origin=origin,
            now=now,
            sessions_ended=len(ended),
        )
        await uow.commit()


# profile -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileChange:
    name: str | None = None
    telegram_id: int | None = None
    clear_telegram_id: bool = False
    avatar: bytes | None = None


async def update_profile(
    services: AuthServices, principal: Principal, change: ProfileChange, *, origin: RequestOrigin
) -> User:
    settings = services.settings
    avatar_key: str | None = None
    if change.avatar is not None:
        if len(change.avatar) > settings.avatar_max_bytes:
            raise AvatarTooLarge(details={"max_bytes": settings.avatar_max_bytes})
        clean = await asyncio.to_thread(
            reencode_avatar, change.avatar, max_px=settings.avatar_max_px
        )
        avatar_key = await services.avatars.save(str(principal.user_id), clean)
    try:
        async with services.uow() as uow:
            now = services.clock()
            current = await authenticated(services, uow, principal, for_update=True)
            user = current.user
            values: dict[str, Any] = {}
            if change.name is not None and change.name != user.name:
                values["name"] = change.name
            if change.clear_telegram_id:
                values["telegram_id"] = None
            elif change.telegram_id is not None and change.telegram_id != user.telegram_id:
                if await uow.users.telegram_id_taken(change.telegram_id, by_other_than=user.id):
                    raise TelegramIdTaken()
                values["telegram_id"] = change.telegram_id
            if avatar_key is not None:
                values["avatar_path"] = avatar_key
            if not values:
                return user
            updated = await uow.users.change(user.id, now=now, **values)
            await uow.audit.record(
                AuditAction.profile_updated,
                user_id=user.id,
                origin=origin,
                now=now,
                fields=sorted(values),
            )
            old_avatar = user.avatar_path if avatar_key is not None else None
            if old_avatar:

                async def drop_old() -> None:
                    await services.avatars.delete(old_avatar)

                uow.after_commit(drop_old)
            await uow.commit()
            avatar_key = None  # kept
            return updated
    finally:
        if avatar_key is not None:  # the change failed: do not leave the file behind
            await services.avatars.delete(avatar_key)


# admins ------------------------------------------------------------------------------------------


async def ensure_admin(
    services: AuthServices, *, email: str, password: str | None, origin: RequestOrigin
) -> tuple[User, bool]:
    """Create an admin (verified), or promote an existing user; idempotent. (user, created)."""
    normalised = normalise_email(email)
    password_hash = None
    if password is not None:
        check_new_password(password)
        password_hash = await services.passwords.hash(password)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(normalised, for_update=True)
        created = False
        if user is None:
            if password_hash is None:
                raise PasswordNotSet("A new admin needs a password.")
            user = await uow.users.add(
                user_id=uuid.uuid4(),
                email=normalised,
                name=normalised.split("@", 1)[0][:100] or "admin",
                password_hash=password_hash,
                role=Role.admin,
                email_verified_at=now,
                now=now,
            )
            if user is None:  # another replica created it a moment ago
                user = await uow.users.by_email(normalised, for_update=True)
                assert user is not None
            else:
                created = True
                await uow.emit(UserRegistered(user_id=user.id, email=user.email, name=user.name))
                await uow.audit.record(
                    AuditAction.admin_created, user_id=user.id, origin=origin, now=now
                )
        if user.role is not Role.admin:
            old = user.role
            user = await uow.users.change(user.id, now=now, role=Role.admin.value)
            await uow.emit(UserRoleChanged(user_id=user.id, old_role=old.value, new_role="admin"))
            await uow.audit.record(
                AuditAction.role_changed,
                user_id=user.id,
                origin=origin,
                now=now,
                old_role=old.value,
                new_role="admin",
                actor="bootstrap",
            )
        await uow.commit()
        return user, created
