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
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def configured_or_demo_keys(setting: str, key_file: Path, make: Callable[[], str]) -> list[str]:
    """The keys of ``setting`` (a list or one string); in demo mode (DEBUG, unset) those of
    ``key_file``, which ``make()`` fills once (mode 600). Production without the setting is an error.

    One rule for every key kept outside the database: field keys, backup keys, the audit key.
    """
    configured = getattr(settings, setting)
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    if not settings.DEBUG:
        raise ImproperlyConfigured(f"{setting} must be set when DEBUG is off.")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(make() + "\n")
        key_file.chmod(0o600)
    return [line.strip() for line in key_file.read_text().splitlines() if line.strip()]


def _configured_keys() -> list[str]:
    return configured_or_demo_keys(
        "FIELD_ENCRYPTION_KEYS", settings.FIELD_ENCRYPTION_KEY_FILE, lambda: Fernet.generate_key().decode()
    )


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
    return configured_or_demo_keys("AUDIT_KEY", settings.AUDIT_KEY_FILE, lambda: secrets.token_urlsafe(48))[0].encode()


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
