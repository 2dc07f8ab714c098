"""sports, leagues, events, markets, odds and their history, settlements, feed messages, bet counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "events"
COEFFICIENT = sa.Numeric(8, 3)
LINE = sa.Numeric(5, 1)
SEARCH_VECTOR = "to_tsvector('simple'::regconfig, home_team || ' ' || away_team)"


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _event_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["event_id"], [f"{SCHEMA}.event.id"], name=f"fk_{table}_event_id_event", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "sport",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("icon", sa.Text(), nullable=False, server_default=""),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_sport"),
        sa.UniqueConstraint("slug", name="uq_sport_slug"),
        sa.UniqueConstraint("name", name="uq_sport_name"),
        schema=SCHEMA,
    )
    op.create_table(
        "league",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("sport_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("country", sa.Text()),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_league"),
        sa.ForeignKeyConstraint(
            ["sport_id"], [f"{SCHEMA}.sport.id"], name="fk_league_sport_id_sport"
        ),
        sa.UniqueConstraint("sport_id", "name", name="uq_league_sport_id_name"),
        sa.UniqueConstraint("sport_id", "slug", name="uq_league_sport_id_slug"),
        schema=SCHEMA,
    )
    op.create_table(
        "event",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("sport_id", sa.Integer(), nullable=False),
        sa.Column("league_id", sa.Integer(), nullable=False),
        sa.Column("home_team", sa.Text(), nullable=False),
        sa.Column("away_team", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="scheduled"),
        sa.Column("status_reason", sa.Text()),
        sa.Column("home_score", sa.Integer()),
        sa.Column("away_score", sa.Integer()),
        sa.Column("minute", sa.Integer()),
        sa.Column("period", sa.Text()),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("settlement_version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.Column("external_event_id", sa.Text()),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_VECTOR, persisted=True),
            nullable=False,
        ),
        sa.Column("created_by", sa.Text()),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'live', 'finished', 'cancelled', 'postponed')",
            name="ck_event_status",
        ),
        sa.CheckConstraint("home_score >= 0 AND away_score >= 0", name="ck_event_score"),
        sa.CheckConstraint("revision >= 1", name="ck_event_revision"),
        sa.CheckConstraint("settlement_version >= 0", name="ck_event_settlement_version"),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
        sa.ForeignKeyConstraint(
            ["sport_id"], [f"{SCHEMA}.sport.id"], name="fk_event_sport_id_sport"
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], [f"{SCHEMA}.league.id"], name="fk_event_league_id_league"
        ),
        sa.UniqueConstraint("external_event_id", name="uq_event_external_event_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_event_starts_at_id", "event", ["starts_at", "id"], schema=SCHEMA)
    op.create_index("ix_event_status_starts_at", "event", ["status", "starts_at"], schema=SCHEMA)
    op.create_index(
        "ix_event_sport_id_starts_at", "event", ["sport_id", "starts_at"], schema=SCHEMA
    )
    op.create_index(
        "ix_event_league_id_starts_at", "event", ["league_id", "starts_at"], schema=SCHEMA
    )
    op.create_index("ix_event_search", "event", ["search"], schema=SCHEMA, postgresql_using="gin")

    op.create_table(
        "market",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("market_type", sa.Text(), nullable=False),
        sa.Column("line", LINE),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint("status IN ('open', 'suspended', 'closed')", name="ck_market_status"),
        sa.PrimaryKeyConstraint("id", name="pk_market"),
        _event_fk("market"),
        schema=SCHEMA,
    )
    op.create_index(
        "ux_market_event_id_type_line",
        "market",
        ["event_id", "market_type", sa.text("coalesce(line, -1)")],
        unique=True,
        schema=SCHEMA,
    )

    op.create_table(
        "odds",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("market_id", sa.UUID(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("coefficient", COEFFICIENT, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.Column("outcome", sa.Text()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        _now("updated_at"),
        sa.CheckConstraint("coefficient > 1", name="ck_odds_coefficient"),
        sa.CheckConstraint("version >= 1", name="ck_odds_version"),
        sa.CheckConstraint("status IN ('open', 'suspended')", name="ck_odds_status"),
        sa.CheckConstraint("outcome IN ('won', 'lost', 'void')", name="ck_odds_outcome"),
        sa.PrimaryKeyConstraint("id", name="pk_odds"),
        _event_fk("odds"),
        sa.ForeignKeyConstraint(
            ["market_id"],
            [f"{SCHEMA}.market.id"],
            name="fk_odds_market_id_market",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("market_id", "selection", name="uq_odds_market_id_selection"),
        schema=SCHEMA,
    )
    op.create_index("ix_odds_event_id", "odds", ["event_id"], schema=SCHEMA)

    op.create_table(
        "odds_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("odds_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("old_coefficient", COEFFICIENT),
        sa.Column("new_coefficient", COEFFICIENT, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        _now("changed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_odds_history"),
        sa.ForeignKeyConstraint(
            ["odds_id"],
            [f"{SCHEMA}.odds.id"],
            name="fk_odds_history_odds_id_odds",
            ondelete="CASCADE",
        ),
        _event_fk("odds_history"),
        sa.UniqueConstraint("odds_id", "version", name="uq_odds_history_odds_id_version"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_odds_history_event_id_changed_at",
        "odds_history",
        ["event_id", "changed_at"],
        schema=SCHEMA,
    )

    op.create_table(
        "settlement",
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("home_score", sa.Integer(), nullable=False),
        sa.Column("away_score", sa.Integer(), nullable=False),
        sa.Column("outcomes", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("settled_by", sa.Text(), nullable=False),
        _now("settled_at"),
        sa.PrimaryKeyConstraint("event_id", "version", name="pk_settlement"),
        _event_fk("settlement"),
        schema=SCHEMA,
    )
    op.create_table(
        "feed_message",
        sa.Column("feed_message_id", sa.Text(), nullable=False),
        sa.Column("message_type", sa.Text(), nullable=False),
        sa.Column("external_event_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.UUID()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        _now("received_at"),
        sa.PrimaryKeyConstraint("feed_message_id", name="pk_feed_message"),
        schema=SCHEMA,
    )
    op.create_table(
        "event_bet_count",
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("bet_count", sa.Integer(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("event_id", name="pk_event_bet_count"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "event_bet_count",
        "feed_message",
        "settlement",
        "odds_history",
        "odds",
        "market",
        "event",
        "league",
        "sport",
    ):
        op.drop_table(table, schema=SCHEMA)
