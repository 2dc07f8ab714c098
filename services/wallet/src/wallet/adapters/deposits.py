"""Card deposits (``card_deposit``), their disputes (``card_dispute``) and the Stripe events
applied (``stripe_event``).

Every change of a deposit happens with its row locked (``lock``): request, webhook and re-check
settle one deposit one after the other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.stripe_tables import card_deposit, card_dispute, stripe_event
from wallet.adapters.tables import account
from wallet.adapters.user_locks import lock_user_work
from wallet.domain.card_payments import DepositStatus, DisputeStatus
from wallet.domain.ledger import AccountKind


@dataclass(frozen=True)
class DepositView:
    operation_id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    intent_id: str | None
    checkout_session_id: str | None
    amount_minor: int
    currency: str
    status: DepositStatus
    stripe_status: str | None
    credited_minor: int | None
    refunded_minor: int
    charge_id: str | None
    method_id: uuid.UUID | None
    save_method: bool
    decline_code: str | None
    failure_message: str | None
    expires_at: datetime
    created_at: datetime
    completed_at: datetime | None


def deposit_view(row: Row[Any] | Any) -> DepositView:
    """A ``card_deposit`` row as the wallet reads it."""
    return DepositView(
        operation_id=row.operation_id,
        user_id=row.user_id,
        kind=row.kind,
        intent_id=row.intent_id,
        checkout_session_id=row.checkout_session_id,
        amount_minor=int(row.amount_minor),
        currency=row.currency,
        status=DepositStatus(row.status),
        stripe_status=row.stripe_status,
        credited_minor=None if row.credited_minor is None else int(row.credited_minor),
        refunded_minor=int(row.refunded_minor),
        charge_id=row.charge_id,
        method_id=row.method_id,
        save_method=row.save_method,
        decline_code=row.decline_code,
        failure_message=row.failure_message,
        expires_at=row.expires_at,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


@dataclass(frozen=True)
class DisputeRow:
    dispute_id: str
    user_id: uuid.UUID
    operation_id: uuid.UUID | None
    amount_minor: int
    status: str


class CardDeposits:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- deposits ------------------------------------------------------------------------------

    async def lock_starts_of(self, user_id: uuid.UUID) -> None:
        """Until the transaction ends, the user's new deposits are counted here only."""
        await lock_user_work(self.session, "card_deposit", user_id)

    async def count_pending(self, user_id: uuid.UUID, *, besides: uuid.UUID) -> int:
        """The user's unpaid, unexpired deposits other than ``besides``."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(card_deposit)
            .where(
                card_deposit.c.user_id == user_id,
                card_deposit.c.status == DepositStatus.pending.value,
                card_deposit.c.expires_at > func.now(),
                card_deposit.c.operation_id != besides,
            )
        )
        return int(found or 0)

    async def add_pending(
        self,
        *,
        operation_id: uuid.UUID,
        user_id: uuid.UUID,
        kind: str,
        amount_minor: int,
        currency: str,
        expiry: timedelta,
        method_id: uuid.UUID | None = None,
        save_method: bool = False,
    ) -> None:
        # ON CONFLICT: a webhook may have created it already after an earlier attempt.
        await self.session.execute(
            insert(card_deposit)
            .values(
                operation_id=operation_id,
                user_id=user_id,
                kind=kind,
                amount_minor=amount_minor,
                currency=currency,
                status=DepositStatus.pending.value,
                method_id=method_id,
                save_method=save_method,
                expires_at=func.now() + expiry,
            )
            .on_conflict_do_nothing(index_elements=["operation_id"])
        )

    async def set(self, operation_id: uuid.UUID, **values: Any) -> DepositView:
        row = (
            await self.session.execute(
                update(card_deposit)
                .where(card_deposit.c.operation_id == operation_id)
                .values(updated_at=func.now(), **values)
                .returning(card_deposit)
            )
        ).one()
        return deposit_view(row)

    async def mark_succeeded(
        self, operation_id: uuid.UUID, *, credited_minor: int, **values: Any
    ) -> DepositView:
        """Succeeded now (any decline of an earlier attempt forgotten), ``credited_minor`` in."""
        return await self.set(
            operation_id,
            status=DepositStatus.succeeded.value,
            credited_minor=credited_minor,
            completed_at=func.now(),
            decline_code=None,
            **values,
        )

    async def lock(self, **where: Any) -> DepositView | None:
        """The deposit whose columns equal ``where``, locked."""
        conditions = [card_deposit.c[name] == value for name, value in where.items()]
        row = (
            await self.session.execute(select(card_deposit).where(*conditions).with_for_update())
        ).one_or_none()
        return None if row is None else deposit_view(row)

    async def get(self, operation_id: uuid.UUID) -> DepositView:
        row = (
            await self.session.execute(
                select(card_deposit).where(card_deposit.c.operation_id == operation_id)
            )
        ).one()
        return deposit_view(row)

    async def find_of_user(self, user_id: uuid.UUID, intent_id: str) -> DepositView | None:
        """The user's deposit by PaymentIntent or Checkout Session id."""
        row = (
            await self.session.execute(
                select(card_deposit).where(
                    card_deposit.c.user_id == user_id,
                    (card_deposit.c.intent_id == intent_id)
                    | (card_deposit.c.checkout_session_id == intent_id),
                )
            )
        ).one_or_none()
        return None if row is None else deposit_view(row)

    async def claim_recheck(self, operation_id: uuid.UUID, at_most_every: timedelta) -> bool:
        """Whether this caller asks Stripe now (a conditional UPDATE: concurrent polls wait for
        the one that claimed, then find it claimed)."""
        claimed = await self.session.scalar(
            update(card_deposit)
            .where(
                card_deposit.c.operation_id == operation_id,
                or_(
                    card_deposit.c.rechecked_at.is_(None),
                    card_deposit.c.rechecked_at <= func.now() - at_most_every,
                ),
            )
            .values(rechecked_at=func.now())
            .returning(card_deposit.c.operation_id)
        )
        return claimed is not None

    async def available_minor(self, user_id: uuid.UUID) -> int:
        """The user's available balance as committed (a read: no lock)."""
        found = await self.session.scalar(
            select(account.c.balance_minor).where(
                account.c.user_id == user_id, account.c.kind == AccountKind.available.value
            )
        )
        return 0 if found is None else int(found)

    # --- disputes ------------------------------------------------------------------------------

    async def add_dispute(self, **values: Any) -> bool:
        """A new open dispute; False if it was known already."""
        inserted = await self.session.scalar(
            insert(card_dispute)
            .values(status=DisputeStatus.open.value, **values)
            .on_conflict_do_nothing(index_elements=["dispute_id"])
            .returning(card_dispute.c.dispute_id)
        )
        return inserted is not None

    async def lock_dispute(self, dispute_id: str) -> DisputeRow | None:
        row = (
            await self.session.execute(
                select(card_dispute)
                .where(card_dispute.c.dispute_id == dispute_id)
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            return None
        return DisputeRow(
            row.dispute_id, row.user_id, row.operation_id, int(row.amount_minor), row.status
        )

    async def close_dispute(
        self, dispute_id: str, outcome: DisputeStatus, stripe_status: str | None
    ) -> None:
        await self.session.execute(
            update(card_dispute)
            .where(card_dispute.c.dispute_id == dispute_id)
            .values(status=outcome.value, stripe_status=stripe_status, closed_at=func.now())
        )

    async def has_open_dispute(self, user_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(card_dispute.c.dispute_id)
            .where(card_dispute.c.user_id == user_id, card_dispute.c.status == "open")
            .limit(1)
        )
        return found is not None


class StripeEvents:
    """Stripe's webhook events, stored in the transaction of their effect."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_delivery(self, event_id: str, event_type: str) -> bool:
        """Record the event; False if it was recorded already (the insert waits for a
        concurrent delivery's transaction, then conflicts)."""
        first = await self.session.scalar(
            insert(stripe_event)
            .values(event_id=event_id, type=event_type, outcome="processing")
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(stripe_event.c.event_id)
        )
        return first is not None

    async def set_outcome(self, event_id: str, outcome: str) -> None:
        await self.session.execute(
            update(stripe_event).where(stripe_event.c.event_id == event_id).values(outcome=outcome)
        )
