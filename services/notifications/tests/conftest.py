"""Fixtures for the notifications tests: one app (real PostgreSQL + RabbitMQ) for the session,
its own SMTP sink (which a test may take down and bring back on the same port), the Telegram
Bot API stand-in, users made through the real bus, a superuser connection for assertions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import BaseModel
from services.notifications.tests.builders import User, eventually

from common.contracts.auth import LanguageChanged, UserRegistered
from common.messaging.envelope import Envelope, wrap
from common.testing.broker import BrokerNamespace
from common.testing.tokens import TokenIssuer
from devtools.mailsink import MailSink
from devtools.telegram_api import TelegramApi
from notifications.entrypoints.api.app import create_app
from notifications.settings import Settings

BOT_TOKEN = "123456:notifications-test-token-AAAAAAAAAAAAAAAA"


class Mailbox:
    """The app's SMTP sink, on a port that stays the same when it is taken down and back up."""

    def __init__(self) -> None:
        self.sink = MailSink()

    async def start(self) -> None:
        await self.sink.__aenter__()
        self.port = self.sink.smtp_port

    async def down(self) -> None:
        await self.sink.__aexit__()

    async def up(self) -> None:
        self.sink = MailSink(smtp_port=self.port)
        await self.sink.__aenter__()


@pytest.fixture(scope="session")
async def mailbox() -> AsyncIterator[Mailbox]:
    box = Mailbox()
    await box.start()
    yield box
    await box.sink.__aexit__()


@pytest.fixture(scope="session")
async def notifications_app(
    test_database: Any,
    make_settings: Callable[..., Any],
    app_client: Any,
    mailbox: Mailbox,
    telegram_api: TelegramApi,
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    await test_database.migrate("notifications")
    settings = make_settings(
        Settings,
        smtp_host=mailbox.sink.smtp_host,
        smtp_port=mailbox.port,
        smtp_timeout_s=2.0,
        telegram_bot_token=BOT_TOKEN,
        telegram_api_base=telegram_api.base_url,
        telegram_timeout_s=2.0,
        send_interval_s=0.05,
        retry_base_s=0.05,
        retry_cap_s=0.2,
        claim_timeout_s=10.0,
    )
    app = create_app(settings)
    async with app_client(app) as client:
        # Messages published before the consumer's queue is bound would be lost: wait for it.
        runtime = app.state.runtime
        async with asyncio.timeout(15):
            while not all((await runtime.readiness()).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        yield app, client


@pytest.fixture(scope="session")
def api(notifications_app: tuple[Any, httpx.AsyncClient]) -> httpx.AsyncClient:
    return notifications_app[1]


@pytest.fixture(scope="session")
async def pg(test_database: Any, notifications_app: Any) -> AsyncIterator[asyncpg.Connection]:
    """Superuser connection on the test database, for assertions on the notifications schema."""
    conn = await asyncpg.connect(test_database.admin_dsn)
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
def admin(token_issuer: TokenIssuer) -> dict[str, str]:
    token = token_issuer.issue(role="admin", user_id=uuid.uuid4(), ttl_s=3600)
    return {"Authorization": f"Bearer {token}"}


Publish = Callable[..., Awaitable[list[Envelope]]]


@pytest.fixture(scope="session")
def publish(broker_namespace: BrokerNamespace, notifications_app: Any) -> Publish:
    """Publish payloads (or envelopes) on the test bus, each as its producer."""

    async def send(*messages: BaseModel | Envelope) -> list[Envelope]:
        envelopes = [m if isinstance(m, Envelope) else wrap(m) for m in messages]
        await broker_namespace.publish(*envelopes)
        return envelopes

    return send


MakeUser = Callable[..., Awaitable[User]]


@pytest.fixture(scope="session")
def make_user(
    token_issuer: TokenIssuer, publish: Publish, pg: asyncpg.Connection, api: httpx.AsyncClient
) -> MakeUser:
    """A user known to notifications (UserRegistered, and LanguageChanged if not English, seen
    on the bus) with a token, and a linked Telegram chat if ``telegram``."""

    async def make(*, language: str = "en", telegram: bool = False) -> User:
        user_id = uuid.uuid4()
        email = f"player-{user_id.hex[:10]}@example.com"
        token = token_issuer.issue(role="user", user_id=user_id, ttl_s=3600)
        user = User(user_id, email, "Alex", {"Authorization": f"Bearer {token}"})
        messages: list[BaseModel] = [UserRegistered(user_id=user_id, email=email, name="Alex")]
        if language != "en":
            messages.append(LanguageChanged(user_id=user_id, language=language))  # type: ignore[arg-type]
        await publish(*messages)

        async def known() -> bool:
            row = await pg.fetchrow(
                "SELECT email, language FROM notifications.recipient WHERE user_id = $1", user_id
            )
            return row is not None and row["email"] == email and row["language"] == language

        await eventually(known)
        if telegram:
            user.chat_id = str(uuid.uuid4().int % 10**12)
            linked = await api.put(
                "/api/notifications/telegram", json={"chat_id": user.chat_id}, headers=user.headers
            )
            assert linked.status_code == 200, linked.text
        return user

    return make
