"""The partners schema: partners, attributed users, outbound postbacks and their attempts, the
win throttle, inbound postbacks, deposits seen on the bus."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from common.db import schema_metadata
from common.idempotency import define_idempotency_table
from common.messaging.tables import define_messaging_tables

SCHEMA = "partners"
metadata = schema_metadata(SCHEMA)
define_messaging_tables(metadata)
define_idempotency_table(metadata)

TS = sa.DateTime(timezone=True)


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, TS, nullable=False, server_default=sa.func.now())


partner = sa.Table(
    "partner",
    metadata,
    sa.Column("partner_id", sa.Text(), primary_key=True),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("secret", sa.Text(), nullable=False),
    # {event: URL template}; an event without a template sends nothing.
    sa.Column("urls", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    _now("created_at"),
    _now("updated_at"),
)

attributed_user = sa.Table(
    "attributed_user",
    metadata,
    sa.Column("user_id", sa.Uuid(), primary_key=True),
    # The sign-up's affiliate_id: kept even when no such partner exists (yet).
    sa.Column("partner_id", sa.Text(), nullable=False),
    sa.Column("click_id", sa.Text()),
    sa.Column("partner_player_id", sa.Text()),
    sa.Column("registered_at", TS, nullable=False),
    # Our side (wallet.DepositCompleted).
    sa.Column("first_deposit_at", TS),
    # The partner's side (their inbound deposit postbacks).
    sa.Column("partner_first_deposit_at", TS),
    sa.Column("partner_deposit_count", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("partner_deposit_sum", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("last_win_notice_at", TS),
    sa.Index(
        "ix_attributed_user_partner_id_registered_at", "partner_id", "registered_at", "user_id"
    ),
    sa.Index("ix_attributed_user_partner_id_click_id", "partner_id", "click_id"),
    sa.Index(
        "ux_attributed_user_partner_id_partner_player_id",
        "partner_id",
        "partner_player_id",
        unique=True,
        postgresql_where=sa.text("partner_player_id IS NOT NULL"),
    ),
)

deposit = sa.Table(
    "deposit",
    metadata,
    sa.Column("operation_id", sa.Uuid(), primary_key=True),
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("partner_id", sa.Text(), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.Text(), nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Index("ix_deposit_partner_id_currency", "partner_id", "currency"),
    sa.Index("ix_deposit_user_id", "user_id"),
)

postback = sa.Table(
    "postback",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("partner_id", sa.Text(), nullable=False),
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("event", sa.Text(), nullable=False),
    sa.Column("source_event_id", sa.Uuid(), nullable=False),
    sa.Column("click_id", sa.Text()),
    sa.Column("amount_minor", sa.BigInteger()),
    sa.Column("currency", sa.Text()),
    sa.Column("transaction_id", sa.Text()),
    sa.Column("win_count", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("status", sa.Text(), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TS, nullable=False),
    sa.Column("last_error", sa.Text()),
    sa.Column("last_status_code", sa.Integer()),
    sa.Column("delivered_at", TS),
    sa.Column("created_at", TS, nullable=False),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    sa.CheckConstraint(
        "event IN ('registration', 'first_deposit', 'deposit', 'withdrawal', 'win')",
        name="event",
    ),
    sa.UniqueConstraint(
        "source_event_id",
        "partner_id",
        "event",
        name="uq_postback_source_event_id_partner_id_event",
    ),
    sa.Index(
        "ix_postback_due",
        "next_attempt_at",
        postgresql_where=sa.text("status = 'pending'"),
    ),
    sa.Index("ix_postback_partner_id_created_at", "partner_id", "created_at"),
)

postback_attempt = sa.Table(
    "postback_attempt",
    metadata,
    sa.Column("postback_id", sa.Uuid(), nullable=False),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.Column("status_code", sa.Integer()),
    sa.Column("error", sa.Text()),
    sa.Column("latency_ms", sa.Integer(), nullable=False),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.PrimaryKeyConstraint("postback_id", "attempt"),
    sa.ForeignKeyConstraint(["postback_id"], [f"{SCHEMA}.postback.id"], ondelete="CASCADE"),
)

win_throttle = sa.Table(
    "win_throttle",
    metadata,
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("partner_id", sa.Text(), nullable=False),
    sa.Column("next_free_at", TS),
    sa.Column("waiting_postback_id", sa.Uuid()),
    sa.PrimaryKeyConstraint("user_id", "partner_id"),
)

inbound_postback = sa.Table(
    "inbound_postback",
    metadata,
    sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
    sa.Column("partner_id", sa.Text(), nullable=False),
    sa.Column("event", sa.Text()),
    sa.Column("params", postgresql.JSONB(), nullable=False),
    sa.Column("outcome", sa.Text(), nullable=False),
    sa.Column("error_code", sa.Text()),
    sa.Column("dedupe_key", sa.Text()),
    sa.Column("user_id", sa.Uuid()),
    sa.Column("throttled", sa.Boolean()),
    sa.Column("received_at", TS, nullable=False),
    sa.CheckConstraint("outcome IN ('accepted', 'rejected')", name="outcome"),
    sa.Index(
        "ux_inbound_postback_partner_id_dedupe_key",
        "partner_id",
        "dedupe_key",
        unique=True,
        postgresql_where=sa.text("outcome = 'accepted'"),
    ),
    sa.Index("ix_inbound_postback_partner_id_received_at", "partner_id", "received_at"),
)
