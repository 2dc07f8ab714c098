"""ledger (accounts, transfers, entries, holds), history, bet read model, withdrawals, audit,
idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Frozen DDL: a later change is a new revision. Invariants the database itself enforces:
- every transfer's entries sum to zero (statement trigger on entry; entries of a transfer are
  written in one INSERT);
- transfers and entries are append-only (UPDATE/DELETE/TRUNCATE refused);
- a held balance is never negative; a hold is pending, or finished with a time;
- (kind, reference) of a transfer is unique: each money movement happens once.
"""

from collections.abc import Sequence

from alembic import op

from common.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARDS = 16
SYSTEM_KINDS = ("house", "clearing", "withdrawals_payable")

DDL = """
CREATE TABLE wallet.wallet (
    user_id uuid PRIMARY KEY,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status text NOT NULL CONSTRAINT ck_wallet_status CHECK (status IN ('active', 'blocked')),
    blocked_reason text,
    blocked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet.account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    user_id uuid REFERENCES wallet.wallet (user_id),
    shard smallint,
    currency text NOT NULL,
    balance_minor bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_account_owner CHECK (
        (kind IN ('available', 'held') AND user_id IS NOT NULL AND shard IS NULL)
        OR (kind IN ('house', 'clearing', 'withdrawals_payable')
            AND user_id IS NULL AND shard IS NOT NULL)
    ),
    CONSTRAINT ck_account_held_not_negative CHECK (kind <> 'held' OR balance_minor >= 0),
    CONSTRAINT uq_account_user_id_kind UNIQUE (user_id, kind),
    CONSTRAINT uq_account_kind_shard UNIQUE (kind, shard)
);

CREATE TABLE wallet.transfer (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    reference text NOT NULL,
    user_id uuid NOT NULL,
    event_id uuid,
    correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_transfer_kind_reference UNIQUE (kind, reference)
);
CREATE INDEX ix_transfer_user_id ON wallet.transfer (user_id, created_at);

CREATE TABLE wallet.entry (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transfer_id uuid NOT NULL REFERENCES wallet.transfer (id),
    account_id bigint NOT NULL REFERENCES wallet.account (id),
    amount_minor bigint NOT NULL CONSTRAINT ck_entry_not_zero CHECK (amount_minor <> 0)
);
CREATE INDEX ix_entry_transfer_id ON wallet.entry (transfer_id);
CREATE INDEX ix_entry_account_id ON wallet.entry (account_id);

CREATE TABLE wallet.hold (
    id uuid PRIMARY KEY,
    bet_id uuid NOT NULL CONSTRAINT uq_hold_bet_id UNIQUE,
    user_id uuid NOT NULL,
    amount_minor bigint NOT NULL CONSTRAINT ck_hold_positive CHECK (amount_minor > 0),
    currency text NOT NULL,
    status text NOT NULL CONSTRAINT ck_hold_status CHECK (status IN ('pending', 'posted', 'voided')),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT ck_hold_finished CHECK ((status = 'pending') = (finished_at IS NULL))
);
CREATE INDEX ix_hold_user_id_pending ON wallet.hold (user_id) WHERE status = 'pending';

CREATE TABLE wallet.stake_rejection (
    bet_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    amount_minor bigint NOT NULL,
    reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet.balance_transaction (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id uuid NOT NULL,
    type text NOT NULL CONSTRAINT ck_balance_transaction_type CHECK (type IN (
        'deposit', 'withdrawal', 'bet_placed', 'bet_won', 'bet_lost', 'bet_cancelled',
        'coupon_won', 'coupon_lost', 'bonus_added', 'fee_charged', 'refund', 'bet_resettled')),
    amount_minor bigint NOT NULL,
    balance_before_minor bigint NOT NULL,
    balance_after_minor bigint NOT NULL,
    status text NOT NULL CONSTRAINT ck_balance_transaction_status
        CHECK (status IN ('completed', 'pending', 'failed', 'cancelled', 'rejected')),
    description text NOT NULL,
    reference text NOT NULL,
    transfer_id uuid REFERENCES wallet.transfer (id),
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_balance_transaction_adds_up
        CHECK (balance_after_minor = balance_before_minor + amount_minor)
);
CREATE INDEX ix_balance_transaction_user_id ON wallet.balance_transaction (user_id, id DESC);
CREATE INDEX ix_balance_transaction_user_created
    ON wallet.balance_transaction (user_id, created_at DESC);

CREATE TABLE wallet.bet (
    bet_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    bet_type text CONSTRAINT ck_bet_type CHECK (bet_type IN ('single', 'coupon')),
    stake_minor bigint NOT NULL,
    currency text NOT NULL,
    coefficient numeric(12, 3),
    potential_win_minor bigint,
    status text NOT NULL CONSTRAINT ck_bet_status
        CHECK (status IN ('open', 'won', 'lost', 'void', 'cancelled')),
    result text CONSTRAINT ck_bet_result CHECK (result IN ('win', 'loss', 'void')),
    payout_minor bigint,
    legs jsonb NOT NULL,
    placed_at timestamptz,
    settled_at timestamptz,
    settlement_version integer NOT NULL DEFAULT 0,
    cancel_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_bet_user_id_placed_at ON wallet.bet (user_id, placed_at DESC);
CREATE INDEX ix_bet_user_id_settled ON wallet.bet (user_id, settled_at)
    WHERE status IN ('won', 'lost');

CREATE TABLE wallet.withdrawal_method (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    withdrawal_type text NOT NULL CONSTRAINT ck_withdrawal_method_type
        CHECK (withdrawal_type IN ('bank_transfer')),
    iban_ciphertext bytea NOT NULL,
    iban_masked text NOT NULL,
    swift_code text,
    account_holder_name text NOT NULL,
    bank_name text,
    is_verified boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    verified_at timestamptz,
    verified_by uuid,
    deleted_at timestamptz
);
CREATE INDEX ix_withdrawal_method_user_id ON wallet.withdrawal_method (user_id);

CREATE TABLE wallet.withdrawal (
    operation_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    amount_minor bigint NOT NULL CONSTRAINT ck_withdrawal_positive CHECK (amount_minor > 0),
    currency text NOT NULL,
    method_id uuid NOT NULL REFERENCES wallet.withdrawal_method (id),
    status text NOT NULL CONSTRAINT ck_withdrawal_status
        CHECK (status IN ('pending', 'completed', 'rejected', 'cancelled')),
    reason text,
    rejection_reason text,
    history_id bigint NOT NULL REFERENCES wallet.balance_transaction (id),
    flags jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    decided_by uuid
);
CREATE INDEX ix_withdrawal_user_id_created_at ON wallet.withdrawal (user_id, created_at);
CREATE INDEX ix_withdrawal_status_created_at ON wallet.withdrawal (status, created_at);

CREATE TABLE wallet.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id uuid,
    actor_id uuid,
    action text NOT NULL,
    amount_minor bigint,
    ip_address inet,
    user_agent text,
    status text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_log_user_id ON wallet.audit_log (user_id, created_at DESC);
CREATE INDEX ix_audit_log_action ON wallet.audit_log (action, created_at DESC);

-- Every transfer touched by an INSERT on entry sums to zero over all its entries.
CREATE FUNCTION wallet.check_transfers_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;
CREATE TRIGGER entry_balanced AFTER INSERT ON wallet.entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION wallet.check_transfers_balanced();

-- The ledger is append-only.
CREATE FUNCTION wallet.refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER transfer_append_only BEFORE UPDATE OR DELETE ON wallet.transfer
    FOR EACH ROW EXECUTE FUNCTION wallet.refuse_ledger_change();
CREATE TRIGGER transfer_no_truncate BEFORE TRUNCATE ON wallet.transfer
    FOR EACH STATEMENT EXECUTE FUNCTION wallet.refuse_ledger_change();
CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON wallet.entry
    FOR EACH ROW EXECUTE FUNCTION wallet.refuse_ledger_change();
CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON wallet.entry
    FOR EACH STATEMENT EXECUTE FUNCTION wallet.refuse_ledger_change();
"""


