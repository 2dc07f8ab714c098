"""The wallet's replies decided by the set: a run of ``StakeReserved`` /
``StakeReservationRejected`` in the consumer's one transaction, with exactly the results of
deciding them one at a time (``saga.py`` describes the rules).

1. Lock every bet of the batch in one ``SELECT … FOR UPDATE`` ordered by id (the lock order
   every batch shares), read all their legs in one query, and check the offer of every leg of
   the bets a ``StakeReserved`` may open in one query (``offer.offer_verdicts``).
2. Decide each reply in arrival order in memory, on those rows: a bet decided earlier in the
   batch is decided for the later replies too (a duplicate changes nothing), a ``StakeReserved``
   for a bet the watchdog gave up on releases the stake again.
3. Write by the set: one UPDATE for the bets opened, one for those rejected (each with its
   reason), one ``pg_notify`` for every decided bet, the metrics, and every reply in one outbox
   INSERT, each carrying on its own message's correlation/causation.

Errors are those of one at a time: a missing bet raises ``BetNotFound`` (retried: our own outbox
sent the ReserveStake), a reply in another currency raises ``ReplyInOtherCurrency`` (a poison
message). Either rolls the batch back; the consumer then retries its replies as lists of one, so
only the culprit is retried or dead-lettered.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row

from bets.adapters.repositories import EventReadModel
from bets.domain.bet import BetStatus, can_transition, next_status
from bets.domain.errors import BetNotFound
from bets.service_layer import metrics
from bets.service_layer.messages import (
    RESERVATION_TIMEOUT,
    ReplyInOtherCurrency,
    bet_placed,
    bet_rejected,
    contract_legs,
    release_stake,
)
from bets.service_layer.offer import offer_verdicts
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetLeg
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.errors import DomainError
from common.logging import get_logger
from common.messaging.consumer import BatchContext, Batched
from common.messaging.envelope import Envelope

log = get_logger(__name__)

WalletReply = StakeReserved | StakeReservationRejected


@dataclass
class _Batch:
    now: datetime  # the offers are checked, and the bets placed, at this instant
    rows: dict[uuid.UUID, Row[Any]]
    legs: dict[uuid.UUID, list[BetLeg]]
    refusals: dict[uuid.UUID, DomainError | None] = field(default_factory=dict)
    # (status, reason) as decided so far in this batch
    state: dict[uuid.UUID, tuple[BetStatus, str | None]] = field(default_factory=dict)
    opened: list[uuid.UUID] = field(default_factory=list)
    rejected: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    replies: list[tuple[Envelope, BaseModel]] = field(default_factory=list)

    def open(self, bet_id: uuid.UUID) -> None:
        self.state[bet_id] = (next_status(self.state[bet_id][0], BetStatus.OPEN), None)
        self.opened.append(bet_id)

    def reject(self, bet_id: uuid.UUID, reason: str) -> None:
        self.state[bet_id] = (next_status(self.state[bet_id][0], BetStatus.REJECTED), reason)
        self.rejected.append((bet_id, reason))


async def decide_replies(items: Sequence[tuple[WalletReply, Envelope]], ctx: BatchContext) -> None:
    """Decide the wallet's replies to ``ReserveStake`` in order in ``ctx``'s transaction."""
    await decide_wallet_replies(BetsUnitOfWork.for_message(ctx), items)


async def decide_wallet_replies(
    uow: BetsUnitOfWork, items: Sequence[tuple[WalletReply, Envelope]]
) -> None:
    """Decide the wallet's replies in order in the unit of work's transaction (which the
    caller commits)."""
    batch = await _lock_and_load(uow, [reply for reply, _ in items])
    for reply, envelope in items:
        if isinstance(reply, StakeReserved):
            _on_reserved(batch, reply, envelope)
        else:
            _on_refused(batch, reply, envelope)
    await _write(uow, batch)


# The consumer's batch handler: ONE object for both reply types, so a run of mixed replies is
# one group.
WALLET_REPLIES = Batched(decide_replies)


# --- 1. lock and load ------------------------------------------------------------------------


async def _lock_and_load(uow: BetsUnitOfWork, replies: list[WalletReply]) -> _Batch:
    ids = sorted({r.bet_id for r in replies})
    rows = await uow.bets.lock(ids)
    for reply in replies:
        if reply.bet_id not in rows:
            # Our own outbox sent the ReserveStake, so the bet exists: retry rather than drop.
            raise BetNotFound(details={"bet_id": str(reply.bet_id)})
    legs = await uow.bets.legs_by_bet(ids)
    batch = _Batch(
        now=datetime.now(UTC),
        rows=rows,
        legs={bet_id: contract_legs(found) for bet_id, found in legs.items()},
        state={row.id: (BetStatus(row.status), row.reason) for row in rows.values()},
    )
    may_open = sorted(
        {r.bet_id for r in replies if isinstance(r, StakeReserved)}
        & {b for b, row in rows.items() if can_transition(BetStatus(row.status), BetStatus.OPEN)}
    )
    batch.refusals = await _offer_refusals(uow.read_model, legs, may_open, batch.now)
    return batch


async def _offer_refusals(
    read_model: EventReadModel,
    legs: dict[uuid.UUID, list[Row[Any]]],
    bet_ids: list[uuid.UUID],
    now: datetime,
) -> dict[uuid.UUID, DomainError | None]:
    """Per bet: why it can no longer be bet on (its first leg that cannot), or None."""
    wanted = [(b, leg) for b in bet_ids for leg in legs[b]]
    verdicts = await offer_verdicts(
        read_model, [(leg.event_id, leg.odds_id) for _, leg in wanted], now=now
    )
    refusals: dict[uuid.UUID, DomainError | None] = dict.fromkeys(bet_ids)
    for (bet_id, _), verdict in zip(wanted, verdicts, strict=True):
        if isinstance(verdict, DomainError) and refusals[bet_id] is None:
            refusals[bet_id] = verdict
    return refusals


# --- 2. decide, in order ---------------------------------------------------------------------


def _on_reserved(batch: _Batch, reply: StakeReserved, envelope: Envelope) -> None:
    row, labels = batch.rows[reply.bet_id], batch.legs[reply.bet_id]
    status, reason = batch.state[reply.bet_id]
    if status == BetStatus.REJECTED and reason == RESERVATION_TIMEOUT:
        # A hold made after the watchdog gave up: release it again (the wallet voids a hold
        # once), in case the first ReleaseStake reached the wallet before the hold did.
        batch.replies.append((envelope, release_stake(row, reason, labels)))
        return
    if not can_transition(status, BetStatus.OPEN):
        return  # already decided: a duplicate reply changes nothing
    if reply.currency != row.currency:
        raise ReplyInOtherCurrency(f"bet {row.id}: held in {reply.currency}, not {row.currency}")
    refusal = batch.refusals[reply.bet_id]
    if refusal is not None:  # turned invalid while pending: compensate
        log.info("bet.rejected_after_reservation", bet_id=str(row.id), reason=refusal.code)
        batch.reject(row.id, refusal.code)
        batch.replies.append((envelope, release_stake(row, refusal.code, labels)))
        batch.replies.append((envelope, bet_rejected(row, refusal.code, labels)))
        return
    batch.open(row.id)
    batch.replies.append((envelope, bet_placed(row, labels, batch.now)))


def _on_refused(batch: _Batch, reply: StakeReservationRejected, envelope: Envelope) -> None:
    status, _ = batch.state[reply.bet_id]
    if not can_transition(status, BetStatus.REJECTED):
        return  # already decided: a duplicate reply changes nothing
    row = batch.rows[reply.bet_id]
    batch.reject(row.id, reply.reason)
    batch.replies.append((envelope, bet_rejected(row, reply.reason, batch.legs[row.id])))


# --- 3. write by the set ---------------------------------------------------------------------


async def _write(uow: BetsUnitOfWork, batch: _Batch) -> None:
    await uow.bets.open(batch.opened, batch.now)
    await uow.bets.reject(batch.rejected)
    await uow.bets.notify_decided([*batch.opened, *(b for b, _ in batch.rejected)])
    metrics.decided(uow, BetStatus.OPEN, n=len(batch.opened))
    for reason, n in Counter(reason for _, reason in batch.rejected).items():
        metrics.decided(uow, BetStatus.REJECTED, reason, n)
    if batch.replies:
        await uow.emit_replies(batch.replies)
