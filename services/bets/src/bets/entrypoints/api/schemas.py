"""Request bodies of the bets API (the seed's shapes plus the odds-change fields)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from bets.domain.bet import BetStatus
from bets.domain.loss_limits import Period
from bets.domain.odds import OddsPolicy
from common.api import RequestModel
from common.money import AmountMinor

Coefficient = Annotated[Decimal, Field(gt=1, max_digits=10, decimal_places=3)]

# Every status, spelled out for a query filter: a Literal keeps the OpenAPI's inline enum.
StatusFilter = Literal[
    BetStatus.PENDING,
    BetStatus.OPEN,
    BetStatus.REJECTED,
    BetStatus.WON,
    BetStatus.LOST,
    BetStatus.VOID,
    BetStatus.CANCELLED,
]
# A settled bet's result in the seed's words (``views.RESULT_FILTER`` maps them to statuses).
ResultFilter = Literal["win", "loss", "void"]


class _Body(RequestModel):
    model_config = ConfigDict(extra="forbid")


class PlaceBetRequest(_Body):
    event_id: uuid.UUID
    odds_id: uuid.UUID
    bet_amount: AmountMinor
    bet_type: Literal["single"] = "single"
    expected_coefficient: Coefficient | None = None
    accept_odds_change: OddsPolicy = "none"
    # Stake with one unit of a free-bet package (its stake must be ``bet_amount``): a win pays
    # only the winnings; without a unit the bet is rejected ``free_bet_unavailable``.
    use_free_bet: bool = False


class CouponLegRequest(_Body):
    event_id: uuid.UUID
    odds_id: uuid.UUID
    expected_coefficient: Coefficient | None = None


class PlaceCouponRequest(_Body):
    bets: list[CouponLegRequest] = Field(min_length=1, max_length=50)
    bet_amount: AmountMinor
    accept_odds_change: OddsPolicy = "none"
    use_free_bet: bool = False


class LossLimitRequest(_Body):
    period: Period
    # null removes the limit (after the cooling-off, as an increase).
    amount: AmountMinor | None
