"""The wallet's side of the bet saga, and the auth events it follows.

Each handler runs on a unit of work joined to the consumer's transaction
(``WalletUnitOfWork.for_message(ctx)``, shared by a batch) together with the inbox row, so a
redelivered envelope changes nothing. Every money effect is also keyed by ``bet_id`` (the hold,
unique per bet; ``(kind, reference)`` unique per transfer), so the same bet arriving again under
a new ``event_id`` is answered the same way and moves no money twice.

Each money movement (stake reserved, released, settled, resettled) and each first rejection of
a reservation writes one ``audit_log`` row in the same transaction (one INSERT per message at
most, ``ip_address``/``user_agent`` null, ``details`` with bet_id, correlation_id, event_id); a
duplicate that moves nothing writes nothing.

Every statement on holds, rejections, tombstones and the bets' advisory locks goes through
``adapters/holds.py`` (``Holds``), the one the batch path (``saga_batch.py``) uses, with sets of
one here. BetPlaced and BetCancelled only write the bet read model (no money, no audit).

A settle for a bet whose hold does not exist yet *raises*: the batch rolls back, the message
goes through the retry queue and is applied once the reservation has been processed (never
dropped, never applied twice). A release for a bet never reserved here is different: the bets
watchdog gave up on it, and its ReserveStake may be lost or still in flight. The release leaves a
tombstone and is acknowledged; a ReserveStake arriving later is rejected (``wallet.bet_released``)
and holds nothing. A reservation and a release of one bet take the bet's advisory lock, so they
decide one after the other whatever the timing.

A reservation for a user whose time-out or self-exclusion runs (the restriction read model,
the one money-in answers 403 ``wallet.account_restricted`` from) is rejected with that reason and
holds nothing, free bets included: bets refuses such a bet first, this is defence in depth.

The payout cap (ARCHITECTURE.md §9): the hold keeps the bet's potential win from its
``ReserveStake`` and what the bet has paid back so far. A ``BetSettled`` or ``BetResettled`` that
would take that total past the cap (or below zero) credits nothing: it is refused with
``PayoutRefused`` (the bus retries it, then dead-letters it), counted once in
``wallet_payouts_refused_total`` and audited once (``payout_refused``, in a transaction of its own
since the message's own rolls back).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from prometheus_client import Counter

from common.contracts.auth import UserBlocked, UserRegistered, UserUnblocked
from common.contracts.bets import (
    BetCancelled,
    BetLeg,
    BetPlaced,
    BetResettled,
    BetSettled,
    ReleaseStake,
    ReserveStake,
)
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.errors import PoisonMessage
from common.logging import get_logger
from common.messaging.consumer import MessageContext
from common.messaging.envelope import Envelope
from common.money import format_minor
from wallet.adapters import bet_read_model
from wallet.adapters.audit import write_payout_refusal_once
from wallet.adapters.holds import HoldRow, Holds, Rejection, Tombstone
from wallet.adapters.ledger import Ledger
from wallet.adapters.report_holders import record_account_holder
from wallet.adapters.wallets import BLOCKED
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus
from wallet.domain.errors import (
    HoldMismatch,
    HoldNotFound,
    InsufficientFunds,
    PayoutRefused,
    ResettlementTooEarly,
    TransferAlreadyPosted,
)
from wallet.domain.history import HistoryLine, HistoryType, settlement_type
from wallet.domain.ledger import HoldStatus, TransferKind
from wallet.domain.payouts import DEFAULT_MAX_PAYOUT_MINOR, PayoutCap, PayoutRefusal
from wallet.service_layer import money_metrics
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import WalletRow

log = get_logger(__name__)

NO_WALLET = "wallet.no_wallet"
USER_BLOCKED = "wallet.user_blocked"
ACCOUNT_CLOSING = "wallet.account_closing"  # the user asked to close the account
INSUFFICIENT_FUNDS = "wallet.insufficient_funds"
CURRENCY_MISMATCH = "wallet.currency_mismatch"
BET_RELEASED = "wallet.bet_released"  # ReleaseStake came first: the bet is over before it began
# A time-out or self-exclusion runs (the restriction read model): no stake is held, free bets
# included — bets refuses such a bet already; this is the wallet's own check behind it.
ACCOUNT_RESTRICTED = "wallet.account_restricted"


class SettlementInOtherCurrency(PoisonMessage):
    """A settlement in another currency than the bet's stake: no retry can make it right."""

    dead_letter_reason = "currency_mismatch"


