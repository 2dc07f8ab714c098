"""Local OAuth 2.0 authorization server standing in for Google and GitHub (dev and tests only).

Authorization-code grant with PKCE (S256 only, required) and ``state`` (required); consent is
automatic for the provider's *current user*, which tests choose (``POST /_test/user`` or
:meth:`OAuthProvider.set_user`), or per request with ``login_hint=<email of a known user>``.

- ``GET /authorize`` → 302 to ``redirect_uri?code=…&state=…`` (errors about the client, the
  redirect URI, the PKCE challenge or ``state`` are a 400 JSON answer, never a redirect).
- ``POST /token`` (form or JSON; client secret in the form or HTTP Basic) →
  ``{access_token, token_type: "bearer", expires_in, scope}``; RFC 6749 JSON errors.
- Google-style ``GET /userinfo``; GitHub-style ``GET /user`` and ``GET /user/emails`` (Bearer).
- ``GET /health``; test controls under ``/_test/``.

Run it: ``python -m devtools.oauth_provider --port 8030`` (clients from ``OAUTH_PROVIDER_CLIENTS``,
JSON ``{"client_id": ["secret", ["redirect uri", …]]}``, else the ``looseline-dev`` client).
In tests: ``async with OAuthProvider(clients={…}) as provider:`` or the ``oauth_provider`` fixture.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from devtools import _serving as serving

log = logging.getLogger("devtools.oauth_provider")

DEFAULT_PORT = 8030
CODE_TTL_S = 300.0
TOKEN_TTL_S = 3600
DEV_CLIENT_ID = "looseline-dev"
DEV_CLIENT_SECRET = "looseline-dev-secret"  # noqa: S105 (a local stand-in's public dev value)
# The app's landing pages (the auth service's redirect_uri is {AUTH_PUBLIC_URL}/auth/callback/…).
DEV_REDIRECT_URIS = [
    f"http://127.0.0.1:{port}/auth/callback/{provider}"
    for port in (8000, 8001)
    for provider in ("google", "github")
]
DEV_CLIENTS: dict[str, tuple[str, list[str]]] = {
    DEV_CLIENT_ID: (DEV_CLIENT_SECRET, DEV_REDIRECT_URIS)
}

# RFC 7636 §4.1: 43 to 128 unreserved characters; an S256 challenge is 43 base64url characters.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``: base64url(SHA-256), no padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Client:
    """A registered client. A redirect URI containing ``*`` is a pattern (``*`` = any text)."""

    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]

    def allows(self, redirect_uri: str) -> bool:
        for registered in self.redirect_uris:
            if "*" not in registered:
                if redirect_uri == registered:
                    return True
            elif re.fullmatch(".*".join(map(re.escape, registered.split("*"))), redirect_uri):
                return True
        return False


ClientsConfig = Mapping[str, tuple[str, Sequence[str]]]


def build_clients(config: ClientsConfig) -> dict[str, Client]:
    return {
        client_id: Client(client_id, secret, tuple(uris))
        for client_id, (secret, uris) in config.items()
    }


def clients_from_json(text: str) -> dict[str, Client]:
    """``{"id": ["secret", [uris]]}`` or ``{"id": {"secret": …, "redirect_uris": […]}}``."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("OAUTH_PROVIDER_CLIENTS: a JSON object {client_id: [secret, [uris]]}")
    config: dict[str, tuple[str, list[str]]] = {}
    for client_id, value in data.items():
        if isinstance(value, dict):
            secret, uris = value.get("secret", value.get("client_secret")), value["redirect_uris"]
        elif isinstance(value, list) and len(value) == 2:
            secret, uris = value
        else:
            raise ValueError(f"OAUTH_PROVIDER_CLIENTS[{client_id!r}]: [secret, [uris]] expected")
        if not isinstance(secret, str) or not isinstance(uris, list):
            raise ValueError(f"OAUTH_PROVIDER_CLIENTS[{client_id!r}]: [secret, [uris]] expected")
        config[client_id] = (secret, [str(uri) for uri in uris])
    return build_clients(config)


