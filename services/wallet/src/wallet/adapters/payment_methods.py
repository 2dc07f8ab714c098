"""Saved cards (``payment_method``), the user's Stripe Customer (``stripe_customer``) and the
SetupIntents started for new cards (``card_setup``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.stripe_tables import card_setup, payment_method, stripe_customer
from wallet.adapters.user_locks import lock_user_work

FINISHED_SETUP_STATUSES = ("succeeded", "canceled")


@dataclass(frozen=True)
class MethodView:
    method_id: uuid.UUID
    payment_type: str
    card_brand: str | None
    card_last4: str | None
    card_exp_month: int | None
    card_exp_year: int | None
    is_default: bool
    created_at: datetime
    last_used_at: datetime | None
    stripe_payment_method_id: str


def _view(row: Row[Any] | Any) -> MethodView:
    return MethodView(
        method_id=row.method_id,
        payment_type=row.payment_type,
        card_brand=row.card_brand,
        card_last4=row.card_last4,
        card_exp_month=row.card_exp_month,
        card_exp_year=row.card_exp_year,
        is_default=row.is_default,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        stripe_payment_method_id=row.stripe_payment_method_id,
    )


def _unfinished(window: timedelta) -> list[ColumnElement[bool]]:
    return [
        card_setup.c.status.not_in(FINISHED_SETUP_STATUSES),
        card_setup.c.created_at > func.now() - window,
    ]


def _due(window: timedelta, recheck_after: timedelta) -> list[ColumnElement[bool]]:
    """Unfinished, not abandoned, and not asked about within ``recheck_after``."""
    return [
        *_unfinished(window),
        card_setup.c.created_at <= func.now() - recheck_after,
        or_(
            card_setup.c.rechecked_at.is_(None),
            card_setup.c.rechecked_at <= func.now() - recheck_after,
        ),
    ]


class PaymentMethods:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the Stripe Customer -------------------------------------------------------------------

    async def customer_of(self, user_id: uuid.UUID) -> str | None:
        found = await self.session.scalar(
            select(stripe_customer.c.stripe_customer_id).where(stripe_customer.c.user_id == user_id)
        )
        return None if found is None else str(found)

    async def add_customer(self, user_id: uuid.UUID, customer: str) -> None:
        """Kept if the user has none yet (a concurrent first request's row wins)."""
        await self.session.execute(
            insert(stripe_customer)
            .values(user_id=user_id, stripe_customer_id=customer)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )

    async def user_of_customer(self, customer: str) -> uuid.UUID | None:
        found = await self.session.scalar(
            select(stripe_customer.c.user_id).where(
                stripe_customer.c.stripe_customer_id == customer
            )
        )
        return None if found is None else uuid.UUID(str(found))

    # --- saved cards ---------------------------------------------------------------------------

    async def active_of(self, user_id: uuid.UUID) -> list[MethodView]:
        """The default first, then oldest first."""
        rows = await self.session.execute(
            select(payment_method)
            .where(payment_method.c.user_id == user_id, payment_method.c.is_active)
            .order_by(payment_method.c.is_default.desc(), payment_method.c.created_at)
        )
        return [_view(r) for r in rows]

    async def find_active(
        self, user_id: uuid.UUID, method_id: uuid.UUID, *, for_update: bool = False
    ) -> MethodView | None:
        statement = select(payment_method).where(
            payment_method.c.method_id == method_id,
            payment_method.c.user_id == user_id,
            payment_method.c.is_active,
        )
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else _view(row)

    async def by_stripe_id(self, stripe_payment_method_id: str) -> MethodView | None:
        row = (
            await self.session.execute(
                select(payment_method).where(
                    payment_method.c.stripe_payment_method_id == stripe_payment_method_id
                )
            )
        ).one_or_none()
        return None if row is None else _view(row)

    async def has_default(self, user_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(func.count())
            .select_from(payment_method)
            .where(payment_method.c.user_id == user_id, payment_method.c.is_default)
        )
        return bool(found)

    async def add(self, **values: Any) -> MethodView | None:
        """The new card; None if it was saved concurrently (theirs stands)."""
        inserted = await self.session.execute(
            insert(payment_method)
            .values(method_id=uuid.uuid4(), **values)
            .on_conflict_do_nothing()
            .returning(payment_method)
        )
        row = inserted.one_or_none()
        return None if row is None else _view(row)

    async def detach(self, method_id: uuid.UUID) -> None:
        await self.session.execute(
            update(payment_method)
            .where(payment_method.c.method_id == method_id)
            .values(is_active=False, is_default=False, detached_at=func.now())
        )

    async def set_default(self, user_id: uuid.UUID, method_id: uuid.UUID) -> None:
        # Two statements: the one-default-per-user index is checked row by row.
        await self.session.execute(
            update(payment_method)
            .where(payment_method.c.user_id == user_id, payment_method.c.is_default)
            .values(is_default=False)
        )
        await self.session.execute(
            update(payment_method)
            .where(payment_method.c.method_id == method_id)
            .values(is_default=True)
        )

    async def mark_used(self, method_id: uuid.UUID) -> None:
        await self.session.execute(
            update(payment_method)
            .where(payment_method.c.method_id == method_id)
            .values(last_used_at=func.now())
        )

    # --- SetupIntents --------------------------------------------------------------------------

    async def lock_setups_of(self, user_id: uuid.UUID) -> None:
        """Until the transaction ends, the user's new SetupIntents are counted here only."""
        await lock_user_work(self.session, "card_setup", user_id)

    async def count_unfinished_setups(self, user_id: uuid.UUID, window: timedelta) -> int:
        found = await self.session.scalar(
            select(func.count())
            .select_from(card_setup)
            .where(card_setup.c.user_id == user_id, *_unfinished(window))
        )
        return int(found or 0)

    async def add_setup(self, setup_intent_id: str, user_id: uuid.UUID, status: str) -> None:
        await self.session.execute(
            insert(card_setup)
            .values(setup_intent_id=setup_intent_id, user_id=user_id, status=status)
            .on_conflict_do_nothing(index_elements=["setup_intent_id"])
        )

    async def owner_of_setup(self, setup_intent_id: str) -> uuid.UUID | None:
        owner = await self.session.scalar(
            select(card_setup.c.user_id).where(card_setup.c.setup_intent_id == setup_intent_id)
        )
        return None if owner is None else uuid.UUID(str(owner))

    async def set_setup_status(self, setup_intent_id: str, status: str) -> None:
        await self.session.execute(
            update(card_setup)
            .where(card_setup.c.setup_intent_id == setup_intent_id)
            .values(status=status, updated_at=func.now())
        )

    async def setups_due(
        self, window: timedelta, recheck_after: timedelta, *, limit: int
    ) -> list[str]:
        found = await self.session.scalars(
            select(card_setup.c.setup_intent_id)
            .where(*_due(window, recheck_after))
            .order_by(card_setup.c.created_at)
            .limit(limit)
        )
        return list(found)

    async def claim_setup_recheck(
        self, setup_intent_id: str, window: timedelta, recheck_after: timedelta
    ) -> str | None:
        """The SetupIntent's id if this caller asks Stripe now (a conditional UPDATE: two
        runners never both ask)."""
        claimed: str | None = await self.session.scalar(
            update(card_setup)
            .where(card_setup.c.setup_intent_id == setup_intent_id, *_due(window, recheck_after))
            .values(rechecked_at=func.now())
            .returning(card_setup.c.setup_intent_id)
        )
        return claimed
