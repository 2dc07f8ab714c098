"""Tables of the `bets` schema (the metadata Alembic compares against).

The read model of the events service (``event``, ``market``, ``selection``) is fed by its
messages only; each row keeps the version it was written from (``revision``, ``odds_version``)
so an older or repeated message changes nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from bets.domain.bet import MARKET_OPEN, BetStatus
from common.db import schema_metadata
from common.idempotency import define_idempotency_table
from common.messaging.tables import define_messaging_tables

metadata = schema_metadata("bets")
outbox, inbox = define_messaging_tables(metadata)
idempotency_key = define_idempotency_table(metadata)
SCHEMA = "bets"

COEFFICIENT = Numeric(8, 3)

event = Table(
    "event",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    # 0 while only status/market/odds messages have been seen (no snapshot yet).
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("event_name", Text),
    Column("sport", Text),
    Column("league", Text),
    Column("home_team", Text),
    Column("away_team", Text),
    Column("starts_at", DateTime(timezone=True)),
    Column("status", Text),
    # The settlement version applied to this event's legs (None: not settled yet).
    Column("settlement_version", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("id"),
)

market = Table(
    "market",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("market", Text, nullable=False),
    Column("market_type", Text),
    Column("status", Text, nullable=False, server_default=MARKET_OPEN),
    # Takes bets while the event is live (every other market refuses them then).
    Column("live_betting", Boolean, nullable=False, server_default=false()),
    PrimaryKeyConstraint("id"),
    Index("ix_market_event_id", "event_id"),
)

selection = Table(
    "selection",
    metadata,
    Column("odds_id", UUID(as_uuid=True), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("market_id", UUID(as_uuid=True), nullable=False),
    Column("market", Text, nullable=False),
    Column("selection", Text, nullable=False),
    Column("coefficient", COEFFICIENT, nullable=False),
    Column("odds_version", Integer, nullable=False),
    PrimaryKeyConstraint("odds_id"),
    Index("ix_selection_event_id", "event_id"),
)

# The statuses as the DDL spells them (the CHECK, the partial indexes): what the migrations made.
_STATUS_LIST = ", ".join(f"'{status}'" for status in BetStatus)

bet = Table(
    "bet",
    metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("bet_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("stake_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    # The single's coefficient or the coupon's combined one, fixed at acceptance.
    Column("coefficient", Numeric(14, 3), nullable=False),
    Column("potential_win_minor", BigInteger, nullable=False),
    Column("accept_odds_change", Text, nullable=False),
    Column("reason", Text),  # why it was rejected
    Column("result", Text),  # won / lost / void once settled
    Column("payout_minor", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("decided_at", DateTime(timezone=True)),
    Column("settled_at", DateTime(timezone=True)),
    # The bet's own settlement count: 1 at BetSettled, +1 per BetResettled.
    Column("settlement_version", Integer),
    # The watchdog's re-sends of ReserveStake, and when the last one (or the first) went out.
    Column("reserve_attempts", SmallInteger, nullable=False, server_default="0"),
    Column("reserve_sent_at", DateTime(timezone=True)),
    # Staked with a unit of a free-bet package (issue 22): pays only the winnings.
    Column("free_bet", Boolean, nullable=False, server_default="false"),
    PrimaryKeyConstraint("id"),
    CheckConstraint(
        f"status IN ({_STATUS_LIST})",
        name="status",
    ),
    CheckConstraint("stake_minor > 0", name="stake_positive"),
    Index("ix_bet_user_id_created_at", "user_id", "created_at"),
    Index("ix_bet_created_at", "created_at"),
    Index(
        "ix_bet_pending_created_at",
        "created_at",
        postgresql_where=text(f"status = '{BetStatus.PENDING}'"),
    ),
    Index("ix_bet_open", "id", postgresql_where=text(f"status = '{BetStatus.OPEN}'")),
    # Loss limits sum the payouts of a user's bets settled in the window (domain/loss_limits.py).
    Index(
        "ix_bet_user_id_settled_at",
        "user_id",
        "settled_at",
        postgresql_where=text("settled_at IS NOT NULL"),
    ),
)

bet_leg = Table(
    "bet_leg",
    metadata,
    Column("bet_id", UUID(as_uuid=True), nullable=False),
    Column("position", SmallInteger, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("market_id", UUID(as_uuid=True), nullable=False),
    Column("odds_id", UUID(as_uuid=True), nullable=False),
    Column("event_name", Text, nullable=False),
    Column("market", Text, nullable=False),
    Column("selection", Text, nullable=False),
    Column("coefficient", COEFFICIENT, nullable=False),
    Column("outcome", Text),  # won / lost / void once the event resolves
    PrimaryKeyConstraint("bet_id", "position"),
    ForeignKeyConstraint(["bet_id"], ["bets.bet.id"], ondelete="CASCADE"),
    Index("ix_bet_leg_event_id", "event_id"),
)

# --- responsible gambling (issue 23) ---------------------------------------------------------

# auth's time-outs and self-exclusions (auth.UserTimedOut / auth.UserSelfExcluded): the latest
# ``until`` heard of per user, whatever order the messages came in.
restriction = Table(
    "restriction",
    metadata,
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("user_id"),
)

# A user's loss limit per period (domain/loss_limits.py): the amount in force (null: none) and
# the pending change (an increase or a removal waiting out the cooling-off).
loss_limit = Table(
    "loss_limit",
    metadata,
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("period", Text, nullable=False),
    Column("amount_minor", BigInteger),
    Column("pending_amount_minor", BigInteger),
    Column("pending_effective_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("user_id", "period"),
    CheckConstraint("period IN ('day', 'week', 'month')", name="period"),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
    CheckConstraint("pending_amount_minor > 0", name="pending_amount_positive"),
)

# Every accepted change of a loss limit: the audit trail the user and admins read.
limit_change = Table(
    "limit_change",
    metadata,
    Column("id", BigInteger, Identity(), nullable=False),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("period", Text, nullable=False),
    Column("old_amount_minor", BigInteger),  # in force when asked (null: none)
    Column("new_amount_minor", BigInteger),  # asked for (null: removal)
    Column("effective_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("id"),
    Index("ix_limit_change_user_id_created_at", "user_id", "created_at"),
)
