"""Times of day for pages that print many of them: each distinct time formatted once.

A list page (the counselor's week, a campaign's events) prints dozens of times; ``|time`` in a
template formats each one again. ``Clock`` writes what ``{{ moment|time:"TIME_FORMAT" }}`` wrote, in
the current time zone and language, and remembers it for the page.
"""

from __future__ import annotations

import datetime

from django.utils import dateformat, formats, timezone
from django.utils.html import escape


class Clock:
    """Local wall-clock times as ``|time:"TIME_FORMAT"`` shows them (escaped with ``escaped``)."""

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
