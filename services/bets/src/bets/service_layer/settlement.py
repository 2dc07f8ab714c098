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
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from bets.domain.bet import SETTLED, BetStatus
from bets.domain.settlement import LegState, Settlement, settle
from bets.service_layer import metrics
from bets.service_layer.messages import contract_legs
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetResettled, BetSettled
from common.contracts.events import EventCancelled, EventResettled, EventSettled
from common.logging import get_logger
from common.messaging.consumer import MessageContext

log = get_logger(__name__)

BATCH_SIZE = 1000

# What a pass decides for one locked bet, given its legs and their settlement now (None while a
# leg is unresolved): the row's new values and the message that says so, or None to leave it.
Decide = Callable[
    [Any, list[Any], Settlement | None, datetime], tuple[dict[str, Any], BaseModel] | None
]


async def _settle_resolved_bets(uow: BetsUnitOfWork, event_id: uuid.UUID) -> int:
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

    def count(messages: list[Any]) -> None:
        metrics.bets_settled(uow, (m.result for m in messages))

    candidates = await uow.bets.ids_on_event(event_id)
    return await _in_batches(uow, candidates, (BetStatus.OPEN,), decide, count)


async def _resettle_bets(uow: BetsUnitOfWork, bet_ids: set[uuid.UUID]) -> int:
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

    def count(messages: list[Any]) -> None:
        metrics.bets_resettled(uow, ((m.old_result, m.new_result) for m in messages))

    return await _in_batches(uow, sorted(bet_ids), SETTLED, decide, count)


async def _in_batches(
    uow: BetsUnitOfWork,
    bet_ids: Sequence[uuid.UUID],
    statuses: Iterable[str],
    decide: Decide,
    count: Callable[[list[Any]], None],
) -> int:
    """The (re)settlement loop both passes share: lock a batch of the bets still in ``statuses``
    (in id order, as every writer of bets does), settle each on its legs, let ``decide`` say what
    changes, write the changed rows in one UPDATE and emit their messages. The settled time is
    the batch's own: the wallet's copy orders by the latest settlement too (streaks agree)."""
    changed = 0
    for start in range(0, len(bet_ids), BATCH_SIZE):
        bets = await uow.bets.lock_in_status(bet_ids[start : start + BATCH_SIZE], statuses)
        if not bets:
            continue
        legs_by_bet = await uow.bets.legs_by_bet([b.id for b in bets])
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
        await uow.bets.write_settled(rows, at)
        count(messages)
        await uow.emit(*messages)
        changed += len(rows)
    return changed


async def _apply_result(
    uow: BetsUnitOfWork, event_id: uuid.UUID, version: int, outcomes: Mapping[uuid.UUID, str]
) -> None:
    """Apply an event's result of ``version`` once: open bets' legs take it and settle when
    resolved; settled bets whose legs change are resettled."""
    if not await uow.read_model.claim_settlement_version(event_id, version):
        log.info("event.result_ignored", event_id=str(event_id), settlement_version=version)
        return  # this version (or a newer one) was applied already
    await uow.bets.lock_coupons_on_event(event_id)
    await uow.bets.resolve_legs(event_id, outcomes)
    affected = await uow.bets.resolve_legs(event_id, outcomes, statuses=SETTLED, returning=True)
    settled = await _settle_resolved_bets(uow, event_id)
    resettled = await _resettle_bets(uow, affected) if affected else 0
    log.info(
        "event.result_applied",
        event_id=str(event_id),
        settlement_version=version,
        bets_settled=settled,
        bets_resettled=resettled,
    )


async def on_event_settled(payload: EventSettled, ctx: MessageContext) -> None:
    outcomes = {o.odds_id: o.outcome for o in payload.outcomes}
    uow = BetsUnitOfWork.for_message(ctx)
    await _apply_result(uow, payload.event_id, payload.settlement_version, outcomes)


async def on_event_resettled(payload: EventResettled, ctx: MessageContext) -> None:
    """A corrected result (the full list as of its version): applied like a settlement over
    every leg on the event, open or settled."""
    outcomes = {o.odds_id: o.outcome for o in payload.outcomes}
    uow = BetsUnitOfWork.for_message(ctx)
    await _apply_result(uow, payload.event_id, payload.settlement_version, outcomes)


async def on_event_cancelled(payload: EventCancelled, ctx: MessageContext) -> None:
    """Void every leg on the event; singles are refunded, coupons go on at 1.00 for the leg."""
    uow = BetsUnitOfWork.for_message(ctx)
    await uow.read_model.mark_event_cancelled(payload.event_id)
    await uow.bets.lock_coupons_on_event(payload.event_id)
    await uow.bets.resolve_legs(payload.event_id, {}, only_unresolved=True)
    settled = await _settle_resolved_bets(uow, payload.event_id)
    log.info("event.cancelled", event_id=str(payload.event_id), bets_settled=settled)
