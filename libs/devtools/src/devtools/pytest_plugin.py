"""pytest fixtures for the local stand-ins (``-p devtools.pytest_plugin``, root addopts).

- ``mail_sink``: a :class:`~devtools.mailsink.MailSink` on free 127.0.0.1 ports for the whole
  session. Shared: call ``mail_sink.clear()`` first, or use a recipient unique to the test and
  ``await mail_sink.wait_for(recipient)``.
- ``oauth_provider``: an :class:`~devtools.oauth_provider.OAuthProvider` on a free port with one
  client, ``looseline-test`` / ``looseline-test-secret``, whose redirect URIs are the patterns
  ``http://test/*`` (an app under httpx's ASGI transport, ``base_url="http://test"``) and
  ``http://127.0.0.1:*`` (a real server on any port). Shared: call ``oauth_provider.set_user(…)``
  in each test that cares who signs in, or ``oauth_provider.reset()``.
- ``telegram_api``: a :class:`~devtools.telegram_api.TelegramApi` (Bot API stand-in) on a free
  port, any token accepted. Shared: call ``telegram_api.reset()`` first, or use a chat id unique
  to the test.

All run in their own thread, so they answer tests on any event loop, and sync tests too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devtools.mailsink import MailSink
from devtools.oauth_provider import OAuthProvider
from devtools.telegram_api import TelegramApi

TEST_CLIENT_ID = "looseline-test"
TEST_CLIENT_SECRET = "looseline-test-secret"  # noqa: S105 (a test stand-in's public value)
TEST_REDIRECT_URI_PATTERNS = ["http://test/*", "http://127.0.0.1:*"]


@pytest.fixture(scope="session")
async def mail_sink() -> AsyncIterator[MailSink]:
    async with MailSink(smtp_port=0, http_port=0) as sink:
        yield sink


@pytest.fixture(scope="session")
async def oauth_provider() -> AsyncIterator[OAuthProvider]:
    clients = {TEST_CLIENT_ID: (TEST_CLIENT_SECRET, TEST_REDIRECT_URI_PATTERNS)}
    async with OAuthProvider(clients=clients) as provider:
        yield provider


@pytest.fixture(scope="session")
async def telegram_api() -> AsyncIterator[TelegramApi]:
    async with TelegramApi(port=0) as api:
        yield api
