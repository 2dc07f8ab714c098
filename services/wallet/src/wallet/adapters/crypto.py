"""Field encryption at rest: AES-256-GCM with ``WALLET_DATA_ENCRYPTION_KEY``.

Stored form: ``version (1 byte) || nonce (12 bytes) || ciphertext || tag``. The associated data
binds a ciphertext to its row and field (e.g. ``withdrawal_method.iban:<id>``), so a value copied
into another row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION: Final = b"\x01"
NONCE_BYTES: Final = 12


class InvalidEncryptionKey(ValueError):
    pass


def decode_key(key_b64: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(key_b64.encode())
    except (binascii.Error, ValueError) as exc:
        raise InvalidEncryptionKey("the data encryption key is not URL-safe base64") from exc
    if len(key) != 32:
        raise InvalidEncryptionKey("the data encryption key must be 32 bytes (AES-256)")
    return key


class FieldCipher:
    def __init__(self, key_b64: str) -> None:
        self._aead = AESGCM(decode_key(key_b64))

    def encrypt(self, plaintext: str, *, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return VERSION + nonce + sealed

    def decrypt(self, blob: bytes, *, context: str) -> str:
        if blob[:1] != VERSION:
            raise ValueError("unknown ciphertext version")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        return self._aead.decrypt(nonce, sealed, context.encode()).decode()
