"""Settlement (ARCHITECTURE.md §3.5, §3.7): an event's result resolves every open leg on it.

``EventSettled`` writes each leg's outcome in one set-based ``UPDATE`` (a selection missing from
the result is void); ``EventCancelled`` voids every leg on the event. Then every open bet with a
leg on the event and none unresolved is settled (domain rules: a coupon lost if any leg lost,
void legs at 1.00, all void → stake back), in batches: one ``UPDATE`` and one outbox ``INSERT``
of ``BetSettled`` per batch. A coupon with a leg on another, unresolved event stays open.

Idempotent: the event's ``settlement_version`` is applied once (a repeated or older
``EventSettled`` changes nothing), and only unresolved legs of ``open`` bets move.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, exists, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.tables import bet, bet_leg, event
from bets.domain.settlement import LegState, settle
from bets.service_layer.saga import contract_legs
from common.contracts.bets import BetSettled
from common.contracts.events import EventCancelled, EventSettled
from common.logging import get_logger
from common.messaging.consumer import MessageContext

log = get_logger(__name__)

BATCH_SIZE = 1000


async def _resolve_legs(
    session: AsyncSession, event_id: uuid.UUID, outcomes: Mapping[uuid.UUID, str]
) -> None:
    """One UPDATE: every unresolved leg of an open bet on the event gets its outcome."""
    await session.execute(
        text(
            """
            UPDATE bets.bet_leg AS l
               SET outcome = coalesce(
                       (SELECT o.outcome
                          FROM unnest(CAST(:odds_ids AS uuid[]), CAST(:outcomes AS text[]))
                               AS o(odds_id, outcome)
                         WHERE o.odds_id = l.odds_id),
                       'void')
              FROM bets.bet AS b
             WHERE b.id = l.bet_id
               AND b.status = 'open'
               AND l.event_id = :event_id
               AND l.outcome IS NULL
            """
        ),
        {
            "event_id": event_id,
            "odds_ids": list(outcomes),
            "outcomes": list(outcomes.values()),
        },
    )


async def _claim_version(session: AsyncSession, event_id: uuid.UUID, version: int) -> bool:
    """Record ``version`` as applied to the event; False if it (or a newer one) already was."""
    await session.execute(
        insert(event).values(id=event_id).on_conflict_do_nothing(index_elements=[event.c.id])
    )
    claimed = await session.scalar(
        update(event)
        .where(
            event.c.id == event_id,
            (event.c.settlement_version.is_(None)) | (event.c.settlement_version < version),
        )
        .values(settlement_version=version, updated_at=func.now())
        .returning(event.c.id)
    )
    return claimed is not None


async def _settle_resolved_bets(ctx: MessageContext, event_id: uuid.UUID) -> int:
    """Settle, batch by batch, the open bets on the event whose legs have all resolved."""
    session = ctx.session
    unresolved = exists().where(bet_leg.c.bet_id == bet.c.id, bet_leg.c.outcome.is_(None))
    on_event = exists().where(bet_leg.c.bet_id == bet.c.id, bet_leg.c.event_id == event_id)
    settled = 0
    while True:
        bets = (
            await session.execute(
                select(bet)
                .where(bet.c.status == "open", on_event, ~unresolved)
                .order_by(bet.c.id)
                .limit(BATCH_SIZE)
                .with_for_update()
            )
        ).all()
        if not bets:
            return settled
        legs_by_bet: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for leg in (
            await session.execute(
                select(bet_leg)
                .where(bet_leg.c.bet_id.in_([b.id for b in bets]))
                .order_by(bet_leg.c.bet_id, bet_leg.c.position)
            )
        ).all():
            legs_by_bet[leg.bet_id].append(leg)
        settled_at = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        messages: list[BetSettled] = []
        for b in bets:
            legs = legs_by_bet[b.id]
            outcome = settle(
                is_coupon=b.bet_type == "coupon",
                stake_minor=b.stake_minor,
                legs=[LegState(Decimal(leg.coefficient), leg.outcome) for leg in legs],
            )
            assert outcome is not None  # every leg resolved
            rows.append(
                {"b_id": b.id, "b_result": outcome.result, "b_payout": outcome.payout_minor}
            )
            messages.append(
                BetSettled(
                    bet_id=b.id,
                    user_id=b.user_id,
                    result=outcome.result,
                    stake_minor=b.stake_minor,
                    payout_minor=outcome.payout_minor,
                    currency=b.currency,
                    legs=contract_legs(legs),
                    settled_at=settled_at,
                )
            )
        await session.execute(
            update(bet)
            .where(bet.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_result"),
                result=bindparam("b_result"),
                payout_minor=bindparam("b_payout"),
                settled_at=settled_at,
            ),
            rows,
        )
        await ctx.emit(*messages)
        settled += len(bets)


async def on_event_settled(payload: EventSettled, ctx: MessageContext) -> None:
    if not await _claim_version(ctx.session, payload.event_id, payload.settlement_version):
        return  # this version (or a newer one) was applied already
    outcomes = {o.odds_id: o.outcome for o in payload.outcomes}
    await _resolve_legs(ctx.session, payload.event_id, outcomes)
    settled = await _settle_resolved_bets(ctx, payload.event_id)
    log.info("event.settled", event_id=str(payload.event_id), bets_settled=settled)


async def on_event_cancelled(payload: EventCancelled, ctx: MessageContext) -> None:
    """Void every leg on the event; singles are refunded, coupons go on at 1.00 for the leg."""
    await ctx.session.execute(
        insert(event)
        .values(id=payload.event_id, status="cancelled")
        .on_conflict_do_update(
            index_elements=[event.c.id], set_={"status": "cancelled", "updated_at": func.now()}
        )
    )
    await _resolve_legs(ctx.session, payload.event_id, {})
    settled = await _settle_resolved_bets(ctx, payload.event_id)
    log.info("event.cancelled", event_id=str(payload.event_id), bets_settled=settled)
