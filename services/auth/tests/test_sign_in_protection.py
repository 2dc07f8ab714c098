"""Sign-in protection: brute-force lockouts (429 + Retry-After), no user enumeration, blocked
users, and two-factor authentication with TOTP and recovery codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp

PASSWORD = "correct-horse-battery-9"


async def test_unknown_email_and_wrong_password_answer_alike(api: Any) -> None:
    signed = await api.new_user()
    unknown = await api.sign_in(api.new_email("ghost"), PASSWORD, expect=401)
    wrong = await api.sign_in(signed.email, "wrong-password-1", expect=401)
    assert unknown.json() == wrong.json()
    assert unknown.json()["error"]["code"] == "auth.invalid_credentials"


async def test_account_lockout_after_five_failures_answers_429_with_retry_after(api: Any) -> None:
    signed = await api.new_user()
    for _ in range(4):
        await api.sign_in(signed.email, "wrong-password-1", expect=401)
    locked = await api.sign_in(signed.email, "wrong-password-1", expect=429)
    assert locked.json()["error"]["code"] == "auth.too_many_attempts"
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= 60
    # Even the right password waits; from another IP too (the account is the target).
    await api.sign_in(signed.email, PASSWORD, expect=429)
    api.headers["X-Real-IP"] = "10.250.0.1"
    await api.sign_in(signed.email, PASSWORD, expect=429)
    assert "lockout" in await api.audit_actions(signed.user_id)

    # The lockout is temporary: when it lapses, the right password works again.
    # (No sleeping for a minute: the lock's Redis key expires now instead.)
    redis = api.runtime.redis
    prefix = api.services.settings.redis_prefix
    keys = [k async for k in redis.scan_iter(match=f"{prefix}auth:signin:lock:acct:*")]
    assert keys
    await redis.delete(*keys)
    await api.sign_in(signed.email, PASSWORD)


async def test_lockouts_grow_but_are_capped_and_a_password_reset_lifts_them(api: Any) -> None:
    signed = await api.new_user()
    settings = api.services.settings
    throttle = api.services.throttle
    durations = []
    for _ in range(6):
        for _ in range(settings.signin_account_max_failures):
            lockout = await throttle.register_failure(email=signed.email, ip=None)
        assert lockout is not None
        durations.append(lockout.retry_after_s)
    assert durations == [60, 120, 240, 480, 900, 900]

    await api.sign_in(signed.email, PASSWORD, expect=429)
    await api.post("/forgot-password", {"email": signed.email})
    code = await api.mailed_code(signed.email, "password reset code")
    new_password = "reset-and-unlocked-77"
    response = await api.post(
        "/reset-password", {"email": signed.email, "code": code, "new_password": new_password}
    )
    assert response.status_code == 200
    await api.sign_in(signed.email, new_password)


async def test_unknown_accounts_lock_too_and_per_ip_limit_holds(api: Any) -> None:
    # Eight failures from one IP across many (unknown) accounts: that IP waits.
    for i in range(7):
        await api.sign_in(api.new_email(f"spray{i}"), PASSWORD, expect=401)
    locked = await api.sign_in(api.new_email("spray-last"), PASSWORD, expect=429)
    assert int(locked.headers["Retry-After"]) > 0
    # Another IP is not affected.
    api.headers["X-Real-IP"] = "10.251.0.2"
    signed = await api.new_user()
    assert signed.access_token


async def test_blocked_user_cannot_sign_in(api: Any) -> None:
    signed = await api.new_user()
    await api.sql("UPDATE auth.user SET status = 'blocked' WHERE id = :u", u=signed.user_id)
    response = await api.sign_in(signed.email, PASSWORD, expect=403)
    assert response.json()["error"]["code"] == "auth.user_blocked"
    # Without the right password, nothing reveals that the account is blocked.
    await api.sign_in(signed.email, "wrong-password-1", expect=401)


def _totp_at(secret: str, offset_s: int) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=offset_s))


async def test_two_factor_with_totp_and_single_use_recovery_codes(api: Any) -> None:
    signed = await api.new_user()
    setup = await api.post("/2fa/setup", {"password": PASSWORD}, headers=signed.auth)
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    uri = setup.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    assert "issuer=LOOSELINE" in uri

    bad = await api.post(
        "/2fa/enable", {"code": "000000", "password": PASSWORD}, headers=signed.auth
    )
    if _totp_at(secret, 0) != "000000":
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "auth.totp_code_incorrect"
    enabled = await api.post(
        "/2fa/enable", {"code": _totp_at(secret, 0), "password": PASSWORD}, headers=signed.auth
    )
    assert enabled.status_code == 200, enabled.text
    recovery = enabled.json()["recovery_codes"]
    assert len(recovery) == 10
    assert len(set(recovery)) == 10
    stored = await api.sql("SELECT totp_secret FROM auth.user WHERE id = :u", u=signed.user_id)
    assert secret.encode() not in bytes(stored[0][0])  # encrypted at rest

    # Password alone is not enough now.
    needs = await api.sign_in(signed.email, PASSWORD, expect=401)
    assert needs.json()["error"]["code"] == "auth.totp_required"
    wrong = await api.sign_in(signed.email, PASSWORD, expect=401, totp_code="123456")
    assert wrong.json()["error"]["code"] == "auth.totp_invalid"

    # A TOTP from the next step (the current one was spent enabling): accepted once.
    code = _totp_at(secret, 30)
    with_totp = await api.sign_in(signed.email, PASSWORD, totp_code=code)
    assert with_totp.json()["user"]["two_factor_enabled"] is True
    replay = await api.sign_in(signed.email, PASSWORD, expect=401, totp_code=code)
    assert replay.json()["error"]["code"] == "auth.totp_invalid"

    # A recovery code works once.
    await api.sign_in(signed.email, PASSWORD, totp_code=recovery[0].upper())
    reused = await api.sign_in(signed.email, PASSWORD, expect=401, totp_code=recovery[0])
    assert reused.json()["error"]["code"] == "auth.totp_invalid"
    actions = await api.audit_actions(signed.user_id)
    assert {"two_factor_setup", "two_factor_enabled", "recovery_code_used"} <= set(actions)

    # Turning it off needs the password and a code.
    no_password = await api.post(
        "/2fa/disable", {"code": recovery[1], "password": "nope-nope-nope"}, headers=signed.auth
    )
    assert no_password.json()["error"]["code"] == "auth.password_incorrect"
    off = await api.post(
        "/2fa/disable", {"code": recovery[1], "password": PASSWORD}, headers=signed.auth
    )
    assert off.status_code == 200, off.text
    await api.sign_in(signed.email, PASSWORD)
    assert "two_factor_disabled" in await api.audit_actions(signed.user_id)
    again = await api.post(
        "/2fa/disable", {"code": "123456", "password": PASSWORD}, headers=signed.auth
    )
    assert again.json()["error"]["code"] == "auth.totp_not_enabled"


async def test_enable_needs_setup_first(api: Any) -> None:
    signed = await api.new_user()
    response = await api.post(
        "/2fa/enable", {"code": "123456", "password": PASSWORD}, headers=signed.auth
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "auth.totp_not_set_up"
