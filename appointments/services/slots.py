"""Free times: opening hours cut into slots, minus what is booked, held or closed.

Everything here reads a fixed number of queries whatever the number of days, counselors or
appointments: schedules, extra sessions, closed days, appointments, group sessions and held
offers are each read once for the whole window and matched in memory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from appointments.enums import BLOCKING_STATUSES
from appointments.models import Appointment, ClosedDay, ExtraSession, GroupSession, WaitlistOffer, WeeklySchedule
from counseling import prepared


@dataclass(frozen=True)
class Slot:
    counselor: object = field(compare=False, hash=False)
    counselor_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str = field(compare=False, hash=False)
    reserved: bool = field(compare=False, hash=False)

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def key(self) -> str:
        """How the slot is named in URLs and forms: the local start, to the minute."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")


def aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return aware(first, datetime.time.min), aware(last + datetime.timedelta(days=1), datetime.time.min)


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def closed_days(
    first: datetime.date, last: datetime.date, counselor_ids: Iterable[int] | None = None
) -> list[ClosedDay]:
    # With the counselor: the agenda names whose day it is.
    queryset = ClosedDay.objects.filter(start_date__lte=last, end_date__gte=first).select_related("counselor")
    if counselor_ids is not None:
        queryset = queryset.filter(Q(counselor__isnull=True) | Q(counselor_id__in=list(counselor_ids)))
    return list(queryset)


def closure_for(closures: list[ClosedDay], day: datetime.date, counselor_id: int) -> ClosedDay | None:
    return next((c for c in closures if c.covers(day, counselor_id)), None)


def office_slots(
    first: datetime.date,
    last: datetime.date,
    counselor_ids: Iterable[int] | None = None,
    *,
    closures: list[ClosedDay] | None = None,
) -> list[Slot]:
    """Every slot of the opening hours from ``first`` to ``last`` (inclusive), booked or not.

    Weekly schedules count only on days inside their term; closed days (office-wide or the
    counselor's) remove a day; extra sessions add hours. Two blocks that give the same counselor
    the same start yield one slot. ``closures``: the window's closed days, when the caller has
    read them already (``closed_days`` with the same window and counselors).
    """
    ids = None if counselor_ids is None else list(counselor_ids)
    schedules = WeeklySchedule.objects.filter(term__start__lte=last, term__end__gte=first).select_related(
        "counselor", "term"
    )
    extras = ExtraSession.objects.filter(date__gte=first, date__lte=last).select_related("counselor")
    if ids is not None:
        schedules = schedules.filter(counselor_id__in=ids)
        extras = extras.filter(counselor_id__in=ids)
    if closures is None:
        closures = closed_days(first, last, ids)
    by_weekday: dict[int, list[WeeklySchedule]] = defaultdict(list)
    for schedule in schedules:
        by_weekday[schedule.weekday].append(schedule)
    extras_by_day: dict[datetime.date, list[ExtraSession]] = defaultdict(list)
    for extra in extras:
        extras_by_day[extra.date].append(extra)

    slots: dict[tuple[int, datetime.datetime], Slot] = {}
    for day in days(first, last):
        blocks = [s for s in by_weekday[day.weekday()] if s.term.contains(day)] + extras_by_day[day]
        for block in blocks:
            if closure_for(closures, day, block.counselor_id):
                continue
            length = datetime.timedelta(minutes=block.slot_minutes)
            for start_time in block.slot_starts():
                starts_at = aware(day, start_time)
                slots.setdefault(
                    (block.counselor_id, starts_at),
                    Slot(
                        counselor=block.counselor,
                        counselor_id=block.counselor_id,
                        starts_at=starts_at,
                        ends_at=starts_at + length,
                        room=block.room,
                        reserved=block.reserved_for_key_students,
                    ),
                )
    return sorted(slots.values(), key=lambda s: (s.starts_at, s.counselor_id))


@dataclass
class Busy:
    """Who is busy when, in a window: blocking appointments, group sessions and held slots."""

    spans: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = field(default_factory=dict)
    held: dict[tuple[int, datetime.datetime], int] = field(default_factory=dict)

    def is_busy(self, counselor_id: int, starts_at, ends_at) -> bool:
        # The spans come from the database in UTC. Two aware datetimes with the same tzinfo compare
        # without working out UTC offsets, about twenty times faster than a local slot time against
        # a UTC span: over a fortnight of slots that was most of the booking page's sorting time.
        starts_at, ends_at = starts_at.astimezone(datetime.UTC), ends_at.astimezone(datetime.UTC)
        return any(s < ends_at and e > starts_at for s, e in self.spans.get(counselor_id, ()))

    def held_for(self, counselor_id: int, starts_at) -> int | None:
        """The student a live waitlist offer holds this slot for, if any."""
        return self.held.get((counselor_id, starts_at))


@dataclass(frozen=True)
class Window:
    """What a page has already read of a window, to work out its free slots without reading it again.

    ``appointments`` (any status) and ``groups`` (cancelled or not) must hold every one of the
    counselors' appointments and group sessions that overlap the window; ``closures`` its closed days.
    """

    appointments: list[Appointment]
    groups: list[GroupSession]
    closures: list[ClosedDay]


