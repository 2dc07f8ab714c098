"""Repositories on the partners schema: one query each, on the unit of work's session."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from partners.adapters.tables import (
    attributed_user,
    deposit,
    inbound_postback,
    partner,
    postback,
    postback_attempt,
    win_throttle,
)


class PartnerRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, partner_id: str) -> RowMapping | None:
        result = await self.db.execute(sa.select(partner).where(partner.c.partner_id == partner_id))
        return result.mappings().first()

    async def get_for_update(self, partner_id: str) -> RowMapping | None:
        result = await self.db.execute(
            sa.select(partner).where(partner.c.partner_id == partner_id).with_for_update()
        )
        return result.mappings().first()

    async def list(self) -> Sequence[RowMapping]:
        result = await self.db.execute(sa.select(partner).order_by(partner.c.partner_id))
        return result.mappings().all()

    async def add(self, values: Mapping[str, Any]) -> bool:
        result = await self.db.execute(
            insert(partner)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[partner.c.partner_id])
            .returning(partner.c.partner_id)
        )
        return result.first() is not None

    async def update(self, partner_id: str, values: Mapping[str, Any]) -> None:
        await self.db.execute(
            sa.update(partner).where(partner.c.partner_id == partner_id).values(**values)
        )


class AttributionRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add_user(
        self, *, user_id: uuid.UUID, partner_id: str, click_id: str | None, registered_at: datetime
    ) -> bool:
        result = await self.db.execute(
            insert(attributed_user)
            .values(
                user_id=user_id,
                partner_id=partner_id,
                click_id=click_id,
                registered_at=registered_at,
            )
            .on_conflict_do_nothing(index_elements=[attributed_user.c.user_id])
            .returning(attributed_user.c.user_id)
        )
        return result.first() is not None

    async def get(self, user_id: uuid.UUID) -> RowMapping | None:
        """The one indexed lookup a bus message for a user who came from no partner costs."""
        result = await self.db.execute(
            sa.select(attributed_user).where(attributed_user.c.user_id == user_id)
        )
        return result.mappings().first()

    async def add_deposit(
        self,
        *,
        operation_id: uuid.UUID,
        user_id: uuid.UUID,
        partner_id: str,
        amount_minor: int,
        currency: str,
        at: datetime,
    ) -> bool:
        result = await self.db.execute(
            insert(deposit)
            .values(
                operation_id=operation_id,
                user_id=user_id,
                partner_id=partner_id,
                amount_minor=amount_minor,
                currency=currency,
                at=at,
            )
            .on_conflict_do_nothing(index_elements=[deposit.c.operation_id])
            .returning(deposit.c.operation_id)
        )
        return result.first() is not None

    async def mark_first_deposit(self, user_id: uuid.UUID, at: datetime) -> bool:
        """True for the user's first deposit only (the row lock serialises two at once)."""
        result = await self.db.execute(
            sa.update(attributed_user)
            .where(
                attributed_user.c.user_id == user_id, attributed_user.c.first_deposit_at.is_(None)
            )
            .values(first_deposit_at=at)
            .returning(attributed_user.c.user_id)
        )
        return result.first() is not None

    async def by_click_for_update(self, partner_id: str, click_id: str) -> RowMapping | None:
        result = await self.db.execute(
            sa.select(attributed_user)
            .where(
                attributed_user.c.partner_id == partner_id, attributed_user.c.click_id == click_id
            )
            .order_by(
                attributed_user.c.partner_player_id.is_not(None),
                attributed_user.c.registered_at,
                attributed_user.c.user_id,
            )
            .limit(1)
            .with_for_update()
        )
        return result.mappings().first()

    async def by_player_for_update(self, partner_id: str, player_id: str) -> RowMapping | None:
        result = await self.db.execute(
            sa.select(attributed_user)
            .where(
                attributed_user.c.partner_id == partner_id,
                attributed_user.c.partner_player_id == player_id,
            )
            .with_for_update()
        )
        return result.mappings().first()

    async def update(self, user_id: uuid.UUID, values: Mapping[str, Any]) -> None:
        await self.db.execute(
            sa.update(attributed_user).where(attributed_user.c.user_id == user_id).values(**values)
        )

    async def partner_deposit(self, user_id: uuid.UUID, amount: Decimal, at: datetime) -> None:
        au = attributed_user.c
        await self.db.execute(
            sa.update(attributed_user)
            .where(au.user_id == user_id)
            .values(
                partner_first_deposit_at=sa.func.coalesce(au.partner_first_deposit_at, at),
                partner_deposit_count=au.partner_deposit_count + 1,
                partner_deposit_sum=au.partner_deposit_sum + amount,
            )
        )

    async def users_page(
        self, partner_id: str, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[RowMapping]:
        au = attributed_user.c
        per_currency = (
            sa.select(
                deposit.c.user_id,
                deposit.c.currency,
                sa.func.sum(deposit.c.amount_minor).label("amount_minor"),
                sa.func.count().label("n"),
            )
            .group_by(deposit.c.user_id, deposit.c.currency)
            .subquery()
        )
        agg = (
            sa.select(
                per_currency.c.user_id,
                sa.func.sum(per_currency.c.n).label("deposits_count"),
                sa.func.jsonb_object_agg(
                    per_currency.c.currency, per_currency.c.amount_minor
                ).label("deposits_minor"),
            )
            .group_by(per_currency.c.user_id)
            .subquery()
        )
        query = (
            sa.select(attributed_user, agg.c.deposits_count, agg.c.deposits_minor)
            .select_from(attributed_user.outerjoin(agg, agg.c.user_id == au.user_id))
            .where(au.partner_id == partner_id)
            .order_by(au.registered_at, au.user_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(au.registered_at, au.user_id) > sa.tuple_(*after))
        return (await self.db.execute(query)).mappings().all()


class PostbackRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, values: Mapping[str, Any]) -> uuid.UUID | None:
        """The new postback's id; None if this (source message, partner, event) has one."""
        result = await self.db.execute(
            insert(postback)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=[postback.c.source_event_id, postback.c.partner_id, postback.c.event]
            )
            .returning(postback.c.id)
        )
        found = result.first()
        return None if found is None else found[0]

    async def lock_throttle(self, user_id: uuid.UUID, partner_id: str) -> RowMapping:
        """The (user, partner) win throttle row, created if new, locked to this transaction."""
        await self.db.execute(
            insert(win_throttle)
            .values(user_id=user_id, partner_id=partner_id)
            .on_conflict_do_nothing(
                index_elements=[win_throttle.c.user_id, win_throttle.c.partner_id]
            )
        )
        result = await self.db.execute(
            sa.select(win_throttle)
            .where(win_throttle.c.user_id == user_id, win_throttle.c.partner_id == partner_id)
            .with_for_update()
        )
        return result.mappings().one()

    async def set_throttle(
        self, user_id: uuid.UUID, partner_id: str, values: Mapping[str, Any]
    ) -> None:
        await self.db.execute(
            sa.update(win_throttle)
            .where(win_throttle.c.user_id == user_id, win_throttle.c.partner_id == partner_id)
            .values(**values)
        )

    async def aggregate_win(
        self, postback_id: uuid.UUID, *, amount_minor: int, currency: str, transaction_id: str
    ) -> bool:
        """Add a win to a waiting (never tried) win postback; False if it is no longer waiting."""
        p = postback.c
        result = await self.db.execute(
            sa.update(postback)
            .where(
                p.id == postback_id,
                p.status == "pending",
                p.attempts == 0,
                p.currency == currency,
            )
            .values(
                amount_minor=p.amount_minor + amount_minor,
                win_count=p.win_count + 1,
                transaction_id=transaction_id,
            )
            .returning(p.id)
        )
        return result.first() is not None

    async def claim_due(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> list[RowMapping]:
        """Due postbacks, locked past other senders (SKIP LOCKED), their attempt counted and
        leased: a sender that dies mid-send leaves them due again at ``lease_until``."""
        p = postback.c
        due = (
            sa.select(p.id)
            .where(p.status == "pending", p.next_attempt_at <= now)
            .order_by(p.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("due")
        )
        claimed = (
            sa.update(postback)
            .where(p.id == due.c.id)
            .values(attempts=p.attempts + 1, next_attempt_at=lease_until)
            .returning(*postback.c)
            .cte("claimed")
        )
        query = sa.select(
            claimed,
            partner.c.secret,
            partner.c.urls,
            partner.c.active,
        ).select_from(claimed.outerjoin(partner, partner.c.partner_id == claimed.c.partner_id))
        return list((await self.db.execute(query)).mappings().all())

    async def record_attempt(self, values: Mapping[str, Any]) -> None:
        await self.db.execute(
            insert(postback_attempt)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=[postback_attempt.c.postback_id, postback_attempt.c.attempt]
            )
        )

    async def finish_attempt(
        self, postback_id: uuid.UUID, attempt: int, values: Mapping[str, Any]
    ) -> bool:
        """Apply an attempt's outcome, unless another claim has since taken the row over."""
        result = await self.db.execute(
            sa.update(postback)
            .where(postback.c.id == postback_id, postback.c.attempts == attempt)
            .values(**values)
            .returning(postback.c.id)
        )
        return result.first() is not None

    async def list(
        self, *, partner_id: str | None, status: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = (
            sa.select(postback).order_by(postback.c.created_at.desc(), postback.c.id).limit(limit)
        )
        if partner_id is not None:
            query = query.where(postback.c.partner_id == partner_id)
        if status is not None:
            query = query.where(postback.c.status == status)
        rows = [dict(r) for r in (await self.db.execute(query)).mappings().all()]
        if not rows:
            return rows
        attempts = await self.db.execute(
            sa.select(postback_attempt)
            .where(postback_attempt.c.postback_id.in_([r["id"] for r in rows]))
            .order_by(postback_attempt.c.postback_id, postback_attempt.c.attempt)
        )
        by_id: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for a in attempts.mappings().all():
            by_id.setdefault(a["postback_id"], []).append(dict(a))
        for r in rows:
            r["attempt_log"] = by_id.get(r["id"], [])
        return rows


class InboundRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def record(self, values: Mapping[str, Any]) -> bool:
        """Log one inbound postback; False when an accepted one with its dedupe key exists."""
        stmt = insert(inbound_postback).values(**values)
        if values.get("outcome") == "accepted":
            stmt = stmt.on_conflict_do_nothing(
                index_elements=[inbound_postback.c.partner_id, inbound_postback.c.dedupe_key],
                index_where=sa.text("outcome = 'accepted'"),
            )
        result = await self.db.execute(stmt.returning(inbound_postback.c.id))
        return result.first() is not None

    async def set_result(self, row_dedupe: tuple[str, str], values: Mapping[str, Any]) -> None:
        partner_id, key = row_dedupe
        await self.db.execute(
            sa.update(inbound_postback)
            .where(
                inbound_postback.c.partner_id == partner_id,
                inbound_postback.c.dedupe_key == key,
                inbound_postback.c.outcome == "accepted",
            )
            .values(**values)
        )

    async def list(
        self, *, partner_id: str | None, outcome: str | None, limit: int
    ) -> Sequence[RowMapping]:
        query = (
            sa.select(inbound_postback)
            .order_by(inbound_postback.c.received_at.desc(), inbound_postback.c.id.desc())
            .limit(limit)
        )
        if partner_id is not None:
            query = query.where(inbound_postback.c.partner_id == partner_id)
        if outcome is not None:
            query = query.where(inbound_postback.c.outcome == outcome)
        return (await self.db.execute(query)).mappings().all()
