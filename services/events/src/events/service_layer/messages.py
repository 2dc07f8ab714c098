"""Messages events emits (contracts: ``common.contracts.events``), built from the aggregate."""

from __future__ import annotations

from typing import TypeVar

from common.contracts.events import (
    EventCreated,
    EventSnapshot,
    EventStatusChanged,
    EventUpdated,
    MarketChanged,
    OddsChanged,
)
from events.domain.model import Event, Market, Selection

S = TypeVar("S", bound=EventSnapshot)


def created(event: Event) -> EventCreated:
    return _snapshot(EventCreated, event)


def updated(event: Event) -> EventUpdated:
    return _snapshot(EventUpdated, event)


def _snapshot(model: type[S], event: Event) -> S:
    return model(
        event_id=event.id,
        revision=event.revision,
        event_name=event.name,
        sport=event.sport_name,
        league=event.league_name,
        home_team=event.home_team,
        away_team=event.away_team,
        starts_at=event.starts_at,
        status=event.status,
    )


def status_changed(event: Event) -> EventStatusChanged:
    return EventStatusChanged(
        event_id=event.id,
        status=event.status,
        home_score=event.home_score,
        away_score=event.away_score,
    )


def market_changed(market: Market) -> MarketChanged:
    return MarketChanged(
        event_id=market.event_id,
        market_id=market.id,
        market_type=market.market_type,
        market=market.label,
        status=market.status,
        live_betting=market.live_betting,
    )


def odds_changed(market: Market, selection: Selection, old: Selection | None) -> OddsChanged:
    return OddsChanged(
        event_id=selection.event_id,
        market_id=market.id,
        odds_id=selection.id,
        market=market.label,
        selection=selection.selection,
        old_coefficient=old.coefficient if old is not None else None,
        new_coefficient=selection.coefficient,
        odds_version=selection.version,
    )
