"""Placing a single or a coupon: step 1 of the saga (ARCHITECTURE.md §3.1).

Validates against the read models (no time-out or self-exclusion in force, selection open, odds
acceptable under the request's policy, limits, the user's loss limits last: they lock the
user's limit rows until the commit), then inserts the bet ``pending`` with its legs and
``ReserveStake`` in the outbox, in the caller's transaction. The API answers with the bet as
inserted (``PlacedBet.view``): reading back what was just written, in the same transaction,
could only say the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from bets.domain.bet import BetStatus
from bets.domain.errors import OddsChanged
from bets.domain.limits import BetLimits
from bets.domain.odds import OddsPolicy, accepts_odds, combined_coefficient, payout_minor
from bets.service_layer.offer import Offer, open_offers
from bets.service_layer.responsible_gambling import check_loss_limits, check_not_restricted
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.views import render_bet
from common.contracts.bets import BetLeg, ReserveStake


@dataclass(frozen=True)
class LegRequest:
    event_id: uuid.UUID
    odds_id: uuid.UUID
    expected_coefficient: Decimal | None = None


def contract_legs(offers: Sequence[Offer]) -> list[BetLeg]:
    return [
        BetLeg(
            event_id=o.event_id,
            event_name=o.event_name,
            market=o.market,
            selection=o.selection,
            coefficient=o.coefficient,
            odds_id=o.odds_id,
        )
        for o in offers
    ]


# What a pending bet has not got yet (the columns placement leaves to its decision, settlement).
_UNDECIDED = {
    "reason": None,
    "result": None,
    "payout_minor": None,
    "decided_at": None,
    "settled_at": None,
}


@dataclass(frozen=True)
class PlacedBet:
    """A bet as placement inserted it: its row and its legs, as ``bet_view`` would read them."""

    row: dict[str, Any]
    legs: list[dict[str, Any]]

    @property
    def bet_id(self) -> uuid.UUID:
        bet_id: uuid.UUID = self.row["id"]
        return bet_id

    def view(self) -> dict[str, Any]:
        """The pending bet as the API shows it, built from what was inserted."""
        return render_bet(
            SimpleNamespace(**_UNDECIDED, **self.row),
            [SimpleNamespace(outcome=None, **leg) for leg in self.legs],
        )


async def place_bet(uow: BetsUnitOfWork, **request: Any) -> uuid.UUID:
    """``place_pending_bet``, for a caller that needs the bet's id only."""
    return (await place_pending_bet(uow, **request)).bet_id


async def place_pending_bet(
    uow: BetsUnitOfWork,
    *,
    user_id: uuid.UUID,
    legs: Sequence[LegRequest],
    stake_minor: int,
    is_coupon: bool,
    policy: OddsPolicy,
    limits: BetLimits,
    currency: str,
    now: datetime,
    free_bet: bool = False,
) -> PlacedBet:
    """Insert the bet ``pending`` and queue ``ReserveStake``; raises the reason it is refused."""
    await check_not_restricted(uow, user_id, now)
    limits.check_stake(stake_minor)
    if is_coupon:
        limits.check_coupon_legs([leg.event_id for leg in legs])
    offers = await open_offers(
        uow.read_model, [(leg.event_id, leg.odds_id) for leg in legs], now=now
    )
    for leg, offer in zip(legs, offers, strict=True):
        if not accepts_odds(policy, expected=leg.expected_coefficient, current=offer.coefficient):
            raise OddsChanged(
                f"The coefficient is now {offer.coefficient}.",
                details={
                    "event_id": str(offer.event_id),
                    "odds_id": str(offer.odds_id),
                    "expected_coefficient": str(leg.expected_coefficient),
                    "current_coefficient": str(offer.coefficient),
                },
            )
    coefficient = (
        combined_coefficient(o.coefficient for o in offers) if is_coupon else offers[0].coefficient
    )
    potential_win_minor = payout_minor(stake_minor, coefficient)
    limits.check_payout(potential_win_minor)
    if not free_bet:  # a free bet stakes none of the user's money: no loss limit applies
        await check_loss_limits(uow, user_id=user_id, stake_minor=stake_minor, now=now)

    bet_id = uuid.uuid4()
    placed = PlacedBet(
        row={
            "id": bet_id,
            "user_id": user_id,
            "bet_type": "coupon" if is_coupon else "single",
            "status": BetStatus.PENDING,
            "stake_minor": stake_minor,
            "currency": currency,
            "coefficient": coefficient,
            "potential_win_minor": potential_win_minor,
            "accept_odds_change": policy,
            "created_at": now,
            "free_bet": free_bet,
        },
        legs=[
            {
                "bet_id": bet_id,
                "position": position,
                "event_id": o.event_id,
                "market_id": o.market_id,
                "odds_id": o.odds_id,
                "event_name": o.event_name,
                "market": o.market,
                "selection": o.selection,
                "coefficient": o.coefficient,
            }
            for position, o in enumerate(offers)
        ],
    )
    await uow.bets.add(placed.row, placed.legs)
    await uow.emit(
        ReserveStake(
            bet_id=bet_id,
            user_id=user_id,
            amount_minor=stake_minor,
            currency=currency,
            legs=contract_legs(offers),
            potential_win_minor=potential_win_minor,  # the wallet never pays more than this
            free_bet=free_bet,
        ),
    )
    return placed
