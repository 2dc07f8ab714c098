"""Subscriptions on the wallet's unit of work (issue 22, ADR 0012; docs/subscriptions.md).

The rules are ``wallet.domain.subscriptions``; these handlers read what they decide on under
locks, apply a rule, and write what it decided.

What each step writes (ledger; history; message):

- a period charged (subscribe, renewal, resume, plan change): available → subscription revenue,
  conditional on funds; ``subscription -p``; SubscriptionCharged;
- a plan change's unused part: subscription revenue → available; ``subscription_refund +r``;
- suspended for want of money: nothing moved; SubscriptionSuspended, once (active → suspended);
- resumed (a top-up, or the user): a charge unless paid time still runs; SubscriptionResumed;
- cancelled: nothing moved, access to the paid end; SubscriptionCancelled.

Lock order, the same for every writer: the wallet row, then the available row
(``uow.ledger.lock_available``), then the subscription row. A deposit credited
(``resume_after_top_up``) holds the available row already and never locks the wallet row; but
its charge updates the available row a second time in its transaction, which makes PostgreSQL
check the row's foreign key again: a KEY SHARE lock on the wallet row. So the wallet row is
locked ``FOR NO KEY UPDATE`` (``Wallets.find(for_update=True)``), which that lock does not
wait for; ``FOR UPDATE`` would deadlock with the deposit. Under these locks the subscription row
read is fresh; it is still written CONDITIONALLY on the period number read
(``Subscriptions.save``), and a charge is unique by its ledger reference
``"<subscription>:<n>"``: a stale writer changes nothing (``ChargedElsewhere``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.contracts.wallet import (
    SubscriptionCancelled,
    SubscriptionCharged,
    SubscriptionResumed,
    SubscriptionSuspended,
)
from common.errors import Conflict, NotFound
from wallet.adapters.subscriptions import Figures, Payment, PlanView
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import InsufficientFunds, TransferAlreadyPosted
from wallet.domain.history import HistoryLine, HistoryType
from wallet.domain.subscriptions import (
    Charge,
    PeriodKey,
    Plan,
    PlanUnaffordable,
    Refund,
    Subscription,
    SubscriptionAlreadyActive,
    SubscriptionStatus,
    Suspend,
    cancel,
    change_plan,
    decide_renewal,
    grants,
    resume,
    subscribe,
)
from wallet.service_layer import money_metrics
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import check_usable


class PlanNotFound(NotFound):
    code = "billing.plan_not_found"
    default_message = "No such plan."


class NoSubscription(NotFound):
    code = "billing.no_subscription"
    default_message = "You have no subscription."


class ChargedElsewhere(Conflict):
    """Another writer changed the subscription after it was read (the conditional write found
    nothing, or its period is on the ledger already): this one must roll back."""

    default_message = "The subscription changed meanwhile. Try again."


@dataclass(frozen=True)
class SubscriptionView:
    subscription: Subscription
    plan: PlanView
    now: datetime
    lead: timedelta

    @property
    def has_access(self) -> bool:
        return self.subscription.has_access(self.now)

    @property
    def features(self) -> frozenset[str]:
        """What it grants now (``grants`` for each of the plan's flags)."""
        plan = self.plan.plan
        return frozenset(f for f in plan.features if grants(self.subscription, plan, f, self.now))

    @property
    def renews_at(self) -> datetime | None:
        """When the job charges the next period: a lead before the paid end (or at its next
        tick, if that is already past); None if it does not renew."""
        if self.subscription.status is not SubscriptionStatus.active:
            return None
        return max(self.subscription.paid_through - self.lead, self.now)


@dataclass(frozen=True)
class _Locked:
    """What an operation decides on, read under the user's locks."""

    currency: str
    available_minor: int
    now: datetime


async def _lock_user(uow: WalletUnitOfWork, user_id: uuid.UUID, *, money: bool) -> _Locked:
    """The wallet row, then the available row (the lock order): one operation of the user's at
    a time. ``money``: the operation may charge, so the wallet must be usable."""
    found = await uow.wallets.find(user_id, for_update=True)
    if money:
        found = check_usable(found)
    elif found is None:
        raise NoSubscription()
    available = await uow.ledger.lock_available(user_id)
    return _Locked(found.currency, available, await uow.subscriptions.now())


async def _plan(uow: WalletUnitOfWork, plan_id: uuid.UUID) -> PlanView:
    found = await uow.subscriptions.plan(plan_id)
    if found is None:
        raise PlanNotFound()
    return found


# --- plans (admin) -----------------------------------------------------------------------------


async def list_plans(uow: WalletUnitOfWork, *, include_retired: bool = False) -> list[PlanView]:
    return await uow.subscriptions.plans(include_retired=include_retired)


async def create_plan(
    uow: WalletUnitOfWork,
    *,
    name: str,
    description: str,
    price_minor: int,
    period: timedelta,
    features: frozenset[str],
    currency: str,
    client: ClientInfo,
) -> PlanView:
    assert client.actor_id is not None, "an admin creates plans"
    plan = Plan(uuid.uuid4(), name, price_minor, period, features)
    view = await uow.subscriptions.add_plan(
        plan, name=name, description=description, currency=currency, created_by=client.actor_id
    )
    details = {
        "name": name,
        "price_minor": price_minor,
        "period_seconds": int(period.total_seconds()),
        "features": sorted(features),
    }
    await _audit_plan(uow, AuditAction.subscription_plan_created, plan.id, details, client)
    return view


async def retire_plan(uow: WalletUnitOfWork, *, plan_id: uuid.UUID, client: ClientInfo) -> PlanView:
    """No new subscribers from now; current ones renew on it unchanged."""
    view = await uow.subscriptions.retire_plan(plan_id)
    if view is None:
        raise PlanNotFound()
    await _audit_plan(uow, AuditAction.subscription_plan_retired, plan_id, {}, client)
    return view


async def _audit_plan(
    uow: WalletUnitOfWork,
    action: AuditAction,
    plan_id: uuid.UUID,
    details: dict[str, Any],
    client: ClientInfo,
) -> None:
    await uow.audit.add(
        AuditEntry(
            action=action,
            status=AuditStatus.success,
            user_id=None,
            amount_minor=details.get("price_minor"),
            details={"plan_id": str(plan_id), **details},
            client=client,
        )
    )


async def figures(uow: WalletUnitOfWork) -> Figures:
    return await uow.subscriptions.figures()


# --- money ---------------------------------------------------------------------------------------


async def _post_charge(uow: WalletUnitOfWork, charge: Charge, plan: PlanView, currency: str) -> int:
    """The period on the ledger, in the payment log and announced; the available balance after.
    ``ChargedElsewhere`` if its period was charged already (a stale decision)."""
    reference = charge.key.reference
    line = HistoryLine(
        type=HistoryType.subscription,
        amount_minor=-charge.amount_minor,
        description=f"Subscription {plan.name}, period {charge.period_number}",
        reference=reference,
        metadata={
            "subscription_id": str(charge.subscription_id),
            "plan_id": str(plan.id),
            "plan_name": plan.name,
            "period_number": charge.period_number,
            "period_start": charge.period_start.isoformat(),
            "period_end": charge.period_end.isoformat(),
        },
    )
    try:
        posted = await uow.ledger.post(
            rules.charge_subscription(charge.user_id, reference, charge.amount_minor), line
        )
    except TransferAlreadyPosted:
        raise ChargedElsewhere() from None
    except InsufficientFunds:  # decided under the lock, so only if a rule was bypassed
        raise PlanUnaffordable(details={"price_minor": charge.amount_minor}) from None
    assert posted.available_after_minor is not None
    await uow.subscriptions.record_charge(charge, currency=currency, transfer_id=posted.transfer_id)
    money_metrics.moved(uow, MoneyKind.subscription_charged, charge.amount_minor)
    await uow.emit(
        SubscriptionCharged(
            subscription_id=charge.subscription_id,
            user_id=charge.user_id,
            plan_id=charge.plan_id,
            period_number=charge.period_number,
            period_start=charge.period_start,
            period_end=charge.period_end,
            amount_minor=charge.amount_minor,
            currency=currency,
        )
    )
    return posted.available_after_minor


async def _post_refund(
    uow: WalletUnitOfWork, refund: Refund, old_plan: PlanView, currency: str, at: datetime
) -> None:
    reference = PeriodKey(refund.subscription_id, refund.period_number).reference
    line = HistoryLine(
        type=HistoryType.subscription_refund,
        amount_minor=refund.amount_minor,
        description=f"Subscription {old_plan.name}: unused part refunded",
        reference=reference,
        metadata={
            "subscription_id": str(refund.subscription_id),
            "plan_id": str(old_plan.id),
            "plan_name": old_plan.name,
            "period_number": refund.period_number,
            "changed_at": at.isoformat(),
        },
    )
    try:
        posted = await uow.ledger.post(
            rules.refund_subscription(refund.user_id, reference, refund.amount_minor), line
        )
    except TransferAlreadyPosted:
        raise ChargedElsewhere() from None
    await uow.subscriptions.record_refund(
        refund, currency=currency, changed_at=at, transfer_id=posted.transfer_id
    )
    money_metrics.moved(uow, MoneyKind.subscription_refunded, refund.amount_minor)


async def _save(
    uow: WalletUnitOfWork,
    sub: Subscription,
    read: Subscription,
    *,
    read_status: SubscriptionStatus | None = None,
) -> None:
    """Write ``sub`` only over the row as it was read (``read``'s period number)."""
    if not await uow.subscriptions.save(
        sub, read_period_number=read.period_number, read_status=read_status
    ):
        raise ChargedElsewhere()


async def _resumed(uow: WalletUnitOfWork, sub: Subscription) -> None:
    await uow.emit(
        SubscriptionResumed(
            subscription_id=sub.id,
            user_id=sub.user_id,
            plan_id=sub.plan_id,
            paid_through=sub.paid_through,
        )
    )


# --- the user's subscription ----------------------------------------------------------------------


async def current_subscription(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, lead: timedelta
) -> SubscriptionView:
    """The live subscription, else the latest cancelled one that still gives access."""
    now = await uow.subscriptions.now()
    found = await uow.subscriptions.live(user_id)
    if found is None:
        found = await uow.subscriptions.latest_cancelled(user_id)
        if found is None or not found.has_access(now):
            raise NoSubscription()
    return SubscriptionView(found, await _plan(uow, found.plan_id), now, lead)


async def subscribe_to_plan(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, plan_id: uuid.UUID, lead: timedelta
) -> SubscriptionView:
    """The first period charged now; a cancelled subscription to the same plan whose paid time
    still runs is resumed instead (nothing charged while it runs)."""
    locked = await _lock_user(uow, user_id, money=True)
    if await uow.subscriptions.live(user_id, for_update=True) is not None:
        raise SubscriptionAlreadyActive("You already have a subscription: change its plan instead.")
    plan = await _plan(uow, plan_id)
    cancelled = await uow.subscriptions.latest_cancelled(user_id, for_update=True)
    if cancelled is not None and cancelled.plan_id == plan_id and cancelled.has_access(locked.now):
        return await _resume(uow, cancelled, plan, locked, lead)
    sub, charge = subscribe(uuid.uuid4(), user_id, plan.plan, locked.available_minor, locked.now)
    await uow.subscriptions.add(sub)
    await _post_charge(uow, charge, plan, locked.currency)
    return SubscriptionView(sub, plan, locked.now, lead)


async def change_subscription_plan(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, plan_id: uuid.UUID, lead: timedelta
) -> SubscriptionView:
    """The old plan's unused part refunded and the new plan's first period charged, in this
    one transaction; refused, nothing moved, if the balance after the refund cannot pay it."""
    locked = await _lock_user(uow, user_id, money=True)
    sub = await uow.subscriptions.live(user_id, for_update=True)
    if sub is None:
        raise NoSubscription()
    old_plan = await _plan(uow, sub.plan_id)
    new_plan = await _plan(uow, plan_id)
    change = change_plan(sub, old_plan.plan, new_plan.plan, locked.available_minor, locked.now)
    if change.refund is not None:  # first: the new period is paid with it
        await _post_refund(uow, change.refund, old_plan, locked.currency, locked.now)
    await _save(uow, change.subscription, sub)
    await _post_charge(uow, change.charge, new_plan, locked.currency)
    return SubscriptionView(change.subscription, new_plan, locked.now, lead)


async def cancel_subscription(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, lead: timedelta
) -> SubscriptionView:
    """No more renewals; access to the paid end; nothing refunded."""
    locked = await _lock_user(uow, user_id, money=False)
    sub = await uow.subscriptions.live(user_id, for_update=True)
    if sub is None:
        raise NoSubscription()
    cancelled = cancel(sub)
    await _save(uow, cancelled, sub)
    await uow.emit(
        SubscriptionCancelled(
            subscription_id=sub.id,
            user_id=user_id,
            plan_id=sub.plan_id,
            access_ends_at=sub.paid_through,
        )
    )
    return SubscriptionView(cancelled, await _plan(uow, sub.plan_id), locked.now, lead)


async def resume_subscription(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, lead: timedelta
) -> SubscriptionView:
    """A suspended subscription, or the latest cancelled one, active again (``resume``)."""
    locked = await _lock_user(uow, user_id, money=True)
    sub = await uow.subscriptions.live(user_id, for_update=True)
    if sub is None:
        sub = await uow.subscriptions.latest_cancelled(user_id, for_update=True)
    if sub is None:
        raise NoSubscription()
    return await _resume(uow, sub, await _plan(uow, sub.plan_id), locked, lead)


async def _resume(
    uow: WalletUnitOfWork, sub: Subscription, plan: PlanView, locked: _Locked, lead: timedelta
) -> SubscriptionView:
    resumed, charge = resume(sub, plan.plan, locked.available_minor, locked.now, lead)
    await _save(uow, resumed, sub, read_status=sub.status)
    if charge is not None:
        await _post_charge(uow, charge, plan, locked.currency)
    await _resumed(uow, resumed)
    return SubscriptionView(resumed, plan, locked.now, lead)


async def resume_after_top_up(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, lead: timedelta = timedelta(0)
) -> None:
    """A suspended subscription of ``user_id`` resumes if the balance now pays a period.

    Runs in the deposit's transaction, which holds the available row already (no wallet row
    lock: that would invert the lock order). Never raises for "not enough": the deposit must
    commit. ``lead`` 0: if paid time still runs, it is made active and the job renews it.
    """
    sub = await uow.subscriptions.live(user_id, for_update=True)
    if sub is None or sub.status is not SubscriptionStatus.suspended:
        return
    found = await uow.wallets.find(user_id)
    if found is None or found.is_blocked or found.closing:
        return  # no money leaves a wallet that is blocked or being closed
    available = await uow.ledger.lock_available(user_id)
    plan = await _plan(uow, sub.plan_id)
    now = await uow.subscriptions.now()
    try:
        await _resume(uow, sub, plan, _Locked(found.currency, available, now), lead)
    except PlanUnaffordable:
        return  # still too little: stays suspended, nothing written before the refusal


async def granted_features(uow: WalletUnitOfWork, user_id: uuid.UUID) -> frozenset[str]:
    """The feature flags the user's paid time gives now (what other code checks)."""
    now = await uow.subscriptions.now()
    granted: set[str] = set()
    for sub, plan in await uow.subscriptions.with_access(user_id, now):
        granted |= {f for f in plan.features if grants(sub, plan, f, now)}
    return frozenset(granted)


# A plan flag's one consumer inside the wallet: the report export's limits (period, inline rows).
EXPORTS_PLUS = "exports_plus"
EXPORTS_PLUS_FACTOR = 4


async def report_limit_factor(uow: WalletUnitOfWork, user_id: uuid.UUID) -> int:
    """How many times the configured report limits this user gets: ``exports_plus`` paid time
    raises them (``report_max_period_days``, ``report_inline_max_rows``)."""
    return EXPORTS_PLUS_FACTOR if EXPORTS_PLUS in await granted_features(uow, user_id) else 1


async def payments(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Payment], int]:
    return await uow.subscriptions.payments(user_id, limit=limit, offset=offset)


