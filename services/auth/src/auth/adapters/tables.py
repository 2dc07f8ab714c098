"""Tables of the `auth` schema (the metadata Alembic compares against)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from common.db import schema_metadata
from common.idempotency import define_idempotency_table
from common.messaging.tables import define_messaging_tables

metadata = schema_metadata("auth")
outbox, inbox = define_messaging_tables(metadata)
idempotency_key = define_idempotency_table(metadata)


def _now() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _belongs_to(name: str, parent: Column[Any], *, index: bool | None = None) -> Column[object]:
    """The parent's id; the row goes with its parent (a deleted user takes their sessions)."""
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey(parent, ondelete="CASCADE"),
        nullable=False,
        index=index,
    )


user = Table(
    "user",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    # Normalised: trimmed and lower-cased (domain/emails.py).
    Column("email", Text, nullable=False, unique=True),
    Column("email_verified_at", DateTime(timezone=True)),
    Column("name", Text, nullable=False),
    # Null for users who only ever signed in through a provider.
    Column("password_hash", Text),
    Column("role", Text, nullable=False, server_default="user"),
    Column("status", Text, nullable=False, server_default="active"),
    Column("blocked_reason", Text),
    Column("blocked_at", DateTime(timezone=True)),
    Column("telegram_id", BigInteger, unique=True),
    # Affiliate attribution given at sign-up.
    Column("partner_id", Text),
    Column("click_id", Text),
    Column("avatar_path", Text),
    # AES-GCM ciphertext of the base32 TOTP secret; enabled once confirmed with a code.
    Column("totp_secret", LargeBinary),
    Column("totp_enabled_at", DateTime(timezone=True)),
    # Last accepted TOTP time step: a code is never accepted twice.
    Column("totp_last_step", BigInteger),
    _now(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Account closure (service_layer/closure.py): asked, the wallet emptied, completed.
    Column("closure_requested_at", DateTime(timezone=True)),
    Column("closure_settled_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    # Display preferences (language, theme, odds_format), validated by the API.
    Column("preferences", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    CheckConstraint("role IN ('user', 'admin')", name="role"),
    CheckConstraint("status IN ('active', 'blocked', 'closing', 'closed')", name="status"),
)

session = Table(
    "session",
    metadata,
    # The JWT's `sid`.
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("user_id", user.c.id),
    _now(),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
    Column("ip", Text),
    Column("user_agent", Text),
    Column("remember_me", Boolean, nullable=False, server_default="false"),
    Index("ix_session_user_id_active", "user_id", postgresql_where=text("revoked_at IS NULL")),
    # The deny-list resend job reads the sessions revoked in the last access-token lifetime.
    Index("ix_session_revoked_at", "revoked_at", postgresql_where=text("revoked_at IS NOT NULL")),
)

refresh_token = Table(
    "refresh_token",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("session_id", session.c.id, index=True),
    # SHA-256 of the opaque token.
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    _now(),
    Column("used_at", DateTime(timezone=True)),
)

account = Table(
    "account",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("user_id", user.c.id, index=True),
    Column("provider", Text, nullable=False),
    Column("provider_account_id", Text, nullable=False),
    Column("email", Text),
    _now(),
    # The state the link was made in: whether our account's email was verified then (a link
    # made before the owner proved the mailbox is never trusted, see service_layer/oauth.py),
    # and whether the provider said it had verified the address (NULL: made before 0004).
    Column("user_verified", Boolean, nullable=False, server_default="false"),
    Column("provider_email_verified", Boolean),
    UniqueConstraint("provider", "provider_account_id", name="uq_account_provider_account"),
)


def _code_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        _belongs_to("user_id", user.c.id, index=True),
        # HMAC-SHA256 of the code under AUTH_CODE_PEPPER.
        Column("code_hash", LargeBinary, nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("used_at", DateTime(timezone=True)),
        _now(),
    )


verification = _code_table("verification")
password_reset = _code_table("password_reset")

# Wrong emailed codes per address, across re-issued codes and both purposes (domain/codes.py):
# durable, so the pause outlives a Redis restart. One row per address, known or not.
code_attempt = Table(
    "code_attempt",
    metadata,
    # HMAC-SHA256 of the normalised address under AUTH_CODE_PEPPER (never the address itself).
    Column("subject", LargeBinary, primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

recovery_code = Table(
    "recovery_code",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    _belongs_to("user_id", user.c.id),
    Column("code_hash", LargeBinary, nullable=False),
    Column("used_at", DateTime(timezone=True)),
    _now(),
    UniqueConstraint("user_id", "code_hash", name="uq_recovery_code_user_code"),
)

signing_key = Table(
    "signing_key",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("alg", Text, nullable=False),
    # AES-GCM ciphertext of the PKCS#8 private key under AUTH_KEY_ENCRYPTION_KEY.
    Column("private_key", LargeBinary, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    _now(),
    Column("retired_at", DateTime(timezone=True)),
    # At most one active (unretired) key, whatever replicas race to create one.
    Index(
        "uq_signing_key_active",
        text("(retired_at IS NULL)"),
        unique=True,
        postgresql_where=text("retired_at IS NULL"),
    ),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # No foreign key: the trail outlives what it describes.
    Column("user_id", UUID(as_uuid=True)),
    Column("action", Text, nullable=False),
    Column("ip", Text),
    Column("user_agent", Text),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    _now(),
    Index("ix_audit_event_user_id_created_at", "user_id", "created_at"),
    Index("ix_audit_event_action_created_at", "action", "created_at"),
)

# Time-outs and self-exclusions (domain/responsible_gambling.py): every accepted request is a
# row, never updated or deleted. The one in force is the row ending last: one index read.
restriction = Table(
    "restriction",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _belongs_to("user_id", user.c.id),
    Column("kind", Text, nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
    _now(),
    CheckConstraint("kind IN ('time_out', 'self_exclusion')", name="kind"),
    Index("ix_restriction_user_id_until", "user_id", "until"),
)
