"""Who published a message: the AMQP ``user_id``, which RabbitMQ vouches for.

RabbitMQ refuses a publish whose ``user_id`` is not the publishing connection's user, so it is
the one thing in a delivery its publisher cannot choose. Each service logs in as the user named
as its producer and sets it on every message (``Broker.publish``); a consumer takes a message
only when that user is the ``producer`` its envelope claims (ARCHITECTURE.md §9). A message
without a ``user_id`` proves nothing and is refused like a forged one.

A consumer's own copies (retries, dead letters, an operator's replay run as the consumer's
user) carry the consumer's user; the publisher verified at the first delivery travels in
``x-looseline-publisher``. That header is believed only on a message RabbitMQ says the consumer
itself published: anyone else who sets it still shows up as themselves.
"""

from __future__ import annotations

from aio_pika.abc import AbstractIncomingMessage

PUBLISHER_HEADER = "x-looseline-publisher"
FORGED_PRODUCER = "forged_producer"


def publisher_of(message: AbstractIncomingMessage, own_user: str) -> str | None:
    """The broker-verified publisher of ``message``, for a consumer logged in as ``own_user``."""
    user = message.user_id
    if user is None or user != own_user:
        return user
    vouched = (message.headers or {}).get(PUBLISHER_HEADER)
    if isinstance(vouched, bytes):
        vouched = vouched.decode(errors="replace")
    return vouched if isinstance(vouched, str) else user
