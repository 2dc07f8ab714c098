"""Request and message ids carried across HTTP calls and messages in contextvars."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# event_id of the message being handled: becomes causation_id of what the handler emits.
causation_id_var: ContextVar[str | None] = ContextVar("causation_id", default=None)
