"""Request bodies and answer envelopes of the events HTTP API."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)
from pydantic_core import PydanticCustomError

from common.api import RequestModel
from events.domain.errors import CoefficientInvalid
from events.domain.odds import parse_coefficient
from events.service_layer.feed import FeedId, Minute, Period, Reason, ScoreIn
from events.service_layer.views import (
    EventDetailView,
    JsonDecimal,
    LeagueView,
    OddsHistoryEntry,
    OddsView,
    SportView,
)


def _coefficient(value: Any) -> Decimal:
    try:
        return parse_coefficient(value)
    except CoefficientInvalid as exc:
        raise PydanticCustomError(
            "invalid_coefficient",
            "Invalid coefficient ({reason}): {message}",
            {"reason": exc.reason, "message": exc.message},
        ) from None


# A JSON number or string; > 1.000, at most three decimals (422 ``invalid_coefficient`` else).
CoefficientIn = Annotated[Decimal, BeforeValidator(_coefficient)]
Team = Annotated[str, Field(min_length=1, max_length=100)]
Ref = Annotated[str | StrictInt, Field(description="id, slug or name")]


class Body(RequestModel):
    model_config = ConfigDict(extra="forbid")


class PriceIn(Body):
    bet_type: str = Field(min_length=1, max_length=20, examples=["1"])
    coefficient: CoefficientIn = Field(examples=[1.85])


class EventCreateIn(Body):
    sport: Ref = Field(examples=["football"])
    league: Ref = Field(examples=["Premier League"])
    home_team: Team = Field(examples=["Manchester United"])
    away_team: Team = Field(examples=["Liverpool"])
    event_datetime: AwareDatetime
    odds: list[PriceIn] = Field(default_factory=list, max_length=3)
    external_event_id: FeedId | None = None


class EventUpdateIn(Body):
    league: Ref | None = None
    home_team: Team | None = None
    away_team: Team | None = None
    event_datetime: AwareDatetime | None = None
    external_event_id: FeedId | None = None


class MarketCreateIn(Body):
    market_type: str = Field(min_length=1, max_length=50, examples=["total"])
    line: float | str | None = Field(default=None, examples=[2.5])
    odds: list[PriceIn] = Field(min_length=1, max_length=10)
    live_betting: StrictBool = False


class MarketUpdateIn(Body):
    live_betting: StrictBool


class OddsUpdateIn(Body):
    coefficient: CoefficientIn = Field(examples=[1.95])


class ScoreUpdateIn(Body):
    home_score: ScoreIn
    away_score: ScoreIn
    minute: Minute | None = None
    period: Period | None = None


class SettleIn(Body):
    home_score: ScoreIn
    away_score: ScoreIn
    force: bool = False
    reason: Reason | None = None


class ReasonIn(Body):
    reason: Reason | None = None


class RescheduleIn(Body):
    event_datetime: AwareDatetime | None = None


class SportCreateIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")] | None = None
    icon: Annotated[str, Field(max_length=10)] = ""
    sort_order: Annotated[StrictInt, Field(ge=0, le=10_000)] = 0


class LeagueCreateIn(Body):
    sport: Ref
    name: Annotated[str, Field(min_length=1, max_length=100)]
    country: Annotated[str, Field(min_length=1, max_length=100)] | None = None


# answers ------------------------------------------------------------------------------------
class EventOut(BaseModel):
    event: EventDetailView


class OddsOut(BaseModel):
    odds: OddsView


class SettlementOutcomeOut(BaseModel):
    odds_id: uuid.UUID
    market: str
    bet_type: str
    outcome: str


class SettlementOut(BaseModel):
    settlement_version: int
    outcomes: list[SettlementOutcomeOut]


class SettledEventOut(BaseModel):
    event: EventDetailView
    settlement: SettlementOut


class SportsOut(BaseModel):
    sports: list[SportView]


class LeaguesOut(BaseModel):
    leagues: list[LeagueView]


class SportOut(BaseModel):
    sport: SportView


class LeagueOut(BaseModel):
    league: LeagueView


class OddsHistoryOut(BaseModel):
    event_id: uuid.UUID
    history: list[OddsHistoryEntry]


class AuditEntryOut(BaseModel):
    """One admin (or feed) action: ``before``/``after`` hold only what it changed."""

    audit_id: int
    at: AwareDatetime
    actor: str
    action: str
    event_id: uuid.UUID | None
    market_id: uuid.UUID | None
    odds_id: uuid.UUID | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    details: dict[str, Any] | None
    request_id: str | None
    ip: str | None
    user_agent: str | None


class AuditPaginationOut(BaseModel):
    total: int
    limit: int
    offset: int


class AuditTrailOut(BaseModel):
    entries: list[AuditEntryOut]
    pagination: AuditPaginationOut


class FeedAcceptedOut(BaseModel):
    feed_message_id: str
    event_id: uuid.UUID
    type: str
    applied: bool = True


__all__ = ["JsonDecimal"]