PAYOUTS_REFUSED = Counter(
    "wallet_payouts_refused_total",
    "BetSettled/BetResettled messages refused for paying past the bet's cap (once per message)",
    ["message", "reason"],  # BetSettled | BetResettled; above_potential_win | above_max_payout …
)


@dataclass(frozen=True)
class Origin:
    """The message a saga action came from, for its audit row."""

    event_id: uuid.UUID | None = None
    correlation_id: str | None = None

    @classmethod
    def of(cls, envelope: Envelope) -> Origin:
        return cls(event_id=envelope.event_id, correlation_id=envelope.correlation_id)


def audit_entry(
    origin: Origin,
    action: AuditAction,
    *,
    user_id: uuid.UUID,
    bet_id: uuid.UUID,
    amount_minor: int | None,
    status: AuditStatus = AuditStatus.success,
    **details: object,
) -> AuditEntry:
    """The audit row of one saga action (the single and the batch path write the same)."""
    return AuditEntry(
        action=action,
        status=status,
        user_id=user_id,
        amount_minor=amount_minor,
        details={
            "bet_id": str(bet_id),
            "correlation_id": origin.correlation_id,
            "event_id": None if origin.event_id is None else str(origin.event_id),
            **details,
        },
    )


def describe(legs: list[BetLeg]) -> str:
    if len(legs) == 1:
        leg = legs[0]
        return f"{leg.event_name}: {leg.selection} @ {leg.coefficient}"
    return f"Coupon of {len(legs)} legs: " + "; ".join(
        f"{leg.event_name}: {leg.selection} @ {leg.coefficient}" for leg in legs
    )


def bet_metadata(bet_id: uuid.UUID, legs: list[BetLeg]) -> dict[str, object]:
    return {"bet_id": str(bet_id), "legs": bet_read_model.legs_json(legs)}


# --- what a message posts and records: the single and the batch path build the same ----------

Posting = tuple[rules.Transfer, HistoryLine | None]  # a transfer and the user's row for it


def stake_posting(command: ReserveStake) -> Posting:
    """The stake available → held; the user's row shows it spent."""
    return (
        rules.hold_stake(command.user_id, command.bet_id, command.amount_minor),
        HistoryLine(
            type=HistoryType.bet_placed,
            amount_minor=-command.amount_minor,
            description=describe(command.legs),
            reference=str(command.bet_id),
            metadata=bet_metadata(command.bet_id, command.legs),
        ),
    )


def void_posting(found: HoldRow, legs: list[BetLeg]) -> Posting:
    """The held stake back to available (a release, or a void settlement)."""
    return (
        rules.void_stake(found.user_id, found.bet_id, found.amount_minor),
        HistoryLine(
            HistoryType.refund,
            found.amount_minor,
            f"Stake returned: {describe(legs)}",
            str(found.bet_id),
            metadata=bet_metadata(found.bet_id, legs),
        ),
    )


def settlement_postings(event: BetSettled, stake_minor: int) -> list[Posting]:
    """Won: the stake to the house, then the payout to available (the row shows the payout);
    lost, or a won bet paying nothing: the stake only, its row showing 0."""
    user, bet_id = event.user_id, event.bet_id
    kind = settlement_type(event.result, is_coupon=len(event.legs) > 1)
    description = describe(event.legs)
    metadata = bet_metadata(bet_id, event.legs)
    capture = rules.post_stake(user, bet_id, stake_minor)
    if event.result == "won" and event.payout_minor > 0:
        payout = HistoryLine(kind, event.payout_minor, description, str(bet_id), metadata=metadata)
        return [(capture, None), (rules.pay_out(user, bet_id, event.payout_minor), payout)]
    metadata = {**metadata, "stake": format_minor(stake_minor)}
    return [(capture, HistoryLine(kind, 0, description, str(bet_id), metadata=metadata))]


