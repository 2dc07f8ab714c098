"""The bets side of the saga (ARCHITECTURE.md §3.3): the wallet's replies decide a pending bet.

- ``StakeReserved``: ``pending → open`` and ``BetPlaced`` — unless the bet turned invalid while
  pending (event started or closed, market suspended): then ``pending → rejected``,
  ``BetRejected`` and ``ReleaseStake`` (compensation: the wallet voids the hold).
- ``StakeReservationRejected``: ``pending → rejected`` and ``BetRejected``.

The replies are decided by the set (``saga_batch``): the consumer hands a run of them to one
call in its transaction, and a reply on its own is a list of one. This module keeps what the
batch, the watchdog, cancellation and settlement share: the saga's step table and its
compensations, the legs and message builders, and the per-message handlers (a list of one) tests
drive directly. The SQL is ``adapters.repositories.BetRepository``'s.

The bet rows are locked (``FOR UPDATE``) and only a ``pending`` bet moves, so a duplicated reply
changes nothing. Every decision ``NOTIFY``s ``bet_decided`` with the bet id at commit: the HTTP
call waiting for it on any replica wakes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import BaseModel
from sqlalchemy import Row

from common.contracts.bets import (
    BetCancelled,
    BetLeg,
    BetPlaced,
    BetRejected,
    ReleaseStake,
    ReserveStake,
)
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.errors import PoisonMessage
from common.messaging.consumer import BatchContext, MessageContext

# Why the watchdog rejects a bet the wallet never answered for (see ``watchdog``).
RESERVATION_TIMEOUT = "bet.reservation_timeout"


# --- the saga, step by step (FTGO's saga definition: each step, who acts, what undoes it) ----


@dataclass(frozen=True)
class SagaStep:
    """One step of placing a bet: the participant acts on ``command``, answers one of
    ``replies``; ``compensation`` undoes the step when a later one fails."""

    name: str
    participant: Literal["bets", "wallet"]
    handled_by: str  # where the step is written
    command: type[BaseModel] | None = None
    replies: tuple[type[BaseModel], ...] = ()
    emits: tuple[type[BaseModel], ...] = ()
    compensation: type[BaseModel] | None = None


PLACEMENT_SAGA: Final[tuple[SagaStep, ...]] = (
    SagaStep(
        "place_pending",  # the bet is pending; rejecting it is this step's compensation
        participant="bets",
        handled_by="placement.place_pending_bet",
        emits=(ReserveStake,),
        compensation=BetRejected,
    ),
    SagaStep(
        "reserve_stake",  # the wallet holds the stake, or refuses to
        participant="wallet",
        handled_by="wallet: saga.on_reserve_stake",
        command=ReserveStake,
        replies=(StakeReserved, StakeReservationRejected),
        compensation=ReleaseStake,
    ),
    SagaStep(
        "open",  # the pivot: once open, the bet stands until settled or cancelled
        participant="bets",
        handled_by="saga_batch.decide_replies",
        command=StakeReserved,
        emits=(BetPlaced,),
    ),
)


@dataclass(frozen=True)
class Compensation:
    """A way the saga fails after ``failed_at``: the bet's status and what goes out."""

    failed_at: str
    status: Literal["rejected", "cancelled"]
    emits: tuple[type[BaseModel], ...]
    handled_by: str


COMPENSATIONS: Final[dict[str, Compensation]] = {
    # The wallet refused the hold: nothing is held, nothing to release.
    "stake_refused": Compensation(
        "reserve_stake", "rejected", (BetRejected,), "saga_batch.decide_replies"
    ),
    # Held, but the offer turned invalid while pending: release the hold, reject.
    "offer_gone": Compensation(
        "open", "rejected", (ReleaseStake, BetRejected), "saga_batch.decide_replies"
    ),
    # The wallet never answered: release whatever a late command may hold, reject.
    "reservation_timeout": Compensation(
        "reserve_stake", "rejected", (ReleaseStake, BetRejected), "watchdog.watch_pending"
    ),
    # A hold made after the watchdog gave up: released again (the wallet voids a hold once).
    "late_hold": Compensation(
        "reserve_stake", "rejected", (ReleaseStake,), "saga_batch.decide_replies"
    ),
    # The user cancels an open bet before its events start.
    "cancelled_by_user": Compensation(
        "open", "cancelled", (ReleaseStake, BetCancelled), "cancellation.cancel_bet"
    ),
}


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


# --- what a decision emits (``row`` is the bet's row) ---------------------------------------


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
    )


def release_stake(row: Row[Any], reason: str, legs: list[BetLeg]) -> ReleaseStake:
    return ReleaseStake(bet_id=row.id, user_id=row.user_id, reason=reason, legs=legs)


def bet_rejected(row: Row[Any], reason: str, legs: list[BetLeg]) -> BetRejected:
    return BetRejected(bet_id=row.id, user_id=row.user_id, reason=reason, legs=legs)


# --- one reply at a time: the batch path with a list of one ---------------------------------


async def on_stake_reserved(payload: StakeReserved, ctx: MessageContext) -> None:
    await _as_batch_of_one(payload, ctx)


async def on_stake_reservation_rejected(
    payload: StakeReservationRejected, ctx: MessageContext
) -> None:
    await _as_batch_of_one(payload, ctx)


async def _as_batch_of_one(
    payload: StakeReserved | StakeReservationRejected, ctx: MessageContext
) -> None:
    from bets.service_layer.saga_batch import decide_replies  # it builds on this module

    await decide_replies([(payload, ctx.envelope)], BatchContext(ctx.session, ctx.schema))