@dataclass(frozen=True)
class User:
    """Who signs in at the provider. GitHub's numeric ``id`` and ``login`` derive from it."""

    sub: str
    email: str
    name: str
    email_verified: bool = True
    picture: str | None = None
    login: str | None = None
    email_public: bool = True  # False: GitHub's /user answers "email": null

    @property
    def github_id(self) -> int:
        if self.sub.isdigit() and len(self.sub) <= 15:
            return int(self.sub)
        return int.from_bytes(hashlib.sha256(self.sub.encode()).digest()[:6], "big")

    @property
    def github_login(self) -> str:
        if self.login:
            return self.login
        return re.sub(r"[^A-Za-z0-9-]", "-", self.email.split("@", 1)[0]) or f"user{self.sub}"

    def google_profile(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "picture": self.picture,
        }

    def github_profile(self) -> dict[str, Any]:
        return {
            "id": self.github_id,
            "login": self.github_login,
            "name": self.name,
            "email": self.email if self.email_public else None,
            "avatar_url": self.picture,
        }

    def github_emails(self) -> list[dict[str, Any]]:
        return [
            {
                "email": self.email,
                "primary": True,
                "verified": self.email_verified,
                "visibility": "public" if self.email_public else None,
            }
        ]


DEFAULT_USER = User(sub="1000001", email="player@example.com", name="Local Player")


@dataclass(frozen=True)
class AuthorizeRequest:
    params: dict[str, str]
    error: str | None  # None: a code was issued; "access_denied": a simulated refusal


@dataclass(frozen=True)
class TokenRequest:
    form: dict[str, str]  # as sent (secrets included: a test tool)
    client_id: str | None
    client_auth: str  # "client_secret_basic" | "client_secret_post" | "none"
    error: str | None  # None: a token was issued


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    sub: str
    expires_at: float
    used: bool = False
    access_token: str | None = None


@dataclass
class _Token:
    sub: str
    client_id: str
    scope: str
    expires_at: float
    revoked: bool = False


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status, self.error, self.description = status, error, description

    def response(self) -> JSONResponse:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if self.status == 401:
            scheme = "Bearer" if self.error == "invalid_token" else "Basic"
            headers["WWW-Authenticate"] = f'{scheme} realm="looseline-oauth", error="{self.error}"'
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers=headers,
        )


def _single(params: Mapping[str, list[str]]) -> dict[str, str]:
    """RFC 6749 §3.1/§3.2: a parameter must not be sent more than once."""
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise OAuthError(400, "invalid_request", f"repeated parameter(s): {', '.join(repeated)}")
    return {name: values[0] for name, values in params.items()}


