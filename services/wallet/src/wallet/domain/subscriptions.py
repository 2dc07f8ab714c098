"""Recurring billing by plan (seed 002, issue 22): prepaid periods, fair across late jobs.

Access is bought one period at a time, never on credit: a period is charged before it starts
(or at the moment it starts), from the available balance. A subscription remembers the run of
access it paid for, ``[paid_from, paid_through)``, and the number of its last charged period.

The renewal job never runs exactly on the period and may be down for any length of time, so a
period starts where the paid access ends if that is still ahead, else at the job's tick: the time
in between had no access and is never charged. A charge's key is (subscription, period number):
a replica deciding on a stale read computes a number already taken, and the ledger's unique
reference refuses it (ADR 0012 says why not the period's start).

Plans never change price or period (a new price is a new plan, the old one retired): renewals and
the pro rata of a plan change read the price of the subscription's plan as it was charged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from common.errors import Conflict
from wallet.domain.errors import InsufficientFunds

DEFAULT_PERIOD: Final = timedelta(hours=1)  # seed 002's "billing period"
_MICROSECOND: Final = timedelta(microseconds=1)


class PlanRetired(Conflict):
    code = "billing.plan_retired"
    default_message = "This plan takes no new subscribers."


class PlanUnchanged(Conflict):
    code = "billing.plan_unchanged"
    default_message = "The subscription is already on this plan."


class SubscriptionNotActive(Conflict):
    code = "billing.subscription_not_active"
    default_message = "The subscription is not active."


class SubscriptionAlreadyActive(Conflict):
    code = "billing.subscription_active"
    default_message = "The subscription is already active."


class PlanUnaffordable(InsufficientFunds):
    """The period's price is more than the available balance (after a plan change's refund)."""

    code = "billing.insufficient_funds"
    default_message = "Not enough money on your balance to pay for the plan."


class SubscriptionStatus(StrEnum):
    active = "active"  # renewed by the job
    suspended = "suspended"  # a renewal found too little money: no renewal until a resume
    cancelled = "cancelled"  # the user stopped it: no renewal, no refund


@dataclass(frozen=True)
class Plan:
    id: uuid.UUID
    name: str
    price_minor: int  # per period
    period: timedelta = DEFAULT_PERIOD
    features: frozenset[str] = frozenset()
    retired: bool = False  # takes no new subscribers; current ones renew on it unchanged

    def __post_init__(self) -> None:
        # A ledger transfer moves a positive amount: a free plan would be a feature flag.
        if self.price_minor <= 0:
            raise ValueError(f"a plan costs a positive amount, not {self.price_minor}")
        if self.period <= timedelta(0):
            raise ValueError(f"a plan's period is positive, not {self.period}")


@dataclass(frozen=True)
class PeriodKey:
    """What a charge is unique by: at most one charge per subscription and period number."""

    subscription_id: uuid.UUID
    period_number: int

    @property
    def reference(self) -> str:
        """The ledger transfer's reference (unique per kind)."""
        return f"{self.subscription_id}:{self.period_number}"


@dataclass(frozen=True)
class Charge:
    """Debit ``amount_minor`` from available for ``[period_start, period_end)``."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    period_number: int
    period_start: datetime
    period_end: datetime
    amount_minor: int

    @property
    def key(self) -> PeriodKey:
        return PeriodKey(self.subscription_id, self.period_number)


@dataclass(frozen=True)
class Suspend:
    """Too little money for the next period: nothing is charged, access ends at ``access_ends_at``
    and the user is told. Applies only while the subscription's last charged period is still
    ``period_number``: a replica deciding on a stale read must not suspend a subscription another
    replica has just renewed (the store updates on that condition, as a charge on its key)."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    period_number: int
    access_ends_at: datetime
    price_minor: int


@dataclass(frozen=True)
class Refund:
    """Credit back the unused part of the periods a plan change cut short."""

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    period_number: int  # of the last period it refunds: its ledger reference, unique
    amount_minor: int


