"""The stake saga by the set: a batch of ReserveStake/ReleaseStake/BetSettled/BetResettled
(and BetPlaced/BetCancelled, read model only) in the consumer's one transaction, with exactly
the results of ``saga.py`` one at a time.

1. Lock, in the order every batch shares: the bets' advisory locks (reservations and releases),
   the holds ``FOR UPDATE`` by bet id, then every user account by account id (one statement
   each), and read the rejections, tombstones, wallets, the reserving users' restrictions in
   force (a time-out or self-exclusion: ``wallet.account_restricted``) and posted resettlements
   in one each.
2. Decide every message in arrival order in memory, on those locked rows, with the rules of
   ``saga.py``: running balances per user (two stakes of 6 on 10: the first held, the second
   ``insufficient_funds``), a hold created, voided or settled earlier in the batch is seen by
   the later messages (a duplicate moves nothing), each effect carries its own message's
   ``event_id``/``correlation_id``. A BetCancelled takes the stake of the hold as it stands at
   that point of the batch (held earlier in it, or before it), as one at a time it would.
3. Write by the set: new holds in one INSERT, finished holds in one UPDATE, rejections and
   tombstones in one INSERT each, the ledger (transfers, entries, history: one INSERT each; one
   balance UPDATE for every account touched; system deltas at commit), the bet read model (one
   upsert per kind of message — placed, cancelled, settled — in as few rounds as keep each
   bet's own writes in arrival order; a BetPlaced already written writes nothing), the audit
   rows in one INSERT, the replies in one outbox INSERT.

Errors are those of ``saga.py``: ``HoldNotFound``, ``HoldMismatch``,
``SettlementInOtherCurrency``, ``WalletNotFound`` raise and roll the batch back; the consumer
then retries its messages one at a time (lists of one), so only the culprit goes to the retry
queue. A payout past the cap is decided one at a time too: in a batch of more than one it only
rolls back (``DecideAlone``); alone it is refused, audited and counted exactly as ``saga.py``.

A free bet (``ReserveStake.free_bet``, issue 22) is decided alone too, every message of it: its
stake is a package's unit, not money in ``held`` (``free_bets.py``), so a new reservation, a
release, a settlement or a correction of one rolls a batch of more than one back and comes again
as a list of one. Free bets are rare beside the money path's thousands of stakes per second.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common.contracts.bets import (
    BetCancelled,
    BetPlaced,
    BetResettled,
    BetSettled,
    ReleaseStake,
    ReserveStake,
)
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.logging import get_logger
from common.messaging.consumer import BatchContext, BatchItems
from common.messaging.envelope import Envelope, wrap
from wallet.adapters import bet_read_model
from wallet.adapters.holds import HoldRow, Rejection, Tombstone
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry
from wallet.domain.errors import HoldMismatch, InsufficientFunds, ResettlementTooEarly
from wallet.domain.history import HistoryLine
from wallet.domain.ledger import HoldStatus, TransferKind
from wallet.domain.payouts import DEFAULT_MAX_PAYOUT_MINOR
from wallet.service_layer import free_bets, money_metrics
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.saga import (
    ACCOUNT_RESTRICTED,
    BET_RELEASED,
    INSUFFICIENT_FUNDS,
    Origin,
    audit_entry,
    cancelled_values,
    check_resettlement,
    check_result,
    check_same,
    describe,
    pending_hold,
    placed_values,
    refuse_payout,
    rejected_entry,
    rejected_reply,
    reserved_entry,
    reserved_reply,
    resettle_posting,
    resettled_entry,
    resettled_hold,
    resettled_values,
    resettlement_reference,
    settled_entry,
    settled_hold,
    settled_values,
    settlement_postings,
    stake_posting,
    void_posting,
    wallet_refusal,
)
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import WalletRow

log = get_logger(__name__)

MoneyCommand = ReserveStake | ReleaseStake | BetSettled | BetResettled
SagaCommand = MoneyCommand | BetPlaced | BetCancelled
# A reservation's reply; otherwise whether money moved now (BetPlaced/BetCancelled: never).
SagaResult = StakeReserved | StakeReservationRejected | bool
ReadModelWrite = tuple[str, dict[str, Any]]  # (placed | cancelled | settled | resettled, values)


class DecideAlone(Exception):
    """A rare path (a payout refusal) is decided one message at a time: roll the batch back."""


@dataclass
class _Batch:
    uow: WalletUnitOfWork
    max_payout_minor: int
    alone: bool  # a list of one: refusals are decided here, as saga.py does
    holds: dict[uuid.UUID, HoldRow] = field(default_factory=dict)
    new_holds: dict[uuid.UUID, HoldRow] = field(default_factory=dict)
    finished: dict[uuid.UUID, HoldRow] = field(default_factory=dict)
    rejections: dict[uuid.UUID, str] = field(default_factory=dict)
    new_rejections: list[Rejection] = field(default_factory=list)
    tombstones: set[uuid.UUID] = field(default_factory=set)
    new_tombstones: list[Tombstone] = field(default_factory=list)
    wallets: dict[uuid.UUID, WalletRow] = field(default_factory=dict)
    restricted: set[uuid.UUID] = field(default_factory=set)  # reserving users timed out/excluded
    stakes: dict[uuid.UUID, int] = field(default_factory=dict)  # holds of cancelled bets only
    resettled: set[str] = field(default_factory=set)  # posted resettlement references
    audit: list[AuditEntry] = field(default_factory=list)
    replies: list[Envelope] = field(default_factory=list)
    read_model: list[ReadModelWrite] = field(default_factory=list)


async def on_saga_batch(
    items: BatchItems, ctx: BatchContext, *, max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR
) -> None:
    """The consumer's batch handler for the stake saga's messages (and BetPlaced/BetCancelled)."""
    await apply_saga_batch(
        WalletUnitOfWork.for_message(ctx),
        [(payload, Origin.of(envelope)) for payload, envelope in items],
        max_payout_minor=max_payout_minor,
    )


async def apply_saga_batch(
    uow: WalletUnitOfWork,
    items: Sequence[tuple[SagaCommand, Origin]],
    *,
    max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR,
) -> list[SagaResult]:
    """Apply the messages in order in ``uow``'s transaction; each one's answer, in order."""
    batch = _Batch(uow, max_payout_minor, alone=len(items) == 1)
    await _lock_and_load(batch, [command for command, _ in items])
    results: list[SagaResult] = []
    for command, origin in items:
        results.append(await _decide(batch, command, origin))
    await _write(batch)
    return results


# --- 1. lock and load ----------------------------------------------------------------------


async def _lock_and_load(batch: _Batch, commands: list[SagaCommand]) -> None:
    uow = batch.uow
    money = [c for c in commands if isinstance(c, MoneyCommand)]
    cancelled = [c for c in commands if isinstance(c, BetCancelled)]
    reserving = {c.bet_id for c in money if isinstance(c, ReserveStake)}
    gating = reserving | {c.bet_id for c in money if isinstance(c, ReleaseStake)}
    await uow.holds.lock_bets(gating)
    batch.holds = await uow.holds.lock({c.bet_id for c in money})
    # A cancelled bet's stake, if no money message of the batch has its hold locked already:
    # the read model only reads it, so it is not locked.
    unlocked = {c.bet_id for c in cancelled} - {c.bet_id for c in money}
    batch.stakes = {b: h.amount_minor for b, h in (await uow.holds.find(unlocked)).items()}
    batch.rejections = await uow.holds.rejections(gating)
    batch.tombstones = await uow.holds.tombstones(reserving)
    reserving_users = {c.user_id for c in money if isinstance(c, ReserveStake)}
    batch.wallets = await uow.wallets.find_many(
        reserving_users | {c.user_id for c in cancelled},
    )
    batch.restricted = await uow.responsible_gambling.restricted(reserving_users)
    batch.resettled = await uow.ledger.posted(
        TransferKind.resettlement,
        [
            resettlement_reference(c)
            for c in money
            if isinstance(c, BetResettled) and c.payout_delta_minor != 0
        ],
    )
    if money:  # BetPlaced/BetCancelled move no money: no account is locked for them
        await uow.batch_ledger.lock_users({c.user_id for c in money})


# --- 2. decide, in order -------------------------------------------------------------------


async def _decide(batch: _Batch, command: SagaCommand, origin: Origin) -> SagaResult:
    if isinstance(command, ReserveStake):
        return await _reserve(batch, command, origin)
    if isinstance(command, ReleaseStake):
        return await _release(batch, command, origin)
    if isinstance(command, BetSettled):
        return await _settle(batch, command, origin)
    if isinstance(command, BetResettled):
        return await _resettle(batch, command, origin)
    if isinstance(command, BetPlaced):
        batch.read_model.append(("placed", placed_values(command)))
        return False
    return _cancel(batch, command)


def _cancel(batch: _Batch, event: BetCancelled) -> bool:
    """Read model only; the stake is the hold's as it stands now (held earlier in the batch or
    before it), as ``saga.record_bet_cancelled`` reads it one at a time."""
    held = batch.holds.get(event.bet_id)
    stake_minor = held.amount_minor if held else batch.stakes.get(event.bet_id, 0)
    values = cancelled_values(event, stake_minor, batch.wallets.get(event.user_id))
    batch.read_model.append(("cancelled", values))
    return False


async def _reserve(
    batch: _Batch, command: ReserveStake, origin: Origin
) -> StakeReserved | StakeReservationRejected:
    existing = batch.holds.get(command.bet_id)
    if existing is not None:  # held before (or earlier in this batch): the same answer
        check_same(existing, command.user_id, command.amount_minor, command.bet_id)
        return _reply(batch, origin, reserved_reply(command, existing.id))
    recorded = batch.rejections.get(command.bet_id)
    if recorded is not None:  # rejected before: the same answer, not audited again
        return _reply(batch, origin, rejected_reply(command, recorded))
    hold_id = uuid.uuid4()
    if command.bet_id in batch.tombstones:
        reason: str | None = BET_RELEASED
    elif command.user_id in batch.restricted:  # nothing held, no free-bet unit taken
        reason = ACCOUNT_RESTRICTED
    elif command.free_bet:
        reason = await _try_free_bet(batch, command)
    else:
        reason = _try_hold(batch, command, origin)
    if reason is None:
        created = pending_hold(command, hold_id)
        batch.holds[command.bet_id] = batch.new_holds[command.bet_id] = created
        batch.audit.append(reserved_entry(origin, command, hold_id))
        return _reply(batch, origin, reserved_reply(command, hold_id))
    batch.rejections[command.bet_id] = reason
    batch.new_rejections.append(
        Rejection(command.bet_id, command.user_id, command.amount_minor, reason)
    )
    batch.audit.append(rejected_entry(origin, command, reason))
    return _reply(batch, origin, rejected_reply(command, reason))


def _try_hold(batch: _Batch, command: ReserveStake, origin: Origin) -> str | None:
    refusal = wallet_refusal(batch.wallets.get(command.user_id), command.currency)
    if refusal is not None:
        return refusal
    try:
        _post(batch, origin, *stake_posting(command))
    except InsufficientFunds:
        return INSUFFICIENT_FUNDS
    money_metrics.moved(batch.uow, MoneyKind.stake_held, command.amount_minor)
    return None


async def _try_free_bet(batch: _Batch, command: ReserveStake) -> str | None:
    """Take one unit of a free-bet package staking the bet's amount; no money moves."""
    _require_alone(batch, command.bet_id)
    refusal = wallet_refusal(batch.wallets.get(command.user_id), command.currency)
    if refusal is not None:
        return refusal
    taken = await free_bets.take_free_bet(
        batch.uow, user_id=command.user_id, bet_id=command.bet_id, stake_minor=command.amount_minor
    )
    return None if taken else free_bets.FREE_BET_UNAVAILABLE


