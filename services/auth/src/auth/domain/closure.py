"""Account closure as the user asks it (ARCHITECTURE §5): the rules, no persistence.

``active`` → (the user asks, with the password) ``closing`` → (the wallet says it holds
nothing: ``wallet.AccountSettledForClosure``) ``closed``. While ``closing`` the user still
signs in, sees history and withdraws; the wallet refuses deposits and bets. A closing account
an admin blocks stays blocked until unblocked, then is ``closing`` again; a closure whose
wallet settled while blocked completes on the unblock. Closing cannot be cancelled: the wallet
has stopped money coming in, and a cancellation would race its settlement.

``closed``: the profile is anonymised (the address is free to register again, as a new
account with a new wallet), every session ended, OAuth links, 2-FA and the password dropped.
The wallet's money history is never touched.
"""

from __future__ import annotations

import uuid
from typing import Any

from auth.domain.errors import AccountClosed, AdminCannotClose
from auth.domain.model import Role, User, UserStatus

CLOSED_NAME = "Closed account"


def closed_email(user_id: uuid.UUID) -> str:
    """Unique per account, undeliverable (RFC 6761 ``.invalid``), and not a valid sign-up."""
    return f"closed-{user_id}@invalid"


def check_may_request_closure(user: User) -> None:
    if user.is_closed:
        raise AccountClosed()
    if user.role is Role.admin:
        raise AdminCannotClose()


def status_after_unblock(user: User) -> UserStatus:
    """An account that was closing when blocked goes back to closing, not to active."""
    return UserStatus.closing if user.closure_requested_at is not None else UserStatus.active


def completes_now(user: User) -> bool:
    """The wallet has settled and nothing holds the closure back (a block does)."""
    return (
        user.closure_requested_at is not None
        and user.closure_settled_at is not None
        and user.status is UserStatus.closing
    )


def anonymised(user: User) -> dict[str, Any]:
    """The user row's values once closed: nothing that identifies the person remains."""
    return {
        "email": closed_email(user.id),
        "name": CLOSED_NAME,
        "password_hash": None,
        "telegram_id": None,
        "avatar_path": None,
        "totp_secret": None,
        "totp_enabled_at": None,
        "totp_last_step": None,
        "partner_id": None,
        "click_id": None,
        "preferences": {},
        "status": UserStatus.closed.value,
    }
