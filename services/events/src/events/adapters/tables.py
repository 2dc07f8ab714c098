"""Tables of the `events` schema (the metadata Alembic compares against).

Seed names → tables here (singular, as every schema): sports_types → ``sport``, leagues →
``league``, events → ``event``, odds → ``market`` + ``odds`` (one row per selection),
odds_history → ``odds_history``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID

from common.db import schema_metadata
from common.idempotency import define_idempotency_table
from common.messaging.tables import define_messaging_tables

metadata = schema_metadata("events")
outbox, inbox = define_messaging_tables(metadata)
# The admin's Idempotency-Keys (``common.idempotency``; entrypoints/api/admin.py).
idempotency_key = define_idempotency_table(metadata)

# Odds: NUMERIC(8,3) > 1.000 (ARCHITECTURE.md §4); totals lines: NUMERIC(5,1).
COEFFICIENT = Numeric(8, 3)
LINE = Numeric(5, 1)
# Team search: words of both names, matched by prefix ("real mad" finds "Real Madrid").
SEARCH_VECTOR = "to_tsvector('simple'::regconfig, home_team || ' ' || away_team)"


def _now(name: str) -> Column:  # type: ignore[type-arg]
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


def _belongs_to(name: str, parent: str) -> Column:  # type: ignore[type-arg]
    """The parent's id; the row goes with its parent (a deleted event takes its markets)."""
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey(f"events.{parent}.id", ondelete="CASCADE"),
        nullable=False,
    )


sport = Table(
    "sport",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, unique=True),
    Column("icon", Text, nullable=False, server_default=""),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    _now("created_at"),
)

