"""SMTP sink: a real SMTP server that keeps every message in memory, behind a tiny HTTP inbox.

Dev and tests only. Nothing is ever relayed: every recipient is accepted and every message is
stored (the newest ``max_messages``, oldest dropped), parsed with the stdlib ``email`` package.

- SMTP (aiosmtpd on the event loop of the HTTP server): EHLO/HELO, MAIL, RCPT, DATA, SMTPUTF8;
  AUTH PLAIN/LOGIN accepted with any credentials, without TLS; no STARTTLS.
- HTTP: ``GET /api/messages[?to=addr]`` (oldest first, newest last) → ``[{id, to, from,
  subject, text, html, received_at}]``; ``DELETE /api/messages`` clears; ``GET /health``.

Run it: ``python -m devtools.mailsink --smtp-port 1025 --http-port 8025 --host 127.0.0.1``.
In tests: ``async with MailSink() as sink:`` (free ports) or the ``mail_sink`` fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult
from fastapi import FastAPI

from devtools import _serving as serving

log = logging.getLogger("devtools.mailsink")

DEFAULT_SMTP_PORT = 1025
DEFAULT_HTTP_PORT = 8025
MAX_MESSAGES = 1000
SMTP_HOSTNAME = "mailsink.local"  # never socket.getfqdn(): that can hang on a DNS lookup


@dataclass(frozen=True)
class Message:
    """One received message. ``to`` are the envelope recipients (RCPT TO, Bcc included)."""

    id: int
    to: list[str]
    from_: str
    subject: str
    text: str | None
    html: str | None
    received_at: datetime
    envelope_from: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": list(self.to),
            "from": self.from_,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "received_at": self.received_at.isoformat(),
        }


def _part_text(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return None
    return content.replace("\r\n", "\n")


def parse_message(
    message_id: int, envelope_from: str, recipients: Iterable[str], data: bytes
) -> Message:
    """A stored :class:`Message` from the raw DATA and the envelope."""
    received_at = datetime.now(UTC)
    to = list(recipients)
    try:
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        headers = {name: str(value) for name, value in parsed.items()}
        text, html = _part_text(parsed, "plain"), _part_text(parsed, "html")
    except Exception:  # a sink stores what it got, even when it cannot parse it
        log.warning("unparseable message from %s", envelope_from, exc_info=True)
        headers, html = {}, None
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    lowered = {name.lower(): value for name, value in headers.items()}
    return Message(
        id=message_id,
        to=to,
        from_=lowered.get("from", envelope_from),
        subject=lowered.get("subject", ""),
        text=text,
        html=html,
        received_at=received_at,
        envelope_from=envelope_from,
        headers=headers,
        raw=data,
    )


class Inbox:
    """The stored messages (thread-safe: the SMTP server and the caller share it)."""

    def __init__(self, max_messages: int = MAX_MESSAGES) -> None:
        self._lock = threading.Lock()
        self._messages: deque[Message] = deque(maxlen=max_messages)
        self._next_id = 1

    def add(self, envelope_from: str, recipients: Iterable[str], data: bytes) -> Message:
        with self._lock:
            message = parse_message(self._next_id, envelope_from, recipients, data)
            self._next_id += 1
            self._messages.append(message)
        log.info("received #%d to=%s subject=%r", message.id, message.to, message.subject)
        return message

    def messages(self, to: str | None = None) -> list[Message]:
        with self._lock:
            stored = list(self._messages)
        if to is None:
            return stored
        wanted = to.strip().lower()
        return [m for m in stored if wanted in (address.lower() for address in m.to)]

    def clear(self) -> int:
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
        return count


class _Handler:
    """aiosmtpd handler: every recipient accepted, every message stored."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content
        if data is None:
            content = envelope.content or b""
            if isinstance(content, str):
                content = content.encode("utf-8", "surrogateescape")
            data = content
        self._inbox.add(envelope.mail_from or "", envelope.rcpt_tos, data)
        return "250 Message accepted for delivery"


