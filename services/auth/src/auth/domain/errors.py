"""Errors of the auth service: ``<Noun><Problem>`` with stable ``auth.…`` codes."""

from __future__ import annotations

from typing import Any

from common.errors import Conflict, DomainError, Forbidden, NotFound


# sign-up, passwords, emails -------------------------------------------------------------------
class EmailInvalid(DomainError):
    status_code = 422
    code = "auth.email_invalid"
    default_message = "The email address is not valid."


class EmailTaken(Conflict):
    code = "auth.email_taken"
    default_message = "An account with this email already exists."


class PasswordTooShort(DomainError):
    status_code = 422
    code = "auth.password_too_short"
    default_message = "The password is too short."


class PasswordTooLong(DomainError):
    status_code = 422
    code = "auth.password_too_long"
    default_message = "The password is too long."


class PasswordTooCommon(DomainError):
    status_code = 422
    code = "auth.password_too_common"
    default_message = "This password is too common: choose another one."


class PasswordIncorrect(DomainError):
    """The current password given to change it is wrong (the user is signed in: not a 401)."""

    status_code = 400
    code = "auth.password_incorrect"
    default_message = "The current password is not correct."


class PasswordNotSet(Conflict):
    code = "auth.password_not_set"
    default_message = "This account signs in with a provider; set a password by resetting it."


# sign-in ----------------------------------------------------------------------------------------
class CredentialsInvalid(DomainError):
    status_code = 401
    code = "auth.invalid_credentials"
    default_message = "The email or password is not correct."


class UserBlocked(Forbidden):
    code = "auth.user_blocked"
    default_message = "This account is blocked."


class TwoFactorRequired(DomainError):
    status_code = 401
    code = "auth.totp_required"
    default_message = "A two-factor code is required."


class TwoFactorCodeInvalid(DomainError):
    status_code = 401
    code = "auth.totp_invalid"
    default_message = "The two-factor code is not correct."


class TwoFactorCodeIncorrect(DomainError):
    """A wrong code while setting up or turning off 2FA (the caller is signed in: not a 401)."""

    status_code = 400
    code = "auth.totp_code_incorrect"
    default_message = "The two-factor code is not correct."


class SignInLocked(DomainError):
    """Too many failed password attempts: wait ``retry_after_s``.

    The app answers it and its subclasses (every "too many … wait" refusal) with ``Retry-After``.
    """

    status_code = 429
    code = "auth.too_many_attempts"
    default_message = "Too many failed attempts. Try again later."

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = max(1, retry_after_s)
        super().__init__(details={"retry_after_s": self.retry_after_s})


# sessions and tokens ---------------------------------------------------------------------------
class SessionNotFound(NotFound):
    code = "auth.session_not_found"
    default_message = "No such session."


class SessionEnded(DomainError):
    status_code = 401
    code = "auth.session_revoked"
    default_message = "The session has ended. Sign in again."


class RefreshTokenInvalid(DomainError):
    status_code = 401
    code = "auth.refresh_token_invalid"
    default_message = "The refresh token is not valid."


class RefreshTokenReused(DomainError):
    status_code = 401
    code = "auth.refresh_token_reused"
    default_message = "This refresh token was already used: the session has been ended."


class ChallengeInvalid(DomainError):
    status_code = 401
    code = "auth.challenge_invalid"
    default_message = "The sign-in challenge is not valid or has expired."


# emailed codes -------------------------------------------------------------------------------
class CodeInvalid(DomainError):
    """Every refused code, whatever the reason (wrong, expired, spent, tried too often, or an
    address with no account): one answer, so it never tells whether the address is known."""

    status_code = 400
    code = "auth.code_invalid"
    default_message = "The code is not valid or has expired. Check it or ask for a new one."


class CodeLocked(SignInLocked):
    """Too many wrong codes for this address: its code flows are paused, right code or not."""

    code = "auth.code_locked"
    default_message = "Too many wrong codes for this address. Try again later."


class CodeChecksThrottled(SignInLocked):
    """Too many codes presented for this address in a short time (any address, known or not)."""

    default_message = "Too many codes tried for this address. Try again later."


