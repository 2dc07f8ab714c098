"""The password lockout holds under parallel requests (issue #20, 4): each attempt is counted
before the slow argon2 check, and the lockout is checked again after it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

PASSWORD = "correct-horse-battery-9"
WRONG = "wrong-password-1"


class HeldChecks:
    """Holds every password check until more than ``limit`` are running at once (so more than
    the limit got past the lockout) or every other request was answered without a check."""

    def __init__(self, real: Callable[..., Awaitable[bool]], *, limit: int, requests: int) -> None:
        self.real = real
        self.limit = limit
        self.requests = requests
        self.checks = 0
        self.answered = 0
        self.opened = asyncio.Event()

    def _maybe_open(self) -> None:
        if self.checks > self.limit or self.checks + self.answered == self.requests:
            self.opened.set()

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.checks += 1
        self._maybe_open()
        await asyncio.wait_for(self.opened.wait(), timeout=15)
        return await self.real(password_hash, password)

    async def answer(self, request: Awaitable[httpx.Response]) -> httpx.Response:
        response = await request
        self.answered += 1
        self._maybe_open()
        return response


async def test_parallel_wrong_passwords_cannot_all_get_past_the_lockout(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = await api.new_user()
    limit = api.services.settings.signin_account_max_failures
    sent = limit * 3
    held = HeldChecks(api.services.passwords.verify, limit=limit, requests=sent)
    monkeypatch.setattr(api.services.passwords, "verify", held.verify)

    responses = await asyncio.gather(
        *(
            held.answer(api.post("/sign-in", {"email": signed.email, "password": WRONG}))
            for _ in range(sent)
        )
    )

    assert held.checks <= limit
    statuses = [r.status_code for r in responses]
    assert statuses.count(401) < limit, statuses
    assert set(statuses) <= {401, 429}
    locked = next(r for r in responses if r.status_code == 429)
    assert int(locked.headers["Retry-After"]) > 0
    # The lockout holds afterwards too, for the right password.
    await api.sign_in(signed.email, PASSWORD, expect=429)


async def test_parallel_wrong_current_passwords_cannot_all_get_past_the_lockout(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = await api.new_user()
    limit = api.services.settings.signin_account_max_failures
    sent = limit * 3
    held = HeldChecks(api.services.passwords.verify, limit=limit, requests=sent)
    monkeypatch.setattr(api.services.passwords, "verify", held.verify)

    body = {"current_password": WRONG, "new_password": "another-horse-staple-42"}
    responses = await asyncio.gather(
        *(held.answer(api.post("/change-password", body, headers=signed.auth)) for _ in range(sent))
    )

    assert held.checks <= limit
    statuses = [r.status_code for r in responses]
    assert statuses.count(400) < limit, statuses
    assert set(statuses) <= {400, 429}


async def test_the_right_password_waits_when_a_lockout_started_during_its_check(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = await api.new_user()
    limit = api.services.settings.signin_account_max_failures
    real_verify = api.services.passwords.verify
    checking = asyncio.Event()
    finish = asyncio.Event()

    async def slow_for_the_right_password(password_hash: str | None, password: str) -> bool:
        if password == PASSWORD:
            checking.set()
            await asyncio.wait_for(finish.wait(), timeout=15)
        return bool(await real_verify(password_hash, password))

    monkeypatch.setattr(api.services.passwords, "verify", slow_for_the_right_password)
    right = asyncio.create_task(api.post("/sign-in", {"email": signed.email, "password": PASSWORD}))
    await asyncio.wait_for(checking.wait(), timeout=15)
    # Meanwhile wrong passwords start a lockout.
    wrong = [
        await api.post("/sign-in", {"email": signed.email, "password": WRONG}) for _ in range(limit)
    ]
    assert wrong[-1].status_code == 429
    finish.set()

    response = await right
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "auth.too_many_attempts"