league = Table(
    "league",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("sport_id", Integer, ForeignKey("events.sport.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("country", Text),
    _now("created_at"),
    UniqueConstraint("sport_id", "name", name="uq_league_sport_id_name"),
    UniqueConstraint("sport_id", "slug", name="uq_league_sport_id_slug"),
)

event = Table(
    "event",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("sport_id", Integer, ForeignKey("events.sport.id"), nullable=False),
    Column("league_id", Integer, ForeignKey("events.league.id"), nullable=False),
    Column("home_team", Text, nullable=False),
    Column("away_team", Text, nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False, server_default="scheduled"),
    Column("status_reason", Text),
    Column("home_score", Integer),
    Column("away_score", Integer),
    Column("minute", Integer),
    Column("period", Text),
    # Grows on every change of the snapshot in EventCreated/EventUpdated (newer wins).
    Column("revision", Integer, nullable=False, server_default="1"),
    # 0 until settled; 1 on the first settlement, +1 on each forced correction.
    Column("settlement_version", Integer, nullable=False, server_default="0"),
    Column("settled_at", DateTime(timezone=True)),
    Column("external_event_id", Text, unique=True),
    Column("search", TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), nullable=False),
    Column("created_by", Text),
    _now("created_at"),
    _now("updated_at"),
    CheckConstraint(
        "status IN ('scheduled', 'live', 'finished', 'cancelled', 'postponed')", name="status"
    ),
    CheckConstraint("home_score >= 0 AND away_score >= 0", name="score"),
    CheckConstraint("revision >= 1", name="revision"),
    CheckConstraint("settlement_version >= 0", name="settlement_version"),
    # Listing filters: each keeps the default order (start time) inside the index.
    Index("ix_event_starts_at_id", "starts_at", "id"),
    Index("ix_event_status_starts_at", "status", "starts_at"),
    Index("ix_event_sport_id_starts_at", "sport_id", "starts_at"),
    Index("ix_event_league_id_starts_at", "league_id", "starts_at"),
    Index("ix_event_search", "search", postgresql_using="gin"),
)

market = Table(
    "market",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("event_id", "event"),
    Column("market_type", Text, nullable=False),
    Column("line", LINE),
    Column("status", Text, nullable=False, server_default="open"),
    # Whether the market takes bets once its event is live (bets refuse every other market then).
    Column("live_betting", Boolean, nullable=False, server_default=false()),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    _now("created_at"),
    _now("updated_at"),
    CheckConstraint("status IN ('open', 'suspended', 'closed')", name="status"),
)
# One market per (event, type, line); a NULL line counts as a value.
Index(
    "ux_market_event_id_type_line",
    market.c.event_id,
    market.c.market_type,
    func.coalesce(market.c.line, -1),
    unique=True,
)

odds = Table(
    "odds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("event_id", "event"),
    _belongs_to("market_id", "market"),
    Column("selection", Text, nullable=False),
    Column("coefficient", COEFFICIENT, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("status", Text, nullable=False, server_default="open"),
    Column("outcome", Text),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    _now("updated_at"),
    CheckConstraint("coefficient > 1", name="coefficient"),
    CheckConstraint("version >= 1", name="version"),
    CheckConstraint("status IN ('open', 'suspended')", name="status"),
    CheckConstraint("outcome IN ('won', 'lost', 'void')", name="outcome"),
    UniqueConstraint("market_id", "selection", name="uq_odds_market_id_selection"),
    Index("ix_odds_event_id", "event_id"),
)

odds_history = Table(
    "odds_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _belongs_to("odds_id", "odds"),
    _belongs_to("event_id", "event"),
    Column("old_coefficient", COEFFICIENT),
    Column("new_coefficient", COEFFICIENT, nullable=False),
    Column("version", Integer, nullable=False),
    # An admin's user id, or "feed:<feed_message_id>", or "system:demo".
    Column("changed_by", Text, nullable=False),
    # Why the version moved without a new price: "suspended" / "resumed".
    Column("note", Text),
    _now("changed_at"),
    UniqueConstraint("odds_id", "version", name="uq_odds_history_odds_id_version"),
    Index("ix_odds_history_event_id_changed_at", "event_id", "changed_at"),
)

settlement = Table(
    "settlement",
    metadata,
    _belongs_to("event_id", "event"),
    Column("version", Integer, nullable=False),
    Column("home_score", Integer, nullable=False),
    Column("away_score", Integer, nullable=False),
    Column("outcomes", JSONB, nullable=False),
    Column("reason", Text),
    Column("settled_by", Text, nullable=False),
    _now("settled_at"),
    PrimaryKeyConstraint("event_id", "version", name="pk_settlement"),
)

# Each results-feed message is applied once: its id is claimed in the transaction of its effect.
feed_message = Table(
    "feed_message",
    metadata,
    Column("feed_message_id", Text, primary_key=True),
    Column("message_type", Text, nullable=False),
    Column("external_event_id", Text, nullable=False),
    Column("event_id", UUID(as_uuid=True)),
    Column("sent_at", DateTime(timezone=True)),
    _now("received_at"),
)

# Read model fed by bets.BetPlaced: "delete only without bets" without reading bets' tables.
event_bet_count = Table(
    "event_bet_count",
    metadata,
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("bet_count", Integer, nullable=False),
    _now("updated_at"),
)

# Who changed what in the catalogue and its events, written in the transaction of the change
# (docs/events.md "Admin audit trail"). No foreign key: the trail outlives a deleted event.
admin_audit = Table(
    "admin_audit",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # The admin's ``sub`` (user id), or "feed" for a results-feed message.
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("event_id", UUID(as_uuid=True)),
    Column("market_id", UUID(as_uuid=True)),
    Column("odds_id", UUID(as_uuid=True)),
    # Only what changed (a creation: everything after; a deletion: everything before).
    Column("before", JSONB),
    Column("after", JSONB),
    # What the call said beyond the new state: a reason, ``force``, the feed message's id.
    Column("details", JSONB),
    Column("request_id", Text),
    Column("ip", Text),
    Column("user_agent", Text),
    _now("at"),
    Index("ix_admin_audit_at", "at"),
    Index("ix_admin_audit_event_id_at", "event_id", "at"),
    Index("ix_admin_audit_actor_at", "actor", "at"),
)
