"""Bus messages → outbound postback rows (never a call out: the sender does that).

Each handler runs in the consumer's transaction (inbox row, rows written, one commit), so a
redelivered message writes nothing twice; postbacks are also unique per (source message,
partner, event). A message about a user who came from no partner costs one primary-key lookup.

A deposit for an attributed user that arrives before its ``auth.UserRegistered`` cannot be told
apart from a deposit of a user who came from no partner (we only know users through that
message), so it is ignored; in practice a new user cannot deposit before the sign-up's message
is out, as the wallet opens the wallet on that same message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.contracts.auth import UserRegistered
from common.contracts.bets import BetSettled
from common.contracts.wallet import DepositCompleted, WithdrawalCompleted
from common.logging import get_logger
from common.messaging.consumer import MessageContext, Subscriptions
from partners.domain.templates import OutboundEvent
from partners.domain.throttle import WinAction, decide_win
from partners.service_layer import metrics
from partners.service_layer.unit_of_work import UnitOfWork

log = get_logger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Postback:
    event: OutboundEvent
    user_id: uuid.UUID
    source_event_id: uuid.UUID
    click_id: str | None
    amount_minor: int | None = None
    currency: str | None = None
    transaction_id: str | None = None


def _money_postback(
    event: OutboundEvent,
    message: DepositCompleted | WithdrawalCompleted,
    ctx: MessageContext,
    user: Any,
) -> Postback:
    """A deposit's or withdrawal's postback: its amount, the wallet operation as transaction."""
    return Postback(
        event=event,
        user_id=message.user_id,
        source_event_id=ctx.envelope.event_id,
        click_id=user["click_id"],
        amount_minor=message.amount_minor,
        currency=message.currency,
        transaction_id=str(message.operation_id),
    )


async def _template_for(uow: UnitOfWork, partner_id: str, event: str) -> bool:
    found = await uow.partners.get(partner_id)
    return bool(found is not None and found["active"] and (found["urls"] or {}).get(event))


async def enqueue(
    uow: UnitOfWork,
    partner_id: str,
    item: Postback,
    *,
    now: datetime,
    due_at: datetime | None = None,
) -> uuid.UUID | None:
    """Queue one postback if the partner exists, is active and has a URL for the event."""
    if not await _template_for(uow, partner_id, item.event):
        return None
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "partner_id": partner_id,
        "user_id": item.user_id,
        "event": item.event,
        "source_event_id": item.source_event_id,
        "click_id": item.click_id,
        "amount_minor": item.amount_minor,
        "currency": item.currency,
        "transaction_id": item.transaction_id,
        "next_attempt_at": due_at or now,
        "created_at": now,
    }
    postback_id = await uow.postbacks.add(values)
    if postback_id is not None:
        metrics.count("outbound", item.event, "queued")
    return postback_id


@dataclass(frozen=True)
class BusHandlers:
    clock: Clock
    win_window: timedelta

    async def on_user_registered(self, message: UserRegistered, ctx: MessageContext) -> None:
        if message.affiliate_id is None:
            return
        uow = UnitOfWork.for_message(ctx)
        added = await uow.attribution.add_user(
            user_id=message.user_id,
            partner_id=message.affiliate_id,
            click_id=message.click_id,
            registered_at=ctx.envelope.occurred_at,
        )
        if not added:
            return
        item = Postback(
            event="registration",
            user_id=message.user_id,
            source_event_id=ctx.envelope.event_id,
            click_id=message.click_id,
            transaction_id=str(message.user_id),
        )
        await enqueue(uow, message.affiliate_id, item, now=self.clock())

    async def on_deposit_completed(self, message: DepositCompleted, ctx: MessageContext) -> None:
        uow = UnitOfWork.for_message(ctx)
        user = await uow.attribution.get(message.user_id)
        if user is None:
            return
        partner_id = user["partner_id"]
        at = ctx.envelope.occurred_at
        added = await uow.attribution.add_deposit(
            operation_id=message.operation_id,
            user_id=message.user_id,
            partner_id=partner_id,
            amount_minor=message.amount_minor,
            currency=message.currency,
            at=at,
        )
        if not added:
            return
        now = self.clock()
        events: list[OutboundEvent] = ["deposit"]
        if await uow.attribution.mark_first_deposit(message.user_id, at):
            events.insert(0, "first_deposit")
        for event in events:
            await enqueue(uow, partner_id, _money_postback(event, message, ctx, user), now=now)

    async def on_withdrawal_completed(
        self, message: WithdrawalCompleted, ctx: MessageContext
    ) -> None:
        uow = UnitOfWork.for_message(ctx)
        user = await uow.attribution.get(message.user_id)
        if user is None:
            return
        item = _money_postback("withdrawal", message, ctx, user)
        await enqueue(uow, user["partner_id"], item, now=self.clock())

    async def on_bet_settled(self, message: BetSettled, ctx: MessageContext) -> None:
        if message.result != "won" or message.payout_minor <= 0:
            return
        uow = UnitOfWork.for_message(ctx)
        user = await uow.attribution.get(message.user_id)
        if user is None:
            return
        partner_id = user["partner_id"]
        if not await _template_for(uow, partner_id, "win"):
            return
        await self._win(uow, user, message, ctx.envelope.event_id)

    async def _win(
        self, uow: UnitOfWork, user: Any, message: BetSettled, source_event_id: uuid.UUID
    ) -> None:
        """The throttle row is locked for the decision, so two consumers (replicas) deciding
        wins of one user take turns; the waiting postback is only added to while never tried."""
        partner_id: str = user["partner_id"]
        now = self.clock()
        throttle = await uow.postbacks.lock_throttle(message.user_id, partner_id)
        waiting = throttle["waiting_postback_id"]
        if waiting is not None and await uow.postbacks.aggregate_win(
            waiting,
            amount_minor=message.payout_minor,
            currency=message.currency,
            transaction_id=str(message.bet_id),
        ):
            metrics.count("outbound", "win", "aggregated")
            log.info(
                "partners.win_aggregated", postback_id=str(waiting), bet_id=str(message.bet_id)
            )
            return
        decision = decide_win(
            now, next_free_at=throttle["next_free_at"], has_waiting=False, window=self.win_window
        )
        item = Postback(
            event="win",
            user_id=message.user_id,
            source_event_id=source_event_id,
            click_id=user["click_id"],
            amount_minor=message.payout_minor,
            currency=message.currency,
            transaction_id=str(message.bet_id),
        )
        postback_id = await enqueue(uow, partner_id, item, now=now, due_at=decision.due_at)
        await uow.postbacks.set_throttle(
            message.user_id,
            partner_id,
            {
                "next_free_at": decision.next_free_at,
                "waiting_postback_id": postback_id
                if decision.action is WinAction.SCHEDULE
                else None,
            },
        )


def subscriptions(handlers: BusHandlers) -> Subscriptions:
    return {
        UserRegistered: handlers.on_user_registered,
        DepositCompleted: handlers.on_deposit_completed,
        WithdrawalCompleted: handlers.on_withdrawal_completed,
        BetSettled: handlers.on_bet_settled,
    }
