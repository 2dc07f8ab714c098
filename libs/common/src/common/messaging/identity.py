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

from common.logging import get_logger
from common.messaging import metrics
from common.messaging.envelope import Envelope

log = get_logger(__name__)

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


def forged(
    service: str, message: AbstractIncomingMessage, envelope: Envelope, own_user: str
) -> str | None:
    """Why ``message`` must be refused (its verified publisher is not the producer its envelope
    claims), counted and logged as an error; None for an honest message."""
    publisher = publisher_of(message, own_user)
    if publisher == envelope.producer:
        return None
    metrics.rejected.labels(service, FORGED_PRODUCER).inc()
    log.error(
        "bus.forged_producer",
        consumer=service,
        claimed_producer=envelope.producer,
        user=publisher,
        type=envelope.type,
        event_id=str(envelope.event_id),
        routing_key=message.routing_key,
    )
    return f"published by user {publisher!r}, claims producer {envelope.producer!r}"
