"""A client that behaves as a real one under faults: same Idempotency-Key on every retry.

It retries on what a client cannot tell from a failure of the operation itself — a connection
error, a timeout, a 5xx, a 429, or a 409 ``idempotency.in_progress`` (the first attempt may
still be running, or died holding the key until its lease ends) — with jittered backoff, on the
next gateway each time, until ``give_up_s``. Whatever it finally got is recorded on the ``Op``.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx
from tests.chaos.journal import OK, REFUSED, UNKNOWN, Op
from tests.e2e.client import Bettor, Platform

REQUEST_TIMEOUT_S = 20.0  # above the gateway's upstream timeout (15 s): its 504 comes first
RETRY_CODES = frozenset({"idempotency.in_progress"})


def error_code(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", "")) if isinstance(error, dict) else ""


def worth_retrying(answer: httpx.Response | None) -> bool:
    if answer is None or answer.status_code >= 500 or answer.status_code == 429:
        return True
    return answer.status_code == 409 and error_code(answer) in RETRY_CODES


class RetryingClient:
    def __init__(self, platform: Platform, rng: random.Random, give_up_s: float) -> None:
        self.platform = platform
        self.rng = rng
        self.give_up_s = give_up_s

    async def _once(
        self, method: str, path: str, who: Bettor | None, headers: dict[str, str], **kw: Any
    ) -> httpx.Response | None:
        if who is not None:
            headers = {**headers, **who.auth}
        try:
            return await self.platform.gateway().request(
                method, path, headers=headers, timeout=REQUEST_TIMEOUT_S, **kw
            )
        except httpx.HTTPError:
            return None

    async def _backoff(self, attempt: int) -> None:
        await asyncio.sleep(min(0.2 * 2**attempt, 3.0) * self.rng.uniform(0.5, 1.5))

    async def send(
        self, op: Op, method: str, path: str, who: Bettor | None, **kw: Any
    ) -> httpx.Response | None:
        """The operation's request, retried with its key; its answer (None: unknown)."""
        deadline = time.monotonic() + self.give_up_s
        headers = {"Idempotency-Key": op.key}
        while True:
            answer = await self._once(method, path, who, headers, **kw)
            op.attempts += 1
            if answer is not None:
                op.status = answer.status_code
                op.code = error_code(answer)
            if not worth_retrying(answer):
                assert answer is not None
                op.outcome = OK if answer.is_success else REFUSED
                return answer
            if time.monotonic() > deadline:
                op.outcome = UNKNOWN
                return None
            await self._backoff(op.attempts)

    async def read(self, path: str, who: Bettor | None, **kw: Any) -> Any:
        """A GET retried the same way; its JSON (None: no answer in time, or a 4xx)."""
        deadline = time.monotonic() + self.give_up_s
        attempt = 0
        while True:
            answer = await self._once("GET", path, who, {}, **kw)
            attempt += 1
            if not worth_retrying(answer):
                assert answer is not None
                return answer.json() if answer.is_success else None
            if time.monotonic() > deadline:
                return None
            await self._backoff(attempt)
