"""Settlement and resettlement (ARCHITECTURE.md §3.5, §3.7): an event's result resolves its legs.

``EventSettled`` / ``EventResettled`` (the full outcome list of a settlement version) write each
leg's outcome in set-based ``UPDATE``s (a selection missing from the result is void; only legs
whose outcome changes are written); ``EventCancelled`` voids every unresolved leg on the event.
Then every open bet with a leg on the event and none unresolved is settled (domain rules: a
coupon lost if any leg lost, void legs at 1.00, all void → stake back), in batches: one
``UPDATE`` and one outbox ``INSERT`` of ``BetSettled`` per batch. A coupon with a leg on another,
unresolved event stays open. Settled bets whose legs changed under a newer version are
recomputed the same way; each whose result or payout differs gets ``BetResettled`` (its own
settlement version + 1, the signed payout delta).

Concurrency: two events of one coupon may be settled at the same moment by two consumer
transactions. Each first locks the coupons with a leg on its event (``FOR UPDATE``, in id order,
so two transactions never wait on each other in a cycle) and only then writes and reads legs; the
later one waits for the earlier's commit and (READ COMMITTED: each statement sees what was
committed before it) reads the earlier's legs and bet statuses, so the coupon settles exactly
once, and a correction racing a settlement sees the coupon as settled and resettles it.

Idempotent: the event's ``settlement_version`` is applied once (a repeated or older result
changes nothing), and the wallet moves each bet's settlement and each correction once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.tables import bet, bet_leg, event
from bets.domain.bet import EVENT_CANCELLED, SETTLED, BetStatus
from bets.domain.settlement import LegState, Settlement, settle
from bets.service_layer import metrics
from bets.service_layer.saga import contract_legs
from common.contracts.bets import BetResettled, BetSettled
from common.contracts.events import EventCancelled, EventResettled, EventSettled
from common.logging import get_logger
from common.messaging.consumer import MessageContext

log = get_logger(__name__)

BATCH_SIZE = 1000


# The new outcome of a leg: its selection's in the result, void if missing. A correlated lookup
# in the (small) outcome list, so the plan stays one pass over the event's legs whatever the
# table statistics say.
_NEW_OUTCOME = """coalesce(
    (SELECT o.outcome
       FROM unnest(CAST(:odds_ids AS uuid[]), CAST(:outcomes AS text[])) AS o(odds_id, outcome)
      WHERE o.odds_id = l.odds_id),
    CAST(:missing_outcome AS text))"""

_RESOLVE_LEGS = """
    UPDATE bets.bet_leg AS l
       SET outcome = {new_outcome}
      FROM bets.bet AS b
     WHERE b.id = l.bet_id
       AND l.event_id = :event_id
       AND b.status = ANY(CAST(:statuses AS text[]))
       AND l.outcome IS DISTINCT FROM {new_outcome}
       {only_unresolved}
    {returning}
"""


async def _resolve_legs(
    session: AsyncSession,
    event_id: uuid.UUID,
    outcomes: Mapping[uuid.UUID, str],
    *,
    statuses: tuple[BetStatus, ...] = (BetStatus.OPEN,),
    only_unresolved: bool = False,
    returning: bool = False,
) -> set[uuid.UUID]:
    """One UPDATE: the legs on the event of bets in ``statuses`` take their outcome (a selection
    missing from the result is void); only legs whose outcome changes are written. With
    ``returning``, the ids of the bets whose legs changed."""
    sql = _RESOLVE_LEGS.format(
        new_outcome=_NEW_OUTCOME,
        only_unresolved="AND l.outcome IS NULL" if only_unresolved else "",
        returning="RETURNING l.bet_id" if returning else "",
    )
    result = await session.execute(
        text(sql),
        {
            "event_id": event_id,
            "odds_ids": list(outcomes),
            "outcomes": list(outcomes.values()),
            "statuses": list(statuses),
            "missing_outcome": BetStatus.VOID,
        },
    )
    return {row.bet_id for row in result} if returning else set()


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


async def _bets_on_event(session: AsyncSession, event_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of the bets with a leg on the event, from its legs' index alone (no join: the work
    grows with the event's bets, whatever the table statistics say after a burst of bets)."""
    return list(
        (
            await session.scalars(
                select(bet_leg.c.bet_id)
                .where(bet_leg.c.event_id == event_id)
                .order_by(bet_leg.c.bet_id)
            )
        ).all()
    )


