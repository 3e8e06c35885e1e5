"""Notices as their reader reads them: rendered in the reader's language (they are stored untranslated)."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone, translation


def titles(messages, language: str = "en") -> list[str]:
    """The titles of these notifications or outbox messages, read in ``language``."""
    with translation.override(language):
        return [message.shown_title for message in messages]


def bodies(messages, language: str = "en") -> list[str]:
    with translation.override(language):
        return [message.shown_body for message in messages]


def when(moment: datetime.datetime, language: str = "en") -> str:
    """A time as a notice shows it to a reader of ``language`` (the language's short date and time)."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def day(value: datetime.date, language: str = "en") -> str:
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def lines(messages, language: str = "en") -> list[str]:
    """Digest lines (messages) read in ``language``."""
    with translation.override(language):
        return [str(message) for message in messages]


def time(moment: datetime.datetime, language: str = "en") -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "TIME_FORMAT")
