"""Encryption of sensitive fields at rest, and keyed hashes for exact lookup.

LINLI_FIELD_KEYS is a comma-separated list of Fernet keys, newest first: the first encrypts, all of
them decrypt, so a new key can be put in front and `linli rotate_field_keys` re-encrypts the rows
at leisure. Without the variable a key is generated once and kept in LINLI_DATA_DIR/field_keys.

A lookup hash is an HMAC-SHA256 of the normalised value under a key derived from a field key; an
exact search hashes the query under every configured key, so lookups keep working mid-rotation.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "lookup_hash", "lookup_hashes", "rotate"]


@cache
def _keys() -> tuple[bytes, ...]:
    keys = tuple(key.encode() for key in settings.FIELD_KEYS)
    if not keys:
        raise RuntimeError("no field encryption key is configured (LINLI_FIELD_KEYS)")
    return keys


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def _lookup_key(field_key: bytes) -> bytes:
    return hashlib.sha256(b"linli-lookup:" + field_key).digest()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same plaintext, encrypted under the newest key."""
    return _fernet().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """The hash stored beside a value: under the newest key."""
    return hmac.new(_lookup_key(_keys()[0]), value.encode(), hashlib.sha256).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """The value's hash under every configured key, newest first: what a search looks for."""
    return [
        hmac.new(_lookup_key(key), value.encode(), hashlib.sha256).hexdigest() for key in _keys()
    ]


def reset_key_cache() -> None:
    """After the keys in settings change (tests, a rotation run)."""
    _keys.cache_clear()
    _fernet.cache_clear()
