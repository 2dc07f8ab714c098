"""Where a withdrawal goes: validation of bank accounts without IBAN and of crypto addresses.

Pure functions, no I/O. Each validator returns the normalised value to store or raises
``DestinationInvalid`` with the field and the problem (the API turns it into a 422).

Bank accounts by account number + bank code are for countries *without* IBAN (an IBAN country
must use its IBAN). Checked per country (``BANK_RULES``; any other ISO 3166 alpha-2 country
falls back to ``DEFAULT_BANK_RULE``), after removing spaces and hyphens and upper-casing.

Crypto addresses (mainnet only):
- bitcoin: Base58Check P2PKH / P2SH (version byte 0x00 / 0x05, 20-byte hash, double-SHA256
  checksum), or segwit ``bc1…``: Bech32 for witness v0 (20 or 32 bytes), Bech32m for v1
  (taproot, 32 bytes) — BIP-173 / BIP-350. Later witness versions are refused: nothing can spend
  them yet, money sent there is lost.
- ethereum: ``0x`` + 40 hex digits, not the zero address; a mixed-case address must carry a
  valid EIP-55 checksum. Stored in its EIP-55 form.
- tron: Base58Check, 34 characters starting with ``T``, version byte 0x41, 20-byte hash.

No cryptography is written here; which library does what:
- ``base58`` — Base58 and the Base58Check checksum (``b58decode_check``), bitcoin and tron.
- ``bech32m`` — Bech32 / Bech32m checksums and segwit program decoding: Pieter Wuille's reference
  code from BIP-350 (``segwit_addr.py``), packaged. The ``bech32`` package predates BIP-350: it
  knows no Bech32m, so it could not check a taproot address.
- ``pycryptodome`` — Keccak-256 (``Crypto.Hash.keccak``). hashlib's ``sha3_256`` is FIPS-202
  SHA3 (padding 0x06), not the Keccak Ethereum uses (0x01).
- EIP-55 itself is one line over that hash (``eip55``): eth-utils has it, but would bring
  eth-typing, eth-hash and cytoolz into the wallet for that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import base58
import bech32m
import bech32m.codecs
import pycountry
from Crypto.Hash import SHA3_256, keccak


class DestinationInvalid(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class CryptoNetwork(StrEnum):
    bitcoin = "bitcoin"
    ethereum = "ethereum"
    tron = "tron"


# --- masking ---------------------------------------------------------------------------------


def mask_account_number(account_number: str) -> str:
    """``000123456789`` → ``**** 6789``: only the last four are shown."""
    return f"**** {account_number[-4:]}"


def mask_address(address: str) -> str:
    """First four and last four characters: ``1A1z...vfNa``."""
    return f"{address[:4]}...{address[-4:]}"


# --- bank account + bank code ----------------------------------------------------------------


@dataclass(frozen=True)
class BankRule:
    account: re.Pattern[str]
    bank_code: re.Pattern[str]
    account_help: str
    bank_code_help: str
    routing_checksum: bool = False  # US ABA routing number checksum (3-7-1 weights)


DEFAULT_BANK_RULE: Final = BankRule(
    account=re.compile(r"[0-9]{4,34}"),
    bank_code=re.compile(r"[0-9A-Z]{2,15}"),
    account_help="4-34 digits",
    bank_code_help="2-15 letters or digits",
)

BANK_RULES: Final[dict[str, BankRule]] = {
    "US": BankRule(
        account=re.compile(r"[0-9]{4,17}"),
        bank_code=re.compile(r"[0-9]{9}"),
        account_help="4-17 digits",
        bank_code_help="ABA routing number: 9 digits with a valid checksum",
        routing_checksum=True,
    ),
    "CA": BankRule(
        account=re.compile(r"[0-9]{7,12}"),
        bank_code=re.compile(r"[0-9]{8}"),
        account_help="7-12 digits",
        bank_code_help="transit (5 digits) + institution (3 digits)",
    ),
    "AU": BankRule(
        account=re.compile(r"[0-9]{5,9}"),
        bank_code=re.compile(r"[0-9]{6}"),
        account_help="5-9 digits",
        bank_code_help="BSB: 6 digits",
    ),
    "IN": BankRule(
        account=re.compile(r"[0-9]{9,18}"),
        bank_code=re.compile(r"[A-Z]{4}0[0-9A-Z]{6}"),
        account_help="9-18 digits",
        bank_code_help="IFSC: 4 letters, 0, 6 letters or digits",
    ),
    "JP": BankRule(
        account=re.compile(r"[0-9]{7}"),
        bank_code=re.compile(r"[0-9]{4}(?:[0-9]{3})?"),
        account_help="7 digits",
        bank_code_help="bank code (4 digits), optionally + branch code (3 digits)",
    ),
}

_SEPARATORS = re.compile(r"[\s-]+")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def aba_checksum_ok(routing: str) -> bool:
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def validate_country(country: str) -> str:
    code = country.strip().upper()
    if len(code) != 2 or not code.isascii() or pycountry.countries.get(alpha_2=code) is None:
        raise DestinationInvalid("country", "not an ISO 3166-1 alpha-2 country code")
    return code


@dataclass(frozen=True)
class BankAccount:
    country: str
    account_number: str
    bank_code: str


def validate_bank_account(
    account_number: str, bank_code: str, country: str, *, iban_countries: frozenset[str]
) -> BankAccount:
    """Account number + bank code of a country without IBAN; see ``BANK_RULES``."""
    code = validate_country(country)
    if code in iban_countries:
        raise DestinationInvalid("country", "this country uses IBAN: give the iban instead")
    rule = BANK_RULES.get(code, DEFAULT_BANK_RULE)
    account = _compact(account_number)
    bank = _compact(bank_code)
    if not rule.account.fullmatch(account):
        raise DestinationInvalid("account_number", f"expected {rule.account_help}")
    if not rule.bank_code.fullmatch(bank):
        raise DestinationInvalid("bank_code", f"expected {rule.bank_code_help}")
    if rule.routing_checksum and not aba_checksum_ok(bank):
        raise DestinationInvalid("bank_code", "routing number checksum does not match")
    return BankAccount(country=code, account_number=account, bank_code=bank)


# --- Base58Check (the base58 package) --------------------------------------------------------


def base58check_decode(text: str) -> bytes | None:
    """Version byte + payload, or None if not Base58 or the checksum does not match."""
    if text != text.rstrip():
        return None  # base58 drops trailing whitespace; an address carries none
    try:
        payload = base58.b58decode_check(text)
    except ValueError:  # a character outside the alphabet, or the checksum does not match
        return None
    return payload or None  # a bare checksum has no version byte


# --- Bech32 / Bech32m, BIP-173 / BIP-350 (the bech32m package) -------------------------------

BECH32_CONST: Final = 1
BECH32M_CONST: Final = 0x2BC830A3
_CHECKSUM_CONST: Final = {
    bech32m.codecs.Encoding.BECH32: BECH32_CONST,
    bech32m.codecs.Encoding.BECH32M: BECH32M_CONST,
}


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(hrp, data without checksum, checksum constant) or None."""
    try:
        hrp, data, encoding = bech32m.codecs.bech32_decode(text)
    except bech32m.DecodeError:
        return None
    return str(hrp), list(data), _CHECKSUM_CONST[encoding]


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a valid segwit address for ``hrp`` (any version)."""
    try:
        decoded = bech32m.decode(hrp, address)
    except bech32m.DecodeError:  # HrpDoesNotMatch included
        return None
    return int(decoded.witver), bytes(decoded.witprog)


# --- Keccak-256, Ethereum's hash (pycryptodome) and EIP-55 -----------------------------------


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original padding 0x01), not FIPS-202 SHA3-256."""
    return keccak.new(digest_bits=256, data=data).digest()