@dataclass(frozen=True)
class Subscription:
    id: uuid.UUID
    user_id: uuid.UUID
    plan_id: uuid.UUID
    status: SubscriptionStatus
    paid_from: datetime  # start of the current unbroken run of paid access
    period_start: datetime  # start of the last charged period
    paid_through: datetime  # end of the last charged period: access ends here
    period_number: int  # of the last charged period, 1 for the first

    @property
    def last_key(self) -> PeriodKey:
        return PeriodKey(self.id, self.period_number)

    def has_access(self, at: datetime) -> bool:
        """Inside paid time, whatever the status: a cancelled or suspended subscription keeps
        the time it paid for (the job suspends up to a lead early)."""
        return self.paid_from <= at < self.paid_through

    def after(self, charge: Charge) -> Subscription:
        """The subscription once ``charge`` is on the ledger (active, on the charge's plan)."""
        continuous = charge.period_start <= self.paid_through
        return replace(
            self,
            plan_id=charge.plan_id,
            status=SubscriptionStatus.active,
            paid_from=self.paid_from if continuous else charge.period_start,
            period_start=charge.period_start,
            paid_through=charge.period_end,
            period_number=charge.period_number,
        )

    def suspended(self, decision: Suspend) -> Subscription:
        """The subscription once ``decision`` is applied: unchanged if it was decided on an
        earlier read (another charge came in between)."""
        if decision.period_number != self.period_number:
            return self
        return replace(self, status=SubscriptionStatus.suspended)


def _check_plan(sub: Subscription, plan: Plan) -> None:
    """The caller passes the subscription's own plan: another one is a bug, never a refusal."""
    if plan.id != sub.plan_id:
        raise ValueError(f"subscription {sub.id} is not on plan {plan.id}")


def grants(sub: Subscription, plan: Plan, feature: str, at: datetime) -> bool:
    """Whether ``sub`` (on ``plan``) gives ``feature`` at ``at``: what services check."""
    _check_plan(sub, plan)
    return feature in plan.features and sub.has_access(at)


def _check_affordable(price_minor: int, available_minor: int) -> None:
    if available_minor < price_minor:
        raise PlanUnaffordable(
            details={"price_minor": price_minor, "available_minor": available_minor}
        )


def subscribe(
    subscription_id: uuid.UUID,
    user_id: uuid.UUID,
    plan: Plan,
    available_minor: int,
    now: datetime,
) -> tuple[Subscription, Charge]:
    """A new subscription: its first period starts now and is paid now."""
    if plan.retired:
        raise PlanRetired()
    _check_affordable(plan.price_minor, available_minor)
    charge = Charge(subscription_id, user_id, plan.id, 1, now, now + plan.period, plan.price_minor)
    # Before the charge nothing was paid: an empty run ending now, so the charge continues it.
    empty = Subscription(
        subscription_id, user_id, plan.id, SubscriptionStatus.active, now, now, now, 0
    )
    return empty.after(charge), charge


def _next_charge(sub: Subscription, plan: Plan, now: datetime) -> Charge:
    """The next period: right after the paid access if that is still ahead, else from now —
    the time between had no access and is not charged."""
    start = max(sub.paid_through, now)
    return Charge(
        sub.id,
        sub.user_id,
        plan.id,
        sub.period_number + 1,
        start,
        start + plan.period,
        plan.price_minor,
    )


def _is_due(sub: Subscription, now: datetime, lead: timedelta, plan: Plan) -> bool:
    # Renewing at most one period ahead keeps "a period is charged once it is due" true: after
    # a renewal paid_through >= now + period > now + lead, so the next tick finds nothing due.
    if not timedelta(0) <= lead < plan.period:
        raise ValueError(f"the renewal lead must be in [0, {plan.period}), not {lead}")
    return sub.paid_through <= now + lead


