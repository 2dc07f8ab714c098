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
from functools import cache
from typing import Any

import pycountry
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec

from wallet.adapters.crypto import FieldCipher
from wallet.adapters.withdrawal_methods import BANK_TRANSFER

# Re-exported: the routes and the admin's views read the views from here.
from wallet.adapters.withdrawal_methods import METHOD_COLUMNS as METHOD_COLUMNS
from wallet.adapters.withdrawal_methods import MethodView as MethodView
from wallet.adapters.withdrawal_methods import method_view as method_view
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
from wallet.service_layer.unit_of_work import WalletUnitOfWork

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


async def add_method(
    uow: WalletUnitOfWork,
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
    view = await uow.withdrawal_methods.add(
        id=method_id,
        user_id=user_id,
        withdrawal_type=stored.withdrawal_type,
        destination_masked=stored.masked,
        account_holder_name=account_holder_name,
        bank_name=bank_name,
        **{stored.secret_column: cipher.encrypt(stored.secret, context=stored.context)},
        **stored.values,
    )
    details: dict[str, Any] = {
        "method_id": str(method_id),
        "withdrawal_type": stored.withdrawal_type,
        "destination": stored.masked,
    }
    if stored.withdrawal_type == BANK_TRANSFER and view.iban_masked is not None:
        details["iban"] = stored.masked
    if view.crypto_network is not None:
        details["network"] = view.crypto_network
    if view.country is not None:
        details["country"] = view.country
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.withdrawal_method_added,
            status=AuditStatus.success,
            user_id=user_id,
            details=details,
            client=client,
        ),
    )
    return view


async def list_methods(uow: WalletUnitOfWork, user_id: uuid.UUID) -> list[MethodView]:
    """The user's active methods, oldest first (a read: the route commits nothing)."""
    return await uow.withdrawal_methods.active_of(user_id)


async def delete_method(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, method_id: uuid.UUID, client: ClientInfo
) -> None:
    if not await uow.withdrawal_methods.deactivate(user_id, method_id):
        raise WithdrawalMethodNotFound()
    await uow.audit.add(
        AuditEntry.method_changed(
            AuditAction.withdrawal_method_deleted,
            user_id=user_id,
            method_id=method_id,
            client=client,
        )
    )


async def verify_method(
    uow: WalletUnitOfWork, *, method_id: uuid.UUID, admin_id: uuid.UUID, client: ClientInfo
) -> MethodView:
    """An admin verifies a user's method; never their own (four eyes on money out)."""
    methods = uow.withdrawal_methods
    owner = await methods.lock_owner(method_id)
    if owner is None:
        raise WithdrawalMethodNotFound()
    check_not_own(owner, admin_id)
    await methods.lock_defaults_of(owner)
    # the owner's first verified method becomes the default
    has_default = await methods.default_of(owner) is not None
    view = await methods.mark_verified(method_id, admin_id, make_default=not has_default)
    if view is None:
        raise WithdrawalMethodNotFound()
    await uow.audit.add(
        AuditEntry.method_changed(
            AuditAction.withdrawal_method_verified,
            user_id=view.user_id,
            method_id=method_id,
            client=client,
        )
    )
    return view


async def make_default(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, method_id: uuid.UUID
) -> list[MethodView]:
    """The user's verified, active method becomes their only default; the user's methods."""
    methods = uow.withdrawal_methods
    await methods.lock_defaults_of(user_id)
    found = await methods.find_active(user_id, method_id)  # another user's: not found
    if found is None:
        raise WithdrawalMethodNotFound()
    if not found.is_verified:
        raise WithdrawalMethodUnverified("Only a verified withdrawal method can be the default.")
    await methods.set_default(user_id, method_id)
    return await methods.active_of(user_id)


async def default_method_id(uow: WalletUnitOfWork, user_id: uuid.UUID) -> uuid.UUID:
    """The method a withdrawal that names none goes to."""
    found = await uow.withdrawal_methods.default_of(user_id)
    if found is None:
        raise NoDefaultWithdrawalMethod()
    return found


async def reveal_destination(
    uow: WalletUnitOfWork, cipher: FieldCipher, method_id: uuid.UUID
) -> str | None:
    """The full IBAN, account number or address, for the payout step (never sent to a browser)."""
    stored = await uow.withdrawal_methods.ciphertexts(method_id)
    if stored is None:
        return None
    for blob, context in (
        (stored.iban, iban_context),
        (stored.account_number, account_number_context),
        (stored.crypto_address, crypto_address_context),
    ):
        if blob is not None:
            return cipher.decrypt(blob, context=context(method_id))
    return None


async def reveal_iban(
    uow: WalletUnitOfWork, cipher: FieldCipher, method_id: uuid.UUID
) -> str | None:
    """The full IBAN of an IBAN method (None for other kinds)."""
    stored = await uow.withdrawal_methods.ciphertexts(method_id)
    if stored is None or stored.iban is None:
        return None
    return cipher.decrypt(stored.iban, context=iban_context(method_id))
