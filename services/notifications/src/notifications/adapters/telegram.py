"""The Telegram Bot API's ``sendMessage`` over httpx.

``POST {base}/bot{token}/sendMessage`` with ``{"chat_id", "text"}``; Telegram answers
``{"ok": true, "result": {...}}`` or ``{"ok": false, "error_code", "description",
"parameters": {"retry_after"}}``. 400 (chat not found) and 403 (the bot was blocked, or never
started by the user) are permanent; 429 (wait ``retry_after``), 5xx, timeouts and a broken
connection are worth a retry. The token is part of the URL: no URL is ever logged or kept.
"""

from __future__ import annotations

from typing import Any

import httpx

from notifications.domain.errors import SendFailed

PERMANENT_ERROR_CODES = frozenset({400, 403})
MAX_TEXT_CHARS = 4096  # Telegram's limit for one message


class TelegramClient:
    def __init__(self, *, api_base: str, token: str, timeout_s: float = 10.0) -> None:
        self._url = f"{api_base.rstrip('/')}/bot{token}/sendMessage"
        self._client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, *, chat_id: str, text: str) -> None:
        body = {"chat_id": chat_id, "text": text[:MAX_TEXT_CHARS]}
        try:
            answer = await self._client.post(self._url, json=body)
        except httpx.HTTPError as exc:  # the exception's text may hold the URL: class only
            raise SendFailed(f"telegram_{type(exc).__name__}") from None
        try:
            data: Any = answer.json()
        except ValueError:
            data = None
        if answer.status_code == 200 and isinstance(data, dict) and data.get("ok") is True:
            return
        code = answer.status_code
        if isinstance(data, dict) and isinstance(data.get("error_code"), int):
            code = data["error_code"]
        retry_after: float | None = None
        if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
            value = data["parameters"].get("retry_after")
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                retry_after = float(value)
        description = data.get("description") if isinstance(data, dict) else None
        reason = f"telegram_{code}"
        if isinstance(description, str) and description:
            reason += f": {description[:200]}"
        raise SendFailed(reason, permanent=code in PERMANENT_ERROR_CODES, retry_after_s=retry_after)
