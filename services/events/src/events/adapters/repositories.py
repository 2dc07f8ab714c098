"""Repositories over the `events` tables: one query each, inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from events.adapters import tables as t
from events.domain.model import Event, Market, Selection


def sport_matches(ref: str) -> ColumnElement[bool]:
    """A sport by id (``1``), slug (``football``) or name (``Football``)."""
    return _matches(t.sport, ref)


def league_matches(ref: str) -> ColumnElement[bool]:
    """A league by id (``1``), slug (``premier-league``) or name (``Premier League``)."""
    return _matches(t.league, ref)


def _matches(table: Table, ref: str) -> ColumnElement[bool]:
    """A catalogue row by id, slug or name (case-insensitive): the API takes any of the three."""
    ref = ref.strip()
    by_name = or_(table.c.slug == ref.lower(), func.lower(table.c.name) == ref.lower())
    if ref.isascii() and ref.isdigit() and len(ref) < 10:
        return or_(table.c.id == int(ref), by_name)
    return by_name


class CatalogueRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def sport(self, ref: str) -> Row[Any] | None:
        return (await self.db.execute(select(t.sport).where(sport_matches(ref)).limit(1))).first()

    async def league(self, sport_id: int, ref: str) -> Row[Any] | None:
        query = (
            select(t.league)
            .where(t.league.c.sport_id == sport_id, league_matches(ref))
            .order_by(t.league.c.id)
            .limit(1)
        )
        return (await self.db.execute(query)).first()

    async def league_by_id(self, league_id: int) -> Row[Any] | None:
        return (await self.db.execute(select(t.league).where(t.league.c.id == league_id))).first()

    async def ensure_sport(self, *, slug: str, name: str, icon: str, sort_order: int) -> int:
        statement = (
            pg_insert(t.sport)
            .values(slug=slug, name=name, icon=icon, sort_order=sort_order)
            .on_conflict_do_update(
                index_elements=[t.sport.c.slug], set_={"icon": icon, "sort_order": sort_order}
            )
            .returning(t.sport.c.id)
        )
        return int((await self.db.execute(statement)).scalar_one())

    async def ensure_league(
        self, *, sport_id: int, name: str, slug: str, country: str | None
    ) -> int:
        statement = (
            pg_insert(t.league)
            .values(sport_id=sport_id, name=name, slug=slug, country=country)
            .on_conflict_do_update(constraint="uq_league_sport_id_name", set_={"country": country})
            .returning(t.league.c.id)
        )
        return int((await self.db.execute(statement)).scalar_one())


# The ``Event`` aggregate's columns (with its sport's and league's names).
EVENT_COLUMNS = (
    t.event.c.id,
    t.event.c.sport_id,
    t.sport.c.name.label("sport_name"),
    t.event.c.league_id,
    t.league.c.name.label("league_name"),
    t.event.c.home_team,
    t.event.c.away_team,
    t.event.c.starts_at,
    t.event.c.status,
    t.event.c.revision,
    t.event.c.settlement_version,
    t.event.c.external_event_id,
    t.event.c.status_reason,
    t.event.c.home_score,
    t.event.c.away_score,
)


def _event(row: Any) -> Event:
    return Event(**row._asdict())


def _market(row: Row[Any]) -> Market:
    return Market(
        id=row.id,
        event_id=row.event_id,
        market_type=row.market_type,
        line=row.line,
        status=row.status,
        live_betting=row.live_betting,
    )


def _selection(row: Row[Any]) -> Selection:
    return Selection(
        id=row.id,
        event_id=row.event_id,
        market_id=row.market_id,
        selection=row.selection,
        coefficient=row.coefficient,
        version=row.version,
        status=row.status,
        outcome=row.outcome,
    )


class EventRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    # events ---------------------------------------------------------------------------------
    async def add(self, values: Mapping[str, Any]) -> None:
        await self.db.execute(insert(t.event).values(**values))

    async def get(self, event_id: uuid.UUID, *, lock: bool = True) -> Event | None:
        """The event, row-locked (``FOR UPDATE OF event``): every change to it is serialised."""
        query = (
            select(*EVENT_COLUMNS)
            .select_from(t.event.join(t.sport).join(t.league))
            .where(t.event.c.id == event_id)
        )
        if lock:
            query = query.with_for_update(of=t.event)
        row = (await self.db.execute(query)).first()
        return _event(row) if row is not None else None

    async def id_by_external(self, external_event_id: str) -> uuid.UUID | None:
        query = select(t.event.c.id).where(t.event.c.external_event_id == external_event_id)
        return cast(uuid.UUID | None, (await self.db.execute(query)).scalar_one_or_none())

    async def external_ids(self, prefix: str) -> set[str]:
        """Every ``external_event_id`` starting with ``prefix`` (a literal prefix)."""
        query = select(t.event.c.external_event_id).where(
            func.starts_with(t.event.c.external_event_id, prefix)
        )
        return {str(v) for v in (await self.db.execute(query)).scalars()}

    async def external_id_taken(self, external_event_id: str, *, other_than: uuid.UUID) -> bool:
        query = select(literal(1)).where(
            t.event.c.external_event_id == external_event_id, t.event.c.id != other_than
        )
        return (await self.db.execute(query)).first() is not None

    async def change(self, event_id: uuid.UUID, *, bump_revision: bool, **values: Any) -> int:
        """Update the event's row; returns its revision (grown by one if ``bump_revision``)."""
        if bump_revision:
            values["revision"] = t.event.c.revision + 1
        statement = (
            update(t.event)
            .where(t.event.c.id == event_id)
            .values(updated_at=func.now(), **values)
            .returning(t.event.c.revision)
        )
        return int((await self.db.execute(statement)).scalar_one())

    async def delete(self, event_id: uuid.UUID) -> None:
        await self.db.execute(delete(t.event).where(t.event.c.id == event_id))

    async def bet_count(self, event_id: uuid.UUID) -> int:
        query = select(t.event_bet_count.c.bet_count).where(
            t.event_bet_count.c.event_id == event_id
        )
        return int((await self.db.execute(query)).scalar_one_or_none() or 0)

    async def count_bets(self, bets_per_event: Mapping[uuid.UUID, int]) -> None:
        """Add each event's number of new bets to its count, in one statement."""
        rows = [{"event_id": e, "bet_count": n} for e, n in sorted(bets_per_event.items())]
        if not rows:
            return
        statement = pg_insert(t.event_bet_count).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=[t.event_bet_count.c.event_id],
            set_={
                "bet_count": t.event_bet_count.c.bet_count + statement.excluded.bet_count,
                "updated_at": func.now(),
            },
        )
        await self.db.execute(statement)

    # markets and selections -----------------------------------------------------------------
    async def markets(self, event_id: uuid.UUID) -> list[Market]:
        query = (
            select(t.market)
            .where(t.market.c.event_id == event_id)
            .order_by(t.market.c.sort_order, t.market.c.created_at, t.market.c.id)
        )
        return [_market(r) for r in await self.db.execute(query)]

    async def market(self, event_id: uuid.UUID, market_id: uuid.UUID) -> Market | None:
        query = select(t.market).where(t.market.c.id == market_id, t.market.c.event_id == event_id)
        row = (await self.db.execute(query)).first()
        return _market(row) if row is not None else None

    async def find_market(
        self, event_id: uuid.UUID, market_type: str, line: Decimal | None
    ) -> Market | None:
        line_matches = t.market.c.line.is_(None) if line is None else t.market.c.line == line
        query = select(t.market).where(
            t.market.c.event_id == event_id, t.market.c.market_type == market_type, line_matches
        )
        row = (await self.db.execute(query)).first()
        return _market(row) if row is not None else None

    async def next_market_order(self, event_id: uuid.UUID) -> int:
        query = select(func.coalesce(func.max(t.market.c.sort_order) + 1, 0)).where(
            t.market.c.event_id == event_id
        )
        return int((await self.db.execute(query)).scalar_one())

    async def add_market(self, values: Mapping[str, Any]) -> None:
        await self.db.execute(insert(t.market).values(**values))

    async def set_market_status(self, market_ids: Sequence[uuid.UUID], status: str) -> None:
        if market_ids:
            await self.db.execute(
                update(t.market)
                .where(t.market.c.id.in_(market_ids))
                .values(status=status, updated_at=func.now())
            )

    async def set_market_live_betting(self, market_id: uuid.UUID, live_betting: bool) -> None:
        await self.db.execute(
            update(t.market)
            .where(t.market.c.id == market_id)
            .values(live_betting=live_betting, updated_at=func.now())
        )

    async def add_selections(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            await self.db.execute(insert(t.odds), [dict(r) for r in rows])

    async def selections(self, event_id: uuid.UUID) -> list[Selection]:
        query = (
            select(t.odds)
            .where(t.odds.c.event_id == event_id)
            .order_by(t.odds.c.market_id, t.odds.c.sort_order)
        )
        return [_selection(r) for r in await self.db.execute(query)]

    async def selection(self, event_id: uuid.UUID, odds_id: uuid.UUID) -> Selection | None:
        query = select(t.odds).where(t.odds.c.id == odds_id, t.odds.c.event_id == event_id)
        row = (await self.db.execute(query)).first()
        return _selection(row) if row is not None else None

    async def find_selection(self, market_id: uuid.UUID, selection: str) -> Selection | None:
        query = select(t.odds).where(
            t.odds.c.market_id == market_id, t.odds.c.selection == selection
        )
        row = (await self.db.execute(query)).first()
        return _selection(row) if row is not None else None

    async def change_selection(self, odds_id: uuid.UUID, **values: Any) -> None:
        await self.db.execute(
            update(t.odds).where(t.odds.c.id == odds_id).values(updated_at=func.now(), **values)
        )

    async def set_outcomes(self, outcomes: Mapping[uuid.UUID, str]) -> None:
        """Every selection's outcome (one executemany)."""
        if outcomes:
            await self.db.execute(
                update(t.odds)
                .where(t.odds.c.id == bindparam("b_id"))
                .values(outcome=bindparam("b_outcome"), updated_at=func.now()),
                [{"b_id": k, "b_outcome": v} for k, v in outcomes.items()],
            )

    async def add_history(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            await self.db.execute(insert(t.odds_history), [dict(r) for r in rows])

    async def add_settlement(self, values: Mapping[str, Any]) -> None:
        await self.db.execute(insert(t.settlement).values(**values))

    # results feed ---------------------------------------------------------------------------
    async def claim_feed_message(self, values: Mapping[str, Any]) -> bool:
        """Record a feed message id; ``False`` when it was applied before."""
        statement = (
            pg_insert(t.feed_message)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[t.feed_message.c.feed_message_id])
            .returning(t.feed_message.c.feed_message_id)
        )
        return (await self.db.execute(statement)).first() is not None
