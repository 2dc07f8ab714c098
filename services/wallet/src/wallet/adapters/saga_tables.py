"""Saga bookkeeping tables beyond the ledger (migration 0006), on the wallet's schema metadata."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Table, Text, func
from sqlalchemy.dialects.postgresql import UUID

from wallet.adapters.tables import metadata

# A bet released before its stake was ever reserved here (ReleaseStake first): a later
# ReserveStake for it is rejected and holds nothing.
release_tombstone = Table(
    "release_tombstone",
    metadata,
    Column("bet_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
