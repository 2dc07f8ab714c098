"""The sender: claims due deliveries, sends them, marks them sent, retried later or failed.

A run claims up to ``batch_size`` due ``pending`` rows (``FOR UPDATE SKIP LOCKED``, so several
senders never take the same row) in a short transaction that counts the attempt and hides the
row for ``claim_timeout_s``; sends them concurrently, outside any transaction; then marks each
in one short transaction: ``sent``; or due again after the backoff (``domain.backoff``); or
``failed`` — a permanent refusal (Telegram 400/403, a refused mailbox), or given up after
``max_attempts`` sends or ``give_up_after_s``.

Delivery is at-least-once per channel: a sender that dies (or loses its database) between a
send and its mark leaves the row pending; it is sent again once its claim times out. The
content carries nothing that would let the far side deduplicate it.

Each attempt is logged with the delivery id, channel, attempt, outcome, error class and
latency — never the address, the body or a token.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.db import create_sessionmaker
from common.logging import get_logger
from notifications.adapters import metrics
from notifications.adapters.repositories import Claimed
from notifications.domain.backoff import Random, RetryPolicy
from notifications.domain.errors import SendFailed
from notifications.domain.kinds import Channel
from notifications.service_layer.unit_of_work import UnitOfWork

log = get_logger(__name__)

Clock = Callable[[], datetime]
# A run drains at most this many batches, then leaves the rest to the next run.
MAX_BATCHES_PER_RUN = 10


class Mailer(Protocol):
    async def send(self, *, to: str, subject: str, text: str) -> None: ...


class Telegram(Protocol):
    async def send(self, *, chat_id: str, text: str) -> None: ...


def telegram_text(subject: str, body: str) -> str:
    return f"{subject}\n\n{body}"


@dataclass
class Outcome:
    claimed: Claimed
    error: SendFailed | None
    latency_s: float


@dataclass
class Sender:
    mailer: Mailer
    telegram: Telegram | None
    policy: RetryPolicy
    clock: Clock
    batch_size: int = 20
    claim_timeout_s: float = 120.0
    rand: Random = random.uniform
    _sessions: dict[int, async_sessionmaker[AsyncSession]] = field(default_factory=dict)

    def _uow(self, engine: AsyncEngine) -> UnitOfWork:
        key = id(engine)
        if key not in self._sessions:
            self._sessions[key] = create_sessionmaker(engine)
        return UnitOfWork(self._sessions[key])

    async def __call__(self, engine: AsyncEngine) -> None:
        """One run (a ``PeriodicSpec`` job): send what is due, a few batches at most."""
        for _ in range(MAX_BATCHES_PER_RUN):
            if await self.send_batch(engine) < self.batch_size:
                break
        async with self._uow(engine) as uow:
            oldest = await uow.deliveries.oldest_pending_created_at()
        age = 0.0 if oldest is None else max((self.clock() - oldest).total_seconds(), 0.0)
        metrics.oldest_pending_age.set(age)

    async def send_batch(self, engine: AsyncEngine) -> int:
        async with self._uow(engine) as uow:
            claimed = await uow.deliveries.claim_due(
                limit=self.batch_size, now=self.clock(), lease_s=self.claim_timeout_s
            )
            await uow.commit()
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._send(c) for c in claimed))
        async with self._uow(engine) as uow:
            for outcome in outcomes:
                await self._mark(uow, outcome)
            await uow.commit()
        return len(claimed)

    async def _send(self, claimed: Claimed) -> Outcome:
        started = time.perf_counter()
        try:
            await self._channel_send(claimed)
        except SendFailed as exc:
            error: SendFailed | None = exc
        except Exception as exc:  # a bug or a surprise: retried like any transient failure
            error = SendFailed(f"unexpected_{type(exc).__name__}")
        else:
            error = None
        latency = time.perf_counter() - started
        metrics.send_latency.labels(claimed.channel.value).observe(latency)
        return Outcome(claimed, error, latency)

    def _channel_send(self, claimed: Claimed) -> Awaitable[None]:
        if claimed.channel is Channel.email:
            return self.mailer.send(to=claimed.address, subject=claimed.subject, text=claimed.body)
        if self.telegram is None:
            raise SendFailed("telegram_disabled")
        text = telegram_text(claimed.subject, claimed.body)
        return self.telegram.send(chat_id=claimed.address, text=text)

    async def _mark(self, uow: UnitOfWork, outcome: Outcome) -> None:
        claimed, error, now = outcome.claimed, outcome.error, self.clock()
        if error is None:
            await uow.deliveries.mark_sent(claimed, now)
            result = "sent"
        elif error.permanent or self.policy.gives_up(
            attempts=claimed.attempts, created_at=claimed.due_since, now=now
        ):
            await uow.deliveries.mark_failed(claimed, error.error)
            result = "failed"
        else:
            delay = self.policy.delay_s(
                claimed.attempts, retry_after_s=error.retry_after_s, rand=self.rand
            )
            await uow.deliveries.mark_retry(claimed, now + timedelta(seconds=delay), error.error)
            result = "retry"
        metrics.sent.labels(claimed.channel.value, result).inc()
        log.info(
            "notifications.send_attempt",
            delivery_id=str(claimed.id),
            channel=claimed.channel.value,
            attempt=claimed.attempts,
            outcome=result,
            error=None if error is None else error.error,
            permanent=None if error is None else error.permanent,
            latency_ms=round(outcome.latency_s * 1000, 1),
        )
