"""Webhook delivery signed exactly as Stripe signs it, with retries, pausing and reordering."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from stripe_simulator.config import SimulatorConfig
from stripe_simulator.store import Account, StoredEvent

log = logging.getLogger("stripe_simulator.webhooks")


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{signed_at}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={signed_at},v1={digest}"


@dataclass
class DeliveryAttempt:
    event_id: str
    url: str
    attempt: int
    status_code: int | None
    error: str | None
    at: float = field(default_factory=time.time)

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "url": self.url,
            "attempt": self.attempt,
            "status_code": self.status_code,
            "error": self.error,
            "delivered": self.delivered,
            "at": self.at,
        }


class WebhookDispatcher:
    """Sends events in the order they happen from one queue; failed sends retry on their own."""

    def __init__(self, account: Account, config: SimulatorConfig) -> None:
        self.account = account
        self.config = config
        self.paused = False
        self.held: list[tuple[str, str]] = []
        self.attempts: list[DeliveryAttempt] = []
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._worker: asyncio.Task[None] | None = None
        # Only picks which events are duplicated (a test double, not security).
        self._random = random.Random()

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self.config.delivery_timeout_s)
        self._worker = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [*self._tasks, *([self._worker] if self._worker else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def submit(self, stored: StoredEvent) -> None:
        """Called (in the event loop) for every new event."""
        url = self.account.webhook_url
        if url is None:
            return
        item = (stored.event["id"], url)
        if self.paused:
            self.held.append(item)
        else:
            self._queue.put_nowait(item)
        if self._random.random() < self.config.duplicate_webhooks:
            self._spawn(self._send_again(item))

    async def _send_again(self, item: tuple[str, str]) -> None:
        """The duplicate of at-least-once delivery, behind whatever happened meanwhile."""
        await asyncio.sleep(self._random.uniform(0, self.config.duplicate_delay_s))
        self._queue.put_nowait(item)

    def redeliver(self, event_id: str, url: str | None) -> str:
        target = url or self.account.webhook_url
        if target is None:
            raise ValueError("no webhook URL configured and none given")
        self._queue.put_nowait((event_id, target))
        return target

    def pause(self) -> None:
        self.paused = True

    def resume(self, *, reverse: bool) -> int:
        held, self.held = self.held, []
        self.paused = False
        for item in reversed(held) if reverse else held:
            self._queue.put_nowait(item)
        return len(held)

    def reset(self) -> None:
        self.held.clear()
        self.attempts.clear()
        self.paused = False

    async def _run(self) -> None:
        while True:
            event_id, url = await self._queue.get()
            if not await self._send(event_id, url, attempt=1):
                self._spawn(self._retry(event_id, url))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retry(self, event_id: str, url: str) -> None:
        for attempt, delay_s in enumerate(self.config.retry_delays_s, start=2):
            await asyncio.sleep(delay_s)
            if await self._send(event_id, url, attempt=attempt):
                return
        log.warning("webhook %s to %s gave up after %d attempts", event_id, url, attempt)

    async def _send(self, event_id: str, url: str, *, attempt: int) -> bool:
        assert self._client is not None
        stored = self.account.events.get(event_id)
        if stored is None:  # the account was reset meanwhile
            return True
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature_header(stored.payload, self.config.webhook_secret),
        }
        try:
            answer = await self._client.post(url, content=stored.payload.encode(), headers=headers)
            record = DeliveryAttempt(event_id, url, attempt, answer.status_code, None)
        except httpx.HTTPError as exc:
            record = DeliveryAttempt(event_id, url, attempt, None, f"{type(exc).__name__}: {exc}")
        self.attempts.append(record)
        if record.delivered:
            stored.event["pending_webhooks"] = 0
        return record.delivered
