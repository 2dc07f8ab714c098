"""What the audit trail records (one row per auth event, with IP and user agent)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuditAction(StrEnum):
    sign_up = "sign_up"
    # Someone signed up with an address that already has an account (its owner is emailed).
    sign_up_existing_email = "sign_up_existing_email"
    email_verified = "email_verified"
    # Too many wrong emailed codes: the address's code flows are paused.
    code_lockout = "code_lockout"
    sign_in = "sign_in"
    sign_in_failed = "sign_in_failed"
    lockout = "lockout"
    refresh_token_reused = "refresh_token_reused"  # noqa: S105
    sign_out = "sign_out"
    session_ended = "session_ended"
    password_changed = "password_changed"  # noqa: S105
    password_reset_requested = "password_reset_requested"  # noqa: S105
    password_reset = "password_reset"  # noqa: S105
    profile_updated = "profile_updated"
    two_factor_setup = "two_factor_setup"
    two_factor_enabled = "two_factor_enabled"
    two_factor_disabled = "two_factor_disabled"
    recovery_code_used = "recovery_code_used"
    oauth_linked = "oauth_linked"
    # A provider link made before the address was proven, dropped once its owner proved it.
    oauth_unlinked = "oauth_unlinked"
    role_changed = "role_changed"
    user_blocked = "user_blocked"
    user_unblocked = "user_unblocked"
    account_closure_requested = "account_closure_requested"
    account_closed = "account_closed"
    admin_created = "admin_created"
    # Responsible gambling (issue 23): never lifted or shortened, so no "ended" action.
    time_out_taken = "time_out_taken"
    self_exclusion_taken = "self_exclusion_taken"


@dataclass(frozen=True)
class RequestOrigin:
    """Where a request came from, as recorded on sessions and audit events."""

    ip: str | None = None
    user_agent: str | None = None

    def trimmed(self) -> RequestOrigin:
        return RequestOrigin(
            ip=self.ip[:64] if self.ip else None,
            user_agent=self.user_agent[:512] if self.user_agent else None,
        )
