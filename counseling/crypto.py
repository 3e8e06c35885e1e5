"""Encryption at rest for confidential text, on cryptography's MultiFernet.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys; the first encrypts, all
decrypt). In demo mode (DEBUG on, no keys set) a key is generated into a git-ignored local
file. A value that no key can decrypt raises, so ciphertext is never shown as if it were text.
Encrypted columns cannot be searched or ordered: keep what you filter on in plain columns.

The audit trail's HMAC key (``audit_key``) is kept the same way: AUDIT_KEY, or a generated file
in demo mode.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def _configured_keys() -> list[str]:
    if settings.FIELD_ENCRYPTION_KEYS:
        return list(settings.FIELD_ENCRYPTION_KEYS)
    if not settings.DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    path = settings.FIELD_ENCRYPTION_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode() + "\n")
        path.chmod(0o600)
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = _configured_keys()
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a malformed key.") from exc


def reset_keys() -> None:
    """Forget the cached keys (after the settings change, e.g. in a key rotation)."""
    _fernet.cache_clear()


def audit_key() -> bytes:
    """The audit trail's HMAC key: AUDIT_KEY, or in demo mode a key generated into AUDIT_KEY_FILE.

    Not cached: tests and a re-configured process see the current setting. Production without
    AUDIT_KEY never gets here (the settings refuse to load).
    """
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY.encode()
    if not settings.DEBUG:
        raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off.")
    path = settings.AUDIT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48) + "\n")
        path.chmod(0o600)
    return path.read_text().strip().encode()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A confidential value could not be decrypted with the configured keys.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored value under the first key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A confidential value could not be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Empty text is stored as an empty string."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedCharField(EncryptedTextField):
    """A short line (a name, an institution) stored encrypted.

    Forms show one line and check ``max_length`` against the text; the column is a text column,
    because the ciphertext is several times longer than the text.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.TextInput, **kwargs})
