"""Subscriptions' rows (plans, subscriptions, the charge and refund log): issue 22, ADR 0012.

A subscription row is written CONDITIONALLY on the period number its writer read (``save``): a
writer that decided on a stale read changes nothing, and the caller rolls back its transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, func, insert, literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wallet.adapters.tables import (
    subscription,
    subscription_charge,
    subscription_plan,
    subscription_refund,
)
from wallet.domain.subscriptions import Charge, Plan, Refund, Subscription, SubscriptionStatus

LIVE = (SubscriptionStatus.active.value, SubscriptionStatus.suspended.value)


@dataclass(frozen=True)
class PlanView:
    """A plan as sold: the rules' ``Plan`` and what people read about it."""

    plan: Plan
    name: str
    description: str
    currency: str
    retired_at: datetime | None
    created_at: datetime

    @property
    def id(self) -> uuid.UUID:
        return self.plan.id


@dataclass(frozen=True)
class Payment:
    """One line of the user's payment log: a period charged, or a plan change's refund."""

    kind: str  # "charge" | "refund"
    subscription_id: uuid.UUID
    plan_id: uuid.UUID | None
    period_number: int
    period_start: datetime | None
    period_end: datetime | None
    amount_minor: int  # signed: a charge takes money, a refund gives it back
    currency: str
    created_at: datetime


@dataclass(frozen=True)
class PlanLoad:
    """Active subscribers of one plan (for the run-rate)."""

    price_minor: int
    period: timedelta
    subscribers: int


@dataclass(frozen=True)
class Figures:
    active: int
    suspended: int
    revenue_24h_minor: int
    revenue_30d_minor: int
    loads: list[PlanLoad]


def _plan(row: Row[Any] | Any) -> PlanView:
    return PlanView(
        plan=Plan(
            id=row.id,
            name=row.name,
            price_minor=int(row.price_minor),
            period=row.period,
            features=frozenset(row.features),
            retired=row.retired_at is not None,
        ),
        name=row.name,
        description=row.description,
        currency=row.currency,
        retired_at=row.retired_at,
        created_at=row.created_at,
    )


def _subscription(row: Row[Any] | Any) -> Subscription:
    return Subscription(
        id=row.id,
        user_id=row.user_id,
        plan_id=row.plan_id,
        status=SubscriptionStatus(row.status),
        paid_from=row.paid_from,
        period_start=row.period_start,
        paid_through=row.paid_through,
        period_number=int(row.period_number),
    )


class Subscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now(self) -> datetime:
        """The database's clock, read once per operation AFTER its locks are held: ``now()``
        (the transaction's start) may predate a lock wait, and the writer it waited for may
        have charged a period starting later than that — a decision must never go back in
        time from what it reads."""
        now = await self.session.scalar(select(func.clock_timestamp()))
        assert isinstance(now, datetime)
        return now

    # --- plans -----------------------------------------------------------------------------

    async def add_plan(
        self,
        plan: Plan,
        *,
        name: str,
        description: str,
        currency: str,
        created_by: uuid.UUID,
    ) -> PlanView:
        row = (
            await self.session.execute(
                insert(subscription_plan)
                .values(
                    id=plan.id,
                    name=name,
                    description=description,
                    price_minor=plan.price_minor,
                    currency=currency,
                    period=plan.period,
                    features=sorted(plan.features),
                    created_by=created_by,
                )
                .returning(subscription_plan)
            )
        ).one()
        return _plan(row)

    async def plan(self, plan_id: uuid.UUID) -> PlanView | None:
        row = (
            await self.session.execute(
                select(subscription_plan).where(subscription_plan.c.id == plan_id)
            )
        ).one_or_none()
        return None if row is None else _plan(row)

    async def plans(self, *, include_retired: bool) -> list[PlanView]:
        statement = select(subscription_plan).order_by(
            subscription_plan.c.price_minor, subscription_plan.c.created_at
        )
        if not include_retired:
            statement = statement.where(subscription_plan.c.retired_at.is_(None))
        return [_plan(r) for r in await self.session.execute(statement)]

    async def retire_plan(self, plan_id: uuid.UUID) -> PlanView | None:
        """Retired (once: a second retire keeps the first instant); None if no such plan."""
        row = (
            await self.session.execute(
                update(subscription_plan)
                .where(subscription_plan.c.id == plan_id)
                .values(retired_at=func.coalesce(subscription_plan.c.retired_at, func.now()))
                .returning(subscription_plan)
            )
        ).one_or_none()
        return None if row is None else _plan(row)

    async def get(
        self, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> Subscription | None:
        statement = select(subscription).where(subscription.c.id == subscription_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else _subscription(row)

    async def live(self, user_id: uuid.UUID, *, for_update: bool = False) -> Subscription | None:
        """The user's active or suspended subscription (at most one: a partial unique index)."""
        statement = select(subscription).where(
            subscription.c.user_id == user_id, subscription.c.status.in_(LIVE)
        )
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else _subscription(row)

    async def latest_cancelled(
        self, user_id: uuid.UUID, *, for_update: bool = False
    ) -> Subscription | None:
        """The user's cancelled subscription paid furthest ahead (it may still give access)."""
        statement = (
            select(subscription)
            .where(
                subscription.c.user_id == user_id,
                subscription.c.status == SubscriptionStatus.cancelled.value,
            )
            .order_by(subscription.c.paid_through.desc(), subscription.c.id)
            .limit(1)
        )
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else _subscription(row)

    async def with_access(
        self, user_id: uuid.UUID, at: datetime
    ) -> list[tuple[Subscription, Plan]]:
        """Every subscription of the user whose paid time covers ``at``, with its plan."""
        rows = await self.session.execute(
            select(subscription).where(
                subscription.c.user_id == user_id,
                subscription.c.paid_from <= at,
                subscription.c.paid_through > at,
            )
        )
        found = []
        for sub in [_subscription(r) for r in rows]:  # one or two: a live one, a cancelled one
            plan = await self.plan(sub.plan_id)
            assert plan is not None  # a foreign key
            found.append((sub, plan.plan))
        return found

    async def add(self, sub: Subscription) -> None:
        await self.session.execute(
            insert(subscription).values(
                id=sub.id,
                user_id=sub.user_id,
                plan_id=sub.plan_id,
                status=sub.status.value,
                paid_from=sub.paid_from,
                period_start=sub.period_start,
                paid_through=sub.paid_through,
                period_number=sub.period_number,
            )
        )

    async def save(
        self,
        sub: Subscription,
        *,
        read_period_number: int,
        read_status: SubscriptionStatus | None = None,
    ) -> bool:
        """Write ``sub`` over the row read with ``read_period_number`` (and ``read_status``);
        False, nothing written, if another writer changed it since (it won)."""
        condition = [
            subscription.c.id == sub.id,
            subscription.c.period_number == read_period_number,
        ]
        if read_status is not None:
            condition.append(subscription.c.status == read_status.value)
        status = sub.status
        changed = await self.session.scalar(
            update(subscription)
            .where(*condition)
            .values(
                plan_id=sub.plan_id,
                status=status.value,
                paid_from=sub.paid_from,
                period_start=sub.period_start,
                paid_through=sub.paid_through,
                period_number=sub.period_number,
                updated_at=func.now(),
                suspended_at=func.now() if status is SubscriptionStatus.suspended else null(),
                cancelled_at=func.now() if status is SubscriptionStatus.cancelled else null(),
            )
            .returning(subscription.c.id)
        )
        return changed is not None

    # --- the payment log -------------------------------------------------------------------

    async def record_charge(self, charge: Charge, *, currency: str, transfer_id: uuid.UUID) -> None:
        await self.session.execute(
            insert(subscription_charge).values(
                id=uuid.uuid4(),
                subscription_id=charge.subscription_id,
                user_id=charge.user_id,
                plan_id=charge.plan_id,
                period_number=charge.period_number,
                period_start=charge.period_start,
                period_end=charge.period_end,
                amount_minor=charge.amount_minor,
                currency=currency,
                transfer_id=transfer_id,
            )
        )

    async def record_refund(
        self, refund: Refund, *, currency: str, changed_at: datetime, transfer_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            insert(subscription_refund).values(
                id=uuid.uuid4(),
                subscription_id=refund.subscription_id,
                user_id=refund.user_id,
                period_number=refund.period_number,
                amount_minor=refund.amount_minor,
                currency=currency,
                changed_at=changed_at,
                transfer_id=transfer_id,
            )
        )

    async def payments(
        self, user_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[Payment], int]:
        """The user's charges and refunds, newest first, and how many there are in all."""
        charges = select(
            literal("charge").label("kind"),
            subscription_charge.c.subscription_id,
            subscription_charge.c.plan_id,
            subscription_charge.c.period_number,
            subscription_charge.c.period_start,
            subscription_charge.c.period_end,
            (-subscription_charge.c.amount_minor).label("amount_minor"),
            subscription_charge.c.currency,
            subscription_charge.c.created_at,
        ).where(subscription_charge.c.user_id == user_id)
        # A refund gives back part of the period it names: that charge's plan.
        refunded = subscription_charge.alias("refunded")
        refunds = (
            select(
                literal("refund").label("kind"),
                subscription_refund.c.subscription_id,
                refunded.c.plan_id,
                subscription_refund.c.period_number,
                refunded.c.period_start,
                refunded.c.period_end,
                subscription_refund.c.amount_minor,
                subscription_refund.c.currency,
                subscription_refund.c.created_at,
            )
            .outerjoin(
                refunded,
                and_(
                    refunded.c.subscription_id == subscription_refund.c.subscription_id,
                    refunded.c.period_number == subscription_refund.c.period_number,
                ),
            )
            .where(subscription_refund.c.user_id == user_id)
        )
        both = union_all(charges, refunds).subquery()
        total = await self.session.scalar(select(func.count()).select_from(both))
        rows = await self.session.execute(
            select(both)
            # A plan change's refund and charge share an instant: the new period's charge first.
            .order_by(both.c.created_at.desc(), both.c.period_number.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            Payment(
                kind=r.kind,
                subscription_id=r.subscription_id,
                plan_id=r.plan_id,
                period_number=int(r.period_number),
                period_start=r.period_start,
                period_end=r.period_end,
                amount_minor=int(r.amount_minor),
                currency=r.currency,
                created_at=r.created_at,
            )
            for r in rows
        ], int(total or 0)

    # --- the admin's figures ---------------------------------------------------------------

    async def figures(self) -> Figures:
        by_status = await self.session.execute(
            select(subscription.c.status, func.count())
            .where(subscription.c.status.in_(LIVE))
            .group_by(subscription.c.status)
        )
        counts = {status: int(n) for status, n in by_status}
        loads = await self.session.execute(
            select(subscription_plan.c.price_minor, subscription_plan.c.period, func.count())
            .join(subscription, subscription.c.plan_id == subscription_plan.c.id)
            .where(subscription.c.status == SubscriptionStatus.active.value)
            .group_by(subscription_plan.c.id)
        )
        return Figures(
            active=int(counts.get(SubscriptionStatus.active.value, 0)),
            suspended=int(counts.get(SubscriptionStatus.suspended.value, 0)),
            revenue_24h_minor=await self._revenue_since(timedelta(hours=24)),
            revenue_30d_minor=await self._revenue_since(timedelta(days=30)),
            loads=[PlanLoad(int(p), period, int(n)) for p, period, n in loads],
        )

    async def _revenue_since(self, window: timedelta) -> int:
        """Charges minus refunds posted in the last ``window`` (by the database's clock)."""
        since = func.now() - window
        charged = select(func.coalesce(func.sum(subscription_charge.c.amount_minor), 0)).where(
            subscription_charge.c.created_at > since
        )
        refunded = select(func.coalesce(func.sum(subscription_refund.c.amount_minor), 0)).where(
            subscription_refund.c.created_at > since
        )
        value = await self.session.scalar(
            select(charged.scalar_subquery() - refunded.scalar_subquery())
        )
        return int(value or 0)


async def due_subscriptions(
    conn: AsyncConnection, *, lead: timedelta, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """Active subscriptions whose paid time ends within ``lead`` of the database's now, by id
    from ``after`` (a tick walks them in pages; each is then decided under its locks)."""
    statement = select(subscription.c.id).where(
        subscription.c.status == SubscriptionStatus.active.value,
        subscription.c.paid_through <= func.now() + lead,
    )
    if after is not None:
        statement = statement.where(subscription.c.id > after)
    rows = await conn.scalars(statement.order_by(subscription.c.id).limit(limit))
    return list(rows)
