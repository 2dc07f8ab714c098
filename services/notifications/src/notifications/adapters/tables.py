"""Tables of the ``notifications`` schema (the metadata Alembic compares against).

- ``recipient``: the read model of a user from the bus (``auth.UserRegistered``: email, name;
  ``auth.LanguageChanged``) plus the Telegram chat id the user linked here;
- ``preference``: a user's choice per kind and channel; no row = the default (on);
- ``delivery``: one message to send on one channel, unique per (bus event, channel).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from common.db import schema_metadata
from common.messaging.tables import define_messaging_tables

metadata = schema_metadata("notifications")
outbox, inbox = define_messaging_tables(metadata)


def _now(name: str) -> Column:  # type: ignore[type-arg]
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


recipient = Table(
    "recipient",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    # NULL until auth.UserRegistered is seen (a language or a chat id may come first).
    Column("email", Text),
    Column("name", Text),
    Column("language", Text, nullable=False, server_default="en"),
    # The envelope time of the LanguageChanged applied: an older one arriving late is ignored.
    Column("language_changed_at", DateTime(timezone=True)),
    Column("telegram_chat_id", Text),
    _now("created_at"),
    _now("updated_at"),
    CheckConstraint("language IN ('en', 'ru')", name="language"),
)

preference = Table(
    "preference",
    metadata,
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("kind", Text, nullable=False),
    Column("email", Boolean, nullable=False),
    Column("telegram", Boolean, nullable=False),
    _now("updated_at"),
    PrimaryKeyConstraint("user_id", "kind"),
)

delivery = Table(
    "delivery",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),  # the bus message's envelope
    Column("channel", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("kind", Text, nullable=False),
    Column("template", Text, nullable=False),
    Column("language", Text, nullable=False),
    # Where it goes, as known when the message was consumed (an email address or a chat id).
    Column("address", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Since when it is to be sent (written, or put back by an admin): the max age counts from it.
    _now("due_since"),
    # The class of the last failure and what the far side said (never the body or a secret).
    Column("last_error", Text),
    _now("created_at"),
    Column("sent_at", DateTime(timezone=True)),
    _now("updated_at"),
    UniqueConstraint("event_id", "channel", name="uq_delivery_event_id_channel"),
    CheckConstraint("channel IN ('email', 'telegram')", name="channel"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    Index("ix_delivery_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("ix_delivery_user_recent", "user_id", "created_at", "id"),
    Index("ix_delivery_recent", "created_at", "id"),
)