def resettle_posting(event: BetResettled) -> Posting:
    """The signed payout delta of one settlement version."""
    description = f"Resettled ({event.old_result} → {event.new_result}): {describe(event.legs)}"
    return (
        rules.resettle(
            event.user_id, event.bet_id, event.settlement_version, event.payout_delta_minor
        ),
        HistoryLine(
            HistoryType.bet_resettled,
            event.payout_delta_minor,
            description,
            str(event.bet_id),
            metadata={
                **bet_metadata(event.bet_id, event.legs),
                "settlement_version": event.settlement_version,
            },
        ),
    )


def resettlement_reference(event: BetResettled) -> str:
    """The reference of this version's correcting transfer (unique with its kind)."""
    return f"{event.bet_id}:{event.settlement_version}"


def settled_entry(origin: Origin, event: BetSettled, found: HoldRow, paid_minor: int) -> AuditEntry:
    """The audit row of a settlement that moves money."""
    return audit_entry(
        origin,
        AuditAction.bet_settled,
        user_id=event.user_id,
        bet_id=event.bet_id,
        # what reached the user's available balance: the payout, the stake back, or nothing
        amount_minor=found.amount_minor if event.result == "void" else paid_minor,
        result=event.result,
        stake=format_minor(found.amount_minor),
        payout=format_minor(paid_minor),
    )


def resettled_entry(origin: Origin, event: BetResettled) -> AuditEntry:
    return audit_entry(
        origin,
        AuditAction.bet_resettled,
        user_id=event.user_id,
        bet_id=event.bet_id,
        amount_minor=event.payout_delta_minor,
        settlement_version=event.settlement_version,
        old_result=event.old_result,
        new_result=event.new_result,
    )


def pending_hold(command: ReserveStake, hold_id: uuid.UUID) -> HoldRow:
    """The bet's hold as a reservation creates it (its potential win caps what it may pay)."""
    return HoldRow(
        id=hold_id,
        bet_id=command.bet_id,
        user_id=command.user_id,
        amount_minor=command.amount_minor,
        currency=command.currency,
        status=HoldStatus.pending,
        max_payout_minor=command.potential_win_minor,
        free_bet=command.free_bet,
    )


def reserved_entry(origin: Origin, command: ReserveStake, hold_id: uuid.UUID) -> AuditEntry:
    return audit_entry(
        origin,
        AuditAction.stake_reserved,
        user_id=command.user_id,
        bet_id=command.bet_id,
        amount_minor=command.amount_minor,
        hold_id=str(hold_id),
    )


def rejected_entry(origin: Origin, command: ReserveStake, reason: str) -> AuditEntry:
    return audit_entry(
        origin,
        AuditAction.stake_rejected,
        user_id=command.user_id,
        bet_id=command.bet_id,
        amount_minor=command.amount_minor,
        status=AuditStatus.rejected,
        reason=reason,
    )


# --- auth events -----------------------------------------------------------------------------


async def on_user_registered(
    payload: UserRegistered, ctx: MessageContext, *, currency: str
) -> None:
    uow = WalletUnitOfWork.for_message(ctx)
    await uow.wallets.open(payload.user_id, currency)
    # Reports show whose wallet it is (issue 9).
    await record_account_holder(uow.db, payload.user_id, email=payload.email, name=payload.name)


async def on_user_blocked(payload: UserBlocked, ctx: MessageContext, *, currency: str) -> None:
    """Mark the wallet blocked (opening it blocked if UserBlocked came first), unless an
    unblock newer than this message was applied already (wallets.py orders them)."""
    uow = WalletUnitOfWork.for_message(ctx)
    await uow.wallets.open(payload.user_id, currency, status=BLOCKED)
    await uow.wallets.block(payload.user_id, payload.reason, occurred_at=ctx.envelope.occurred_at)


