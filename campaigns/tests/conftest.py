"""The campaigns tests read messages in English; test_i18n checks the Chinese pages."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
