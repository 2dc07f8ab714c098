"""Repositories of the notifications schema, bound to one unit of work's session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import delivery, preference, recipient
from notifications.domain.kinds import KINDS, Channel, DeliveryStatus, Kind


@dataclass(frozen=True)
class Recipient:
    user_id: uuid.UUID
    email: str | None
    name: str | None
    language: str
    telegram_chat_id: str | None


@dataclass(frozen=True)
class KindChoice:
    kind: Kind
    email: bool = True
    telegram: bool = True


class RecipientRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, user_id: uuid.UUID) -> Recipient | None:
        row = (
            await self.db.execute(select(recipient).where(recipient.c.user_id == user_id))
        ).first()
        if row is None:
            return None
        return Recipient(row.user_id, row.email, row.name, row.language, row.telegram_chat_id)

    async def registered(self, user_id: uuid.UUID, *, email: str, name: str) -> None:
        statement = insert(recipient).values(user_id=user_id, email=email, name=name)
        await self.db.execute(
            statement.on_conflict_do_update(
                index_elements=[recipient.c.user_id],
                set_={"email": email, "name": name, "updated_at": func.now()},
            )
        )

    async def language_changed(self, user_id: uuid.UUID, language: str, at: datetime) -> None:
        """Apply a language chosen at ``at``, unless a later choice is already applied."""
        statement = insert(recipient).values(
            user_id=user_id, language=language, language_changed_at=at
        )
        await self.db.execute(
            statement.on_conflict_do_update(
                index_elements=[recipient.c.user_id],
                set_={"language": language, "language_changed_at": at, "updated_at": func.now()},
                where=or_(
                    recipient.c.language_changed_at.is_(None),
                    recipient.c.language_changed_at < at,
                ),
            )
        )

    async def set_telegram(self, user_id: uuid.UUID, chat_id: str | None) -> None:
        statement = insert(recipient).values(user_id=user_id, telegram_chat_id=chat_id)
        await self.db.execute(
            statement.on_conflict_do_update(
                index_elements=[recipient.c.user_id],
                set_={"telegram_chat_id": chat_id, "updated_at": func.now()},
            )
        )


class PreferenceRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def for_user(self, user_id: uuid.UUID) -> dict[Kind, KindChoice]:
        """Every kind's choice, the default (on, on) where the user chose nothing."""
        rows = await self.db.execute(select(preference).where(preference.c.user_id == user_id))
        chosen = {
            Kind(row.kind): KindChoice(Kind(row.kind), row.email, row.telegram)
            for row in rows
            if row.kind in Kind.__members__
        }
        return {kind: chosen.get(kind, KindChoice(kind)) for kind in KINDS}

    async def save(self, user_id: uuid.UUID, choices: Sequence[KindChoice]) -> None:
        if not choices:
            return
        statement = insert(preference).values(
            [
                {"user_id": user_id, "kind": c.kind.value, "email": c.email, "telegram": c.telegram}
                for c in choices
            ]
        )
        await self.db.execute(
            statement.on_conflict_do_update(
                index_elements=[preference.c.user_id, preference.c.kind],
                set_={
                    "email": statement.excluded.email,
                    "telegram": statement.excluded.telegram,
                    "updated_at": func.now(),
                },
            )
        )


@dataclass(frozen=True)
class NewDelivery:
    event_id: uuid.UUID
    channel: Channel
    user_id: uuid.UUID
    kind: Kind
    template: str
    language: str
    address: str
    subject: str
    body: str


@dataclass(frozen=True)
class Claimed:
    """A delivery the sender claimed: its content and the attempt now being made."""

    id: uuid.UUID
    channel: Channel
    address: str
    subject: str
    body: str
    attempts: int
    due_since: datetime


LISTED = (
    delivery.c.id,
    delivery.c.user_id,
    delivery.c.kind,
    delivery.c.channel,
    delivery.c.template,
    delivery.c.language,
    delivery.c.subject,
    delivery.c.status,
    delivery.c.attempts,
    delivery.c.last_error,
    delivery.c.created_at,
    delivery.c.next_attempt_at,
    delivery.c.sent_at,
)


class DeliveryRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, rows: Sequence[NewDelivery]) -> int:
        """Write the deliveries; one already there for (event, channel) is left as it is."""
        if not rows:
            return 0
        statement = (
            insert(delivery)
            .values(
                [
                    {
                        "id": uuid.uuid4(),
                        "event_id": r.event_id,
                        "channel": r.channel.value,
                        "user_id": r.user_id,
                        "kind": r.kind.value,
                        "template": r.template,
                        "language": r.language,
                        "address": r.address,
                        "subject": r.subject,
                        "body": r.body,
                    }
                    for r in rows
                ]
            )
            .on_conflict_do_nothing(index_elements=[delivery.c.event_id, delivery.c.channel])
            .returning(delivery.c.id)
        )
        return len((await self.db.execute(statement)).all())

    # the sender ------------------------------------------------------------------------------

    async def claim_due(self, *, limit: int, now: datetime, lease_s: float) -> list[Claimed]:
        """Up to ``limit`` due pending deliveries, each counted as one more attempt and hidden
        for ``lease_s`` (due again then, should this sender die before marking it)."""
        due = (
            select(delivery.c.id)
            .where(delivery.c.status == DeliveryStatus.pending, delivery.c.next_attempt_at <= now)
            .order_by(delivery.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            update(delivery)
            .where(delivery.c.id.in_(due))
            .values(
                attempts=delivery.c.attempts + 1,
                next_attempt_at=now + timedelta(seconds=lease_s),
                updated_at=func.now(),
            )
            .returning(
                delivery.c.id,
                delivery.c.channel,
                delivery.c.address,
                delivery.c.subject,
                delivery.c.body,
                delivery.c.attempts,
                delivery.c.due_since,
            )
        )
        rows = (await self.db.execute(statement)).all()
        return [
            Claimed(r.id, Channel(r.channel), r.address, r.subject, r.body, r.attempts, r.due_since)
            for r in rows
        ]

    async def _settle(self, claimed: Claimed, **values: Any) -> None:
        # Only the attempt that claimed it may settle it (an expired claim re-taken is not ours).
        await self.db.execute(
            update(delivery)
            .where(
                delivery.c.id == claimed.id,
                delivery.c.status == DeliveryStatus.pending,
                delivery.c.attempts == claimed.attempts,
            )
            .values(updated_at=func.now(), **values)
        )

    async def mark_sent(self, claimed: Claimed, now: datetime) -> None:
        await self._settle(claimed, status=DeliveryStatus.sent, sent_at=now, last_error=None)

    async def mark_retry(self, claimed: Claimed, at: datetime, error: str) -> None:
        await self._settle(claimed, next_attempt_at=at, last_error=error)

    async def mark_failed(self, claimed: Claimed, error: str) -> None:
        await self._settle(claimed, status=DeliveryStatus.failed, last_error=error)

    async def oldest_pending_created_at(self) -> datetime | None:
        statement = select(func.min(delivery.c.created_at)).where(
            delivery.c.status == DeliveryStatus.pending
        )
        value: datetime | None = await self.db.scalar(statement)
        return value

    # reads -----------------------------------------------------------------------------------

    async def history(
        self, user_id: uuid.UUID, *, limit: int, before: uuid.UUID | None
    ) -> list[RowMapping]:
        """The user's deliveries, newest first; ``before``: those older than that one of theirs."""
        statement = select(*LISTED).where(delivery.c.user_id == user_id)
        if before is not None:
            cursor = (
                await self.db.execute(
                    select(delivery.c.created_at, delivery.c.id).where(
                        delivery.c.id == before, delivery.c.user_id == user_id
                    )
                )
            ).first()
            if cursor is None:  # not one of theirs (or gone): nothing before it
                return []
            statement = statement.where(
                tuple_(delivery.c.created_at, delivery.c.id) < tuple_(cursor[0], cursor[1])
            )
        statement = statement.order_by(delivery.c.created_at.desc(), delivery.c.id.desc())
        return list((await self.db.execute(statement.limit(limit))).mappings())

    async def listing(
        self, *, status: DeliveryStatus | None, channel: Channel | None, limit: int
    ) -> list[RowMapping]:
        statement = select(*LISTED)
        if status is not None:
            statement = statement.where(delivery.c.status == status)
        if channel is not None:
            statement = statement.where(delivery.c.channel == channel)
        statement = statement.order_by(delivery.c.created_at.desc(), delivery.c.id.desc())
        return list((await self.db.execute(statement.limit(limit))).mappings())

    async def listing_one(self, delivery_id: uuid.UUID) -> RowMapping:
        statement = select(*LISTED).where(delivery.c.id == delivery_id)
        return (await self.db.execute(statement)).mappings().one()

    async def counts_since(self, since: datetime) -> list[tuple[str, str, int]]:
        statement = (
            select(delivery.c.status, delivery.c.channel, func.count())
            .where(delivery.c.created_at >= since)
            .group_by(delivery.c.status, delivery.c.channel)
            .order_by(delivery.c.status, delivery.c.channel)
        )
        return [(r[0], r[1], int(r[2])) for r in await self.db.execute(statement)]

    async def retry_failed(self, delivery_id: uuid.UUID, now: datetime) -> str | None:
        """A failed delivery back to pending with fresh attempts; its previous status, or None
        when there is no such delivery (nothing changed unless it was failed)."""
        status: str | None = await self.db.scalar(
            select(delivery.c.status).where(delivery.c.id == delivery_id).with_for_update()
        )
        if status == DeliveryStatus.failed:
            await self.db.execute(
                update(delivery)
                .where(delivery.c.id == delivery_id)
                .values(
                    status=DeliveryStatus.pending,
                    attempts=0,
                    next_attempt_at=now,
                    due_since=now,
                    updated_at=func.now(),
                )
            )
        return status
