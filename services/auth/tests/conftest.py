"""auth test fixtures: one auth app for the session on real PostgreSQL, RabbitMQ, Redis, the
SMTP sink and the local OAuth provider; ``api`` drives it as a client would."""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

from auth.adapters import tables
from auth.entrypoints.api.app import create_app
from auth.service_layer.services import AuthServices
from auth.settings import Settings
from common.runtime import ServiceRuntime
from devtools.mailsink import MailSink
from devtools.oauth_provider import OAuthProvider
from devtools.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET

ADMIN_EMAIL = "root-admin@example.com"
ADMIN_PASSWORD = "admin-Pa55phrase-for-tests"
PASSWORD = "correct-horse-battery-9"


def auth_overrides(
    mail_sink: MailSink, oauth_provider: OAuthProvider, avatar_dir: Path
) -> dict[str, Any]:
    provider = oauth_provider.url
    return {
        # Cheap argon2 for speed (production keeps OWASP's defaults: see test_settings.py).
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "smtp_host": mail_sink.smtp_host,
        "smtp_port": mail_sink.smtp_port,
        "code_resend_interval_s": 0,
        "signin_ip_max_failures": 8,
        # Every replica re-reads the key table at once (rotation tests).
        "signing_key_cache_s": 0.0,
        "public_url": "http://test",
        "avatar_dir": str(avatar_dir),
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "google_client_id": TEST_CLIENT_ID,
        "google_client_secret": TEST_CLIENT_SECRET,
        "google_authorize_url": f"{provider}/authorize",
        "google_token_url": f"{provider}/token",
        "google_userinfo_url": f"{provider}/userinfo",
        "github_client_id": TEST_CLIENT_ID,
        "github_client_secret": TEST_CLIENT_SECRET,
        "github_authorize_url": f"{provider}/authorize",
        "github_token_url": f"{provider}/token",
        "github_user_url": f"{provider}/user",
        "github_emails_url": f"{provider}/user/emails",
    }


