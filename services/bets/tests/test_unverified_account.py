"""ARCHITECTURE §5: an unverified email may read its bets but not place one (403)."""

from __future__ import annotations

import uuid
from typing import Any

from services.bets.tests.builders import BetsDb, offer
from sqlalchemy import text

from bets.entrypoints.api.app import create_app


async def test_unverified_account_cannot_place_a_single_or_a_coupon(
    bets_db: BetsDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    user_id = uuid.uuid4()
    token = token_issuer.issue(user_id=user_id, email_verified=False)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    event, odds = await offer(bets_db, "2.10")
    leg = {"event_id": str(event.event_id), "odds_id": str(odds.odds_id)}
    app = create_app(bets_settings(run_workers=False))
    async with app_client(app) as client:
        single = await client.post(
            "/api/bets/place", json={**leg, "bet_amount": 10, "bet_type": "single"}, headers=headers
        )
        coupon = await client.post(
            "/api/bets/place-coupon", json={"bets": [leg, leg], "bet_amount": 10}, headers=headers
        )
        history = await client.get("/api/bets/history", headers=headers)
    for refused in (single, coupon):
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "account.unverified"
    assert history.status_code == 200  # reading stays allowed
    async with bets_db.engine.connect() as conn:
        placed = await conn.scalar(
            text("SELECT count(*) FROM bets.bet WHERE user_id = :u"), {"u": user_id}
        )
    assert placed == 0
