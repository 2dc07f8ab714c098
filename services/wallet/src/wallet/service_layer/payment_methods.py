"""Saved cards (seed 001 payment_methods): added through a SetupIntent or by paying with
``save_method``, listed, made default, detached. Only Stripe's ``pm_…`` id and what the user
needs to recognise the card (brand, last4, expiry) are kept — never the card number.

A SetupIntent's card is saved by the ``setup_intent.succeeded`` webhook or, if that is lost, by
the periodic re-check (``stripe_jobs``) — never by listing the cards: a list costs no Stripe
call. A user may have ``WALLET_CARD_SETUPS_PENDING_MAX`` unfinished SetupIntents at once; one
older than ``WALLET_CARD_SETUP_PENDING_WINDOW_MIN`` counts as abandoned (not counted, no longer
re-checked; its webhook still saves the card if it ever succeeds).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.audit import write_audit
from wallet.adapters.stripe_payments import PaymentProvider, SetupView
from wallet.adapters.stripe_tables import card_setup, payment_method, stripe_customer
from wallet.adapters.user_locks import lock_user_work
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import CardSetupsPending, PaymentMethodNotFound
from wallet.settings import Settings

FINISHED_SETUP_STATUSES = ("succeeded", "canceled")


@dataclass(frozen=True)
class SetupCaps:
    pending_max: int = 5  # unfinished SetupIntents per user at once
    pending_window: timedelta = timedelta(hours=1)  # older: abandoned
    recheck_after: timedelta = timedelta(minutes=2)  # the job asks Stripe at most this often

    @classmethod
    def of(cls, settings: Settings) -> SetupCaps:
        return cls(
            pending_max=settings.card_setups_pending_max,
            pending_window=timedelta(minutes=settings.card_setup_pending_window_min),
            recheck_after=timedelta(minutes=settings.card_setup_recheck_after_min),
        )


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


async def customer_for(session: AsyncSession, provider: PaymentProvider, user_id: uuid.UUID) -> str:
    """The user's Stripe Customer, created on first need (seed 001: one user, one customer).

    Two first requests racing both ask Stripe with the same idempotency key (one customer comes
    back) and both insert; the row that wins is the one used.
    """
    found = await session.scalar(
        select(stripe_customer.c.stripe_customer_id).where(stripe_customer.c.user_id == user_id)
    )
    if found is not None:
        return str(found)
    created = await provider.create_customer(user_id)
    await session.execute(
        insert(stripe_customer)
        .values(user_id=user_id, stripe_customer_id=created)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    stored = await session.scalar(
        select(stripe_customer.c.stripe_customer_id).where(stripe_customer.c.user_id == user_id)
    )
    return str(stored)


async def user_of_customer(session: AsyncSession, customer: str | None) -> uuid.UUID | None:
    if customer is None:
        return None
    found = await session.scalar(
        select(stripe_customer.c.user_id).where(stripe_customer.c.stripe_customer_id == customer)
    )
    return None if found is None else uuid.UUID(str(found))


async def list_methods(session: AsyncSession, user_id: uuid.UUID) -> list[MethodView]:
    rows = await session.execute(
        select(payment_method)
        .where(payment_method.c.user_id == user_id, payment_method.c.is_active)
        .order_by(payment_method.c.is_default.desc(), payment_method.c.created_at)
    )
    return [_view(r) for r in rows]


async def find_method(
    session: AsyncSession, user_id: uuid.UUID, method_id: uuid.UUID, *, for_update: bool = False
) -> MethodView:
    """The user's active method; another user's (or a detached one) is "not found"."""
    statement = select(payment_method).where(
        payment_method.c.method_id == method_id,
        payment_method.c.user_id == user_id,
        payment_method.c.is_active,
    )
    if for_update:
        statement = statement.with_for_update()
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        raise PaymentMethodNotFound()
    return _view(row)


def _unfinished(window: timedelta) -> list[Any]:
    return [
        card_setup.c.status.not_in(FINISHED_SETUP_STATUSES),
        card_setup.c.created_at > func.now() - window,
    ]


async def start_setup(
    session: AsyncSession,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    caps: SetupCaps | None = None,
) -> SetupView:
    """A SetupIntent the SPA confirms with Stripe.js; the card is saved when it succeeds.

    Refused (before any Stripe call) while the user has ``caps.pending_max`` unfinished ones.
    """
    caps = caps or SetupCaps()
    await lock_user_work(session, "card_setup", user_id)  # concurrent starts count in turn
    pending = int(
        await session.scalar(
            select(func.count())
            .select_from(card_setup)
            .where(card_setup.c.user_id == user_id, *_unfinished(caps.pending_window))
        )
        or 0
    )
    if pending >= caps.pending_max:
        raise CardSetupsPending(details={"pending": pending, "limit": caps.pending_max})
    customer = await customer_for(session, provider, user_id)
    setup = await provider.create_setup_intent(user_id=user_id, customer=customer)
    await session.execute(
        insert(card_setup)
        .values(setup_intent_id=setup.id, user_id=user_id, status=setup.status)
        .on_conflict_do_nothing(index_elements=["setup_intent_id"])
    )
    return setup


async def save_card(
    session: AsyncSession,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    stripe_payment_method_id: str,
    client: ClientInfo | None = None,
) -> MethodView:
    """Store a card Stripe has attached to the user's customer (once, whatever the retries)."""
    existing = (
        await session.execute(
            select(payment_method).where(
                payment_method.c.stripe_payment_method_id == stripe_payment_method_id
            )
        )
    ).one_or_none()
    if existing is not None:
        return _view(existing)
    card = await provider.retrieve_card(stripe_payment_method_id)
    has_default = await session.scalar(
        select(func.count())
        .select_from(payment_method)
        .where(payment_method.c.user_id == user_id, payment_method.c.is_default)
    )
    inserted = await session.execute(
        insert(payment_method)
        .values(
            method_id=uuid.uuid4(),
            user_id=user_id,
            stripe_payment_method_id=card.payment_method_id,
            payment_type="card" if card.payment_type == "card" else "bank_account",
            card_brand=card.brand,
            card_last4=card.last4,
            card_exp_month=card.exp_month,
            card_exp_year=card.exp_year,
            is_default=not has_default,  # the first card is the default
        )
        .on_conflict_do_nothing()
        .returning(payment_method)
    )
    row = inserted.one_or_none()
    if row is None:  # saved concurrently (webhook and re-check): theirs stands
        again = await session.execute(
            select(payment_method).where(
                payment_method.c.stripe_payment_method_id == stripe_payment_method_id
            )
        )
        return _view(again.one())
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.payment_method_added,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(row.method_id), "brand": card.brand, "last4": card.last4},
            client=client or ClientInfo(),
        ),
    )
    return _view(row)


