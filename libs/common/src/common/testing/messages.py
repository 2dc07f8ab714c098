"""Valid contract messages for tests, small and with overridable defaults (the builders the
services' tests share): ``bet_settled(user_id, "won", 2_500, currency="EUR")``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from common.contracts.bets import BetLeg, BetSettled


def bet_leg(**overrides: Any) -> BetLeg:
    """One leg: a 1X2 pick on a new event at 2.50."""
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "event_name": "Real Madrid - Barcelona",
        "market": "1X2",
        "selection": "1",
        "coefficient": Decimal("2.50"),
    }
    return BetLeg(**(values | overrides))


def bet_settled(
    user_id: uuid.UUID,
    result: str,
    payout_minor: int,
    *,
    stake_minor: int = 1000,
    currency: str = "USD",
    leg: BetLeg | None = None,
) -> BetSettled:
    """A new single of ``user_id`` settled now with ``result`` (won, lost, void) and
    ``payout_minor``."""
    return BetSettled(
        bet_id=uuid.uuid4(),
        user_id=user_id,
        result=result,
        stake_minor=stake_minor,
        payout_minor=payout_minor,
        currency=currency,
        legs=[leg or bet_leg()],
        settled_at=datetime.now(UTC),
    )
