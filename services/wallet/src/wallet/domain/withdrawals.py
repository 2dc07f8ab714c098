"""Withdrawal rules: limits per request and per UTC day, statuses, suspicious patterns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from common.money import format_minor
from wallet.domain.errors import (
    DailyWithdrawalLimitExceeded,
    FourEyesOwnOperation,
    WithdrawalAboveMaximum,
    WithdrawalAlreadyApproved,
    WithdrawalBelowMinimum,
    WithdrawalNotPending,
)


class WithdrawalStatus(StrEnum):
    pending = "pending"
    completed = "completed"
    rejected = "rejected"
    cancelled = "cancelled"


# Statuses that count toward the daily limit (money that left, or is on its way out).
COUNTED_TOWARD_DAILY_LIMIT = (WithdrawalStatus.pending, WithdrawalStatus.completed)


@dataclass(frozen=True)
class WithdrawalLimits:
    min_minor: int = 1_000  # 10.00
    max_minor: int = 10_000_000  # 100 000.00 per request
    daily_minor: int = 5_000_000  # 50 000.00 per user per UTC day


def check_amount(amount_minor: int, limits: WithdrawalLimits) -> None:
    if amount_minor < limits.min_minor:
        raise WithdrawalBelowMinimum(
            f"The minimum withdrawal is {format_minor(limits.min_minor)}.",
            details={"minimum": format_minor(limits.min_minor)},
        )
    if amount_minor > limits.max_minor:
        raise WithdrawalAboveMaximum(
            f"The maximum withdrawal per request is {format_minor(limits.max_minor)}.",
            details={"maximum": format_minor(limits.max_minor)},
        )


def remaining_today(used_today_minor: int, limits: WithdrawalLimits) -> int:
    """What the daily limit still allows after the day's pending + completed withdrawals."""
    return max(0, limits.daily_minor - used_today_minor)


def check_daily_limit(amount_minor: int, used_today_minor: int, limits: WithdrawalLimits) -> None:
    """Pending + completed withdrawals of the UTC day, plus this one, stay within the limit."""
    if used_today_minor + amount_minor > limits.daily_minor:
        remaining = remaining_today(used_today_minor, limits)
        raise DailyWithdrawalLimitExceeded(
            f"Daily withdrawal limit exceeded: {format_minor(remaining)} left today.",
            details={
                "daily_limit": format_minor(limits.daily_minor),
                "used_today": format_minor(used_today_minor),
                "remaining": format_minor(remaining),
                "requested_amount": format_minor(amount_minor),
            },
        )


def utc_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of ``now``'s UTC calendar day."""
    day = now.astimezone(UTC).date()
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def finish(status: WithdrawalStatus, target: WithdrawalStatus) -> WithdrawalStatus:
    """``pending → completed | rejected | cancelled``, once."""
    if status is not WithdrawalStatus.pending:
        raise WithdrawalNotPending(
            f"The withdrawal is already {status}.", details={"status": status}
        )
    return target


# --- four eyes on money out ------------------------------------------------------------------


def check_not_own(owner_id: uuid.UUID, admin_id: uuid.UUID) -> None:
    """An admin never decides on their own withdrawal or verifies their own method."""
    if owner_id == admin_id:
        raise FourEyesOwnOperation()


def approvals_required(amount_minor: int, second_approval_above_minor: int) -> int:
    """One admin's approval; two different admins' above the threshold."""
    return 2 if amount_minor > second_approval_above_minor else 1


def check_new_approver(approved_by: Sequence[uuid.UUID], admin_id: uuid.UUID) -> None:
    if admin_id in approved_by:
        raise WithdrawalAlreadyApproved(details={"approvals": len(approved_by)})


# --- suspicious patterns (flags for the admin, never a refusal on their own) ------------------


class SuspiciousPattern(StrEnum):
    withdrawal_after_deposit_without_bets = "withdrawal_after_deposit_without_bets"
    repeated_failed_withdrawals = "repeated_failed_withdrawals"
    withdrawal_velocity = "withdrawal_velocity"


@dataclass(frozen=True)
class SuspicionThresholds:
    deposit_window: timedelta = timedelta(hours=24)
    failed_withdrawals: int = 3  # failed attempts in the last 24 h
    velocity_count: int = 3  # withdrawal requests (this one included) …
    velocity_window: timedelta = timedelta(hours=1)  # … within this window


@dataclass(frozen=True)
class WithdrawalActivity:
    """What is known about a user's recent activity when a withdrawal is requested."""

    now: datetime
    last_deposit_at: datetime | None
    bets_since_last_deposit: int
    failed_withdrawals_24h: int
    requests_in_velocity_window: int  # earlier requests, this one not included


def suspicious_patterns(
    activity: WithdrawalActivity, thresholds: SuspicionThresholds
) -> list[SuspiciousPattern]:
    found = []
    if (
        activity.last_deposit_at is not None
        and activity.now - activity.last_deposit_at <= thresholds.deposit_window
        and activity.bets_since_last_deposit == 0
    ):
        found.append(SuspiciousPattern.withdrawal_after_deposit_without_bets)
    if activity.failed_withdrawals_24h >= thresholds.failed_withdrawals:
        found.append(SuspiciousPattern.repeated_failed_withdrawals)
    if activity.requests_in_velocity_window + 1 >= thresholds.velocity_count:
        found.append(SuspiciousPattern.withdrawal_velocity)
    return found
