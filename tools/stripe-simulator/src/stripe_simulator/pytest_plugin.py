"""pytest fixtures for the Stripe simulator: one server per test session, on a free port.

    def test_deposit(stripe_simulator):
        client = stripe.StripeClient(
            stripe_simulator.secret_key, base_addresses={"api": stripe_simulator.api_base}
        )
        ...
        stripe_simulator.complete_3ds(intent.id)

Helpers are synchronous (a control call takes a few milliseconds) and return the JSON
the control API answers; they raise `SimulatorCallFailed` on an unexpected status.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from stripe_simulator.app import create_app
from stripe_simulator.config import SimulatorConfig

JsonObject = dict[str, Any]


class SimulatorCallFailed(AssertionError):
    """A control call answered with an unexpected status (the body says why)."""


class StripeSimulator:
    """A running simulator and typed wrappers of its `/_sim` control API."""

    def __init__(self, config: SimulatorConfig, api_base: str) -> None:
        self.config = config
        self.api_base = api_base
        self.secret_key = config.secret_key
        self.publishable_key = config.publishable_key
        self.webhook_secret = config.webhook_secret
        self.http = httpx.Client(base_url=api_base, timeout=10)

    # -- plumbing -------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        answer = self.http.request(method, path, **kwargs)
        if answer.status_code not in ok:
            raise SimulatorCallFailed(f"{method} {path} → {answer.status_code}: {answer.text}")
        return answer.json()

    def reset(self) -> None:
        """Forget every object, event and idempotency key; webhooks unpaused (URL kept)."""
        self._call("POST", "/_sim/reset")

    # -- webhooks -------------------------------------------------------------------------

    def set_webhook_url(self, url: str | None) -> None:
        """Push every new event to `url` (signed); None stops pushing."""
        self._call("POST", "/_sim/config", json={"webhook_url": url})

    def events(self, type: str | None = None) -> list[JsonObject]:
        """Events so far, oldest first, optionally of one `type`."""
        params = {"type": type} if type else {}
        data: list[JsonObject] = self._call("GET", "/_sim/events", params=params)["data"]
        return data

    def events_for(self, object_id: str, type: str | None = None) -> list[JsonObject]:
        """Events whose `data.object.id` is `object_id` (oldest first)."""
        return [e for e in self.events(type) if e["data"]["object"].get("id") == object_id]

    def delivery(self, event_id: str) -> tuple[bytes, str]:
        """(raw body, `Stripe-Signature` header signed now) to post an event yourself."""
        answer = self._call("GET", f"/_sim/events/{event_id}/delivery")
        return answer["payload"].encode(), answer["signature_header"]

    def redeliver(self, event_id: str, url: str | None = None) -> None:
        """Send an event again (to `url`, or the configured webhook URL), now."""
        self._call("POST", f"/_sim/events/{event_id}/deliver", json={"url": url} if url else {})

    def attempts(self, event_id: str | None = None) -> list[JsonObject]:
        """Delivery attempts so far: event_id, url, attempt, status_code, error, delivered."""
        params = {"event_id": event_id} if event_id else {}
        data: list[JsonObject] = self._call("GET", "/_sim/webhooks/attempts", params=params)["data"]
        return data

    def wait_delivered(self, event_id: str, timeout_s: float = 5.0) -> JsonObject:
        """Block until a delivery of `event_id` got a 2xx; returns that attempt."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for attempt in self.attempts(event_id):
                if attempt["delivered"]:
                    return attempt
            time.sleep(0.02)
        raise SimulatorCallFailed(
            f"{event_id} not delivered in {timeout_s}s: {self.attempts(event_id)}"
        )

    async def await_delivered(self, event_id: str, timeout_s: float = 5.0) -> JsonObject:
        """`wait_delivered` for async tests whose webhook receiver runs in the test's own
        event loop (a blocking wait would starve it)."""
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(base_url=self.api_base, timeout=10) as client:
            while time.monotonic() < deadline:
                answer = await client.get("/_sim/webhooks/attempts", params={"event_id": event_id})
                for attempt in answer.json()["data"]:
                    if attempt["delivered"]:
                        return dict(attempt)
                await asyncio.sleep(0.02)
        raise SimulatorCallFailed(f"{event_id} not delivered in {timeout_s}s")

    def pause_webhooks(self) -> None:
        """Hold every new delivery until `resume_webhooks`."""
        self._call("POST", "/_sim/webhooks/pause")

    def resume_webhooks(self, order: str = "forward") -> int:
        """Release held deliveries in `forward` or `reverse` order; returns how many."""
        released: int = self._call("POST", "/_sim/webhooks/resume", params={"order": order})[
            "released"
        ]
        return released

    # -- the customer and the bank ----------------------------------------------------------

    def confirm_as_stripe_js(
        self,
        intent_id: str,
        client_secret: str,
        payment_method: str | None = None,
        *,
        card_number: str | None = None,
        return_url: str | None = None,
    ) -> JsonObject:
        """Confirm a PaymentIntent as Stripe.js does (publishable key + client_secret).

        Pass a `payment_method` (`pm_…` or a test id like `pm_card_visa`) or a `card_number`
        (sent as `payment_method_data`). Returns the intent, or Stripe's `{"error": …}` body
        (with `error.payment_intent`) when the card is declined.
        """
        return self._confirm_intent(
            "payment_intents", intent_id, client_secret, payment_method, card_number, return_url
        )

    def confirm_setup_as_stripe_js(
        self,
        intent_id: str,
        client_secret: str,
        payment_method: str | None = None,
        *,
        card_number: str | None = None,
    ) -> JsonObject:
        """Confirm a SetupIntent as Stripe.js does; returns the intent or an error body."""
        return self._confirm_intent(
            "setup_intents", intent_id, client_secret, payment_method, card_number, None
        )

    def _confirm_intent(
        self,
        kind: str,
        intent_id: str,
        client_secret: str,
        payment_method: str | None,
        card_number: str | None,
        return_url: str | None,
    ) -> JsonObject:
        form = {"client_secret": client_secret}
        if payment_method:
            form["payment_method"] = payment_method
        if card_number:
            form.update(
                {
                    "payment_method_data[type]": "card",
                    "payment_method_data[card][number]": card_number,
                    "payment_method_data[card][exp_month]": "12",
                    "payment_method_data[card][exp_year]": str(time.gmtime().tm_year + 3),
                    "payment_method_data[card][cvc]": "123",
                }
            )
        if return_url:
            form["return_url"] = return_url
        answer = self.http.post(
            f"/v1/{kind}/{intent_id}/confirm",
            data=form,
            headers={"Authorization": f"Bearer {self.publishable_key}"},
        )
        if answer.status_code not in (200, 402):
            raise SimulatorCallFailed(f"confirm {intent_id} → {answer.status_code}: {answer.text}")
        result: JsonObject = answer.json()
        return result

    def forget(self, object_id: str) -> JsonObject:
        """Make Stripe forget an object (an intent, a Checkout Session…): it answers 404
        ``resource_missing`` for it from now on."""
        forgotten: JsonObject = self._call("POST", f"/_sim/objects/{object_id}/forget")
        return forgotten

    def complete_3ds(self, intent_id: str, succeed: bool = True) -> JsonObject:
        """Pass (or fail) the 3-D Secure challenge of an intent in `requires_action`."""
        body = {"outcome": "succeed" if succeed else "fail"}
        intent: JsonObject = self._call("POST", f"/_sim/payment_intents/{intent_id}/3ds", json=body)
        return intent

    def mark_processing(self, intent_id: str) -> JsonObject:
        """Move an intent with a payment method to `processing` (payment_intent.processing)."""
        intent: JsonObject = self._call("POST", f"/_sim/payment_intents/{intent_id}/processing")
        return intent

    def settle_processing(self, intent_id: str, succeed: bool = True) -> JsonObject:
        """Finish a `processing` intent: succeeded, or failed back to requires_payment_method."""
        body = {"outcome": "succeed" if succeed else "fail"}
        intent: JsonObject = self._call(
            "POST", f"/_sim/payment_intents/{intent_id}/settle", json=body
        )
        return intent

    def complete_checkout(self, session_id: str, card: str = "4242424242424242") -> JsonObject:
        """Pay a Checkout Session as the customer would on the hosted page; returns the session.

        A declining card raises `SimulatorCallFailed` (402) and leaves the session open.
        """
        session: JsonObject = self._call(
            "POST", f"/_sim/checkout/{session_id}/complete", json={"card": card}
        )
        return session

    def create_dispute(
        self, charge_id: str, amount: int | None = None, reason: str = "fraudulent"
    ) -> JsonObject:
        """The cardholder disputes a charge (fires charge.dispute.created); returns the dispute."""
        body: JsonObject = {"reason": reason}
        if amount is not None:
            body["amount"] = amount
        dispute: JsonObject = self._call("POST", f"/_sim/charges/{charge_id}/dispute", json=body)
        return dispute

    def close_dispute(self, dispute_id: str, status: str) -> JsonObject:
        """Close a dispute as `won` or `lost` (fires charge.dispute.closed)."""
        dispute: JsonObject = self._call(
            "POST", f"/_sim/disputes/{dispute_id}/close", json={"status": status}
        )
        return dispute

    def close(self) -> None:
        self.http.close()


class _ServerThread:
    """uvicorn in a daemon thread, on a socket bound first (so the app knows its own URL)."""

    def __init__(self, config: SimulatorConfig, sock: socket.socket) -> None:
        self.sock = sock
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(config), log_level="warning", lifespan="on")
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True, name="stripe-simulator"
        )

    def start(self, timeout_s: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Stripe simulator did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def start_simulator(**overrides: Any) -> tuple[StripeSimulator, _ServerThread]:
    """Start a simulator on a free 127.0.0.1 port (outside pytest too); stop it with `.stop()`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    api_base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = SimulatorConfig(public_base_url=api_base, **overrides)
    server = _ServerThread(config, sock)
    server.start()
    return StripeSimulator(config, api_base), server


@pytest.fixture(scope="session")
def stripe_simulator() -> Iterator[StripeSimulator]:
    """A Stripe simulator for the whole test session (state is shared: use fresh customers)."""
    handle, server = start_simulator()
    try:
        yield handle
    finally:
        handle.close()
        server.stop()
