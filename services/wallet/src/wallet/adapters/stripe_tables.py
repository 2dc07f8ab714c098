"""Tables of card deposits through Stripe (issue 8), on the wallet schema's metadata.

Kept apart from ``tables.py``; migration 0004 holds the frozen DDL. No card number is ever
stored: a saved card is Stripe's ``pm_…`` id plus what the user needs to recognise it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from wallet.adapters.tables import metadata


def _now(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=func.now())


# One Stripe Customer per user, created on first need (seed 001 users.stripe_customer_id).
stripe_customer = Table(
    "stripe_customer",
    metadata,
    Column("user_id", UUID(as_uuid=True), primary_key=True),
    Column("stripe_customer_id", Text, nullable=False, unique=True),
    _now("created_at"),
)

# Saved cards (seed 001 payment_methods): our method_id is what the API shows, never pm_….
payment_method = Table(
    "payment_method",
    metadata,
    Column("method_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("stripe_payment_method_id", Text, nullable=False, unique=True),
    Column("payment_type", Text, nullable=False),
    Column("card_brand", Text),
    Column("card_last4", Text),
    Column("card_exp_month", Integer),
    Column("card_exp_year", Integer),
    Column("is_default", Boolean, nullable=False, server_default="false"),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    _now("created_at"),
    Column("last_used_at", DateTime(timezone=True)),
    Column("detached_at", DateTime(timezone=True)),
)

# A SetupIntent started by POST /payment-methods: re-checked until its card is saved.
card_setup = Table(
    "card_setup",
    metadata,
    Column("setup_intent_id", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("status", Text, nullable=False),
    _now("created_at"),
    _now("updated_at"),
    Column("rechecked_at", DateTime(timezone=True)),  # Stripe last asked (by the job)
)

# A card deposit (seed 001 wallet_operations): one per PaymentIntent / Checkout Session.
card_deposit = Table(
    "card_deposit",
    metadata,
    Column("operation_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("kind", Text, nullable=False),  # new_card | saved_card | checkout
    Column("intent_id", Text, unique=True),
    Column("checkout_session_id", Text, unique=True),
    Column("amount_minor", BigInteger, nullable=False),  # asked for; Stripe's amount is credited
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("stripe_status", Text),
    Column("credited_minor", BigInteger),
    Column("refunded_minor", BigInteger, nullable=False, server_default="0"),
    Column("charge_id", Text),
    Column("method_id", UUID(as_uuid=True)),  # our saved method, for a saved-card deposit
    Column("save_method", Boolean, nullable=False, server_default="false"),
    Column("decline_code", Text),
    Column("failure_message", Text),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    _now("created_at"),
    _now("updated_at"),
    Column("completed_at", DateTime(timezone=True)),
    Column("rechecked_at", DateTime(timezone=True)),  # Stripe last asked on a status poll
)

# Every Stripe event id processed, written in the transaction of its effect: each once.
stripe_event = Table(
    "stripe_event",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    _now("received_at"),
)

# Card disputes (chargebacks): an open one flags the account (withdrawals refused).
card_dispute = Table(
    "card_dispute",
    metadata,
    Column("dispute_id", Text, primary_key=True),
    Column("user_id", UUID(as_uuid=True), nullable=False),
    Column("operation_id", UUID(as_uuid=True)),
    Column("charge_id", Text),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("stripe_status", Text),
    Column("reason", Text),
    Column("details", JSONB, nullable=False, server_default="{}"),
    _now("created_at"),
    Column("closed_at", DateTime(timezone=True)),
)
