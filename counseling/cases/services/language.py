"""Notices are written in the school's language, whoever's request or task sends them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.utils import translation


def in_school_language(function: Callable) -> Callable:
    """Run ``function`` with the school's language (LANGUAGE_CODE) active, not the sender's."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper
