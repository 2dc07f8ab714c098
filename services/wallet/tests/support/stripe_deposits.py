"""Builders and probes for the Stripe deposit tests (with the tests: the image never ships them).

The wallet app runs in-process (ASGI) and the Stripe simulator over HTTP; the simulator does not
push webhooks to the app (it has no port): a test fetches an event's signed delivery from the
simulator and posts it to the app itself, as Stripe would, in whatever order it wants.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import stripe
from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet
from sqlalchemy import select, text

from wallet.adapters.stripe_tables import card_deposit
from wallet.settings import Settings

DEPOSIT = "/api/wallet/deposit"
WEBHOOK = "/api/webhook/stripe"


def stripe_settings(make_settings: Any, sim: Any, **overrides: Any) -> Settings:
    """The wallet's settings on the simulator (Stripe's retries off: a test sees each call)."""
    values: dict[str, Any] = {
        "run_workers": False,
        "stripe_secret_key": sim.secret_key,
        "stripe_publishable_key": sim.publishable_key,
        "stripe_webhook_secret": sim.webhook_secret,
        "stripe_api_base": sim.api_base,
        "stripe_max_network_retries": 0,
    }
    settings: Settings = make_settings(Settings, **{**values, **overrides})
    return settings


@dataclass
class StripeWorld:
    """The wallet API, its database and the simulator (``stripe_simulator`` fixture handle)."""

    api: Api
    db: WalletDb
    sim: Any  # stripe_simulator.pytest_plugin.StripeSimulator
    app_state: Any  # the wallet app's state (its payment provider)

    def stripe(self) -> stripe.StripeClient:
        """The official SDK on the simulator, as the test's "Stripe dashboard"."""
        return stripe.StripeClient(
            self.sim.secret_key,
            base_addresses={"api": self.sim.api_base},
            http_client=stripe.HTTPXClient(allow_sync_methods=True),
            max_network_retries=0,
        )

    async def user(self, balance_minor: int = 0) -> uuid.UUID:
        return await make_wallet(self.db, balance_minor=balance_minor)

    async def deposit(
        self, user: uuid.UUID, body: dict[str, Any], key: str | None = None
    ) -> httpx.Response:
        return await self.api.post(DEPOSIT, user, body, key=key)

    async def sim_call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A (synchronous) simulator helper, off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def events_for(self, object_id: str, type_: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self.sim_call(self.sim.events_for, object_id, type_)
        return found

    async def event_for(self, object_id: str, type_: str) -> dict[str, Any]:
        found = await self.events_for(object_id, type_)
        assert found, f"no {type_} event for {object_id}"
        return found[-1]

    async def post_event(self, event_id: str) -> httpx.Response:
        """Deliver a simulator event to the wallet, signed now, as Stripe would."""
        body, signature = await self.sim_call(self.sim.delivery, event_id)
        return await self.post_raw(body, signature)

    async def post_raw(self, body: bytes, signature: str | None) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["Stripe-Signature"] = signature
        return await self.api.http.post(WEBHOOK, content=body, headers=headers)

    async def deliver(self, object_id: str, type_: str) -> httpx.Response:
        event = await self.event_for(object_id, type_)
        answer = await self.post_event(event["id"])
        assert answer.status_code == 200, answer.text
        return answer

    async def execute(self, sql: str, **params: Any) -> int:
        """A committed statement (for a test to age or tamper with rows); rows affected."""
        async with self.db.engine.begin() as conn:
            result = await conn.execute(text(sql), params)
        return int(result.rowcount)

    async def available(self, user: uuid.UUID) -> int:
        return (await self.db.balances(user))[0]

    async def transfers(self, user: uuid.UUID, kind: str) -> int:
        return await self.db.count(
            "SELECT count(*) FROM wallet.transfer WHERE user_id = :u AND kind = :k",
            u=user,
            k=kind,
        )

    async def deposit_row(self, intent_id: str) -> dict[str, Any]:
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(card_deposit).where(card_deposit.c.intent_id == intent_id)
                )
            ).one()
        return dict(row._mapping)

    async def method_ids(self, user: uuid.UUID) -> list[str]:
        listed = await self.api.get("/api/wallet/payment-methods", user)
        assert listed.status_code == 200, listed.text
        return [str(m["method_id"]) for m in listed.json()["methods"]]

    async def save_card(self, user: uuid.UUID, card: str = "pm_card_visa") -> str:
        """A saved card through the SetupIntent flow (Stripe.js confirms, the webhook saves)."""
        before = set(await self.method_ids(user))
        started = await self.api.post("/api/wallet/payment-methods", user)
        assert started.status_code == 201, started.text
        setup = started.json()
        confirmed = await self.sim_call(
            self.sim.confirm_setup_as_stripe_js,
            setup["setup_intent_id"],
            setup["client_secret"],
            card,
        )
        assert confirmed.get("status") == "succeeded", confirmed
        await self.deliver(setup["setup_intent_id"], "setup_intent.succeeded")
        added = [m for m in await self.method_ids(user) if m not in before]
        assert len(added) == 1, added
        return added[0]
