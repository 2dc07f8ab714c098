"""Bets counted per event from ``BetPlaced``, a whole delivered batch in one upsert."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import Catalogue, create_event, make_catalogue

from common.contracts.bets import BetLeg, BetPlaced
from common.messaging.envelope import wrap
from common.testing.broker import publish_as_producers
from events.entrypoints.worker import bets_per_event


@pytest.fixture
async def catalogue(api: httpx.AsyncClient, admin: dict[str, str]) -> Catalogue:
    return (await make_catalogue(api, admin))[0]


def _leg(event: dict[str, Any]) -> BetLeg:
    return BetLeg(
        event_id=event["event_id"],
        event_name=event["event_name"],
        market="1X2",
        selection="1",
        coefficient=event["odds"][0]["coefficient"],
        odds_id=event["odds"][0]["odds_id"],
    )


def _placed(*legs: BetLeg) -> BetPlaced:
    return BetPlaced(
        bet_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        bet_type="coupon" if len(legs) > 1 else "single",
        stake_minor=100,
        currency="USD",
        coefficient=legs[0].coefficient,
        potential_win_minor=200,
        legs=list(legs),
        placed_at=datetime.now(UTC),
    )


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

    counts = bets_per_event([_placed(leg(a)), _placed(leg(a), leg(b)), _placed(leg(b))])
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
        _placed(_leg(first)),
        _placed(_leg(first)),
        _placed(_leg(first), _leg(second)),
        _placed(_leg(second)),
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
