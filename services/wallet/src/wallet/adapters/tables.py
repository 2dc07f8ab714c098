"""Tables of the `wallet` schema (the metadata Alembic compares against)."""

from __future__ import annotations

from common.db import schema_metadata
from common.messaging.tables import define_messaging_tables

metadata = schema_metadata("wallet")
outbox, inbox = define_messaging_tables(metadata)
