"""Sign-in with Google and GitHub against the local OAuth provider (code + PKCE + state)."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp

PASSWORD = "correct-horse-battery-9"


async def _authorize(api: Any, provider: str, **params: Any) -> tuple[str, str]:
    """Start at auth, consent at the provider, land on the app's page; (the API call that
    page makes with the provider's query, state)."""
    response = await api.get(f"/{provider}/authorize", params=params)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    # ARCHITECTURE §9: the provider sends the browser to an app route, not to the API.
    assert query["redirect_uri"] == [f"http://test/auth/callback/{provider}"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(location)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.netloc == "test"
    assert back.path == f"/auth/callback/{provider}"
    state = parse_qs(back.query)["state"][0]
    assert state == query["state"][0]
    # The app page calls the API with the same query; the state cookie's path matches it.
    callback = f"/api/auth/{provider}/callback"
    assert f"Path={callback}" in cookie
    return f"{callback}?{back.query}", state


async def _callback(api: Any, path: str) -> httpx.Response:
    return await api.client.get(path, headers=api.headers)


def _email() -> str:
    return f"oauth-{uuid.uuid4().hex[:10]}@example.com"


async def test_google_sign_in_creates_a_verified_user_then_finds_it_again(
    api: Any, oauth_provider: Any
) -> None:
    email = _email()
    sub = uuid.uuid4().hex
    oauth_provider.set_user(sub=sub, email=email, name="Google Person", email_verified=True)
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == email
    assert body["user"]["is_verified"] is True
    assert body["user"]["name"] == "Google Person"
    user_id = body["user"]["id"]
    assert await api.outbox_for("UserRegistered", user_id=user_id)
    session = await api.get("/session", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert session.status_code == 200

    # The code is spent and the state single use: replaying the callback fails.
    replay = await _callback(api, path)
    assert replay.status_code == 400

    path, _ = await _authorize(api, "google")
    again = await _callback(api, path)
    assert again.status_code == 200
    assert again.json()["user"]["id"] == user_id
    actions = await api.audit_actions(uuid.UUID(user_id))
    assert actions.count("sign_in") == 2
    assert "oauth_linked" in actions


async def test_github_sign_in_uses_the_primary_verified_email(
    api: Any, oauth_provider: Any
) -> None:
    email = _email()
    oauth_provider.set_user(
        sub=str(uuid.uuid4().int % 10**9), email=email, name="Octo Cat", email_public=False
    )
    path, _ = await _authorize(api, "github")
    response = await _callback(api, path)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == email
    assert response.json()["user"]["is_verified"] is True
    rows = await api.sql(
        "SELECT provider FROM auth.account WHERE user_id = :u",
        u=uuid.UUID(response.json()["user"]["id"]),
    )
    assert rows == [("github",)]


async def test_state_mismatch_and_missing_cookie_are_refused(api: Any, oauth_provider: Any) -> None:
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=_email(), name="Someone")
    path, state = await _authorize(api, "google")
    tampered = path.replace(state, state[:-2] + ("AA" if not state.endswith("AA") else "BB"))
    response = await _callback(api, tampered)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.oauth_state_invalid"

    # The right URL opened in another browser (no state cookie): login CSRF refused.
    path, _ = await _authorize(api, "google")
    api.client.cookies.clear()
    response = await _callback(api, path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.oauth_state_invalid"

    # A state minted for Google does not finish a GitHub sign-in.
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path.replace("/google/", "/github/"))
    assert response.status_code == 400


async def test_pkce_verifier_mismatch_fails_the_exchange(api: Any, oauth_provider: Any) -> None:
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=_email(), name="Someone")
    path, state = await _authorize(api, "google")
    # Swap the stored PKCE verifier, as if the code had been stolen by someone without it.
    redis = api.runtime.redis
    key = f"{api.services.settings.redis_prefix}auth:oauth-state:{state}"
    stored = json.loads(await redis.get(key))
    stored["verifier"] = "x" * 86
    await redis.set(key, json.dumps(stored), ex=600)
    response = await _callback(api, path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.oauth_exchange_failed"
    assert response.json()["error"]["details"] == {"provider_error": "invalid_grant"}
    assert oauth_provider.token_requests[-1].error == "invalid_grant"


async def test_provider_refusal_is_reported(api: Any, oauth_provider: Any) -> None:
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=_email(), name="Someone")
    oauth_provider.deny_next()
    path, _ = await _authorize(api, "github")
    response = await _callback(api, path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.oauth_exchange_failed"


async def test_linking_needs_both_sides_verified(api: Any, oauth_provider: Any) -> None:
    # A verified account + a provider-verified email: linked, same user.
    verified = await api.new_user()
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=verified.email, name="Same Person")
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == str(verified.user_id)

    # Our side unverified: someone may have signed up with another person's address.
    unverified = await api.new_user(verified=False)
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=unverified.email, name="Maybe Them")
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "auth.oauth_link_unverified"

    # The provider's side unverified: it proves nothing, whoever signed in there (400).
    other = await api.new_user()
    oauth_provider.set_user(
        sub=uuid.uuid4().hex, email=other.email, name="Unproven", email_verified=False
    )
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "auth.oauth_email_unverified"


async def test_unknown_provider_is_404(api: Any) -> None:
    response = await api.get("/myspace/authorize")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "auth.oauth_provider_unknown"


async def test_provider_sign_in_of_a_two_factor_account_needs_the_second_step(
    api: Any, oauth_provider: Any
) -> None:
    signed = await api.new_user()
    setup = await api.post("/2fa/setup", {"password": PASSWORD}, headers=signed.auth)
    totp = pyotp.TOTP(setup.json()["secret"])
    enabled = await api.post(
        "/2fa/enable", {"code": totp.now(), "password": PASSWORD}, headers=signed.auth
    )
    assert enabled.status_code == 200
    oauth_provider.set_user(sub=uuid.uuid4().hex, email=signed.email, name="Two Factor")
    path, _ = await _authorize(api, "google")
    response = await _callback(api, path)
    assert response.status_code == 200, response.text
    assert response.json()["two_factor_required"] is True
    assert "access_token" not in response.json()
    challenge = response.json()["challenge"]

    wrong = await api.post("/2fa/verify", {"challenge": challenge, "code": "12345678"})
    assert wrong.status_code == 401
    recovery = enabled.json()["recovery_codes"][0]
    done = await api.post("/2fa/verify", {"challenge": challenge, "code": recovery})
    assert done.status_code == 200, done.text
    assert done.json()["user"]["id"] == str(signed.user_id)
    spent = await api.post("/2fa/verify", {"challenge": challenge, "code": recovery})
    assert spent.status_code == 401
    assert spent.json()["error"]["code"] == "auth.challenge_invalid"
