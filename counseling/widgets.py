"""Date and time widgets whose values are ISO strings in every language.

Browsers' ``<input type="date">`` (and ``datetime-local``, ``time``) accept only ISO values
(``2026-12-07``, ``2026-12-07T14:30``, ``14:30``); anything else leaves the input empty. Django's
own widgets render the active language's format (``2026/12/07`` in zh-hans), so every form uses
these instead.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    """``<input type="date">`` with an ISO value."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with an ISO value, to the minute, in local time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class TimeInput(forms.TimeInput):
    """``<input type="time">`` with an ISO value, to the minute."""

    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_TIME)
