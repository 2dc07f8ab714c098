"""Responsible gambling in bets (issue 23, ARCHITECTURE.md §9): auth's time-outs and
self-exclusions enforced at placement from the read model, and the user's loss limits.

- ``on_user_restricted``: ``auth.UserTimedOut`` / ``auth.UserSelfExcluded`` keep the latest
  ``until`` per user (the inbox drops a redelivery; any order gives the same row).
- ``check_not_restricted`` / ``check_loss_limits``: placement's checks, in its transaction —
  refused while a restriction is in force; with loss limits, the user's limit rows are locked
  ``FOR UPDATE`` before the loss is summed, so parallel placements of one user are judged one
  after the other and cannot pass a limit together (the pending bet each one inserts counts
  for the next). A user without limits locks and sums nothing.
- ``set_loss_limit``: a first limit or a decrease applies at once, an increase or a removal after
  the cooling-off (domain/loss_limits.py); every change is a ``limit_change`` row and a
  ``bets.LossLimitChanged`` in the outbox, in the same transaction (a request that changes
  nothing writes neither).

Open bets settle as ever, and a user may still cancel an open bet: only new bets stop.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bets.domain.errors import AccountRestricted
from bets.domain.loss_limits import WINDOW, LossLimit, Period, change, check_loss
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts import LimitAmount
from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.contracts.bets import LossLimitChanged
from common.messaging.consumer import MessageContext
from common.money import format_minor


async def on_user_restricted(payload: UserTimedOut | UserSelfExcluded, ctx: MessageContext) -> None:
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.restrictions.extend(payload.user_id, payload.until)


async def check_not_restricted(uow: BetsUnitOfWork, user_id: uuid.UUID, now: datetime) -> None:
    """No new bet (free bets included) while a time-out or self-exclusion is in force."""
    until = await uow.restrictions.until(user_id)
    if until is not None and now < until:
        raise AccountRestricted(details={"until": until.isoformat()})


async def check_loss_limits(
    uow: BetsUnitOfWork, *, user_id: uuid.UUID, stake_minor: int, now: datetime
) -> None:
    """Refuse a stake past a loss limit; locks the user's limits until the transaction ends
    (call it last before inserting the bet, to hold the lock briefly)."""
    limits = await uow.loss_limits.of_user(user_id, lock=True)
    in_force: dict[Period, int] = {}
    for period, limit in limits.items():
        amount = limit.in_force(now)
        if amount is not None:
            in_force[period] = amount
    if not in_force:
        return
    losses = await uow.loss_limits.losses(user_id, {p: now - WINDOW[p] for p in in_force})
    for period, amount in in_force.items():
        check_loss(period, amount, losses[period], stake_minor)


@dataclass(frozen=True)
class LimitsView:
    limits: dict[Period, LossLimit]
    losses: dict[Period, int]
    restricted_until: datetime | None
    now: datetime

    def render(self) -> dict[str, Any]:
        return {
            "limits": [self._period(p) for p in Period],
            "restriction": (
                {"until": self.restricted_until.isoformat()}
                if self.restricted_until is not None and self.now < self.restricted_until
                else None
            ),
        }

    def _period(self, period: Period) -> dict[str, Any]:
        limit = self.limits.get(period, LossLimit(period)).as_of(self.now)
        pending = None
        if limit.pending_effective_at is not None:
            pending = {
                "amount": _money(limit.pending_amount_minor),
                "effective_at": limit.pending_effective_at.isoformat(),
            }
        return {
            "period": period.value,
            "amount": _money(limit.amount_minor),
            "pending": pending,
            "loss": format_minor(self.losses[period]),
        }


def _money(amount_minor: int | None) -> str | None:
    return None if amount_minor is None else format_minor(amount_minor)


async def limits_view(uow: BetsUnitOfWork, user_id: uuid.UUID, now: datetime) -> LimitsView:
    """The user's limits in force, pending changes, the loss so far per period, the restriction."""
    return LimitsView(
        limits=await uow.loss_limits.of_user(user_id),
        losses=await uow.loss_limits.losses(user_id, {p: now - WINDOW[p] for p in Period}),
        restricted_until=await uow.restrictions.until(user_id),
        now=now,
    )


async def set_loss_limit(
    uow: BetsUnitOfWork,
    *,
    user_id: uuid.UUID,
    period: Period,
    amount_minor: int | None,
    currency: str,
    now: datetime,
) -> LimitsView:
    """Change a period's limit under the cooling-off rule, announced as ``LossLimitChanged``
    (the caller commits)."""
    # The same lock as placement's: a change and a bet of one user never interleave.
    stored = (await uow.loss_limits.of_user(user_id, lock=True)).get(period)
    done = change(stored, period, amount_minor, now)
    if done is not None:
        await uow.loss_limits.save(user_id, done, now)
        await uow.emit(
            LossLimitChanged(
                user_id=user_id,
                period=period.value,
                limit=(
                    None
                    if done.new_amount_minor is None
                    else LimitAmount(amount_minor=done.new_amount_minor, currency=currency)
                ),
                effective_at=done.effective_at,
            )
        )
    return await limits_view(uow, user_id, now)


def render_change(row: Any) -> dict[str, Any]:
    return {
        "period": row.period,
        "old_amount": _money(row.old_amount_minor),
        "new_amount": _money(row.new_amount_minor),
        "effective_at": row.effective_at.isoformat(),
        "created_at": row.created_at.isoformat(),
    }


async def admin_limits(uow: BetsUnitOfWork, user_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    """An admin's view of a user: limits, pending changes, loss so far, restriction, history."""
    view = await limits_view(uow, user_id, now)
    history = await uow.loss_limits.history(user_id)
    return {**view.render(), "history": [render_change(r) for r in history]}
