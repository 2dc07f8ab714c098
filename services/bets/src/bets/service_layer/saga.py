"""The bets side of the saga (ARCHITECTURE.md §3.3): the wallet's replies decide a pending bet.

- ``StakeReserved``: ``pending → open`` and ``BetPlaced`` — unless the bet turned invalid while
  pending (event started or closed, market suspended): then ``pending → rejected``,
  ``BetRejected`` and ``ReleaseStake`` (compensation: the wallet voids the hold).
- ``StakeReservationRejected``: ``pending → rejected`` and ``BetRejected``.

The bet row is locked (``FOR UPDATE``) and only a ``pending`` bet moves, so a duplicated reply
changes nothing. Every decision ``NOTIFY``s ``bet_decided`` with the bet id at commit: the HTTP
call waiting for it on any replica wakes up.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.decisions import DECIDED_CHANNEL
from bets.adapters.tables import bet, bet_leg
from bets.domain.errors import BetNotFound
from bets.service_layer import metrics
from bets.service_layer.offer import open_offers
from common.contracts.bets import BetLeg, BetPlaced, BetRejected, ReleaseStake
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.errors import DomainError, PoisonMessage
from common.logging import get_logger
from common.messaging.consumer import MessageContext

log = get_logger(__name__)

# Why the watchdog rejects a bet the wallet never answered for (see ``watchdog``).
RESERVATION_TIMEOUT = "bet.reservation_timeout"


class ReplyInOtherCurrency(PoisonMessage):
    """The wallet held a stake in another currency than the bet's: dead-lettered at once."""

    dead_letter_reason = "currency_mismatch"


async def notify_decided(session: AsyncSession, bet_id: uuid.UUID) -> None:
    """Wake whoever waits for this bet, once the transaction commits."""
    await session.execute(
        text("SELECT pg_notify(:channel, :bet_id)"),
        {"channel": DECIDED_CHANNEL, "bet_id": str(bet_id)},
    )


async def _lock_bet(session: AsyncSession, bet_id: uuid.UUID) -> Row[Any]:
    row = (
        await session.execute(select(bet).where(bet.c.id == bet_id).with_for_update())
    ).one_or_none()
    if row is None:
        # Our own outbox sent the ReserveStake, so the bet exists: retry rather than drop.
        raise BetNotFound(details={"bet_id": str(bet_id)})
    return row


async def _lock_pending(session: AsyncSession, bet_id: uuid.UUID) -> Row[Any] | None:
    row = await _lock_bet(session, bet_id)
    return row if row.status == "pending" else None


async def bet_legs(session: AsyncSession, bet_id: uuid.UUID) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(bet_leg).where(bet_leg.c.bet_id == bet_id).order_by(bet_leg.c.position)
            )
        ).all()
    )


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


async def _reject(session: AsyncSession, bet_id: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(bet)
        .where(bet.c.id == bet_id)
        .values(status="rejected", reason=reason, decided_at=func.now())
    )
    await notify_decided(session, bet_id)


async def on_stake_reserved(payload: StakeReserved, ctx: MessageContext) -> None:
    row = await _lock_bet(ctx.session, payload.bet_id)
    if row.status == "rejected" and row.reason == RESERVATION_TIMEOUT:
        # A hold made after the watchdog gave up: release it again (the wallet voids a hold
        # once), in case the first ReleaseStake reached the wallet before the hold did.
        labels = contract_legs(await bet_legs(ctx.session, row.id))
        await ctx.emit(
            ReleaseStake(bet_id=row.id, user_id=row.user_id, reason=row.reason, legs=labels)
        )
        return
    if row.status != "pending":
        return  # already decided: a duplicate reply changes nothing
    if payload.currency != row.currency:
        raise ReplyInOtherCurrency(f"bet {row.id}: held in {payload.currency}, not {row.currency}")
    legs = await bet_legs(ctx.session, payload.bet_id)
    labels = contract_legs(legs)
    try:
        await open_offers(
            ctx.session, [(leg.event_id, leg.odds_id) for leg in legs], now=datetime.now(UTC)
        )
    except DomainError as exc:  # turned invalid while pending: compensate
        log.info("bet.rejected_after_reservation", bet_id=str(row.id), reason=exc.code)
        await _reject(ctx.session, row.id, exc.code)
        metrics.decided(ctx.session, "rejected", exc.code)
        await ctx.emit(
            ReleaseStake(bet_id=row.id, user_id=row.user_id, reason=exc.code, legs=labels),
            BetRejected(bet_id=row.id, user_id=row.user_id, reason=exc.code, legs=labels),
        )
        return
    placed_at = datetime.now(UTC)
    await ctx.session.execute(
        update(bet).where(bet.c.id == row.id).values(status="open", decided_at=placed_at)
    )
    await notify_decided(ctx.session, row.id)
    metrics.decided(ctx.session, "open")
    await ctx.emit(
        BetPlaced(
            bet_id=row.id,
            user_id=row.user_id,
            bet_type=row.bet_type,
            stake_minor=row.stake_minor,
            currency=row.currency,
            coefficient=Decimal(row.coefficient),
            potential_win_minor=row.potential_win_minor,
            legs=labels,
            placed_at=placed_at,
        )
    )


async def on_stake_reservation_rejected(
    payload: StakeReservationRejected, ctx: MessageContext
) -> None:
    row = await _lock_pending(ctx.session, payload.bet_id)
    if row is None:
        return
    labels = contract_legs(await bet_legs(ctx.session, payload.bet_id))
    await _reject(ctx.session, row.id, payload.reason)
    metrics.decided(ctx.session, "rejected", payload.reason)
    await ctx.emit(
        BetRejected(bet_id=row.id, user_id=row.user_id, reason=payload.reason, legs=labels)
    )
