"""account closure as the user asks it (issue 25, item 10)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

- ``user.status`` gains ``closing`` (the user asked to close; money may only leave the wallet)
  and ``closed`` (profile anonymised, sessions ended, sign-in impossible).
- ``user.closure_requested_at``: when the user asked (kept if an admin blocks the account
  meanwhile, so an unblock returns it to ``closing``).
- ``user.closure_settled_at``: when the wallet said it holds nothing any more
  (``wallet.AccountSettledForClosure``); ``user.closed_at``: when the closure completed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"
COLUMNS = ("closure_requested_at", "closure_settled_at", "closed_at")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("user", sa.Column(name, sa.DateTime(timezone=True)), schema=SCHEMA)
    op.drop_constraint("ck_user_status", "user", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "ck_user_status",
        "user",
        "status IN ('active', 'blocked', 'closing', 'closed')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint("ck_user_status", "user", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "ck_user_status", "user", "status IN ('active', 'blocked')", schema=SCHEMA
    )
    for name in reversed(COLUMNS):
        op.drop_column("user", name, schema=SCHEMA)