# --- the renewal job's step ---------------------------------------------------------------------


async def renew(
    uow: WalletUnitOfWork, *, subscription_id: uuid.UUID, lead: timedelta
) -> Charge | Suspend | None:
    """One subscription at the job's tick: ``decide_renewal`` on what is read under the user's
    locks, at the database's now. ``ChargedElsewhere`` if a stale decision lost."""
    first = await uow.subscriptions.get(subscription_id)
    if first is None:
        return None
    found = await uow.wallets.find(first.user_id, for_update=True)
    available = await uow.ledger.lock_available(first.user_id)
    sub = await uow.subscriptions.get(subscription_id, for_update=True)
    assert sub is not None  # rows are never deleted
    assert found is not None
    plan = await _plan(uow, sub.plan_id)
    now = await uow.subscriptions.now()
    # A blocked or closing wallet pays nothing: suspended like an empty one (a resume restarts).
    usable = not (found.is_blocked or found.closing)
    decision = decide_renewal(sub, plan.plan, available if usable else 0, now, lead)
    if isinstance(decision, Charge):
        await _save(uow, sub.after(decision), sub, read_status=SubscriptionStatus.active)
        await _post_charge(uow, decision, plan, found.currency)
    elif isinstance(decision, Suspend):
        await _save(uow, sub.suspended(decision), sub, read_status=SubscriptionStatus.active)
        await uow.emit(
            SubscriptionSuspended(
                subscription_id=sub.id,
                user_id=sub.user_id,
                plan_id=sub.plan_id,
                access_ends_at=decision.access_ends_at,
                price_minor=decision.price_minor,
                currency=found.currency,
            )
        )
    return decision
