"""The read model of events, markets and selections, fed by the events service's messages.

Every upsert is idempotent and tolerates any arrival order:

- ``EventCreated`` / ``EventUpdated`` carry the whole event and a ``revision``: a snapshot is
  written only over an older one (a repeated or late snapshot changes nothing).
- ``OddsChanged`` carries ``odds_version``: a selection is written only over an older version.
- ``MarketChanged`` and ``EventStatusChanged`` carry no version: the latest one applied wins
  (events follows each status change with an ``EventUpdated`` of a newer revision, which then
  settles the row). A row is created on first sight whatever message comes first.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from bets.adapters.tables import event, market, selection
from common.contracts.events import (
    EventCreated,
    EventStatusChanged,
    EventUpdated,
    MarketChanged,
    OddsChanged,
)
from common.messaging.consumer import MessageContext


async def on_event_snapshot(payload: EventCreated | EventUpdated, ctx: MessageContext) -> None:
    values = {
        "revision": payload.revision,
        "event_name": payload.event_name,
        "sport": payload.sport,
        "league": payload.league,
        "home_team": payload.home_team,
        "away_team": payload.away_team,
        "starts_at": payload.starts_at,
        "status": payload.status,
    }
    stmt = insert(event).values(id=payload.event_id, **values)
    await ctx.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[event.c.id],
            set_={**values, "updated_at": func.now()},
            where=event.c.revision < stmt.excluded.revision,
        )
    )


async def on_event_status_changed(payload: EventStatusChanged, ctx: MessageContext) -> None:
    stmt = insert(event).values(id=payload.event_id, status=payload.status)
    await ctx.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[event.c.id],
            set_={"status": payload.status, "updated_at": func.now()},
        )
    )


async def on_market_changed(payload: MarketChanged, ctx: MessageContext) -> None:
    values = {
        "event_id": payload.event_id,
        "market": payload.market,
        "market_type": payload.market_type,
        "status": payload.status,
        "live_betting": payload.live_betting,
    }
    stmt = insert(market).values(id=payload.market_id, **values)
    await ctx.session.execute(stmt.on_conflict_do_update(index_elements=[market.c.id], set_=values))


async def on_odds_changed(payload: OddsChanged, ctx: MessageContext) -> None:
    # The market exists from its first selection on (open until a MarketChanged says otherwise).
    await ctx.session.execute(
        insert(market)
        .values(id=payload.market_id, event_id=payload.event_id, market=payload.market)
        .on_conflict_do_nothing(index_elements=[market.c.id])
    )
    values = {
        "event_id": payload.event_id,
        "market_id": payload.market_id,
        "market": payload.market,
        "selection": payload.selection,
        "coefficient": payload.new_coefficient,
        "odds_version": payload.odds_version,
    }
    stmt = insert(selection).values(odds_id=payload.odds_id, **values)
    await ctx.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[selection.c.odds_id],
            set_=values,
            where=selection.c.odds_version < stmt.excluded.odds_version,
        )
    )
