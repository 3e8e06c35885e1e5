"""Helpers for pages that print many rows: each address reversed once, each distinct value made once.

A list page (the counselor's week, the case list, an archive, a campaign) prints dozens of rows;
``{% url %}``, ``|date`` and ``|time`` in a template redo the same work for every one of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import escape
from django.utils.translation import get_language

# A number no row reaches, reversed in place of a row's id and replaced per row.
_PK_MARK = 2_147_483_647


class Address:
    """``reverse(name, args=[pk])`` for every ``pk``, from one ``reverse()`` (none if nothing links there)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parts: tuple[str, str] | None = None

    def __call__(self, pk: int) -> str:
        if self.parts is None:
            prefix, suffix = reverse(self.name, args=[_PK_MARK]).rsplit(str(_PK_MARK), 1)
            self.parts = prefix, suffix
        return f"{self.parts[0]}{pk}{self.parts[1]}"


# Addresses of pages without arguments (the layout's links), by name, URLconf, prefix and language.
_FIXED: dict[tuple, str] = {}
_FIXED_KEPT = 1024


def fixed_address(name: str) -> str:
    """``reverse(name)`` for a page without arguments, reversed once per process for each URLconf
    (a district's schools and its own site have different ones), script prefix and language: every
    page's layout links to the same few."""
    key = (name, get_urlconf(), get_script_prefix(), get_language())
    address = _FIXED.get(key)
    if address is None:
        address = reverse(name)
        if len(_FIXED) < _FIXED_KEPT:
            _FIXED[key] = address
    return address


class Once(dict):
    """Each distinct value made once (a date, a count, a label), then looked up: rows repeat them."""

    def __init__(self, make: Callable) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


class Clock:
    """Local wall-clock times as ``|time:"TIME_FORMAT"`` shows them (escaped with ``escaped``), each
    distinct time formatted once, in the current time zone and language."""

    def __init__(self, *, escaped: bool = False) -> None:
        self.zone = timezone.get_current_timezone()
        self.pattern = formats.get_format("TIME_FORMAT")
        self.escaped = escaped
        self.seen: dict = {}

    def __call__(self, moment: datetime.datetime) -> str:
        local = moment.astimezone(self.zone)
        # A time format reads only the time of day and the zone's offset, never the date.
        key = (local.time(), local.utcoffset())
        try:
            return self.seen[key]
        except KeyError:
            text = dateformat.time_format(local, self.pattern)
            text = self.seen[key] = escape(text) if self.escaped else text
            return text
