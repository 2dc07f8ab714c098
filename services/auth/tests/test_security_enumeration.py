"""No account enumeration (issue #20, 9): sign-up, verify-email, reset-password and
forgot-password answer an address that has an account exactly as one that has none."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct-horse-battery-9"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _comparable(user: dict[str, Any]) -> dict[str, Any]:
    """A sign-up answer without what differs between any two sign-ups."""
    return {k: v for k, v in user.items() if k not in {"id", "email", "created_at"}}


async def test_sign_up_with_a_taken_address_answers_like_a_new_one_and_tells_the_owner(
    api: Any,
) -> None:
    owner = await api.new_user(name="Olga")
    fresh = await api.post(
        "/sign-up", {"email": api.new_email(), "password": PASSWORD, "name": "Mallory"}
    )
    api.mail_sink.clear()
    taken = await api.post(
        "/sign-up", {"email": f" {owner.email.upper()} ", "password": PASSWORD, "name": "Mallory"}
    )

    assert taken.status_code == fresh.status_code == 201, taken.text
    assert taken.json().keys() == fresh.json().keys() == {"user"}
    user = taken.json()["user"]
    assert user.keys() == fresh.json()["user"].keys()
    assert _comparable(user) == _comparable(fresh.json()["user"])
    assert user["email"] == owner.email
    assert user["is_verified"] is False
    assert user["role"] == "user"
    assert user["id"] != str(owner.user_id)

    # Nothing was created: no second user, no UserRegistered, the owner's password unchanged.
    assert await api.sql("SELECT count(*) FROM auth.user WHERE email = :e", e=owner.email) == [(1,)]
    assert await api.sql("SELECT count(*) FROM auth.user WHERE id = :u", u=user["id"]) == [(0,)]
    assert await api.outbox_for("UserRegistered", user_id=user["id"]) == []
    await api.sign_in(owner.email, PASSWORD)

    # The owner hears about it (and gets no verification code).
    notice = await api.mail_sink.wait_for(owner.email, subject_contains="tried to sign up")
    assert notice.text is not None
    assert "reset your password" in notice.text
    assert "Olga" in notice.text
    assert not [m for m in api.mail_sink.messages(owner.email) if "verification code" in m.subject]
    assert "sign_up_existing_email" in await api.audit_actions(owner.user_id)


async def test_verify_email_answers_an_unknown_address_like_a_wrong_code(api: Any) -> None:
    known = api.new_email("known")
    await api.sign_up(known)
    code = await api.mailed_code(known, "verification code")
    unknown = api.new_email("nobody")

    # Wrong codes, until the code has had all its tries and beyond: one answer throughout.
    for _ in range(api.services.settings.code_max_attempts + 1):
        for_known = await api.post("/verify-email", {"email": known, "code": _wrong(code)})
        for_unknown = await api.post("/verify-email", {"email": unknown, "code": _wrong(code)})
        assert for_known.status_code == for_unknown.status_code == 400
        assert for_known.json() == for_unknown.json()
        assert for_known.json()["error"]["code"] == "auth.code_invalid"

    # An expired code too.
    api.mail_sink.clear()
    await api.post("/verify-email/resend", {"email": known})
    fresh = await api.mailed_code(known, "verification code")
    await api.expire_verification_codes(known)
    expired = await api.post("/verify-email", {"email": known, "code": fresh})
    for_unknown = await api.post("/verify-email", {"email": unknown, "code": fresh})
    assert expired.status_code == for_unknown.status_code == 400
    assert expired.json() == for_unknown.json()


async def test_reset_password_answers_an_unknown_address_like_a_wrong_code(api: Any) -> None:
    signed = await api.new_user()
    await api.post("/forgot-password", {"email": signed.email})
    code = await api.mailed_code(signed.email, "password reset code")
    unknown = api.new_email("nobody")
    for _ in range(api.services.settings.code_max_attempts + 1):
        answers = [
            await api.post(
                "/reset-password",
                {"email": address, "code": _wrong(code), "new_password": "fresh-horse-battery-5"},
            )
            for address in (signed.email, unknown)
        ]
        assert answers[0].status_code == answers[1].status_code == 400
        assert answers[0].json() == answers[1].json()


async def test_forgot_password_answers_every_address_alike(api: Any) -> None:
    signed = await api.new_user()
    answers = [
        await api.post("/forgot-password", {"email": address})
        for address in (signed.email, api.new_email("ghost"), "not-an-address")
    ]
    assert {a.status_code for a in answers} == {202}
    assert answers[0].json() == answers[1].json()


async def test_an_unknown_address_is_paused_like_a_known_one(api: Any) -> None:
    """The pause itself would tell accounts apart if only real accounts were counted."""
    limit = api.services.settings.code_lockout_max_failures
    known = api.new_email("known")
    await api.sign_up(known)
    wrong = _wrong(await api.mailed_code(known, "verification code"))
    paused = []
    for address in (known, api.new_email("nobody")):
        answers = [
            await api.post("/verify-email", {"email": address, "code": wrong}) for _ in range(limit)
        ]
        assert [a.status_code for a in answers] == [400] * (limit - 1) + [429]
        paused.append(answers[-1].json()["error"])
    assert paused[0]["code"] == paused[1]["code"] == "auth.code_locked"
    assert paused[0]["message"] == paused[1]["message"]
