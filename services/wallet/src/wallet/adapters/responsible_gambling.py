"""The responsible-gambling rows (``account_restriction``, ``deposit_limit``,
``deposit_limit_change``) and the one sum a deposit limit counts (from ``card_deposit``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.stripe_tables import card_deposit
from wallet.adapters.tables import account_restriction, deposit_limit, deposit_limit_change
from wallet.domain.card_payments import DepositStatus
from wallet.domain.responsible_gambling import (
    DepositLimit,
    LimitChange,
    LimitPeriod,
    PendingChange,
    Restriction,
    RestrictionKind,
)


@dataclass(frozen=True)
class LimitChangeView:
    period: LimitPeriod
    previous_minor: int | None
    requested_minor: int | None
    outcome: str
    effective_at: datetime
    created_at: datetime


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))


class ResponsibleGambling:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now(self) -> datetime:
        """The database's clock when called (``clock_timestamp``): read after the locks are held,
        so a decision never dates itself before a writer it waited for."""
        now = await self.session.scalar(select(func.clock_timestamp()))
        assert isinstance(now, datetime)
        return now

    # --- restrictions --------------------------------------------------------------------------

    async def restrict(self, user_id: uuid.UUID, restriction: Restriction) -> bool:
        """Keep the latest ``until`` (a tie: the self-exclusion); True if this changed the row.
        A duplicate or an older message changes nothing, whatever the order they arrive in."""
        stored = account_restriction.c
        statement = insert(account_restriction).values(
            user_id=user_id, kind=restriction.kind.value, until=restriction.until
        )
        later = or_(
            stored.until < statement.excluded.until,
            and_(
                stored.until == statement.excluded.until,
                stored.kind != RestrictionKind.self_exclusion.value,
                statement.excluded.kind == RestrictionKind.self_exclusion.value,
            ),
        )
        changed = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[stored.user_id],
                set_={
                    "kind": statement.excluded.kind,
                    "until": statement.excluded.until,
                    "updated_at": func.now(),
                },
                where=later,
            ).returning(stored.user_id)
        )
        return changed is not None

    async def restriction(self, user_id: uuid.UUID) -> Restriction | None:
        row = (
            await self.session.execute(
                select(account_restriction.c.kind, account_restriction.c.until).where(
                    account_restriction.c.user_id == user_id
                )
            )
        ).one_or_none()
        return None if row is None else Restriction(RestrictionKind(row.kind), row.until)

    async def restricted(self, user_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``user_ids`` whose time-out or self-exclusion runs now (the database's
        clock, as ``check_money_in``): one query for a whole batch of reservations."""
        if not user_ids:
            return set()
        rows = await self.session.scalars(
            select(account_restriction.c.user_id).where(
                account_restriction.c.user_id.in_(user_ids),
                account_restriction.c.until > func.clock_timestamp(),
            )
        )
        return set(rows)

    # --- deposit limits ------------------------------------------------------------------------

    async def limits(self, user_id: uuid.UUID) -> list[DepositLimit]:
        """Every period's stored limit (a period never set has no row), day → month."""
        rows = await self.session.execute(
            select(deposit_limit).where(deposit_limit.c.user_id == user_id)
        )
        found = {
            LimitPeriod(r.period): DepositLimit(
                LimitPeriod(r.period),
                _optional_int(r.amount_minor),
                PendingChange(_optional_int(r.pending_amount_minor), r.pending_effective_at)
                if r.pending
                else None,
            )
            for r in rows
        }
        return [found[p] for p in LimitPeriod if p in found]

    async def save(self, user_id: uuid.UUID, change: LimitChange) -> None:
        """The period's limit as decided, and the change in the user's limit history."""
        after = change.after
        values = {
            "amount_minor": after.amount_minor,
            "pending": after.pending is not None,
            "pending_amount_minor": None if after.pending is None else after.pending.amount_minor,
            "pending_effective_at": None if after.pending is None else after.pending.effective_at,
        }
        statement = insert(deposit_limit).values(
            user_id=user_id, period=after.period.value, **values
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[deposit_limit.c.user_id, deposit_limit.c.period],
                set_={**values, "updated_at": func.now()},
            )
        )
        await self.session.execute(
            insert(deposit_limit_change).values(
                user_id=user_id,
                period=after.period.value,
                previous_minor=change.before.amount_minor,
                requested_minor=change.requested_minor,
                outcome=change.outcome.value,
                effective_at=change.effective_at,
            )
        )

    async def changes(
        self, user_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[LimitChangeView], int]:
        """The user's limit changes, newest first, and how many there are."""
        c = deposit_limit_change.c
        total = await self.session.scalar(
            select(func.count()).select_from(deposit_limit_change).where(c.user_id == user_id)
        )
        rows = await self.session.execute(
            select(deposit_limit_change)
            .where(c.user_id == user_id)
            .order_by(c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        views = [
            LimitChangeView(
                LimitPeriod(r.period),
                _optional_int(r.previous_minor),
                _optional_int(r.requested_minor),
                r.outcome,
                r.effective_at,
                r.created_at,
            )
            for r in rows
        ]
        return views, int(total or 0)

    async def deposited(
        self, user_id: uuid.UUID, now: datetime, *, besides: uuid.UUID | None = None
    ) -> dict[LimitPeriod, int]:
        """Per period, the card deposits that count against its limit in its rolling window up
        to ``now``: credited ones (Stripe's amount, by when credited) and ones started that may
        still be paid (by when started) — pending, or declined yet still payable with another
        card before they expire. ``besides``: a retry of this deposit is not counted twice."""
        d = card_deposit.c
        credited = d.status == DepositStatus.succeeded.value
        payable = or_(
            d.status == DepositStatus.pending.value,
            and_(d.status == DepositStatus.failed.value, d.expires_at > now),
        )

        def used_since(start: datetime) -> ColumnElement[Any]:
            counted = case(
                (and_(credited, d.completed_at > start), d.credited_minor),
                (and_(payable, d.created_at > start), d.amount_minor),
                else_=0,
            )
            return func.coalesce(func.sum(counted), 0)

        starts = {p: now - p.window for p in LimitPeriod}
        widest = now - max((p.window for p in LimitPeriod), default=timedelta(0))
        statement = select(*(used_since(starts[p]).label(p.value) for p in LimitPeriod)).where(
            d.user_id == user_id,
            or_(d.completed_at > widest, d.created_at > widest),
        )
        if besides is not None:
            statement = statement.where(d.operation_id != besides)
        row = (await self.session.execute(statement)).one()
        return {p: int(getattr(row, p.value)) for p in LimitPeriod}
