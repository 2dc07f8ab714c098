"""The admin audit trail's table access: snapshots of what an action may change, the row it
writes (inside the caller's transaction) and the trail as the admin route reads it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from events.adapters import tables as t
from events.adapters.repositories import league_matches, sport_matches

State = dict[str, Any]

# The event's own fields an admin action (or a feed message) may change.
_EVENT_FIELDS = (
    "sport_id",
    "league_id",
    "home_team",
    "away_team",
    "starts_at",
    "status",
    "status_reason",
    "home_score",
    "away_score",
    "minute",
    "period",
    "settlement_version",
    "external_event_id",
)


def _json(value: Any) -> Any:
    """A column value as JSON keeps it: ids and prices as strings, times in ISO 8601."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class AuditFilter:
    event_id: uuid.UUID | None = None
    actor: str | None = None
    action: str | None = None
    at_from: datetime | None = None
    at_to: datetime | None = None


def _trail_conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    a = t.admin_audit
    where: list[ColumnElement[bool]] = []
    if f.event_id is not None:
        where.append(a.c.event_id == f.event_id)
    if f.actor is not None:
        where.append(a.c.actor == f.actor)
    if f.action is not None:
        where.append(a.c.action == f.action)
    if f.at_from is not None:
        where.append(a.c.at >= f.at_from)
    if f.at_to is not None:
        where.append(a.c.at < f.at_to)
    return where


class AdminAuditRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def event_state(self, event_id: uuid.UUID) -> State | None:
        """The event, its markets and its selections (``None``: no such event). Locks the
        event's row first, as every change to it does, so the snapshot is the one changed."""
        found = (
            await self.db.execute(
                select(t.event).where(t.event.c.id == event_id).with_for_update(of=t.event)
            )
        ).first()
        if found is None:
            return None
        markets = await self.db.execute(
            select(t.market).where(t.market.c.event_id == event_id).order_by(t.market.c.id)
        )
        selections = await self.db.execute(
            select(t.odds).where(t.odds.c.event_id == event_id).order_by(t.odds.c.id)
        )
        return {
            **{name: _json(found._mapping[name]) for name in _EVENT_FIELDS},
            "markets": {
                str(m.id): {
                    "market_type": m.market_type,
                    "line": _json(m.line),
                    "status": m.status,
                    "live_betting": m.live_betting,
                }
                for m in markets
            },
            "odds": {
                str(s.id): {
                    "market_id": str(s.market_id),
                    "selection": s.selection,
                    "coefficient": _json(s.coefficient),
                    "status": s.status,
                    "version": s.version,
                    "outcome": s.outcome,
                }
                for s in selections
            },
        }

    async def sport_state(self, ref: str) -> State | None:
        row = (await self.db.execute(select(t.sport).where(sport_matches(ref)))).first()
        return None if row is None else _catalogue(row, "sport_id", ("slug", "name", "icon"))

    async def league_state(self, sport_ref: str, league_ref: str) -> State | None:
        query = (
            select(t.league)
            .join(t.sport, t.sport.c.id == t.league.c.sport_id)
            .where(sport_matches(sport_ref), league_matches(league_ref))
        )
        row = (await self.db.execute(query)).first()
        fields = ("sport_id", "slug", "name", "country")
        return None if row is None else _catalogue(row, "league_id", fields)

    async def add(self, values: Mapping[str, Any]) -> None:
        await self.db.execute(insert(t.admin_audit).values(**values))

    async def trail(
        self, f: AuditFilter, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """The trail, newest first (``at_from`` inclusive, ``at_to`` exclusive), and the total."""
        a, where = t.admin_audit, _trail_conditions(f)
        count = select(func.count()).select_from(a).where(*where)
        total = int((await self.db.execute(count)).scalar_one())
        rows = await self.db.execute(
            select(a)
            .where(*where)
            .order_by(a.c.at.desc(), a.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows], total


def _catalogue(row: Row[Any], id_name: str, fields: tuple[str, ...]) -> State:
    state: State = {id_name: row.id}
    state.update({name: _json(row._mapping[name]) for name in fields})
    if "sort_order" in row._mapping:
        state["sort_order"] = row.sort_order
    return state
