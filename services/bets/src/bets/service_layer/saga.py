"""The bets side of the saga (ARCHITECTURE.md §3.3): the wallet's replies decide a pending bet.

- ``StakeReserved``: ``pending → open`` and ``BetPlaced`` — unless the bet turned invalid while
  pending (event started or closed, market suspended): then ``pending → rejected``,
  ``BetRejected`` and ``ReleaseStake`` (compensation: the wallet voids the hold).
- ``StakeReservationRejected``: ``pending → rejected`` and ``BetRejected``.

This file is the saga's definition, FTGO's way: the step table and its compensations, each naming
the function that carries it out. The replies are decided by the set (``saga_batch``): the
consumer hands a run of them to one call in its transaction, and a reply on its own is a list of
one (``on_stake_reserved`` / ``on_stake_reservation_rejected``, which tests drive directly). The
messages are built in ``messages``; the SQL is ``adapters.repositories.BetRepository``'s.

The bet rows are locked (``FOR UPDATE``) and only a ``pending`` bet moves, so a duplicated reply
changes nothing. Every decision ``NOTIFY``s ``bet_decided`` with the bet id at commit: the HTTP
call waiting for it on any replica wakes up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel

from bets.domain.bet import BetStatus
from bets.service_layer.cancellation import cancel_bet
from bets.service_layer.messages import RESERVATION_TIMEOUT, ReplyInOtherCurrency
from bets.service_layer.placement import place_pending_bet
from bets.service_layer.saga_batch import decide_wallet_replies
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.watchdog import watch_pending
from common.contracts.bets import BetCancelled, BetPlaced, BetRejected, ReleaseStake, ReserveStake
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.messaging.consumer import MessageContext

__all__ = ["COMPENSATIONS", "PLACEMENT_SAGA", "RESERVATION_TIMEOUT", "ReplyInOtherCurrency"]

# The bets function that carries out a step or a compensation (the wallet's are its own).
Handler = Callable[..., Any]


# --- the saga, step by step (FTGO's saga definition: each step, who acts, what undoes it) ----


@dataclass(frozen=True)
class SagaStep:
    """One step of placing a bet: the participant acts on ``command``, answers one of
    ``replies``; ``compensation`` undoes the step when a later one fails."""

    name: str
    participant: Literal["bets", "wallet"]
    handled_by: Handler | None  # None: the wallet's (wallet.service_layer.saga.on_reserve_stake)
    command: type[BaseModel] | None = None
    replies: tuple[type[BaseModel], ...] = ()
    emits: tuple[type[BaseModel], ...] = ()
    compensation: type[BaseModel] | None = None


PLACEMENT_SAGA: Final[tuple[SagaStep, ...]] = (
    SagaStep(
        "place_pending",  # the bet is pending; rejecting it is this step's compensation
        participant="bets",
        handled_by=place_pending_bet,
        emits=(ReserveStake,),
        compensation=BetRejected,
    ),
    SagaStep(
        "reserve_stake",  # the wallet holds the stake, or refuses to
        participant="wallet",
        handled_by=None,
        command=ReserveStake,
        replies=(StakeReserved, StakeReservationRejected),
        compensation=ReleaseStake,
    ),
    SagaStep(
        "open",  # the pivot: once open, the bet stands until settled or cancelled
        participant="bets",
        handled_by=decide_wallet_replies,
        command=StakeReserved,
        emits=(BetPlaced,),
    ),
)


@dataclass(frozen=True)
class Compensation:
    """A way the saga fails after ``failed_at``: the bet's status and what goes out."""

    failed_at: str
    status: BetStatus
    emits: tuple[type[BaseModel], ...]
    handled_by: Handler


COMPENSATIONS: Final[dict[str, Compensation]] = {
    # The wallet refused the hold: nothing is held, nothing to release.
    "stake_refused": Compensation(
        "reserve_stake", BetStatus.REJECTED, (BetRejected,), decide_wallet_replies
    ),
    # Held, but the offer turned invalid while pending: release the hold, reject.
    "offer_gone": Compensation(
        "open", BetStatus.REJECTED, (ReleaseStake, BetRejected), decide_wallet_replies
    ),
    # The wallet never answered: release whatever a late command may hold, reject.
    "reservation_timeout": Compensation(
        "reserve_stake", BetStatus.REJECTED, (ReleaseStake, BetRejected), watch_pending
    ),
    # A hold made after the watchdog gave up: released again (the wallet voids a hold once).
    "late_hold": Compensation(
        "reserve_stake", BetStatus.REJECTED, (ReleaseStake,), decide_wallet_replies
    ),
    # The user cancels an open bet before its events start.
    "cancelled_by_user": Compensation(
        "open", BetStatus.CANCELLED, (ReleaseStake, BetCancelled), cancel_bet
    ),
}


# --- one reply at a time: the batch path with a list of one ---------------------------------


async def on_stake_reserved(payload: StakeReserved, ctx: MessageContext) -> None:
    await decide_wallet_replies(BetsUnitOfWork.for_message(ctx), [(payload, ctx.envelope)])


async def on_stake_reservation_rejected(
    payload: StakeReservationRejected, ctx: MessageContext
) -> None:
    await decide_wallet_replies(BetsUnitOfWork.for_message(ctx), [(payload, ctx.envelope)])
