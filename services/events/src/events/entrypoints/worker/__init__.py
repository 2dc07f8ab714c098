"""events subscriptions: {message model: handler}. The queue's bindings come from this table."""

from __future__ import annotations

import uuid
from collections import Counter

from common.contracts.bets import BetPlaced
from common.messaging.consumer import BatchContext, Batched, BatchItems, Subscriptions
from events.adapters.repositories import EventRepository


def bets_per_event(placed: list[BetPlaced]) -> Counter[uuid.UUID]:
    """How many of these bets have a leg on each event (a coupon counts once per event)."""
    return Counter(event_id for bet in placed for event_id in {leg.event_id for leg in bet.legs})


async def on_bets_placed(items: BatchItems, ctx: BatchContext) -> None:
    """Count bets per event (a read model): an event with bets is cancelled, never deleted.
    A whole batch of ``BetPlaced`` is one upsert (at match-day rates, one per bet was a
    transaction's worth of round trips per bet)."""
    await EventRepository(ctx.session).count_bets(bets_per_event([p for p, _ in items]))


SUBSCRIPTIONS: Subscriptions = {BetPlaced: Batched(on_bets_placed)}
