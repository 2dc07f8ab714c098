"""Pure rules (no I/O): passwords, emails, codes, sessions, TOTP, lockouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from auth.domain import codes, emails, passwords, sessions, two_factor
from auth.domain.errors import (
    EmailInvalid,
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
)
from auth.domain.throttling import LockoutPolicy

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_password_policy() -> None:
    assert len(passwords.common_passwords()) > 19_000
    with pytest.raises(PasswordTooShort):
        passwords.check_new_password("Ab1!xyz")
    with pytest.raises(PasswordTooLong):
        passwords.check_new_password("x" * 257)
    for common in ("password", "PASSWORD1", " qwerty123 ", "iloveyou"):
        assert passwords.is_common(common), common
    with pytest.raises(PasswordTooCommon):
        passwords.check_new_password("Password1")
    passwords.check_new_password("correct-horse-battery-9")
    passwords.check_new_password("пароль-который-длинный")


def test_emails_are_normalised_whole_and_checked() -> None:
    assert emails.normalise_email("  Ivan.Petrov@Mail.COM ") == "ivan.petrov@mail.com"
    assert emails.normalise_email("user@BÜCHER.example") == "user@bücher.example"
    for bad in ("", "plain", "a@b", "a@@b.com", "x" * 330 + "@example.com", "a b@example.com"):
        with pytest.raises(EmailInvalid):
            emails.normalise_email(bad)
    assert emails.normalise_email_lookup("nope") is None


def test_codes_are_six_random_digits_keyed_and_bound() -> None:
    issued = {codes.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in issued)
    assert len(issued) > 150
    h = codes.hash_code("pepper", codes.CodePurpose.verify_email, "user-1", "123456")
    assert h == codes.hash_code("pepper", codes.CodePurpose.verify_email, "user-1", "123 456")
    assert h != codes.hash_code("pepper", codes.CodePurpose.reset_password, "user-1", "123456")
    assert h != codes.hash_code("pepper", codes.CodePurpose.verify_email, "user-2", "123456")
    assert h != codes.hash_code("other", codes.CodePurpose.verify_email, "user-1", "123456")


@pytest.mark.parametrize(
    ("presented", "attempts", "expires_in_s", "used", "verdict", "left"),
    [
        ("good", 0, 60, False, codes.CodeVerdict.accepted, 5),
        ("bad", 0, 60, False, codes.CodeVerdict.wrong, 4),
        ("bad", 4, 60, False, codes.CodeVerdict.wrong, 0),
        ("good", 5, 60, False, codes.CodeVerdict.exhausted, 0),
        ("good", 0, -1, False, codes.CodeVerdict.expired, 5),
        ("good", 0, 60, True, codes.CodeVerdict.used, 0),
    ],
)
def test_code_checks(
    presented: str,
    attempts: int,
    expires_in_s: int,
    used: bool,
    verdict: codes.CodeVerdict,
    left: int,
) -> None:
    check = codes.check_code(
        stored_hash=b"good",
        presented_hash=presented.encode(),
        expires_at=NOW + timedelta(seconds=expires_in_s),
        attempts=attempts,
        max_attempts=5,
        used_at=NOW if used else None,
        now=NOW,
    )
    assert (check.verdict, check.attempts_left) == (verdict, left)


def test_session_lifetimes_and_refresh_tokens() -> None:
    day = sessions.session_expiry(NOW, remember_me=False, session_ttl_s=86400, remember_me_ttl_s=9)
    month = sessions.session_expiry(
        NOW, remember_me=True, session_ttl_s=86400, remember_me_ttl_s=30 * 86400
    )
    assert day - NOW == timedelta(days=1)
    assert month - NOW == timedelta(days=30)
    # An access token never outlives its session.
    assert sessions.access_token_expiry(
        NOW, access_ttl_s=900, session_expires_at=NOW + timedelta(seconds=60)
    ) == NOW + timedelta(seconds=60)
    token = sessions.new_refresh_token()
    assert len(token) >= 43
    assert len(sessions.hash_refresh_token(token)) == 32
    assert sessions.new_refresh_token() != token


def test_totp_steps_are_never_accepted_twice() -> None:
    secret = two_factor.new_totp_secret()
    totp = pyotp.TOTP(secret)
    code = totp.at(NOW)
    step = int(NOW.timestamp()) // 30
    assert two_factor.matching_totp_step(secret, code, at=NOW, last_used_step=None) == step
    assert two_factor.matching_totp_step(secret, code, at=NOW, last_used_step=step) is None
    # One step of drift either way is fine, two are not.
    assert (
        two_factor.matching_totp_step(
            secret, totp.at(NOW - timedelta(seconds=30)), at=NOW, last_used_step=None
        )
        == step - 1
    )
    assert (
        two_factor.matching_totp_step(
            secret, totp.at(NOW + timedelta(seconds=90)), at=NOW, last_used_step=None
        )
        is None
    )
    assert two_factor.matching_totp_step(secret, "abcdef", at=NOW, last_used_step=None) is None
    uri = two_factor.provisioning_uri(secret, account="ivan@mail.com", issuer="LOOSELINE")
    assert uri.startswith("otpauth://totp/LOOSELINE:ivan%40mail.com?secret=")


def test_recovery_codes() -> None:
    issued = two_factor.new_recovery_codes(10)
    assert len(set(issued)) == 10
    assert all(len(c) == 11 and c[5] == "-" for c in issued)
    code = issued[0]
    h = two_factor.hash_recovery_code("pepper", "u1", code)
    assert h == two_factor.hash_recovery_code("pepper", "u1", code.upper().replace("-", " "))
    assert h != two_factor.hash_recovery_code("pepper", "u2", code)


def test_lockouts_double_up_to_the_cap() -> None:
    policy = LockoutPolicy(max_failures=5, window_s=900, base_lockout_s=60, max_lockout_s=900)
    assert [policy.lockout_s(n) for n in range(7)] == [60, 120, 240, 480, 900, 900, 900]
    assert policy.lockout_s(10_000) == 900