# two-factor --------------------------------------------------------------------------------------
class TwoFactorAlreadyEnabled(Conflict):
    code = "auth.totp_already_enabled"
    default_message = "Two-factor authentication is already enabled."


class TwoFactorNotSetUp(Conflict):
    code = "auth.totp_not_set_up"
    default_message = "Start two-factor setup first."


class TwoFactorNotEnabled(Conflict):
    code = "auth.totp_not_enabled"
    default_message = "Two-factor authentication is not enabled."


# OAuth -------------------------------------------------------------------------------------------
class OAuthProviderUnknown(NotFound):
    code = "auth.oauth_provider_unknown"
    default_message = "Unknown sign-in provider."


class OAuthProviderNotConfigured(NotFound):
    code = "auth.oauth_provider_not_configured"
    default_message = "This sign-in provider is not configured."


class OAuthStateInvalid(DomainError):
    status_code = 400
    code = "auth.oauth_state_invalid"
    default_message = "The sign-in attempt is not valid or has expired. Start again."


class OAuthExchangeFailed(DomainError):
    status_code = 400
    code = "auth.oauth_exchange_failed"
    default_message = "The provider did not accept the sign-in."


class OAuthProviderUnavailable(DomainError):
    status_code = 502
    code = "auth.oauth_provider_unavailable"
    default_message = "The sign-in provider did not answer."


class OAuthEmailMissing(DomainError):
    status_code = 400
    code = "auth.oauth_email_missing"
    default_message = "The provider did not share an email address."


class OAuthEmailUnverified(DomainError):
    """The provider has not verified the address it gave: whoever signed in there may not own
    it, so it neither creates an account nor links one (account pre-hijacking)."""

    status_code = 400
    code = "auth.oauth_email_unverified"
    default_message = (
        "The sign-in provider has not verified this email address. Verify it with the provider, "
        "or sign up with your email and a password."
    )


class OAuthLinkUnverified(Conflict):
    code = "auth.oauth_link_unverified"
    default_message = (
        "An account with this email exists but the email is not verified on both sides: "
        "sign in with your password and verify your email first."
    )


# profile -----------------------------------------------------------------------------------------
class AvatarInvalid(DomainError):
    status_code = 422
    code = "auth.avatar_invalid"
    default_message = "The avatar must be a PNG, JPEG or WebP image."


class AvatarTooLarge(DomainError):
    status_code = 413
    code = "auth.avatar_too_large"
    default_message = "The avatar is too large."


class TelegramIdTaken(Conflict):
    code = "auth.telegram_id_taken"
    default_message = "This Telegram account is linked to another user."


# admin -------------------------------------------------------------------------------------------
class UserNotFound(NotFound):
    code = "auth.user_not_found"
    default_message = "No such user."


class AdminSelfChange(Conflict):
    code = "auth.admin_self_change"
    default_message = "Admins cannot block themselves or change their own role."


class AdminPromotionRefused(Conflict):
    """``create-admin`` / ``ADMIN_EMAIL`` names an existing account that is not proven to be the
    operator's: unverified, or the given password is not its own (``details.reason``)."""

    code = "auth.admin_promotion_refused"
    default_message = (
        "An account with this email exists but is unverified or its password differs: "
        "it was not promoted. Pass --force-promote-existing (create-admin) or set "
        "AUTH_ADMIN_PROMOTE_EXISTING=true to promote it anyway."
    )


def retry_after_of(error: DomainError) -> int | None:
    """Seconds for a ``Retry-After`` header, when the error carries one."""
    value: Any = getattr(error, "retry_after_s", None)
    return int(value) if isinstance(value, int) else None


# account closure ---------------------------------------------------------------------------------
class AccountClosed(Conflict):
    code = "account.closed"
    default_message = "This account is closed."


class AdminCannotClose(Conflict):
    code = "account.admin_cannot_close"
    default_message = "An administrator cannot close the account: another admin demotes it first."


# responsible gambling ----------------------------------------------------------------------------
class RestrictionShorter(Conflict):
    """A time-out or self-exclusion is never lifted or shortened, by anyone."""

    code = "auth.restriction_shorter"
    default_message = (
        "A time-out or self-exclusion in force cannot be shortened or lifted: "
        "the new one must end no earlier than the current one."
    )
