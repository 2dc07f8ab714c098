"""Withdrawals: requested by the user (money leaves available at once), then approved, rejected
or cancelled — each exactly once.

| step | ledger (payable = withdrawals_payable) | history | message |
|---|---|---|---|
| request | available → payable (conditional) | ``withdrawal -A pending`` | WithdrawalRequested |
| approve (the last needed) | payable → clearing | that row → ``completed`` | WithdrawalCompleted |
| reject | payable → available | row → ``rejected``, ``refund +A`` | WithdrawalRejected |
| cancel | payable → available | row → ``cancelled``, ``refund +A`` | WithdrawalCancelled |

A request locks the user's wallet row first: the daily sum (pending + completed of the UTC
day) and the debit are then decided by one request at a time per user, so parallel requests
cannot pass the daily limit together. The available balance itself is protected by the
conditional debit, whatever else (a bet reservation) races it.

Four eyes (issue 20): an admin never approves or rejects their own withdrawal. Above
``WALLET_WITHDRAWAL_SECOND_APPROVAL_ABOVE_MINOR`` a withdrawal needs the approvals of two
different admins: the first is recorded (``withdrawal_approval``, audited) and the withdrawal stays
pending; the second completes it. Every decision locks the withdrawal row first, so two admins
approving at the same moment decide one after the other: the money moves once, and the rule is
never skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from common.contracts.wallet import (
    WithdrawalCancelled,
    WithdrawalCompleted,
    WithdrawalRejected,
    WithdrawalRequested,
)
from common.money import format_minor
from wallet.adapters.ledger import Ledger
from wallet.adapters.withdrawals import Approval as Approval
from wallet.adapters.withdrawals import WithdrawalView as WithdrawalView
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import (
    InsufficientFunds,
    WithdrawalCancelDisabled,
    WithdrawalMethodNotFound,
    WithdrawalMethodUnverified,
    WithdrawalNotFound,
)
from wallet.domain.history import HistoryLine, HistoryStatus, HistoryType
from wallet.domain.withdrawals import (
    SuspicionThresholds,
    WithdrawalLimits,
    WithdrawalStatus,
    approvals_required,
    check_amount,
    check_daily_limit,
    check_new_approver,
    check_not_own,
    finish,
    remaining_today,
    suspicious_patterns,
    utc_day_bounds,
)
from wallet.service_layer import money_metrics
from wallet.service_layer.closure import settle_if_empty
from wallet.service_layer.deposits.disputes import check_withdrawals_allowed
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import check_usable


@dataclass(frozen=True)
class WithdrawalOutcome:
    withdrawal: WithdrawalView
    available_after_minor: int


async def request_withdrawal(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    amount_minor: int,
    method_id: uuid.UUID,
    reason: str | None,
    limits: WithdrawalLimits,
    thresholds: SuspicionThresholds,
    client: ClientInfo,
) -> WithdrawalOutcome:
    check_amount(amount_minor, limits)
    # One request per user at a time; allowed while the account is being closed.
    found = check_usable(await uow.wallets.find(user_id, for_update=True), money_leaves=True)
    await check_withdrawals_allowed(uow, user_id)  # no open card dispute, no debt
    method = await uow.withdrawal_methods.find_active(user_id, method_id)
    if method is None:
        raise WithdrawalMethodNotFound()
    if not method.is_verified:
        raise WithdrawalMethodUnverified()

    now = await uow.withdrawals.now()
    check_daily_limit(amount_minor, await withdrawn_today(uow, user_id, now), limits)
    activity = await uow.withdrawals.activity(user_id, now, thresholds.velocity_window)
    flags = [f.value for f in suspicious_patterns(activity, thresholds)]

    operation_id = uuid.uuid4()
    line = HistoryLine(
        type=HistoryType.withdrawal,
        amount_minor=-amount_minor,
        status=HistoryStatus.pending,
        description=f"Withdrawal to {method.destination_masked}",
        reference=str(operation_id),
        metadata={"operation_id": str(operation_id), "method_id": str(method_id)},
    )
    try:
        posted = await uow.ledger.post(
            rules.request_withdrawal(user_id, operation_id, amount_minor), line
        )
    except InsufficientFunds:
        available = await uow.ledger.lock_available(user_id)
        raise InsufficientFunds(
            details={
                "available_balance": format_minor(available),
                "requested_amount": format_minor(amount_minor),
            }
        ) from None
    assert posted.history_id is not None
    assert posted.available_after_minor is not None
    money_metrics.moved(uow, MoneyKind.withdrawal_requested, amount_minor)
    view = await uow.withdrawals.add(
        operation_id=operation_id,
        user_id=user_id,
        amount_minor=amount_minor,
        currency=found.currency,
        method_id=method_id,
        reason=reason,
        history_id=posted.history_id,
        flags=flags,
    )
    await uow.emit(WithdrawalRequested(**_message_fields(view)))
    await uow.audit.add(*_request_audit(view, client))
    return WithdrawalOutcome(view, posted.available_after_minor)


async def withdrawn_today(uow: WalletUnitOfWork, user_id: uuid.UUID, now: datetime) -> int:
    """Pending + completed withdrawals of ``now``'s UTC day: the one sum the daily limit counts,
    for the request's check and for the limits the user is shown."""
    return await uow.withdrawals.total_of_day(user_id, *utc_day_bounds(now))