def busy_between(
    start: datetime.datetime,
    end: datetime.datetime,
    counselor_ids: Iterable[int] | None = None,
    exclude_appointment: int | None = None,
    *,
    known: Window | None = None,
) -> Busy:
    ids = None if counselor_ids is None else list(counselor_ids)
    # Every free-times page reads these (kept queries, counseling.prepared): the window and the
    # counselors are values; whether counselors are chosen, and an appointment left out, its form.
    window = {"start": start, "end": end} | ({} if ids is None else {"ids": ids})
    if known is None:
        left_out = {"exclude": exclude_appointment} if exclude_appointment else {}
        spans = [
            *prepared.rows(
                "appointments.busy.appointments",
                _busy_appointments,
                shape=(ids is None, bool(left_out)),
                **window,
                **left_out,
            ),
            *prepared.rows("appointments.busy.groups", _busy_groups, shape=(ids is None,), **window),
        ]
    else:
        # The same rows as the two queries above, picked from what the page read.
        spans = [
            (a.counselor_id, a.starts_at, a.ends_at)
            for a in known.appointments
            if a.status in BLOCKING_STATUSES
            and a.starts_at < end
            and a.ends_at > start
            and a.pk != exclude_appointment
            and (ids is None or a.counselor_id in ids)
        ] + [
            (g.counselor_id, g.starts_at, g.ends_at)
            for g in known.groups
            if not g.is_cancelled and g.starts_at < end and g.ends_at > start and (ids is None or g.counselor_id in ids)
        ]
    busy = Busy(spans=defaultdict(list))
    for counselor_id, s, e in spans:
        busy.spans[counselor_id].append((s, e))
    offers = prepared.rows("appointments.busy.offers", _live_offers, shape=(ids is None,), now=timezone.now(), **window)
    for counselor_id, s, student_id in offers:
        busy.held[(counselor_id, s)] = student_id
    return busy


def _busy_appointments(start, end, ids=None, exclude=None):
    appointments = Appointment.objects.overlapping(start, end)
    if ids is not None:
        appointments = appointments.filter(counselor_id__in=ids)
    if exclude is not None:
        appointments = appointments.exclude(pk=exclude)
    return appointments.values_list("counselor_id", "starts_at", "ends_at")


def _busy_groups(start, end, ids=None):
    groups = GroupSession.objects.filter(is_cancelled=False, starts_at__lt=end, ends_at__gt=start)
    if ids is not None:
        groups = groups.filter(counselor_id__in=ids)
    return groups.values_list("counselor_id", "starts_at", "ends_at")


def _live_offers(start, end, now, ids=None):
    offers = WaitlistOffer.objects.live(now).filter(starts_at__lt=end, ends_at__gt=start)
    if ids is not None:
        offers = offers.filter(counselor_id__in=ids)
    return offers.values_list("counselor_id", "starts_at", "entry__student_id")


def free_slots(
    first: datetime.date,
    last: datetime.date,
    *,
    counselor_ids: Iterable[int] | None = None,
    include_reserved: bool = False,
    not_before: datetime.datetime | None = None,
    student_id: int | None = None,
    exclude_appointment: int | None = None,
    known: Window | None = None,
    office: list[Slot] | None = None,
) -> list[Slot]:
    """Slots nobody has booked or holds, from ``not_before`` on.

    Slots held by a waitlist offer count as taken, except for the student they are held for.
    ``known``: the window's appointments, group sessions and closed days, when the caller has read
    them already (the agenda shows them): they are not read again. ``office``: the window's office
    slots (``office_slots`` with the same window and counselors), when the caller has them.
    """
    ids = None if counselor_ids is None else list(counselor_ids)
    slots = (
        office
        if office is not None
        else office_slots(first, last, ids, closures=None if known is None else known.closures)
    )
    start, end = day_bounds(first, last)
    busy = busy_between(start, end, ids, exclude_appointment=exclude_appointment, known=known)
    result = []
    for slot in slots:
        if not include_reserved and slot.reserved:
            continue
        if not_before is not None and slot.starts_at < not_before:
            continue
        if busy.is_busy(slot.counselor_id, slot.starts_at, slot.ends_at):
            continue
        holder = busy.held_for(slot.counselor_id, slot.starts_at)
        if holder is not None and holder != student_id:
            continue
        result.append(slot)
    return result


def group_by_day(slots: Iterable[Slot]) -> list[tuple[datetime.date, list[Slot]]]:
    grouped: dict[datetime.date, list[Slot]] = defaultdict(list)
    tz = timezone.get_current_timezone()  # once, not once a slot (a fortnight holds dozens)
    for slot in slots:
        grouped[slot.starts_at.astimezone(tz).date()].append(slot)
    return sorted(grouped.items())


def merge_any_counselor(slots: Iterable[Slot]) -> list[Slot]:
    """One slot per start time (the first counselor free then), for the “any counselor” view."""
    seen: dict[datetime.datetime, Slot] = {}
    for slot in slots:
        seen.setdefault(slot.starts_at, slot)
    return sorted(seen.values(), key=lambda s: s.starts_at)


def parse_slot_key(text: str | None) -> datetime.datetime | None:
    """The aware start named by a slot key (``2026-11-24T17:25``), or None for anything else."""
    if not text or len(text) > 40:
        return None
    try:
        naive = datetime.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    if not 2000 <= naive.year <= 2100:
        return None
    return timezone.make_aware(naive)
