"""Bets counted per event (a read model of ``bets.BetPlaced``): an event with bets is
cancelled, never deleted (``handlers.delete_event``)."""

from __future__ import annotations

import uuid
from collections import Counter

from common.contracts.bets import BetPlaced
from common.messaging.consumer import BatchContext, BatchItems
from events.service_layer.unit_of_work import UnitOfWork


def bets_per_event(placed: list[BetPlaced]) -> Counter[uuid.UUID]:
    """How many of these bets have a leg on each event (a coupon counts once per event)."""
    return Counter(event_id for bet in placed for event_id in {leg.event_id for leg in bet.legs})


async def on_bets_placed(items: BatchItems, ctx: BatchContext) -> None:
    """A whole batch of ``BetPlaced`` is one upsert (at match-day rates, one per bet was a
    transaction's worth of round trips per bet)."""
    uow = UnitOfWork.for_message(ctx)
    await uow.events.count_bets(bets_per_event([p for p, _ in items]))
