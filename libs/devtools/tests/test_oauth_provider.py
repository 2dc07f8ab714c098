"""The local OAuth provider over real HTTP: authorize → 302 → token → profile, and its refusals."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from devtools.oauth_provider import Client, OAuthProvider, s256
from devtools.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET

GOOGLE_CALLBACK = "http://test/api/auth/google/callback"
GITHUB_CALLBACK = "http://127.0.0.1:8001/api/auth/github/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


@pytest.fixture
async def http(oauth_provider: OAuthProvider) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=oauth_provider.url, follow_redirects=False) as client:
        yield client


def authorize_params(challenge: str, **overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": TEST_CLIENT_ID,
        "redirect_uri": GOOGLE_CALLBACK,
        "scope": "openid email profile",
        "state": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    return {key: value for key, value in params.items() if value is not None}


async def get_code(http: httpx.AsyncClient, challenge: str, **overrides: str | None) -> str:
    answer = await http.get("/authorize", params=authorize_params(challenge, **overrides))
    assert answer.status_code == 302, answer.text
    return parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]


def token_form(code: str, verifier: str, **overrides: str | None) -> dict[str, str]:
    form: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": GOOGLE_CALLBACK,
        "client_id": TEST_CLIENT_ID,
        "client_secret": TEST_CLIENT_SECRET,
        "code_verifier": verifier,
        **overrides,
    }
    return {key: value for key, value in form.items() if value is not None}


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


async def test_google_style_code_flow(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    email = unique_email("ana")
    oauth_provider.set_user(sub="110248495921238986420", email=email, name="Ana Lima")
    verifier, challenge = pkce()
    state = "opaque/state value?&=+ü"
    tokens_before = oauth_provider.issued_tokens

    answer = await http.get("/authorize", params=authorize_params(challenge, state=state))
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == GOOGLE_CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == [state]  # echoed unchanged
    [code] = query["code"]

    token = await http.post("/token", data=token_form(code, verifier))
    assert token.status_code == 200, token.text
    assert token.headers["cache-control"] == "no-store"
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "openid email profile"
    assert oauth_provider.issued_tokens == tokens_before + 1
    assert oauth_provider.token_requests[-1].client_auth == "client_secret_post"

    profile = await http.get(
        "/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert profile.status_code == 200
    assert profile.json() == {
        "sub": "110248495921238986420",
        "email": email,
        "email_verified": True,
        "name": "Ana Lima",
        "picture": None,
    }
    assert oauth_provider.profile_requests[-1] == "/userinfo"


async def test_github_style_flow_with_basic_client_auth(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    email = unique_email("octo")
    oauth_provider.set_user(
        sub="583231", email=email, name="Octo Cat", login="octocat", email_public=False
    )
    verifier, challenge = pkce()
    callback = f"{GITHUB_CALLBACK}?next=%2Fbets"  # a query on the redirect URI is kept
    code = await get_code(http, challenge, redirect_uri=callback, scope="read:user user:email")
    form = token_form(code, verifier, redirect_uri=callback, client_secret=None)
    token = await http.post(
        "/token",
        data=form,
        auth=(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
        headers={"Accept": "application/json"},
    )
    assert token.status_code == 200, token.text
    assert oauth_provider.token_requests[-1].client_auth == "client_secret_basic"
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}

    user = await http.get("/user", headers=bearer)
    assert user.status_code == 200
    assert user.json() == {
        "id": 583231,
        "login": "octocat",
        "name": "Octo Cat",
        "email": None,  # a private email: only /user/emails tells it
        "avatar_url": None,
    }
    emails = await http.get("/user/emails", headers=bearer)
    assert emails.json() == [
        {"email": email, "primary": True, "verified": True, "visibility": None}
    ]
    assert oauth_provider.profile_requests[-2:] == ["/user", "/user/emails"]


async def test_redirect_keeps_existing_query(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    _, challenge = pkce()
    callback = f"{GITHUB_CALLBACK}?next=%2Fbets"
    answer = await http.get("/authorize", params=authorize_params(challenge, redirect_uri=callback))
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["next"] == ["/bets"]
    assert set(query) == {"next", "code", "state"}


async def test_wrong_verifier_is_invalid_grant_and_burns_the_code(
    http: httpx.AsyncClient,
) -> None:
    verifier, challenge = pkce()
    code = await get_code(http, challenge)
    wrong = await http.post("/token", data=token_form(code, pkce()[0]))
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["cache-control"] == "no-store"
    retry = await http.post("/token", data=token_form(code, verifier))
    assert retry.json()["error"] == "invalid_grant"

    code = await get_code(http, challenge)
    missing = await http.post("/token", data=token_form(code, verifier, code_verifier=None))
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_grant")


async def test_reused_code_is_invalid_grant_and_revokes_its_token(
    http: httpx.AsyncClient,
) -> None:
    verifier, challenge = pkce()
    code = await get_code(http, challenge)
    first = await http.post("/token", data=token_form(code, verifier))
    assert first.status_code == 200
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert (await http.get("/userinfo", headers=bearer)).status_code == 200

    again = await http.post("/token", data=token_form(code, verifier))
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    revoked = await http.get("/userinfo", headers=bearer)
    assert revoked.status_code == 401
    assert revoked.json()["error"] == "invalid_token"
    assert revoked.headers["www-authenticate"].startswith("Bearer ")


async def test_wrong_client_secret_is_invalid_client(http: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await get_code(http, challenge)
    posted = await http.post("/token", data=token_form(code, verifier, client_secret="nope"))
    assert posted.status_code == 401
    assert posted.json()["error"] == "invalid_client"
    basic = await http.post(
        "/token",
        data=token_form(code, verifier, client_secret=None),
        auth=(TEST_CLIENT_ID, "nope"),
    )
    assert basic.status_code == 401
    assert basic.json()["error"] == "invalid_client"
    assert basic.headers["www-authenticate"].startswith("Basic ")
    no_secret = await http.post("/token", data=token_form(code, verifier, client_secret=None))
    assert no_secret.json()["error"] == "invalid_client"
    # A failed client authentication does not spend the code.
    assert (await http.post("/token", data=token_form(code, verifier))).status_code == 200


async def test_redirect_uri_mismatch(http: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    for uri in ("http://evil.example/callback", "https://test/api/auth/google/callback"):
        answer = await http.get("/authorize", params=authorize_params(challenge, redirect_uri=uri))
        assert answer.status_code == 400
        assert "location" not in answer.headers  # never redirect to an unregistered URI
        assert answer.json()["error"] == "invalid_request"

    code = await get_code(http, challenge)
    other = "http://test/api/auth/github/callback"  # allowed, but not the one authorized
    token = await http.post("/token", data=token_form(code, verifier, redirect_uri=other))
    assert (token.status_code, token.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "unknown"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"state": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"login_hint": "nobody@example.com"}, "invalid_request"),
    ],
)
async def test_authorize_refusals_are_400_json(
    http: httpx.AsyncClient, overrides: dict[str, str | None], error: str
) -> None:
    _, challenge = pkce()
    answer = await http.get("/authorize", params=authorize_params(challenge, **overrides))
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"] == error


async def test_repeated_parameter_is_refused(http: httpx.AsyncClient) -> None:
    _, challenge = pkce()
    params = httpx.QueryParams(authorize_params(challenge)).add("state", "second")
    answer = await http.get("/authorize", params=params)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


async def test_login_hint_selects_a_registered_user(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    current, other = unique_email("current"), unique_email("other")
    oauth_provider.set_user(sub="u-current", email=current, name="Current")
    oauth_provider.set_user(sub="u-other", email=other, name="Other", current=False)
    assert oauth_provider.current_user.email == current

    verifier, challenge = pkce()
    code = await get_code(http, challenge, login_hint=other.upper())
    token = (await http.post("/token", data=token_form(code, verifier))).json()
    profile = await http.get(
        "/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert profile.json()["sub"] == "u-other"


async def test_test_user_endpoint_sets_the_current_user(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    email = unique_email("http")
    answer = await http.post(
        "/_test/user",
        json={"sub": "u-http", "email": email, "name": "Via HTTP", "email_verified": False},
    )
    assert answer.status_code == 200
    assert oauth_provider.current_user.email == email
    verifier, challenge = pkce()
    code = await get_code(http, challenge)
    token = (await http.post("/token", data=token_form(code, verifier))).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    profile = (await http.get("/userinfo", headers=bearer)).json()
    assert (profile["sub"], profile["email_verified"]) == ("u-http", False)
    github = (await http.get("/user", headers=bearer)).json()
    assert github["login"] == email.split("@")[0]
    assert isinstance(github["id"], int)

    bad = await http.post("/_test/user", json={"sub": "x", "unknown": 1})
    assert bad.status_code == 400


async def test_denied_consent_redirects_with_error_and_state(
    http: httpx.AsyncClient, oauth_provider: OAuthProvider
) -> None:
    oauth_provider.deny_next()
    _, challenge = pkce()
    answer = await http.get("/authorize", params=authorize_params(challenge, state="s-1"))
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["s-1"]
    assert "code" not in query
    assert oauth_provider.authorize_requests[-1].error == "access_denied"
    assert (await http.get("/authorize", params=authorize_params(challenge))).status_code == 302


async def test_token_endpoint_refusals(http: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await get_code(http, challenge)
    grant = await http.post("/token", data=token_form(code, verifier, grant_type="password"))
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    unknown = await http.post("/token", data=token_form("no-such-code", verifier))
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    without_code = token_form(code, verifier)
    del without_code["code"]
    no_code = await http.post("/token", data=without_code)
    assert (no_code.status_code, no_code.json()["error"]) == (400, "invalid_request")
    as_json = await http.post("/token", json=token_form(code, verifier))  # GitHub accepts JSON
    assert as_json.status_code == 200


async def test_profile_needs_a_valid_bearer_token(http: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        for path in ("/userinfo", "/user", "/user/emails"):
            answer = await http.get(path, headers=headers)
            assert answer.status_code == 401
            assert answer.json()["error"] == "invalid_token"


async def test_expired_code_is_invalid_grant() -> None:
    clients = {"c": ("s", ["http://test/*"])}
    async with (
        OAuthProvider(clients=clients, code_ttl_s=0.05) as provider,
        httpx.AsyncClient(base_url=provider.url) as http,
    ):
        verifier, challenge = pkce()
        code = await get_code(http, challenge, client_id="c")
        await asyncio.sleep(0.1)
        form = token_form(code, verifier, client_id="c", client_secret="s")
        answer = await http.post("/token", data=form)
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")
        assert "expired" in answer.json()["error_description"]


async def test_http_test_controls_deny_and_reset() -> None:
    async with (
        OAuthProvider(clients={"c": ("s", ["http://test/cb"])}) as provider,
        httpx.AsyncClient(base_url=provider.url) as http,
    ):
        _, challenge = pkce()
        params = authorize_params(challenge, client_id="c", redirect_uri="http://test/cb")
        assert (
            await http.post("/_test/deny", json={"error": "temporarily_unavailable"})
        ).json() == {"deny_next": "temporarily_unavailable"}
        denied = await http.get("/authorize", params=params)
        assert parse_qs(urlsplit(denied.headers["location"]).query)["error"] == [
            "temporarily_unavailable"
        ]
        provider.set_user(sub="42", email="someone@example.com", name="Someone")
        assert (await http.post("/_test/reset")).status_code == 200
        assert provider.current_user.email == "player@example.com"
        assert provider.authorize_requests == []
        assert (await http.get("/health")).json() == {"status": "ok"}


def test_redirect_uri_patterns() -> None:
    client = Client("c", "s", ("http://test/*", "http://127.0.0.1:*", "https://exact.example/cb"))
    assert client.allows("http://test/api/auth/google/callback")
    assert client.allows("http://127.0.0.1:8001/api/auth/github/callback")
    assert client.allows("https://exact.example/cb")
    assert not client.allows("https://exact.example/cb/")
    assert not client.allows("http://testing.example/cb")
    assert not client.allows("http://127.0.0.2:8001/cb")
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_runs_as_a_module_with_clients_from_the_environment() -> None:
    port = free_port()
    env = os.environ | {
        "OAUTH_PROVIDER_CLIENTS": json.dumps({"env-client": ["env-secret", ["http://test/cb"]]})
    }
    command = [sys.executable, "-m", "devtools.oauth_provider", "--port", str(port)]
    process = subprocess.Popen(  # noqa: ASYNC220 (a child process for the test's duration)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(200):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            verifier, challenge = pkce()
            code = await get_code(
                http, challenge, client_id="env-client", redirect_uri="http://test/cb"
            )
            form = token_form(
                code,
                verifier,
                client_id="env-client",
                client_secret="env-secret",
                redirect_uri="http://test/cb",
            )
            assert (await http.post("/token", data=form)).status_code == 200
            dev_client = authorize_params(challenge, client_id="looseline-dev")
            dev = await http.get("/authorize", params=dev_client)
            assert dev.status_code == 400  # the environment replaced the dev default
    finally:
        process.terminate()
        assert await asyncio.to_thread(process.wait, 10) == 0
