"""Messages produced by auth."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from common.contracts import ContractModel, Label, ReasonText, UtcDatetime
from common.messaging.envelope import message

Role = Literal["user", "admin"]
Language = Literal["en", "ru"]


@message(producer="auth", type="UserRegistered")
class UserRegistered(ContractModel):
    user_id: uuid.UUID
    email: str = Field(min_length=3, max_length=320)
    name: Label
    # The user who referred this one, and the affiliate partner's id for the sign-up, if any.
    referrer_user_id: uuid.UUID | None = None
    affiliate_id: str | None = Field(default=None, min_length=1, max_length=100)
    # The partner's click (sub id) the sign-up came from: partners match their postbacks on it.
    click_id: str | None = Field(default=None, min_length=1, max_length=100)


@message(producer="auth", type="SessionRevoked")
class SessionRevoked(ContractModel):
    session_id: uuid.UUID
    user_id: uuid.UUID
    # When the session's last access token expires: the deny-list entry can go after that.
    expires_at: UtcDatetime


@message(producer="auth", type="UserBlocked")
class UserBlocked(ContractModel):
    user_id: uuid.UUID
    reason: ReasonText


@message(producer="auth", type="UserUnblocked")
class UserUnblocked(ContractModel):
    """The block is lifted. Consumers order it against ``UserBlocked`` by the envelopes'
    ``occurred_at``: an unblock older than the latest block applied changes nothing."""

    user_id: uuid.UUID


@message(producer="auth", type="AccountClosureRequested")
class AccountClosureRequested(ContractModel):
    """The user asked to close the account: money may only leave it from now on; the wallet
    answers ``wallet.AccountSettledForClosure`` once nothing is left in it."""

    user_id: uuid.UUID


@message(producer="auth", type="UserRoleChanged")
class UserRoleChanged(ContractModel):
    user_id: uuid.UUID
    old_role: Role
    new_role: Role


# --- responsible gambling (issue 23): the account's state is auth's, enforced by bets and wallet


@message(producer="auth", type="UserTimedOut")
class UserTimedOut(ContractModel):
    """The user took a time-out (24 hours to 6 weeks): no bets, deposits or marketing until
    ``until``; open bets stay and settle, withdrawals stay possible."""

    user_id: uuid.UUID
    until: UtcDatetime


@message(producer="auth", type="UserSelfExcluded")
class UserSelfExcluded(ContractModel):
    """The user excluded themselves (6 months to 5 years), not reversible early: as a time-out,
    until ``until``."""

    user_id: uuid.UUID
    until: UtcDatetime


@message(producer="auth", type="LanguageChanged")
class LanguageChanged(ContractModel):
    """The user chose the language the platform writes to them in (notifications' emails and
    Telegram messages follow it)."""

    user_id: uuid.UUID
    language: Language
