"""Secrets at rest: AES-256-GCM under AUTH_KEY_ENCRYPTION_KEY (signing keys, TOTP secrets).

Each ciphertext is ``version byte ‖ 12-byte nonce ‖ GCM output`` and is bound to what it
protects through the associated data (``signing_key:<kid>``, ``totp:<user id>``), so a
ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE_BYTES = 12


class KeyEncryptionKeyInvalid(ValueError):
    pass


def _decode_key(encoded: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise KeyEncryptionKeyInvalid("AUTH_KEY_ENCRYPTION_KEY is not base64url") from None
    if len(raw) != 32:
        raise KeyEncryptionKeyInvalid("AUTH_KEY_ENCRYPTION_KEY must decode to 32 bytes")
    return raw


class SecretBox:
    def __init__(self, key: str) -> None:
        self._aead = AESGCM(_decode_key(key))

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, *, context: str) -> bytes:
        if sealed[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        nonce = sealed[1 : 1 + _NONCE_BYTES]
        return self._aead.decrypt(nonce, sealed[1 + _NONCE_BYTES :], context.encode())


def new_key_encryption_key() -> str:
    """A fresh AUTH_KEY_ENCRYPTION_KEY value."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
