"""Encryption of personal fields (手机号, 身份证号) and their masking.

A stored value is ``<cipher>:<key id>:<base64 payload>``. Two ciphers are built in:

* ``sm4`` (default): SM4-CBC with a random IV, then HMAC-SM3 over cipher name, key id,
  IV and ciphertext (encrypt-then-MAC), using the pure-Python ``gmssl`` package.
* ``aesgcm``: AES-256-GCM from ``cryptography``, when that package is installed.

``ZHENGGAI_FIELD_CIPHER`` picks the cipher for new values; reading follows the prefix,
so switching ciphers keeps old values readable. The key is ``ZHENGGAI_FIELD_KEY`` (64 hex
characters) or, when unset, derived from the secret key. Software SM4 is one pluggable
option: a deployment assessed under GB/T 39786 replaces it by a certified module
(``ZHENGGAI_FIELD_CIPHERS`` adds dotted paths of further :class:`Cipher` classes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class DecryptionError(Exception):
    """A stored value cannot be opened: wrong key, unknown cipher or tampered data."""


class Cipher(Protocol):
    name: str

    def seal(self, key: bytes, plaintext: bytes, header: bytes) -> bytes: ...

    def open(self, key: bytes, payload: bytes, header: bytes) -> bytes: ...


def _sm3(data: bytes) -> bytes:
    from gmssl import func, sm3

    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) with SM3 as the hash (block size 64 bytes)."""
    if len(key) > 64:
        key = _sm3(key)
    key = key.ljust(64, b"\x00")
    inner = _sm3(bytes(b ^ 0x36 for b in key) + message)
    return _sm3(bytes(b ^ 0x5C for b in key) + inner)


class Sm4Cipher:
    name = "sm4"

    @staticmethod
    def _keys(key: bytes) -> tuple[bytes, bytes]:
        return hmac_sm3(key, b"enc")[:16], hmac_sm3(key, b"mac")

    def seal(self, key: bytes, plaintext: bytes, header: bytes) -> bytes:
        from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

        enc_key, mac_key = self._keys(key)
        iv = os.urandom(16)
        engine = CryptSM4()
        engine.set_key(enc_key, SM4_ENCRYPT)
        body = iv + engine.crypt_cbc(iv, plaintext)
        return body + hmac_sm3(mac_key, header + body)

    def open(self, key: bytes, payload: bytes, header: bytes) -> bytes:
        from gmssl.sm4 import SM4_DECRYPT, CryptSM4

        enc_key, mac_key = self._keys(key)
        body, tag = payload[:-32], payload[-32:]
        if len(body) < 32 or not hmac.compare_digest(tag, hmac_sm3(mac_key, header + body)):
            raise DecryptionError("integrity check failed")
        engine = CryptSM4()
        engine.set_key(enc_key, SM4_DECRYPT)
        return engine.crypt_cbc(body[:16], body[16:])


class AesGcmCipher:
    name = "aesgcm"

    def seal(self, key: bytes, plaintext: bytes, header: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, header)

    def open(self, key: bytes, payload: bytes, header: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(key).decrypt(payload[:12], payload[12:], header)
        except InvalidTag:
            raise DecryptionError("integrity check failed") from None


def ciphers() -> dict[str, Cipher]:
    found: dict[str, Cipher] = {"sm4": Sm4Cipher(), "aesgcm": AesGcmCipher()}
    for path in getattr(settings, "ZHENGGAI_FIELD_CIPHERS", []):
        extra = import_string(path)()
        found[extra.name] = extra
    return found


@cache
def _master_key(configured: str | None, secret: str) -> bytes:
    if configured:
        return bytes.fromhex(configured)
    return hmac.new(secret.encode(), b"zhenggai/field-key/v1", hashlib.sha256).digest()


def master_key() -> bytes:
    return _master_key(settings.ZHENGGAI_FIELD_KEY, settings.SECRET_KEY)


def key_id(key: bytes) -> str:
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:8]


def encrypt(plaintext: str, cipher_name: str | None = None) -> str:
    name = cipher_name or settings.ZHENGGAI_FIELD_CIPHER
    cipher = ciphers()[name]
    key = master_key()
    header = f"{name}:{key_id(key)}:".encode()
    payload = cipher.seal(key, plaintext.encode("utf-8"), header)
    return header.decode() + base64.b64encode(payload).decode("ascii")


def decrypt(token: str) -> str:
    try:
        name, kid, body = token.split(":", 2)
        cipher = ciphers()[name]
        payload = base64.b64decode(body, validate=True)
    except (ValueError, KeyError) as exc:
        raise DecryptionError("malformed value") from exc
    key = master_key()
    if kid != key_id(key):
        raise DecryptionError("value was sealed with another key")
    return cipher.open(key, payload, f"{name}:{kid}:".encode()).decode("utf-8")


def is_sealed(value: str) -> bool:
    name, _, rest = value.partition(":")
    return name in ciphers() and rest.count(":") >= 1


# ------------------------------------------------------------------ masking


def mask_phone(value: str | None) -> str:
    """138****1234: the first three and the last four digits stay visible."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str | None) -> str:
    """110***********1234: the region prefix and the last four characters stay visible."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
