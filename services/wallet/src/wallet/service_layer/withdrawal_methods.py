"""Withdrawal methods: where a user's withdrawals go, verified by an admin first.

Three kinds, one table (``withdrawal_method``), exactly one destination per row:
- ``bank_transfer`` by IBAN: validated (checksum, country format) with schwifty; the SWIFT/BIC
  code is validated and stored as is (taken from schwifty's bank registry when not given);
- ``bank_transfer`` by account number + bank code, for countries without IBAN (rules in
  ``wallet.domain.payout_destinations``);
- ``crypto``: a bitcoin, ethereum or tron address, checked per network.

The account number / IBAN / address is stored encrypted (AES-GCM, bound to the row and field)
and shown masked (``destination_masked``). Deleting a method deactivates it (past withdrawals
keep pointing at it for the audit trail).

Default (seed 001's ``is_default``, issue 25): at most one per user, always verified and active.
A method verified while its owner has none becomes the default; the user may make any verified
method the default; deleting the default leaves none (no other destination is picked for the
user) — a withdrawal that names no method then answers 422
``wallet.no_default_withdrawal_method``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import pycountry
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec
from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.audit import write_audit
from wallet.adapters.crypto import FieldCipher
from wallet.adapters.tables import withdrawal_method
from wallet.adapters.user_locks import lock_user_work
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import (
    NoDefaultWithdrawalMethod,
    WithdrawalMethodInvalid,
    WithdrawalMethodNotFound,
    WithdrawalMethodUnverified,
)
from wallet.domain.payout_destinations import (
    CryptoNetwork,
    DestinationInvalid,
    mask_account_number,
    mask_address,
    validate_bank_account,
    validate_crypto_address,
)
from wallet.domain.withdrawals import check_not_own

BANK_TRANSFER = "bank_transfer"
CRYPTO = "crypto"


# --- what the user gives ---------------------------------------------------------------------


@dataclass(frozen=True)
class IbanDestination:
    iban: str
    swift_code: str | None = None


@dataclass(frozen=True)
class AccountDestination:
    account_number: str
    bank_code: str
    country: str
    swift_code: str | None = None


@dataclass(frozen=True)
class CryptoDestination:
    network: CryptoNetwork
    address: str


Destination = IbanDestination | AccountDestination | CryptoDestination


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


def mask_iban(compact: str) -> str:
    """``DE89370400440532013000`` → ``DE89 **** **** 3000``: country, check digits, last four."""
    return f"{compact[:4]} **** **** {compact[-4:]}"


def iban_context(method_id: uuid.UUID) -> str:
    return f"withdrawal_method.iban:{method_id}"


def account_number_context(method_id: uuid.UUID) -> str:
    return f"withdrawal_method.account_number:{method_id}"


def crypto_address_context(method_id: uuid.UUID) -> str:
    return f"withdrawal_method.crypto_address:{method_id}"


@cache
def iban_countries() -> frozenset[str]:
    """Countries with an IBAN format in schwifty's registry."""
    found = set()
    for country in pycountry.countries:
        try:
            get_iban_spec(country.alpha_2)
        except SchwiftyException:
            continue
        found.add(country.alpha_2)
    return frozenset(found)


def _bic(swift_code: str | None, errors: list[dict[str, str]]) -> str | None:
    if not swift_code:
        return None
    try:
        return str(BIC(swift_code))
    except SchwiftyException as exc:
        errors.append({"field": "swift_code", "problem": type(exc).__name__})
        return None


def validate_bank_details(iban: str, swift_code: str | None) -> tuple[IBAN, str | None]:
    errors: list[dict[str, str]] = []
    parsed_iban: IBAN | None = None
    try:
        parsed_iban = IBAN(iban)
    except SchwiftyException as exc:
        errors.append({"field": "iban", "problem": type(exc).__name__})
    bic = _bic(swift_code, errors)
    if errors or parsed_iban is None:
        raise WithdrawalMethodInvalid(details=errors)
    return parsed_iban, bic


