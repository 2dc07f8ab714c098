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

from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.events import (
    EventCreated,
    EventStatusChanged,
    EventUpdated,
    MarketChanged,
    OddsChanged,
)
from common.messaging.consumer import MessageContext


async def on_event_snapshot(payload: EventCreated | EventUpdated, ctx: MessageContext) -> None:
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.read_model.save_event_snapshot(
        payload.event_id,
        payload.revision,
        {
            "event_name": payload.event_name,
            "sport": payload.sport,
            "league": payload.league,
            "home_team": payload.home_team,
            "away_team": payload.away_team,
            "starts_at": payload.starts_at,
            "status": payload.status,
        },
    )


async def on_event_status_changed(payload: EventStatusChanged, ctx: MessageContext) -> None:
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.read_model.set_event_status(payload.event_id, payload.status)


async def on_market_changed(payload: MarketChanged, ctx: MessageContext) -> None:
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.read_model.save_market(
        payload.market_id,
        {
            "event_id": payload.event_id,
            "market": payload.market,
            "market_type": payload.market_type,
            "status": payload.status,
            "live_betting": payload.live_betting,
        },
    )


async def on_odds_changed(payload: OddsChanged, ctx: MessageContext) -> None:
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.read_model.save_selection(
        payload.odds_id,
        payload.odds_version,
        {
            "event_id": payload.event_id,
            "market_id": payload.market_id,
            "market": payload.market,
            "selection": payload.selection,
            "coefficient": payload.new_coefficient,
        },
    )