async def on_user_unblocked(payload: UserUnblocked, ctx: MessageContext, *, currency: str) -> None:
    """Lift the block, unless a newer UserBlocked was applied (wallets.py orders them). A wallet
    not opened yet is opened active and remembers the unblock (a late, older block then loses)."""
    uow = WalletUnitOfWork.for_message(ctx)
    await uow.wallets.open(payload.user_id, currency)
    if not await uow.wallets.unblock(payload.user_id, occurred_at=ctx.envelope.occurred_at):
        log.info("wallet.unblock_older_than_block", user_id=str(payload.user_id))


# --- reserve ---------------------------------------------------------------------------------


async def reserve_stake(
    uow: WalletUnitOfWork, command: ReserveStake, origin: Origin | None = None
) -> StakeReserved | StakeReservationRejected:
    """Hold the stake, or say why not. The same bet always gets the same answer.

    The hold row is inserted first: it is the bet's lock. A concurrent duplicate waits on its
    unique key, then either finds the hold (reserved) or, if this attempt was rejected and its
    row deleted, finds the recorded rejection.
    """
    holds = uow.holds
    hold_id = uuid.uuid4()
    claimed = await holds.claim(pending_hold(command, hold_id))
    if not claimed:
        existing = await _find_hold(holds, command.bet_id)
        if existing is None:  # deleted by a rejection committed since: answer it
            rejection = await _find_rejection(holds, command.bet_id)
            if rejection is None:
                raise HoldNotFound(f"bet {command.bet_id}: hold vanished")
            return rejected_reply(command, rejection)
        check_same(existing, command.user_id, command.amount_minor, command.bet_id)
        return reserved_reply(command, existing.id)

    origin = origin or Origin()
    # After our hold row exists: a release that waits on this lock will then see it.
    await _lock_bet(holds, command.bet_id)
    rejection = await _find_rejection(holds, command.bet_id)
    if rejection is None and await _was_released(holds, command.bet_id):
        rejection = BET_RELEASED
    reason = rejection or await _try_hold(uow, command)
    if reason is None:
        await uow.audit.add(reserved_entry(origin, command, hold_id))
        return reserved_reply(command, hold_id)
    await holds.remove(hold_id)
    recorded = await holds.reject(
        [Rejection(command.bet_id, command.user_id, command.amount_minor, reason)]
    )
    if command.bet_id in recorded:  # the first answer for this bet; a repeat is not audited again
        await uow.audit.add(rejected_entry(origin, command, reason))
    return rejected_reply(command, reason)


async def _try_hold(uow: WalletUnitOfWork, command: ReserveStake) -> str | None:
    """Move the stake available → held (conditional debit); the rejection reason if not."""
    if await uow.responsible_gambling.restricted({command.user_id}):
        return ACCOUNT_RESTRICTED
    refusal = wallet_refusal(await uow.wallets.find(command.user_id), command.currency)
    if refusal is not None:
        return refusal
    try:
        await uow.ledger.post(*stake_posting(command))
    except InsufficientFunds:
        return INSUFFICIENT_FUNDS
    money_metrics.moved(uow, MoneyKind.stake_held, command.amount_minor)
    return None


def wallet_refusal(found: WalletRow | None, currency: str) -> str | None:
    """Why this wallet cannot hold a stake in ``currency`` (None: it can, funds permitting)."""
    if found is None:
        return NO_WALLET
    if found.is_blocked:
        return USER_BLOCKED
    if found.closing:
        return ACCOUNT_CLOSING
    if found.currency != currency:
        return CURRENCY_MISMATCH
    return None