async def settle_setup(
    session: AsyncSession, provider: PaymentProvider, setup: SetupView
) -> MethodView | None:
    """A SetupIntent as Stripe reports it (webhook or re-check): save its card once succeeded."""
    owner = await session.scalar(
        select(card_setup.c.user_id).where(card_setup.c.setup_intent_id == setup.id)
    )
    user_id = uuid.UUID(str(owner)) if owner is not None else None
    if user_id is None:
        user_id = await user_of_customer(session, setup.customer)
    if user_id is None:
        return None  # not one of ours
    await session.execute(
        update(card_setup)
        .where(card_setup.c.setup_intent_id == setup.id)
        .values(status=setup.status, updated_at=func.now())
    )
    if setup.status != "succeeded" or setup.payment_method is None:
        return None
    return await save_card(
        session, provider, user_id=user_id, stripe_payment_method_id=setup.payment_method
    )


def _due(caps: SetupCaps) -> list[Any]:
    """Unfinished, not abandoned, and not asked about within ``recheck_after``."""
    return [
        *_unfinished(caps.pending_window),
        card_setup.c.created_at <= func.now() - caps.recheck_after,
        or_(
            card_setup.c.rechecked_at.is_(None),
            card_setup.c.rechecked_at <= func.now() - caps.recheck_after,
        ),
    ]


async def setups_due(session: AsyncSession, caps: SetupCaps, *, limit: int) -> list[str]:
    """SetupIntents the periodic job should ask Stripe about (a webhook may be lost)."""
    found = await session.scalars(
        select(card_setup.c.setup_intent_id)
        .where(*_due(caps))
        .order_by(card_setup.c.created_at)
        .limit(limit)
    )
    return list(found)


async def recheck_setup(
    session: AsyncSession, provider: PaymentProvider, setup_intent_id: str, caps: SetupCaps
) -> MethodView | None:
    """Ask Stripe about one SetupIntent, once per ``recheck_after`` (the claim is a conditional
    UPDATE: two runners never both ask), and save its card if it succeeded."""
    claimed = await session.scalar(
        update(card_setup)
        .where(card_setup.c.setup_intent_id == setup_intent_id, *_due(caps))
        .values(rechecked_at=func.now())
        .returning(card_setup.c.setup_intent_id)
    )
    if claimed is None:
        return None
    return await settle_setup(session, provider, await provider.retrieve_setup_intent(claimed))


async def delete_method(
    session: AsyncSession,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    method_id: uuid.UUID,
    client: ClientInfo,
) -> None:
    found = await find_method(session, user_id, method_id, for_update=True)
    await provider.detach_card(found.stripe_payment_method_id)
    await session.execute(
        update(payment_method)
        .where(payment_method.c.method_id == method_id)
        .values(is_active=False, is_default=False, detached_at=func.now())
    )
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.payment_method_deleted,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(method_id)},
            client=client,
        ),
    )


async def make_default(session: AsyncSession, *, user_id: uuid.UUID, method_id: uuid.UUID) -> None:
    await find_method(session, user_id, method_id, for_update=True)
    # Two statements: the one-default-per-user index is checked row by row.
    await session.execute(
        update(payment_method)
        .where(payment_method.c.user_id == user_id, payment_method.c.is_default)
        .values(is_default=False)
    )
    await session.execute(
        update(payment_method)
        .where(payment_method.c.method_id == method_id)
        .values(is_default=True)
    )


async def mark_used(session: AsyncSession, method_id: uuid.UUID) -> None:
    await session.execute(
        update(payment_method)
        .where(payment_method.c.method_id == method_id)
        .values(last_used_at=func.now())
    )
