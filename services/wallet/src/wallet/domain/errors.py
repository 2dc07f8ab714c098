"""Wallet errors: ``<Noun><Problem>`` with a stable ``wallet.…`` code and the HTTP status.

Errors that are bugs or "not yet" (a message that arrived too early) are plain exceptions:
they never reach a client; the bus retries the message or dead-letters it.
"""

from __future__ import annotations

from typing import ClassVar

from common.errors import DomainError, EarlierMessagePending, NotFound, PoisonMessage


class UnbalancedTransfer(Exception):
    """A transfer whose legs do not sum to zero: a bug, never written."""


class HoldAlreadyFinished(Exception):
    """A hold is posted or voided once."""


class HoldNotFound(EarlierMessagePending):
    """A settle/release for a bet whose hold does not exist (yet): raised so the bus retries
    until the message that makes it arrives."""


class HoldMismatch(Exception):
    """A message names a hold with another user or amount than the one on file: a bug upstream."""


class TransferAlreadyPosted(Exception):
    """``(kind, reference)`` was posted before: the operation already happened."""


class PayoutRefused(PoisonMessage):
    """A settlement would make a bet pay more than its cap (or take back more than it paid):
    nothing is credited; the bus dead-letters the message at once (ARCHITECTURE.md §9)."""

    dead_letter_reason = "payout_refused"

    def __init__(self, message: str, *, reason: str, limit_minor: int, total_minor: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.limit_minor = limit_minor
        self.total_minor = total_minor


class ResettlementTooEarly(EarlierMessagePending):
    """A correction whose earlier version has not been applied here yet: raised so the bus
    retries it once the earlier one is in (not a refusal)."""


class WalletNotFound(NotFound):
    code = "wallet.not_found"
    default_message = "Wallet not found."


class WalletBlocked(DomainError):
    code = "wallet.user_blocked"
    status_code = 403
    default_message = "This wallet is blocked."


class WalletClosing(DomainError):
    """The user asked to close the account: only withdrawals remain possible."""

    code = "wallet.account_closing"
    status_code = 409
    default_message = "This account is being closed: money can only be withdrawn."


class InsufficientFunds(DomainError):
    code = "wallet.insufficient_funds"
    status_code = 422
    default_message = "Insufficient available balance."


class CurrencyMismatch(DomainError):
    code = "wallet.currency_mismatch"
    status_code = 422
    default_message = "The amount's currency is not the wallet's currency."


class WithdrawalBelowMinimum(DomainError):
    code = "wallet.withdrawal_below_minimum"
    status_code = 422
    default_message = "The amount is below the minimum withdrawal."


class WithdrawalAboveMaximum(DomainError):
    code = "wallet.withdrawal_above_maximum"
    status_code = 422
    default_message = "The amount is above the maximum withdrawal per request."


class DailyWithdrawalLimitExceeded(DomainError):
    code = "wallet.daily_limit_exceeded"
    status_code = 422
    default_message = "The daily withdrawal limit would be exceeded."


class WithdrawalMethodNotFound(NotFound):
    code = "wallet.withdrawal_method_not_found"
    default_message = "Withdrawal method not found."


class WithdrawalMethodUnverified(DomainError):
    code = "wallet.withdrawal_method_unverified"
    status_code = 422
    default_message = "The withdrawal method is not verified yet."


class NoDefaultWithdrawalMethod(DomainError):
    code = "wallet.no_default_withdrawal_method"
    status_code = 422
    default_message = (
        "No withdrawal method was named and none is the default: name one, or make one default."
    )


class WithdrawalMethodInvalid(DomainError):
    code = "wallet.withdrawal_method_invalid"
    status_code = 422
    default_message = "The bank details are not valid."


class WithdrawalNotFound(NotFound):
    code = "wallet.withdrawal_not_found"
    default_message = "Withdrawal not found."


class WithdrawalNotPending(DomainError):
    code = "wallet.withdrawal_not_pending"
    status_code = 409
    default_message = "The withdrawal is no longer pending."


class FourEyesOwnOperation(DomainError):
    """An admin acting on their own money out: approving, rejecting their own withdrawal or
    verifying their own withdrawal method. Another admin must do it."""

    code = "wallet.four_eyes_own_operation"
    status_code = 403
    default_message = "An admin cannot approve, reject or verify their own money out."


class WithdrawalAlreadyApproved(DomainError):
    code = "wallet.withdrawal_already_approved"
    status_code = 409
    default_message = "You have already approved this withdrawal; another admin must approve it."


class WithdrawalCancelDisabled(DomainError):
    code = "wallet.withdrawal_cancel_disabled"
    status_code = 403
    default_message = "Withdrawals cannot be cancelled by the user here."


# --- card deposits through Stripe (issue 8) -------------------------------------------------


class DepositBelowMinimum(DomainError):
    code = "wallet.deposit_below_minimum"
    status_code = 422
    default_message = "The amount is below the minimum deposit."


class DepositAboveMaximum(DomainError):
    code = "wallet.deposit_above_maximum"
    status_code = 422
    default_message = "The amount is above the maximum deposit per payment."


class DepositNotFound(NotFound):
    code = "wallet.deposit_not_found"
    default_message = "Deposit not found."


class PaymentMethodNotFound(NotFound):
    code = "wallet.payment_method_not_found"
    default_message = "Payment method not found."


class CardDeclined(DomainError):
    """Stripe refused the card; ``details`` carry Stripe's ``decline_code``."""

    code = "wallet.card_declined"
    status_code = 402
    default_message = "The card was declined."


class PaymentProviderUnavailable(DomainError):
    code = "wallet.payment_provider_unavailable"
    status_code = 503
    default_message = "The payment provider could not be reached; try again."


class AccountFlagged(DomainError):
    """An open card dispute (chargeback): withdrawals wait until it is settled."""

    code = "wallet.account_flagged"
    status_code = 403
    default_message = "The account is under review because of a card dispute."


class WalletInDebt(DomainError):
    code = "wallet.in_debt"
    status_code = 403
    default_message = "The wallet is in debt; a deposit must cover it first."


# --- per-user caps on work that costs a Stripe call or a report generation (issue 20) ---------


class CardSetupsPending(DomainError):
    code = "wallet.too_many_pending_card_setups"
    status_code = 429
    default_message = "Finish adding the cards already started before adding another."
    headers: ClassVar[dict[str, str]] = {"Retry-After": "60"}


class CardDepositsPending(DomainError):
    code = "wallet.too_many_pending_deposits"
    status_code = 429
    default_message = "Pay or abandon the deposits already started before starting another."
    headers: ClassVar[dict[str, str]] = {"Retry-After": "60"}


class ReportsInProgress(DomainError):
    code = "wallet.too_many_reports_in_progress"
    status_code = 429
    default_message = "Wait for the reports being made before requesting another."
    headers: ClassVar[dict[str, str]] = {"Retry-After": "10"}


# --- responsible gambling (issue 23, docs/wallet.md "Responsible gambling") -------------------


class AccountRestricted(DomainError):
    """A time-out or self-exclusion runs: no money comes in and no free bets are bought
    (withdrawals stay possible)."""

    code = "wallet.account_restricted"
    status_code = 403
    default_message = (
        "Deposits and free-bet purchases are paused until your time-out or self-exclusion ends."
    )


class DepositLimitReached(DomainError):
    """The deposit would take the user past a deposit limit they set themselves."""

    code = "wallet.deposit_limit_reached"
    status_code = 422
    default_message = "This deposit would exceed your deposit limit."
