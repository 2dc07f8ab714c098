"""Outbox and inbox tables, one pair in every service's own schema."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from common.db import schema_metadata

_cache: dict[str, tuple[Table, Table]] = {}


def define_messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Add ``outbox`` and ``inbox`` to a service's metadata (schema taken from it)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("routing_key", Text, nullable=False),
        Column("body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", UUID(as_uuid=True), nullable=False),
        Column("message_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    return outbox, inbox


def messaging_tables(schema: str) -> tuple[Table, Table]:
    """The (outbox, inbox) Table objects for a schema, for the relay and consumers."""
    if schema not in _cache:
        _cache[schema] = define_messaging_tables(schema_metadata(schema))
    return _cache[schema]


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


def create_messaging_tables_v1(op: Any, schema: str) -> None:
    """Migration step (frozen: a later change is a new ``_v2`` step, never an edit here)."""
    define = define_messaging_tables(schema_metadata(schema))
    for table in define:
        table.create(op.get_bind())
    channel = notify_channel(schema)
    # The relay LISTENs on this channel: a commit with outbox rows wakes it at once.
    op.execute(
        f"""
        CREATE FUNCTION {schema}.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER outbox_notify AFTER INSERT ON {schema}.outbox
        FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_outbox()
        """
    )


def drop_messaging_tables_v1(op: Any, schema: str) -> None:
    op.execute(f"DROP TABLE IF EXISTS {schema}.outbox, {schema}.inbox")
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.notify_outbox()")
