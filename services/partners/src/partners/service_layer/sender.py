"""The outbound sender: claims due postbacks (``FOR UPDATE SKIP LOCKED``, a short transaction),
sends each signed over HTTP outside any transaction, then records the attempt and its outcome.

Safe with several replicas: a row is claimed by one sender at a time (the claim counts the
attempt and leases the row until the timeout has surely passed), and an outcome is written only
by the claim that made the attempt. Every attempt of a postback carries the same
``X-Looseline-Postback-Id``: the partner dedupes on it.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.logging import get_logger
from common.money import format_minor
from partners.domain import signatures
from partners.domain.delivery import Verdict, next_attempt_at, verdict
from partners.domain.templates import render
from partners.service_layer import metrics
from partners.service_layer.unit_of_work import UnitOfWork
from partners.settings import Settings

log = get_logger(__name__)
Clock = Callable[[], datetime]
POSTBACK_ID_HEADER = "X-Looseline-Postback-Id"
USER_AGENT = "LOOSELINE-postback/1"
_LEASE_MARGIN_S = 30.0


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    latency_ms: int


def macro_values(row: Mapping[str, Any] | RowMapping) -> dict[str, str | None]:
    amount = row.get("amount_minor")
    return {
        "click_id": row.get("click_id"),
        "user_id": str(row["user_id"]),
        "amount": None if amount is None else format_minor(int(amount)),
        "currency": row.get("currency"),
        "event": row["event"],
        "transaction_id": row.get("transaction_id"),
    }


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    *,
    secret: str,
    postback_id: uuid.UUID,
    timeout_s: float,
    now_unix: int | None = None,
) -> AttemptResult:
    """One signed GET; never raises for the partner's failures (they are the result)."""
    stamp = int(time.time()) if now_unix is None else now_unix
    headers = {
        signatures.SIGNED_OUT: signatures.outbound_header(secret, stamp, "GET", url),
        POSTBACK_ID_HEADER: str(postback_id),
        "User-Agent": USER_AGENT,
    }
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            response = await client.get(url, headers=headers, timeout=timeout_s)
        status_code = response.status_code
    except TimeoutError:
        error = "Timeout"
    except httpx.TimeoutException as exc:
        error = type(exc).__name__
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    latency_ms = int((time.perf_counter() - started) * 1000)
    return AttemptResult(status_code=status_code, error=error, latency_ms=latency_ms)


@dataclass
class Sender:
    sessionmaker: async_sessionmaker[AsyncSession]
    client: httpx.AsyncClient
    settings: Settings
    clock: Clock
    rand: Callable[[], float] = field(default=random.random)

    async def job(self, _engine: AsyncEngine) -> None:
        """The periodic job: rounds until nothing due is left (or a round is short)."""
        while await self.run_once() >= self.settings.sender_batch_size:
            pass

    async def run_once(self) -> int:
        now = self.clock()
        lease = now + timedelta(seconds=self.settings.postback_timeout_s + _LEASE_MARGIN_S)
        async with UnitOfWork(self.sessionmaker) as uow:
            claimed = await uow.postbacks.claim_due(
                now, limit=self.settings.sender_batch_size, lease_until=lease
            )
            await uow.commit()
        if claimed:
            await asyncio.gather(*(self._send(row) for row in claimed))
        return len(claimed)

    async def _send(self, row: RowMapping) -> None:
        template = (row["urls"] or {}).get(row["event"]) if row["active"] else None
        attempt: int = row["attempts"]
        if template is None:  # the partner was deactivated or lost its URL since: never sent
            url = ""
            result = AttemptResult(status_code=None, error="NoActiveTemplate", latency_ms=0)
            outcome = Verdict.FAILED
        else:
            url = render(template, macro_values(row))
            result = await deliver(
                self.client,
                url,
                secret=row["secret"],
                postback_id=row["id"],
                timeout_s=self.settings.postback_timeout_s,
            )
            outcome = verdict(result.status_code)
        now = self.clock()
        values: dict[str, Any] = {
            "last_status_code": result.status_code,
            "last_error": result.error,
        }
        if outcome is Verdict.DELIVERED:
            values.update(status="delivered", delivered_at=now)
        elif outcome is Verdict.FAILED:
            values.update(status="failed")
        else:
            at = next_attempt_at(
                now,
                row["created_at"],
                attempt,
                base_s=self.settings.postback_backoff_base_s,
                cap_s=self.settings.postback_backoff_cap_s,
                give_up_after_s=self.settings.postback_give_up_after_s,
                rand=self.rand,
            )
            if at is None:
                outcome = Verdict.FAILED
                values.update(status="failed")
            else:
                values.update(next_attempt_at=at)
        async with UnitOfWork(self.sessionmaker) as uow:
            await uow.postbacks.record_attempt(
                {
                    "postback_id": row["id"],
                    "attempt": attempt,
                    "status_code": result.status_code,
                    "error": result.error,
                    "latency_ms": result.latency_ms,
                    "url": url,
                    "at": now,
                }
            )
            applied = await uow.postbacks.finish_attempt(row["id"], attempt, values)
            await uow.commit()
        metrics.count("outbound", row["event"], outcome.value)
        log.info(
            "partners.postback_attempt",
            postback_id=str(row["id"]),
            partner_id=row["partner_id"],
            postback_event=row["event"],
            attempt=attempt,
            status_code=result.status_code,
            error=result.error,
            latency_ms=result.latency_ms,
            outcome=outcome.value,
            applied=applied,
        )