def _require_alone(batch: _Batch, bet_id: uuid.UUID) -> None:
    if not batch.alone:
        raise DecideAlone(f"bet {bet_id}: a free bet, decided alone")


async def _release(batch: _Batch, command: ReleaseStake, origin: Origin) -> bool:
    found = batch.holds.get(command.bet_id)
    if found is None:
        if command.bet_id not in batch.rejections and command.bet_id not in batch.tombstones:
            batch.tombstones.add(command.bet_id)
            batch.new_tombstones.append(Tombstone(command.bet_id, command.user_id, command.reason))
            log.info(
                "wallet.released_before_reserved",
                bet_id=str(command.bet_id),
                reason=command.reason,
            )
        return False
    if found.user_id != command.user_id:
        raise HoldMismatch(f"bet {command.bet_id}: hold of another user")
    if found.status is not HoldStatus.pending:
        return False
    await _void(batch, origin, found, command)
    if not found.free_bet:
        money_metrics.moved(batch.uow, MoneyKind.stake_released, found.amount_minor)
    batch.audit.append(
        audit_entry(
            origin,
            AuditAction.stake_released,
            user_id=found.user_id,
            bet_id=command.bet_id,
            amount_minor=found.amount_minor,
        )
    )
    return True


async def _settle(batch: _Batch, event: BetSettled, origin: Origin) -> bool:
    found = settled_hold(batch.holds.get(event.bet_id), event)
    cap = found.cap(batch.max_payout_minor)
    refusal = cap.refusal(event.payout_minor)
    if refusal is not None:
        if not batch.alone:  # a rare path: the batch rolls back, each message alone
            raise DecideAlone(f"bet {found.bet_id}: BetSettled refused, decided alone")
        await refuse_payout(
            batch.uow, origin, found, "BetSettled", cap, refusal, event.payout_minor
        )
    check_result(found, event)
    batch.read_model.append(("settled", settled_values(event)))
    if found.status is not HoldStatus.pending:
        return False  # settled (or released) before: no money moves again
    if found.free_bet:
        return await _settle_free_bet(batch, event, origin, found)
    paid = event.payout_minor if event.result == "won" else 0
    batch.audit.append(settled_entry(origin, event, found, paid))
    if event.result == "void":
        await _void(batch, origin, found, event)
        money_metrics.moved(batch.uow, MoneyKind.refund, found.amount_minor)
        return True
    batch.uow.batch_ledger.available(event.user_id)  # no wallet row: WalletNotFound, as saga.py
    for spec, line in settlement_postings(event, found.amount_minor):
        _post(batch, origin, spec, line)
    _finish(batch, found, HoldStatus.posted, paid)
    money_metrics.moved(batch.uow, MoneyKind.stake_captured, found.amount_minor)
    if paid:
        money_metrics.moved(batch.uow, MoneyKind.payout, paid)
    return True