def reserved_reply(command: ReserveStake, hold_id: uuid.UUID) -> StakeReserved:
    return StakeReserved(
        bet_id=command.bet_id,
        user_id=command.user_id,
        hold_id=hold_id,
        amount_minor=command.amount_minor,
        currency=command.currency,
    )


def rejected_reply(command: ReserveStake, reason: str) -> StakeReservationRejected:
    return StakeReservationRejected(bet_id=command.bet_id, user_id=command.user_id, reason=reason)


async def on_reserve_stake(payload: ReserveStake, ctx: MessageContext) -> None:
    await _as_batch_of_one(payload, ctx)


# --- release / settle ------------------------------------------------------------------------


async def release_stake(
    uow: WalletUnitOfWork, command: ReleaseStake, origin: Origin | None = None
) -> bool:
    """Void the bet's hold (held → available, ``refund +S``) once; True if money moved now.

    No hold and no rejection: the bet was released before its reservation reached us. Leave a
    tombstone so that reservation is refused, and move nothing.
    """
    found = await _lock_hold(uow.holds, command.bet_id)
    if found is None:
        # A reservation of this bet may be under way: wait for it, then look again.
        await _lock_bet(uow.holds, command.bet_id)
        found = await _lock_hold(uow.holds, command.bet_id)
    if found is None:
        if await _find_rejection(uow.holds, command.bet_id) is None:
            await _bury(uow.holds, command)
        return False  # the stake was never held: nothing to give back
    if found.user_id != command.user_id:
        raise HoldMismatch(f"bet {command.bet_id}: hold of another user")
    if found.status is not HoldStatus.pending:
        return False
    await _void(uow, found, command.legs)
    money_metrics.moved(uow, MoneyKind.stake_released, found.amount_minor)
    await uow.audit.add(
        audit_entry(
            origin or Origin(),
            AuditAction.stake_released,
            user_id=found.user_id,
            bet_id=command.bet_id,
            amount_minor=found.amount_minor,
        ),
    )
    return True


async def on_release_stake(payload: ReleaseStake, ctx: MessageContext) -> None:
    await _as_batch_of_one(payload, ctx)


async def settle_bet(
    uow: WalletUnitOfWork,
    event: BetSettled,
    origin: Origin | None = None,
    *,
    max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR,
) -> bool:
    """Capture the stake and pay out (won), capture (lost) or give it back (void); once.

    A payout past the bet's cap is refused before anything is written (``PayoutRefused``).
    """
    origin = origin or Origin()
    found = settled_hold(await _lock_hold(uow.holds, event.bet_id), event)
    cap = found.cap(max_payout_minor)
    refusal = cap.refusal(event.payout_minor)
    if refusal is not None:
        await refuse_payout(uow, origin, found, "BetSettled", cap, refusal, event.payout_minor)
    check_result(found, event)
    await bet_read_model.record_settled_many(uow.db, [settled_values(event)])
    if found.status is not HoldStatus.pending:
        return False  # settled (or released) before: no money moves again
    paid = event.payout_minor if event.result == "won" else 0
    await uow.audit.add(settled_entry(origin, event, found, paid))
    if event.result == "void":
        await _void(uow, found, event.legs)
        money_metrics.moved(uow, MoneyKind.refund, found.amount_minor)
        return True

    await uow.ledger.lock_available(event.user_id)  # lock order: available before held, always
    for spec, line in settlement_postings(event, found.amount_minor):
        await uow.ledger.post(spec, line)
    await _finish_hold(uow.holds, found, HoldStatus.posted, paid_minor=paid)
    money_metrics.moved(uow, MoneyKind.stake_captured, found.amount_minor)
    if paid:
        money_metrics.moved(uow, MoneyKind.payout, paid)
    return True


async def on_bet_settled(
    payload: BetSettled, ctx: MessageContext, *, max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR
) -> None:
    await _as_batch_of_one(payload, ctx, max_payout_minor=max_payout_minor)


