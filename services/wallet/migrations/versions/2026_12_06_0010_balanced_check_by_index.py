"""the balanced-transfer check looks each new transfer up by its index (issue 18, item 2)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``entry_balanced`` (0002) checks that every transfer touched by an INSERT on ``entry`` sums to
zero over all its entries. Its query joined the statement's new rows to ``entry`` as a set, and
PostgreSQL planned that as a scan of the whole ledger: ~0.3 s for a batch of 1 000 entries on a
small ledger, growing with it. The same check, with each new transfer's sum looked up through
``ix_entry_transfer_id`` (a correlated sub-select per transfer): same rule, same error, its cost
independent of the ledger's size.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_INDEX = """
CREATE OR REPLACE FUNCTION wallet.check_transfers_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad uuid;
BEGIN
    SELECT n.transfer_id INTO bad
    FROM (SELECT DISTINCT transfer_id FROM new_entries) AS n
    WHERE (SELECT sum(e.amount_minor) FROM wallet.entry e WHERE e.transfer_id = n.transfer_id) <> 0
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'transfer % does not balance', bad USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""

AS_BEFORE = """
CREATE OR REPLACE FUNCTION wallet.check_transfers_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad uuid;
BEGIN
    SELECT e.transfer_id INTO bad
    FROM wallet.entry e
    WHERE e.transfer_id IN (SELECT DISTINCT transfer_id FROM new_entries)
    GROUP BY e.transfer_id
    HAVING sum(e.amount_minor) <> 0
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'transfer % does not balance', bad USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(BY_INDEX)


def downgrade() -> None:
    op.execute(AS_BEFORE)