async def _settle_free_bet(
    batch: _Batch, event: BetSettled, origin: Origin, found: HoldRow
) -> bool:
    """Lost: the unit is spent, nothing moves. Won: the winnings only, promotions → available.
    Void: the unit back. ``paid_minor`` keeps the gross payout (the cap's measure)."""
    _require_alone(batch, event.bet_id)
    gross = event.payout_minor if event.result == "won" else 0
    winnings = free_bets.winnings_minor(gross, found.amount_minor)
    batch.audit.append(settled_entry(origin, event, found, winnings))
    if event.result == "void":
        await _void(batch, origin, found, event)
        return True
    if winnings:
        batch.uow.batch_ledger.available(event.user_id)
        spec, line = free_bets.winnings_posting(
            event.user_id, event.bet_id, winnings, describe(event.legs)
        )
        _post(batch, origin, spec, line)
        money_metrics.moved(batch.uow, MoneyKind.free_bet_winnings, winnings)
    _finish(batch, found, HoldStatus.posted, gross)
    return True


async def _resettle(batch: _Batch, event: BetResettled, origin: Origin) -> bool:
    found = resettled_hold(batch.holds.get(event.bet_id), event)
    if found.free_bet:
        return await _resettle_free_bet(batch, event, origin, found)
    reference = resettlement_reference(event)
    moved = False
    if event.payout_delta_minor != 0:
        if reference in batch.resettled:
            return False  # this version was posted before: nothing moves, nothing recorded
        await _check_cap_alone(batch, origin, found, event)
        batch.uow.batch_ledger.available(event.user_id)
        _post(batch, origin, *resettle_posting(event))
        batch.resettled.add(reference)
        moved = True
        money_metrics.resettled(batch.uow, event.payout_delta_minor)
        _finish(batch, found, found.status, found.paid_minor + event.payout_delta_minor)
        batch.audit.append(resettled_entry(origin, event))
    batch.read_model.append(("resettled", resettled_values(event)))
    return moved


