"""What the SPA does, over HTTP only: requests through the gateways, the live stream, the inbox.

With two gateways every request goes to the next one in turn, so a flow that works has worked
across replicas (a session made on one gateway used on the other, a ticket taken on one and
the stream opened on the other).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from tests.e2e.processes import PlatformLayout, Process

from common.testing.database import TestDatabase

T = TypeVar("T")
DEADLINE_S = 20.0
CODE = re.compile(r"\b(\d{6})\b")


async def eventually(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = DEADLINE_S
) -> T:
    """Poll ``probe`` until it returns something (not None), or fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = await probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s:.0f} s: {what}")
        await asyncio.sleep(0.1)


@dataclass
class Bettor:
    """A signed-in person: who they are and the bearer token the SPA keeps."""

    email: str
    password: str
    name: str
    user_id: str = ""
    access_token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Platform:
    """The running processes and the public entry points a browser would use."""

    def __init__(
        self, layout: PlatformLayout, processes: list[Process], database: TestDatabase
    ) -> None:
        self.layout = layout
        self.processes = processes
        self.database = database
        self._gateways: list[httpx.AsyncClient] = []
        self._turn = itertools.count()
        self.outside = httpx.AsyncClient(timeout=20)  # the inbox and Stripe.js's calls

    async def open(self) -> None:
        self._gateways = [
            httpx.AsyncClient(base_url=url, timeout=30) for url in self.layout.gateway_urls
        ]

    async def close(self) -> None:
        for client in self._gateways:
            await client.aclose()
        await self.outside.aclose()

    @property
    def replicas(self) -> int:
        return self.layout.replicas

    def gateway(self) -> httpx.AsyncClient:
        """The next gateway in turn."""
        return self._gateways[next(self._turn) % len(self._gateways)]

    async def call(
        self, method: str, path: str, who: Bettor | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if who is not None:
            headers.update(who.auth)
        return await self.gateway().request(method, path, headers=headers, **kwargs)

    async def ok(
        self, method: str, path: str, who: Bettor | None = None, status: int = 200, **kwargs: Any
    ) -> Any:
        answer = await self.call(method, path, who, **kwargs)
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    # --- accounts ---------------------------------------------------------------------------

    async def code_for(self, email: str) -> str:
        """The newest six-digit code mailed to ``email`` (the SMTP sink's inbox API)."""

        async def probe() -> str | None:
            answer = await self.outside.get(
                f"{self.layout.inbox_url}/api/messages", params={"to": email}
            )
            answer.raise_for_status()
            for message in reversed(answer.json()):
                found = CODE.search(message.get("subject") or "") or CODE.search(
                    message.get("text") or ""
                )
                if found:
                    return found.group(1)
            return None

        return await eventually(probe, f"a code mailed to {email}")

    async def sign_in(self, who: Bettor) -> Bettor:
        body = {"email": who.email, "password": who.password}
        answer = await self.ok("POST", "/api/auth/sign-in", json=body)
        assert answer["token_type"] == "bearer"
        who.access_token = answer["access_token"]
        who.user_id = str(answer["user"]["id"])
        return who

    async def sign_up_verified(self, who: Bettor) -> Bettor:
        """Sign up → the code from the inbox → verify → sign in, as a new user does."""
        body = {"email": who.email, "password": who.password, "name": who.name}
        created = await self.ok("POST", "/api/auth/sign-up", json=body, status=201)
        assert created["user"]["email"] == who.email
        assert created["user"]["is_verified"] is False
        code = await self.code_for(who.email)
        await self.ok("POST", "/api/auth/verify-email", json={"email": who.email, "code": code})
        return await self.sign_in(who)

    # --- wallet -----------------------------------------------------------------------------

    async def balance(self, who: Bettor) -> dict[str, Any]:
        answer = await self.ok("GET", "/api/wallet/balance", who)
        return dict(answer["balance"])

    async def balance_becomes(self, who: Bettor, **expected: str) -> dict[str, Any]:
        """Poll the balance until every named field has the expected two-decimal string."""
        last: dict[str, Any] = {}

        async def probe() -> dict[str, Any] | None:
            nonlocal last
            answer = await self.call("GET", "/api/wallet/balance", who)
            if answer.status_code != 200:
                return None
            last = answer.json()["balance"]
            return last if all(last.get(k) == v for k, v in expected.items()) else None

        try:
            return await eventually(probe, f"balance {expected}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last balance {last}") from None


@dataclass
class StreamReader:
    """One open ``/api/stream`` connection, its frames collected as they arrive."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, client: httpx.AsyncClient, ticket: str | None) -> StreamReader:
        reader = cls()
        params = {"ticket": ticket} if ticket else {}
        reader.task = asyncio.create_task(reader._read(client, params))
        await asyncio.wait_for(reader.connected.wait(), 10)
        return reader

    async def _read(self, client: httpx.AsyncClient, params: dict[str, str]) -> None:
        timeout = httpx.Timeout(10, read=None)
        async with client.stream("GET", "/api/stream", params=params, timeout=timeout) as answer:
            assert answer.status_code == 200, await answer.aread()
            frame: dict[str, Any] = {}
            async for line in answer.aiter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line == "":
                    if "event" in frame:
                        self.frames.append(frame)
                    frame = {}
                elif line.startswith("event:"):
                    frame["event"] = line.removeprefix("event:").strip()
                elif line.startswith("id:"):
                    frame["id"] = line.removeprefix("id:").strip()
                elif line.startswith("data:"):
                    frame["data"] = json.loads(line.removeprefix("data:").strip())

    def of(self, event: str, **payload: Any) -> list[dict[str, Any]]:
        return [
            f
            for f in self.frames
            if f["event"] == event
            and all(str(f.get("data", {}).get(k)) == str(v) for k, v in payload.items())
        ]

    async def wait_for(self, event: str, **payload: Any) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            if self.task is not None and self.task.done() and self.task.exception():
                raise AssertionError(f"stream closed: {self.task.exception()!r}")
            found = self.of(event, **payload)
            return found[0] if found else None

        return await eventually(probe, f"stream frame {event} {payload}")

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


async def open_private_stream(platform: Platform, who: Bettor) -> StreamReader:
    """Ticket from one gateway, stream from the next (with two): as a browser's EventSource."""
    ticket = await platform.ok("POST", "/api/stream/ticket", who)
    return await StreamReader.open(platform.gateway(), ticket["ticket"])
