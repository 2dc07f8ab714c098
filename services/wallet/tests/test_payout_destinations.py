"""Validation of withdrawal destinations without IBAN: bank account + bank code per country, and
crypto addresses per network, against the public test vectors (BIP-173, BIP-350, EIP-55)."""

from __future__ import annotations

import hashlib

import pytest

from wallet.domain import payout_destinations as pd
from wallet.domain.payout_destinations import (
    CryptoNetwork,
    DestinationInvalid,
    keccak256,
    mask_account_number,
    mask_address,
    validate_bank_account,
    validate_crypto_address,
)
from wallet.service_layer.withdrawal_methods import iban_countries

BTC = CryptoNetwork.bitcoin
ETH = CryptoNetwork.ethereum
TRX = CryptoNetwork.tron


def problem(network: CryptoNetwork, address: str) -> str:
    with pytest.raises(DestinationInvalid) as caught:
        validate_crypto_address(network, address)
    assert caught.value.field == "address"
    return caught.value.problem


# --- bitcoin -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        # the genesis block's coinbase (P2PKH, version 0x00)
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        # P2SH (version 0x05), the bitcoin wiki's example
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        # BIP-173 valid: P2WPKH (upper case allowed, stored lower)
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        # BIP-173 P2WSH (32-byte program)
        (
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
        ),
        # BIP-350 valid: taproot (v1, Bech32m)
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
    ],
)
def test_valid_bitcoin_addresses(address: str, stored: str) -> None:
    assert validate_crypto_address(BTC, address) == stored


@pytest.mark.parametrize(
    "address",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # genesis, last character changed: checksum
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a",  # 0 is not Base58
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",  # a valid Base58Check, but tron's version 0x41
        "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",  # testnet P2PKH (version 0x6f)
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",  # BIP-173: testnet hrp
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # BIP-350: v1 Bech32
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # BIP-350: v16 Bech32
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # BIP-350: v0 with a Bech32m checksum
        "bc1rw5uspcuh",  # BIP-173: invalid program length
        "BC1QR508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",  # BIP-173: v0 program of 16 bytes
        "bc1zw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # BIP-173: non-zero padding
        "bc1gmk9yu",  # BIP-173: empty data section
        "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # mixed case
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # one character changed: checksum
        "",
    ],
)
def test_invalid_bitcoin_addresses(address: str) -> None:
    problem(BTC, address)


@pytest.mark.parametrize(
    "address",
    [
        # BIP-350 valid, but witness versions with nothing to spend them: refused, not lost
        "BC1SW50QGDZ25J",  # v16, 2 bytes
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",  # v1, 40 B
    ],
)
def test_segwit_versions_without_a_spender_are_refused(address: str) -> None:
    assert problem(BTC, address).startswith("unsupported segwit version")


# --- ethereum ----------------------------------------------------------------------------


def test_keccak_is_not_sha3_and_the_permutation_matches_hashlib() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"").hex() != hashlib.sha3_256(b"").hexdigest()
    for message in (b"", b"abc", b"a" * 135, b"a" * 136, b"x" * 300):  # around the rate
        assert pd._sha3_256(message) == hashlib.sha3_256(message).digest()


@pytest.mark.parametrize(
    "address",
    [  # EIP-55's own examples
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ],
)
def test_valid_ethereum_addresses_are_stored_checksummed(address: str) -> None:
    stored = validate_crypto_address(ETH, address)
    assert stored.lower() == address.lower()
    assert validate_crypto_address(ETH, stored) == stored  # the EIP-55 form is itself valid
    if address != address.lower() and address[2:] != address[2:].upper():
        assert stored == address


def test_eip55_of_an_all_lower_address() -> None:
    assert (
        validate_crypto_address(ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    )


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55 checksum does not match"),
        ("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55 checksum does not match"),
        ("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "expected 0x followed by 40 hex digits"),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "expected 0x followed by 40 hex digits"),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "expected 0x followed by 40 hex digits"),
        ("0x" + "0" * 40, "the zero address"),
    ],
)
def test_invalid_ethereum_addresses(address: str, why: str) -> None:
    assert problem(ETH, address) == why


# --- tron --------------------------------------------------------------------------------


def test_tron_addresses() -> None:
    # USDT's TRC-20 contract: Base58Check, version 0x41
    assert validate_crypto_address(TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t") == (
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    )
    assert problem(TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u") == (
        "Base58Check checksum does not match"
    )
    assert problem(TRX, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").startswith("expected 34")
    assert problem(TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6").startswith("expected 34")
    assert problem(TRX, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t") == (
        "Base58Check checksum does not match"  # 0 is not Base58
    )


def test_masking_shows_first_and_last_four() -> None:
    assert mask_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == "1A1z...vfNa"
    assert mask_account_number("000123456789") == "**** 6789"


# --- bank account + bank code ------------------------------------------------------------


def account(number: str, code: str, country: str) -> pd.BankAccount:
    return validate_bank_account(number, code, country, iban_countries=iban_countries())


def account_problem(number: str, code: str, country: str) -> tuple[str, str]:
    with pytest.raises(DestinationInvalid) as caught:
        account(number, code, country)
    return caught.value.field, caught.value.problem


def test_valid_bank_accounts_per_country() -> None:
    assert account("0001-2345 6789", "021000021", "us") == pd.BankAccount(
        "US", "000123456789", "021000021"
    )  # JPMorgan Chase's ABA routing number
    assert account("1234567", "12345-678", "CA").bank_code == "12345678"
    assert account("12345678", "062-000", "AU").bank_code == "062000"
    assert account("123456789012", "sbin0000001", "IN").bank_code == "SBIN0000001"
    assert account("1234567", "0001", "JP").account_number == "1234567"
    assert account("1234567", "0001123", "JP").bank_code == "0001123"
    assert account("0123456789", "058", "NG").country == "NG"  # default rule (NUBAN)


def test_invalid_bank_accounts() -> None:
    assert account_problem("123456789", "021000022", "US") == (
        "bank_code",
        "routing number checksum does not match",
    )
    assert account_problem("123", "021000021", "US")[0] == "account_number"
    assert account_problem("123456789012345678", "021000021", "US")[0] == "account_number"
    assert account_problem("12345A789", "021000021", "US")[0] == "account_number"
    assert account_problem("1234567", "1234567", "CA")[0] == "bank_code"
    assert account_problem("123456789", "SBIN1000001", "IN")[0] == "bank_code"
    assert account_problem("12345678", "0001", "XX") == (
        "country",
        "not an ISO 3166-1 alpha-2 country code",
    )
    assert account_problem("12345678", "0001", "USA")[0] == "country"
    # an IBAN country gives its IBAN
    assert account_problem("0532013000", "37040044", "DE") == (
        "country",
        "this country uses IBAN: give the iban instead",
    )
    assert account_problem("1234", "0001!", "NG")[0] == "bank_code"


def test_iban_countries_come_from_schwifty() -> None:
    found = iban_countries()
    assert {"DE", "FR", "GB", "BR"} <= found
    assert not {"US", "CA", "AU", "IN", "JP"} & found
