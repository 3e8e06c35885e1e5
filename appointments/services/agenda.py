"""What the counselor's day and week views show: appointments and free slots per day."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, ClosedDay, GroupSession
from appointments.services.hours_cache import window_hours
from appointments.services.slots import Slot, Window, day_bounds, days, free_slots
from counseling import prepared
from counseling.enums import Channel, ClientKind

_STATUS_LABELS = dict(AppointmentStatus.choices)
_CHANNEL_LABELS = dict(Channel.choices)


@dataclass(slots=True)
class AgendaRow:
    """What the week shows of an appointment, read as plain values (``ROW_COLUMNS``), not as an
    appointment with its student, class, grade, counselor and topic. Has what free slots need of
    an appointment too (``pk``, ``counselor_id``, ``starts_at``, ``ends_at``, ``status``) and what
    ``status_badge`` reads."""

    pk: int
    student_id: int
    counselor_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    channel: str
    room: str
    is_first_visit: bool
    client_kind: str
    student_name: str  # as User.__str__: the name, else the username
    class_number: int | None  # None: the student has no profile
    grade_name: str | None
    counselor_name: str
    signals_risk: bool  # the topic signals risk (False without a topic)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_adult_client(self) -> bool:
        return self.client_kind != ClientKind.STUDENT

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    def get_channel_display(self) -> str:
        return _CHANNEL_LABELS.get(self.channel, self.channel)


@dataclass(slots=True)
class GroupRow:
    """A group session as the agenda shows it (and its free slots need it), with ``joined`` counted."""

    pk: int
    counselor_id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    is_cancelled: bool
    joined: int


@dataclass
class AgendaDay:
    day: datetime.date
    appointments: list[Appointment] | list[AgendaRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
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
# An AgendaRow's columns, in its fields' order.
ROW_COLUMNS = (
    "pk",
    "student_id",
    "counselor_id",
    "starts_at",
    "ends_at",
    "status",
    "channel",
    "room",
    "is_first_visit",
    "client_kind",
    "student__name",
    "student__username",
    "student__student_profile__school_class__number",
    "student__student_profile__school_class__grade__name",
    "counselor__name",
    "counselor__username",
    "topic__signals_risk",
)
# A GroupRow's columns (``joined`` is counted after).
GROUP_COLUMNS = ("pk", "counselor_id", "title", "starts_at", "ends_at", "capacity", "is_cancelled")


def _window_query(model, start: datetime.datetime, end: datetime.datetime, ids: list[int] | None = None):
    """``model``'s rows that overlap the window, of the counselors ``ids`` (None: everyone's)."""
    queryset = model.objects.filter(starts_at__lt=end, ends_at__gt=start)
    return queryset if ids is None else queryset.filter(counselor_id__in=ids)


def _values(counselor_ids: list[int] | None, **values) -> dict:
    # Everyone's agenda has no list of counselors: None is the query's form (shape), not a value.
    return values if counselor_ids is None else {**values, "ids": list(counselor_ids)}


def _appointment_rows(
    start: datetime.datetime, end: datetime.datetime, counselor_ids: list[int] | None
) -> list[AgendaRow]:
    rows = prepared.rows(
        "appointments.agenda.appointments",
        lambda start, end, ids=None: (
            _window_query(Appointment, start, end, ids).order_by("starts_at", "id").values_list(*ROW_COLUMNS)
        ),
        shape=(counselor_ids is None,),
        **_values(counselor_ids, start=start, end=end),
    )
    return [
        AgendaRow(
            pk,
            student_id,
            counselor_id,
            starts_at,
            ends_at,
            status,
            channel,
            room,
            is_first_visit,
            client_kind,
            student_name or student_username,
            class_number,
            grade_name,
            counselor_name or counselor_username,
            bool(signals_risk),
        )
        for (
            pk,
            student_id,
            counselor_id,
            starts_at,
            ends_at,
            status,
            channel,
            room,
            is_first_visit,
            client_kind,
            student_name,
            student_username,
            class_number,
            grade_name,
            counselor_name,
            counselor_username,
            signals_risk,
        ) in rows
    ]


def _group_rows(start: datetime.datetime, end: datetime.datetime, counselor_ids: list[int] | None) -> list[GroupRow]:
    rows = prepared.rows(
        "appointments.agenda.groups",
        lambda start, end, ids=None: (
            _window_query(GroupSession, start, end, ids)
            .values_list(*GROUP_COLUMNS)
            .annotate(joined=Count("participants"))
            .order_by("starts_at")
        ),
        shape=(counselor_ids is None,),
        **_values(counselor_ids, start=start, end=end),
    )
    return [GroupRow(*row) for row in rows]


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def agenda(
    first: datetime.date, last: datetime.date, counselor_ids: list[int] | None, *, as_rows: bool = False
) -> list[AgendaDay]:
    """Each day's appointments (all statuses), group sessions and free slots ahead (incl. reserved ones).

    ``counselor_ids`` None means every counselor (the head counselor's overview). A fixed number
    of queries for any number of appointments; the window's appointments, group sessions and
    closed days are read once, for the page and for its free slots alike. Office slots and closed
    days come from the opening-hours cache where there is one (``hours_cache.window_hours``).

    Group sessions are ``GroupRow`` values; appointments are ``Appointment`` instances (with their
    student, class, grade, counselor and topic), or with ``as_rows`` the ``AgendaRow`` values the
    week shows (its two queries are then compiled once per process, see counseling.prepared).
    """
    start, end = day_bounds(first, last)
    # Everything overlapping the window (what makes a slot busy); the days list what starts in it.
    # Only the columns the day and week views show: the compiler's cost grows with every column.
    if as_rows:
        appointments = _appointment_rows(start, end, counselor_ids)
    else:
        appointments = list(
            _window_query(Appointment, start, end, counselor_ids).for_lists().only(*APPOINTMENT_COLUMNS)
        )
    groups = _group_rows(start, end, counselor_ids)
    office, closures = window_hours(first, last, counselor_ids)
    known = Window(appointments=appointments, groups=groups, closures=closures)
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
