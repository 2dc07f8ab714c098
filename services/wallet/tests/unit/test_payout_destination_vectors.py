"""The published test vectors for the codecs behind crypto payout addresses, run through the
module's own wrappers: BIP-173 (Bech32), BIP-350 (Bech32m and segwit v0-v16), EIP-55 (its
mixed-case examples), Keccak-256 digests, and Base58Check (P2PKH / P2SH and a broken checksum).

Vectors are copied from the BIPs and the EIP as published, so a library that drifts fails here."""

from __future__ import annotations

import base58
import pytest

from wallet.domain.payout_destinations import (
    BECH32_CONST,
    BECH32M_CONST,
    CryptoNetwork,
    DestinationInvalid,
    base58check_decode,
    bech32_decode,
    decode_segwit,
    eip55,
    keccak256,
    validate_crypto_address,
)

# --- BIP-173 / BIP-350: checksums alone --------------------------------------------------------

BIP173_VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]

BIP350_VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]

BIP173_INVALID_BECH32 = [
    "\x201nwldj5",  # HRP character out of range
    "\x7f1axkwrx",  # HRP character out of range
    "\x801eym55h",  # HRP character out of range
    # overall max length exceeded
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",  # no separator character
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # too short checksum
    "de1lg7wt\xff",  # invalid character in checksum
    "A1G7SGD8",  # checksum calculated with upper-case form of HRP
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
]

BIP350_INVALID_BECH32M = [
    "\x201xj0phk",  # HRP character out of range
    "\x7f1g6xzxy",  # HRP character out of range
    "\x801vctc34",  # HRP character out of range
    # overall max length exceeded
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",  # no separator character
    "1qyrz8wqd2c9m",  # empty HRP
    "y1b0jsk6g",  # invalid data character
    "lt1igcx5c0",  # invalid data character
    "in1muywd",  # too short checksum
    "mm1crxm3i",  # invalid character in checksum
    "au1s5cgom",  # invalid character in checksum
    "M1VUXWEZ",  # checksum calculated with upper-case form of HRP
    "16plkw9",  # empty HRP
    "1p2gdwpf",  # empty HRP
]


@pytest.mark.parametrize("text", BIP173_VALID_BECH32)
def test_bip173_valid_strings_carry_a_bech32_checksum(text: str) -> None:
    decoded = bech32_decode(text)
    assert decoded is not None
    hrp, _, const = decoded
    assert const == BECH32_CONST
    assert hrp == text[: text.rfind("1")].lower()


@pytest.mark.parametrize("text", BIP350_VALID_BECH32M)
def test_bip350_valid_strings_carry_a_bech32m_checksum(text: str) -> None:
    decoded = bech32_decode(text)
    assert decoded is not None
    assert decoded[2] == BECH32M_CONST


@pytest.mark.parametrize("text", BIP173_INVALID_BECH32 + BIP350_INVALID_BECH32M)
def test_bip173_and_bip350_invalid_strings_are_refused(text: str) -> None:
    assert bech32_decode(text) is None


# --- BIP-350: segwit addresses v0-v16 ----------------------------------------------------------


def script_pubkey(version: int, program: bytes) -> str:
    """What a segwit address pays to: OP_n (OP_0 = 0x00, OP_1..16 = 0x51..0x60), push, program."""
    op = 0 if version == 0 else 0x50 + version
    return bytes([op, len(program)]).hex() + program.hex()


@pytest.mark.parametrize(
    ("address", "hrp", "expected"),
    [
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc",
            "0014751e76e8199196d454941c45d1b3a323f1433bd6",
        ),
        (
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "tb",
            "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
        ),
        (
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "bc",
            "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
        ),
        ("BC1SW50QGDZ25J", "bc", "6002751e"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "bc", "5210751e76e8199196d454941c45d1b3a323"),
        (
            "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
            "tb",
            "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
        ),
        (
            "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
            "tb",
            "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc",
            "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        ),
    ],
)
def test_bip350_valid_segwit_addresses_decode_to_their_script(
    address: str, hrp: str, expected: str
) -> None:
    decoded = decode_segwit(hrp, address)
    assert decoded is not None
    assert script_pubkey(*decoded) == expected


@pytest.mark.parametrize(
    "address",
    [
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid HRP
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # Bech32 for v1
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # Bech32 for v2
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # Bech32 for v16
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # Bech32m for v0
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # Bech32m for v0
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # bad checksum character
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
        "bc1pw5dgrnzv",  # program of 1 byte
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41 bytes
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program of 16 bytes (BIP-141)
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # padding over 4 bits
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
        "bc1gmk9yu",  # empty data section
    ],
)
def test_bip350_invalid_segwit_addresses_are_refused_for_either_network(address: str) -> None:
    assert decode_segwit("bc", address) is None
    assert decode_segwit("tb", address) is None


def test_a_valid_segwit_address_of_another_network_is_refused() -> None:
    assert decode_segwit("tb", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") is None


def test_bip350_valid_v2_address_is_refused_as_a_payout_destination() -> None:
    with pytest.raises(DestinationInvalid) as caught:
        validate_crypto_address(CryptoNetwork.bitcoin, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs")
    assert caught.value.problem == "unsupported segwit version 2"


# --- Keccak-256 and EIP-55 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
        ),
    ],
)
def test_keccak256_known_digests(message: bytes, digest: str) -> None:
    assert keccak256(message).hex() == digest


EIP55_MIXED_CASE = [  # the EIP's own examples
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_MIXED_CASE)
def test_eip55_checksums_the_examples_from_either_case(address: str) -> None:
    assert eip55(address[2:].lower()) == address
    assert eip55(address[2:].upper()) == address


@pytest.mark.parametrize("address", EIP55_MIXED_CASE)
def test_eip55_one_letter_in_the_wrong_case_is_refused(address: str) -> None:
    at = next(i for i, c in enumerate(address) if i >= 2 and c.isalpha())
    flipped = address[:at] + address[at].swapcase() + address[at + 1 :]
    with pytest.raises(DestinationInvalid) as caught:
        validate_crypto_address(CryptoNetwork.ethereum, flipped)
    assert caught.value.problem == "EIP-55 checksum does not match"


# --- Base58Check -------------------------------------------------------------------------------


def test_base58check_p2pkh_decodes_to_version_0_and_the_hash() -> None:
    # the genesis block's coinbase: version 0x00 + HASH160 of its public key
    payload = base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert payload == bytes.fromhex("00" + "62e907b15cbf27d5425399ebf6f0fb50ebb88f18")


def test_base58check_p2sh_decodes_to_version_5() -> None:
    payload = base58check_decode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert payload is not None
    assert payload[0] == 0x05
    assert len(payload) == 21


@pytest.mark.parametrize(
    "text",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # last character changed: checksum
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",  # last character changed: checksum
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n",  # trailing whitespace is not Base58
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a",  # 0 is not in the alphabet
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNä",  # nor is anything outside ASCII
        "",
    ],
)
def test_base58check_refuses_a_broken_checksum_or_alphabet(text: str) -> None:
    assert base58check_decode(text) is None


def test_base58check_of_a_bare_checksum_has_no_version_byte() -> None:
    assert base58check_decode(base58.b58encode_check(b"").decode()) is None
