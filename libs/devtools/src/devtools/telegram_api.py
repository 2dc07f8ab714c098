"""Telegram Bot API stand-in: ``sendMessage`` answered as Telegram answers it, kept in memory.

Dev and tests only. Nothing reaches Telegram. What it does, over real HTTP:

- ``POST /bot<token>/sendMessage`` (JSON or form: ``chat_id``, ``text``) → ``{"ok": true,
  "result": {message_id, from, chat, date, text}}``; for a chat it was told is unknown
  ``400 {"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}``; for a
  chat that blocked the bot ``403 … "Forbidden: bot was blocked by the user"``; an empty text
  is a 400 as well; with ``--token`` given, any other token is ``401 Unauthorized``;
- ``GET /api/messages[?chat_id=…]`` (oldest first) → ``[{id, bot_id, chat_id, text,
  received_at}]`` (accepted messages only); ``DELETE /api/messages`` clears;
- ``POST /api/faults {"fail_next": N, "status": 500, "retry_after": null}``: the next N
  ``sendMessage`` calls fail with that status (429 carries ``parameters.retry_after``);
  ``{"delay_s": 2.5}``: every answer from now on waits that long (0: no delay);
  ``DELETE /api/faults``: no faults, no delay;
- ``PUT /api/chats/<chat_id> {"state": "unknown" | "blocked" | "ok"}``: how that chat answers;
- ``GET /health``.

Run it: ``python -m devtools.telegram_api --port 8081`` and point the service at it
(``NOTIFICATIONS_TELEGRAM_API_BASE=http://127.0.0.1:8081``). In tests: ``async with
TelegramApi() as api:`` (a free port) or the ``telegram_api`` fixture.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from devtools import _serving as serving

log = logging.getLogger("devtools.telegram_api")

DEFAULT_PORT = 8081
MAX_MESSAGES = 1000
MAX_TEXT_CHARS = 4096
BOT_USERNAME = "looseline_dev_bot"

ChatState = Literal["ok", "unknown", "blocked"]
_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Message:
    """One accepted ``sendMessage``."""

    id: int
    bot_id: str
    chat_id: str
    text: str
    received_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "bot_id": self.bot_id,
            "chat_id": self.chat_id,
            "text": self.text,
            "received_at": self.received_at.isoformat(),
        }


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after: int | None = None


class State:
    """Messages, faults and chat states (thread-safe: the server and the caller share it)."""

    def __init__(self, *, token: str | None = None, max_messages: int = MAX_MESSAGES) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._messages: deque[Message] = deque(maxlen=max_messages)
        self._faults: deque[Fault] = deque()
        self._chats: dict[str, ChatState] = {}
        self._next_id = 1
        self.delay_s = 0.0
        self.calls = 0

    def add(self, bot_id: str, chat_id: str, text: str) -> Message:
        with self._lock:
            message = Message(self._next_id, bot_id, chat_id, text, datetime.now(UTC))
            self._next_id += 1
            self._messages.append(message)
        return message

    def messages(self, chat_id: str | None = None) -> list[Message]:
        with self._lock:
            stored = list(self._messages)
        return stored if chat_id is None else [m for m in stored if m.chat_id == chat_id]

    def clear(self) -> int:
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
        return count

    def fail_next(self, count: int, status: int = 500, retry_after: int | None = None) -> None:
        with self._lock:
            self._faults.extend(Fault(status, retry_after) for _ in range(count))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self.delay_s = 0.0

    def next_fault(self) -> Fault | None:
        with self._lock:
            self.calls += 1
            return self._faults.popleft() if self._faults else None

    def set_chat(self, chat_id: str, state: ChatState) -> None:
        with self._lock:
            if state == "ok":
                self._chats.pop(chat_id, None)
            else:
                self._chats[chat_id] = state

    def chat(self, chat_id: str) -> ChatState:
        with self._lock:
            return self._chats.get(chat_id, "ok")

    def reset(self) -> None:
        """No messages, faults, delay or special chats."""
        with self._lock:
            self._messages.clear()
            self._faults.clear()
            self._chats.clear()
            self.delay_s = 0.0


def _refusal(status: int, description: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    body.update(extra)
    return JSONResponse(body, status_code=status)


class FaultsIn(BaseModel):
    fail_next: int = Field(0, ge=0, le=10_000)
    status: int = Field(500, ge=400, le=599)
    retry_after: int | None = Field(None, ge=0, le=3600)
    delay_s: float | None = Field(None, ge=0, le=120)


class ChatIn(BaseModel):
    state: ChatState


async def _send_message_fields(request: Request) -> dict[str, Any]:
    """``chat_id`` and ``text`` from a JSON, form or query request, as Telegram accepts them."""
    fields: dict[str, Any] = {k: v[-1] for k, v in parse_qs(request.url.query).items()}
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if "application/json" in content_type and raw:
        try:
            data = await request.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            fields.update(data)
    elif raw:
        fields.update({k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()})
    return fields


def create_app(state: State) -> FastAPI:
    app = FastAPI(title="LOOSELINE Telegram Bot API stand-in", docs_url=None, redoc_url=None)

    @app.post("/bot{token}/sendMessage")
    async def send_message(token: str, request: Request) -> JSONResponse:
        if state.delay_s:
            await asyncio.sleep(state.delay_s)
        fault = state.next_fault()
        if fault is not None:
            description = _DESCRIPTIONS.get(fault.status, "Error")
            if fault.status == 429:
                retry_after = fault.retry_after if fault.retry_after is not None else 1
                return _refusal(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    parameters={"retry_after": retry_after},
                )
            return _refusal(fault.status, description)
        if state.token is not None and token != state.token:
            return _refusal(401, "Unauthorized")
        fields = await _send_message_fields(request)
        chat_id = str(fields.get("chat_id", "")).strip()
        text = fields.get("text")
        if not chat_id:
            return _refusal(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return _refusal(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT_CHARS:
            return _refusal(400, "Bad Request: message is too long")
        chat = state.chat(chat_id)
        if chat == "unknown":
            return _refusal(400, "Bad Request: chat not found")
        if chat == "blocked":
            return _refusal(403, "Forbidden: bot was blocked by the user")
        bot_id = token.partition(":")[0]
        message = state.add(bot_id, chat_id, text)
        log.info("sendMessage #%d to chat %s (%d chars)", message.id, chat_id, len(text))
        chat_number = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        result = {
            "message_id": message.id,
            "from": {
                "id": int(bot_id) if bot_id.isdigit() else 0,
                "is_bot": True,
                "first_name": "LOOSELINE",
                "username": BOT_USERNAME,
            },
            "chat": {"id": chat_number, "type": "private"},
            "date": int(message.received_at.timestamp()),
            "text": text,
        }
        return JSONResponse({"ok": True, "result": result})

    @app.get("/api/messages")
    async def list_messages(chat_id: str | None = None) -> list[dict[str, Any]]:
        return [message.to_json() for message in state.messages(chat_id)]

    @app.delete("/api/messages")
    async def clear_messages() -> dict[str, int]:
        return {"deleted": state.clear()}

    @app.post("/api/faults")
    async def add_faults(body: FaultsIn) -> dict[str, Any]:
        if body.fail_next:
            state.fail_next(body.fail_next, body.status, body.retry_after)
        if body.delay_s is not None:
            state.delay_s = body.delay_s
        return {"ok": True}

    @app.delete("/api/faults")
    async def clear_faults() -> dict[str, Any]:
        state.clear_faults()
        return {"ok": True}

    @app.put("/api/chats/{chat_id}")
    async def set_chat(chat_id: str, body: ChatIn) -> dict[str, Any]:
        state.set_chat(chat_id, body.state)
        return {"chat_id": chat_id, "state": body.state}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


class TelegramApi(serving.BackgroundServer):
    """The stand-in in a background thread (``port=0``: a free port).

    ``async with TelegramApi() as api:`` (or ``with``); point a client at ``api.base_url``; read
    ``api.messages()``; steer it with ``fail_next``, ``set_delay``, ``set_chat``, ``reset``.
    """

    what = "Telegram API stand-in"

    def __init__(
        self,
        port: int = 0,
        *,
        host: str = serving.DEFAULT_HOST,
        token: str | None = None,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        super().__init__()
        self.host = host
        self._requested = port
        self.port = port
        self.state = State(token=token, max_messages=max_messages)

    @property
    def base_url(self) -> str:
        return serving.http_url(self.host, self.port)

    def _launch(self) -> serving.ServerThread:
        sock = serving.bind(self.host, self._requested)
        self.port = serving.port_of(sock)
        return serving.start_thread(create_app(self.state), sock, name="telegram-api")

    def messages(self, chat_id: str | None = None) -> list[Message]:
        return self.state.messages(chat_id)

    def fail_next(self, count: int, status: int = 500, *, retry_after: int | None = None) -> None:
        self.state.fail_next(count, status, retry_after)

    def set_delay(self, seconds: float) -> None:
        self.state.delay_s = seconds

    def set_chat(self, chat_id: str, state: ChatState) -> None:
        self.state.set_chat(chat_id, state)

    def reset(self) -> None:
        self.state.reset()

    @property
    def calls(self) -> int:
        """``sendMessage`` calls answered so far (accepted, refused or failed)."""
        return self.state.calls

    async def wait_for(
        self, chat_id: str, *, count: int = 1, timeout_s: float = 5
    ) -> list[Message]:
        """The chat's messages once there are at least ``count``; ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = self.messages(chat_id)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{len(found)} message(s) to chat {chat_id!r} in {timeout_s} s, not {count}"
                )
            await asyncio.sleep(0.02)


def main(argv: list[str] | None = None) -> None:
    parser = serving.cli_parser("devtools.telegram_api", "Local Telegram Bot API stand-in.")
    serving.add_port_option(parser, "--port", env="TELEGRAM_API_PORT", default=DEFAULT_PORT)
    parser.add_argument("--token", default=None, help="accept only this bot token (default: any)")
    parser.add_argument(
        "--unknown-chat", action="append", default=[], help="a chat id answered 'chat not found'"
    )
    parser.add_argument("--max-messages", type=int, default=MAX_MESSAGES)
    args = serving.parse_cli(parser, argv)

    sock = serving.bind_or_exit(args.host, args.port, "Telegram API stand-in")
    state = State(token=args.token, max_messages=args.max_messages)
    for chat_id in args.unknown_chat:
        state.set_chat(chat_id, "unknown")
    log.info(
        "Telegram Bot API stand-in on http://%s:%d (messages at /api/messages)",
        args.host,
        serving.port_of(sock),
    )
    serving.serve_forever(create_app(state), sock)


if __name__ == "__main__":
    main()
