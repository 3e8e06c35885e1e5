"""Is a time an ordinary one for a counselor to meet a student? Opening hours, the school day, terms.

A counselor may book a student at any time (a walk-in at 10:00, a phone call at noon), but a time
outside both the counselor's opening hours and the school day (a night, a weekend, the holidays)
is almost always a slip of the keyboard: 03:00 instead of 15:00. Such a time is booked only when the
counselor confirms it explicitly. The school day is Monday to Friday inside a term, between
``settings.SCHOOL_DAY_START`` and ``SCHOOL_DAY_END``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from appointments.services.errors import BookingError
from appointments.services.slots import Slot, office_slots
from counseling.models import Term


class UnusualTimeError(BookingError):
    """The time is outside the opening hours and the school day; booking it needs a confirmation."""


def school_day_hours() -> tuple[datetime.time, datetime.time]:
    return (
        datetime.time.fromisoformat(settings.SCHOOL_DAY_START),
        datetime.time.fromisoformat(settings.SCHOOL_DAY_END),
    )


def term_gap(day: datetime.date, terms: list[Term] | None = None) -> str:
    """Why ``day`` is not in a term ("school holidays", "after the term ends"), or "" when it is."""
    terms = list(Term.objects.all()) if terms is None else terms
    if any(term.contains(day) for term in terms):
        return ""
    if any(term.start > day for term in terms):
        return _("school holidays")
    return _("after the term ends")


def within_opening_hours(
    counselor_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime, slots: list[Slot] | None = None
) -> bool:
    """True when consecutive slots of the counselor's opening hours cover the whole time.

    ``slots``: the opening-hour slots of a window holding that day (read when not given).
    """
    day = timezone.localdate(starts_at)
    if slots is None:
        slots = office_slots(day, day, [counselor_id])
    covered_until = starts_at
    for slot in slots:
        if slot.counselor_id != counselor_id:
            continue
        if slot.starts_at <= covered_until < slot.ends_at:
            covered_until = slot.ends_at
        if covered_until >= ends_at:
            return True
    return False


def unusual_time(
    counselor_id: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    terms: list[Term] | None = None,
    slots: list[Slot] | None = None,
) -> str:
    """Why a counselor must confirm this time explicitly, or "" when it is an ordinary one.

    Ordinary: inside the counselor's opening hours, or inside the school day. Reads the terms
    and, outside the school day, the day's opening hours, unless they are given.
    """
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = local_start.date()
    first, last = school_day_hours()
    gap = term_gap(day, terms)
    if gap:
        reason = gap
    elif day.weekday() >= 5:
        reason = _("a weekend")
    elif local_end.date() != day or local_start.time() < first or local_end.time() > last:
        reason = _("outside the school day (%(start)s–%(end)s)") % {
            "start": formats.time_format(first, "TIME_FORMAT"),
            "end": formats.time_format(last, "TIME_FORMAT"),
        }
    else:
        return ""
    if within_opening_hours(counselor_id, starts_at, ends_at, slots):
        return ""
    return _("%(when)s is outside the opening hours: %(reason)s.") % {
        "when": formats.date_format(local_start, "SHORT_DATETIME_FORMAT"),
        "reason": reason,
    }


def check_usual_time(counselor_id: int, starts_at, ends_at, *, confirmed: bool) -> None:
    """Raise UnusualTimeError (nothing is booked) for an unusual time the counselor has not confirmed."""
    if confirmed:
        return
    reason = unusual_time(counselor_id, starts_at, ends_at)
    if reason:
        raise UnusualTimeError(reason)