async def _resettle_free_bet(
    batch: _Batch, event: BetResettled, origin: Origin, found: HoldRow
) -> bool:
    """The change of winnings between the two results, once per version, in version order (the
    read model's settlement version, written with each, says which came last): a zero change
    moves nothing but still counts as applied."""
    _require_alone(batch, event.bet_id)
    applied = await bet_read_model.settlement_version(batch.uow.db, event.bet_id) or 0
    if applied >= event.settlement_version:
        return False  # this version was applied before
    if applied < event.settlement_version - 1:
        raise ResettlementTooEarly(
            f"bet {event.bet_id}: version {event.settlement_version} before {applied + 1}"
        )
    await _check_cap_alone(batch, origin, found, event)
    gross = found.paid_minor + event.payout_delta_minor
    delta = free_bets.winnings_minor(gross, found.amount_minor) - free_bets.winnings_minor(
        found.paid_minor, found.amount_minor
    )
    if delta:
        batch.uow.batch_ledger.available(event.user_id)
        _post(
            batch,
            origin,
            *free_bets.winnings_correction(
                event.user_id, event.bet_id, event.settlement_version, delta
            ),
        )
        money_metrics.resettled(batch.uow, delta)
    _finish(batch, found, found.status, gross)
    batch.audit.append(resettled_entry(origin, event))
    batch.read_model.append(("resettled", resettled_values(event)))
    return delta != 0


