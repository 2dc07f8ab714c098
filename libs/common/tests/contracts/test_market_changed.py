"""MarketChanged's ``live_betting`` flag is backward compatible: a message from before it parses
as not live."""

from __future__ import annotations

import uuid

from common.contracts.events import MarketChanged


def test_a_market_changed_without_the_flag_is_not_live() -> None:
    old = MarketChanged.model_validate(
        {
            "event_id": str(uuid.uuid4()),
            "market_id": str(uuid.uuid4()),
            "market_type": "1x2",
            "market": "1X2",
            "status": "open",
        }
    )
    assert old.live_betting is False
