"""iCalendar: a counselor's secret feed and a student's single-appointment download.

Events say "Counseling appointment" and the room, never the student's name or the topic: a
calendar app on a phone is not a confidential place.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, CalendarFeed, GroupSession
from appointments.models.appointment import new_feed_token

FEED_PAST = datetime.timedelta(days=30)
FEED_AHEAD = datetime.timedelta(days=180)


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//School Counseling Office//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Counseling appointments"))
    return calendar


def _event(uid: str, summary: str, starts_at, ends_at, room: str, *, tentative: bool = False, description: str = ""):
    event = Event()
    event.add("uid", f"{uid}@{settings.DEFAULT_FROM_EMAIL.split('@')[-1]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    if room:
        event.add("location", room)
    if description:
        event.add("description", description)
    event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    return event


def rotate_feed(counselor) -> CalendarFeed:
    """Create the counselor's feed, or replace its address (the old one stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(counselor=counselor)
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
    return feed


def revoke_feed(counselor) -> None:
    CalendarFeed.objects.filter(counselor=counselor).delete()


def counselor_feed(counselor) -> bytes:
    """The counselor's appointments and group sessions from a month ago to half a year ahead."""
    now = timezone.now()
    calendar = _calendar()
    appointments = Appointment.objects.filter(
        counselor=counselor,
        status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED, AppointmentStatus.ATTENDED],
        starts_at__gte=now - FEED_PAST,
        starts_at__lte=now + FEED_AHEAD,
    ).only("pk", "starts_at", "ends_at", "room", "status")
    for appointment in appointments:
        calendar.add_component(
            _event(
                f"appointment-{appointment.pk}",
                _("Counseling appointment"),
                appointment.starts_at,
                appointment.ends_at,
                appointment.room,
                tentative=appointment.status == AppointmentStatus.REQUESTED,
            )
        )
    sessions = GroupSession.objects.filter(
        counselor=counselor, is_cancelled=False, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD
    ).only("pk", "starts_at", "ends_at", "room")
    for session in sessions:
        calendar.add_component(
            _event(
                f"group-{session.pk}", _("Group counseling session"), session.starts_at, session.ends_at, session.room
            )
        )
    return calendar.to_ical()


def appointment_file(appointment: Appointment) -> bytes:
    """One appointment as an .ics file for the student (with the counselor's name, no topic)."""
    calendar = _calendar()
    calendar.add_component(
        _event(
            f"appointment-{appointment.pk}",
            _("Counseling appointment"),
            appointment.starts_at,
            appointment.ends_at,
            appointment.room,
            tentative=appointment.status == AppointmentStatus.REQUESTED,
            description=_("With %(counselor)s · %(channel)s")
            % {"counselor": appointment.counselor, "channel": appointment.get_channel_display()},
        )
    )
    return calendar.to_ical()
