"""What the bets service's decisions say: the messages built from a bet's row and its legs.

Placement, the saga's replies, the watchdog, cancellation and settlement all describe a bet the
same way (its legs as ``BetLeg``), so the builders live here, below every one of them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from common.contracts.bets import BetLeg, BetPlaced, BetRejected, ReleaseStake
from common.errors import PoisonMessage

# Why the watchdog rejects a bet the wallet never answered for (see ``watchdog``).
RESERVATION_TIMEOUT = "bet.reservation_timeout"


class ReplyInOtherCurrency(PoisonMessage):
    """The wallet held a stake in another currency than the bet's: dead-lettered at once."""

    dead_letter_reason = "currency_mismatch"


def contract_legs(rows: list[Row[Any]]) -> list[BetLeg]:
    return [
        BetLeg(
            event_id=r.event_id,
            event_name=r.event_name,
            market=r.market,
            selection=r.selection,
            coefficient=Decimal(r.coefficient),
            odds_id=r.odds_id,
        )
        for r in rows
    ]


def bet_placed(row: Row[Any], legs: list[BetLeg], placed_at: datetime) -> BetPlaced:
    return BetPlaced(
        bet_id=row.id,
        user_id=row.user_id,
        bet_type=row.bet_type,
        stake_minor=row.stake_minor,
        currency=row.currency,
        coefficient=Decimal(row.coefficient),
        potential_win_minor=row.potential_win_minor,
        legs=legs,
        placed_at=placed_at,
        free_bet=row.free_bet,
    )


def release_stake(row: Row[Any], reason: str, legs: list[BetLeg]) -> ReleaseStake:
    return ReleaseStake(bet_id=row.id, user_id=row.user_id, reason=reason, legs=legs)


def bet_rejected(row: Row[Any], reason: str, legs: list[BetLeg]) -> BetRejected:
    return BetRejected(bet_id=row.id, user_id=row.user_id, reason=reason, legs=legs)
