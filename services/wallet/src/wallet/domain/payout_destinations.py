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
  valid EIP-55 checksum (Keccak-256, implemented below: hashlib's ``sha3_256`` is the FIPS-202
  padding, not Keccak). Stored in its EIP-55 form.
- tron: Base58Check, 34 characters starting with ``T``, version byte 0x41, 20-byte hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import pycountry


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


# --- Base58Check -----------------------------------------------------------------------------

_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(_B58)}


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58check_decode(text: str) -> bytes | None:
    """Version byte + payload, or None if not Base58 or the checksum does not match."""
    number = 0
    for char in text:
        digit = _B58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(text) - len(text.lstrip("1"))) + body
    if len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    return payload if _sha256d(payload)[:4] == checksum else None


# --- Bech32 / Bech32m (BIP-173, BIP-350) -----------------------------------------------------

_BECH32_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
BECH32_CONST: Final = 1
BECH32M_CONST: Final = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= _BECH32_GEN[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(hrp, data without checksum, checksum constant) or None."""
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        return None
    if text.lower() != text and text.upper() != text:
        return None  # mixed case
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        return None
    if any(c not in _BECH32_CHARSET for c in text[pos + 1 :]):
        return None
    hrp = text[:pos]
    data = [_BECH32_CHARSET.find(c) for c in text[pos + 1 :]]
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    """Regroup without padding (decoding): leftover bits must be fewer than ``from_bits`` and 0."""
    acc = bits = 0
    out: list[int] = []
    max_value = (1 << to_bits) - 1
    max_acc = (1 << (from_bits + to_bits - 1)) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            return None
        acc = ((acc << from_bits) | value) & max_acc
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & max_value)
    if bits >= from_bits or (acc << (to_bits - bits)) & max_value:
        return None
    return out


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a valid segwit address for ``hrp`` (any version)."""
    decoded = bech32_decode(address)
    if decoded is None:
        return None
    got_hrp, data, const = decoded
    if got_hrp != hrp or not data:
        return None
    version = data[0]
    program = _convert_bits(data[1:], 5, 8)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if const != (BECH32_CONST if version == 0 else BECH32M_CONST):
        return None
    return version, bytes(program)


# --- Keccak-256 (Ethereum's hash; not FIPS-202 SHA3-256) -------------------------------------

_KECCAK_RC: Final = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
# rotation offsets r[x][y]
_KECCAK_ROT: Final = (
    (0, 36, 3, 41, 18),
    (1, 44, 10, 45, 2),
    (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56),
    (27, 20, 39, 8, 14),
)
_MASK64: Final = (1 << 64) - 1


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK64 if shift else value


def _keccak_f(state: list[int]) -> list[int]:
    a = state
    for rc in _KECCAK_RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[x + 5 * y], _KECCAK_ROT[x][y])
        a = [
            b[i] ^ (~b[(i % 5 + 1) % 5 + 5 * (i // 5)] & b[(i % 5 + 2) % 5 + 5 * (i // 5)])
            for i in range(25)
        ]
        a[0] ^= rc
    return a


def _sponge(data: bytes, domain: int) -> bytes:
    rate = 136  # 1088 bits: the 256-bit variant
    padded = bytearray(data)
    padded.append(domain)
    padded.extend(b"\x00" * (-len(padded) % rate))
    padded[-1] |= 0x80
    state = [0] * 25
    for offset in range(0, len(padded), rate):
        for i in range(rate // 8):
            start = offset + 8 * i
            state[i] ^= int.from_bytes(padded[start : start + 8], "little")
        state = _keccak_f(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original padding 0x01)."""
    return _sponge(data, 0x01)


def _sha3_256(data: bytes) -> bytes:
    """The same permutation with FIPS-202 padding (0x06): checked against hashlib in tests."""
    return _sponge(data, 0x06)


def eip55(hex40: str) -> str:
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