def _sha3_256(data: bytes) -> bytes:
    """pycryptodome's SHA3-256: its Keccak core with FIPS-202 padding (0x06). The tests hold it
    against hashlib's independent implementation, which checks the core ``keccak256`` uses."""
    return SHA3_256.new(data).digest()


def eip55(hex40: str) -> str:
    """EIP-55: a letter is upper-cased where its nibble of keccak256(lower-case hex) is >= 8."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower)
    )


# --- per network -----------------------------------------------------------------------------

_HEX40: Final = re.compile(r"0x[0-9a-fA-F]{40}")


def _bitcoin(address: str) -> str:
    if address[:3].lower() == "bc1":
        decoded = decode_segwit("bc", address)
        if decoded is None:
            raise DestinationInvalid("address", "not a valid Bech32/Bech32m bitcoin address")
        version, program = decoded
        if not (version == 0 or (version == 1 and len(program) == 32)):
            raise DestinationInvalid("address", f"unsupported segwit version {version}")
        return address.lower()
    if not 26 <= len(address) <= 35:
        raise DestinationInvalid("address", "not a bitcoin address")
    payload = base58check_decode(address)
    if payload is None:
        raise DestinationInvalid("address", "Base58Check checksum does not match")
    if len(payload) != 21 or payload[0] not in (0x00, 0x05):
        raise DestinationInvalid("address", "not a mainnet P2PKH/P2SH address")
    return address


def _ethereum(address: str) -> str:
    if not _HEX40.fullmatch(address):
        raise DestinationInvalid("address", "expected 0x followed by 40 hex digits")
    digits = address[2:]
    if int(digits, 16) == 0:
        raise DestinationInvalid("address", "the zero address")
    checksummed = eip55(digits)
    if digits not in (digits.lower(), digits.upper()) and address != checksummed:
        raise DestinationInvalid("address", "EIP-55 checksum does not match")
    return checksummed


def _tron(address: str) -> str:
    if len(address) != 34 or not address.startswith("T"):
        raise DestinationInvalid("address", "expected 34 characters starting with T")
    payload = base58check_decode(address)
    if payload is None:
        raise DestinationInvalid("address", "Base58Check checksum does not match")
    if len(payload) != 21 or payload[0] != 0x41:
        raise DestinationInvalid("address", "not a tron address (version byte 0x41)")
    return address


_NETWORKS: Final = {
    CryptoNetwork.bitcoin: _bitcoin,
    CryptoNetwork.ethereum: _ethereum,
    CryptoNetwork.tron: _tron,
}


def validate_crypto_address(network: CryptoNetwork, address: str) -> str:
    """The address in its canonical form, or ``DestinationInvalid``."""
    return _NETWORKS[network](address.strip())