@dataclass(frozen=True)
class _Stored:
    """Column values of a validated destination (ciphertexts made once the row id is known)."""

    withdrawal_type: str
    secret: str
    secret_column: str
    context: str
    masked: str
    values: dict[str, Any]


def _prepare(destination: Destination, method_id: uuid.UUID) -> _Stored:
    if isinstance(destination, IbanDestination):
        parsed, bic = validate_bank_details(destination.iban, destination.swift_code)
        if bic is None and parsed.bic is not None:
            bic = str(parsed.bic)  # the bank's code, known from the IBAN's bank registry
        masked = mask_iban(parsed.compact)
        return _Stored(
            BANK_TRANSFER,
            parsed.compact,
            "iban_ciphertext",
            iban_context(method_id),
            masked,
            {"iban_masked": masked, "swift_code": bic},
        )
    if isinstance(destination, AccountDestination):
        errors: list[dict[str, str]] = []
        bic = _bic(destination.swift_code, errors)
        try:
            account = validate_bank_account(
                destination.account_number,
                destination.bank_code,
                destination.country,
                iban_countries=iban_countries(),
            )
        except DestinationInvalid as exc:
            errors.insert(0, {"field": exc.field, "problem": exc.problem})
            raise WithdrawalMethodInvalid(details=errors) from exc
        if errors:
            raise WithdrawalMethodInvalid(details=errors)
        masked = mask_account_number(account.account_number)
        return _Stored(
            BANK_TRANSFER,
            account.account_number,
            "account_number_ciphertext",
            account_number_context(method_id),
            masked,
            {"bank_code": account.bank_code, "country": account.country, "swift_code": bic},
        )
    try:
        address = validate_crypto_address(destination.network, destination.address)
    except DestinationInvalid as exc:
        raise WithdrawalMethodInvalid(
            "The crypto address is not valid.",
            details=[{"field": exc.field, "problem": exc.problem}],
        ) from exc
    return _Stored(
        CRYPTO,
        address,
        "crypto_address_ciphertext",
        crypto_address_context(method_id),
        mask_address(address),
        {"crypto_network": destination.network.value},
    )


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


async def add_method(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    user_id: uuid.UUID,
    destination: Destination,
    account_holder_name: str | None,
    bank_name: str | None,
    client: ClientInfo,
) -> MethodView:
    method_id = uuid.uuid4()
    stored = _prepare(destination, method_id)
    if stored.withdrawal_type == BANK_TRANSFER and not account_holder_name:
        raise WithdrawalMethodInvalid(
            details=[{"field": "account_holder_name", "problem": "required for a bank transfer"}]
        )
    row = (
        await session.execute(
            withdrawal_method.insert()
            .values(
                id=method_id,
                user_id=user_id,
                withdrawal_type=stored.withdrawal_type,
                destination_masked=stored.masked,
                account_holder_name=account_holder_name,
                bank_name=bank_name,
                **{stored.secret_column: cipher.encrypt(stored.secret, context=stored.context)},
                **stored.values,
            )
            .returning(*METHOD_COLUMNS)
        )
    ).one()
    details: dict[str, Any] = {
        "method_id": str(method_id),
        "withdrawal_type": stored.withdrawal_type,
        "destination": stored.masked,
    }
    if stored.withdrawal_type == BANK_TRANSFER and row.iban_masked is not None:
        details["iban"] = stored.masked
    if row.crypto_network is not None:
        details["network"] = row.crypto_network
    if row.country is not None:
        details["country"] = row.country
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_method_added,
            status=AuditStatus.success,
            user_id=user_id,
            details=details,
            client=client,
        ),
    )
    return method_view(row)


