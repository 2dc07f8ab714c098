"""security: OAuth links record the state they were made in; revoked sessions indexed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

- ``account.user_verified``: whether our account's email was verified when the link was made.
  Links made before it are backfilled from the timestamps: a link is trusted only if the user's
  email was verified at or before the link's creation (the old code created provider users
  verified in the very transaction, and linked existing users only when they were verified).
  A link made while unverified is never used again (service_layer/oauth.py).
- ``account.provider_email_verified``: what the provider said; unknown (NULL) for old links.
- ``ix_session_revoked_at``: the deny-list resend job reads recently revoked sessions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    op.add_column(
        "account",
        sa.Column("user_verified", sa.Boolean(), nullable=False, server_default="false"),
        schema=SCHEMA,
    )
    op.add_column("account", sa.Column("provider_email_verified", sa.Boolean()), schema=SCHEMA)
    op.execute(
        """
        UPDATE auth.account AS a
        SET user_verified = true
        FROM auth.user AS u
        WHERE u.id = a.user_id
          AND u.email_verified_at IS NOT NULL
          AND u.email_verified_at <= a.created_at
        """
    )
    op.create_index(
        "ix_session_revoked_at",
        "session",
        ["revoked_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("revoked_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_session_revoked_at", table_name="session", schema=SCHEMA)
    op.drop_column("account", "provider_email_verified", schema=SCHEMA)
    op.drop_column("account", "user_verified", schema=SCHEMA)
