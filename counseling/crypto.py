"""Encryption at rest for confidential text, on cryptography's MultiFernet.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys; the first encrypts, all
decrypt). In demo mode (DEBUG on, no keys set) a key is generated into a git-ignored local
file. A value that no key can decrypt raises, so ciphertext is never shown as if it were text.
Encrypted columns cannot be searched or ordered: keep what you filter on in plain columns.

The audit trail's HMAC key (``audit_key``) is kept the same way: AUDIT_KEY, or a generated file
in demo mode.

In a district installation every school has its own keys: each configured key is the master of a
key derived for the school whose schema the connection is in (HKDF-SHA256, the schema name as the
context), so one school's ciphertext does not open with another's keys, and the audit chains of
two schools are sealed under different keys. A single school (no schema) uses the keys as given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models


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


def school_scope() -> str:
    """The schema of the school the connection works for in a district installation, else ""."""
    return getattr(connection, "schema_name", "")


def _school_key(master: str, scope: str) -> str:
    """The Fernet key of school ``scope`` derived from the configured key ``master``."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"counseling field key", info=scope.encode()).derive(
        base64.urlsafe_b64decode(master)
    )
    return base64.urlsafe_b64encode(derived).decode()


@lru_cache(maxsize=256)
def _fernet(scope: str = "") -> MultiFernet:
    keys = _configured_keys()
    try:
        if scope:
            keys = [_school_key(key, scope) for key in keys]
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a malformed key.") from exc


def reset_keys() -> None:
    """Forget the cached keys (after the settings change, e.g. in a key rotation)."""
    _fernet.cache_clear()


def audit_key() -> bytes:
    """The audit trail's HMAC key: AUDIT_KEY, or in demo mode a key generated into AUDIT_KEY_FILE
    (in a district, the school's own key derived from it).

    Not cached: tests and a re-configured process see the current setting. Production without
    AUDIT_KEY never gets here (the settings refuse to load).
    """
    key = configured_or_demo_keys("AUDIT_KEY", settings.AUDIT_KEY_FILE, lambda: secrets.token_urlsafe(48))[0].encode()
    scope = school_scope()
    if scope:
        return hmac.new(key, b"counseling audit key:" + scope.encode(), hashlib.sha256).hexdigest().encode()
    return key


def encrypt(text: str) -> str:
    return _fernet(school_scope()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(school_scope()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A confidential value could not be decrypted with the configured keys.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored value under the first key."""
    try:
        return _fernet(school_scope()).rotate(token.encode()).decode()
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
