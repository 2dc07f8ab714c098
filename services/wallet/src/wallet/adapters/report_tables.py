"""Tables of reports and statements (migration 0005), on the wallet's schema metadata."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Numeric,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import UUID

from wallet.adapters.tables import metadata

# Who the wallet belongs to, as auth announced it (UserRegistered): the header of reports.
account_holder = Table(
    "account_holder",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("email", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# An export: pending → ready | failed; expired (file deleted) after the retention period.
report = Table(
    "report",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("format", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("date_from", Date, nullable=False),
    Column("date_to", Date, nullable=False),
    Column("include_bets", Boolean, nullable=False),
    Column("include_transactions", Boolean, nullable=False),
    Column("include_statistics", Boolean, nullable=False),
    Column("filename", Text, nullable=False),
    Column("storage_key", Text, nullable=False),
    Column("file_size_bytes", BigInteger),
    Column("row_count", Integer),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("ready_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# One per user and month (UNIQUE); figures in minor units, percentages half-up to 2 places.
monthly_statement = Table(
    "monthly_statement",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    Column("opening_balance_minor", BigInteger, nullable=False),
    Column("closing_balance_minor", BigInteger, nullable=False),
    Column("deposits_minor", BigInteger, nullable=False),
    Column("withdrawals_minor", BigInteger, nullable=False),
    Column("stakes_minor", BigInteger, nullable=False),
    Column("winnings_minor", BigInteger, nullable=False),
    Column("refunds_minor", BigInteger, nullable=False),
    Column("adjustments_minor", BigInteger, nullable=False),
    Column("total_bet_minor", BigInteger, nullable=False),
    Column("total_won_minor", BigInteger, nullable=False),
    Column("net_profit_minor", BigInteger, nullable=False),
    Column("roi_percent", Numeric(12, 2), nullable=False),
    Column("win_rate_percent", Numeric(5, 2), nullable=False),
    Column("bets_placed", Integer, nullable=False),
    Column("bets_won", Integer, nullable=False),
    Column("bets_lost", Integer, nullable=False),
    Column("transaction_count", Integer, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
