"""Tables of the `wallet` schema (the metadata queries use; migrations hold the frozen DDL)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    SmallInteger,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID

from common.db import schema_metadata
from common.idempotency import define_idempotency_table
from common.messaging.tables import define_messaging_tables

SCHEMA = "wallet"
metadata = schema_metadata(SCHEMA)
outbox, inbox = define_messaging_tables(metadata)
idempotency_key = define_idempotency_table(metadata)


def _created_at() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _updated_at() -> Column[object]:
    return Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now())


# One wallet per user, opened on UserRegistered; blocked on UserBlocked.
wallet = Table(
    "wallet",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("blocked_reason", Text),
    Column("blocked_at", DateTime(timezone=True)),
    # occurred_at of the newest UserBlocked/UserUnblocked applied (service_layer/wallets.py).
    Column("block_changed_at", DateTime(timezone=True)),
    # Account closure (service_layer/closure.py): asked; emptied and announced.
    Column("closure_requested_at", DateTime(timezone=True)),
    Column("closure_settled_at", DateTime(timezone=True)),
    _created_at(),
    _updated_at(),
)

# User accounts (available, held) and system accounts (house, clearing, withdrawals_payable)
# split into shards. balance_minor is kept equal to the sum of the account's entries.
account = Table(
    "account",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True), ForeignKey("wallet.wallet.user_id")),
    Column("shard", SmallInteger),
    Column("currency", Text, nullable=False),
    Column("balance_minor", BigInteger, nullable=False, server_default="0"),
    _created_at(),
    _updated_at(),
)

# Immutable: a correction is a new transfer. (kind, reference) is unique: each happens once.
transfer = Table(
    "transfer",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("event_id", UUID(as_uuid=True)),  # the message that caused it, if any
    Column("correlation_id", Text),
    _created_at(),
)

# Immutable; the entries of one transfer are written in one statement and sum to zero.
entry = Table(
    "entry",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("transfer_id", UUID(as_uuid=True), ForeignKey("wallet.transfer.id"), nullable=False),
    Column("account_id", BigInteger, ForeignKey("wallet.account.id"), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
)

hold = Table(
    "hold",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("bet_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    _created_at(),
    Column("finished_at", DateTime(timezone=True)),
    # The bet's potential win from its ReserveStake (null: an older command, the configured
    # maximum applies) and what the bet has paid back so far: no settlement pays past the first.
    Column("max_payout_minor", BigInteger),
    Column("paid_minor", BigInteger, nullable=False, server_default="0"),
    # Staked with a free-bet unit (migration 0013): no money in held; a win pays the winnings.
    Column("free_bet", Boolean, nullable=False, server_default="false"),
)

# A ReserveStake answered with a rejection: the same bet is answered the same way again.
stake_rejection = Table(
    "stake_rejection",
    metadata,
    Column("bet_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    _created_at(),
)

# The user's history (seed 001 balance_transactions): a view of the ledger written with it.
balance_transaction = Table(
    "balance_transaction",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("type", Text, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("balance_before_minor", BigInteger, nullable=False),
    Column("balance_after_minor", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("transfer_id", UUID(as_uuid=True), ForeignKey("wallet.transfer.id")),
    Column("metadata", JSONB, nullable=False, server_default="{}"),
    _created_at(),
    _updated_at(),
)

# Read model of the user's bets, fed by BetPlaced / BetSettled / BetCancelled / BetResettled.
bet = Table(
    "bet",
    metadata,
    Column("bet_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("bet_type", Text),
    Column("stake_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("coefficient", Numeric(12, 3)),
    Column("potential_win_minor", BigInteger),
    Column("status", Text, nullable=False),
    Column("result", Text),
    Column("payout_minor", BigInteger),
    Column("legs", JSONB, nullable=False),
    Column("placed_at", DateTime(timezone=True)),
    Column("settled_at", DateTime(timezone=True)),
    Column("settlement_version", Integer, nullable=False, server_default="0"),
    Column("cancel_reason", Text),
    _created_at(),
    _updated_at(),
    Column("free_bet", Boolean, nullable=False, server_default="false"),  # from BetPlaced (0013)
)

withdrawal_method = Table(
    "withdrawal_method",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("withdrawal_type", Text, nullable=False),
    Column("iban_ciphertext", LargeBinary),  # bank_transfer by IBAN
    Column("iban_masked", Text),
    Column("swift_code", Text),
    Column("account_number_ciphertext", LargeBinary),  # bank_transfer by account + bank code
    Column("bank_code", Text),
    Column("country", Text),
    Column("crypto_network", Text),  # crypto
    Column("crypto_address_ciphertext", LargeBinary),
    Column("destination_masked", Text, nullable=False),  # what the user and admin see
    Column("account_holder_name", Text),
    Column("bank_name", Text),
    Column("is_verified", Boolean, nullable=False, server_default="false"),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    # The one used when a withdrawal names none (migration 0009: at most one per user).
    Column("is_default", Boolean, nullable=False, server_default="false"),
    _created_at(),
    Column("verified_at", DateTime(timezone=True)),
    Column("verified_by", UUID(as_uuid=True)),
    Column("deleted_at", DateTime(timezone=True)),
)

withdrawal = Table(
    "withdrawal",
    metadata,
    Column("operation_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column(
        "method_id", UUID(as_uuid=True), ForeignKey("wallet.withdrawal_method.id"), nullable=False
    ),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("rejection_reason", Text),
    Column("history_id", BigInteger, ForeignKey("wallet.balance_transaction.id"), nullable=False),
    Column("flags", JSONB, nullable=False, server_default="[]"),
    _created_at(),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", UUID(as_uuid=True)),
)

# Who approved a pending withdrawal (four eyes: two different admins above the threshold).
withdrawal_approval = Table(
    "withdrawal_approval",
    metadata,
    Column(
        "operation_id",
        UUID(as_uuid=True),
        ForeignKey("wallet.withdrawal.operation_id"),
        primary_key=True,
    ),
    Column("admin_id", UUID(as_uuid=True), primary_key=True),
    Column("approved_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True)),
    Column("actor_id", UUID(as_uuid=True)),
    Column("action", Text, nullable=False),
    Column("amount_minor", BigInteger),
    Column("ip_address", INET),
    Column("user_agent", Text),
    Column("status", Text, nullable=False),
    Column("details", JSONB, nullable=False, server_default="{}"),
    _created_at(),
)

# --- paid products (issue 22, ADR 0012; migrations 0011, 0012) ---------------------------------

subscription_plan = Table(
    "subscription_plan",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("period", Interval, nullable=False),
    Column("features", JSONB, nullable=False, server_default="[]"),
    Column("retired_at", DateTime(timezone=True)),
    _created_at(),
    Column("created_by", UUID(as_uuid=True)),
)

subscription = Table(
    "subscription",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("wallet.wallet.user_id"), nullable=False),
    Column(
        "plan_id", UUID(as_uuid=True), ForeignKey("wallet.subscription_plan.id"), nullable=False
    ),
    Column("status", Text, nullable=False),
    Column("paid_from", DateTime(timezone=True), nullable=False),
    Column("period_start", DateTime(timezone=True), nullable=False),
    Column("paid_through", DateTime(timezone=True), nullable=False),
    Column("period_number", Integer, nullable=False),
    _created_at(),
    _updated_at(),
    Column("suspended_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
)

# The subscriptions' payment log: one row per (subscription, period number), beside its transfer.
subscription_charge = Table(
    "subscription_charge",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "subscription_id",
        UUID(as_uuid=True),
        ForeignKey("wallet.subscription.id"),
        nullable=False,
    ),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column(
        "plan_id", UUID(as_uuid=True), ForeignKey("wallet.subscription_plan.id"), nullable=False
    ),
    Column("period_number", Integer, nullable=False),
    Column("period_start", DateTime(timezone=True), nullable=False),
    Column("period_end", DateTime(timezone=True), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("transfer_id", UUID(as_uuid=True), ForeignKey("wallet.transfer.id"), nullable=False),
    _created_at(),
)

subscription_refund = Table(
    "subscription_refund",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "subscription_id",
        UUID(as_uuid=True),
        ForeignKey("wallet.subscription.id"),
        nullable=False,
    ),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("period_number", Integer, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("transfer_id", UUID(as_uuid=True), ForeignKey("wallet.transfer.id"), nullable=False),
    _created_at(),
)

package = Table(
    "package",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("kind", Text, nullable=False),
    Column("units", Integer, nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("validity_days", Integer, nullable=False),
    Column("stake_minor", BigInteger),
    Column("active", Boolean, nullable=False, server_default="true"),
    _created_at(),
    _updated_at(),
    Column("created_by", UUID(as_uuid=True)),
)

# Seed 004's payment transaction log: each attempt to buy a package, by balance or by card.
package_order = Table(
    "package_order",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("wallet.wallet.user_id"), nullable=False),
    Column("package_id", UUID(as_uuid=True), ForeignKey("wallet.package.id"), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("operation_id", UUID(as_uuid=True), unique=True),
    Column("status", Text, nullable=False),
    Column("failure_reason", Text),
    _created_at(),
    Column("paid_at", DateTime(timezone=True)),
)

package_purchase = Table(
    "package_purchase",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), ForeignKey("wallet.wallet.user_id"), nullable=False),
    Column("package_id", UUID(as_uuid=True), ForeignKey("wallet.package.id"), nullable=False),
    Column("order_id", UUID(as_uuid=True), ForeignKey("wallet.package_order.id"), nullable=False),
    Column("payment_reference", Text, nullable=False, unique=True),
    Column("units_total", Integer, nullable=False),
    Column("units_left", Integer, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("lapsed_units", Integer, nullable=False, server_default="0"),
    Column("lapsed_at", DateTime(timezone=True)),
    Column("transfer_id", UUID(as_uuid=True), ForeignKey("wallet.transfer.id")),
    _created_at(),
)

package_usage = Table(
    "package_usage",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("usage_id", Text, nullable=False),
    Column("package_kind", Text, nullable=False),
    Column("units", Integer, nullable=False),
    _created_at(),
    Column("reversed_at", DateTime(timezone=True)),  # a free bet's unit given back (0013)
)

package_usage_item = Table(
    "package_usage_item",
    metadata,
    Column("usage_row_id", BigInteger, ForeignKey("wallet.package_usage.id"), primary_key=True),
    Column(
        "purchase_id",
        UUID(as_uuid=True),
        ForeignKey("wallet.package_purchase.id"),
        primary_key=True,
    ),
    Column("units", Integer, nullable=False),
)

package_notice = Table(
    "package_notice",
    metadata,
    Column(
        "purchase_id",
        UUID(as_uuid=True),
        ForeignKey("wallet.package_purchase.id"),
        primary_key=True,
    ),
    Column("kind", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Responsible gambling (issue 23, migration 0014): auth's time-out / self-exclusion as the wallet
# heard it (the latest ``until``), and the user's deposit limits with a pending cooling-off change.
account_restriction = Table(
    "account_restriction",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
    _created_at(),
    _updated_at(),
)

deposit_limit = Table(
    "deposit_limit",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("period", Text, primary_key=True),
    Column("amount_minor", BigInteger),
    Column("pending", Boolean, nullable=False, server_default="false"),
    Column("pending_amount_minor", BigInteger),
    Column("pending_effective_at", DateTime(timezone=True)),
    _created_at(),
    _updated_at(),
)

deposit_limit_change = Table(
    "deposit_limit_change",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("period", Text, nullable=False),
    Column("previous_minor", BigInteger),
    Column("requested_minor", BigInteger),
    Column("outcome", Text, nullable=False),
    Column("effective_at", DateTime(timezone=True), nullable=False),
    _created_at(),
)