@dataclass(frozen=True)
class LimitsView:
    limits: WithdrawalLimits
    used_today_minor: int
    currency: str

    @property
    def remaining_minor(self) -> int:
        return remaining_today(self.used_today_minor, self.limits)


async def withdrawal_limits(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, limits: WithdrawalLimits, currency: str
) -> LimitsView:
    """The limits a request is checked against, and how much of today's the user has used
    (``currency``: the deployment's, for a user whose wallet is not open yet)."""
    found = await uow.wallets.find(user_id)
    now = await uow.withdrawals.now()
    return LimitsView(
        limits=limits,
        used_today_minor=await withdrawn_today(uow, user_id, now),
        currency=currency if found is None else found.currency,
    )


def _request_audit(view: WithdrawalView, client: ClientInfo) -> list[AuditEntry]:
    """``withdrawal_initiated``, and ``suspicious_activity`` when a pattern flagged it."""
    details = {"operation_id": str(view.operation_id)}
    entries = [
        AuditEntry(
            action=AuditAction.withdrawal_initiated,
            status=AuditStatus.pending,
            user_id=view.user_id,
            amount_minor=view.amount_minor,
            details={**details, "method_id": str(view.method_id)},
            client=client,
        )
    ]
    if view.flags:
        entries.append(
            AuditEntry(
                action=AuditAction.suspicious_activity,
                status=AuditStatus.flagged,
                user_id=view.user_id,
                amount_minor=view.amount_minor,
                details={**details, "flags": view.flags},
                client=client,
            )
        )
    return entries


async def record_failed_request(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    amount_minor: int | None,
    code: str,
    client: ClientInfo,
) -> None:
    """A refused request, audited in a transaction of its own (the request's rolled back)."""
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.withdrawal_failed,
            status=AuditStatus.failed,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"code": code},
            client=client,
        ),
    )


async def _lock_withdrawal(
    uow: WalletUnitOfWork, operation_id: uuid.UUID, *, user_id: uuid.UUID | None = None
) -> WithdrawalView:
    found = await uow.withdrawals.lock(operation_id, user_id=user_id)
    if found is None:
        raise WithdrawalNotFound()
    return found


async def _give_back(ledger: Ledger, found: WithdrawalView, why: str) -> int:
    """payable → available with its ``refund +A`` row; the available balance after it."""
    posted = await ledger.post(
        rules.return_withdrawal(found.user_id, found.operation_id, found.amount_minor),
        HistoryLine(
            type=HistoryType.refund,
            amount_minor=found.amount_minor,
            description=f"Withdrawal {why}: amount returned",
            reference=str(found.operation_id),
            metadata={"operation_id": str(found.operation_id)},
        ),
    )
    assert posted.available_after_minor is not None
    return posted.available_after_minor


async def cancel_withdrawal(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    allowed: bool,
    client: ClientInfo,
) -> WithdrawalOutcome:
    if not allowed:
        raise WithdrawalCancelDisabled()
    found = await _lock_withdrawal(uow, operation_id, user_id=user_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.cancelled)
    await uow.ledger.lock_available(user_id)
    available_after = await _give_back(uow.ledger, found, "cancelled")
    money_metrics.moved(uow, MoneyKind.withdrawal_cancelled, found.amount_minor)
    closed = await uow.withdrawals.close(operation_id, WithdrawalStatus.cancelled, admin_id=None)
    await uow.emit(WithdrawalCancelled(**_message_fields(found)))
    await uow.audit.add(_closed_audit(AuditAction.withdrawal_cancelled, found, client))
    return WithdrawalOutcome(closed, available_after)


