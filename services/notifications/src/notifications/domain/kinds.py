"""What a user can be told about (kinds), how (channels), and which message is which kind."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """The six kinds a user switches on or off per channel, in their fixed (API) order."""

    deposit = "deposit"
    withdrawal = "withdrawal"
    bet_won = "bet_won"
    subscription = "subscription"
    package = "package"
    responsible_gambling = "responsible_gambling"


KINDS: tuple[Kind, ...] = tuple(Kind)


class Channel(StrEnum):
    email = "email"
    telegram = "telegram"


CHANNELS: tuple[Channel, ...] = tuple(Channel)


class DeliveryStatus(StrEnum):
    """``pending`` → ``sent``, or ``failed`` (a permanent refusal, or given up); an admin may put
    a failed one back to ``pending``."""

    pending = "pending"
    sent = "sent"
    failed = "failed"


# The bus messages a user is told about, by message type (``<producer>.<Type>``'s Type) → kind.
MESSAGE_KINDS: dict[str, Kind] = {
    "DepositCompleted": Kind.deposit,
    "DepositFailed": Kind.deposit,
    "WithdrawalRequested": Kind.withdrawal,
    "WithdrawalCompleted": Kind.withdrawal,
    "WithdrawalRejected": Kind.withdrawal,
    "BetWon": Kind.bet_won,  # bets.BetSettled with result "won" (a lost or void bet: nothing)
    "SubscriptionSuspended": Kind.subscription,
    "PackageExpiringSoon": Kind.package,  # wallet.PackageNotice with kind "expiring_soon"
    "LossLimitChanged": Kind.responsible_gambling,
    "DepositLimitChanged": Kind.responsible_gambling,
    "UserTimedOut": Kind.responsible_gambling,
    "UserSelfExcluded": Kind.responsible_gambling,
}

LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"
