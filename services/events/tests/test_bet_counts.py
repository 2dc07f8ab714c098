"""Bets counted per event from ``BetPlaced``, a whole delivered batch in one upsert."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
from services.events.tests.builders import Catalogue, bet_leg, bet_placed, create_event

from common.contracts.bets import BetLeg
from common.messaging.envelope import wrap
from common.testing.broker import publish_as_producers
from events.service_layer.bet_counts import bets_per_event


def test_a_coupon_counts_once_per_event_and_each_bet_once() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()

    def leg(event_id: uuid.UUID) -> BetLeg:
        return BetLeg(
            event_id=event_id,
            event_name="x",
            market="1X2",
            selection="1",
            coefficient="2.00",
            odds_id=uuid.uuid4(),
        )

    counts = bets_per_event([bet_placed(leg(a)), bet_placed(leg(a), leg(b)), bet_placed(leg(b))])
    assert counts == {a: 2, b: 2}


async def test_a_batch_of_bets_placed_adds_every_bet_once(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    catalogue: Catalogue,
    pg: asyncpg.Connection,
    events_app: Any,
) -> None:
    first = await create_event(api, admin, catalogue)
    second = await create_event(api, admin, catalogue)
    placed = [
        bet_placed(bet_leg(first)),
        bet_placed(bet_leg(first)),
        bet_placed(bet_leg(first), bet_leg(second)),
        bet_placed(bet_leg(second)),
    ]
    envelopes = [wrap(p) for p in placed]
    settings = events_app[0].state.runtime.settings
    # All at once (the consumer takes what has arrived as one batch), then every one again.
    await publish_as_producers(settings.rabbitmq_url, settings.exchange_name, *envelopes)
    await publish_as_producers(settings.rabbitmq_url, settings.exchange_name, *envelopes)

    async def counts() -> tuple[int, int]:
        rows = await pg.fetch(
            "SELECT event_id, bet_count FROM events.event_bet_count WHERE event_id = ANY($1)",
            [uuid.UUID(first["event_id"]), uuid.UUID(second["event_id"])],
        )
        by_event = {r["event_id"]: r["bet_count"] for r in rows}
        return (
            by_event.get(uuid.UUID(first["event_id"]), 0),
            by_event.get(uuid.UUID(second["event_id"]), 0),
        )

    for _ in range(100):
        if await counts() == (3, 2):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the redelivered copies are consumed too by now
    assert await counts() == (3, 2)
