"""factory-boy factories for the appointments app."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from appointments.enums import AppointmentSource, AppointmentStatus, MailboxKind, TimeOfDay
from appointments.models import (
    Appointment,
    ClosedDay,
    ExtraSession,
    GroupSession,
    MailboxItem,
    WaitlistEntry,
    WeeklySchedule,
)
from counseling.enums import Channel
from counseling.tests.factories import TermFactory


class WeeklyScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklySchedule

    term = factory.SubFactory(TermFactory)
    weekday = 0
    start_time = datetime.time(17, 25)
    end_time = datetime.time(18, 25)
    room = "301"
    slot_minutes = 30
    reserved_for_key_students = False


class ExtraSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtraSession

    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 0)
    room = "302"
    slot_minutes = 30


class ClosedDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosedDay

    end_date = factory.LazyAttribute(lambda c: c.start_date)
    reason = "Holiday"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(minutes=30))
    status = AppointmentStatus.CONFIRMED
    channel = Channel.FACE_TO_FACE
    room = "301"
    source = AppointmentSource.ONLINE


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    title = "Exam stress group"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda g: g.starts_at + datetime.timedelta(hours=1))
    room = "306"
    capacity = 8


class MailboxItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailboxItem

    kind = MailboxKind.REQUEST
    body = "I would like to talk to someone."


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    time_of_day = TimeOfDay.ANY
    channel = Channel.FACE_TO_FACE
