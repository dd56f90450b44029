"""Webhook signatures: HMAC-SHA256 or HMAC-SM3 over ``"<timestamp>.<body>"``.

Header ``X-Zhenggai-Signature: t=<unix seconds>,v1=<hex>`` (HMAC-SHA256) or
``t=<unix seconds>,sm3=<hex>`` (HMAC-SM3, GB/T 32905 hash with the RFC 2104
construction; the hash comes from ``gmssl``).
"""

from __future__ import annotations

import hashlib
import hmac

from gmssl import sm3

from zhenggai.api.models import WebhookAlgorithm

SM3_BLOCK = 64
SCHEME = {WebhookAlgorithm.HMAC_SHA256: "v1", WebhookAlgorithm.HMAC_SM3: "sm3"}


def _sm3(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(list(data)))


def hmac_sm3(key: bytes, message: bytes) -> str:
    """HMAC (RFC 2104) with SM3 as the hash; hex digest."""
    if len(key) > SM3_BLOCK:
        key = _sm3(key)
    key = key.ljust(SM3_BLOCK, b"\0")
    inner = _sm3(bytes(b ^ 0x36 for b in key) + message)
    return _sm3(bytes(b ^ 0x5C for b in key) + inner).hex()


def digest(algorithm: str, secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    if algorithm == WebhookAlgorithm.HMAC_SM3:
        return hmac_sm3(secret.encode(), message)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(algorithm: str, secret: str, timestamp: int, body: bytes) -> str:
    scheme = SCHEME[WebhookAlgorithm(algorithm)]
    return f"t={timestamp},{scheme}={digest(algorithm, secret, timestamp, body)}"


def verify(
    header: str, body: bytes, secret: str, *, algorithm: str, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does: check the scheme, the age and the digest (constant time)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        given = parts[SCHEME[WebhookAlgorithm(algorithm)]]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(given, digest(algorithm, secret, timestamp, body))
