"""The event aggregate as the handlers see it: the event, its markets and their selections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from events.domain.catalogue import event_name
from events.domain.lifecycle import EventStatus
from events.domain.markets import MarketStatus, MarketType, SelectionStatus, market_label
from events.domain.settlement import Outcome


@dataclass
class Event:
    id: uuid.UUID
    sport_id: int
    sport_name: str
    league_id: int
    league_name: str
    home_team: str
    away_team: str
    starts_at: datetime
    status: EventStatus
    revision: int
    settlement_version: int
    external_event_id: str | None = None
    status_reason: str | None = None
    home_score: int | None = None
    away_score: int | None = None

    @property
    def name(self) -> str:
        return event_name(self.home_team, self.away_team)


@dataclass
class Market:
    id: uuid.UUID
    event_id: uuid.UUID
    market_type: MarketType
    line: Decimal | None
    status: MarketStatus
    live_betting: bool = False

    @property
    def label(self) -> str:
        return market_label(self.market_type, self.line)


@dataclass
class Selection:
    id: uuid.UUID
    event_id: uuid.UUID
    market_id: uuid.UUID
    selection: str
    coefficient: Decimal
    version: int
    status: SelectionStatus
    outcome: Outcome | None = None
