"""Responsible gambling on the wallet's unit of work (issue 23; docs/wallet.md "Responsible
gambling"; the rules are ``wallet.domain.responsible_gambling``).

- ``UserTimedOut`` / ``UserSelfExcluded`` (auth's decision) become the user's restriction here;
  while it runs every way money comes in is refused (``check_money_in``: card deposits, saved
  cards, Checkout — and so packages bought by card — and free-bet packages by balance). A payment
  Stripe already confirmed is still credited: the webhook path never asks.
- Deposit limits are the user's own. A change and a deposit start of one user decide in turn
  under the per-user deposit-start lock (``CardDeposits.lock_starts_of``, the lock the cap on
  unpaid deposits already takes): the sum is read and the pending deposit written before the
  lock is released, so parallel starts never pass a limit together. Not the wallet row: a
  deposit start waits on Stripe holding its locks, and withdrawals, subscriptions and the
  renewal job lock the wallet row (adapters/user_locks.py says the same of the cap).
  Each change that changes something is announced as ``wallet.DepositLimitChanged`` through
  the outbox, in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from common.contracts import LimitAmount
from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.contracts.wallet import DepositLimitChanged
from common.logging import get_logger
from common.messaging.consumer import MessageContext
from wallet.adapters.responsible_gambling import LimitChangeView
from wallet.domain import responsible_gambling as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.responsible_gambling import (
    ChangeOutcome,
    DepositLimit,
    LimitPeriod,
    Restriction,
    RestrictionKind,
)
from wallet.service_layer.unit_of_work import WalletUnitOfWork

log = get_logger(__name__)

# --- the restriction (auth's, heard on the bus) ----------------------------------------------


async def on_user_timed_out(payload: UserTimedOut, ctx: MessageContext) -> None:
    uow = WalletUnitOfWork.for_message(ctx)
    await restrict(uow, payload.user_id, Restriction(RestrictionKind.time_out, payload.until))


async def on_user_self_excluded(payload: UserSelfExcluded, ctx: MessageContext) -> None:
    uow = WalletUnitOfWork.for_message(ctx)
    await restrict(uow, payload.user_id, Restriction(RestrictionKind.self_exclusion, payload.until))


async def restrict(uow: WalletUnitOfWork, user_id: uuid.UUID, restriction: Restriction) -> bool:
    """Record the restriction unless a later one is on file (then nothing changes: a duplicate
    or a late, older message); audited when it changed. True if it changed."""
    changed = await uow.responsible_gambling.restrict(user_id, restriction)
    if changed:
        await uow.audit.add(
            AuditEntry(
                action=AuditAction.account_restricted,
                status=AuditStatus.success,
                user_id=user_id,
                details={"kind": restriction.kind.value, "until": restriction.until.isoformat()},
            )
        )
    log.info(
        "wallet.account_restricted",
        user_id=str(user_id),
        kind=restriction.kind.value,
        applied=changed,
    )
    return changed


async def check_money_in(uow: WalletUnitOfWork, user_id: uuid.UUID) -> None:
    """403 ``wallet.account_restricted`` while the user's time-out or self-exclusion runs."""
    found = await uow.responsible_gambling.restriction(user_id)
    if found is not None:
        rules.check_money_in_allowed(found, await uow.responsible_gambling.now())


# --- deposit limits --------------------------------------------------------------------------


async def check_deposit_limits(
    uow: WalletUnitOfWork, user_id: uuid.UUID, amount_minor: int, *, operation_id: uuid.UUID
) -> None:
    """422 ``wallet.deposit_limit_reached`` if this deposit would pass a limit in force. The
    caller holds the user's deposit-start lock (``lock_starts_of``) and writes the pending
    deposit before releasing it; a retry of ``operation_id`` is not counted against itself."""
    limits = await uow.responsible_gambling.limits(user_id)
    if not limits:
        return
    now = await uow.responsible_gambling.now()
    used = await uow.responsible_gambling.deposited(user_id, now, besides=operation_id)
    rules.check_deposit_limits(limits, used, amount_minor, now)


@dataclass(frozen=True)
class PeriodView:
    """One period's limit as it stands (pending change resolved) and what its window used."""

    limit: DepositLimit
    used_minor: int


@dataclass(frozen=True)
class LimitsView:
    now: datetime
    periods: list[PeriodView]  # every period, day → month, limited or not
    restriction: Restriction | None


async def limits_view(uow: WalletUnitOfWork, user_id: uuid.UUID) -> LimitsView:
    """The user's limits resolved at the database's now (the rule the deposit check applies),
    each window's use, and the restriction on file."""
    repo = uow.responsible_gambling
    now = await repo.now()
    stored = {found.period: found for found in await repo.limits(user_id)}
    used = await repo.deposited(user_id, now)
    periods = [
        PeriodView(stored.get(p, DepositLimit(p, None)).resolved(now), used[p]) for p in LimitPeriod
    ]
    return LimitsView(now, periods, await repo.restriction(user_id))


async def set_deposit_limit(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    period: LimitPeriod,
    amount_minor: int | None,
    currency: str,
    client: ClientInfo,
) -> tuple[rules.LimitChange, LimitsView]:
    """Apply or schedule the user's change of one period's limit (``rules.change_limit``),
    recorded in the limit history and audited; announced as ``DepositLimitChanged`` unless it
    leaves the limit as it was (the same amount again, no pending change dropped or restarted)."""
    # Decided in turn with the user's deposit starts: a decrease binds the next start at once.
    await uow.deposits.lock_starts_of(user_id)
    repo = uow.responsible_gambling
    now = await repo.now()
    current = next((f for f in await repo.limits(user_id) if f.period == period), None)
    change = rules.change_limit(current or DepositLimit(period, None), amount_minor, now)
    await repo.save(user_id, change)
    await uow.audit.add(_limit_audit(user_id, change, client))
    if change.after != change.before:
        await uow.emit(_limit_changed(user_id, change, currency))
    return change, await limits_view(uow, user_id)


def _limit_changed(
    user_id: uuid.UUID, change: rules.LimitChange, currency: str
) -> DepositLimitChanged:
    requested = change.requested_minor
    return DepositLimitChanged(
        user_id=user_id,
        period=change.after.period.value,
        limit=None if requested is None else LimitAmount(amount_minor=requested, currency=currency),
        effective_at=change.effective_at,
    )


def _limit_audit(user_id: uuid.UUID, change: rules.LimitChange, client: ClientInfo) -> AuditEntry:
    applied = change.outcome is ChangeOutcome.applied
    return AuditEntry(
        action=AuditAction.deposit_limit_set if applied else AuditAction.deposit_limit_scheduled,
        status=AuditStatus.success if applied else AuditStatus.pending,
        user_id=user_id,
        amount_minor=change.requested_minor,
        details={
            "period": change.after.period.value,
            "previous_minor": change.before.amount_minor,
            "requested_minor": change.requested_minor,
            "effective_at": change.effective_at.isoformat(),
        },
        client=client,
    )


@dataclass(frozen=True)
class AdminLimitsView:
    limits: LimitsView
    history: list[LimitChangeView]
    history_total: int


async def admin_limits_view(
    uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int
) -> AdminLimitsView:
    """What an admin sees (read only): the limits, their change history, the restriction."""
    view = await limits_view(uow, user_id)
    history, total = await uow.responsible_gambling.changes(user_id, limit=limit, offset=offset)
    return AdminLimitsView(view, history, total)
