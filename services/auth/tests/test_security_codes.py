"""Emailed codes cannot be brute-forced (issue #20, 1 and 8): wrong codes are capped per address
across re-issued codes and both purposes, the pause answers the same for a right and a wrong
code, the owner is told, codes presented and code emails are capped per address, and
reset-password checks the code before paying for argon2."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auth.domain.codes import CodeAttempts, CodeLockoutPolicy, address_subject

PASSWORD = "correct-horse-battery-9"
NEW_PASSWORD = "brand-new-staple-horse-31"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def _forget_code_checks(api: Any) -> None:
    """The per-address check counters' window ends now (instead of waiting 15 minutes)."""
    redis = api.runtime.redis
    prefix = api.services.settings.redis_prefix
    keys = [k async for k in redis.scan_iter(match=f"{prefix}auth:code:check:*")]
    if keys:
        await redis.delete(*keys)


async def _reset_code(api: Any, email: str) -> str:
    api.mail_sink.clear()
    response = await api.post("/forgot-password", {"email": email})
    assert response.status_code == 202
    return str(await api.mailed_code(email, "password reset code"))


async def _reset(api: Any, email: str, code: str) -> Any:
    return await api.post(
        "/reset-password", {"email": email, "code": code, "new_password": NEW_PASSWORD}
    )


