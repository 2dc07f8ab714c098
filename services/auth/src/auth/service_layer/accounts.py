"""Accounts: sign-up, email verification, passwords (change, forgot, reset), profile, admins."""

from __future__ import annotations

import asyncio
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NoReturn

from auth.adapters.avatars import reencode_avatar
from auth.adapters.mail import (
    Mail,
    code_lockout_mail,
    password_reset_mail,
    sign_up_existing_mail,
    verification_mail,
)
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.codes import (
    CodeAttempts,
    CodeLockoutPolicy,
    CodePurpose,
    CodeVerdict,
    address_subject,
    check_code,
    hash_code,
    new_code,
)
from auth.domain.emails import normalise_email, normalise_email_lookup
from auth.domain.errors import (
    AdminPromotionRefused,
    AvatarTooLarge,
    CodeChecksThrottled,
    CodeInvalid,
    CodeLocked,
    PasswordNotSet,
    TelegramIdTaken,
)
from auth.domain.model import PreferenceValue, RevokeReason, Role, User, UserStatus
from auth.domain.passwords import check_new_password
from auth.service_layer.oauth import forget_links_made_unverified
from auth.service_layer.services import AuthServices
from auth.service_layer.sessions import (
    authenticated,
    end_sessions,
    password_confirmed,
)
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import Principal
from common.contracts.auth import LanguageChanged, UserRegistered, UserRoleChanged

# No user has this id: an unknown address runs the same code query and finds nothing.
NO_USER = uuid.UUID(int=0)


def _submit_after_commit(services: AuthServices, uow: UnitOfWork, mail: Mail) -> None:
    async def send() -> None:
        services.mailer.submit(mail)

    uow.after_commit(send)


def _code_address(email: str) -> str:
    """The address codes are counted under: normalised, or as typed when it is not valid."""
    return normalise_email_lookup(email) or email.strip().lower()


def _lockout_policy(services: AuthServices) -> CodeLockoutPolicy:
    settings = services.settings
    return CodeLockoutPolicy(
        max_failures=settings.code_lockout_max_failures, window_s=settings.code_lockout_window_s
    )