def decide_renewal(
    sub: Subscription, plan: Plan, available_minor: int, now: datetime, lead: timedelta
) -> Charge | Suspend | None:
    """The job's decision for one subscription at its tick: charge the next period, suspend,
    or nothing (not active, or not due within ``lead``)."""
    _check_plan(sub, plan)
    if sub.status is not SubscriptionStatus.active or not _is_due(sub, now, lead, plan):
        return None
    if available_minor < plan.price_minor:
        return Suspend(sub.id, sub.user_id, sub.period_number, sub.paid_through, plan.price_minor)
    return _next_charge(sub, plan, now)


def resume(
    sub: Subscription, plan: Plan, available_minor: int, now: datetime, lead: timedelta
) -> tuple[Subscription, Charge | None]:
    """A top-up after a suspension, or the user coming back after cancelling.

    A full period is charged from now — never from the missed period's start — or from the
    paid end if access still runs (no time is paid twice). If it runs past the job's lead,
    nothing is charged: the subscription is active again and the job renews it.
    """
    _check_plan(sub, plan)
    if sub.status is SubscriptionStatus.active:
        raise SubscriptionAlreadyActive()
    if sub.status is SubscriptionStatus.cancelled and plan.retired:
        raise PlanRetired()  # a user who left and comes back is a new subscriber
    if not _is_due(sub, now, lead, plan):
        return replace(sub, status=SubscriptionStatus.active), None
    _check_affordable(plan.price_minor, available_minor)
    charge = _next_charge(sub, plan, now)
    return sub.after(charge), charge


def cancel(sub: Subscription) -> Subscription:
    """No renewal; access to the end of the paid time; no refund (ADR 0012)."""
    if sub.status is SubscriptionStatus.cancelled:
        raise SubscriptionNotActive("The subscription is already cancelled.")
    return replace(sub, status=SubscriptionStatus.cancelled)


def used_minor(price_minor: int, start: datetime, end: datetime, at: datetime) -> int:
    """The part of ``price_minor`` for ``[start, end)`` used by ``at``, rounded down (in the
    user's favour). Integer microseconds: no float in money."""
    elapsed = min(max(at - start, timedelta(0)), end - start)
    return price_minor * (elapsed // _MICROSECOND) // ((end - start) // _MICROSECOND)


def unused_minor(sub: Subscription, plan: Plan, at: datetime) -> int:
    """What the user paid for time after ``at``: the rest of the last period and, when the job
    renewed ahead and ``at`` is still in the period before it, that period's rest too."""
    unused = plan.price_minor - used_minor(plan.price_minor, sub.period_start, sub.paid_through, at)
    # The period before the last ended at its start (same plan: a change starts a new period).
    previous_start = sub.period_start - plan.period
    if at < sub.period_start and sub.paid_from <= previous_start:
        used = used_minor(plan.price_minor, previous_start, sub.period_start, at)
        unused += plan.price_minor - used
    return unused


@dataclass(frozen=True)
class PlanChange:
    subscription: Subscription
    refund: Refund | None  # None when nothing paid was left unused
    charge: Charge


def change_plan(
    sub: Subscription, old_plan: Plan, new_plan: Plan, available_minor: int, at: datetime
) -> PlanChange:
    """The old plan charged pro rata up to ``at`` (its unused part refunded), the new plan's
    period starting at ``at`` and charged in full; refused, with nothing moved, if the balance
    after the refund cannot pay it."""
    if sub.status is not SubscriptionStatus.active:
        raise SubscriptionNotActive()
    _check_plan(sub, old_plan)
    if new_plan.id == old_plan.id:
        raise PlanUnchanged()
    if new_plan.retired:
        raise PlanRetired()
    unused = unused_minor(sub, old_plan, at) if at < sub.paid_through else 0
    _check_affordable(new_plan.price_minor, available_minor + unused)
    refund = Refund(sub.id, sub.user_id, sub.period_number, unused) if unused else None
    # Cut the paid time at ``at`` so the new period continues it (or starts a new run).
    cut = replace(sub, paid_through=min(sub.paid_through, at))
    charge = Charge(
        sub.id,
        sub.user_id,
        new_plan.id,
        sub.period_number + 1,
        at,
        at + new_plan.period,
        new_plan.price_minor,
    )
    return PlanChange(cut.after(charge), refund, charge)