async def list_methods(session: AsyncSession, user_id: uuid.UUID) -> list[MethodView]:
    rows = await session.execute(
        select(*METHOD_COLUMNS)
        .where(withdrawal_method.c.user_id == user_id, withdrawal_method.c.is_active)
        .order_by(withdrawal_method.c.created_at)
    )
    return [method_view(r) for r in rows]


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
        .values(is_active=False, is_default=False, deleted_at=func.now())
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
    """An admin verifies a user's method; never their own (four eyes on money out)."""
    owner = await session.scalar(
        select(withdrawal_method.c.user_id)
        .where(withdrawal_method.c.id == method_id, withdrawal_method.c.is_active)
        .with_for_update()
    )
    if owner is None:
        raise WithdrawalMethodNotFound()
    check_not_own(owner, admin_id)
    await lock_user_work(session, DEFAULT_LOCK, owner)
    has_default = await _default_id(session, owner)
    row = (
        await session.execute(
            update(withdrawal_method)
            .where(withdrawal_method.c.id == method_id, withdrawal_method.c.is_active)
            .values(
                is_verified=True,
                verified_at=func.coalesce(withdrawal_method.c.verified_at, func.now()),
                verified_by=func.coalesce(withdrawal_method.c.verified_by, admin_id),
                # the owner's first verified method becomes the default
                **({"is_default": True} if has_default is None else {}),
            )
            .returning(*METHOD_COLUMNS)
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
    return method_view(row)


# Serialises the changes of one user's default (the one-default index is checked row by row).
DEFAULT_LOCK = "withdrawal_method_default"


async def _default_id(session: AsyncSession, user_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(withdrawal_method.c.id).where(
            withdrawal_method.c.user_id == user_id, withdrawal_method.c.is_default
        )
    )
    return found


async def make_default(
    session: AsyncSession, *, user_id: uuid.UUID, method_id: uuid.UUID
) -> list[MethodView]:
    """The user's verified, active method becomes their only default; the user's methods."""
    await lock_user_work(session, DEFAULT_LOCK, user_id)
    found = (
        await session.execute(
            select(withdrawal_method.c.is_verified).where(
                withdrawal_method.c.id == method_id,
                withdrawal_method.c.user_id == user_id,  # another user's: not found
                withdrawal_method.c.is_active,
            )
        )
    ).one_or_none()
    if found is None:
        raise WithdrawalMethodNotFound()
    if not found.is_verified:
        raise WithdrawalMethodUnverified("Only a verified withdrawal method can be the default.")
    await session.execute(
        update(withdrawal_method)
        .where(
            withdrawal_method.c.user_id == user_id,
            withdrawal_method.c.is_default,
            withdrawal_method.c.id != method_id,
        )
        .values(is_default=False)
    )
    await session.execute(
        update(withdrawal_method).where(withdrawal_method.c.id == method_id).values(is_default=True)
    )
    return await list_methods(session, user_id)


async def default_method_id(session: AsyncSession, user_id: uuid.UUID) -> uuid.UUID:
    """The method a withdrawal that names none goes to."""
    found = await _default_id(session, user_id)
    if found is None:
        raise NoDefaultWithdrawalMethod()
    return found


async def reveal_destination(
    session: AsyncSession, cipher: FieldCipher, method_id: uuid.UUID
) -> str | None:
    """The full IBAN, account number or address, for the payout step (never sent to a browser)."""
    row = (
        await session.execute(
            select(
                withdrawal_method.c.iban_ciphertext,
                withdrawal_method.c.account_number_ciphertext,
                withdrawal_method.c.crypto_address_ciphertext,
            ).where(withdrawal_method.c.id == method_id)
        )
    ).one_or_none()
    if row is None:
        return None
    for blob, context in (
        (row.iban_ciphertext, iban_context),
        (row.account_number_ciphertext, account_number_context),
        (row.crypto_address_ciphertext, crypto_address_context),
    ):
        if blob is not None:
            return cipher.decrypt(bytes(blob), context=context(method_id))
    return None


async def reveal_iban(
    session: AsyncSession, cipher: FieldCipher, method_id: uuid.UUID
) -> str | None:
    """The full IBAN of an IBAN method (None for other kinds)."""
    blob = await session.scalar(
        select(withdrawal_method.c.iban_ciphertext).where(withdrawal_method.c.id == method_id)
    )
    return None if blob is None else cipher.decrypt(bytes(blob), context=iban_context(method_id))
