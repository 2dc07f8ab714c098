"""OAuth account pre-hijacking (issue #20, 7).

The attacker signs in with a provider account that claims the victim's address without having
proven it (``email_verified: false``). That must neither create an account nor link one; and a
link left from before this rule (made while our account was unverified) must die once the
real owner proves the mailbox (verifies the email or resets the password).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

PASSWORD = "correct-horse-battery-9"
NEW_PASSWORD = "a-brand-new-Pa55phrase"


async def _provider_sign_in(api: Any) -> httpx.Response:
    """Start at auth, consent at the local provider as its current user, come back."""
    started = await api.get("/google/authorize")
    assert started.status_code == 302, started.text
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(started.headers["location"])
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.path == "/auth/callback/google"  # the app's page, which then calls the API
    assert parse_qs(back.query).get("code"), consent.headers["location"]
    return await api.client.get(f"/api/auth/google/callback?{back.query}", headers=api.headers)


async def _users_with(api: Any, email: str) -> list[Any]:
    return await api.sql("SELECT id FROM auth.user WHERE email = :e", e=email)


async def _links_of(api: Any, user_id: uuid.UUID) -> list[Any]:
    return await api.sql(
        "SELECT provider, provider_account_id FROM auth.account WHERE user_id = :u", u=user_id
    )


def _refused_as_unverified(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "auth.oauth_email_unverified"
    assert "access_token" not in response.text


async def test_an_unverified_provider_email_creates_no_account(
    api: Any, oauth_provider: Any
) -> None:
    victim_email = api.new_email("victim")
    oauth_provider.set_user(
        sub=uuid.uuid4().hex, email=victim_email, name="Attacker", email_verified=False
    )
    _refused_as_unverified(await _provider_sign_in(api))
    assert await _users_with(api, victim_email) == []

    # The real owner signs up afterwards as if nothing happened, and keeps the account.
    owner = await api.new_user(email=victim_email)
    _refused_as_unverified(await _provider_sign_in(api))
    assert await _links_of(api, owner.user_id) == []


async def test_an_unverified_provider_email_links_no_existing_account(
    api: Any, oauth_provider: Any
) -> None:
    for verified in (True, False):
        owner = await api.new_user(verified=verified)
        oauth_provider.set_user(
            sub=uuid.uuid4().hex, email=owner.email, name="Attacker", email_verified=False
        )
        _refused_as_unverified(await _provider_sign_in(api))
        assert await _links_of(api, owner.user_id) == []


async def _squatted_account(api: Any, oauth_provider: Any) -> tuple[str, uuid.UUID, str]:
    """What the old code left behind: an account the attacker's provider sign-in created for
    the victim's address (unverified, no password), linked to the attacker's provider id."""
    email = api.new_email("squatted")
    user_id, attacker_sub, now = uuid.uuid4(), uuid.uuid4().hex, datetime.now(UTC)
    await api.sql(
        "INSERT INTO auth.user (id, email, name, created_at, updated_at)"
        " VALUES (:id, :email, 'Attacker', :now, :now)",
        id=user_id,
        email=email,
        now=now,
    )
    await api.sql(
        "INSERT INTO auth.account (id, user_id, provider, provider_account_id, email, created_at)"
        " VALUES (:id, :user_id, 'google', :sub, :email, :now)",
        id=uuid.uuid4(),
        user_id=user_id,
        sub=attacker_sub,
        email=email,
        now=now,
    )
    oauth_provider.set_user(sub=attacker_sub, email=email, name="Attacker", email_verified=False)
    return email, user_id, attacker_sub


async def _owner_resets_the_password(api: Any, email: str) -> None:
    assert (await api.post("/forgot-password", {"email": email})).status_code == 202
    code = await api.mailed_code(email, "reset")
    reset = await api.post(
        "/reset-password", {"email": email, "code": code, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 200, reset.text


async def _owner_verifies_the_email(api: Any, email: str) -> None:
    assert (await api.post("/verify-email/resend", {"email": email})).status_code == 202
    await api.verify(email)


@pytest.mark.parametrize("proof", [_owner_resets_the_password, _owner_verifies_the_email])
async def test_a_link_made_while_unverified_dies_when_the_owner_proves_the_mailbox(
    api: Any, oauth_provider: Any, proof: Any
) -> None:
    email, user_id, _ = await _squatted_account(api, oauth_provider)
    await proof(api, email)

    response = await _provider_sign_in(api)
    assert response.status_code != 200, "the attacker got into the owner's account"
    _refused_as_unverified(response)
    assert await _links_of(api, user_id) == []
    assert "oauth_unlinked" in await api.audit_actions(user_id)


@pytest.mark.parametrize("proof", [_owner_resets_the_password, _owner_verifies_the_email])
async def test_proving_the_mailbox_drops_the_squatters_link_at_once(
    api: Any, oauth_provider: Any, proof: Any
) -> None:
    email, user_id, _ = await _squatted_account(api, oauth_provider)
    assert await _links_of(api, user_id) != []
    await proof(api, email)

    assert await _links_of(api, user_id) == []
    assert "oauth_unlinked" in await api.audit_actions(user_id)


async def test_links_record_the_state_they_were_made_in(api: Any, oauth_provider: Any) -> None:
    owner = await api.new_user()
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=owner.email, name="Owner")
    response = await _provider_sign_in(api)
    assert response.status_code == 200, response.text
    rows = await api.sql(
        "SELECT user_verified, provider_email_verified FROM auth.account WHERE user_id = :u",
        u=owner.user_id,
    )
    assert rows == [(True, True)]
    # A trusted link keeps working after the owner resets the password.
    await _owner_resets_the_password(api, owner.email)
    again = await _provider_sign_in(api)
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == str(owner.user_id)