async def resettle_bet(
    uow: WalletUnitOfWork,
    event: BetResettled,
    origin: Origin | None = None,
    *,
    max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR,
) -> bool:
    """Post the signed payout delta once per settlement version; may leave a debt.

    The bet's total payout after the delta stays within [0, cap], or the correction is refused.
    """
    origin = origin or Origin()
    found = resettled_hold(await _lock_hold(uow.holds, event.bet_id), event)
    if event.payout_delta_minor != 0 and not await _resettled_before(uow.ledger, event):
        await check_resettlement(uow, origin, found, event, max_payout_minor)
    moved = False
    if event.payout_delta_minor != 0:
        await uow.ledger.lock_available(event.user_id)
        try:
            await uow.ledger.post(*resettle_posting(event))
        except TransferAlreadyPosted:
            return False
        moved = True
        money_metrics.resettled(uow, event.payout_delta_minor)
        await _add_paid(uow.holds, found, event.payout_delta_minor)
        await uow.audit.add(resettled_entry(origin, event))
    await bet_read_model.record_resettled(uow.db, **resettled_values(event))
    return moved


async def on_bet_resettled(
    payload: BetResettled,
    ctx: MessageContext,
    *,
    max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR,
) -> None:
    await _as_batch_of_one(payload, ctx, max_payout_minor=max_payout_minor)


async def _as_batch_of_one(
    payload: ReserveStake | ReleaseStake | BetSettled | BetResettled | BetPlaced | BetCancelled,
    ctx: MessageContext,
    *,
    max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR,
) -> None:
    """A message on its own goes the way the consumer sends it: the batch path, a list of one.

    ``reserve_stake``, ``release_stake``, ``settle_bet``, ``resettle_bet``, ``record_bet_placed``
    and ``record_bet_cancelled`` stay the one-at-a-time reference the batch path is proven
    against (tests/test_saga_batch.py).
    """
    from wallet.service_layer.saga_batch import apply_saga_batch  # it builds on this module

    await apply_saga_batch(
        WalletUnitOfWork.for_message(ctx),
        [(payload, Origin.of(ctx.envelope))],
        max_payout_minor=max_payout_minor,
    )


# --- the payout cap --------------------------------------------------------------------------


async def _resettled_before(ledger: Ledger, event: BetResettled) -> bool:
    """This version's correcting transfer is posted already (a duplicate moves nothing)."""
    reference = resettlement_reference(event)
    return reference in await ledger.posted(TransferKind.resettlement, [reference])


async def check_resettlement(
    uow: WalletUnitOfWork,
    origin: Origin,
    found: HoldRow,
    event: BetResettled,
    max_payout_minor: int,
) -> None:
    total = found.paid_minor + event.payout_delta_minor
    cap = found.cap(max_payout_minor)
    refusal = cap.refusal(total)
    if refusal is None:
        return
    # Deltas are against the previous version: with an earlier correction still on its way,
    # the running total is not the bet's yet. Wait for it (retried) rather than cry wolf.
    applied = await bet_read_model.settlement_version(uow.db, event.bet_id)
    if applied is not None and applied < event.settlement_version - 1:
        raise ResettlementTooEarly(
            f"bet {event.bet_id}: version {event.settlement_version} before {applied + 1}"
        )
    await refuse_payout(uow, origin, found, "BetResettled", cap, refusal, total)


async def refuse_payout(
    uow: WalletUnitOfWork,
    origin: Origin,
    found: HoldRow,
    message: str,
    cap: PayoutCap,
    refusal: PayoutRefusal,
    total_minor: int,
) -> NoReturn:
    """Record the refusal (once per message, outside the transaction that rolls back), raise."""
    entry = audit_entry(
        origin,
        AuditAction.payout_refused,
        status=AuditStatus.rejected,
        user_id=found.user_id,
        bet_id=found.bet_id,
        amount_minor=total_minor,
        message_type=message,
        reason=refusal.value,
        total_payout=format_minor(total_minor),
        limit=format_minor(cap.limit_minor),
        paid_before=format_minor(found.paid_minor),
        stake=format_minor(found.amount_minor),
        potential_win=(
            None if found.max_payout_minor is None else format_minor(found.max_payout_minor)
        ),
    )
    engine = (await uow.db.connection()).engine
    if await write_payout_refusal_once(engine, entry):
        PAYOUTS_REFUSED.labels(message, refusal.value).inc()
    log.error("wallet.payout_refused", user_id=str(found.user_id), **entry.details)
    raise PayoutRefused(
        f"bet {found.bet_id}: {message} would make it pay {format_minor(total_minor)} in all,"
        f" limit {format_minor(cap.limit_minor)} ({refusal})",
        reason=refusal.value,
        limit_minor=cap.limit_minor,
        total_minor=total_minor,
    )


