"""What the counselor's day and week views show: appointments and free slots per day."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from appointments.models import Appointment, ClosedDay, GroupSession
from appointments.services.hours_cache import window_hours
from appointments.services.slots import Slot, Window, day_bounds, days, free_slots


@dataclass
class AgendaDay:
    day: datetime.date
    appointments: list[Appointment] = field(default_factory=list)
    groups: list[GroupSession] = field(default_factory=list)
    free: list[Slot] = field(default_factory=list)
    closures: list[ClosedDay] = field(default_factory=list)


# What the agenda shows of an appointment (and what its free slots need: status, times, counselor).
APPOINTMENT_COLUMNS = (
    "student_id",
    "counselor_id",
    "starts_at",
    "ends_at",
    "status",
    "channel",
    "room",
    "is_first_visit",
    "client_kind",
    "topic_id",
    "student__name",
    "student__username",
    "student__student_profile__school_class__number",
    "student__student_profile__school_class__grade__name",
    "counselor__name",
    "counselor__username",
    "topic__name_zh",
    "topic__name_en",
    "topic__signals_risk",
)
GROUP_COLUMNS = ("counselor_id", "title", "starts_at", "ends_at", "capacity", "is_cancelled")


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def agenda(first: datetime.date, last: datetime.date, counselor_ids: list[int] | None) -> list[AgendaDay]:
    """Each day's appointments (all statuses), group sessions and free slots ahead (incl. reserved ones).

    ``counselor_ids`` None means every counselor (the head counselor's overview). A fixed number
    of queries for any number of appointments; the window's appointments, group sessions and
    closed days are read once, for the page and for its free slots alike. Office slots and closed
    days come from the opening-hours cache where there is one (``hours_cache.window_hours``).
    """
    start, end = day_bounds(first, last)
    # Everything overlapping the window (what makes a slot busy); the days list what starts in it.
    # Only the columns the day and week views show: the compiler's cost grows with every column.
    appointments = (
        Appointment.objects.for_lists().filter(starts_at__lt=end, ends_at__gt=start).only(*APPOINTMENT_COLUMNS)
    )
    groups = GroupSession.objects.filter(starts_at__lt=end, ends_at__gt=start).only(*GROUP_COLUMNS)
    if counselor_ids is not None:
        appointments = appointments.filter(counselor_id__in=counselor_ids)
        groups = groups.filter(counselor_id__in=counselor_ids)
    groups = groups.annotate(joined=Count("participants")).order_by("starts_at")
    office, closures = window_hours(first, last, counselor_ids)
    known = Window(appointments=list(appointments), groups=list(groups), closures=closures)
    result = {day: AgendaDay(day) for day in days(first, last)}
    for appointment in known.appointments:
        if appointment.starts_at >= start:
            result[timezone.localtime(appointment.starts_at).date()].appointments.append(appointment)
    for session in known.groups:
        if session.starts_at >= start:
            result[timezone.localtime(session.starts_at).date()].groups.append(session)
    by_day: dict[datetime.date, list[Slot]] = defaultdict(list)
    # Only times still ahead: a chip is an offer to book, and the past cannot be booked.
    free = free_slots(
        first,
        last,
        counselor_ids=counselor_ids,
        include_reserved=True,
        not_before=timezone.now(),
        known=known,
        office=office,
    )
    for slot in free:
        by_day[slot.local_start.date()].append(slot)
    for day, slots in by_day.items():
        result[day].free = slots
    for closure in known.closures:
        for day in days(max(first, closure.start_date), min(last, closure.end_date)):
            result[day].closures.append(closure)
    return list(result.values())
