"""events subscriptions: {message model: handler}. The queue's bindings come from this table."""

from __future__ import annotations

from common.contracts.bets import BetPlaced
from common.messaging.consumer import MessageContext, Subscriptions
from events.adapters.repositories import EventRepository


async def on_bet_placed(payload: BetPlaced, ctx: MessageContext) -> None:
    """Count bets per event (a read model): an event with bets is cancelled, never deleted."""
    await EventRepository(ctx.session).count_bets(leg.event_id for leg in payload.legs)


SUBSCRIPTIONS: Subscriptions = {BetPlaced: on_bet_placed}