@pytest.fixture(scope="session")
async def auth_settings(
    test_database: Any,
    make_settings: Callable[..., Any],
    mail_sink: MailSink,
    oauth_provider: OAuthProvider,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    await test_database.migrate("auth")
    avatar_dir = tmp_path_factory.mktemp("avatars")
    settings: Settings = make_settings(
        Settings, **auth_overrides(mail_sink, oauth_provider, avatar_dir)
    )
    return settings


@pytest.fixture(scope="session")
async def auth_app(
    auth_settings: Settings, app_client: Callable[..., Any]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(auth_settings)
    async with app_client(app) as client:
        yield app, client
        await _outbox_drained(app)


async def _outbox_drained(app: FastAPI, timeout_s: float = 10.0) -> None:
    """Let the relay publish what the last test queued before the app stops.

    Python 3.11's ``asyncio.wait_for`` can swallow a cancellation that lands together with
    the relay's NOTIFY wake-up (libs/common relay ``_sleep_until_woken``), and the stopping
    runtime then waits for the relay for ever. Stopping an idle relay avoids that race.
    """
    runtime = app.state.runtime
    deadline = asyncio.get_running_loop().time() + timeout_s
    async with runtime.engine.connect() as conn:
        while asyncio.get_running_loop().time() < deadline:
            pending = await conn.scalar(
                select(func.count())
                .select_from(tables.outbox)
                .where(tables.outbox.c.published_at.is_(None))
            )
            await conn.rollback()
            if not pending:
                break
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)


@dataclass
class Signed:
    """A signed-in user as a client holds it."""

    user_id: uuid.UUID
    email: str
    password: str
    access_token: str
    refresh_token: str
    session_id: uuid.UUID
    body: dict[str, Any] = field(repr=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Api:
    """The auth API as one test's client sees it: its own IP (X-Real-IP) and agent."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, mail_sink: MailSink) -> None:
        self.app = app
        self.client = client
        self.mail_sink = mail_sink
        self.ip = (
            f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
        )
        self.headers = {"X-Real-IP": self.ip, "User-Agent": "pytest-auth/1.0"}

    @property
    def services(self) -> AuthServices:
        services = self.app.state.auth
        assert isinstance(services, AuthServices)
        return services

    @property
    def runtime(self) -> ServiceRuntime:
        runtime = self.app.state.runtime
        assert isinstance(runtime, ServiceRuntime)
        return runtime

    # raw calls --------------------------------------------------------------------------------
    async def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.post(f"/api/auth{path}", json=json, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.get(f"/api/auth{path}", headers=headers, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.put(f"/api/auth{path}", headers=headers, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.delete(f"/api/auth{path}", headers=headers, **kwargs)

    # flows ------------------------------------------------------------------------------------
    @staticmethod
    def new_email(tag: str = "user") -> str:
        return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"

    async def sign_up(
        self, email: str | None = None, password: str = PASSWORD, name: str = "Ivan", **extra: Any
    ) -> dict[str, Any]:
        email = email or self.new_email()
        response = await self.post(
            "/sign-up", {"email": email, "password": password, "name": name, **extra}
        )
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()["user"]
        return user

    async def mailed_code(self, email: str, subject: str) -> str:
        message = await self.mail_sink.wait_for(email.lower(), subject_contains=subject)
        assert message.text is not None
        found = re.search(r"\b(\d{6})\b", message.text)
        assert found, message.text
        return found.group(1)

    async def verify(self, email: str) -> None:
        code = await self.mailed_code(email, "verification code")
        response = await self.post("/verify-email", {"email": email, "code": code})
        assert response.status_code == 200, response.text

    async def sign_in(
        self, email: str, password: str = PASSWORD, *, expect: int = 200, **extra: Any
    ) -> httpx.Response:
        response = await self.post("/sign-in", {"email": email, "password": password, **extra})
        assert response.status_code == expect, response.text
        return response

    async def signed_in(self, email: str, password: str = PASSWORD, **extra: Any) -> Signed:
        body = (await self.sign_in(email, password, **extra)).json()
        return Signed(
            user_id=uuid.UUID(body["user"]["id"]),
            email=email,
            password=password,
            access_token=body["access_token"],
            refresh_token=body["refresh_token"],
            session_id=uuid.UUID(body["session"]["id"]),
            body=body,
        )

    async def new_user(self, *, verified: bool = True, **sign_up: Any) -> Signed:
        email = sign_up.pop("email", None) or self.new_email()
        await self.sign_up(email, **sign_up)
        if verified:
            await self.verify(email)
        return await self.signed_in(email, sign_up.get("password", PASSWORD))

    async def admin(self) -> Signed:
        return await self.signed_in(ADMIN_EMAIL, ADMIN_PASSWORD)

    # database ---------------------------------------------------------------------------------
    async def sql(self, statement: Any, **params: Any) -> list[Any]:
        engine = self.runtime.engine
        assert engine is not None
        async with engine.begin() as conn:
            result = await conn.execute(
                text(statement) if isinstance(statement, str) else statement, params
            )
            return list(result.all()) if result.returns_rows else []

    async def expire_verification_codes(self, email: str) -> None:
        """The address's unused verification codes expire (a second ago)."""
        await self.sql(
            "UPDATE auth.verification SET expires_at = now() - interval '1 second' "
            "WHERE user_id = (SELECT id FROM auth.user WHERE email = :e) AND used_at IS NULL",
            e=email,
        )

    async def outbox_for(self, message_type: str, **payload: str) -> list[dict[str, Any]]:
        """Payloads of this type in auth.outbox whose fields equal ``payload``, in the order they
        were written (the relay's updates move rows: without the order, a scan may not keep it)."""
        rows = await self.sql(
            select(tables.outbox.c.body)
            .where(tables.outbox.c.routing_key == f"auth.{message_type}")
            .order_by(tables.outbox.c.id)
        )
        found = []
        for (body,) in rows:
            data = body["payload"]
            if all(str(data.get(k)) == v for k, v in payload.items()):
                found.append(data)
        return found

    async def audit_actions(self, user_id: uuid.UUID) -> list[str]:
        rows = await self.sql(
            select(tables.audit_event.c.action)
            .where(tables.audit_event.c.user_id == user_id)
            .order_by(tables.audit_event.c.id)
        )
        return [r[0] for r in rows]


@pytest.fixture
async def api(auth_app: tuple[FastAPI, httpx.AsyncClient], mail_sink: MailSink) -> Api:
    app, client = auth_app
    client.cookies.clear()
    return Api(app, client, mail_sink)


@pytest.fixture
def auth_env(auth_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI reads its settings from the environment, as in production."""
    for name, value in {
        "ENVIRONMENT": "test",
        "AUTH_DATABASE_URL": auth_settings.database_url,
        "AUTH_RABBITMQ_URL": auth_settings.rabbitmq_url,
        "REDIS_URL": auth_settings.redis_url,
        "REDIS_PREFIX": auth_settings.redis_prefix,
        "AUTH_KEY_ENCRYPTION_KEY": auth_settings.key_encryption_key,
        "AUTH_ARGON2_MEMORY_KIB": "64",
        "AUTH_ARGON2_TIME_COST": "1",
        "AUTH_RUN_WORKERS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("AUTH_ADMIN_PROMOTE_EXISTING", raising=False)
    return auth_settings