async def test_wrong_codes_are_capped_per_address_across_reissued_codes(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = api.services.settings
    limit = settings.code_lockout_max_failures
    assert limit == 10
    email = api.new_email("target")
    await api.sign_up(email)  # unverified: both code flows are open
    verify_code = await api.mailed_code(email, "verification code")

    # Each re-issued code gets fresh per-code tries (5), but the address's count goes on.
    code = ""
    answers = []
    for failures in range(limit):
        if failures % 4 == 0:
            code = await _reset_code(api, email)
        answers.append(await _reset(api, email, _wrong(code)))
    assert [a.status_code for a in answers[:-1]] == [400] * (limit - 1)
    locked = answers[-1]
    assert locked.status_code == 429, locked.text
    assert locked.json()["error"]["code"] == "auth.code_locked"
    assert 0 < int(locked.headers["Retry-After"]) <= settings.code_lockout_window_s

    # While paused: the right code gets the very same refusal, in both flows.
    await _forget_code_checks(api)
    for response in (
        await _reset(api, email, code),
        await api.post("/verify-email", {"email": email, "code": verify_code}),
        await _reset(api, email, _wrong(code)),
    ):
        assert response.status_code == 429
        assert response.json()["error"]["code"] == locked.json()["error"]["code"]
        assert response.json()["error"]["message"] == locked.json()["error"]["message"]
        assert int(response.headers["Retry-After"]) > 0

    # The owner is told; no new code is issued while paused; the password still signs in.
    notice = await api.mail_sink.wait_for(email, subject_contains="too many wrong codes")
    assert notice.text is not None
    assert "If this wasn't you" in notice.text
    user_id = (await api.sql("SELECT id FROM auth.user WHERE email = :e", e=email))[0][0]
    issued = "SELECT count(*) FROM auth.password_reset WHERE user_id = :u"
    before = (await api.sql(issued, u=user_id))[0][0]
    assert (await api.post("/forgot-password", {"email": email})).status_code == 202
    assert (await api.sql(issued, u=user_id))[0][0] == before
    await api.sign_in(email, PASSWORD)
    assert "code_lockout" in await api.audit_actions(user_id)

    # A day later the pause is over: a new code works, and the count starts again.
    real_clock = api.services.clock
    monkeypatch.setattr(
        api.services,
        "clock",
        lambda: real_clock() + timedelta(seconds=settings.code_lockout_window_s + 60),
    )
    fresh = await _reset_code(api, email)
    response = await _reset(api, email, fresh)
    assert response.status_code == 200, response.text
    await api.sign_in(email, NEW_PASSWORD)


async def test_parallel_wrong_codes_cannot_pass_the_cap(api: Any) -> None:
    """Guesses sent at once are counted one by one: never more than the cap get judged."""
    settings = api.services.settings
    email = api.new_email("burst")
    await api.sign_up(email)
    await api.mailed_code(email, "verification code")
    sent = settings.code_lockout_max_failures + 5
    responses = await asyncio.gather(
        *(
            api.post("/verify-email", {"email": email, "code": f"{n:06d}"})
            for n in range(100_000, 100_000 + sent)
        )
    )
    codes = sorted(r.json()["error"]["code"] for r in responses)
    # Exactly the cap is judged: the last of them starts the pause; the rest wait.
    assert codes.count("auth.code_invalid") == settings.code_lockout_max_failures - 1, codes
    assert "auth.code_locked" in codes
    assert all(r.status_code in (400, 429) for r in responses)


async def test_codes_presented_per_address_are_rate_limited(api: Any) -> None:
    """Even right answers count: a burst at one address waits (429 with Retry-After)."""
    settings = api.services.settings
    email = api.new_email("clicker")
    await api.sign_up(email)
    code = await api.mailed_code(email, "verification code")
    for _ in range(settings.code_check_max_per_email):
        response = await api.post("/verify-email", {"email": email, "code": code})
        assert response.status_code == 200, response.text  # the first, then double clicks
    throttled = await api.post("/verify-email", {"email": email, "code": code})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "auth.too_many_attempts"
    assert 0 < int(throttled.headers["Retry-After"]) <= settings.code_check_window_s


async def test_code_emails_per_address_are_capped(api: Any) -> None:
    """forgot-password cannot flood a mailbox: past the cap it still answers 202, sends nothing."""
    settings = api.services.settings
    signed = await api.new_user()
    for _ in range(settings.code_mail_max_per_email + 2):
        response = await api.post("/forgot-password", {"email": signed.email})
        assert response.status_code == 202
    issued = await api.sql(
        "SELECT count(*) FROM auth.password_reset WHERE user_id = :u", u=signed.user_id
    )
    assert issued == [(settings.code_mail_max_per_email,)]


async def test_reset_password_checks_the_code_before_hashing(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong code costs no argon2 work; only a right one pays for the new hash."""
    signed = await api.new_user()
    code = await _reset_code(api, signed.email)
    passwords = api.services.passwords
    real_hash = passwords.hash
    hashed: list[str] = []

    async def counting_hash(password: str) -> str:
        hashed.append(password)
        return str(await real_hash(password))

    monkeypatch.setattr(passwords, "hash", counting_hash)
    for address in (signed.email, api.new_email("ghost")):
        wrong = await _reset(api, address, _wrong(code))
        assert wrong.status_code == 400
    assert hashed == []
    right = await _reset(api, signed.email, code)
    assert right.status_code == 200, right.text
    assert hashed == [NEW_PASSWORD]


# the policy, as pure functions ------------------------------------------------------------------

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
POLICY = CodeLockoutPolicy(max_failures=3, window_s=3600)


def test_the_pause_starts_at_the_limit_and_lasts_the_window() -> None:
    attempts = CodeAttempts(failures=0, window_started_at=NOW, locked_until=None)
    for minute in range(POLICY.max_failures):
        assert POLICY.retry_after_s(attempts, NOW) is None
        attempts = POLICY.after_failure(attempts, NOW + timedelta(minutes=minute))
    assert attempts.failures == POLICY.max_failures
    paused_at = NOW + timedelta(minutes=POLICY.max_failures - 1)
    assert attempts.locked_until == paused_at + timedelta(seconds=POLICY.window_s)
    assert POLICY.retry_after_s(attempts, paused_at) == POLICY.window_s
    assert POLICY.retry_after_s(attempts, attempts.locked_until) is None


def test_failures_older_than_the_window_are_forgotten() -> None:
    old = CodeAttempts(failures=POLICY.max_failures - 1, window_started_at=NOW, locked_until=None)
    later = NOW + timedelta(seconds=POLICY.window_s)
    after = POLICY.after_failure(old, later)
    assert after == CodeAttempts(failures=1, window_started_at=later, locked_until=None)


def test_the_counter_key_is_keyed_and_per_address() -> None:
    one = address_subject("pepper-one-0123456789", "a@example.com")
    assert one != address_subject("pepper-two-0123456789", "a@example.com")
    assert one != address_subject("pepper-one-0123456789", "b@example.com")
    assert b"a@example.com" not in one