# --- the payout cap: refused one message at a time -----------------------------------------


async def _check_cap_alone(
    batch: _Batch, origin: Origin, found: HoldRow, event: BetResettled
) -> None:
    total = found.paid_minor + event.payout_delta_minor
    if found.cap(batch.max_payout_minor).refusal(total) is None:
        return
    if not batch.alone:  # the too-early check reads the read model: decided alone, on the DB
        raise DecideAlone(f"bet {found.bet_id}: BetResettled refused, decided alone")
    await check_resettlement(batch.uow, origin, found, event, batch.max_payout_minor)


# --- helpers -------------------------------------------------------------------------------


def _post(
    batch: _Batch, origin: Origin, spec: rules.Transfer, line: HistoryLine | None = None
) -> None:
    batch.uow.batch_ledger.post(
        spec, line, event_id=origin.event_id, correlation_id=origin.correlation_id
    )


async def _void(
    batch: _Batch, origin: Origin, found: HoldRow, message: ReleaseStake | BetSettled
) -> None:
    """The stake back: held → available, or a free bet's unit back on its purchase."""
    if found.free_bet:
        _require_alone(batch, found.bet_id)
        await free_bets.give_back_free_bet(batch.uow, user_id=found.user_id, bet_id=found.bet_id)
    else:
        _post(batch, origin, *void_posting(found, message.legs))
    _finish(batch, found, HoldStatus.voided, found.amount_minor)


def _finish(batch: _Batch, found: HoldRow, status: HoldStatus, paid_minor: int) -> None:
    if status is not found.status:
        rules.finish_hold(found.status, status)
    found.status, found.paid_minor = status, paid_minor
    if found.bet_id not in batch.new_holds:  # a new hold is inserted in its final state
        batch.finished[found.bet_id] = found


def _reply(
    batch: _Batch, origin: Origin, reply: StakeReserved | StakeReservationRejected
) -> StakeReserved | StakeReservationRejected:
    batch.replies.append(
        wrap(
            reply,
            correlation_id=origin.correlation_id,
            causation_id=None if origin.event_id is None else str(origin.event_id),
        )
    )
    return reply


# --- 3. write by the set -------------------------------------------------------------------


async def _write(batch: _Batch) -> None:
    uow = batch.uow
    await uow.holds.add(list(batch.new_holds.values()))
    await uow.holds.update(sorted(batch.finished.values(), key=lambda h: h.bet_id))
    await uow.holds.reject(batch.new_rejections)
    await uow.holds.bury(batch.new_tombstones)
    await uow.batch_ledger.flush()
    await _write_read_model(batch)
    await uow.audit.add(*batch.audit)
    if batch.replies:
        await uow.emit(*batch.replies)


async def _write_read_model(batch: _Batch) -> None:
    """Each round is one kind of write, one upsert for all its bets (a resettlement: one
    UPDATE each); the rounds come in the order that keeps every bet's writes in arrival order.
    Writes of different bets touch different rows, so only each bet's own order matters."""
    db = batch.uow.db
    for kind, writes in read_model_rounds(batch.read_model):
        if kind == "placed":
            await bet_read_model.record_placed_many(db, writes)
        elif kind == "cancelled":
            await bet_read_model.record_cancelled_many(db, writes)
        elif kind == "settled":
            await bet_read_model.record_settled_many(db, writes)
        else:
            for values in writes:
                await bet_read_model.record_resettled(db, **values)


def read_model_rounds(writes: list[ReadModelWrite]) -> list[tuple[str, list[dict[str, Any]]]]:
    """As few rounds as keep each bet's writes in order: a write joins the first round of its
    kind after the round of its bet's previous write, or opens a new one. A bet is at most
    once in a round (a multi-row upsert may not touch a row twice)."""
    rounds: list[tuple[str, list[dict[str, Any]]]] = []
    latest: dict[uuid.UUID, int] = {}  # bet → the round of its latest write
    for kind, values in writes:
        after = latest.get(values["bet_id"], -1)
        found = next((i for i in range(after + 1, len(rounds)) if rounds[i][0] == kind), None)
        if found is None:
            rounds.append((kind, []))
            found = len(rounds) - 1
        rounds[found][1].append(values)
        latest[values["bet_id"]] = found
    return rounds
