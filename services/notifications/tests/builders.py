"""Small helpers of the notifications tests: a user, polling, the deliveries of a user."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass
class User:
    user_id: uuid.UUID
    email: str
    name: str
    headers: dict[str, str]
    chat_id: str | None = None


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout_s: float = 10) -> Any:
    """The first truthy value of ``check()``, polled; AssertionError after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        value = await check()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"not true within {timeout_s} s (last: {value!r})")
        await asyncio.sleep(0.05)


async def deliveries(pg: asyncpg.Connection, user_id: uuid.UUID) -> list[asyncpg.Record]:
    return await pg.fetch(
        "SELECT * FROM notifications.delivery WHERE user_id = $1 ORDER BY created_at, channel",
        user_id,
    )
