"""display preferences kept on the account (issue 17: the web app)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- ``user.preferences``: the user's display preferences (``language``, ``theme``,
  ``odds_format``), so they follow the user from device to device. Validated by the API
  (``PUT /api/auth/user``); an account closure empties them with the rest of the profile.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    op.add_column(
        "user",
        sa.Column("preferences", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("user", "preferences", schema=SCHEMA)
