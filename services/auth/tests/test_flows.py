"""End-to-end flows over HTTP: sign-up → emailed code → verify → sign-in → refresh → sign-out,
password reset, sessions, change of password — with the outbox and the deny-list checked."""

from __future__ import annotations

import uuid
from typing import Any

PASSWORD = "correct-horse-battery-9"
NEW_PASSWORD = "another-horse-staple-42"


async def test_sign_up_verify_sign_in_refresh_sign_out(api: Any) -> None:
    email = api.new_email("Ivan")
    # Sign-up: the seed's shape; email normalised; unverified; affiliate ids accepted.
    response = await api.post(
        "/sign-up",
        {
            "email": f"  {email.upper()} ",
            "password": PASSWORD,
            "name": "Ivan",
            "partner_id": "partner-7",
            "click_id": "click-99",
        },
    )
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert {"id", "email", "name", "is_verified", "role"} <= user.keys()
    assert user["email"] == email.lower()
    assert user["is_verified"] is False
    assert user["role"] == "user"
    user_id = user["id"]

    registered = await api.outbox_for("UserRegistered", user_id=user_id)
    assert registered == [
        {
            "user_id": user_id,
            "email": email.lower(),
            "name": "Ivan",
            "referrer_user_id": None,
            "affiliate_id": "partner-7",
            "click_id": "click-99",
        }
    ]

    # The code arrives by SMTP, as text and HTML.
    message = await api.mail_sink.wait_for(email.lower(), subject_contains="verification code")
    assert message.html is not None
    code = await api.mailed_code(email, "verification code")
    assert code in message.html

    wrong = "000000" if code != "000000" else "111111"
    response = await api.post("/verify-email", {"email": email, "code": wrong})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.code_invalid"
    # No attempts count in the answer: an unknown address could not fake it (no enumeration).
    assert response.json()["error"]["details"] is None

    response = await api.post("/verify-email", {"email": email.upper(), "code": code})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["is_verified"] is True

    # Sign-in: the fixed answer shape.
    response = await api.sign_in(email, remember_me=False)
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"]["id"] == user_id
    assert body["user"]["is_verified"] is True
    access, refresh = body["access_token"], body["refresh_token"]
    session_id = body["session"]["id"]

    response = await api.get("/session", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 200, response.text
    assert response.json()["session"]["id"] == session_id
    assert response.json()["session"]["ip"] == api.ip
    assert response.json()["user"]["email"] == email.lower()

    # Refresh rotates the refresh token, keeps the session.
    response = await api.post("/refresh", {"refresh_token": refresh})
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["session"]["id"] == session_id
    assert rotated["refresh_token"] != refresh
    new_access, new_refresh = rotated["access_token"], rotated["refresh_token"]

    # Sign-out revokes the session: deny-list, outbox, tokens dead.
    response = await api.post("/sign-out", headers={"Authorization": f"Bearer {new_access}"})
    assert response.status_code == 200, response.text
    assert await api.runtime.revocations.is_revoked(uuid.UUID(session_id))
    response = await api.get("/session", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.session_revoked"
    response = await api.post("/refresh", {"refresh_token": new_refresh})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.session_revoked"

    revoked = await api.outbox_for("SessionRevoked", session_id=session_id)
    assert len(revoked) == 1
    assert revoked[0]["user_id"] == user_id
    assert revoked[0]["expires_at"]

    actions = await api.audit_actions(uuid.UUID(user_id))
    assert actions[:3] == ["sign_up", "email_verified", "sign_in"]
    assert "sign_out" in actions
    rows = await api.sql(
        "SELECT ip, user_agent FROM auth.audit_event WHERE user_id = :u AND action = 'sign_in'",
        u=uuid.UUID(user_id),
    )
    assert rows == [(api.ip, "pytest-auth/1.0")]


async def test_reusing_a_refresh_token_ends_the_whole_session(api: Any) -> None:
    signed = await api.new_user()
    first = await api.post("/refresh", {"refresh_token": signed.refresh_token})
    assert first.status_code == 200
    # The old token again (stolen and replayed, or raced): the family dies.
    replay = await api.post("/refresh", {"refresh_token": signed.refresh_token})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "auth.refresh_token_reused"
    latest = await api.post("/refresh", {"refresh_token": first.json()["refresh_token"]})
    assert latest.status_code == 401
    assert await api.runtime.revocations.is_revoked(signed.session_id)
    assert await api.outbox_for("SessionRevoked", session_id=str(signed.session_id))
    assert "refresh_token_reused" in await api.audit_actions(signed.user_id)

    unknown = await api.post("/refresh", {"refresh_token": "not-a-token"})
    assert unknown.status_code == 401
    assert unknown.json()["error"]["code"] == "auth.refresh_token_invalid"


async def test_remember_me_session_lasts_thirty_days_and_refresh_never_extends_it(api: Any) -> None:
    signed = await api.new_user()
    remembered = await api.signed_in(signed.email, remember_me=True)
    day = signed.body["session"]
    month = remembered.body["session"]
    assert month["remember_me"] is True

    def hours(session: dict[str, Any]) -> float:
        from datetime import datetime

        created = datetime.fromisoformat(session["created_at"])
        return (datetime.fromisoformat(session["expires_at"]) - created).total_seconds() / 3600

    assert round(hours(day)) == 24
    assert round(hours(month)) == 30 * 24
    refreshed = await api.post("/refresh", {"refresh_token": remembered.refresh_token})
    assert refreshed.json()["session"]["expires_at"] == month["expires_at"]


async def test_sign_up_refuses_duplicates_short_and_common_passwords(api: Any) -> None:
    email = api.new_email()
    first = await api.sign_up(email)
    # A taken address answers like a new sign-up (no enumeration) and creates nothing;
    # test_security_enumeration.py checks the details and the owner's email.
    again = await api.post("/sign-up", {"email": email.upper(), "password": PASSWORD, "name": "X"})
    assert again.status_code == 201
    assert again.json()["user"]["id"] != first["id"]
    assert await api.sql("SELECT count(*) FROM auth.user WHERE email = :e", e=email) == [(1,)]

    for password, code in [
        ("short1", "auth.password_too_short"),
        ("password123", "auth.password_too_common"),
        ("Qwertyuiop", "auth.password_too_common"),
    ]:
        response = await api.post(
            "/sign-up", {"email": api.new_email(), "password": password, "name": "X"}
        )
        assert response.status_code == 422, (password, response.text)
        assert response.json()["error"]["code"] == code

    bad_email = await api.post(
        "/sign-up", {"email": "not-an-email", "password": PASSWORD, "name": "X"}
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["error"]["code"] == "auth.email_invalid"
    # Validation errors never echo the input (a password).
    missing = await api.post("/sign-up", {"email": api.new_email(), "password": PASSWORD})
    assert missing.status_code == 422
    assert PASSWORD not in missing.text


async def test_verification_code_expires_is_single_use_and_attempt_limited(api: Any) -> None:
    email = api.new_email()
    await api.sign_up(email)
    code = await api.mailed_code(email, "verification code")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await api.post("/verify-email", {"email": email, "code": wrong})
        assert response.json()["error"]["code"] == "auth.code_invalid"
    # Five wrong tries: even the right code no longer works (the one refusal for every reason).
    response = await api.post("/verify-email", {"email": email, "code": code})
    assert response.json()["error"]["code"] == "auth.code_invalid"

    # A new code (resend) replaces it; the same answer for an unknown address.
    api.mail_sink.clear()
    for target in (email, api.new_email("nobody")):
        response = await api.post("/verify-email/resend", {"email": target})
        assert response.status_code == 202
        assert response.json()["message"].startswith("If the address")
    fresh = await api.mailed_code(email, "verification code")
    await api.expire_verification_codes(email)
    response = await api.post("/verify-email", {"email": email, "code": fresh})
    assert response.json()["error"]["code"] == "auth.code_invalid"

    api.mail_sink.clear()
    await api.post("/verify-email/resend", {"email": email})
    last = await api.mailed_code(email, "verification code")
    assert (await api.post("/verify-email", {"email": email, "code": last})).status_code == 200
    # The same code twice (a double click) is fine; it cannot verify anything else.
    assert (await api.post("/verify-email", {"email": email, "code": last})).status_code == 200
    other = api.new_email()
    await api.sign_up(other)
    response = await api.post("/verify-email", {"email": other, "code": last})
    assert response.status_code == 400


async def test_password_reset_end_to_end(api: Any) -> None:
    signed = await api.new_user()
    other_device = await api.signed_in(signed.email)

    # Same answer for a known and an unknown address.
    unknown = await api.post("/forgot-password", {"email": api.new_email("ghost")})
    known = await api.post("/forgot-password", {"email": signed.email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()

    code = await api.mailed_code(signed.email, "password reset code")
    weak = await api.post(
        "/reset-password", {"email": signed.email, "code": code, "new_password": "12345678"}
    )
    assert weak.status_code == 422
    response = await api.post(
        "/reset-password", {"email": signed.email, "code": code, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text

    # Every session ended; the old password is refused, the new one works.
    for session in (signed, other_device):
        assert await api.runtime.revocations.is_revoked(session.session_id)
        assert (await api.get("/session", headers=session.auth)).status_code == 401
        assert len(await api.outbox_for("SessionRevoked", session_id=str(session.session_id))) == 1
    failed = await api.sign_in(signed.email, PASSWORD, expect=401)
    assert failed.json()["error"]["code"] == "auth.invalid_credentials"
    await api.sign_in(signed.email, NEW_PASSWORD)

    # The code was single use.
    again = await api.post(
        "/reset-password", {"email": signed.email, "code": code, "new_password": PASSWORD + "x"}
    )
    assert again.status_code == 400
    actions = await api.audit_actions(signed.user_id)
    assert {"password_reset_requested", "password_reset", "sign_in_failed"} <= set(actions)


async def test_change_password_ends_other_sessions_but_not_this_one(api: Any) -> None:
    signed = await api.new_user()
    other = await api.signed_in(signed.email)
    wrong = await api.post(
        "/change-password",
        {"current_password": "not-the-password", "new_password": NEW_PASSWORD},
        headers=signed.auth,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "auth.password_incorrect"
    response = await api.post(
        "/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=signed.auth,
    )
    assert response.status_code == 200, response.text
    assert (await api.get("/session", headers=signed.auth)).status_code == 200
    assert (await api.get("/session", headers=other.auth)).status_code == 401
    assert (await api.post("/refresh", {"refresh_token": other.refresh_token})).status_code == 401
    assert await api.outbox_for("SessionRevoked", session_id=str(other.session_id))
    assert not await api.outbox_for("SessionRevoked", session_id=str(signed.session_id))
    await api.sign_in(signed.email, NEW_PASSWORD)
    assert "password_changed" in await api.audit_actions(signed.user_id)


async def test_list_and_end_own_sessions(api: Any) -> None:
    signed = await api.new_user()
    phone = await api.signed_in(signed.email)
    response = await api.get("/sessions", headers=signed.auth)
    assert response.status_code == 200
    sessions = {s["id"]: s for s in response.json()["sessions"]}
    assert set(sessions) == {str(signed.session_id), str(phone.session_id)}
    assert sessions[str(signed.session_id)]["current"] is True
    assert sessions[str(phone.session_id)]["current"] is False

    ended = await api.delete(f"/sessions/{phone.session_id}", headers=signed.auth)
    assert ended.status_code == 200
    assert (await api.get("/session", headers=phone.auth)).status_code == 401
    assert await api.outbox_for("SessionRevoked", session_id=str(phone.session_id))

    # Someone else's session, or one already ended: not found (and nothing ends).
    stranger = await api.new_user()
    for target in (stranger.session_id, phone.session_id, uuid.uuid4()):
        response = await api.delete(f"/sessions/{target}", headers=signed.auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "auth.session_not_found"
    assert (await api.get("/session", headers=stranger.auth)).status_code == 200


async def test_unverified_users_may_sign_in(api: Any) -> None:
    signed = await api.new_user(verified=False)
    assert signed.body["user"]["is_verified"] is False
    response = await api.get("/session", headers=signed.auth)
    assert response.json()["user"]["is_verified"] is False


def token_claims(access_token: str) -> dict[str, Any]:
    import jwt

    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


async def test_access_token_says_whether_the_email_is_verified(api: Any) -> None:
    """Services refuse money moves to unverified accounts by this claim (account.unverified)."""
    signed = await api.new_user(verified=False)
    assert token_claims(signed.body["access_token"])["email_verified"] is False
    email = signed.body["user"]["email"]
    code = await api.mailed_code(email, "verification code")
    assert (await api.post("/verify-email", {"email": email, "code": code})).status_code == 200
    # The next token of the same session (refresh) carries the new state.
    response = await api.post("/refresh", {"refresh_token": signed.body["refresh_token"]})
    assert response.status_code == 200, response.text
    assert token_claims(response.json()["access_token"])["email_verified"] is True


async def test_sign_up_survives_smtp_being_down_and_resend_recovers(api: Any) -> None:
    from auth.adapters.mail import SmtpMailer

    working = api.services.mailer
    api.services.mailer = SmtpMailer(host="127.0.0.1", port=9, sender="x@example.com", timeout_s=1)
    try:
        email = api.new_email("nomail")
        await api.sign_up(email)  # 201 although the email cannot be sent
    finally:
        api.services.mailer = working
    assert not api.mail_sink.messages(to=email)
    response = await api.post("/verify-email/resend", {"email": email})
    assert response.status_code == 202
    await api.verify(email)
