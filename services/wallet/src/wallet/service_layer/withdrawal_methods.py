"""Withdrawal methods: bank accounts the user withdraws to, verified by an admin first.

The IBAN is validated (checksum, country format) with schwifty, stored encrypted (AES-GCM) and
shown masked; the SWIFT/BIC code is validated and stored as is. Deleting a method deactivates
it (past withdrawals keep pointing at it for the audit trail).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.audit import write_audit
from wallet.adapters.crypto import FieldCipher
from wallet.adapters.tables import withdrawal_method
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import WithdrawalMethodInvalid, WithdrawalMethodNotFound

BANK_TRANSFER = "bank_transfer"


@dataclass(frozen=True)
class MethodView:
    method_id: uuid.UUID
    user_id: uuid.UUID
    withdrawal_type: str
    iban_masked: str
    swift_code: str | None
    account_holder_name: str
    bank_name: str | None
    is_verified: bool
    created_at: datetime
    verified_at: datetime | None


def mask_iban(compact: str) -> str:
    """``DE89370400440532013000`` → ``DE89 **** **** 3000``: country, check digits, last four."""
    return f"{compact[:4]} **** **** {compact[-4:]}"


def iban_context(method_id: uuid.UUID) -> str:
    return f"withdrawal_method.iban:{method_id}"


def validate_bank_details(iban: str, swift_code: str | None) -> tuple[IBAN, str | None]:
    errors: list[dict[str, str]] = []
    parsed_iban: IBAN | None = None
    bic: str | None = None
    try:
        parsed_iban = IBAN(iban)
    except SchwiftyException as exc:
        errors.append({"field": "iban", "problem": type(exc).__name__})
    if swift_code:
        try:
            bic = str(BIC(swift_code))
        except SchwiftyException as exc:
            errors.append({"field": "swift_code", "problem": type(exc).__name__})
    if errors or parsed_iban is None:
        raise WithdrawalMethodInvalid(details=errors)
    return parsed_iban, bic


def _view(row: Row[Any] | Any) -> MethodView:
    return MethodView(
        method_id=row.id,
        user_id=row.user_id,
        withdrawal_type=row.withdrawal_type,
        iban_masked=row.iban_masked,
        swift_code=row.swift_code,
        account_holder_name=row.account_holder_name,
        bank_name=row.bank_name,
        is_verified=row.is_verified,
        created_at=row.created_at,
        verified_at=row.verified_at,
    )


_COLUMNS = (
    withdrawal_method.c.id,
    withdrawal_method.c.user_id,
    withdrawal_method.c.withdrawal_type,
    withdrawal_method.c.iban_masked,
    withdrawal_method.c.swift_code,
    withdrawal_method.c.account_holder_name,
    withdrawal_method.c.bank_name,
    withdrawal_method.c.is_verified,
    withdrawal_method.c.created_at,
    withdrawal_method.c.verified_at,
)


async def add_method(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    user_id: uuid.UUID,
    iban: str,
    swift_code: str | None,
    account_holder_name: str,
    bank_name: str | None,
    client: ClientInfo,
) -> MethodView:
    parsed, bic = validate_bank_details(iban, swift_code)
    if bic is None and parsed.bic is not None:
        bic = str(parsed.bic)  # the bank's code, known from the IBAN's bank registry
    method_id = uuid.uuid4()
    row = (
        await session.execute(
            withdrawal_method.insert()
            .values(
                id=method_id,
                user_id=user_id,
                withdrawal_type=BANK_TRANSFER,
                iban_ciphertext=cipher.encrypt(parsed.compact, context=iban_context(method_id)),
                iban_masked=mask_iban(parsed.compact),
                swift_code=bic,
                account_holder_name=account_holder_name,
                bank_name=bank_name,
            )
            .returning(*_COLUMNS)
        )
    ).one()
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_method_added,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(method_id), "iban": mask_iban(parsed.compact)},
            client=client,
        ),
    )
    return _view(row)


async def list_methods(session: AsyncSession, user_id: uuid.UUID) -> list[MethodView]:
    rows = await session.execute(
        select(*_COLUMNS)
        .where(withdrawal_method.c.user_id == user_id, withdrawal_method.c.is_active)
        .order_by(withdrawal_method.c.created_at)
    )
    return [_view(r) for r in rows]


async def delete_method(
    session: AsyncSession, *, user_id: uuid.UUID, method_id: uuid.UUID, client: ClientInfo
) -> None:
    deleted = await session.scalar(
        update(withdrawal_method)
        .where(
            withdrawal_method.c.id == method_id,
            withdrawal_method.c.user_id == user_id,
            withdrawal_method.c.is_active,
        )
        .values(is_active=False, deleted_at=func.now())
        .returning(withdrawal_method.c.id)
    )
    if deleted is None:
        raise WithdrawalMethodNotFound()
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_method_deleted,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(method_id)},
            client=client,
        ),
    )


async def verify_method(
    session: AsyncSession, *, method_id: uuid.UUID, admin_id: uuid.UUID, client: ClientInfo
) -> MethodView:
    row = (
        await session.execute(
            update(withdrawal_method)
            .where(withdrawal_method.c.id == method_id, withdrawal_method.c.is_active)
            .values(
                is_verified=True,
                verified_at=func.coalesce(withdrawal_method.c.verified_at, func.now()),
                verified_by=func.coalesce(withdrawal_method.c.verified_by, admin_id),
            )
            .returning(*_COLUMNS)
        )
    ).one_or_none()
    if row is None:
        raise WithdrawalMethodNotFound()
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_method_verified,
            status=AuditStatus.success,
            user_id=row.user_id,
            details={"method_id": str(method_id)},
            client=client,
        ),
    )
    return _view(row)


async def reveal_iban(
    session: AsyncSession, cipher: FieldCipher, method_id: uuid.UUID
) -> str | None:
    """The full IBAN, for the payout step (never sent to the browser)."""
    blob = await session.scalar(
        select(withdrawal_method.c.iban_ciphertext).where(withdrawal_method.c.id == method_id)
    )
    return None if blob is None else cipher.decrypt(bytes(blob), context=iban_context(method_id))
