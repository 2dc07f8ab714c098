"""Fixtures for the simulator's own tests: the real `stripe` SDK pointed at the session's
simulator, and a webhook receiver (a real HTTP server) that records what Stripe would push."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import stripe
import uvicorn

from stripe_simulator.pytest_plugin import StripeSimulator


@dataclass
class Received:
    body: bytes
    signature: str


@dataclass
class WebhookReceiver:
    """Records every POST; answers `fail_next` times with 500 first (to exercise retries)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        with self.lock:
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
            if not failing:
                self.received.append(Received(body, headers[b"stripe-signature"].decode()))
        status = 500 if failing else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    def event_ids(self) -> list[str]:
        import json

        with self.lock:
            return [json.loads(item.body)["id"] for item in self.received]

    def wait_for(self, count: int, timeout_s: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} webhooks, got {len(self.received)}")


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    receiver.url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhook"
    server = uvicorn.Server(uvicorn.Config(receiver, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield receiver
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def webhooks(
    _receiver_server: WebhookReceiver, stripe_simulator: StripeSimulator
) -> Iterator[WebhookReceiver]:
    """The simulator pushes to a fresh receiver for this test only."""
    _receiver_server.received.clear()
    _receiver_server.fail_next = 0
    stripe_simulator.set_webhook_url(_receiver_server.url)
    yield _receiver_server
    stripe_simulator.set_webhook_url(None)
    stripe_simulator.resume_webhooks()


@pytest.fixture(scope="session")
def stripe_client(stripe_simulator: StripeSimulator) -> stripe.StripeClient:
    """The official SDK, as the wallet configures it (API base from settings), no retries."""
    return stripe.StripeClient(
        stripe_simulator.secret_key,
        base_addresses={"api": stripe_simulator.api_base},
        max_network_retries=0,
    )


@pytest.fixture(scope="session")
def async_stripe_client(stripe_simulator: StripeSimulator) -> stripe.StripeClient:
    """The SDK with its httpx client, for the `*_async` methods."""
    return stripe.StripeClient(
        stripe_simulator.secret_key,
        base_addresses={"api": stripe_simulator.api_base},
        http_client=stripe.HTTPXClient(),
        max_network_retries=0,
    )


@pytest.fixture
def customer(stripe_client: stripe.StripeClient) -> stripe.Customer:
    return stripe_client.v1.customers.create(params={"email": "punter@example.com"})