async def approve_withdrawal(
    uow: WalletUnitOfWork,
    *,
    operation_id: uuid.UUID,
    admin_id: uuid.UUID,
    client: ClientInfo,
    second_approval_above_minor: int,
) -> WithdrawalView:
    """Record this admin's approval; the last approval needed pays the withdrawal out."""
    found = await _lock_withdrawal(uow, operation_id)  # approvers of one withdrawal queue here
    check_not_own(found.user_id, admin_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.completed)
    required = approvals_required(found.amount_minor, second_approval_above_minor)
    earlier = await uow.withdrawals.approvals_of(operation_id)
    check_new_approver([a.admin_id for a in earlier], admin_id)
    await uow.withdrawals.add_approval(operation_id, admin_id)
    approvals = await uow.withdrawals.approvals_of(operation_id)
    done = len(approvals) >= required
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.withdrawal_approved,
            status=AuditStatus.success if done else AuditStatus.pending,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            details={
                "operation_id": str(operation_id),
                "approvals": len(approvals),
                "approvals_required": required,
            },
            client=client,
        ),
    )
    if not done:
        return replace(found, approvals=approvals, approvals_required=required)
    closed = await _pay_out(uow, found, admin_id=admin_id, client=client)
    return replace(closed, approvals=approvals, approvals_required=required)


async def _pay_out(
    uow: WalletUnitOfWork, found: WithdrawalView, *, admin_id: uuid.UUID, client: ClientInfo
) -> WithdrawalView:
    operation_id = found.operation_id
    await uow.ledger.post(rules.pay_withdrawal(found.user_id, operation_id, found.amount_minor))
    money_metrics.moved(uow, MoneyKind.withdrawal_completed, found.amount_minor)
    closed = await uow.withdrawals.close(
        operation_id, WithdrawalStatus.completed, admin_id=admin_id
    )
    await settle_if_empty(uow, found.user_id)  # the last money out of a closing account
    await uow.emit(WithdrawalCompleted(**_message_fields(found)))
    await uow.audit.add(_closed_audit(AuditAction.withdrawal_completed, found, client))
    return closed


async def reject_withdrawal(
    uow: WalletUnitOfWork,
    *,
    operation_id: uuid.UUID,
    admin_id: uuid.UUID,
    reason: str,
    client: ClientInfo,
) -> WithdrawalView:
    found = await _lock_withdrawal(uow, operation_id)
    check_not_own(found.user_id, admin_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.rejected)
    await uow.ledger.lock_available(found.user_id)
    await _give_back(uow.ledger, found, "rejected")
    money_metrics.moved(uow, MoneyKind.withdrawal_rejected, found.amount_minor)
    closed = await uow.withdrawals.close(
        operation_id, WithdrawalStatus.rejected, admin_id=admin_id, rejection_reason=reason
    )
    await uow.emit(WithdrawalRejected(**_message_fields(found), reason=reason))
    await uow.audit.add(
        _closed_audit(AuditAction.withdrawal_rejected, found, client, reason=reason)
    )
    return closed


def _message_fields(found: WithdrawalView) -> dict[str, Any]:
    """What each withdrawal message (requested, cancelled, completed, rejected) says of it."""
    return {
        "operation_id": found.operation_id,
        "user_id": found.user_id,
        "amount_minor": found.amount_minor,
        "currency": found.currency,
    }


def _closed_audit(
    action: AuditAction, found: WithdrawalView, client: ClientInfo, **details: Any
) -> AuditEntry:
    """The audit row of a withdrawal cancelled, paid out or rejected."""
    return AuditEntry.money_moved(
        action,
        user_id=found.user_id,
        operation_id=found.operation_id,
        amount_minor=found.amount_minor,
        client=client,
        **details,
    )


# --- reads (on the route's unit of work, which commits nothing) ----------------------------


async def list_withdrawals(
    uow: WalletUnitOfWork,
    *,
    status: WithdrawalStatus | None,
    user_id: uuid.UUID | None = None,
    limit: int,
    offset: int,
) -> tuple[list[WithdrawalView], int]:
    return await uow.withdrawals.page(status=status, user_id=user_id, limit=limit, offset=offset)


async def with_approvals(
    uow: WalletUnitOfWork, views: list[WithdrawalView], *, second_approval_above_minor: int
) -> list[WithdrawalView]:
    """The admin's view: each withdrawal with its approvals so far and how many it needs."""
    approvals = await uow.withdrawals.approvals_by_withdrawal([v.operation_id for v in views])
    return [
        replace(
            v,
            approvals=approvals.get(v.operation_id, ()),
            approvals_required=approvals_required(v.amount_minor, second_approval_above_minor),
        )
        for v in views
    ]
