"""Two-factor settings need the password (issue #20, 9).

A stolen access token alone must not enrol the thief's authenticator (which would also lock the
owner out of provider sign-in), nor confirm or remove one: setup, enable and disable all ask
for the account's current password, and a wrong one counts like a failed sign-in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyotp

PASSWORD = "correct-horse-battery-9"
WRONG = "not-the-password-1"


async def _secret_of(api: Any, signed: Any) -> bytes | None:
    rows = await api.sql("SELECT totp_secret FROM auth.user WHERE id = :u", u=signed.user_id)
    return rows[0][0]  # type: ignore[no-any-return]


async def test_a_stolen_token_cannot_set_up_two_factor(api: Any) -> None:
    victim = await api.new_user()
    bare = await api.post("/2fa/setup", headers=victim.auth)
    assert bare.status_code == 422, bare.text
    assert bare.json()["error"]["code"] == "validation_error"
    wrong = await api.post("/2fa/setup", {"password": WRONG}, headers=victim.auth)
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["error"]["code"] == "auth.password_incorrect"
    assert await _secret_of(api, victim) is None
    assert "two_factor_setup" not in await api.audit_actions(victim.user_id)

    done = await api.post("/2fa/setup", {"password": PASSWORD}, headers=victim.auth)
    assert done.status_code == 200, done.text
    assert await _secret_of(api, victim) is not None


async def test_a_stolen_token_cannot_confirm_or_remove_two_factor(api: Any) -> None:
    owner = await api.new_user()
    setup = await api.post("/2fa/setup", {"password": PASSWORD}, headers=owner.auth)
    totp = pyotp.TOTP(setup.json()["secret"])

    for body in ({"code": totp.now()}, {"code": totp.now(), "password": WRONG}):
        refused = await api.post("/2fa/enable", body, headers=owner.auth)
        assert refused.status_code in (400, 422), refused.text
    rows = await api.sql("SELECT totp_enabled_at FROM auth.user WHERE id = :u", u=owner.user_id)
    assert rows == [(None,)]
    enabled = await api.post(
        "/2fa/enable", {"code": totp.now(), "password": PASSWORD}, headers=owner.auth
    )
    assert enabled.status_code == 200, enabled.text
    recovery = enabled.json()["recovery_codes"]

    missing = await api.post("/2fa/disable", {"code": recovery[0]}, headers=owner.auth)
    assert missing.status_code == 422, missing.text
    wrong = await api.post(
        "/2fa/disable", {"code": recovery[0], "password": WRONG}, headers=owner.auth
    )
    assert wrong.json()["error"]["code"] == "auth.password_incorrect"
    assert await _secret_of(api, owner) is not None


async def test_wrong_passwords_count_like_failed_sign_ins(api: Any) -> None:
    owner = await api.new_user()
    limit = api.services.settings.signin_account_max_failures
    answers = [
        (await api.post("/2fa/setup", {"password": WRONG}, headers=owner.auth)).status_code
        for _ in range(limit)
    ]
    assert answers[-1] == 429, answers
    # Locked now: even the right password waits, here and at sign-in.
    locked = await api.post("/2fa/setup", {"password": PASSWORD}, headers=owner.auth)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    await api.sign_in(owner.email, PASSWORD, expect=429)
    assert await _secret_of(api, owner) is None


async def test_an_account_without_a_password_must_set_one_first(api: Any) -> None:
    # Signed up through a provider: no password to confirm with.
    owner = await api.new_user()
    await api.sql("UPDATE auth.user SET password_hash = NULL WHERE id = :u", u=owner.user_id)
    response = await api.post("/2fa/setup", {"password": PASSWORD}, headers=owner.auth)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "auth.password_not_set"

    # One enrolled before this rule cannot be turned off with a code alone either.
    secret = pyotp.random_base32()
    await api.sql(
        "UPDATE auth.user SET totp_secret = :s, totp_enabled_at = :now WHERE id = :u",
        s=api.services.seal_totp_secret(owner.user_id, secret),
        now=datetime.now(UTC),
        u=owner.user_id,
    )
    off = await api.post(
        "/2fa/disable", {"code": pyotp.TOTP(secret).now(), "password": PASSWORD}, headers=owner.auth
    )
    assert off.status_code == 409, off.text
    assert off.json()["error"]["code"] == "auth.password_not_set"
    rows = await api.sql("SELECT totp_enabled_at FROM auth.user WHERE id = :u", u=owner.user_id)
    assert rows[0][0] is not None


async def test_turning_two_factor_on_ends_the_other_sessions(api: Any) -> None:
    owner = await api.new_user()
    other = await api.signed_in(owner.email)
    setup = await api.post("/2fa/setup", {"password": PASSWORD}, headers=owner.auth)
    totp = pyotp.TOTP(setup.json()["secret"])
    enabled = await api.post(
        "/2fa/enable", {"code": totp.now(), "password": PASSWORD}, headers=owner.auth
    )
    assert enabled.status_code == 200, enabled.text
    assert (await api.get("/session", headers=owner.auth)).status_code == 200
    ended = await api.get("/session", headers=other.auth)
    assert ended.status_code == 401
    assert await api.outbox_for("SessionRevoked", session_id=str(other.session_id))


async def test_wrong_codes_to_turn_it_off_count_like_failed_sign_ins(api: Any) -> None:
    # The thief has the token and the password, but not the phone: no unlimited code guesses.
    owner = await api.new_user()
    setup = await api.post("/2fa/setup", {"password": PASSWORD}, headers=owner.auth)
    totp = pyotp.TOTP(setup.json()["secret"])
    enabled = await api.post(
        "/2fa/enable", {"code": totp.now(), "password": PASSWORD}, headers=owner.auth
    )
    assert enabled.status_code == 200, enabled.text
    limit = api.services.settings.signin_account_max_failures
    answers = [
        (
            await api.post(
                "/2fa/disable", {"code": "wrong-recovery", "password": PASSWORD}, headers=owner.auth
            )
        ).status_code
        for _ in range(limit)
    ]
    assert answers == [400] * (limit - 1) + [429], answers
    assert await _secret_of(api, owner) is not None
