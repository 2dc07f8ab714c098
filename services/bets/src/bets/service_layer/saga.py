"""The bets side of the saga (ARCHITECTURE.md §3.3): the wallet's replies decide a pending bet.

- ``StakeReserved``: ``pending → open`` and ``BetPlaced`` — unless the bet turned invalid while
  pending (event started or closed, market suspended): then ``pending → rejected``,
  ``BetRejected`` and ``ReleaseStake`` (compensation: the wallet voids the hold).
- ``StakeReservationRejected``: ``pending → rejected`` and ``BetRejected``.

The replies are decided by the set (``saga_batch``): the consumer hands a run of them to one
call in its transaction, and a reply on its own is a list of one. This module keeps what the
batch, the watchdog, cancellation and settlement share: the legs and message builders, the
``NOTIFY`` of a decision, and the per-message handlers (a list of one) tests drive directly.

The bet rows are locked (``FOR UPDATE``) and only a ``pending`` bet moves, so a duplicated reply
changes nothing. Every decision ``NOTIFY``s ``bet_decided`` with the bet id at commit: the HTTP
call waiting for it on any replica wakes up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.decisions import DECIDED_CHANNEL
from bets.adapters.tables import bet_leg
from common.contracts.bets import BetLeg, BetPlaced, BetRejected, ReleaseStake
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.errors import PoisonMessage
from common.messaging.consumer import BatchContext, MessageContext

# Why the watchdog rejects a bet the wallet never answered for (see ``watchdog``).
RESERVATION_TIMEOUT = "bet.reservation_timeout"


class ReplyInOtherCurrency(PoisonMessage):
    """The wallet held a stake in another currency than the bet's: dead-lettered at once."""

    dead_letter_reason = "currency_mismatch"


async def notify_decided(session: AsyncSession, bet_id: uuid.UUID) -> None:
    """Wake whoever waits for this bet, once the transaction commits."""
    await notify_all_decided(session, [bet_id])


async def notify_all_decided(session: AsyncSession, bet_ids: Sequence[uuid.UUID]) -> None:
    """Wake whoever waits for any of these bets, once the transaction commits (one statement)."""
    if not bet_ids:
        return
    await session.execute(
        text("SELECT pg_notify(:channel, id) FROM unnest(CAST(:bet_ids AS text[])) AS id"),
        {"channel": DECIDED_CHANNEL, "bet_ids": [str(b) for b in bet_ids]},
    )


async def legs_by_bet(
    session: AsyncSession, bet_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Row[Any]]]:
    """Each bet's legs in their order, for many bets in one query."""
    found: dict[uuid.UUID, list[Row[Any]]] = {b: [] for b in bet_ids}
    if not found:
        return found
    for leg in await session.execute(
        select(bet_leg)
        .where(bet_leg.c.bet_id.in_(list(found)))
        .order_by(bet_leg.c.bet_id, bet_leg.c.position)
    ):
        found[leg.bet_id].append(leg)
    return found


async def bet_legs(session: AsyncSession, bet_id: uuid.UUID) -> list[Row[Any]]:
    return (await legs_by_bet(session, [bet_id]))[bet_id]


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