def _with_query(uri: str, extra: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


class ProviderState:
    """Clients, users, codes and tokens (thread-safe: the server and the test share it)."""

    def __init__(
        self,
        clients: Mapping[str, Client],
        *,
        code_ttl_s: float = CODE_TTL_S,
        token_ttl_s: int = TOKEN_TTL_S,
    ) -> None:
        self.clients = dict(clients)
        self.code_ttl_s = code_ttl_s
        self.token_ttl_s = token_ttl_s
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.users: dict[str, User] = {DEFAULT_USER.sub: DEFAULT_USER}
            self.current_sub = DEFAULT_USER.sub
            self.codes: dict[str, _Code] = {}
            self.tokens: dict[str, _Token] = {}
            self.deny_next: str | None = None
            self.authorize_requests: list[AuthorizeRequest] = []
            self.token_requests: list[TokenRequest] = []
            self.profile_requests: list[str] = []

    # users ---------------------------------------------------------------------------------

    def add_user(self, user: User, *, current: bool = True) -> User:
        with self.lock:
            for sub, known in list(self.users.items()):  # one user per email
                if sub != user.sub and known.email.lower() == user.email.lower():
                    del self.users[sub]
            self.users[user.sub] = user
            if current or self.current_sub not in self.users:
                self.current_sub = user.sub
        return user

    @property
    def current_user(self) -> User:
        with self.lock:
            return self.users[self.current_sub]

    def user_by_email(self, email: str) -> User | None:
        with self.lock:
            for user in self.users.values():
                if user.email.lower() == email.strip().lower():
                    return user
        return None

    # the flow ------------------------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> str:
        """The redirect location; raises :class:`OAuthError` for a 400 answer."""
        with self.lock:
            self._forget_expired()
            try:
                location, denial = self._authorize(params)
            except OAuthError as exc:
                self.authorize_requests.append(AuthorizeRequest(params, exc.error))
                raise
            self.authorize_requests.append(AuthorizeRequest(params, denial))
            return location

    def _forget_expired(self) -> None:
        """Codes and tokens long expired (a code answers "expired" for one more TTL)."""
        now = time.monotonic()
        for code in [c for c, g in self.codes.items() if now > g.expires_at + self.code_ttl_s]:
            del self.codes[code]
        for token in [t for t, g in self.tokens.items() if now > g.expires_at]:
            del self.tokens[token]

    def _authorize(self, params: dict[str, str]) -> tuple[str, str | None]:
        client_id = params.get("client_id", "")
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthError(400, "invalid_request", f"unknown client_id {client_id!r}")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri:
            raise OAuthError(400, "invalid_request", "redirect_uri is required")
        if not client.allows(redirect_uri):
            raise OAuthError(
                400, "invalid_request", f"redirect_uri {redirect_uri!r} is not registered"
            )
        if params.get("response_type") != "code":
            raise OAuthError(400, "unsupported_response_type", "only response_type=code")
        state = params.get("state", "")
        if not state:
            raise OAuthError(400, "invalid_request", "state is required")
        challenge = params.get("code_challenge", "")
        if not challenge:
            raise OAuthError(400, "invalid_request", "code_challenge is required (PKCE)")
        if params.get("code_challenge_method") != "S256":
            raise OAuthError(400, "invalid_request", "code_challenge_method must be S256")
        if not _S256_CHALLENGE.fullmatch(challenge):
            raise OAuthError(400, "invalid_request", "code_challenge is not an S256 challenge")
        hint = params.get("login_hint")
        user = self.user_by_email(hint) if hint else self.current_user
        if user is None:
            raise OAuthError(400, "invalid_request", f"login_hint {hint!r}: no such user")

        if self.deny_next is not None:
            denial, self.deny_next = self.deny_next, None
            refusal = {"error": denial, "error_description": "the user refused", "state": state}
            return _with_query(redirect_uri, refusal), denial
        code = secrets.token_urlsafe(32)
        self.codes[code] = _Code(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            challenge=challenge,
            scope=params.get("scope", ""),
            sub=user.sub,
            expires_at=time.monotonic() + self.code_ttl_s,
        )
        return _with_query(redirect_uri, {"code": code, "state": state}), None

    def exchange(self, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
        """The token answer; raises :class:`OAuthError` (400/401) otherwise."""
        with self.lock:
            client_auth, client_id = "none", form.get("client_id")
            try:
                client_auth, client_id, secret = self._client_credentials(form, authorization)
                answer = self._exchange(form, client_id, secret)
            except OAuthError as exc:
                self.token_requests.append(TokenRequest(form, client_id, client_auth, exc.error))
                raise
            self.token_requests.append(TokenRequest(form, client_id, client_auth, None))
            return answer

    @staticmethod
    def _client_credentials(
        form: dict[str, str], authorization: str | None
    ) -> tuple[str, str | None, str | None]:
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
                raw_id, raw_secret = decoded.split(":", 1)
            except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
                raise OAuthError(401, "invalid_client", "malformed Basic credentials") from exc
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
            if form.get("client_id", client_id) != client_id:
                raise OAuthError(401, "invalid_client", "client_id differs from Basic credentials")
            return "client_secret_basic", client_id, secret
        if "client_secret" in form:
            return "client_secret_post", form.get("client_id"), form["client_secret"]
        return "none", form.get("client_id"), None

    def _exchange(
        self, form: dict[str, str], client_id: str | None, secret: str | None
    ) -> dict[str, Any]:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "grant_type is required")
        if grant_type != "authorization_code":
            raise OAuthError(400, "unsupported_grant_type", "only authorization_code")
        client = self.clients.get(client_id or "")
        if client is None or secret is None:
            raise OAuthError(401, "invalid_client", "unknown client or no client secret")
        if not secrets.compare_digest(client.secret.encode(), secret.encode()):
            raise OAuthError(401, "invalid_client", "wrong client secret")
        for name in ("code", "redirect_uri"):
            if not form.get(name):
                raise OAuthError(400, "invalid_request", f"{name} is required")

        grant = self.codes.get(form["code"])
        if grant is None or grant.client_id != client.client_id:
            raise OAuthError(400, "invalid_grant", "unknown authorization code")
        if grant.used:  # RFC 6749 §4.1.2: deny, and revoke what the code gave
            if grant.access_token and grant.access_token in self.tokens:
                self.tokens[grant.access_token].revoked = True
            raise OAuthError(400, "invalid_grant", "authorization code already used")
        grant.used = True  # one try per code, whatever its outcome
        if time.monotonic() > grant.expires_at:
            raise OAuthError(400, "invalid_grant", "authorization code expired")
        if form["redirect_uri"] != grant.redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri differs from the authorization")
        verifier = form.get("code_verifier", "")
        if not _VERIFIER.fullmatch(verifier) or not secrets.compare_digest(
            s256(verifier), grant.challenge
        ):
            raise OAuthError(400, "invalid_grant", "PKCE code_verifier does not match")

        access_token = secrets.token_urlsafe(32)
        grant.access_token = access_token
        self.tokens[access_token] = _Token(
            sub=grant.sub,
            client_id=client.client_id,
            scope=grant.scope,
            expires_at=time.monotonic() + self.token_ttl_s,
        )
        return {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": self.token_ttl_s,
            "scope": grant.scope,
        }

    def user_for(self, authorization: str | None, path: str) -> User:
        with self.lock:
            self.profile_requests.append(path)
            scheme, _, token = (authorization or "").partition(" ")
            if scheme.lower() not in ("bearer", "token") or not token.strip():
                raise OAuthError(401, "invalid_token", "a Bearer access token is required")
            grant = self.tokens.get(token.strip())
            if grant is None or grant.revoked or time.monotonic() > grant.expires_at:
                raise OAuthError(401, "invalid_token", "unknown, expired or revoked token")
            user = self.users.get(grant.sub)
            if user is None:
                raise OAuthError(401, "invalid_token", "the token's user no longer exists")
            return user


async def _form_of(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise OAuthError(400, "invalid_request", "malformed JSON body") from exc
        if not isinstance(data, dict):
            raise OAuthError(400, "invalid_request", "a JSON object expected")
        return {str(key): [str(value)] for key, value in data.items()}
    fields: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(key, []).append(value)
    return fields


def create_app(state: ProviderState) -> FastAPI:
    app = FastAPI(title="LOOSELINE local OAuth provider", docs_url=None, redoc_url=None)

    @app.exception_handler(OAuthError)
    async def oauth_error(_request: Request, exc: OAuthError) -> Response:
        return exc.response()

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/authorize")
    async def authorize(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        location = state.authorize(_single(params))
        return RedirectResponse(location, status_code=302, headers={"Cache-Control": "no-store"})

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = _single(await _form_of(request))
        answer = state.exchange(form, request.headers.get("authorization"))
        return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @app.get("/userinfo")
    async def userinfo(request: Request) -> dict[str, Any]:
        user = state.user_for(request.headers.get("authorization"), "/userinfo")
        return user.google_profile()

    @app.get("/user")
    async def github_user(request: Request) -> dict[str, Any]:
        return state.user_for(request.headers.get("authorization"), "/user").github_profile()

    @app.get("/user/emails")
    async def github_emails(request: Request) -> list[dict[str, Any]]:
        return state.user_for(request.headers.get("authorization"), "/user/emails").github_emails()

    @app.post("/_test/user")
    async def set_user(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
            current = bool(data.pop("current", True))
            user = User(**data)
            if not all(isinstance(v, str) for v in (user.sub, user.email, user.name)):
                raise TypeError("sub, email and name are strings")
        except (ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": "invalid_request", "error_description": str(exc)}, 400)
        state.add_user(user, current=current)
        return JSONResponse(asdict(user))

    @app.post("/_test/deny")
    async def deny_next(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
            error = str(body.get("error") or "access_denied")
        except (ValueError, AttributeError) as exc:
            return JSONResponse({"error": "invalid_request", "error_description": str(exc)}, 400)
        with state.lock:
            state.deny_next = error
        return JSONResponse({"deny_next": error})

    @app.post("/_test/reset")
    async def reset() -> dict[str, str]:
        state.reset()
        return {"status": "reset"}

    return app


# Where auth finds each provider's endpoints on this stand-in (its AUTH_* settings' names).
AUTH_ENDPOINTS: dict[str, dict[str, str]] = {
    "GOOGLE": {"AUTHORIZE_URL": "/authorize", "TOKEN_URL": "/token", "USERINFO_URL": "/userinfo"},
    "GITHUB": {
        "AUTHORIZE_URL": "/authorize",
        "TOKEN_URL": "/token",
        "USER_URL": "/user",
        "EMAILS_URL": "/user/emails",
    },
}


def auth_env(
    base: str,
    client_id: str = DEV_CLIENT_ID,
    secret: str = DEV_CLIENT_SECRET,
    providers: Sequence[str] = ("GOOGLE", "GITHUB"),
) -> dict[str, str]:
    """The auth service's settings that send its Google and GitHub sign-ins to the stand-in at
    ``base`` as ``client_id`` (``make run`` and the browser suite)."""
    env: dict[str, str] = {}
    for provider in providers:
        env[f"AUTH_{provider}_CLIENT_ID"] = client_id
        env[f"AUTH_{provider}_CLIENT_SECRET"] = secret
        for name, path in AUTH_ENDPOINTS[provider].items():
            env[f"AUTH_{provider}_{name}"] = f"{base}{path}"
    return env


class OAuthProvider(serving.BackgroundServer):
    """The provider served by uvicorn in a background thread (``port=0``: a free port).

    ``async with OAuthProvider(clients={"id": ("secret", ["http://test/*"])}) as provider:``;
    point the client at ``provider.url`` + ``/authorize``, ``/token``, ``/userinfo`` (Google) or
    ``/user``, ``/user/emails`` (GitHub).
    """

    what = "OAuth provider"

    def __init__(
        self,
        clients: ClientsConfig | None = None,
        *,
        host: str = serving.DEFAULT_HOST,
        port: int = 0,
        code_ttl_s: float = CODE_TTL_S,
        token_ttl_s: int = TOKEN_TTL_S,
    ) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self.state = ProviderState(
            build_clients(DEV_CLIENTS if clients is None else clients),
            code_ttl_s=code_ttl_s,
            token_ttl_s=token_ttl_s,
        )

    @property
    def url(self) -> str:
        return serving.http_url(self.host, self.port)

    def _launch(self) -> serving.ServerThread:
        sock = serving.bind(self.host, self.port)
        self.port = serving.port_of(sock)
        return serving.start_thread(create_app(self.state), sock, name="oauth-provider")

    # test controls -------------------------------------------------------------------------

    def set_user(
        self,
        *,
        sub: str,
        email: str,
        name: str,
        email_verified: bool = True,
        picture: str | None = None,
        login: str | None = None,
        email_public: bool = True,
        current: bool = True,
    ) -> User:
        """Register a user (replacing one with the same sub or email); by default the one who
        signs in from now on. ``current=False`` only registers it (for ``login_hint``)."""
        user = User(sub, email, name, email_verified, picture, login, email_public)
        return self.state.add_user(user, current=current)

    @property
    def current_user(self) -> User:
        return self.state.current_user

    def deny_next(self, error: str = "access_denied") -> None:
        """The next /authorize redirects back with ``error=…&state=…`` instead of a code."""
        with self.state.lock:
            self.state.deny_next = error

    def reset(self) -> None:
        """Back to the default user; codes, tokens and recorded requests forgotten."""
        self.state.reset()

    @property
    def authorize_requests(self) -> list[AuthorizeRequest]:
        with self.state.lock:
            return list(self.state.authorize_requests)

    @property
    def token_requests(self) -> list[TokenRequest]:
        with self.state.lock:
            return list(self.state.token_requests)

    @property
    def profile_requests(self) -> list[str]:
        """Paths of the profile calls (``/userinfo``, ``/user``, ``/user/emails``), in order."""
        with self.state.lock:
            return list(self.state.profile_requests)

    @property
    def issued_tokens(self) -> int:
        """How many access tokens /token has issued (since start or :meth:`reset`)."""
        return sum(1 for request in self.token_requests if request.error is None)


def main(argv: list[str] | None = None) -> None:
    parser = serving.cli_parser(
        "devtools.oauth_provider", "Local OAuth 2.0 provider standing in for Google and GitHub."
    )
    serving.add_port_option(parser, "--port", env="OAUTH_PROVIDER_PORT", default=DEFAULT_PORT)
    args = serving.parse_cli(parser, argv)

    raw_clients = os.environ.get("OAUTH_PROVIDER_CLIENTS", "").strip()
    clients = clients_from_json(raw_clients) if raw_clients else build_clients(DEV_CLIENTS)
    sock = serving.bind_or_exit(args.host, args.port, "OAuth provider")
    log.info(
        "OAuth provider on http://%s:%d (clients: %s; user: %s)",
        args.host,
        serving.port_of(sock),
        ", ".join(sorted(clients)),
        DEFAULT_USER.email,
    )
    serving.serve_forever(create_app(ProviderState(clients)), sock)


if __name__ == "__main__":
    main()