# --- read model only -------------------------------------------------------------------------


async def on_bet_placed(payload: BetPlaced, ctx: MessageContext) -> None:
    await _as_batch_of_one(payload, ctx)


async def on_bet_cancelled(payload: BetCancelled, ctx: MessageContext) -> None:
    """Read model only: the stake comes back with ReleaseStake (ARCHITECTURE.md §3.6)."""
    await _as_batch_of_one(payload, ctx)


async def record_bet_placed(uow: WalletUnitOfWork, event: BetPlaced) -> None:
    """BetPlaced one at a time (the reference): the bet's details in the read model."""
    await bet_read_model.record_placed_many(uow.db, [placed_values(event)])


async def record_bet_cancelled(uow: WalletUnitOfWork, event: BetCancelled) -> None:
    """BetCancelled one at a time (the reference): the bet closed in the read model."""
    found = await uow.wallets.find(event.user_id)
    held = await _find_hold(uow.holds, event.bet_id)
    stake_minor = held.amount_minor if held else 0
    await bet_read_model.record_cancelled_many(
        uow.db, [cancelled_values(event, stake_minor, found)]
    )


def placed_values(event: BetPlaced) -> dict[str, Any]:
    """``bet_read_model.record_placed_many``'s row for this message."""
    return {
        "bet_id": event.bet_id,
        "user_id": event.user_id,
        "bet_type": event.bet_type,
        "stake_minor": event.stake_minor,
        "currency": event.currency,
        "coefficient": event.coefficient,
        "potential_win_minor": event.potential_win_minor,
        "legs": event.legs,
        "placed_at": event.placed_at,
        "free_bet": event.free_bet,
    }


def settled_values(event: BetSettled) -> dict[str, Any]:
    """``bet_read_model.record_settled_many``'s row for this message."""
    return {
        "bet_id": event.bet_id,
        "user_id": event.user_id,
        "result": event.result,
        "stake_minor": event.stake_minor,
        "payout_minor": event.payout_minor,
        "currency": event.currency,
        "legs": event.legs,
        "settled_at": event.settled_at,
    }


def resettled_values(event: BetResettled) -> dict[str, Any]:
    """``bet_read_model.record_resettled``'s arguments for this message."""
    return {
        "bet_id": event.bet_id,
        "settlement_version": event.settlement_version,
        "new_result": event.new_result,
        "payout_delta_minor": event.payout_delta_minor,
        "settled_at": event.resettled_at,
    }


def cancelled_values(
    event: BetCancelled, stake_minor: int, found: WalletRow | None
) -> dict[str, Any]:
    """``bet_read_model.record_cancelled_many``'s row: ``stake_minor`` is the bet's hold (0 if
    nothing is held), kept if BetPlaced has not arrived yet; the currency is the wallet's."""
    return {
        "bet_id": event.bet_id,
        "user_id": event.user_id,
        "reason": event.reason,
        "currency": found.currency if found else "XXX",
        "legs": event.legs,
        "stake_minor": stake_minor,
    }


# --- helpers ---------------------------------------------------------------------------------


async def _void(uow: WalletUnitOfWork, found: HoldRow, legs: list[BetLeg]) -> None:
    await uow.ledger.post(*void_posting(found, legs))
    await _finish_hold(uow.holds, found, HoldStatus.voided, paid_minor=found.amount_minor)


