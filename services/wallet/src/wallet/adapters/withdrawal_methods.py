"""The ``withdrawal_method`` rows: where a user's withdrawals go (destinations stored encrypted,
shown masked), their verification and the user's one default."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.tables import withdrawal_method
from wallet.adapters.user_locks import lock_user_work

BANK_TRANSFER = "bank_transfer"

# Serialises the changes of one user's default (the one-default index is checked row by row).
DEFAULT_LOCK = "withdrawal_method_default"


@dataclass(frozen=True)
class MethodView:
    method_id: uuid.UUID
    user_id: uuid.UUID
    withdrawal_type: str
    destination_masked: str
    iban_masked: str | None
    account_number_masked: str | None
    bank_code: str | None
    country: str | None
    crypto_network: str | None
    swift_code: str | None
    account_holder_name: str | None
    bank_name: str | None
    is_verified: bool
    created_at: datetime
    verified_at: datetime | None
    is_default: bool = False


def method_view(row: Row[Any] | Any) -> MethodView:
    is_account = row.withdrawal_type == BANK_TRANSFER and row.iban_masked is None
    return MethodView(
        method_id=row.id,
        user_id=row.user_id,
        withdrawal_type=row.withdrawal_type,
        destination_masked=row.destination_masked,
        iban_masked=row.iban_masked,
        account_number_masked=row.destination_masked if is_account else None,
        bank_code=row.bank_code,
        country=row.country,
        crypto_network=row.crypto_network,
        swift_code=row.swift_code,
        account_holder_name=row.account_holder_name,
        bank_name=row.bank_name,
        is_verified=row.is_verified,
        created_at=row.created_at,
        verified_at=row.verified_at,
        is_default=row.is_default,
    )


METHOD_COLUMNS = (
    withdrawal_method.c.id,
    withdrawal_method.c.user_id,
    withdrawal_method.c.withdrawal_type,
    withdrawal_method.c.destination_masked,
    withdrawal_method.c.iban_masked,
    withdrawal_method.c.bank_code,
    withdrawal_method.c.country,
    withdrawal_method.c.crypto_network,
    withdrawal_method.c.swift_code,
    withdrawal_method.c.account_holder_name,
    withdrawal_method.c.bank_name,
    withdrawal_method.c.is_verified,
    withdrawal_method.c.created_at,
    withdrawal_method.c.verified_at,
    withdrawal_method.c.is_default,
)


@dataclass(frozen=True)
class Ciphertexts:
    """A method's stored destination: one of the three is set."""

    iban: bytes | None
    account_number: bytes | None
    crypto_address: bytes | None


class WithdrawalMethods:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> MethodView:
        row = (
            await self.session.execute(
                withdrawal_method.insert().values(**values).returning(*METHOD_COLUMNS)
            )
        ).one()
        return method_view(row)

    async def active_of(self, user_id: uuid.UUID) -> list[MethodView]:
        rows = await self.session.execute(
            select(*METHOD_COLUMNS)
            .where(withdrawal_method.c.user_id == user_id, withdrawal_method.c.is_active)
            .order_by(withdrawal_method.c.created_at)
        )
        return [method_view(r) for r in rows]

    async def find_active(self, user_id: uuid.UUID, method_id: uuid.UUID) -> MethodView | None:
        """The user's active method (another user's is None)."""
        row = (
            await self.session.execute(
                select(*METHOD_COLUMNS).where(
                    withdrawal_method.c.id == method_id,
                    withdrawal_method.c.user_id == user_id,
                    withdrawal_method.c.is_active,
                )
            )
        ).one_or_none()
        return None if row is None else method_view(row)

    async def deactivate(self, user_id: uuid.UUID, method_id: uuid.UUID) -> bool:
        """Deleted for the user (the row stays: past withdrawals point at it). False if it is
        not the user's active method."""
        deleted = await self.session.scalar(
            update(withdrawal_method)
            .where(
                withdrawal_method.c.id == method_id,
                withdrawal_method.c.user_id == user_id,
                withdrawal_method.c.is_active,
            )
            .values(is_active=False, is_default=False, deleted_at=func.now())
            .returning(withdrawal_method.c.id)
        )
        return deleted is not None

    async def lock_owner(self, method_id: uuid.UUID) -> uuid.UUID | None:
        """The active method's owner, the row locked."""
        owner: uuid.UUID | None = await self.session.scalar(
            select(withdrawal_method.c.user_id)
            .where(withdrawal_method.c.id == method_id, withdrawal_method.c.is_active)
            .with_for_update()
        )
        return owner

    async def lock_defaults_of(self, user_id: uuid.UUID) -> None:
        """Until the transaction ends, the user's default changes here only."""
        await lock_user_work(self.session, DEFAULT_LOCK, user_id)

    async def default_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        found: uuid.UUID | None = await self.session.scalar(
            select(withdrawal_method.c.id).where(
                withdrawal_method.c.user_id == user_id, withdrawal_method.c.is_default
            )
        )
        return found

    async def mark_verified(
        self, method_id: uuid.UUID, admin_id: uuid.UUID, *, make_default: bool
    ) -> MethodView | None:
        """Verified (the first verification's time and admin stay); None if no longer active."""
        row = (
            await self.session.execute(
                update(withdrawal_method)
                .where(withdrawal_method.c.id == method_id, withdrawal_method.c.is_active)
                .values(
                    is_verified=True,
                    verified_at=func.coalesce(withdrawal_method.c.verified_at, func.now()),
                    verified_by=func.coalesce(withdrawal_method.c.verified_by, admin_id),
                    **({"is_default": True} if make_default else {}),
                )
                .returning(*METHOD_COLUMNS)
            )
        ).one_or_none()
        return None if row is None else method_view(row)

    async def set_default(self, user_id: uuid.UUID, method_id: uuid.UUID) -> None:
        # Two statements: the one-default-per-user index is checked row by row.
        await self.session.execute(
            update(withdrawal_method)
            .where(
                withdrawal_method.c.user_id == user_id,
                withdrawal_method.c.is_default,
                withdrawal_method.c.id != method_id,
            )
            .values(is_default=False)
        )
        await self.session.execute(
            update(withdrawal_method)
            .where(withdrawal_method.c.id == method_id)
            .values(is_default=True)
        )

    async def ciphertexts(self, method_id: uuid.UUID) -> Ciphertexts | None:
        row = (
            await self.session.execute(
                select(
                    withdrawal_method.c.iban_ciphertext,
                    withdrawal_method.c.account_number_ciphertext,
                    withdrawal_method.c.crypto_address_ciphertext,
                ).where(withdrawal_method.c.id == method_id)
            )
        ).one_or_none()
        if row is None:
            return None
        return Ciphertexts(
            *(
                None if blob is None else bytes(blob)
                for blob in (
                    row.iban_ciphertext,
                    row.account_number_ciphertext,
                    row.crypto_address_ciphertext,
                )
            )
        )
