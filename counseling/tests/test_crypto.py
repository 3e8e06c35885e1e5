"""The field keys: a missing or malformed key stops the app (the encrypted columns are tested with
the records that have them, e.g. counseling/cases/tests/test_crypto.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from counseling import crypto


@pytest.fixture(autouse=True)
def fresh_keys():
    """Every test starts and ends with the test keys loaded."""
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def test_a_missing_key_outside_demo_mode_stops_the_app() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[], DEBUG=False):
        crypto.reset_keys()
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt("x")


def test_a_malformed_key_stops_the_app() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]):
        crypto.reset_keys()
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt("x")