class _QuietAuthWarning(logging.Filter):
    """aiosmtpd 1.4 warns about its own deprecated ``login_data`` on every successful AUTH."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_QuietAuthWarning())


def _accept_any_credentials(*_args: Any) -> Any:
    return AuthResult(success=True)


@asynccontextmanager
async def smtp_server(inbox: Inbox, sock: Any) -> AsyncIterator[asyncio.Server]:
    """The SMTP server on an already bound socket, on the running loop."""
    loop = asyncio.get_running_loop()
    handler = _Handler(inbox)

    def protocol() -> asyncio.Protocol:
        smtp: asyncio.Protocol = SMTP(
            handler,
            hostname=SMTP_HOSTNAME,
            enable_SMTPUTF8=True,
            authenticator=_accept_any_credentials,
            auth_require_tls=False,
            loop=loop,
        )
        return smtp

    server = await loop.create_server(protocol, sock=sock)
    try:
        yield server
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)


def create_app(inbox: Inbox, smtp_sock: Any) -> FastAPI:
    """The inbox API; its lifespan runs the SMTP server on ``smtp_sock``."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with smtp_server(inbox, smtp_sock):
            yield

    app = FastAPI(title="LOOSELINE mail sink", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.get("/api/messages")
    async def list_messages(to: str | None = None) -> list[dict[str, Any]]:
        return [message.to_json() for message in inbox.messages(to)]

    @app.delete("/api/messages")
    async def clear_messages() -> dict[str, int]:
        return {"deleted": inbox.clear()}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


class MailSink(serving.BackgroundServer):
    """SMTP sink + inbox API in a background thread (``port=0``: a free port).

    ``async with MailSink() as sink:`` (or ``with``); then send mail to
    ``sink.smtp_host:sink.smtp_port`` and read ``sink.messages()`` or ``sink.http_url``.
    """

    what = "mail sink"

    def __init__(
        self,
        smtp_port: int = 0,
        http_port: int = 0,
        *,
        host: str = serving.DEFAULT_HOST,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        super().__init__()
        self.smtp_host = host
        self._requested = (smtp_port, http_port)
        self.smtp_port = smtp_port
        self.http_port = http_port
        self.inbox = Inbox(max_messages)

    @property
    def http_url(self) -> str:
        return serving.http_url(self.smtp_host, self.http_port)

    def _launch(self) -> serving.ServerThread:
        smtp_sock = serving.bind(self.smtp_host, self._requested[0])
        try:
            http_sock = serving.bind(self.smtp_host, self._requested[1])
        except OSError:
            smtp_sock.close()
            raise
        self.smtp_port, self.http_port = serving.port_of(smtp_sock), serving.port_of(http_sock)
        try:
            return serving.start_thread(
                create_app(self.inbox, smtp_sock), http_sock, name="mailsink"
            )
        except BaseException:
            smtp_sock.close()
            raise

    def messages(self, to: str | None = None) -> list[Message]:
        """Stored messages, oldest first; ``to``: only those with that envelope recipient."""
        return self.inbox.messages(to)

    def clear(self) -> None:
        self.inbox.clear()

    async def wait_for(
        self, to: str, *, subject_contains: str | None = None, timeout_s: float = 5
    ) -> Message:
        """The newest message to ``to`` (and with ``subject_contains``), polling until one arrives.

        Raises :class:`TimeoutError` after ``timeout_s``. Already stored messages count: call
        :meth:`clear` first (or use a fresh recipient) to wait for a new one.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            for message in reversed(self.messages(to)):
                if subject_contains is None or subject_contains in message.subject:
                    return message
            if time.monotonic() >= deadline:
                seen = [(m.to, m.subject) for m in self.messages()[-5:]]
                wanted = f"to {to!r}" + (
                    f" with subject containing {subject_contains!r}" if subject_contains else ""
                )
                raise TimeoutError(f"no message {wanted} in {timeout_s} s (latest: {seen})")
            await asyncio.sleep(0.02)


def main(argv: list[str] | None = None) -> None:
    parser = serving.cli_parser("devtools.mailsink", "Local SMTP sink with an HTTP inbox.")
    serving.add_port_option(parser, "--smtp-port", env="SMTP_PORT", default=DEFAULT_SMTP_PORT)
    serving.add_port_option(
        parser, "--http-port", env="MAILSINK_HTTP_PORT", default=DEFAULT_HTTP_PORT
    )
    parser.add_argument("--max-messages", type=int, default=MAX_MESSAGES)
    args = serving.parse_cli(parser, argv)

    smtp_sock = serving.bind_or_exit(args.host, args.smtp_port, "mail sink (SMTP)")
    http_sock = serving.bind_or_exit(args.host, args.http_port, "mail sink (HTTP inbox)")
    app = create_app(Inbox(args.max_messages), smtp_sock)
    log.info(
        "mail sink: SMTP on %s:%d, inbox http://%s:%d/api/messages",
        args.host,
        serving.port_of(smtp_sock),
        args.host,
        serving.port_of(http_sock),
    )
    serving.serve_forever(app, http_sock)


if __name__ == "__main__":
    main()