def statements(script: str) -> list[str]:
    """Split a script on ``;`` at line ends outside ``$$`` bodies (asyncpg runs one at a time)."""
    out: list[str] = []
    current: list[str] = []
    in_body = False
    for line in script.splitlines():
        if line.strip().startswith("--") and not in_body:
            continue
        current.append(line)
        if line.count("$$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            out.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "\n".join(current).strip():
        out.append("\n".join(current).strip())
    return out


def upgrade() -> None:
    for statement in statements(DDL):
        op.execute(statement)
    # The system accounts, sharded: created once here, never by the hot path.
    values = ", ".join(
        f"('{kind}', {shard}, 'XXX')" for kind in SYSTEM_KINDS for shard in range(SHARDS)
    )
    op.execute(f"INSERT INTO wallet.account (kind, shard, currency) VALUES {values}")  # noqa: S608
    create_idempotency_table_v1(op, "wallet")


def downgrade() -> None:
    drop_idempotency_table_v1(op, "wallet")
    op.execute(
        """
        DROP TABLE IF EXISTS wallet.audit_log, wallet.withdrawal, wallet.withdrawal_method,
            wallet.bet, wallet.balance_transaction, wallet.stake_rejection, wallet.hold,
            wallet.entry, wallet.transfer, wallet.account, wallet.wallet
        """
    )
    op.execute("DROP FUNCTION IF EXISTS wallet.check_transfers_balanced()")
    op.execute("DROP FUNCTION IF EXISTS wallet.refuse_ledger_change()")
