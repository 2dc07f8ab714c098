"""Read side: the listing, one event, odds history, sports and leagues.

Each query runs on the unit of work the route opened (plain SQL on ``uow.db``, a catalogue
lookup through ``uow.catalogue``): cosmicpython's views, one object for every handler.

A page of events costs two queries whatever its size: the events (with the total in the same
query, as a window count) and then every market/selection of those events.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, PlainSerializer
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from events.adapters import tables as t
from events.adapters.repositories import EVENT_COLUMNS, league_matches, sport_matches
from events.domain.catalogue import event_name
from events.domain.errors import EventNotFound, LeagueNotFound, SportNotFound
from events.domain.lifecycle import EventStatus
from events.domain.markets import market_label
from events.service_layer.unit_of_work import UnitOfWork

# Odds and lines are decimals inside; JSON numbers outside, as in the seed (1.85, not "1.850").
JsonDecimal = Annotated[Decimal, PlainSerializer(float, return_type=float)]
MAX_SEARCH_WORDS = 5
_WORD = re.compile(r"\w+", re.UNICODE)


class OddsView(BaseModel):
    odds_id: uuid.UUID
    market_id: uuid.UUID
    market_type: str
    market: str
    line: JsonDecimal | None
    bet_type: str
    coefficient: JsonDecimal
    version: int
    status: Literal["open", "suspended"]
    market_status: Literal["open", "suspended", "closed"]
    market_live_betting: bool
    outcome: Literal["won", "lost", "void"] | None


class MarketView(BaseModel):
    market_id: uuid.UUID
    market_type: str
    market: str
    line: JsonDecimal | None
    status: Literal["open", "suspended", "closed"]
    # Takes bets while the event is live.
    live_betting: bool
    odds: list[OddsView]


class EventView(BaseModel):
    event_id: uuid.UUID
    event_name: str
    sport: str
    sport_name: str
    sport_id: int
    league: str
    league_id: int
    home_team: str
    away_team: str
    event_datetime: datetime
    status: EventStatus
    status_reason: str | None
    home_score: int | None
    away_score: int | None
    minute: int | None
    period: str | None
    settlement_version: int
    revision: int
    external_event_id: str | None
    odds: list[OddsView]


class EventDetailView(EventView):
    markets: list[MarketView]


class EventPage(BaseModel):
    events: list[EventView]
    total: int
    page: int
    limit: int
    pages: int


class SportView(BaseModel):
    sport_id: int
    slug: str
    name: str
    icon: str
    event_count: int
    live_count: int
    upcoming_count: int
    label: str


class LeagueView(BaseModel):
    league_id: int
    name: str
    slug: str
    country: str | None
    sport: str
    sport_name: str
    event_count: int


class OddsHistoryEntry(BaseModel):
    odds_id: uuid.UUID
    market: str
    bet_type: str
    old_coefficient: JsonDecimal | None
    new_coefficient: JsonDecimal
    version: int
    source: Literal["admin", "feed", "system"]
    changed_by: str | None
    note: str | None
    changed_at: datetime


@dataclass(frozen=True)
class EventFilter:
    sport: str | None = None
    league: str | None = None
    statuses: Sequence[EventStatus] = ()
    starts_from: datetime | None = None  # inclusive
    starts_before: datetime | None = None  # exclusive
    search: str | None = None
    sport_id: int | None = None
    league_id: int | None = None


# The aggregate's columns, and what only a page shows: the sport's slug and the live clock.
_EVENT_COLUMNS = (
    *EVENT_COLUMNS,
    t.sport.c.slug.label("sport_slug"),
    t.event.c.minute,
    t.event.c.period,
)
_FROM = t.event.join(t.sport, t.sport.c.id == t.event.c.sport_id).join(
    t.league, t.league.c.id == t.event.c.league_id
)


def search_query(text: str) -> str | None:
    """Words of the search as a prefix ``tsquery``: ``real mad`` → ``real:* & mad:*``."""
    words = [w.lower() for w in _WORD.findall(text)][:MAX_SEARCH_WORDS]
    return " & ".join(f"{w[:50]}:*" for w in words) or None


def _conditions(f: EventFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.sport is not None:
        conditions.append(sport_matches(f.sport))
    if f.sport_id is not None:
        conditions.append(t.event.c.sport_id == f.sport_id)
    if f.league is not None:
        conditions.append(league_matches(f.league))
    if f.league_id is not None:
        conditions.append(t.event.c.league_id == f.league_id)
    if f.statuses:
        conditions.append(t.event.c.status.in_(list(f.statuses)))
    if f.starts_from is not None:
        conditions.append(t.event.c.starts_at >= f.starts_from)
    if f.starts_before is not None:
        conditions.append(t.event.c.starts_at < f.starts_before)
    if f.search:
        query = search_query(f.search)
        if query is not None:
            conditions.append(t.event.c.search.bool_op("@@")(func.to_tsquery("simple", query)))
    return conditions


async def list_events(uow: UnitOfWork, f: EventFilter, *, page: int, limit: int) -> EventPage:
    conditions = _conditions(f)
    query: Select[Any] = (
        select(*_EVENT_COLUMNS, func.count().over().label("total"))
        .select_from(_FROM)
        .where(and_(True, *conditions))
        .order_by(t.event.c.starts_at, t.event.c.id)
        .limit(limit)
        .offset((page - 1) * limit)
    )
    rows = list(await uow.db.execute(query))
    if rows:
        total = int(rows[0].total)
    elif page > 1:  # past the last page: the window count has no row to ride on
        count = select(func.count()).select_from(_FROM).where(and_(True, *conditions))
        total = int((await uow.db.execute(count)).scalar_one())
    else:
        total = 0
    odds = await _odds_of(uow, [r.id for r in rows])
    return EventPage(
        events=[_event_view(r, odds.get(r.id, [])) for r in rows],
        total=total,
        page=page,
        limit=limit,
        pages=math.ceil(total / limit) if total else 0,
    )


async def event_detail(uow: UnitOfWork, event_id: uuid.UUID) -> EventDetailView:
    query = select(*_EVENT_COLUMNS).select_from(_FROM).where(t.event.c.id == event_id)
    row = (await uow.db.execute(query)).first()
    if row is None:
        raise EventNotFound()
    odds = (await _odds_of(uow, [event_id])).get(event_id, [])
    markets: dict[uuid.UUID, MarketView] = {}
    for o in odds:
        market = markets.get(o.market_id)
        if market is None:
            market = markets[o.market_id] = MarketView(
                market_id=o.market_id,
                market_type=o.market_type,
                market=o.market,
                line=o.line,
                status=o.market_status,
                live_betting=o.market_live_betting,
                odds=[],
            )
        market.odds.append(o)
    view = _event_view(row, odds)
    return EventDetailView(**dict(view), markets=list(markets.values()))


async def _odds_of(uow: UnitOfWork, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[OddsView]]:
    if not event_ids:
        return {}
    query = (
        select(
            t.odds.c.event_id,
            t.odds.c.id,
            t.odds.c.market_id,
            t.odds.c.selection,
            t.odds.c.coefficient,
            t.odds.c.version,
            t.odds.c.status,
            t.odds.c.outcome,
            t.market.c.market_type,
            t.market.c.line,
            t.market.c.status.label("market_status"),
            t.market.c.live_betting.label("market_live_betting"),
        )
        .select_from(t.odds.join(t.market, t.market.c.id == t.odds.c.market_id))
        .where(t.odds.c.event_id.in_(event_ids))
        .order_by(
            t.odds.c.event_id,
            t.market.c.sort_order,
            t.market.c.created_at,
            t.market.c.id,
            t.odds.c.sort_order,
        )
    )
    result: dict[uuid.UUID, list[OddsView]] = {}
    for r in await uow.db.execute(query):
        result.setdefault(r.event_id, []).append(
            OddsView(
                odds_id=r.id,
                market_id=r.market_id,
                market_type=r.market_type,
                market=market_label(r.market_type, r.line),
                line=r.line,
                bet_type=r.selection,
                coefficient=r.coefficient,
                version=r.version,
                status=r.status,
                market_status=r.market_status,
                market_live_betting=r.market_live_betting,
                outcome=r.outcome,
            )
        )
    return result


def _event_view(row: Any, odds: list[OddsView]) -> EventView:
    return EventView(
        event_id=row.id,
        event_name=event_name(row.home_team, row.away_team),
        sport=row.sport_slug,
        sport_name=row.sport_name,
        sport_id=row.sport_id,
        league=row.league_name,
        league_id=row.league_id,
        home_team=row.home_team,
        away_team=row.away_team,
        event_datetime=row.starts_at,
        status=row.status,
        status_reason=row.status_reason,
        home_score=row.home_score,
        away_score=row.away_score,
        minute=row.minute,
        period=row.period,
        settlement_version=row.settlement_version,
        revision=row.revision,
        external_event_id=row.external_event_id,
        odds=odds,
    )


# catalogue ------------------------------------------------------------------------------------
async def sport_id(uow: UnitOfWork, ref: str) -> int:
    found = await uow.catalogue.sport(ref)
    if found is None:
        raise SportNotFound(details={"sport": ref[:100]})
    return int(found.id)


async def check_league(uow: UnitOfWork, league_id: int) -> None:
    if await uow.catalogue.league_by_id(league_id) is None:
        raise LeagueNotFound()


async def sports(uow: UnitOfWork) -> list[SportView]:
    """Every sport with its number of events (``⚽ 234 events``), live and upcoming counts."""
    query = (
        select(
            t.sport.c.id,
            t.sport.c.slug,
            t.sport.c.name,
            t.sport.c.icon,
            func.count(t.event.c.id).label("events"),
            func.count(case((t.event.c.status == "live", 1))).label("live"),
            func.count(case((t.event.c.status == "scheduled", 1))).label("upcoming"),
        )
        .select_from(t.sport.outerjoin(t.event, t.event.c.sport_id == t.sport.c.id))
        .group_by(t.sport.c.id)
        .order_by(t.sport.c.sort_order, t.sport.c.name)
    )
    return [
        SportView(
            sport_id=r.id,
            slug=r.slug,
            name=r.name,
            icon=r.icon,
            event_count=r.events,
            live_count=r.live,
            upcoming_count=r.upcoming,
            label=f"{r.icon} {r.events} {'event' if r.events == 1 else 'events'}".strip(),
        )
        for r in await uow.db.execute(query)
    ]


async def leagues(uow: UnitOfWork, *, sport: str | None = None) -> list[LeagueView]:
    query = (
        select(
            t.league.c.id,
            t.league.c.name,
            t.league.c.slug,
            t.league.c.country,
            t.sport.c.slug.label("sport_slug"),
            t.sport.c.name.label("sport_name"),
            func.count(t.event.c.id).label("events"),
        )
        .select_from(
            t.league.join(t.sport, t.sport.c.id == t.league.c.sport_id).outerjoin(
                t.event, t.event.c.league_id == t.league.c.id
            )
        )
        .group_by(t.league.c.id, t.sport.c.id)
        .order_by(t.sport.c.sort_order, t.sport.c.name, t.league.c.name)
    )
    if sport is not None:
        query = query.where(sport_matches(sport))
    return [
        LeagueView(
            league_id=r.id,
            name=r.name,
            slug=r.slug,
            country=r.country,
            sport=r.sport_slug,
            sport_name=r.sport_name,
            event_count=r.events,
        )
        for r in await uow.db.execute(query)
    ]


async def odds_history(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    *,
    odds_id: uuid.UUID | None = None,
    limit: int = 200,
    show_who: bool = False,
) -> list[OddsHistoryEntry]:
    """Newest first; ``changed_by`` (an admin's id) only for administrators."""
    exists = (await uow.db.execute(select(t.event.c.id).where(t.event.c.id == event_id))).first()
    if exists is None:
        raise EventNotFound()
    h = t.odds_history
    query = (
        select(
            h.c.odds_id,
            h.c.old_coefficient,
            h.c.new_coefficient,
            h.c.version,
            h.c.changed_by,
            h.c.note,
            h.c.changed_at,
            t.odds.c.selection,
            t.market.c.market_type,
            t.market.c.line,
        )
        .select_from(
            h.join(t.odds, t.odds.c.id == h.c.odds_id).join(
                t.market, t.market.c.id == t.odds.c.market_id
            )
        )
        .where(h.c.event_id == event_id)
        .order_by(h.c.changed_at.desc(), h.c.id.desc())
        .limit(limit)
    )
    if odds_id is not None:
        query = query.where(h.c.odds_id == odds_id)
    return [
        OddsHistoryEntry(
            odds_id=r.odds_id,
            market=market_label(r.market_type, r.line),
            bet_type=r.selection,
            old_coefficient=r.old_coefficient,
            new_coefficient=r.new_coefficient,
            version=r.version,
            source=_source(r.changed_by),
            changed_by=r.changed_by if show_who else None,
            note=r.note,
            changed_at=r.changed_at,
        )
        for r in await uow.db.execute(query)
    ]


def _source(changed_by: str) -> Literal["admin", "feed", "system"]:
    if changed_by.startswith("feed:"):
        return "feed"
    if changed_by.startswith("system:"):
        return "system"
    return "admin"
