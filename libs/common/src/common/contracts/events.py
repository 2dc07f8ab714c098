"""Messages produced by events (sports events, markets, odds, results)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from common.contracts import (
    Coefficient,
    ContractModel,
    Label,
    Outcome,
    ReasonText,
    Score,
    SettlementVersion,
    UtcDatetime,
)
from common.messaging.envelope import message

EventStatus = Literal["scheduled", "live", "finished", "cancelled", "postponed"]
MarketStatus = Literal["open", "suspended", "closed"]


class EventSnapshot(ContractModel):
    """The whole event as it is now; ``revision`` grows on every change (newer wins)."""

    event_id: uuid.UUID
    revision: int = Field(ge=1, strict=True)
    event_name: Label
    sport: Label
    league: Label
    home_team: Label
    away_team: Label
    starts_at: UtcDatetime
    status: EventStatus


@message(producer="events", type="EventCreated")
class EventCreated(EventSnapshot):
    pass


@message(producer="events", type="EventUpdated")
class EventUpdated(EventSnapshot):
    pass


@message(producer="events", type="MarketChanged")
class MarketChanged(ContractModel):
    """``live_betting``: the market takes bets once its event is live (absent in messages from
    before the flag existed: False)."""

    event_id: uuid.UUID
    market_id: uuid.UUID
    market_type: Label
    market: Label
    status: MarketStatus
    live_betting: bool = False


@message(producer="events", type="OddsChanged")
class OddsChanged(ContractModel):
    """A selection's coefficient changed; ``old_coefficient`` is None for a new selection."""

    event_id: uuid.UUID
    market_id: uuid.UUID
    odds_id: uuid.UUID
    market: Label
    selection: Label
    old_coefficient: Coefficient | None = None
    new_coefficient: Coefficient
    odds_version: int = Field(ge=1, strict=True)


@message(producer="events", type="EventStatusChanged")
class EventStatusChanged(ContractModel):
    event_id: uuid.UUID
    status: EventStatus
    home_score: Score | None = None
    away_score: Score | None = None


@message(producer="events", type="ScoreUpdated")
class ScoreUpdated(ContractModel):
    event_id: uuid.UUID
    home_score: Score
    away_score: Score
    minute: int | None = Field(default=None, ge=0, le=300, strict=True)
    period: str | None = Field(default=None, min_length=1, max_length=50)


class SelectionOutcome(ContractModel):
    odds_id: uuid.UUID
    market: Label
    selection: Label
    outcome: Outcome


@message(producer="events", type="EventSettled")
class EventSettled(ContractModel):
    event_id: uuid.UUID
    settlement_version: SettlementVersion
    home_score: Score
    away_score: Score
    outcomes: list[SelectionOutcome]


@message(producer="events", type="EventResettled")
class EventResettled(ContractModel):
    """A corrected result: ``outcomes`` is the full list as of this version, not a diff."""

    event_id: uuid.UUID
    settlement_version: int = Field(ge=2, strict=True)
    home_score: Score
    away_score: Score
    outcomes: list[SelectionOutcome]
    reason: ReasonText | None = None


@message(producer="events", type="EventCancelled")
class EventCancelled(ContractModel):
    event_id: uuid.UUID
    reason: ReasonText
