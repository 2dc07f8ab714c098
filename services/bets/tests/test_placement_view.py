"""The placement's pending answer is built from what it inserted (no read back): it must be the
very body ``bet_view`` reads from the database, for a single and a coupon."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from services.bets.tests.builders import BetsDb, offer

from bets.domain.limits import BetLimits
from bets.service_layer.placement import LegRequest, place_pending_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.views import bet_view

# Bets left pending here must not be resent by test_watchdog.py later in the run.
pytestmark = pytest.mark.usefixtures("leaves_no_pending_bets")


@pytest.mark.parametrize("coefficients", [["2.10"], ["1.85", "2.10", "1.555"]])
async def test_the_pending_view_is_the_bet_as_read_back(
    bets_db: BetsDb, coefficients: list[str]
) -> None:
    user = uuid.uuid4()
    legs = [await offer(bets_db, c) for c in coefficients]
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        placed = await place_pending_bet(
            uow,
            user_id=user,
            legs=[LegRequest(e.event_id, o.odds_id) for e, o in legs],
            stake_minor=12_345,
            is_coupon=len(legs) > 1,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=datetime.now(UTC),
        )
        await uow.commit()
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        read_back = await bet_view(uow, placed.bet_id, user_id=user)
    assert read_back["status"] == "pending"
    assert placed.view() == read_back
