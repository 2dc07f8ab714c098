"""Messages produced by bets: the saga's commands to wallet and the bet lifecycle events.

Every message carries the bet's legs with the labels a person reads, so history, exports and
notifications need no lookup.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from common.contracts import (
    Coefficient,
    ContractModel,
    Currency,
    Label,
    LimitAmount,
    LimitPeriod,
    NonNegativeMinor,
    Outcome,
    PositiveMinor,
    ReasonCode,
    SignedMinor,
    UtcDatetime,
)
from common.messaging.envelope import message

BetType = Literal["single", "coupon"]


class BetLeg(ContractModel):
    event_id: uuid.UUID
    event_name: Label
    market: Label
    selection: Label
    coefficient: Coefficient
    odds_id: uuid.UUID | None = None


Legs = list[BetLeg]
_LEGS = Field(min_length=1, max_length=15)


@message(producer="bets", type="ReserveStake")
class ReserveStake(ContractModel):
    """Command to wallet: hold ``amount_minor`` of the user's available balance for the bet.

    ``potential_win_minor`` is the most the bet can ever pay (its stake times its odds): the
    wallet keeps it on the hold and refuses a settlement paying more. Optional so that a command
    sent before the field existed still parses (the wallet then caps at its configured maximum);
    left out of the JSON when absent, so such a command round-trips unchanged.
    """

    bet_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: PositiveMinor
    currency: Currency
    legs: Legs = _LEGS
    potential_win_minor: PositiveMinor | None = Field(
        default=None, exclude_if=lambda value: value is None
    )
    # A free bet (issue 22): the stake is one unit of the user's free-bet package, not their
    # money. Left out of the JSON when false, so older commands round-trip unchanged.
    free_bet: bool = Field(default=False, exclude_if=lambda value: value is False)


@message(producer="bets", type="ReleaseStake")
class ReleaseStake(ContractModel):
    """Command to wallet: void the bet's hold (the stake goes back to available)."""

    bet_id: uuid.UUID
    user_id: uuid.UUID
    reason: ReasonCode
    legs: Legs = _LEGS


@message(producer="bets", type="BetPlaced")
class BetPlaced(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    bet_type: BetType
    stake_minor: PositiveMinor
    currency: Currency
    # The single's coefficient, or the coupon's combined one.
    coefficient: Coefficient
    potential_win_minor: PositiveMinor
    legs: Legs = _LEGS
    placed_at: UtcDatetime
    free_bet: bool = Field(default=False, exclude_if=lambda value: value is False)


@message(producer="bets", type="BetRejected")
class BetRejected(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    reason: ReasonCode
    legs: Legs = _LEGS


@message(producer="bets", type="BetSettled")
class BetSettled(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    result: Outcome
    stake_minor: PositiveMinor
    # Gross payout: 0 when lost, the stake when void.
    payout_minor: NonNegativeMinor
    currency: Currency
    legs: Legs = _LEGS
    settled_at: UtcDatetime


@message(producer="bets", type="BetResettled")
class BetResettled(ContractModel):
    """A settled bet's result corrected; wallet moves ``payout_delta_minor`` (signed) once.

    ``settlement_version`` counts the bet's own settlements (its ``BetSettled`` is 1, each
    correction adds 1); the delta is against the previous version's payout.
    """

    bet_id: uuid.UUID
    user_id: uuid.UUID
    settlement_version: int = Field(ge=2, strict=True)
    old_result: Outcome
    new_result: Outcome
    payout_delta_minor: SignedMinor
    currency: Currency
    legs: Legs = _LEGS
    resettled_at: UtcDatetime


@message(producer="bets", type="BetCancelled")
class BetCancelled(ContractModel):
    bet_id: uuid.UUID
    user_id: uuid.UUID
    reason: ReasonCode
    legs: Legs = _LEGS


# --- responsible gambling (issue 23): a change to a user's limits, announced for notifications


@message(producer="bets", type="LossLimitChanged")
class LossLimitChanged(ContractModel):
    """A loss limit set, raised, lowered or removed: ``limit`` is the new limit (``None``:
    removed), in force from ``effective_at`` (now for a decrease, after 24 h of cooling-off for
    an increase or a removal)."""

    user_id: uuid.UUID
    period: LimitPeriod
    limit: LimitAmount | None
    effective_at: UtcDatetime
