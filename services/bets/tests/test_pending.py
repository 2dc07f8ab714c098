"""A slow wallet: placement answers 202 pending within its bounded wait; the bet opens when the
reply comes; a retry with the same Idempotency-Key then answers the open bet, held once."""

from __future__ import annotations

import uuid
from typing import Any

from services.bets.tests.builders import BetsDb, handle, offer, reserve_in_wallet
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from bets.entrypoints.api.app import create_app
from bets.service_layer import saga
from common.contracts.wallet import StakeReserved


async def test_pending_then_open_when_the_wallet_answers(
    bets_db: BetsDb, wallet_db: WalletDb, bets_settings: Any, app_client: Any, token_issuer: Any
) -> None:
    # No relay in this app: ReserveStake waits in the outbox, as if the wallet were down.
    app = create_app(bets_settings(run_workers=False, placement_wait_s=0.2))
    user_id = await make_wallet(wallet_db, balance_minor=10_000)
    event, odds = await offer(bets_db)
    body = {"event_id": str(event.event_id), "odds_id": str(odds.odds_id), "bet_amount": "10"}
    headers = {
        "Authorization": f"Bearer {token_issuer.issue(user_id=user_id, role='user')}",
        "Idempotency-Key": f"slow-{uuid.uuid4()}",
    }
    async with app_client(app) as http:
        pending = await http.post("/api/bets/place", json=body, headers=headers)
        assert pending.status_code == 202, pending.text
        bet = pending.json()["bet"]
        assert bet["status"] == "pending"
        bet_id = uuid.UUID(bet["bet_id"])

        reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)  # the wallet is back
        await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))

        again = await http.post("/api/bets/place", json=body, headers=headers)
        assert again.status_code == 201, again.text
        assert again.json()["bet"]["bet_id"] == str(bet_id)
        assert again.json()["bet"]["status"] == "open"
        assert await wallet_db.balances(user_id) == (9_000, 1_000)
        other_body = await http.post(
            "/api/bets/place", json={**body, "bet_amount": "11"}, headers=headers
        )
        assert other_body.status_code == 422
        assert other_body.json()["error"]["code"] == "idempotency.mismatch"
