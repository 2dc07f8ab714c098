"""Withdrawal methods besides IBAN, over HTTP: bank account + bank code (countries without
IBAN) and crypto addresses — validated, encrypted at rest, masked, verified before use."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from services.wallet.tests.support.ledger import WITHDRAW, Api, WalletDb, make_wallet, method_body
from sqlalchemy import text

METHODS = "/api/wallet/withdrawal-methods"
GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def account_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "withdrawal_type": "bank_transfer",
        "account_number": "0001 2345 6789",
        "bank_code": "021000021",
        "country": "US",
        "account_holder_name": "John Smith",
        "bank_name": "JPMorgan Chase",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def crypto_body(network: str = "bitcoin", address: str = GENESIS, **extra: Any) -> dict[str, Any]:
    return {"withdrawal_type": "crypto", "network": network, "address": address, **extra}


async def stored(db: WalletDb, method_id: str) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT * FROM wallet.withdrawal_method WHERE id = :m"), {"m": method_id}
            )
        ).one()
    return dict(row._mapping)


async def test_a_bank_account_with_bank_code_is_validated_encrypted_and_masked(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db)
    added = await api.post(METHODS, user, account_body())
    assert added.status_code == 201, added.text
    method = added.json()["method"]
    assert method["withdrawal_type"] == "bank_transfer"
    assert (method["account_number"], method["destination"]) == ("**** 6789", "**** 6789")
    assert (method["bank_code"], method["country"], method["iban"]) == ("021000021", "US", None)
    assert (method["network"], method["address"]) == (None, None)
    assert method["verification_status"] == "pending"
    row = await stored(wallet_db, method["method_id"])
    assert row["iban_ciphertext"] is None
    assert b"000123456789" not in bytes(row["account_number_ciphertext"])
    assert b"123456789" not in bytes(row["account_number_ciphertext"])
    listed = (await api.get(METHODS, user)).json()["methods"]
    assert [m["account_number"] for m in listed] == ["**** 6789"]

    bad = await api.post(METHODS, user, account_body(bank_code="021000022"))
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "wallet.withdrawal_method_invalid"
    assert bad.json()["error"]["details"] == [
        {"field": "bank_code", "problem": "routing number checksum does not match"}
    ]
    iban_country = await api.post(
        METHODS, user, account_body(country="DE", bank_code="37040044", account_number="532013000")
    )
    assert iban_country.status_code == 422
    assert iban_country.json()["error"]["details"][0]["field"] == "country"


@pytest.mark.parametrize(
    "body",
    [
        method_body(account_number="000123456789", bank_code="021000021", country="US"),  # both
        account_body(bank_code=None),  # account without bank code
        account_body(country=None),
        account_body(account_holder_name=None),
        {"withdrawal_type": "bank_transfer", "account_holder_name": "Ivan"},  # neither
        crypto_body(address=None),
        crypto_body(network="dogecoin"),
        crypto_body(iban="DE89 3704 0044 0532 0130 00"),  # crypto with bank fields
        method_body(network="bitcoin", address=GENESIS),  # bank with crypto fields
        {"withdrawal_type": "cash", "iban": "DE89 3704 0044 0532 0130 00"},
    ],
)
async def test_exactly_one_destination_or_422_in_the_common_shape(
    api: Api, body: dict[str, Any]
) -> None:
    refused = await api.post(METHODS, uuid.uuid4(), body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]


@pytest.mark.parametrize(
    ("network", "address", "stored_as", "masked"),
    [
        ("bitcoin", GENESIS, GENESIS, "1A1z...vfNa"),
        (
            "bitcoin",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bc1q...f3t4",
        ),
        ("ethereum", EIP55.lower(), EIP55, "0x5a...eAed"),
        ("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", None, "TR7N...Lj6t"),
    ],
)
async def test_a_crypto_address_is_validated_encrypted_and_masked(
    api: Api, wallet_db: WalletDb, network: str, address: str, stored_as: str | None, masked: str
) -> None:
    user = await make_wallet(wallet_db)
    added = await api.post(METHODS, user, crypto_body(network, address))
    assert added.status_code == 201, added.text
    method = added.json()["method"]
    assert (method["withdrawal_type"], method["network"]) == ("crypto", network)
    assert (method["address"], method["destination"]) == (masked, masked)
    assert (method["iban"], method["account_number"], method["account_holder_name"]) == (
        None,
        None,
        None,
    )
    row = await stored(wallet_db, method["method_id"])
    secret = (stored_as or address).encode()
    assert secret not in bytes(row["crypto_address_ciphertext"])
    assert secret[4:-4] not in bytes(row["crypto_address_ciphertext"])
    assert row["destination_masked"] == masked


@pytest.mark.parametrize(
    ("network", "address"),
    [
        ("bitcoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"),
        ("bitcoin", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"),
        ("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
        ("tron", GENESIS),
    ],
)
async def test_an_invalid_crypto_address_is_a_422(api: Api, network: str, address: str) -> None:
    refused = await api.post(METHODS, uuid.uuid4(), crypto_body(network, address))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "wallet.withdrawal_method_invalid"
    assert error["message"] == "The crypto address is not valid."
    assert [d["field"] for d in error["details"]] == ["address"]


async def test_a_withdrawal_to_a_verified_crypto_address_and_not_to_an_unverified_one(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)
    added = await api.post(METHODS, user, crypto_body("ethereum", EIP55))
    method_id = added.json()["method"]["method_id"]
    refused = await api.post(
        WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": method_id}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "wallet.withdrawal_method_unverified"
    assert await wallet_db.balances(user) == (500_000, 0)

    verified = await api.admin_post(f"/api/wallet/admin/withdrawal-methods/{method_id}/verify")
    assert verified.status_code == 200
    assert verified.json()["method"]["address"] == "0x5a...eAed"
    answer = await api.post(WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": method_id})
    assert answer.status_code == 201, answer.text
    assert answer.json()["new_balance"] == "4900.00"
    assert await wallet_db.balances(user) == (490_000, 0)
    row = (await wallet_db.history(user))[-1]
    assert (row["type"], row["status"], row["description"]) == (
        "withdrawal",
        "pending",
        "Withdrawal to 0x5a...eAed",
    )
    operation = answer.json()["withdrawal"]["operation_id"]
    approved = await api.admin_post(f"/api/wallet/admin/withdrawals/{operation}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["withdrawal"]["status"] == "completed"


async def test_a_withdrawal_to_a_verified_bank_account_with_bank_code(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)
    method_id = (await api.post(METHODS, user, account_body())).json()["method"]["method_id"]
    await api.admin_post(f"/api/wallet/admin/withdrawal-methods/{method_id}/verify")
    answer = await api.post(WITHDRAW, user, {"amount": "10.00", "withdrawal_method_id": method_id})
    assert answer.status_code == 201, answer.text
    assert (await wallet_db.history(user))[-1]["description"] == "Withdrawal to **** 6789"
