"""The security suite's platform answers as the cast expects (a guard for the fixtures)."""

from __future__ import annotations

from tests.e2e.client import Platform
from tests.security.conftest import Cast


async def test_the_cast_is_signed_in_with_the_roles_it_plays(
    platform: Platform, cast: Cast
) -> None:
    admin = await platform.ok("GET", "/api/auth/session", cast.admin)
    ann = await platform.ok("GET", "/api/auth/session", cast.ann)
    assert admin["user"]["role"] == "admin"
    assert ann["user"]["role"] == "user"
    assert ann["user"]["id"] != cast.bob.user_id
