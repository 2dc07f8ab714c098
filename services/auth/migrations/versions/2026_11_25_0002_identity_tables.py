"""users, sessions, refresh tokens, OAuth accounts, codes, 2FA, signing keys, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def _created_at() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def _user_fk(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], [f"{SCHEMA}.user.id"], name=f"fk_{name}_user_id_user", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(timezone=True)),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text()),
        sa.Column("role", sa.Text(), nullable=False, server_default="user"),
        sa.Column("status", sa.Text(), nullable=False, server_default="active"),
        sa.Column("blocked_reason", sa.Text()),
        sa.Column("blocked_at", sa.DateTime(timezone=True)),
        sa.Column("telegram_id", sa.BigInteger()),
        sa.Column("partner_id", sa.Text()),
        sa.Column("click_id", sa.Text()),
        sa.Column("avatar_path", sa.Text()),
        sa.Column("totp_secret", sa.LargeBinary()),
        sa.Column("totp_enabled_at", sa.DateTime(timezone=True)),
        sa.Column("totp_last_step", sa.BigInteger()),
        _created_at(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("role IN ('user', 'admin')", name="ck_user_role"),
        sa.CheckConstraint("status IN ('active', 'blocked')", name="ck_user_status"),
        sa.PrimaryKeyConstraint("id", name="pk_user"),
        sa.UniqueConstraint("email", name="uq_user_email"),
        sa.UniqueConstraint("telegram_id", name="uq_user_telegram_id"),
        schema=SCHEMA,
    )
    op.create_table(
        "session",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        _created_at(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoke_reason", sa.Text()),
        sa.Column("ip", sa.Text()),
        sa.Column("user_agent", sa.Text()),
        sa.Column("remember_me", sa.Boolean(), nullable=False, server_default="false"),
        _user_fk("session"),
        sa.PrimaryKeyConstraint("id", name="pk_session"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_session_user_id_active",
        "session",
        ["user_id"],
        schema=SCHEMA,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "refresh_token",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("session_id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(), nullable=False),
        _created_at(),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["session_id"],
            [f"{SCHEMA}.session.id"],
            name="fk_refresh_token_session_id_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_token"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_token_token_hash"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_auth_refresh_token_session_id", "refresh_token", ["session_id"], schema=SCHEMA
    )
    op.create_table(
        "account",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("provider_account_id", sa.Text(), nullable=False),
        sa.Column("email", sa.Text()),
        _created_at(),
        _user_fk("account"),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("provider", "provider_account_id", name="uq_account_provider_account"),
        schema=SCHEMA,
    )
    op.create_index("ix_auth_account_user_id", "account", ["user_id"], schema=SCHEMA)
    for name in ("verification", "password_reset"):
        op.create_table(
            name,
            sa.Column("id", sa.UUID(), nullable=False),
            sa.Column("user_id", sa.UUID(), nullable=False),
            sa.Column("code_hash", sa.LargeBinary(), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("used_at", sa.DateTime(timezone=True)),
            _created_at(),
            _user_fk(name),
            sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
            schema=SCHEMA,
        )
        op.create_index(f"ix_auth_{name}_user_id", name, ["user_id"], schema=SCHEMA)
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        _created_at(),
        _user_fk("recovery_code"),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_code"),
        sa.UniqueConstraint("user_id", "code_hash", name="uq_recovery_code_user_code"),
        schema=SCHEMA,
    )
    op.create_table(
        "signing_key",
        sa.Column("kid", sa.Text(), nullable=False),
        sa.Column("alg", sa.Text(), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=False),
        sa.Column("public_jwk", postgresql.JSONB(), nullable=False),
        _created_at(),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_key"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_signing_key_active",
        "signing_key",
        [sa.text("(retired_at IS NULL)")],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("retired_at IS NULL"),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("user_id", sa.UUID()),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("ip", sa.Text()),
        sa.Column("user_agent", sa.Text()),
        sa.Column(
            "details",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_audit_event_user_id_created_at",
        "audit_event",
        ["user_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_audit_event_action_created_at",
        "audit_event",
        ["action", "created_at"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    for name in (
        "audit_event",
        "signing_key",
        "recovery_code",
        "password_reset",
        "verification",
        "account",
        "refresh_token",
        "session",
        "user",
    ):
        op.drop_table(name, schema=SCHEMA)