async def _finish_hold(
    holds: Holds, found: HoldRow, status: HoldStatus, *, paid_minor: int
) -> None:
    """``found`` was locked pending in this transaction: it ends ``status``, ``paid_minor`` paid."""
    rules.finish_hold(found.status, status)
    await holds.update([replace(found, status=status, paid_minor=paid_minor)])


async def _add_paid(holds: Holds, found: HoldRow, delta_minor: int) -> None:
    """``found`` is locked in this transaction: its paid total is exact, add to it."""
    await holds.update([replace(found, paid_minor=found.paid_minor + delta_minor)])


async def _find_hold(holds: Holds, bet_id: uuid.UUID) -> HoldRow | None:
    return (await holds.find({bet_id})).get(bet_id)


async def _lock_hold(holds: Holds, bet_id: uuid.UUID) -> HoldRow | None:
    return (await holds.lock({bet_id})).get(bet_id)


async def _lock_bet(holds: Holds, bet_id: uuid.UUID) -> None:
    """The bet's transaction-level lock: its reservation and its release decide in turn.

    The hold row cannot serve: a release that finds no hold has no row to wait on. Two bets
    sharing a hash only wait for each other briefly.
    """
    await holds.lock_bets({bet_id})


async def _was_released(holds: Holds, bet_id: uuid.UUID) -> bool:
    return bet_id in await holds.tombstones({bet_id})


async def _bury(holds: Holds, command: ReleaseStake) -> None:
    """Record that this bet was released before it was reserved (once; no money moves)."""
    await holds.bury([Tombstone(command.bet_id, command.user_id, command.reason)])
    log.info("wallet.released_before_reserved", bet_id=str(command.bet_id), reason=command.reason)


async def _find_rejection(holds: Holds, bet_id: uuid.UUID) -> str | None:
    return (await holds.rejections({bet_id})).get(bet_id)


def settled_hold(found: HoldRow | None, event: BetSettled) -> HoldRow:
    """The bet's hold, if this settlement is for it: the same user, stake and currency."""
    if found is None:
        raise HoldNotFound(f"bet {event.bet_id}: no hold yet (BetSettled before ReserveStake)")
    check_same(found, event.user_id, event.stake_minor, event.bet_id)
    check_currency(found, event.currency, "BetSettled")
    return found


def check_result(found: HoldRow, event: BetSettled) -> None:
    """A stake given back cannot be won or lost, nor a captured one voided: a correction comes
    as BetResettled. Raised so it stays visible (retries, then the DLQ)."""
    returned = found.status is HoldStatus.voided
    if found.status is not HoldStatus.pending and returned != (event.result == "void"):
        raise HoldMismatch(f"bet {event.bet_id}: {event.result} but the hold is {found.status}")


def resettled_hold(found: HoldRow | None, event: BetResettled) -> HoldRow:
    """The bet's hold, if it was settled here and this correction is for it."""
    if found is None or found.status is HoldStatus.pending:
        raise HoldNotFound(f"bet {event.bet_id}: not settled here yet (BetResettled first)")
    if found.user_id != event.user_id:
        raise HoldMismatch(f"bet {event.bet_id}: hold of another user")
    check_currency(found, event.currency, "BetResettled")
    return found


def check_currency(found: HoldRow, currency: str, message: str) -> None:
    """The stake was held in the wallet's currency: a settlement in another is refused."""
    if currency != found.currency:
        raise SettlementInOtherCurrency(
            f"bet {found.bet_id}: {message} in {currency}, its stake is held in {found.currency}"
        )


def check_same(found: HoldRow, user_id: uuid.UUID, amount_minor: int, bet_id: uuid.UUID) -> None:
    if found.user_id != user_id or found.amount_minor != amount_minor:
        raise HoldMismatch(
            f"bet {bet_id}: hold is {found.amount_minor} for {found.user_id}, "
            f"message says {amount_minor} for {user_id}"
        )