async def _codes_paused(services: AuthServices, uow: UnitOfWork, user: User, now: datetime) -> bool:
    attempts = await uow.code_attempts.get(
        address_subject(services.settings.code_pepper, user.email)
    )
    return (
        attempts is not None and _lockout_policy(services).retry_after_s(attempts, now) is not None
    )


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
    await uow.codes(purpose).issue(
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


async def _count_code_check(services: AuthServices, purpose: CodePurpose, address: str) -> None:
    """Per address, known or not, before any work: a burst of guesses waits (429)."""
    wait = await services.throttle.count_code_check(purpose=purpose.value, email=address)
    if wait is not None:
        raise CodeChecksThrottled(wait)


async def _spend_code(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    address: str,
    user: User | None,
    purpose: CodePurpose,
    code: str,
    accept_repeat: bool,
    origin: RequestOrigin,
    now: datetime,
) -> bool:
    """Spend ``code`` for ``user`` (None: ``address`` has no account). True when it was fresh;
    False when it is the code already spent, presented again and ``accept_repeat`` (a double
    click). Anything else is refused and counted against the address (``_code_refused``).

    While the address is paused every code gets the same 429, right or wrong. Otherwise an
    unknown address, and a wrong, expired, spent or over-tried code all get the same
    ``CodeInvalid`` after the same queries: nothing tells whether the address has an account.
    """
    settings = services.settings
    subject = address_subject(settings.code_pepper, address)
    attempts = await uow.code_attempts.lock(subject, now=now)
    paused_for = _lockout_policy(services).retry_after_s(attempts, now)
    if paused_for is not None:
        raise CodeLocked(paused_for)
    codes = uow.codes(purpose)
    issued = await codes.latest(user.id if user else NO_USER, for_update=True)
    if user is not None and issued is not None:
        presented = hash_code(settings.code_pepper, purpose, str(user.id), code)
        verdict = check_code(
            stored_hash=issued.code_hash,
            presented_hash=presented,
            expires_at=issued.expires_at,
            attempts=issued.attempts,
            max_attempts=settings.code_max_attempts,
            used_at=issued.used_at,
            now=now,
        ).verdict
        if verdict is CodeVerdict.accepted:
            await codes.mark_used(issued.id, now=now)
            await uow.code_attempts.clear(subject)
            return True
        if (
            verdict is CodeVerdict.used
            and accept_repeat
            and hmac.compare_digest(issued.code_hash, presented)
        ):
            return False
        if verdict is CodeVerdict.wrong:
            await codes.count_attempt(issued.id)
    await _code_refused(
        services,
        uow,
        subject=subject,
        attempts=attempts,
        user=user,
        purpose=purpose,
        origin=origin,
        now=now,
    )


async def _code_refused(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    subject: bytes,
    attempts: CodeAttempts,
    user: User | None,
    purpose: CodePurpose,
    origin: RequestOrigin,
    now: datetime,
) -> NoReturn:
    """Count a refused code against the address (committed although the request fails); the
    one that reaches the limit pauses the address's code flows and tells the owner."""
    policy = _lockout_policy(services)
    after = policy.after_failure(attempts, now)
    await uow.code_attempts.save(subject, after)
    paused_for = policy.retry_after_s(after, now)
    if paused_for is not None and after.locked_until is not None:
        await uow.audit.record(
            AuditAction.code_lockout,
            user_id=user.id if user else None,
            origin=origin,
            now=now,
            purpose=purpose.value,
            failures=after.failures,
            locked_until=after.locked_until.isoformat(),
        )
        if user is not None:
            _submit_after_commit(
                services,
                uow,
                code_lockout_mail(to=user.email, name=user.name, until=after.locked_until),
            )
    await uow.commit()
    if paused_for is not None:
        raise CodeLocked(paused_for)
    raise CodeInvalid()


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
    """A new, unverified user. An address that already has an account gets the very same kind
    of answer (an id nobody has, nothing stored): its owner is told by email instead."""
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
            await _sign_up_existing(services, uow, email=normalised, origin=origin, now=now)
            return _unsaved_user(
                email=normalised, name=name, partner_id=partner_id, click_id=click_id, now=now
            )
        await _issue_code(services, uow, user=user, purpose=CodePurpose.verify_email, now=now)
        await uow.emit(
            UserRegistered(
                user_id=user.id,
                email=user.email,
                name=user.name,
                affiliate_id=partner_id,
                click_id=click_id,
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


async def _sign_up_existing(
    services: AuthServices, uow: UnitOfWork, *, email: str, origin: RequestOrigin, now: datetime
) -> None:
    """Tell the owner (after the commit, in the background: the answer takes as long)."""
    owner = await uow.users.by_email(email)
    if owner is None:  # gone since the insert collided: nothing to tell
        return
    await uow.audit.record(
        AuditAction.sign_up_existing_email, user_id=owner.id, origin=origin, now=now
    )
    # Capped per address, so sign-ups cannot be used to flood the owner's mailbox.
    if not owner.is_blocked and await services.throttle.may_mail(
        purpose="sign_up_existing", email=owner.email
    ):
        _submit_after_commit(services, uow, sign_up_existing_mail(to=owner.email, name=owner.name))
    await uow.commit()


def _unsaved_user(
    *, email: str, name: str, partner_id: str | None, click_id: str | None, now: datetime
) -> User:
    """What a new sign-up answers, for an address that already has an account: a random id."""
    return User(
        id=uuid.uuid4(),
        email=email,
        name=name,
        role=Role.user,
        status=UserStatus.active,
        password_hash=None,
        email_verified_at=None,
        telegram_id=None,
        partner_id=partner_id,
        click_id=click_id,
        avatar_path=None,
        totp_secret=None,
        totp_enabled_at=None,
        totp_last_step=None,
        blocked_reason=None,
        created_at=now,
        updated_at=now,
    )


async def verify_email(
    services: AuthServices, *, email: str, code: str, origin: RequestOrigin
) -> User:
    address = _code_address(email)
    await _count_code_check(services, CodePurpose.verify_email, address)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(address, for_update=True)
        fresh = await _spend_code(
            services,
            uow,
            address=address,
            user=user,
            purpose=CodePurpose.verify_email,
            code=code,
            accept_repeat=user is not None and user.is_verified,
            origin=origin,
            now=now,
        )
        assert user is not None  # _spend_code refuses an address without an account
        if not fresh:
            return user  # the same code sent twice (a double click): already done
        if not user.is_verified:
            user = await uow.users.change(user.id, now=now, email_verified_at=now)
            await uow.audit.record(
                AuditAction.email_verified, user_id=user.id, origin=origin, now=now
            )
            await forget_links_made_unverified(uow, user.id, origin=origin, now=now)
        await uow.commit()
        return user


async def _mail_code(
    services: AuthServices,
    uow: UnitOfWork,
    *,
    email: str,
    purpose: CodePurpose,
    now: datetime,
    skip: Callable[[User], bool] = lambda _user: False,
) -> User | None:
    """A fresh code to the address's account, if it has one that may get it (None: no mail).

    Not to a blocked account, not while the address's codes are paused, not twice within the
    resend interval, and not more than the per-address cap (a mailbox cannot be flooded).
    """
    lookup = normalise_email_lookup(email)
    if lookup is None:
        return None
    user = await uow.users.by_email(lookup, for_update=True)
    if user is None or user.is_blocked or skip(user):
        return None
    if await _codes_paused(services, uow, user, now):
        return None
    latest = await uow.codes(purpose).latest(user.id)
    interval = timedelta(seconds=services.settings.code_resend_interval_s)
    if latest is not None and latest.created_at + interval > now:
        return None
    if not await services.throttle.may_mail(purpose=purpose.value, email=user.email):
        return None
    await _issue_code(services, uow, user=user, purpose=purpose, now=now)
    return user


async def resend_verification(services: AuthServices, *, email: str, origin: RequestOrigin) -> None:
    """Always the same answer: whether the address is known, verified or throttled is not told."""
    async with services.uow() as uow:
        now = services.clock()
        purpose = CodePurpose.verify_email
        if await _mail_code(
            services, uow, email=email, purpose=purpose, now=now, skip=lambda u: u.is_verified
        ):
            await uow.commit()


# passwords ---------------------------------------------------------------------------------------


async def forgot_password(services: AuthServices, *, email: str, origin: RequestOrigin) -> None:
    """Always the same answer, and the email goes out in the background (same timing)."""
    async with services.uow() as uow:
        now = services.clock()
        purpose = CodePurpose.reset_password
        user = await _mail_code(services, uow, email=email, purpose=purpose, now=now)
        if user is None:
            return
        await uow.audit.record(
            AuditAction.password_reset_requested, user_id=user.id, origin=origin, now=now
        )
        await uow.commit()


async def reset_password(
    services: AuthServices, *, email: str, code: str, new_password: str, origin: RequestOrigin
) -> None:
    """Set a new password with an emailed code; every session ends; lockouts are lifted.

    The code is checked first: argon2 (the expensive part) runs only for a right code, so
    wrong guesses cost the server little and take as long for known and unknown addresses.
    """
    check_new_password(new_password)  # the same for every address; a weak one keeps the code
    address = _code_address(email)
    await _count_code_check(services, CodePurpose.reset_password, address)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(address, for_update=True)
        await _spend_code(
            services,
            uow,
            address=address,
            user=user,
            purpose=CodePurpose.reset_password,
            code=code,
            accept_repeat=False,
            origin=origin,
            now=now,
        )
        assert user is not None  # _spend_code refuses an address without an account
        # Hashed inside the transaction: only right codes get here (rare), and the user row
        # stays locked until the new password and the ended sessions commit together.
        changes: dict[str, Any] = {"password_hash": await services.passwords.hash(new_password)}
        if not user.is_verified:
            changes["email_verified_at"] = now  # the code reached the mailbox: it is theirs
        await uow.users.change(user.id, now=now, **changes)
        # Whoever proves the mailbox owns the account: links made before that may be a squatter's.
        await forget_links_made_unverified(uow, user.id, origin=origin, now=now)
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
    async with password_confirmed(services, current.user, current_password, origin=origin):
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
    # The preferences sent (already validated), merged into the stored ones.
    preferences: dict[str, PreferenceValue] | None = None


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
            if change.preferences:
                merged = {**user.preferences, **change.preferences}
                if merged != user.preferences:
                    values["preferences"] = merged
            if not values:
                return user
            updated = await uow.users.change(user.id, now=now, **values)
            language = updated.preferences.get("language")
            if language is not None and language != user.preferences.get("language"):
                # Notifications write in it: announced with the change, in the same transaction
                # (the API let through only a language the contract knows).
                await uow.emit(
                    LanguageChanged.model_validate({"user_id": user.id, "language": language})
                )
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


class AdminOutcome(StrEnum):
    created = "created"
    promoted = "promoted"
    unchanged = "unchanged"  # already an admin: nothing changed (a second start, a replica)


@dataclass(frozen=True)
class EnsuredAdmin:
    user: User
    outcome: AdminOutcome
    sessions_ended: int = 0


async def ensure_admin(
    services: AuthServices,
    *,
    email: str,
    password: str | None,
    origin: RequestOrigin,
    promote_existing: bool = False,
) -> EnsuredAdmin:
    """Create a verified admin, or promote the existing account with this email; idempotent.

    Whoever registered the address first may not be the operator: an existing account is only
    promoted when its email is verified and ``password`` is its own, unless the operator asks
    for it (``promote_existing``). A promotion ends every session of the account.
    """
    normalised = normalise_email(email)
    async with services.uow() as uow:
        now = services.clock()
        user = await uow.users.by_email(normalised, for_update=True)
        if user is None:
            user = await _new_admin(services, uow, email=normalised, password=password, now=now)
            if user is None:  # another replica created the account a moment ago
                return EnsuredAdmin(await _existing(uow, normalised), AdminOutcome.unchanged)
            await uow.audit.record(
                AuditAction.admin_created, user_id=user.id, origin=origin, now=now
            )
            await uow.commit()
            return EnsuredAdmin(user, AdminOutcome.created)
        if user.role is Role.admin:
            return EnsuredAdmin(user, AdminOutcome.unchanged)
        if not promote_existing:
            await _refuse_unproven(services, user, password)
        promoted, ended = await _promote(
            services, uow, user, forced=promote_existing, origin=origin, now=now
        )
        await uow.commit()
        return EnsuredAdmin(promoted, AdminOutcome.promoted, sessions_ended=ended)


async def _existing(uow: UnitOfWork, email: str) -> User:
    user = await uow.users.by_email(email)
    assert user is not None
    return user


async def _new_admin(
    services: AuthServices, uow: UnitOfWork, *, email: str, password: str | None, now: datetime
) -> User | None:
    """The new admin account (verified: the operator vouches for it); None if it exists."""
    if password is None:
        raise PasswordNotSet("A new admin needs a password.")
    check_new_password(password)
    user = await uow.users.add(
        user_id=uuid.uuid4(),
        email=email,
        name=email.split("@", 1)[0][:100] or "admin",
        password_hash=await services.passwords.hash(password),
        role=Role.admin,
        email_verified_at=now,
        now=now,
    )
    if user is not None:
        await uow.emit(UserRegistered(user_id=user.id, email=user.email, name=user.name))
    return user


async def _refuse_unproven(services: AuthServices, user: User, password: str | None) -> None:
    """Refuse unless the account is verified and ``password`` is its own password."""
    if not user.is_verified:
        raise AdminPromotionRefused(details={"reason": "unverified"})
    if password is None:
        raise AdminPromotionRefused(details={"reason": "password_required"})
    if not await services.passwords.verify(user.password_hash, password):
        raise AdminPromotionRefused(details={"reason": "password_mismatch"})


async def _promote(
    services: AuthServices,
    uow: UnitOfWork,
    user: User,
    *,
    forced: bool,
    origin: RequestOrigin,
    now: datetime,
) -> tuple[User, int]:
    """Make ``user`` an admin and end every session it had: a session opened before the
    promotion may not be the operator's, and its tokens carry the old role."""
    old = user.role
    promoted = await uow.users.change(user.id, now=now, role=Role.admin.value)
    await uow.emit(UserRoleChanged(user_id=user.id, old_role=old.value, new_role="admin"))
    ended = await end_sessions(
        services, uow, user_id=user.id, reason=RevokeReason.role_changed, now=now
    )
    await uow.audit.record(
        AuditAction.role_changed,
        user_id=user.id,
        origin=origin,
        now=now,
        old_role=old.value,
        new_role="admin",
        actor=origin.user_agent or "operator",
        forced=forced,
        sessions_ended=len(ended),
    )
    return promoted, len(ended)
