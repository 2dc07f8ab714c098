"""What the audit log records: who did what to which money, from where, and how it ended."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AuditAction(StrEnum):
    deposit_completed = "deposit_completed"
    withdrawal_initiated = "withdrawal_initiated"
    withdrawal_failed = "withdrawal_failed"
    withdrawal_cancelled = "withdrawal_cancelled"
    withdrawal_completed = "withdrawal_completed"
    withdrawal_rejected = "withdrawal_rejected"
    withdrawal_method_added = "withdrawal_method_added"
    withdrawal_method_deleted = "withdrawal_method_deleted"
    withdrawal_method_verified = "withdrawal_method_verified"
    suspicious_activity = "suspicious_activity"
    # the bet saga (written by the consumer, in the money movement's transaction)
    stake_reserved = "stake_reserved"
    stake_rejected = "stake_rejected"
    stake_released = "stake_released"
    bet_settled = "bet_settled"
    bet_resettled = "bet_resettled"
    # a BetSettled/BetResettled paying past the bet's cap: nothing moved, message dead-lettered
    payout_refused = "payout_refused"
    # four eyes on money out (issue 20)
    withdrawal_approved = "withdrawal_approved"  # one admin's approval, recorded
    four_eyes_refused = "four_eyes_refused"  # an admin tried to act on their own money out
    # reports (issue 9)
    export_requested = "export_requested"
    # card deposits through Stripe (issue 8)
    deposit_initiated = "deposit_initiated"
    deposit_failed = "deposit_failed"
    deposit_refunded = "deposit_refunded"
    deposit_disputed = "deposit_disputed"
    dispute_closed = "dispute_closed"
    payment_method_added = "payment_method_added"
    payment_method_deleted = "payment_method_deleted"
    # paid products (issue 22)
    subscription_plan_created = "subscription_plan_created"
    subscription_plan_retired = "subscription_plan_retired"
    package_created = "package_created"
    package_sale_changed = "package_sale_changed"
    package_purchased = "package_purchased"
    package_order_failed = "package_order_failed"
    # responsible gambling (issue 23)
    deposit_limit_set = "deposit_limit_set"  # applied at once (a first limit, a decrease)
    deposit_limit_scheduled = "deposit_limit_scheduled"  # an increase/removal after cooling-off
    account_restricted = "account_restricted"  # a time-out or self-exclusion from auth, applied


class AuditStatus(StrEnum):
    success = "success"
    pending = "pending"
    failed = "failed"
    flagged = "flagged"
    rejected = "rejected"  # a stake reservation refused (no money moved)


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from (the gateway forwards the client's IP and User-Agent)."""

    ip_address: str | None = None
    user_agent: str | None = None
    actor_id: uuid.UUID | None = None  # who acted, when not the user (an admin)


@dataclass(frozen=True)
class AuditEntry:
    action: AuditAction
    status: AuditStatus
    user_id: uuid.UUID | None
    amount_minor: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    client: ClientInfo = field(default_factory=ClientInfo)

    @classmethod
    def money_moved(
        cls,
        action: AuditAction,
        *,
        user_id: uuid.UUID,
        operation_id: uuid.UUID,
        amount_minor: int,
        client: ClientInfo,
        **details: Any,
    ) -> AuditEntry:
        """A deposit or withdrawal that has moved its money, named by its operation id."""
        return cls(
            action=action,
            status=AuditStatus.success,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"operation_id": str(operation_id), **details},
            client=client,
        )

    @classmethod
    def method_changed(
        cls, action: AuditAction, *, user_id: uuid.UUID, method_id: uuid.UUID, client: ClientInfo
    ) -> AuditEntry:
        """A card or payout method deleted or verified, named by its id."""
        return cls(
            action=action,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(method_id)},
            client=client,
        )