async def _lock_coupons_on_event(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Lock the coupons with a leg on the event, in id order, before their legs are touched.

    Singles need no lock here: their one leg is on this event, whose messages are serialized by
    the event row (``_claim_version``)."""
    bet_ids = await _bets_on_event(session, event_id)
    if not bet_ids:
        return
    # One array parameter: an event may carry tens of thousands of bets.
    await session.execute(
        text(
            "SELECT id FROM bets.bet WHERE id = ANY(CAST(:ids AS uuid[]))"
            " AND bet_type = 'coupon' ORDER BY id FOR UPDATE"
        ),
        {"ids": bet_ids},
    )


# A settled bet's row after a (re)settlement pass; ``b_*`` are the executemany parameters.
_SETTLED_ROW: dict[str, Any] = {
    "status": bindparam("b_result"),
    "result": bindparam("b_result"),
    "payout_minor": bindparam("b_payout"),
    "settlement_version": bindparam("b_version"),
}

# What a pass decides for one locked bet, given its legs and their settlement now (None while a
# leg is unresolved): the row's new values and the message that says so, or None to leave it.
Decide = Callable[
    [Any, list[Any], Settlement | None, datetime], tuple[dict[str, Any], BaseModel] | None
]


async def _settle_resolved_bets(ctx: MessageContext, event_id: uuid.UUID) -> int:
    """Settle, batch by batch, the open bets on the event whose legs have all resolved (a
    coupon with a leg still to come stays open)."""

    def decide(
        b: Any, legs: list[Any], outcome: Settlement | None, at: datetime
    ) -> tuple[dict[str, Any], BaseModel] | None:
        if outcome is None:
            return None  # a leg on another event is still to come
        row = {"b_id": b.id, "b_result": outcome.result, "b_payout": outcome.payout_minor}
        message = BetSettled(
            bet_id=b.id,
            user_id=b.user_id,
            result=outcome.result,
            stake_minor=b.stake_minor,
            payout_minor=outcome.payout_minor,
            currency=b.currency,
            legs=contract_legs(legs),
            settled_at=at,
        )
        return {**row, "b_version": 1}, message

    def count(session: AsyncSession, messages: list[Any]) -> None:
        metrics.bets_settled(session, (m.result for m in messages))

    candidates = await _bets_on_event(ctx.session, event_id)
    return await _in_batches(ctx, candidates, (BetStatus.OPEN,), decide, count)


async def _resettle_bets(ctx: MessageContext, bet_ids: set[uuid.UUID]) -> int:
    """Recompute settled bets whose legs changed, batch by batch; a bet whose result or payout
    differs now gets its next settlement version and a ``BetResettled`` with the signed payout
    delta (the wallet moves it once). Returns how many bets changed."""

    def decide(
        b: Any, legs: list[Any], outcome: Settlement | None, at: datetime
    ) -> tuple[dict[str, Any], BaseModel] | None:
        assert outcome is not None  # a settled bet's legs stay resolved
        if (outcome.result, outcome.payout_minor) == (b.result, b.payout_minor):
            return None  # e.g. a coupon already lost on another leg
        version = (b.settlement_version or 1) + 1
        row = {"b_id": b.id, "b_result": outcome.result, "b_payout": outcome.payout_minor}
        message = BetResettled(
            bet_id=b.id,
            user_id=b.user_id,
            settlement_version=version,
            old_result=b.result,
            new_result=outcome.result,
            payout_delta_minor=outcome.payout_minor - b.payout_minor,
            currency=b.currency,
            legs=contract_legs(legs),
            resettled_at=at,
        )
        return {**row, "b_version": version}, message

    def count(session: AsyncSession, messages: list[Any]) -> None:
        metrics.bets_resettled(session, ((m.old_result, m.new_result) for m in messages))

    return await _in_batches(ctx, sorted(bet_ids), SETTLED, decide, count)


async def _in_batches(
    ctx: MessageContext,
    bet_ids: Sequence[uuid.UUID],
    statuses: Iterable[str],
    decide: Decide,
    count: Callable[[AsyncSession, list[Any]], None],
) -> int:
    """The (re)settlement loop both passes share: lock a batch of the bets still in ``statuses``
    (in id order, as every writer of bets does), settle each on its legs, let ``decide`` say what
    changes, write the changed rows in one UPDATE and emit their messages. The settled time is
    the batch's own: the wallet's copy orders by the latest settlement too (streaks agree)."""
    session = ctx.session
    changed = 0
    for start in range(0, len(bet_ids), BATCH_SIZE):
        bets = (
            await session.execute(
                select(bet)
                .where(
                    bet.c.id.in_(bet_ids[start : start + BATCH_SIZE]), bet.c.status.in_(statuses)
                )
                .order_by(bet.c.id)
                .with_for_update()
            )
        ).all()
        if not bets:
            continue
        legs_by_bet = await _legs_of(session, [b.id for b in bets])
        at = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        messages: list[BaseModel] = []
        for b in bets:
            legs = legs_by_bet[b.id]
            outcome = settle(
                is_coupon=b.bet_type == "coupon",
                stake_minor=b.stake_minor,
                legs=[LegState(Decimal(leg.coefficient), leg.outcome) for leg in legs],
            )
            decided = decide(b, legs, outcome, at)
            if decided is not None:
                rows.append(decided[0])
                messages.append(decided[1])
        if not rows:
            continue
        await session.execute(
            update(bet).where(bet.c.id == bindparam("b_id")).values(**_SETTLED_ROW, settled_at=at),
            rows,
        )
        count(session, messages)
        await ctx.emit(*messages)
        changed += len(rows)
    return changed


async def _legs_of(session: AsyncSession, bet_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    legs_by_bet: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for leg in (
        await session.execute(
            select(bet_leg)
            .where(bet_leg.c.bet_id.in_(bet_ids))
            .order_by(bet_leg.c.bet_id, bet_leg.c.position)
        )
    ).all():
        legs_by_bet[leg.bet_id].append(leg)
    return legs_by_bet


async def _apply_result(
    ctx: MessageContext, event_id: uuid.UUID, version: int, outcomes: Mapping[uuid.UUID, str]
) -> None:
    """Apply an event's result of ``version`` once: open bets' legs take it and settle when
    resolved; settled bets whose legs change are resettled."""
    if not await _claim_version(ctx.session, event_id, version):
        log.info("event.result_ignored", event_id=str(event_id), settlement_version=version)
        return  # this version (or a newer one) was applied already
    await _lock_coupons_on_event(ctx.session, event_id)
    await _resolve_legs(ctx.session, event_id, outcomes)
    affected = await _resolve_legs(
        ctx.session, event_id, outcomes, statuses=SETTLED, returning=True
    )
    settled = await _settle_resolved_bets(ctx, event_id)
    resettled = await _resettle_bets(ctx, affected) if affected else 0
    log.info(
        "event.result_applied",
        event_id=str(event_id),
        settlement_version=version,
        bets_settled=settled,
        bets_resettled=resettled,
    )


async def on_event_settled(payload: EventSettled, ctx: MessageContext) -> None:
    outcomes = {o.odds_id: o.outcome for o in payload.outcomes}
    await _apply_result(ctx, payload.event_id, payload.settlement_version, outcomes)


async def on_event_resettled(payload: EventResettled, ctx: MessageContext) -> None:
    """A corrected result (the full list as of its version): applied like a settlement over
    every leg on the event, open or settled."""
    outcomes = {o.odds_id: o.outcome for o in payload.outcomes}
    await _apply_result(ctx, payload.event_id, payload.settlement_version, outcomes)


async def on_event_cancelled(payload: EventCancelled, ctx: MessageContext) -> None:
    """Void every leg on the event; singles are refunded, coupons go on at 1.00 for the leg."""
    await ctx.session.execute(
        insert(event)
        .values(id=payload.event_id, status=EVENT_CANCELLED)
        .on_conflict_do_update(
            index_elements=[event.c.id], set_={"status": EVENT_CANCELLED, "updated_at": func.now()}
        )
    )
    await _lock_coupons_on_event(ctx.session, payload.event_id)
    await _resolve_legs(ctx.session, payload.event_id, {}, only_unresolved=True)
    settled = await _settle_resolved_bets(ctx, payload.event_id)
    log.info("event.cancelled", event_id=str(payload.event_id), bets_settled=settled)
