"""The notifications service's coded errors (HTTP answers) and a channel's send failure."""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import Conflict, NotFound


class DeliveryNotFound(NotFound):
    code = "notifications.delivery_not_found"
    default_message = "No such delivery."


class DeliveryNotFailed(Conflict):
    code = "notifications.delivery_not_failed"
    default_message = "Only a failed delivery can be retried."


@dataclass
class SendFailed(Exception):
    """A channel could not deliver. ``permanent``: no retry can help (the chat does not exist,
    the user blocked the bot, the mailbox is refused); ``retry_after_s``: the far side asked us
    to wait that long. ``error`` is a short class for logs and the admin (never a body,
    an address or a secret)."""

    error: str
    permanent: bool = False
    retry_after_s: float | None = None

    def __str__(self) -> str:
        return self.error
